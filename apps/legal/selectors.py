"""Scoped reads of legal work.

LEGAL_WORK (lawyers, organisation admins) opens the legal records of the member's own
organisation: an organisation admin sees them all, a lawyer the proceedings they lead
or whose case is assigned to them, and the consultations they gave. A case worker
without LEGAL_WORK only learns, on the case page, that a proceeding exists and when its
next hearing is (`proceedings_on_case_page`). Another organisation's record is a 404.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.contrib.auth import get_user_model
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import ROLE_PERMISSIONS, Permission
from apps.legal.models import (
    Article,
    CalendarFeed,
    Consultation,
    Deadline,
    DeadlineRule,
    Hearing,
    HearingStatus,
    LegalSettings,
    Proceeding,
    Stage,
    StageType,
)

LEGAL_ROLES = tuple(r for r, perms in ROLE_PERMISSIONS.items() if Permission.LEGAL_WORK in perms)


def _legal(membership) -> bool:
    return membership is not None and membership.can(Permission.LEGAL_WORK)


def sees_all_legal_work(membership) -> bool:
    """Organisation admins see every lawyer's work (and missed deadlines)."""
    return _legal(membership) and membership.can(Permission.MANAGE_ORGANIZATION)


def lawyers_of(organization_id):
    """Users who may lead proceedings in the organisation."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organization_id=organization_id,
            memberships__role__in=LEGAL_ROLES,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def one_of(queryset, pk):
    """One row of a scoped queryset, or 404."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404


# --- consultations ---------------------------------------------------------------------


def consultations_visible_to(membership):
    """The consultations the member gave; all of the organisation's for its admin."""
    if not _legal(membership):
        return Consultation.objects.none()
    qs = Consultation.objects.filter(organization_id=membership.organization_id)
    if not sees_all_legal_work(membership):
        qs = qs.filter(given_by=membership.user)
    return qs


@dataclass
class YearCount:
    year: int
    consultations: int
    people: int


def people_helped_by_year(membership) -> list[YearCount]:
    """Per year of the visible log: consultations, and people helped, i.e. distinct
    named clients plus one per anonymous consultation (anonymous clients cannot be told
    apart). Newest year first; the counts are those of the list below them."""
    named = defaultdict(set)
    anonymous = defaultdict(int)
    total = defaultdict(int)
    for given_on, person_id in consultations_visible_to(membership).values_list(
        "given_on", "person_id"
    ):
        total[given_on.year] += 1
        if person_id is None:
            anonymous[given_on.year] += 1
        else:
            named[given_on.year].add(person_id)
    return [
        YearCount(year, total[year], len(named[year]) + anonymous[year])
        for year in sorted(total, reverse=True)
    ]


# --- proceedings -----------------------------------------------------------------------


def proceedings_visible_to(membership):
    """Proceedings the member may work on (see the module's docstring)."""
    if not _legal(membership):
        return Proceeding.objects.none()
    qs = Proceeding.objects.filter(case__organization_id=membership.organization_id)
    if not sees_all_legal_work(membership):
        qs = qs.filter(Q(lawyer=membership.user) | Q(case__assigned_to=membership.user))
    return qs


def proceeding_for(membership, pk) -> Proceeding:
    return one_of(proceedings_visible_to(membership).select_related("case", "lawyer"), pk)


def proceeding_page(membership, proceeding: Proceeding) -> dict:
    """Everything the proceeding's page shows."""
    stages = list(
        proceeding.stages.select_related("challenges").prefetch_related("documents").all()
    )
    defendants = list(
        proceeding.defendants.prefetch_related(
            "charges__article",
            "charges__verdict__sentence",
            "charges__verdict__stage",
            "custody_history",
        )
    )
    return {
        "stages": stages,
        "chain": appeal_chains(stages),
        "defendants": defendants,
        "charges": [c for d in defendants for c in d.charges.all()],
        "hearings": list(proceeding.hearings.select_related("stage")),
        "deadlines": list(proceeding.deadlines.select_related("rule", "stage")),
        "protection_requests": list(proceeding.protection_requests.all()),
        "participants": list(
            proceeding.participants.select_related("person").prefetch_related(
                "contact_attempts__hearing"
            )
        ),
        "compensations": list(proceeding.compensations.all()),
        "timeline": list(proceeding.timeline.select_related("author", "corrects")),
    }


def appeal_chains(stages) -> list[list[Stage]]:
    """Each chain of decisions and the challenges against them, oldest first: a decided
    stage followed by the stage that challenged it, and so on."""
    by_challenged = defaultdict(list)
    for s in stages:
        if s.challenges_id:
            by_challenged[s.challenges_id].append(s)
    chains = []
    for s in stages:
        if s.challenges_id or s.pk not in by_challenged:
            continue
        chain, current = [s], s
        while by_challenged.get(current.pk):
            current = by_challenged[current.pk][0]
            chain.append(current)
        chains.append(chain)
    return chains


def stage_of(proceeding, pk) -> Stage:
    return one_of(proceeding.stages.all(), pk)


def articles():
    return Article.objects.filter(active=True)


def deadline_rules():
    return DeadlineRule.objects.filter(active=True)


