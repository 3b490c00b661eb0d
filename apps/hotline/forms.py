from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.colleagues import case_workers_of
from apps.accounts.models import User
from apps.core.selectors import reference_choices
from apps.core.widgets import LocalDateInput, LocalDateTimeInput
from apps.hotline.models import CallerCategory, Channel, Direction, Outcome, Relation, Urgency
from apps.monitoring.models import RecruitmentAgency
from apps.monitoring.selectors import agencies_for
from apps.people.models import Sex


class CallForm(forms.Form):
    """The intake screen. Every field is optional here: a draft may be half-typed;
    the rules for a finished call live in hotline.services.check_call."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE, widget=forms.RadioSelect
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        initial=Direction.INCOMING,
        widget=forms.RadioSelect,
    )
    caller_category = forms.ChoiceField(
        label=_("Who is calling"),
        choices=CallerCategory.choices,
        initial=CallerCategory.ANONYMOUS,
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    caller_region = forms.ChoiceField(label=_("Caller's region"), required=False)
    language = forms.ChoiceField(label=_("Language of the call"), required=False)
    caller_name = forms.CharField(
        label=_("Caller's name (optional)"), required=False, max_length=200
    )
    caller_phone = forms.CharField(
        label=_("Caller's phone (optional)"), required=False, max_length=40
    )
    destination_country = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        help_text=_("Where the person went or is going to work."),
    )
    # Chosen from the agency look-up beside the form (radio buttons of that list
    # belong to this form); never rendered as a list of the whole register.
    agency = forms.ModelChoiceField(
        label=_("Agency checked during the call"),
        queryset=RecruitmentAgency.objects.none(),
        required=False,
    )
    summary = forms.CharField(
        label=_("What the caller said"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=_("What was answered"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    follow_up_due = forms.DateField(
        label=_("Follow-up due"),
        required=False,
        widget=LocalDateInput(),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=600
    )
    started_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=LocalDateTimeInput(),
    )
    call_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(membership)
        # Typing the caller's phone looks up earlier calls from it (POST: the number
        # stays out of URLs and access logs).
        self.fields["caller_phone"].widget.attrs.update(
            {
                "hx-post": reverse("call_earlier_calls"),
                "hx-trigger": "input changed delay:700ms, change",
                "hx-target": "#earlier-calls",
                "hx-swap": "outerHTML",
                "hx-params": "caller_phone,call_id",
                "autocomplete": "off",
            }
        )
        self.fields["destination_country"].choices = [("", "—")] + reference_choices("country")
        self.fields["topics"].choices = reference_choices("call_topic")
        self.fields["caller_region"].choices = [("", "—")] + reference_choices("region")
        self.fields["language"].choices = [("", "—")] + reference_choices("language")
        self.fields["outcome"].choices = [("", "—")] + list(Outcome.choices)

    def clean(self):
        data = super().clean()
        if data.get("follow_up_due") and data["follow_up_due"] < timezone.localdate():
            self.add_error("follow_up_due", _("The follow-up cannot be in the past."))
        if data.get("started_at") and data["started_at"] > timezone.now() + timezone.timedelta(
            minutes=5
        ):
            self.add_error("started_at", _("The call cannot be in the future."))
        return data

    def call_data(self, *, only_valid: bool = False) -> dict:
        """The fields to save; for an autosaved draft only the fields that are valid."""
        source = self.cleaned_data if not only_valid else {
            k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors
        }  # fmt: skip
        data = {k: v for k, v in source.items() if k not in ("call_id", "version")}
        if "started_at" in data and not data["started_at"]:
            data.pop("started_at")
        return data

    @staticmethod
    def initial_from(call) -> dict:
        return {
            "channel": call.channel,
            "direction": call.direction,
            "caller_category": call.caller_category,
            "topics": call.topics,
            "urgency": call.urgency,
            "caller_region": call.caller_region,
            "language": call.language,
            "caller_name": call.caller_name,
            "caller_phone": call.caller_phone,
            "destination_country": call.destination_country,
            "agency": call.agency_id,
            "summary": call.summary,
            "answer": call.answer,
            "outcome": call.outcome,
            "follow_up_due": call.follow_up_due,
            "duration_minutes": call.duration_minutes,
            "started_at": timezone.localtime(call.started_at),
            "call_id": call.pk,
            "version": call.version,
        }


class ContactPersonForm(forms.Form):
    """One person the caller speaks for; a row left empty is not recorded."""

    name = forms.CharField(label=_("Contact person's name"), max_length=200, required=False)
    relation = forms.ChoiceField(
        label=_("Relation to the person"),
        choices=[("", "—")] + list(Relation.choices),
        required=False,
    )
    phone = forms.CharField(label=_("Contact person's phone"), max_length=40, required=False)


ContactPersonFormSet = forms.formset_factory(ContactPersonForm, extra=1, max_num=5)


def contact_persons_initial(call) -> list[dict]:
    """The caller as the first contact person, unless they called about themselves or
    stayed anonymous."""
    if call.caller_category in (CallerCategory.PERSON_CONCERNED, CallerCategory.ANONYMOUS):
        return []
    if not (call.caller_name or call.caller_phone):
        return []
    relation = {
        CallerCategory.FRIEND: Relation.FRIEND,
        CallerCategory.EMPLOYER: Relation.EMPLOYER,
        CallerCategory.OFFICIAL: Relation.OFFICIAL,
    }.get(call.caller_category, "")
    return [{"name": call.caller_name, "phone": call.caller_phone, "relation": relation}]


class OpenCaseFromCallForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    case_type = forms.ChoiceField(label=_("Case type"))
    assigned_to = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, needs_person=True, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = reference_choices("case_type")
        if organization is not None:
            self.fields["assigned_to"].queryset = case_workers_of(organization)
        if not needs_person:
            for name in ("family_name", "given_name", "sex"):
                del self.fields[name]
