from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.selectors import reference_choices
from apps.hotline.models import CallerCategory, Channel, Direction, Outcome, Urgency
from apps.people.models import Sex
from apps.people.validation import reject_formula


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
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=600
    )
    started_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )
    call_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = reference_choices("call_topic")
        self.fields["caller_region"].choices = [("", "—")] + reference_choices("region")
        self.fields["language"].choices = [("", "—")] + reference_choices("language")
        self.fields["outcome"].choices = [("", "—")] + list(Outcome.choices)

    def clean(self):
        data = super().clean()
        for name in ("caller_name", "summary", "answer"):
            try:
                reject_formula(data.get(name, ""))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
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
            "summary": call.summary,
            "answer": call.answer,
            "outcome": call.outcome,
            "follow_up_due": call.follow_up_due,
            "duration_minutes": call.duration_minutes,
            "started_at": timezone.localtime(call.started_at),
            "call_id": call.pk,
            "version": call.version,
        }


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
            self.fields["assigned_to"].queryset = User.objects.filter(
                memberships__organization=organization,
                memberships__is_active=True,
                memberships__role__in=["case_worker", "lawyer", "org_admin"],
            ).distinct()
        if not needs_person:
            for name in ("family_name", "given_name", "sex"):
                del self.fields[name]
