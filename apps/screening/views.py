"""Recording a screening, showing its result with the reasons, and a person's history."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.cases.models import CaseStatus, ConsentScope
from apps.cases.selectors import case_for, cases_of_person, consents_of_person
from apps.core import audit
from apps.core.models import AuditEntry
from apps.hotline.selectors import call_for
from apps.people.selectors import person_for
from apps.people.services import NotAllowed
from apps.screening import selectors, services
from apps.screening.forms import CHILD_WORDING, ScreeningForm, validate_links, wants_child_wording
from apps.screening.models import Answer, Indicator, IndicatorGroup, Result, Strength
from apps.screening.rules import evaluate

TRAFFICKING_CASE_TYPE = "trafficking"
# The consents a presumed victim is asked for before assistance and referral.
NEXT_STEP_CONSENTS = (ConsentScope.ASSISTANCE, ConsentScope.REFERRAL)


def _linked(m, person, params):
    """The case and call named in the query string: visible to the member, and this person's."""
    case = case_for(m, params["case"]) if params.get("case") else None
    call = call_for(m, params["call"]) if params.get("call") else None
    try:
        validate_links(person, case, call)
    except ValidationError:
        raise Http404
    return case, call


def _child_by_age(form) -> bool:
    """Child wording because of the under-18 answer (not by choice: no way back to standard)."""
    return form.child and (form.data or form.initial).get("under_18_at_exploitation") == Answer.YES


@login_required
def screening_new(request):
    """GET ?person=ID[&case=ID][&call=ID][&child=1]; POST records the screening.

    The buttons that switch the wording post the form with another `action`: the
    form is shown again with everything typed and nothing is saved. The htmx
    request made when the under-18 answer changes (action "preview") gets only the
    question texts back, so answers given while it is on its way stay as they are.
    """
    m = member_with(request, Permission.EDIT_PEOPLE)
    person = person_for(m, request.GET.get("person"))
    case, call = _linked(m, person, request.GET)
    indicators = list(selectors.active_indicators())
    status = 200
    action = request.POST.get("action", "save")
    if request.method == "POST" and action != "save":
        typed = {
            k: v
            for k, v in request.POST.dict().items()
            if k not in ("csrfmiddlewaretoken", "action")
        }
        if action == "child":
            typed["wording"] = CHILD_WORDING
        elif action == "standard":
            typed["wording"] = ""
        form = ScreeningForm(initial=typed, indicators=indicators, child=wants_child_wording(typed))
        if action == "preview" and request.headers.get("HX-Request"):
            return render(
                request,
                "screening/_wording.html",
                {"form": form, "child_by_age": _child_by_age(form)},
            )
    elif request.method == "POST":
        form = ScreeningForm(
            request.POST, indicators=indicators, child=wants_child_wording(request.POST)
        )
        if form.is_valid():
            try:
                screening = services.record_screening(
                    membership=m,
                    person=person,
                    answers=form.answers(),
                    notes=form.notes(),
                    under_18=form.cleaned_data["under_18_at_exploitation"],
                    screened_on=form.cleaned_data["screened_on"],
                    case=case,
                    call=call,
                    request=request,
                )
            except NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Screening recorded."))
                return redirect("screening_detail", screening_id=screening.pk)
        status = 400
    else:
        child = request.GET.get("child") == "1"
        form = ScreeningForm(
            initial={"wording": CHILD_WORDING if child else ""},
            indicators=indicators,
            child=child,
        )
    return render(
        request,
        "screening/form.html",
        {
            "form": form,
            "person": person,
            "case": case,
            "call": call,
            "child_by_age": _child_by_age(form),
        },
        status=status,
    )


@dataclass
class AnsweredIndicator:
    code: str
    text: str
    group: str
    strength: str
    strong: bool
    answer: str
    answer_label: str
    note: str
    drove_result: bool


def _answered(screening, indicators: dict) -> list[AnsweredIndicator]:
    child = screening.under_18_at_exploitation == Answer.YES
    groups = dict(IndicatorGroup.choices)
    strengths = dict(Strength.choices)
    answers = dict(Answer.choices)
    notes = screening.notes or {}
    rows = []
    for code, answer in screening.answers.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        rows.append(
            AnsweredIndicator(
                code=code,
                text=indicator.text(child=child),
                group=groups.get(indicator.group, indicator.group),
                strength=strengths.get(indicator.strength, indicator.strength),
                strong=indicator.strength == Strength.STRONG,
                answer=answer,
                answer_label=answers.get(answer, answer),
                note=notes.get(code, ""),
                drove_result=code in screening.reasons,
            )
        )
    order = {code: n for n, code in enumerate(indicators)}
    rows.sort(key=lambda r: order.get(r.code, 0))
    return rows


