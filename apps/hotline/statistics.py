"""Hotline statistics: counts of logged calls, never a caller.

Only aggregates leave this module: numbers of calls per week or month, per
topic, region, caller category, channel, urgency and outcome. Drafts are never
counted. Periods are cut in the organisation's time zone (settings.TIME_ZONE).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core.selectors import reference_labels, reference_values
from apps.hotline.models import Call, CallerCategory, Channel, Outcome, Urgency

MONTH = "month"
WEEK = "week"
PERIODS = (MONTH, WEEK)
NOT_RECORDED = ""


def calls_for_statistics(membership):
    """The organisation's logged (non-draft) calls, for members who handle calls or
    view statistics; nothing for anyone else."""
    if membership is None or not (
        membership.can(Permission.HANDLE_CALLS) or membership.can(Permission.VIEW_STATISTICS)
    ):
        return Call.objects.none()
    return Call.objects.filter(organization_id=membership.organization_id, is_draft=False)


def can_view_statistics(membership) -> bool:
    return membership is not None and (
        membership.can(Permission.HANDLE_CALLS) or membership.can(Permission.VIEW_STATISTICS)
    )


@dataclass(frozen=True)
class CountRow:
    code: str
    label: str
    count: int
    share: float  # percent of all calls in the range

    @property
    def not_recorded(self) -> bool:
        return self.code == NOT_RECORDED


@dataclass(frozen=True)
class PeriodRow:
    start: date  # first day of the week (Monday) or month
    first_day: date  # start, clipped to the range asked for
    last_day: date  # end of the week or month, clipped to the range
    label: str  # 2025-03 or 2025-W11
    axis_label: str  # short label under the column
    count: int


@dataclass(frozen=True)
class HotlineStatistics:
    date_from: date
    date_to: date
    period: str
    total: int
    by_period: list[PeriodRow]
    by_topic: list[CountRow]
    topic_mentions: int  # sum of the topic counts: more than `total` when calls have topics
    by_region: list[CountRow]
    by_caller_category: list[CountRow]
    by_channel: list[CountRow]
    by_urgency: list[CountRow]
    by_outcome: list[CountRow]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def default_range(today: date | None = None, period: str = MONTH) -> tuple[date, date]:
    """The last 12 months (or 52 weeks), the current one included."""
    today = today or timezone.localdate()
    if period == WEEK:
        return bucket_start(today, WEEK) - timedelta(weeks=51), today
    month_index = today.year * 12 + today.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1), today


def bucket_start(day: date, period: str) -> date:
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_bucket(start: date, period: str) -> date:
    if period == WEEK:
        return start + timedelta(weeks=1)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _period_labels(start: date, period: str) -> tuple[str, str]:
    if period == WEEK:
        iso_year, iso_week, _weekday = start.isocalendar()
        return f"{iso_year}-W{iso_week:02d}", start.strftime("%d.%m")
    return start.strftime("%Y-%m"), start.strftime("%m.%y")


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _grouped(calls, field: str) -> dict[str, int]:
    return {
        (code or NOT_RECORDED): n
        for code, n in calls.values_list(field).annotate(n=Count("id")).order_by()
    }


def _choice_rows(counts: dict[str, int], choices, total: int) -> list[CountRow]:
    """One row per choice in its defined order (zeros too), then anything unexpected."""
    counts = dict(counts)
    rows = []
    for value, label in choices:
        rows.append(CountRow(value, str(label), counts.pop(value, 0), 0.0))
    missing = counts.pop(NOT_RECORDED, 0)
    for code, n in sorted(counts.items()):
        rows.append(CountRow(code, code, n, 0.0))
    if missing:
        rows.append(CountRow(NOT_RECORDED, _("not recorded"), missing, 0.0))
    return [CountRow(r.code, r.label, r.count, _share(r.count, total)) for r in rows]


def _reference_rows(
    counts: dict[str, int], kind: str, total: int, *, always_not_recorded: bool
) -> list[CountRow]:
    """Every active value of a taxonomy (zeros too) and retired ones that occur, the most
    frequent first; calls without a value last."""
    counts = dict(counts)
    labels = reference_labels(kind)
    order = {v.code: i for i, v in enumerate(reference_values(kind))}
    missing = counts.pop(NOT_RECORDED, 0)
    codes = set(order) | set(counts)
    rows = [
        CountRow(code, labels.get(code, code), counts.get(code, 0), 0.0)
        for code in sorted(codes, key=lambda c: (-counts.get(c, 0), order.get(c, len(order)), c))
    ]
    if missing or always_not_recorded:
        rows.append(CountRow(NOT_RECORDED, _("not recorded"), missing, 0.0))
    return [CountRow(r.code, r.label, r.count, _share(r.count, total)) for r in rows]


def _period_rows(calls, date_from: date, date_to: date, period: str, tz) -> list[PeriodRow]:
    trunc = (TruncWeek if period == WEEK else TruncMonth)("started_at", tzinfo=tz)
    counts: Counter[date] = Counter()
    for bucket, n in calls.annotate(bucket=trunc).values_list("bucket").annotate(n=Count("id")):
        if isinstance(bucket, datetime):
            bucket = timezone.localtime(bucket, tz).date()
        counts[bucket] += n
    rows = []
    start = bucket_start(date_from, period)
    while start <= date_to:
        following = next_bucket(start, period)
        label, axis_label = _period_labels(start, period)
        rows.append(
            PeriodRow(
                start=start,
                first_day=max(start, date_from),
                last_day=min(following - timedelta(days=1), date_to),
                label=label,
                axis_label=axis_label,
                count=counts.get(start, 0),
            )
        )
        start = following
    return rows


def logged_calls_between(calls, date_from: date, date_to: date):
    """The logged (non-draft) calls among `calls` started on the days from `date_from` to
    `date_to`, both included, cut in local time. Shared with the national report."""
    tz = local_zone()
    return calls.filter(
        is_draft=False,
        started_at__gte=datetime.combine(date_from, time.min, tzinfo=tz),
        started_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz),
    )


def hotline_statistics(
    membership, *, date_from: date, date_to: date, period: str = MONTH
) -> HotlineStatistics:
    """Counts of the organisation's logged calls started between the two days (both
    included, in local time)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    if date_from > date_to:
        raise ValueError("date_from is after date_to")
    tz = local_zone()
    calls = logged_calls_between(calls_for_statistics(membership), date_from, date_to).order_by()
    total = calls.count()

    # A call with several topics counts once under each. Counted in Python: JSON
    # containment lookups are not portable between SQLite and PostgreSQL.
    topic_counts: Counter[str] = Counter()
    for topics in calls.values_list("topics", flat=True).iterator(chunk_size=5000):
        codes = {t for t in (topics or []) if isinstance(t, str) and t}
        topic_counts.update(codes or {NOT_RECORDED})
    by_topic = _reference_rows(topic_counts, "call_topic", total, always_not_recorded=False)

    return HotlineStatistics(
        date_from=date_from,
        date_to=date_to,
        period=period,
        total=total,
        by_period=_period_rows(calls, date_from, date_to, period, tz),
        by_topic=by_topic,
        topic_mentions=sum(r.count for r in by_topic if not r.not_recorded),
        by_region=_reference_rows(
            _grouped(calls, "caller_region"), "region", total, always_not_recorded=True
        ),
        by_caller_category=_choice_rows(
            _grouped(calls, "caller_category"), CallerCategory.choices, total
        ),
        by_channel=_choice_rows(_grouped(calls, "channel"), Channel.choices, total),
        by_urgency=_choice_rows(_grouped(calls, "urgency"), Urgency.choices, total),
        by_outcome=_choice_rows(_grouped(calls, "outcome"), Outcome.choices, total),
    )


# --- Tables as shown on the page and exported -----------------------------------------


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    label_header: str
    rows: list[CountRow]
    note: str = ""


def period_title(period: str) -> str:
    return _("Calls by week") if period == WEEK else _("Calls by month")


def topic_note(stats: HotlineStatistics) -> str:
    return _(
        "A call about several topics counts once under each of them, so the topic counts "
        "add up to more than the number of calls: %(calls)s calls, %(mentions)s topic mentions."
    ) % {"calls": stats.total, "mentions": stats.topic_mentions}


def count_tables(stats: HotlineStatistics) -> list[Table]:
    """The breakdowns in the order the page and the exports give them."""
    return [
        Table("topic", _("Calls by topic"), _("Topic"), stats.by_topic, topic_note(stats)),
        Table("region", _("Calls by caller's region"), _("Region"), stats.by_region),
        Table("caller_category", _("Calls by caller"), _("Caller"), stats.by_caller_category),
        Table("channel", _("Calls by channel"), _("Channel"), stats.by_channel),
        Table("urgency", _("Calls by urgency"), _("Urgency"), stats.by_urgency),
        Table("outcome", _("Calls by outcome"), _("Outcome"), stats.by_outcome),
    ]
