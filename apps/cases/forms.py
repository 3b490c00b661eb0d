from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.colleagues import case_workers_of
from apps.accounts.models import User
from apps.cases.models import STATUS_TRANSITIONS, CaseStatus, ConsentScope
from apps.core.selectors import reference_choices
from apps.core.widgets import LocalDateInput


class CaseForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Case type"))
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned worker"), queryset=User.objects.none(), required=False
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=LocalDateInput())
    exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries_of_recruitment = forms.MultipleChoiceField(
        label=_("Countries of recruitment"), required=False
    )
    countries_of_transit = forms.MultipleChoiceField(
        label=_("Countries of transit"), required=False
    )
    countries_of_exploitation = forms.MultipleChoiceField(
        label=_("Countries of exploitation"), required=False
    )
    recruitment_channel = forms.ChoiceField(label=_("Recruitment channel"), required=False)
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"), required=False, widget=forms.CheckboxSelectMultiple
    )
    exploitation_began_on = forms.DateField(
        label=_("Exploitation began on"),
        required=False,
        widget=LocalDateInput(),
    )
    exploitation_ended_on = forms.DateField(
        label=_("Exploitation ended on"),
        required=False,
        widget=LocalDateInput(),
    )
    identified_on = forms.DateField(
        label=_("Identified as a victim on"),
        required=False,
        help_text=_(
            "The date the competent authority formally identified the person as a victim. "
            "Leave empty while the person is a presumed victim."
        ),
        widget=LocalDateInput(),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        countries = reference_choices("country")
        self.fields["case_type"].choices = reference_choices("case_type")
        self.fields["exploitation"].choices = reference_choices("exploitation")
        self.fields["means_of_control"].choices = reference_choices("means_of_control")
        self.fields["recruitment_channel"].choices = [("", "—")] + reference_choices(
            "recruitment_channel"
        )
        for name in (
            "countries_of_recruitment",
            "countries_of_transit",
            "countries_of_exploitation",
        ):
            self.fields[name].choices = countries
            self.fields[name].widget.attrs["size"] = 5
        if organization is not None:
            self.fields["assigned_to"].queryset = case_workers_of(organization)

    def clean(self):
        data = super().clean()
        began, ended = data.get("exploitation_began_on"), data.get("exploitation_ended_on")
        if began and ended and ended < began:
            self.add_error("exploitation_ended_on", _("The end cannot be before the beginning."))
        return data

    def case_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_from(case) -> dict:
        return {
            "case_type": case.case_type,
            "assigned_to": case.assigned_to_id,
            "opened_on": case.opened_on,
            "exploitation": case.exploitation,
            "countries_of_recruitment": case.countries_of_recruitment,
            "countries_of_transit": case.countries_of_transit,
            "countries_of_exploitation": case.countries_of_exploitation,
            "recruitment_channel": case.recruitment_channel,
            "means_of_control": case.means_of_control,
            "exploitation_began_on": case.exploitation_began_on,
            "exploitation_ended_on": case.exploitation_ended_on,
            "identified_on": case.identified_on,
            "version": case.version,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    closure_reason = forms.ChoiceField(label=_("Reason for closing"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            allowed = STATUS_TRANSITIONS.get(current, set())
            self.fields["status"].choices = [c for c in CaseStatus.choices if c[0] in allowed]
        self.fields["closure_reason"].choices = [("", "—")] + reference_choices("closure_reason")


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=LocalDateInput(),
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["assigned_to"].queryset = case_workers_of(organization)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("The person agreed"), choices=ConsentScope.choices)
    given_on = forms.DateField(
        label=_("Given on"),
        required=False,
        widget=LocalDateInput(),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=LocalDateInput(),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if (
            data.get("given_on")
            and data.get("valid_until")
            and data["valid_until"] < data["given_on"]
        ):
            self.add_error("valid_until", _("The end cannot be before the beginning."))
        return data