def rule_clause(rule: str, thresholds: dict) -> str:
    """The clause of the rule set that gave the result, in words."""
    presumed = thresholds.get("presumed", {})
    possible = thresholds.get("possible", {})
    if rule == "child_sexual":
        return _(
            "The person was under 18 when exploited and was recruited or used for sexual "
            "exploitation: a child is a presumed victim without proof of force, fraud or "
            "coercion."
        )
    if rule == "strong":
        n = presumed.get("strong", 0)
        return ngettext(
            "Presumed victim: at least %(n)d strong indicator was answered yes.",
            "Presumed victim: at least %(n)d strong indicators were answered yes.",
            n,
        ) % {"n": n}
    if rule == "strong_with_medium":
        strong, medium = presumed.get("strong_with_medium", [0, 0])
        return _(
            "Presumed victim: at least %(strong)d strong and %(medium)d medium indicators "
            "were answered yes."
        ) % {"strong": strong, "medium": medium}
    if rule == "possible_strong":
        n = possible.get("strong", 0)
        return ngettext(
            "Possible victim: at least %(n)d strong indicator was answered yes.",
            "Possible victim: at least %(n)d strong indicators were answered yes.",
            n,
        ) % {"n": n}
    if rule == "possible_medium":
        n = possible.get("medium", 0)
        return ngettext(
            "Possible victim: at least %(n)d medium indicator was answered yes.",
            "Possible victim: at least %(n)d medium indicators were answered yes.",
            n,
        ) % {"n": n}
    if rule == "none":
        return _(
            "No indication: fewer indicators were answered yes than the rule set needs for a "
            "possible victim. Answers of “unknown” never count towards a result."
        )
    return _("The result was computed with the rule set named below.")


def _clause_of(screening, indicators: dict) -> str:
    """Apply the screening's own rule set again to name the clause (not stored)."""
    thresholds = screening.rule_set.thresholds
    outcome = evaluate(
        thresholds, indicators, screening.answers, screening.under_18_at_exploitation
    )
    return rule_clause(outcome.rule if outcome.result == screening.result else "", thresholds)


def _next_steps(m, screening) -> dict:
    person = screening.person
    open_cases = []
    if screening.case_id is None:
        open_cases = list(
            cases_of_person(m, person)
            .filter(case_type=TRAFFICKING_CASE_TYPE)
            .exclude(status=CaseStatus.CLOSED)
        )
    in_force = {c.scope for c in consents_of_person(m, person) if c.in_force}
    labels = dict(ConsentScope.choices)
    return {
        "open_cases": open_cases,
        "consents_missing": [labels[s] for s in NEXT_STEP_CONSENTS if s not in in_force],
        "consents_given": [labels[s] for s in NEXT_STEP_CONSENTS if s in in_force],
    }


@login_required
def screening_detail(request, screening_id):
    m = member_with(request, Permission.VIEW_PEOPLE)
    screening = selectors.screening_for(m, screening_id)
    services.record_screening_view(membership=m, screening=screening, request=request)
    indicators = {i.code: i for i in Indicator.objects.all()}
    answered = _answered(screening, indicators)
    context = {
        "screening": screening,
        "person": screening.person,
        "clause": _clause_of(screening, indicators),
        "yes_rows": [r for r in answered if r.answer == Answer.YES],
        "unknown_rows": [r for r in answered if r.answer == Answer.UNKNOWN],
        "answered": answered,
        "child_wording": screening.under_18_at_exploitation == Answer.YES,
        "is_presumed": screening.result == Result.PRESUMED,
        "is_possible": screening.result == Result.POSSIBLE,
    }
    if screening.result == Result.PRESUMED:
        context.update(_next_steps(m, screening))
    return render(request, "screening/detail.html", context)


@login_required
def person_screenings(request, person_id):
    m = member_with(request, Permission.VIEW_PEOPLE)
    person = person_for(m, person_id)
    screenings = list(selectors.screenings_of_person(m, person))
    # The history is a look at the person: it is audited like the person page.
    audit.record(
        AuditEntry.Action.VIEW,
        user=request.user,
        organization=m.organization,
        target=person,
        detail={"screening_history": len(screenings)},
        request=request,
    )
    return render(
        request,
        "screening/person_list.html",
        {"person": person, "screenings": screenings},
    )
