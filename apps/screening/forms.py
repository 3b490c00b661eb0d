"""The screening form: one yes / no / unknown question per active indicator, with a note."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.date_rules import past_event_problem
from apps.core.widgets import LocalDateInput
from apps.screening.models import Answer, Indicator, IndicatorGroup, Strength

NOTE_MAX_LENGTH = 1000
ANSWER_PREFIX = "answer_"
NOTE_PREFIX = "note_"
CHILD_WORDING = "child"


@dataclass
class Question:
    indicator: Indicator
    text: str
    answer: forms.BoundField
    note: forms.BoundField

    @property
    def strong(self) -> bool:
        return self.indicator.strength == Strength.STRONG


@dataclass
class QuestionGroup:
    code: str
    label: str
    questions: list[Question]


def validate_not_future(value):
    """The screening date is a past event (apps.core.date_rules); the service also checks
    it against the person's birth."""
    problem = past_event_problem(value)
    if problem:
        raise forms.ValidationError(problem)


def wants_child_wording(data, *, explicit: bool = False) -> bool:
    """Child-sensitive wording: the person was under 18 when exploited, or it was asked for."""
    if explicit:
        return True
    if not data:
        return False
    return (
        data.get("under_18_at_exploitation") == Answer.YES or data.get("wording") == CHILD_WORDING
    )


class ScreeningForm(forms.Form):
    """Built from the indicators passed in (the active ones, in their order)."""

    under_18_at_exploitation = forms.ChoiceField(
        label=_("Was the person under 18 when the exploitation took place?"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        widget=forms.RadioSelect,
    )
    screened_on = forms.DateField(
        label=_("Screened on"),
        validators=[validate_not_future],
        widget=LocalDateInput(),
    )
    # Which wording the questions were shown in, kept across reloads and errors.
    wording = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicators=(), child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.child = child
        self.fields["screened_on"].initial = timezone.localdate
        for indicator in self.indicators:
            self.fields[ANSWER_PREFIX + indicator.code] = forms.ChoiceField(
                label=indicator.text(child=child),
                choices=Answer.choices,
                initial=Answer.UNKNOWN,
                widget=forms.RadioSelect,
            )
            self.fields[NOTE_PREFIX + indicator.code] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def groups(self) -> list[QuestionGroup]:
        """The questions grouped as in the indicator groups, groups in their fixed order."""
        by_group: dict[str, list[Question]] = {}
        for indicator in self.indicators:
            by_group.setdefault(indicator.group, []).append(
                Question(
                    indicator=indicator,
                    text=indicator.text(child=self.child),
                    answer=self[ANSWER_PREFIX + indicator.code],
                    note=self[NOTE_PREFIX + indicator.code],
                )
            )
        return [
            QuestionGroup(code, label, by_group[code])
            for code, label in IndicatorGroup.choices
            if code in by_group
        ]

    def answers(self) -> dict[str, str]:
        return {i.code: self.cleaned_data[ANSWER_PREFIX + i.code] for i in self.indicators}

    def notes(self) -> dict[str, str]:
        notes = {}
        for i in self.indicators:
            text = (self.cleaned_data.get(NOTE_PREFIX + i.code) or "").strip()
            if text:
                notes[i.code] = text
        return notes


def validate_links(person, case=None, call=None) -> None:
    """A screening's case must be the person's, and its call the person's or not yet linked."""
    if case is not None and case.person_id != person.pk:
        raise forms.ValidationError(_("This case is not a case of this person."))
    if call is not None and call.person_id not in (None, person.pk):
        raise forms.ValidationError(_("This call is linked to another person."))
