"""Scoped reads of violation records.

Members who document violations see their organisation's events (a restricted event:
its author and the organisation's admins only) and events another organisation shared
with theirs by a grant still in force. Monitors have no people register: the people they
see are the people of these records, through `violation_people_visible_to` and the
event pages, never apps.people's lists."""

from django.db.models import Q
from django.http import Http404

from apps.accounts.roles import Permission, Role
from apps.people import selectors as people_selectors
from apps.people.models import Person
from apps.people.services import on_behalf_of_record
from apps.violations.models import (
    Act,
    ActType,
    Confidentiality,
    Event,
    Grant,
    Involvement,
    PerpetratorType,
    Source,
)


def _documents(membership) -> bool:
    return membership is not None and membership.can(Permission.DOCUMENT_VIOLATIONS)


def own_events_visible_to(membership):
    """The member's organisation's events the member may see (and change)."""
    if not _documents(membership):
        return Event.objects.none()
    qs = Event.objects.filter(organization_id=membership.organization_id)
    if membership.role != Role.ORG_ADMIN:
        qs = qs.filter(
            Q(confidentiality=Confidentiality.ORGANISATION) | Q(created_by_id=membership.user_id)
        )
    return qs


def events_visible_to(membership):
    """Own events (see above) and events shared with the organisation by an open grant."""
    if not _documents(membership):
        return Event.objects.none()
    shared = Grant.objects.filter(
        organization_id=membership.organization_id, revoked_at__isnull=True
    ).values("event_id")
    return Event.objects.filter(
        Q(pk__in=own_events_visible_to(membership).values("pk")) | Q(pk__in=shared)
    )


def event_for(membership, event_id) -> Event:
    """One visible event, or 404 (existence is not disclosed)."""
    try:
        return events_visible_to(membership).get(pk=int(event_id))
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404


def own_event_for(membership, event_id) -> Event:
    """One event the member may change (own organisation), or 404."""
    try:
        return own_events_visible_to(membership).get(pk=int(event_id))
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404


def open_grant(membership, event: Event) -> Grant | None:
    """The grant through which the member's organisation sees another's event."""
    if event.organization_id == membership.organization_id:
        return None
    return Grant.objects.filter(
        event=event, organization_id=membership.organization_id, revoked_at__isnull=True
    ).first()


def violation_people_visible_to(membership):
    """The people of the organisation's own violation records and visit interviews that
    the member sees: the only people a monitor ever sees."""
    if not _documents(membership):
        return Person.objects.none()
    from apps.institutions.selectors import interviewed_people_ids

    events = own_events_visible_to(membership).values("pk")
    ids = (
        Q(pk__in=Act.objects.filter(event__in=events).values("victim_id"))
        | Q(
            pk__in=Involvement.objects.filter(event__in=events, person__isnull=False).values(
                "person_id"
            )
        )
        | Q(
            pk__in=Source.objects.filter(event__in=events, person__isnull=False).values("person_id")
        )
        | Q(pk__in=interviewed_people_ids(membership))
    )
    return Person.objects.filter(ids, organization_id=membership.organization_id)


def event_detail(membership, event: Event) -> dict:
    """What the event's page and API show, with names withheld from a grantee as the
    grant and the involvements' confidentiality say. "people" lists who was shown."""
    grant = open_grant(membership, event)
    shared = grant is not None
    acts = list(event.acts.select_related("victim", "act_type", "act_type__parent"))
    involvements = list(
        event.involvements.select_related("person", "perpetrator_type", "perpetrator_type__parent")
    )
    sources = list(event.sources.select_related("person"))
    shown = []
    for act in acts:
        act.victim_shown = not shared or grant.share_victim_names
        act.victim_label = act.victim.display_name if act.victim_shown else act.victim.code
        if act.victim_shown:
            shown.append(act.victim)
    for inv in involvements:
        inv.identity_shown = not shared or not inv.identity_confidential
        if inv.person is not None:
            inv.person_label = inv.person.display_name if inv.identity_shown else inv.person.code
            if inv.identity_shown:
                shown.append(inv.person)
        else:
            inv.person_label = ""
        if not inv.identity_shown:
            inv.group_label = ""
        else:
            inv.group_label = inv.group_name
    for source in sources:
        source.shown = not shared
        if source.person is not None and source.shown:
            shown.append(source.person)
    return {
        "event": event,
        "shared": shared,
        "grant": grant,
        "acts": acts,
        "involvements": involvements,
        "sources": sources if not shared else [],
        "interventions": list(event.interventions.all()),
        "grants": list(event.grants.select_related("organization")) if not shared else [],
        "followers": list(events_visible_to(membership).filter(parent=event)),
        "people": shown,
    }


def similar_people(membership, query: str, *, limit: int = 10) -> dict:
    """Who in the organisation has a name like `query`, for the duplicate warning while
    a monitor types: the people of the member's own violation records by name, and only
    a count of the others (whose names the monitor may not see)."""
    if not _documents(membership) or len((query or "").strip()) < 3:
        return {"people": [], "others": 0}
    found = people_selectors.search_people(
        on_behalf_of_record(membership, Permission.DOCUMENT_VIOLATIONS), query, limit=50
    )
    mine = set(
        violation_people_visible_to(membership)
        .filter(pk__in=[p.pk for p in found])
        .values_list("pk", flat=True)
    )
    return {
        "people": [p for p in found if p.pk in mine][:limit],
        "others": sum(1 for p in found if p.pk not in mine),
    }


def act_types():
    return ActType.objects.filter(active=True).select_related("parent")


def perpetrator_types():
    return PerpetratorType.objects.filter(active=True).select_related("parent")
