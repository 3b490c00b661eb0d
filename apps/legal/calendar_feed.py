"""A lawyer's hearings as an iCalendar feed (RFC 5545, written by `icalendar`).

The feed leaves Koldoo for a phone or a calendar service, so by default a hearing is
named by its proceeding's and case's references only; the client's name is added
only when the organisation allows it (LegalSettings.feed_shows_client_names). Notes,
attendees and results never go into the feed.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from apps.core import audit
from apps.legal import selectors
from apps.legal.models import HearingStatus

HEARING_LENGTH = timedelta(hours=2)
# A feed also shows the recent past, so a hearing just held does not vanish at midnight.
PAST_DAYS = 60


def feed_for(membership, *, request=None) -> bytes:
    since = timezone.now() - timedelta(days=PAST_DAYS)
    hearings = list(selectors.calendar_of(membership, since=since)[:500])
    with_names = selectors.feed_shows_client_names(membership.organization_id)
    cal = Calendar()
    cal.add("prodid", "-//Koldoo//Legal hearings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Hearings"))
    for h in hearings:
        p = h.proceeding
        event = Event()
        event.add("uid", f"hearing-{h.pk}@koldoo")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", h.starts_at)
        event.add("dtend", h.starts_at + HEARING_LENGTH)
        title = _("Hearing %(proceeding)s (%(case)s)") % {
            "proceeding": p.reference,
            "case": p.case.reference,
        }
        if with_names:
            title += f" — {p.case.person.display_name}"
        event.add("summary", title)
        event.add("location", ", ".join(x for x in (h.court, h.courtroom) if x))
        if h.stage_id:
            event.add("description", h.stage.get_stage_type_display())
        event.add(
            "status",
            "CANCELLED" if h.status == HearingStatus.CANCELLED else "CONFIRMED",
        )
        cal.add_component(event)
    audit.shown(
        membership,
        hearings,
        target_type="hearing",
        request=request,
        action=audit.AuditEntry.Action.EXPORT,
        detail={"via": "calendar feed"},
    )
    return cal.to_ical()
