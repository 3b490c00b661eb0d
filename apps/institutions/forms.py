from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.models import ReferenceValue
from apps.core.selectors import reference_choices
from apps.core.widgets import LocalDateInput
from apps.institutions.models import (
    Access,
    AnswerType,
    InstitutionKind,
    IntervieweeCategory,
    RecommendationKind,
    RecommendationStatus,
    Topic,
    VisitKind,
)
from apps.institutions.services import MAX_PEOPLE_IN_PLACE

TEXT = 20_000


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=LocalDateInput())


def _text(label, rows=3, required=False):
    return forms.CharField(
        label=label, max_length=TEXT, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=InstitutionKind.choices)
    authority = forms.CharField(label=_("Authority in charge"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=0, max_value=MAX_PEOPLE_IN_PLACE
    )
    population = forms.IntegerField(
        label=_("Population"), required=False, min_value=0, max_value=MAX_PEOPLE_IN_PLACE
    )
    population_on = _date(_("Population counted on"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "institution-%s")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + reference_choices(ReferenceValue.Kind.REGION)


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of visit"), choices=VisitKind.choices)
    visited_on = _date(_("Date of the visit"), required=True)
    announced = forms.BooleanField(label=_("Announced in advance"), required=False)
    team = forms.CharField(label=_("Team"), max_length=500, required=False)
    access = forms.ChoiceField(label=_("Access"), choices=Access.choices)
    denied_by = forms.CharField(label=_("Who denied access"), max_length=300, required=False)
    denial_reason = _text(_("Reason given for the denial"), rows=2)
    summary = _text(_("Summary"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "visit-%s")
        super().__init__(*args, **kwargs)


class ObservationForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    text = _text(_("Observation"), required=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "observation-%s")
        super().__init__(*args, **kwargs)


class InterviewForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Who the person is"), choices=IntervieweeCategory.choices)
    consent = forms.BooleanField(label=_("Consent to use the account given"), required=False)
    notes = _text(_("Notes"), rows=2)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "interview-%s")
        super().__init__(*args, **kwargs)


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RecommendationKind.choices)
    text = _text(_("Recommendation"), required=True)
    addressee = forms.CharField(label=_("Addressee"), max_length=200)
    made_on = _date(_("Made on"), required=True)
    deadline = _date(_("Deadline"))
    repeats = forms.ModelChoiceField(
        label=_("Repeats an earlier recommendation"), queryset=None, required=False
    )

    def __init__(self, *args, recommendations, **kwargs):
        kwargs.setdefault("auto_id", "recommendation-%s")
        super().__init__(*args, **kwargs)
        self.fields["repeats"].queryset = recommendations
        self.fields["repeats"].label_from_instance = (
            lambda r: f"R-{r.pk} · {r.made_on:%Y-%m-%d} · {r.text[:80]}"
        )


class ResponseForm(forms.Form):
    on = _date(_("Date"), required=True)
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    response = _text(_("Authority's response"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "response-%s")
        super().__init__(*args, **kwargs)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    answer_type = forms.ChoiceField(label=_("Answer type"), choices=AnswerType.choices)
    visit_kind = forms.ChoiceField(
        label=_("Type of visit"),
        choices=[("", _("every type"))] + list(VisitKind.choices),
        required=False,
    )
    choices = forms.CharField(
        label=_("Choices (one per line)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sort_order = forms.IntegerField(
        label=_("Order"), required=False, min_value=0, max_value=10_000, initial=100
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "question-%s")
        super().__init__(*args, **kwargs)

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class ChecklistForm(forms.Form):
    """One field per question of the visit's checklist, typed by the question."""

    def __init__(self, *args, questions, **kwargs):
        kwargs.setdefault("auto_id", "checklist-%s")
        super().__init__(*args, **kwargs)
        self.questions = {f"q{q.pk}": q for q in questions}
        for name, q in self.questions.items():
            if q.answer_type == AnswerType.YES_NO:
                field = forms.ChoiceField(
                    choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))], required=False
                )
            elif q.answer_type == AnswerType.NUMBER:
                field = forms.DecimalField(required=False, min_value=0, max_value=1_000_000)
            elif q.answer_type == AnswerType.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, c) for c in q.choices], required=False
                )
            else:
                field = forms.CharField(
                    required=False, max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
                )
            field.label = q.text
            field.initial = q.answer
            self.fields[name] = field

    def answers(self) -> dict:
        out = {}
        for name, q in self.questions.items():
            value = self.cleaned_data.get(name)
            out[q] = "" if value is None else str(value).removesuffix(".0")
        return out
