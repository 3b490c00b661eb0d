"""Every write to prevention records: validate, write in one transaction, audit.

Attendance is checked at entry: the breakdown by sex and the breakdown by age band must
each add up to the total, or the user says where the rest goes ("not recorded")."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import blind_hash, organization_index_key, organization_index_keys
from apps.core.index_rebuild import rekey_next_batch
from apps.core.models import AuditEntry
from apps.people.name_keys import name_tokens
from apps.people.services import StaleEdit, require
from apps.prevention.models import (
    AGE_UNKNOWN,
    ANY,
    CAPACITY_MAX,
    CAPACITY_MIN,
    DEFAULT_AGE_BANDS,
    MAX_COUNT,
    AgeBand,
    AttendanceCount,
    AttendanceMode,
    Campaign,
    CapacityArea,
    CapacityAssessment,
    Event,
    EventType,
    FollowUp,
    Participant,
    Sex,
    TestScore,
)

SEXES = [Sex.FEMALE, Sex.MALE, Sex.UNKNOWN]
EVENT_FIELDS = (
    "event_type",
    "title",
    "starts_on",
    "ends_on",
    "region",
    "district",
    "village",
    "venue",
    "facilitators",
    "partners",
    "target_group",
    "materials_distributed",
    "campaign",
    "training",
    "attendance_mode",
    "broadcast_reach",
)


def _english(label) -> str:
    with override("en"):
        return str(label)


def age_bands_of(organization) -> list[AgeBand]:
    """The organisation's age bands in order; the default bands are created the first
    time they are asked for (reference data per organisation, editable in the admin)."""
    bands = list(AgeBand.objects.filter(organization=organization))
    if not bands:
        AgeBand.objects.bulk_create(
            [
                AgeBand(
                    organization=organization,
                    code=code,
                    label=_english(label),
                    min_age=low,
                    max_age=high,
                    sort_order=i,
                )
                for i, (code, label, low, high) in enumerate(DEFAULT_AGE_BANDS)
            ],
            ignore_conflicts=True,
        )
        bands = list(AgeBand.objects.filter(organization=organization))
    return bands


# Attendance --------------------------------------------------------------------------


@dataclass
class Attendance:
    """What the attendance form holds: the total, the margins as typed and the cells of
    the cross-tab (any of them may be missing: None)."""

    total: int | None = None
    by_sex: dict = field(default_factory=dict)  # sex -> count
    by_age: dict = field(default_factory=dict)  # band code or AGE_UNKNOWN -> count
    cells: dict = field(default_factory=dict)  # (sex, band) -> count
    rest_not_recorded: bool = False


class BreakdownMismatch(ValidationError):
    """A breakdown does not add up to the total; the user corrects it or puts the rest
    under "not recorded"."""


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def _check_count(value, what) -> int:
    if value is None:
        return 0
    if value < 0:
        raise ValidationError(_("%(what)s cannot be negative.") % {"what": what})
    if value > MAX_COUNT:
        raise ValidationError(
            _("%(what)s is larger than %(max)s; please check the number.")
            % {"what": what, "max": _n(MAX_COUNT)}
        )
    return int(value)


def settle_attendance(attendance: Attendance, band_codes: list[str]) -> dict:
    """The counts to store, {(sex, band): n} including the margins, or a ValidationError
    saying what does not add up. Cells, when any is given, decide the margins."""
    codes = list(band_codes) + [AGE_UNKNOWN]
    cells = {
        key: _check_count(v, _("A count"))
        for key, v in attendance.cells.items()
        if v not in (None, 0) and key[0] in SEXES and key[1] in codes
    }
    by_sex = {s: _check_count(attendance.by_sex.get(s), _("A count")) for s in SEXES}
    by_age = {c: _check_count(attendance.by_age.get(c), _("A count")) for c in codes}
    if cells:
        from_cells_sex = {s: sum(n for (cs, _b), n in cells.items() if cs == s) for s in SEXES}
        from_cells_age = {c: sum(n for (_s, cb), n in cells.items() if cb == c) for c in codes}
        typed_sex = any(by_sex.values()) and by_sex != from_cells_sex
        typed_age = any(by_age.values()) and by_age != from_cells_age
        if typed_sex or typed_age:
            raise ValidationError(
                _(
                    "The totals by sex or by age band differ from the sums of the table's "
                    "cells. Clear them or correct the cells."
                )
            )
        by_sex, by_age = from_cells_sex, from_cells_age
    total = attendance.total
    if total is None:
        total = sum(by_sex.values()) or sum(by_age.values())
    total = _check_count(total, _("The total"))
    errors = []
    for label, margin, rest_key in (
        (_("by sex"), by_sex, Sex.UNKNOWN),
        (_("by age band"), by_age, AGE_UNKNOWN),
    ):
        added = sum(margin.values())
        if added == total:
            continue
        if added == 0 and not cells:
            # Not counted by this at all (a round table's head count): all "not recorded".
            margin[rest_key] = total
            continue
        if added > total:
            errors.append(
                _(
                    "The breakdown %(which)s adds up to %(added)s, more than the total of "
                    "%(total)s. Correct the breakdown or the total."
                )
                % {"which": label, "added": _n(added), "total": _n(total)}
            )
        elif attendance.rest_not_recorded and not cells:
            margin[rest_key] += total - added
        else:
            errors.append(
                _(
                    "The breakdown %(which)s adds up to %(added)s but the total is "
                    "%(total)s (%(rest)s not placed). Correct the breakdown, or tick "
                    "“put the rest under not recorded” to count the %(rest)s as "
                    "“not recorded”."
                )
                % {
                    "which": label,
                    "added": _n(added),
                    "total": _n(total),
                    "rest": _n(total - added),
                }
            )
    if errors:
        raise BreakdownMismatch(errors)
    out = {(s, ANY): n for s, n in by_sex.items() if n}
    out.update({(ANY, c): n for c, n in by_age.items() if n})
    out.update(cells)
    out[(ANY, ANY)] = total
    return out


def _store_counts(event: Event, counts: dict) -> None:
    event.counts.all().delete()
    AttendanceCount.objects.bulk_create(
        [
            AttendanceCount(event=event, sex=s, age_band=b, count=n)
            for (s, b), n in counts.items()
            if (s, b) != (ANY, ANY)
        ]
    )
    event.total_attendance = counts.get((ANY, ANY), 0)


def _check_event(membership, data: dict) -> None:
    errors = {}
    if data["event_type"] not in EventType.values:
        errors["event_type"] = _("Choose a type of event.")
    if data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = _("The event cannot end before it starts.")
    for name in ("materials_distributed", "broadcast_reach"):
        value = data.get(name)
        if value is not None and (value < 0 or value > MAX_COUNT):
            errors[name] = _("Enter a number between 0 and %(max)s.") % {"max": _n(MAX_COUNT)}
    campaign = data.get("campaign")
    if campaign is not None and campaign.organization_id != membership.organization_id:
        errors["campaign"] = _("This campaign belongs to another organisation.")
    training = data.get("training")
    if training is not None and (
        training.organization_id != membership.organization_id
        or training.event_type not in (EventType.TRAINING, EventType.TRAINING_OF_TRAINERS)
    ):
        errors["training"] = _("Choose a training of your organisation.")
    if errors:
        raise ValidationError(errors)


def record_event(
    *, membership, data: dict, attendance: Attendance | None = None, request=None
) -> Event:
    """Record a prevention event with its attendance (counts mode). Refuses dates out of
    order, negative or impossible counts and breakdowns that do not add up
    (BreakdownMismatch), with nothing written."""
    require(membership, Permission.RECORD_PREVENTION)
    _check_event(membership, data)
    event = Event(organization=membership.organization, created_by=membership.user)
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.materials_distributed = event.materials_distributed or 0
    counts = None
    if event.attendance_mode == AttendanceMode.COUNTS:
        bands = [b.code for b in age_bands_of(membership.organization)]
        counts = settle_attendance(attendance or Attendance(total=0), bands)
    with transaction.atomic():
        event.save()
        if counts is not None:
            _store_counts(event, counts)
            event.save(update_fields=["total_attendance"])
        audit.by_member(AuditEntry.Action.CREATE, membership, event, request)
    return event


def update_event(
    *,
    membership,
    event: Event,
    data: dict,
    attendance: Attendance | None = None,
    version: int | None = None,
    request=None,
) -> Event:
    """Change an event and (counts mode) its attendance; StaleEdit if someone saved it
    after the form was opened."""
    require(membership, Permission.RECORD_PREVENTION)
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("This event belongs to another organisation."))
    _check_event(membership, data)
    if data.get("training") is not None and data["training"].pk == event.pk:
        raise ValidationError({"training": _("A training cannot be a session of itself.")})
    counts = None
    mode = data.get("attendance_mode", event.attendance_mode)
    if mode == AttendanceMode.COUNTS and attendance is not None:
        bands = [b.code for b in age_bands_of(membership.organization)]
        counts = settle_attendance(attendance, bands)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if version is not None and current.version != version:
            raise StaleEdit()
        for name in EVENT_FIELDS:
            if name in data:
                setattr(event, name, data[name])
        event.version = current.version + 1
        if counts is not None:
            _store_counts(event, counts)
        elif mode == AttendanceMode.LIST:
            _recount_participants(event)
        event.save()
        audit.by_member(AuditEntry.Action.CHANGE, membership, event, request)
    return event


# Named participants and double counting -----------------------------------------------


def participant_key(organization_id: int, name: str, *, org_key: bytes | None = None) -> int:
    """The keyed hash that recognises a name however it is spelt (Cyrillic or Latin,
    word order), per organisation (under `org_key`, another of its index keys, when
    given); never reversible to the name."""
    tokens = " ".join(sorted(name_tokens(name)))
    return blind_hash(org_key or organization_index_key(organization_id), "participant:" + tokens)


def participant_keys(organization_id: int, name: str) -> list[int]:
    """A look-up's hashes of a name: one per index key held (while a rotation re-keys the
    participants in batches, a row is under one of them; decision 0038)."""
    return [
        participant_key(organization_id, name, org_key=k)
        for k in organization_index_keys(organization_id)
    ]


def rekey_participants(*, after: int, size: int) -> tuple[int, int] | None:
    """Bring the name keys of the next `size` participants after primary key `after`
    under the current index key (key rotation, apps.operations.key_rotation); returns
    (last primary key, participants re-keyed), None past the last one
    (rekey_next_batch)."""

    def keys_for(rows):
        organization_of = dict(
            Event.objects.filter(pk__in={p.event_id for p in rows}).values_list(
                "pk", "organization_id"
            )
        )
        return [participant_key(organization_of[p.event_id], p.name) for p in rows]

    return rekey_next_batch(
        Participant.objects.all(), after=after, size=size, field="name_key", keys_for=keys_for
    )


def training_sessions(event: Event):
    """All sessions of the training `event` belongs to (itself included)."""
    root_id = event.training_id or event.pk
    return Event.objects.filter(organization_id=event.organization_id).filter(
        pk=root_id
    ) | Event.objects.filter(organization_id=event.organization_id, training_id=root_id)


def _recount_participants(event: Event) -> None:
    rows = list(event.participants.values_list("sex", "age_band"))
    counts: dict = {}
    for sex, band in rows:
        for key in ((sex, band), (sex, ANY), (ANY, band)):
            counts[key] = counts.get(key, 0) + 1
    counts[(ANY, ANY)] = len(rows)
    _store_counts(event, counts)


def add_participant(
    *,
    membership,
    event: Event,
    name: str,
    sex: str = "U",
    age_band: str = AGE_UNKNOWN,
    request=None,
) -> Participant:
    """Add a named participant (name encrypted). Refuses a participant already listed at
    this event or at another session of the same training: each person counts once."""
    require(membership, Permission.RECORD_PREVENTION)
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("This event belongs to another organisation."))
    name = " ".join((name or "").split())
    if not name_tokens(name):
        raise ValidationError({"name": _("Enter the participant's name.")})
    if sex not in Sex.values:
        raise ValidationError({"sex": _("Choose a sex.")})
    bands = [b.code for b in age_bands_of(membership.organization)] + [AGE_UNKNOWN]
    if age_band not in bands:
        raise ValidationError({"age_band": _("Choose an age band.")})
    key = participant_key(event.organization_id, name)
    keys = participant_keys(event.organization_id, name)
    sessions = training_sessions(event) if (event.is_training or event.training_id) else None
    where = sessions if sessions is not None else Event.objects.filter(pk=event.pk)
    clash = (
        Participant.objects.filter(event__in=where, name_key__in=keys)
        .select_related("event")
        .first()
    )
    if clash is not None:
        if clash.event_id == event.pk:
            message = _("This participant is already on the list of this event.")
        else:
            message = _(
                "This participant is already counted at another session of the same "
                "training (%(session)s, %(date)s); a person counts once per training."
            ) % {"session": clash.event.title, "date": clash.event.starts_on.isoformat()}
        raise ValidationError({"name": message})
    with transaction.atomic():
        participant = Participant.objects.create(
            event=event, name=name, name_key=key, sex=sex, age_band=age_band
        )
        if event.attendance_mode != AttendanceMode.LIST:
            event.attendance_mode = AttendanceMode.LIST
        _recount_participants(event)
        event.version += 1
        event.save(update_fields=["attendance_mode", "total_attendance", "version"])
        audit.by_member(
            AuditEntry.Action.CREATE, membership, participant, request, {"event": event.pk}
        )
    return participant


# Training outcomes --------------------------------------------------------------------


def _check_score(value, what) -> Decimal:
    if value is None or value < 0 or value > 100:
        raise ValidationError(_("%(what)s must be between 0 and 100.") % {"what": what})
    return Decimal(value)


def record_test_score(
    *,
    membership,
    event: Event,
    pre_score,
    post_score,
    participant: Participant | None = None,
    group: str = "",
    request=None,
) -> TestScore:
    """A pre/post knowledge test result (0-100) of one participant or of a group."""
    require(membership, Permission.RECORD_PREVENTION)
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("This event belongs to another organisation."))
    if participant is not None and participant.event_id != event.pk:
        raise ValidationError(_("This participant was not at this event."))
    if participant is None and not group.strip():
        raise ValidationError(_("Name the group, or choose a participant."))
    score = TestScore(
        event=event,
        participant=participant,
        group=group.strip(),
        pre_score=_check_score(pre_score, _("The score before")),
        post_score=_check_score(post_score, _("The score after")),
    )
    with transaction.atomic():
        score.save()
        audit.by_member(AuditEntry.Action.CREATE, membership, score, request, {"event": event.pk})
    return score


def record_follow_up(
    *, membership, event: Event, recorded_on, outcome: str, people_count: int = 0, request=None
) -> FollowUp:
    """A later outcome of a training (e.g. trained women elected to local councils)."""
    require(membership, Permission.RECORD_PREVENTION)
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("This event belongs to another organisation."))
    if recorded_on < event.starts_on:
        raise ValidationError(_("A follow-up cannot be recorded before the training."))
    if not outcome.strip():
        raise ValidationError(_("Describe the outcome."))
    people_count = _check_count(people_count, _("The number of people"))
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            event=event, recorded_on=recorded_on, outcome=outcome.strip(), people_count=people_count
        )
        audit.by_member(
            AuditEntry.Action.CREATE, membership, follow_up, request, {"event": event.pk}
        )
    return follow_up


# Campaigns ----------------------------------------------------------------------------


def create_campaign(
    *, membership, name: str, starts_on=None, ends_on=None, description: str = "", request=None
) -> Campaign:
    """A campaign that events can then be filed under."""
    require(membership, Permission.RECORD_PREVENTION)
    if not name.strip():
        raise ValidationError({"name": _("Name the campaign.")})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organization=membership.organization,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, campaign, request)
    return campaign


def update_campaign(
    *,
    membership,
    campaign: Campaign,
    name: str,
    starts_on=None,
    ends_on=None,
    description: str = "",
    version: int | None = None,
    request=None,
) -> Campaign:
    """Change a campaign's name, dates or description. StaleEdit when someone saved it
    after `version` was read."""
    require(membership, Permission.RECORD_PREVENTION)
    if campaign.organization_id != membership.organization_id:
        raise ValidationError(_("This campaign belongs to another organisation."))
    if not name.strip():
        raise ValidationError({"name": _("Name the campaign.")})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    with transaction.atomic():
        current = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if current is None or (version is not None and current.version != version):
            raise StaleEdit()
        values = {
            "name": name.strip(),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "description": description or "",
        }
        changed = [k for k, v in values.items() if getattr(current, k) != v]
        if changed:
            for k in changed:
                setattr(current, k, values[k])
            current.version += 1
            current.save()
            # Field names only: the description may be free text.
            audit.by_member(
                AuditEntry.Action.CHANGE, membership, current, request, {"fields": changed}
            )
    return current


def campaign_deletable(campaign: Campaign) -> bool:
    """Whether no event is filed under the campaign."""
    return not campaign.events.exists()


def delete_campaign(
    *, membership, campaign: Campaign, version: int | None = None, request=None
) -> None:
    """Delete a campaign no event is filed under (one created by mistake)."""
    require(membership, Permission.RECORD_PREVENTION)
    if campaign.organization_id != membership.organization_id:
        raise ValidationError(_("This campaign belongs to another organisation."))
    with transaction.atomic():
        current = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if current is None or (version is not None and current.version != version):
            raise StaleEdit()
        if not campaign_deletable(current):
            raise ValidationError(_("Events are filed under this campaign; it cannot be deleted."))
        audit.by_member(AuditEntry.Action.DELETE, membership, current, request)
        current.delete()


# Capacity self-assessment -------------------------------------------------------------


def save_capacity_assessment(
    *, membership, year: int, scores: dict, request=None
) -> list[CapacityAssessment]:
    """The organisation's scores (1-5) for one year, one per area given; a second save
    of the same year replaces that year's scores."""
    require(membership, Permission.RECORD_PREVENTION)
    this_year = datetime.date.today().year
    if not (2000 <= int(year) <= this_year):
        raise ValidationError(
            {"year": _("Enter a year between 2000 and %(year)s.") % {"year": this_year}}
        )
    errors = {}
    for area, score in scores.items():
        if area not in CapacityArea.values:
            errors[area] = _("Unknown area.")
        elif score is not None and not (CAPACITY_MIN <= score <= CAPACITY_MAX):
            errors[area] = _("A score is from %(low)s to %(high)s.") % {
                "low": CAPACITY_MIN,
                "high": CAPACITY_MAX,
            }
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for area, score in scores.items():
            if score is None:
                continue
            row, _created = CapacityAssessment.objects.update_or_create(
                organization=membership.organization,
                year=year,
                area=area,
                defaults={"score": score, "assessed_by": membership.user},
            )
            saved.append(row)
        audit.record(
            AuditEntry.Action.CHANGE,
            user=membership.user,
            organization=membership.organization,
            target_type="capacityassessment",
            target_id=year,
            detail={"year": int(year), "areas": sorted(scores)},
            request=request,
        )
    return saved
