"""The note a merged person's page shows: which record the person now lives on; and the
case page's line "this person may be known to N other organisations"."""

from django import template

from apps.core import audit
from apps.linkage.models import Merge
from apps.linkage.network import known_elsewhere_for

register = template.Library()


@register.simple_tag
def active_merge_of(person):
    """The merge that points this person at a survivor of the same organisation, or None."""
    if person is None or not getattr(person, "pk", None):
        return None
    return (
        Merge.objects.filter(
            merged_id=person.pk, organization_id=person.organization_id, undone_at__isnull=True
        )
        .select_related("survivor")
        .first()
    )


@register.inclusion_tag("linkage/_known_elsewhere.html", takes_context=True)
def known_elsewhere_line(context, person):
    """The number of other organisations that may hold the person, only for a member who
    may view her and only after her referral consent (apps.linkage.network); the look is
    audited. Nothing at all otherwise."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    n = known_elsewhere_for(membership, person)
    if n is not None:
        audit.shown(
            membership,
            [person],
            target_type="person",
            request=request,
            detail={"known_elsewhere": True},
        )
    return {"known_elsewhere": n}
