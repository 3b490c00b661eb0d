"""Recording a screening: validate the answers, apply the active rule set, audit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.date_rules import check_past_events
from apps.core.models import AuditEntry
from apps.people.services import require
from apps.people.validation import person_born
from apps.screening.models import Answer, Screening
from apps.screening.rules import evaluate
from apps.screening.selectors import active_indicators, active_rule_set


def record_screening(*, membership, person, answers: dict, notes: dict | None = None,
                     under_18: str = Answer.UNKNOWN, screened_on=None, case=None, call=None,
                     request=None) -> Screening:  # fmt: skip
    """Save a screening of a person of the member's organisation with its computed result."""
    require(membership, Permission.EDIT_PEOPLE)
    if person.organization_id != membership.organization_id:
        raise ValidationError(_("This person belongs to another organisation."))
    for linked in (case, call):
        if linked is not None and linked.organization_id != membership.organization_id:
            raise ValidationError(_("This record belongs to another organisation."))
    indicators = {i.code: i for i in active_indicators()}
    unknown = [code for code in answers if code not in indicators]
    if unknown:
        raise ValidationError(_("Unknown indicators: %s") % ", ".join(sorted(unknown)))
    bad = [code for code, a in answers.items() if a not in Answer.values]
    if bad:
        raise ValidationError(_("Answer yes, no or unknown for: %s") % ", ".join(sorted(bad)))
    if under_18 not in Answer.values:
        raise ValidationError(_("Answer yes, no or unknown for: %s") % _("under 18"))
    check_past_events({"screened_on": screened_on}, born=person_born(person))
    answers = {code: answers.get(code, Answer.UNKNOWN) for code in indicators}
    rule_set = active_rule_set()
    outcome = evaluate(rule_set.thresholds, indicators, answers, under_18)
    with transaction.atomic():
        screening = Screening(
            organization=membership.organization,
            person=person,
            case=case,
            call=call,
            rule_set=rule_set,
            under_18_at_exploitation=under_18,
            answers=answers,
            notes={k: v for k, v in (notes or {}).items() if v and k in indicators},
            result=outcome.result,
            reasons=outcome.reasons,
            child_protection=outcome.child_protection,
            screened_by=membership.user,
        )
        if screened_on:
            screening.screened_on = screened_on
        screening.save()
        audit.record(
            AuditEntry.Action.CREATE,
            user=membership.user,
            organization=membership.organization,
            target=screening,
            detail={"person": person.pk, "result": outcome.result, "rules": rule_set.version},
            request=request,
        )
    return screening


def record_screening_view(*, membership, screening, request=None) -> None:
    audit.record(
        AuditEntry.Action.VIEW,
        user=membership.user,
        organization=membership.organization,
        target=screening,
        detail={"person": screening.person_id},
        request=request,
    )