def lawyer_case_list(membership, *, stage: str = "", article: str = "", court: str = "",
                     lawyer: str = ""):  # fmt: skip
    """The lawyer's case list: each visible proceeding with its latest stage, next
    planned hearing, next open deadline and last event, narrowed by the filters."""
    now = timezone.now()
    latest = Stage.objects.filter(proceeding=OuterRef("pk")).order_by("-started_on", "-id")
    qs = proceedings_visible_to(membership).annotate(
        latest_stage=Subquery(latest.values("stage_type")[:1]),
        next_hearing=Min(
            "hearings__starts_at",
            filter=Q(hearings__status=HearingStatus.PLANNED, hearings__starts_at__gte=now),
        ),
        next_deadline=Min("deadlines__due_on", filter=Q(deadlines__met_on__isnull=True)),
        last_stage_on=Max("stages__started_on"),
        last_entry_on=Max("timeline__happened_on"),
    )
    if stage:
        qs = qs.filter(latest_stage=stage)
    if article:
        try:
            qs = qs.filter(defendants__charges__article_id=int(article)).distinct()
        except ValueError:
            qs = qs.none()
    if court:
        qs = qs.filter(hearings__court__icontains=court).distinct()
    if lawyer:
        try:
            qs = qs.filter(lawyer_id=int(lawyer))
        except ValueError:
            qs = qs.none()
    return qs.select_related("case", "lawyer").order_by("-opened_on", "-id")


@dataclass
class StageDuration:
    stage_type: str
    label: str
    median_days: float
    stages: int


def median_days_per_stage(membership) -> list[StageDuration]:
    """Median time per stage over the member's visible proceedings: days from a stage's
    start to its end (or, when no end is recorded, its decision), counting only stages
    that have ended. Stages still running are left out, so a young caseload shows short
    times; the page says how many stages each median rests on. In the order of
    StageType."""
    days = defaultdict(list)
    rows = (
        Stage.objects.filter(proceeding__in=proceedings_visible_to(membership))
        .filter(Q(ended_on__isnull=False) | Q(decided_on__isnull=False))
        .order_by()
        .values_list("stage_type", "started_on", "ended_on", "decided_on")
    )
    for stage_type, started_on, ended_on, decided_on in rows:
        end = ended_on or decided_on
        if end >= started_on:
            days[stage_type].append((end - started_on).days)
    return [
        StageDuration(code, str(label), median(days[code]), len(days[code]))
        for code, label in StageType.choices
        if days[code]
    ]


# --- hearings and deadlines ------------------------------------------------------------


def hearings_visible_to(membership):
    return Hearing.objects.filter(proceeding__in=proceedings_visible_to(membership))


def deadlines_visible_to(membership):
    return Deadline.objects.filter(proceeding__in=proceedings_visible_to(membership))


def my_deadlines(membership):
    """Open deadlines of the member's proceedings, soonest first (the task list)."""
    return (
        deadlines_visible_to(membership)
        .filter(met_on__isnull=True)
        .select_related("rule", "proceeding", "stage")
        .order_by("due_on", "id")
    )


def missed_deadlines(membership):
    """Deadlines of the whole organisation that passed unmet; for its admin only."""
    if not sees_all_legal_work(membership):
        return Deadline.objects.none()
    return (
        Deadline.objects.filter(
            proceeding__case__organization_id=membership.organization_id,
            met_on__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("rule", "proceeding__lawyer")
        .order_by("due_on")
    )


def calendar_of(membership, *, since: datetime | None = None):
    """Hearings of the proceedings the member leads, from `since` (default: today)."""
    if not _legal(membership):
        return Hearing.objects.none()
    since = since or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Hearing.objects.filter(
            proceeding__case__organization_id=membership.organization_id,
            proceeding__lawyer=membership.user,
            starts_at__gte=since,
        )
        .select_related("proceeding__case__person", "stage")
        .order_by("starts_at")
    )


def membership_of_feed(token_hash: str):
    """The membership whose live calendar address has this hash, or None (revoked,
    unknown, or the member lost the right to legal work)."""
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("membership__user", "membership__organization")
        .first()
    )
    if feed is None or not feed.membership.user.is_active or not _legal(feed.membership):
        return None
    return feed.membership


def has_live_feed(membership) -> bool:
    return CalendarFeed.objects.filter(membership=membership, revoked_at__isnull=True).exists()


def feed_shows_client_names(organization_id) -> bool:
    return LegalSettings.objects.filter(
        organization_id=organization_id, feed_shows_client_names=True
    ).exists()


# --- the case page ----------------------------------------------------------------------


@dataclass
class ProceedingGlance:
    """What anyone who may open the case sees of a proceeding: that it exists and when
    its next hearing is; never notes, advice, defendants or documents."""

    pk: int
    reference: str
    kind: str
    next_hearing: datetime | None
    next_court: str
    openable: bool


def proceedings_on_case_page(membership, case) -> list[ProceedingGlance]:
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return []
    if case.organization_id != membership.organization_id:
        return []
    openable = set(
        proceedings_visible_to(membership).filter(case=case).values_list("pk", flat=True)
    )
    now = timezone.now()
    out = []
    for p in Proceeding.objects.filter(case=case).order_by("opened_on", "id"):
        nxt = (
            p.hearings.filter(status=HearingStatus.PLANNED, starts_at__gte=now)
            .order_by("starts_at")
            .first()
        )
        out.append(
            ProceedingGlance(
                p.pk,
                p.reference,
                p.get_kind_display(),
                nxt.starts_at if nxt else None,
                nxt.court if nxt else "",
                p.pk in openable,
            )
        )
    return out


def memberships_with_legal_work(organization_id):
    return Membership.objects.filter(organization_id=organization_id, role__in=LEGAL_ROLES)
