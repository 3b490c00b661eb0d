"""Scoped reads of screenings and the active questions."""

from django.http import Http404

from apps.accounts.roles import Permission
from apps.screening.models import Indicator, RuleSet, Screening


def active_rule_set() -> RuleSet:
    return RuleSet.objects.filter(active=True).order_by("-created_at").first()


def active_indicators():
    return Indicator.objects.filter(active=True)


def screenings_visible_to(membership):
    """Screenings of the member's organisation, for roles that see people."""
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return Screening.objects.none()
    return Screening.objects.filter(organization_id=membership.organization_id)


def screening_for(membership, screening_id) -> Screening:
    try:
        return (
            screenings_visible_to(membership)
            .select_related("person", "rule_set", "screened_by", "case", "call")
            .get(pk=int(screening_id))
        )
    except (Screening.DoesNotExist, ValueError, TypeError):
        raise Http404


def screenings_of_person(membership, person):
    return screenings_visible_to(membership).filter(person=person).select_related("rule_set")
