"""Forms of the legal pages. They check the shape of the input; the rules (dates in
order, known articles, possible sentences) are the services'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.widgets import LocalDateInput, LocalDateTimeInput
from apps.legal import selectors
from apps.legal.models import (
    AgeBand,
    Channel,
    ClientRole,
    CompensationEvent,
    ConsultationOutcome,
    Currency,
    CustodyStatus,
    Decision,
    DocumentKind,
    HearingStatus,
    LegalArea,
    ProceedingKind,
    ProtectionMeasure,
    ProtectionStatus,
    StageType,
    VerdictOutcome,
)
from apps.people.models import Sex

TEXT_LIMIT = 20000


def _date(label, required=False, **kw):
    return forms.DateField(label=label, required=required, widget=LocalDateInput(), **kw)


def _text(label, required=False, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _blank(choices):
    return [("", "—")] + list(choices)


def _number(text: str, prefix: str) -> int | None:
    text = (text or "").strip().upper()
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return int(text) if text.isdigit() and len(text) < 12 else None


class ConsultationForm(forms.Form):
    given_on = _date(_("Date"), required=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    person_code = forms.CharField(
        label=_("Client's person code"),
        required=False,
        max_length=20,
        help_text=_("P-000241 for a registered person; leave empty for an anonymous client."),
    )
    sex = forms.ChoiceField(
        label=_("Sex (anonymous client)"), choices=_blank(Sex.choices), required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age band (anonymous client)"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN
    )
    region = forms.ChoiceField(label=_("Region (anonymous client)"), required=False)
    legal_area = forms.ChoiceField(label=_("Legal area"), choices=LegalArea.choices)
    question = _text(_("Question"), required=True)
    advice = _text(_("Advice given"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ConsultationOutcome.choices)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.core.selectors import reference_choices

        self.membership = membership
        self.fields["region"].choices = _blank(reference_choices("region"))

    def clean_person_code(self):
        text = self.cleaned_data["person_code"]
        if not text.strip():
            return None
        pk = _number(text, "P-")
        from apps.people.selectors import people_visible_to

        person = (
            people_visible_to(self.membership).filter(pk=pk).first() if pk is not None else None
        )
        if person is None:
            raise ValidationError(_("No person of your organisation has this code."))
        return person


class ProceedingForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Case"), max_length=20, help_text=_("The case reference, e.g. C-000123.")
    )
    kind = forms.ChoiceField(label=_("Kind of proceeding"), choices=ProceedingKind.choices)
    client_role = forms.ChoiceField(label=_("Client's procedural role"), choices=ClientRole.choices)
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=None, required=False)
    official_number = forms.CharField(
        label=_("Official case number"), required=False, max_length=100
    )
    opened_on = _date(_("Opened on"), required=True)
    child_victim = forms.BooleanField(label=_("The victim is a child"), required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["lawyer"].queryset = selectors.lawyers_of(membership.organization_id)
        self.fields["lawyer"].label_from_instance = lambda u: u.display_name

    def clean_case_reference(self):
        from apps.cases.selectors import cases_visible_to

        pk = _number(self.cleaned_data["case_reference"], "C-")
        case = cases_visible_to(self.membership).filter(pk=pk).first() if pk else None
        if case is None:
            raise ValidationError(_("No case of your organisation has this reference."))
        return case


class StageForm(forms.Form):
    stage_type = forms.ChoiceField(label=_("Stage"), choices=StageType.choices)
    started_on = _date(_("Started on"), required=True)
    ended_on = _date(_("Ended on"))
    deciding_body = forms.CharField(label=_("Deciding body"), required=False, max_length=200)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=_blank(Decision.choices), required=False
    )
    decided_on = _date(_("Decided on"))
    challenges = forms.ModelChoiceField(
        label=_("Challenges the decision of"), queryset=None, required=False
    )
    summary = _text(_("Summary"), rows=2)
    verdict_unavailable_reason = forms.CharField(
        label=_("Why the verdict document is unavailable"), required=False, max_length=500
    )

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = proceeding.stages.exclude(decision="")
        self.fields["challenges"].label_from_instance = lambda s: (
            f"{s.get_stage_type_display()}: {s.get_decision_display()} ({s.decided_on})"
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    decided_on = _date(_("Decided on"), required=True)
    deciding_body = forms.CharField(label=_("Deciding body"), required=False, max_length=200)
    verdict_unavailable_reason = forms.CharField(
        label=_("Why the verdict document is unavailable"), required=False, max_length=500
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))


class DefendantForm(forms.Form):
    name = forms.CharField(label=_("Name or description"), max_length=300)
    public_official = forms.BooleanField(label=_("Public official"), required=False)
    custody_status = forms.ChoiceField(label=_("Custody status"), choices=CustodyStatus.choices)
    custody_verified_on = _date(_("Custody verified on"))


class ChargeForm(forms.Form):
    defendant = forms.ModelChoiceField(label=_("Defendant"), queryset=None)
    article = forms.ModelChoiceField(label=_("Article"), queryset=None)
    part = forms.CharField(label=_("Part"), required=False, max_length=8)
    paragraph = forms.CharField(label=_("Paragraph"), required=False, max_length=8)
    charged_on = _date(_("Charged on"))

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defendant"].queryset = proceeding.defendants.all()
        self.fields["defendant"].label_from_instance = lambda d: d.name
        self.fields["article"].queryset = selectors.articles()
        self.fields["article"].label_from_instance = lambda a: (
            f"{a.number} — {a.title} ({a.get_edition_display()})"
        )


class VerdictForm(forms.Form):
    charge = forms.ModelChoiceField(label=_("Charge"), queryset=None)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=None)
    outcome = forms.ChoiceField(label=_("Verdict"), choices=VerdictOutcome.choices)
    ground = forms.CharField(label=_("Ground"), required=False, max_length=200)
    decided_on = _date(_("Decided on"), required=True)
    prison_days = forms.IntegerField(label=_("Prison term (days)"), required=False)
    suspended = forms.BooleanField(label=_("Suspended"), required=False)
    fine_amount = forms.DecimalField(
        label=_("Fine"), required=False, max_digits=14, decimal_places=2
    )
    fine_currency = forms.ChoiceField(
        label=_("Currency of the fine"), choices=_blank(Currency.choices), required=False
    )
    probation_days = forms.IntegerField(label=_("Probation (days)"), required=False)

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.legal.models import Charge

        charge = self.fields["charge"]
        # Any charge of the proceeding is accepted, so that one a colleague gave a verdict
        # meanwhile reaches record_verdict and its "already has a verdict" instead of
        # "Select a valid choice"; only charges still without one are offered.
        charge.queryset = Charge.objects.filter(defendant__proceeding=proceeding).select_related(
            "article", "defendant"
        )
        charge.label_from_instance = lambda c: f"{c.defendant.name}: {c.label}"
        charge.choices = [
            ("", charge.empty_label),
            *(
                (c.pk, charge.label_from_instance(c))
                for c in charge.queryset.filter(verdict__isnull=True)
            ),
        ]
        self.fields["stage"].queryset = proceeding.stages.filter(
            stage_type__in=[StageType.FIRST_INSTANCE, StageType.APPEAL, StageType.CASSATION]
        )

    def sentence(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k)
            for k in ("prison_days", "suspended", "fine_amount", "fine_currency", "probation_days")
        }


class HearingForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=LocalDateTimeInput())
    court = forms.CharField(label=_("Court"), max_length=200)
    courtroom = forms.CharField(label=_("Courtroom"), required=False, max_length=40)
    judge = forms.CharField(label=_("Judge"), required=False, max_length=200)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=None, required=False)
    attendees = _text(_("Who attends"), rows=2)
    status = forms.ChoiceField(
        label=_("Status"), choices=HearingStatus.choices, initial=HearingStatus.PLANNED
    )
    result = _text(_("Result"), rows=2)
    next_on = _date(_("Next hearing on"))

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = proceeding.stages.all()


class HearingResultForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=HearingStatus.choices)
    result = _text(_("Result"), rows=2)
    next_on = _date(_("Next hearing on"))
    # The outcome as this form showed it (services.hearing_outcome_tag): a colleague's
    # change since then refuses the save instead of being overwritten.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class DeadlineForm(forms.Form):
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=None)
    counted_from = _date(_("Counted from"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = selectors.deadline_rules()
        self.fields["rule"].label_from_instance = lambda r: (
            f"{r.name} ({r.days} {r.get_day_kind_display()})"
        )


class CompensationForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), choices=CompensationEvent.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    on = _date(pgettext_lazy("compensation", "Date"), required=True)


class ProtectionForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=ProtectionMeasure.choices)
    requested_on = _date(_("Requested on"), required=True)


class ProtectionDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ProtectionStatus.GRANTED, ProtectionStatus.GRANTED.label),
                 (ProtectionStatus.REFUSED, ProtectionStatus.REFUSED.label)],
    )  # fmt: skip
    decided_by = forms.CharField(label=_("Decided by"), max_length=200)
    decided_on = _date(_("Decided on"), required=True)


class TimelineForm(forms.Form):
    happened_on = _date(_("Date"), required=True)
    text = _text(_("What happened"), required=True, rows=2)
    corrects = forms.ModelChoiceField(label=_("Corrects the entry"), queryset=None, required=False)

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = proceeding.timeline.all()
        self.fields["corrects"].label_from_instance = lambda e: f"#{e.pk} ({e.happened_on})"


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Procedural role"),
        choices=[(r, ClientRole(r).label) for r in ("victim", "witness", "civil_plaintiff")],
    )
    person_code = forms.CharField(
        label=_("Person code"),
        required=False,
        max_length=20,
        help_text=_("P-000241 for a registered person; or give a name below."),
    )
    name = forms.CharField(label=_("Name or description"), required=False, max_length=300)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_person_code(self):
        text = self.cleaned_data["person_code"]
        if not text.strip():
            return None
        from apps.people.selectors import people_visible_to

        pk = _number(text, "P-")
        person = people_visible_to(self.membership).filter(pk=pk).first() if pk else None
        if person is None:
            raise ValidationError(_("No person of your organisation has this code."))
        return person


class ContactAttemptForm(forms.Form):
    tried_on = _date(_("Date"), required=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    hearing = forms.ModelChoiceField(
        label=_("Before the hearing of"), queryset=None, required=False
    )
    reached = forms.BooleanField(label=_("Reached"), required=False)

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = proceeding.hearings.all()
        self.fields["hearing"].label_from_instance = (
            lambda h: f"{h.starts_at:%Y-%m-%d %H:%M} {h.court}"
        )


class StopParticipationForm(forms.Form):
    stopped_on = _date(_("Stopped taking part on"), required=True)


class CustodyForm(forms.Form):
    custody_status = forms.ChoiceField(label=_("Custody status"), choices=CustodyStatus.choices)
    verified_on = _date(_("Verified on"), required=True)


class CaseListFilter(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=_blank(StageType.choices), required=False)
    article = forms.ModelChoiceField(label=_("Article"), queryset=None, required=False)
    court = forms.CharField(label=_("Court"), required=False, max_length=200)
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=None, required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = selectors.articles()
        self.fields["article"].label_from_instance = lambda a: f"{a.number} ({a.edition})"
        self.fields["lawyer"].queryset = selectors.lawyers_of(membership.organization_id)
        self.fields["lawyer"].label_from_instance = lambda u: u.display_name


class LegalSettingsForm(forms.Form):
    feed_shows_client_names = forms.BooleanField(
        label=_("Calendar feeds show client names"), required=False
    )
