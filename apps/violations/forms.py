from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.core.models import ReferenceValue
from apps.core.selectors import reference_choices
from apps.core.widgets import LocalDateInput
from apps.people.models import Sex
from apps.violations import selectors
from apps.violations.models import (
    Confidentiality,
    DatePrecision,
    InterventionKind,
    InvolvementRole,
    Reliability,
    SourceKind,
)

TEXT = 20_000


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=LocalDateInput())


def tree_choices(terms) -> list[tuple[str, str]]:
    """A hierarchical vocabulary as a flat list: each broader term, then its narrower
    terms indented under it."""
    terms = list(terms)
    children: dict = {}
    for t in terms:
        children.setdefault(t.parent_id, []).append(t)
    out: list[tuple[str, str]] = []

    def walk(parent_id, depth):
        for t in children.get(parent_id, []):
            out.append((str(t.pk), "— " * depth + t.label))
            walk(t.pk, depth + 1)

    walk(None, 0)
    return out


class TermField(forms.ChoiceField):
    """A choice among the active terms of a vocabulary, cleaned to the term."""

    def __init__(self, *, terms, **kwargs):
        self.terms = terms
        super().__init__(**kwargs)
        # Callable: the terms are read when a form is made, not at import.
        self.choices = lambda: [("", "—")] + tree_choices(terms())

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        term = self.terms().filter(pk=value).first()
        if term is None:
            raise ValidationError(_("Choose a value from the list."))
        return term


class EventForm(forms.Form):
    title = forms.CharField(label=_("Short title"), max_length=300)
    occurred_on = _date(_("Date"))
    date_precision = forms.ChoiceField(
        label=_("How precise is the date"), choices=DatePrecision.choices
    )
    place = forms.CharField(label=_("Place"), max_length=500, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    institution = forms.ModelChoiceField(
        label=_("Closed institution"), queryset=None, required=False
    )
    parent = forms.ModelChoiceField(label=_("Follows the event"), queryset=None, required=False)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices)
    description = forms.CharField(
        label=_("What happened"),
        max_length=TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, membership, exclude_event=None, **kwargs):
        from apps.institutions.selectors import institutions_visible_to

        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + reference_choices(ReferenceValue.Kind.REGION)
        self.fields["institution"].queryset = institutions_visible_to(membership)
        events = selectors.own_events_visible_to(membership)
        if exclude_event is not None:
            events = events.exclude(pk=exclude_event.pk)
        self.fields["parent"].queryset = events
        self.fields["parent"].label_from_instance = lambda e: f"{e.reference} {e.title}"

    @classmethod
    def initial_from(cls, event) -> dict:
        return {
            **{
                name: getattr(event, name)
                for name in (
                    "title",
                    "occurred_on",
                    "date_precision",
                    "place",
                    "region",
                    "institution",
                    "parent",
                    "confidentiality",
                    "description",
                )
            },
            "version": event.version,
        }

    def clean_occurred_on(self):
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("This date is in the future; enter the day it happened."))
        return day


class PersonRowForm(forms.Form):
    """One person of the incident form; `existing` is set by choosing one of the
    "possible existing people" the duplicate warning offers."""

    existing = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_existing(self):
        pk = self.cleaned_data.get("existing")
        if pk is None:
            return None
        person = selectors.violation_people_visible_to(self.membership).filter(pk=pk).first()
        if person is None:
            raise ValidationError(_("Choose a person from your own violation records."))
        return person


class VictimForm(PersonRowForm):
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    act_type = TermField(label=_("What was done"), terms=selectors.act_types, required=False)

    def clean(self):
        data = super().clean()
        if self.has_changed() and not self.errors:
            if not data.get("existing") and not data.get("given_name"):
                self.add_error("given_name", _("Give the victim's given name."))
            if data.get("act_type") is None:
                self.add_error("act_type", _("Choose what was done to this person."))
        return data


class PerpetratorForm(PersonRowForm):
    position = forms.CharField(label=_("Position or rank"), max_length=200, required=False)
    group_name = forms.CharField(
        label=_("Or a group or institution"), max_length=300, required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=InvolvementRole.choices, initial=InvolvementRole.PERPETRATOR
    )
    perpetrator_type = TermField(
        label=_("Perpetrator type"), terms=selectors.perpetrator_types, required=False
    )
    identity_confidential = forms.BooleanField(
        label=_("Identity confidential"),
        required=False,
        initial=True,
        help_text=_("Withheld from organisations the event is shared with."),
    )

    def clean(self):
        data = super().clean()
        if self.has_changed() and not self.errors:
            if not (data.get("existing") or data.get("given_name") or data.get("group_name")):
                self.add_error(
                    "given_name", _("Give the person's name, or the group's or institution's.")
                )
        return data


class _RowsFormSet(forms.BaseFormSet):
    def __init__(self, *args, membership=None, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"membership": self.membership}

    def rows(self) -> list[dict]:
        """The filled rows' cleaned data (blank rows left out)."""
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


VictimFormSet = forms.formset_factory(
    VictimForm, formset=_RowsFormSet, extra=3, max_num=50, validate_max=True
)
PerpetratorFormSet = forms.formset_factory(
    PerpetratorForm, formset=_RowsFormSet, extra=2, max_num=50, validate_max=True
)


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of source"), choices=SourceKind.choices)
    reported_by = forms.CharField(label=_("Who reported"), max_length=300, required=False)
    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices)
    reported_on = _date(_("Reported on"))
    witness_given_name = forms.CharField(
        label=_("Witness's given name"), max_length=200, required=False
    )
    witness_family_name = forms.CharField(
        label=_("Witness's family name"), max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "source-%s")
        super().__init__(*args, **kwargs)


class ActEditForm(forms.Form):
    act_type = TermField(label=_("What was done"), terms=selectors.act_types)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SourceEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of source"), choices=SourceKind.choices)
    reported_by = forms.CharField(label=_("Who reported"), max_length=300, required=False)
    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices)
    reported_on = _date(_("Reported on"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InterventionKind.choices)
    made_on = _date(_("Date"), required=True)
    addressee = forms.CharField(label=_("Addressee"), max_length=200)
    response = forms.CharField(
        label=_("Response"),
        max_length=TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    response_on = _date(_("Response received on"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "intervention-%s")
        super().__init__(*args, **kwargs)


class InterventionEditForm(InterventionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InvolvementEditForm(forms.Form):
    group_name = forms.CharField(label=_("Group or institution"), max_length=300, required=False)
    position = forms.CharField(label=_("Position or rank"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=InvolvementRole.choices)
    perpetrator_type = TermField(
        label=_("Perpetrator type"), terms=selectors.perpetrator_types, required=False
    )
    identity_confidential = forms.BooleanField(label=_("Identity confidential"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InterventionResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Response"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    response_on = _date(_("Response received on"))


class GrantForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    share_victim_names = forms.BooleanField(label=_("Share the victims' names"), required=False)

    def __init__(self, *args, membership, **kwargs):
        kwargs.setdefault("auto_id", "grant-%s")
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.exclude(
            pk=membership.organization_id
        ).order_by("name")


class AddVictimForm(VictimForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "victim-%s")
        kwargs.setdefault("prefix", "victim")
        super().__init__(*args, **kwargs)
