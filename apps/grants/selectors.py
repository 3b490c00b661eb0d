"""Scoped reads of grants and indicators (the member's organisation, MANAGE_GRANTS), and
results against targets for a grant and period."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.accounts.roles import Permission
from apps.core.selectors import reference_labels
from apps.grants import computed
from apps.grants.models import (
    Direction,
    Donor,
    Grant,
    GrantEvent,
    Indicator,
    IndicatorUse,
    ManualResult,
    SentReport,
)


def _can(membership) -> bool:
    return membership is not None and membership.can(Permission.MANAGE_GRANTS)


def grants_visible_to(membership):
    if not _can(membership):
        return Grant.objects.none()
    return Grant.objects.filter(organization_id=membership.organization_id).select_related(
        "donor", "parent"
    )


def donors_visible_to(membership):
    if not _can(membership):
        return Donor.objects.none()
    return Donor.objects.filter(organization_id=membership.organization_id)


def indicators_visible_to(membership):
    if not _can(membership):
        return Indicator.objects.none()
    return Indicator.objects.filter(organization_id=membership.organization_id)


def manual_results_visible_to(membership):
    if not _can(membership):
        return ManualResult.objects.none()
    return ManualResult.objects.filter(
        grant__organization_id=membership.organization_id
    ).select_related("indicator", "grant")


def one_of(queryset, pk):
    """One row of a scoped queryset, or 404."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def grant_for(membership, pk) -> Grant:
    return one_of(grants_visible_to(membership), pk)


def linked_events(grant):
    return GrantEvent.objects.filter(grant=grant).select_related("event", "activity")


def quarters(grant) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar quarters the grant's period touches, cut to the grant's period."""
    out = []
    year, q = grant.starts_on.year, (grant.starts_on.month - 1) // 3
    while True:
        first = datetime.date(year, q * 3 + 1, 1)
        if first > grant.ends_on:
            break
        nxt = datetime.date(year + (q == 3), ((q + 1) % 4) * 3 + 1, 1)
        out.append(
            (max(first, grant.starts_on), min(nxt - datetime.timedelta(days=1), grant.ends_on))
        )
        year, q = nxt.year, (q + 1) % 4
    return out


def dimension_labels(organization) -> dict[str, dict[str, str]]:
    """Labels of the codes a breakdown may hold, in the active language."""
    from apps.prevention.selectors import band_labels

    return {
        "sex": {
            "F": pgettext("sex", "women"),
            "M": pgettext("sex", "men"),
            "X": pgettext("sex", "other"),
            "U": pgettext("sex", "sex not recorded"),
        },
        "age_band": {
            **band_labels(organization),
            "child": _("child"),
            "adult": _("adult"),
        },
        "region": {**reference_labels("region"), "unknown": pgettext("region", "not recorded")},
    }


DIMENSION_TITLES = {
    "sex": lambda: _("By sex"),
    "age_band": lambda: _("By age"),
    "region": lambda: _("By region"),
}


@dataclass
class ResultRow:
    indicator: Indicator
    use: IndicatorUse
    value: Decimal | None
    target: Decimal | None
    cumulative: Decimal | None
    life_target: Decimal | None
    breakdown: list = field(default_factory=list)  # [(title, [(label, n)])]
    codes: dict = field(default_factory=dict)  # {dimension: {code: n}}
    sent_value: str | None = None
    changed_since_sent: bool = False
    available: bool = True

    @property
    def achieved(self) -> int | None:
        """Percent of the period's target reached (for "lower is better", target/value)."""
        if self.value is None or not self.target:
            return None
        if self.indicator.direction == Direction.DECREASE:
            return int(round(self.target / self.value * 100)) if self.value else None
        return int(round(self.value / self.target * 100))


def _manual(indicator, grant, period_from, period_to) -> computed.Value:
    rows = list(
        ManualResult.objects.filter(
            indicator=indicator,
            grant=grant,
            period_from__gte=period_from,
            period_to__lte=period_to,
        )
    )
    if not rows:
        return computed.Value(None)
    breakdown: dict = {}
    for r in rows:
        for dim, cells in (r.breakdown or {}).items():
            if dim in (indicator.disaggregation or []):
                for code, n in cells.items():
                    breakdown.setdefault(dim, {})
                    breakdown[dim][code] = breakdown[dim].get(code, 0) + n
    return computed.Value(sum((r.value for r in rows), Decimal(0)), breakdown)


def indicator_value(indicator, grant, period_from, period_to) -> computed.Value:
    if indicator.computed:
        return computed.compute(indicator, grant, period_from, period_to)
    return _manual(indicator, grant, period_from, period_to)


def results_for(grant, period_from, period_to) -> list[ResultRow]:
    """Each indicator of the grant's framework: its value in the period against the
    period's targets, progress since the grant began against the life-of-grant target,
    the disaggregation, and whether the value differs from what the last report sent
    for this period said. The caller has scoped `grant` to the reader."""
    labels = dimension_labels(grant.organization)
    sent = (
        SentReport.objects.filter(grant=grant, period_from=period_from, period_to=period_to)
        .order_by("-sent_at")
        .first()
    )
    rows = []
    for use in IndicatorUse.objects.filter(grant=grant).select_related("indicator"):
        ind = use.indicator
        current = indicator_value(ind, grant, period_from, period_to)
        since_start = indicator_value(ind, grant, grant.starts_on, period_to)
        target = use.targets.filter(
            period_from__gte=period_from, period_to__lte=period_to
        ).aggregate(t=Sum("target"))["t"]
        breakdown = []
        for dim in ind.disaggregation or []:
            cells = current.breakdown.get(dim)
            if not cells:
                continue
            names = labels.get(dim, {})
            order = list(names)

            def position(code, order=order):
                return (order.index(code) if code in order else len(order), code)

            breakdown.append(
                (
                    DIMENSION_TITLES[dim](),
                    [(names.get(c, c), cells[c]) for c in sorted(cells, key=position)],
                )
            )
        row = ResultRow(
            indicator=ind,
            use=use,
            value=current.value,
            target=target,
            cumulative=since_start.value,
            life_target=use.life_target,
            breakdown=breakdown,
            codes=current.breakdown,
            available=current.available,
        )
        if sent is not None and ind.code in sent.values:
            row.sent_value = sent.values[ind.code]
            now = str(current.value) if current.value is not None else None
            row.changed_since_sent = ind.computed and _differs(row.sent_value, now)
        rows.append(row)
    return rows


def _differs(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a != b
    return Decimal(a) != Decimal(b)


def last_sent(grant, period_from, period_to):
    return (
        SentReport.objects.filter(grant=grant, period_from=period_from, period_to=period_to)
        .order_by("-sent_at")
        .first()
    )


def grant_budget(grant) -> dict:
    lines = []
    for line in grant.budget_lines.annotate(spent=Sum("spending__amount")):
        lines.append({"line": line, "spent": line.spent or Decimal(0)})
    return {
        "lines": lines,
        "planned": sum((entry["line"].amount for entry in lines), Decimal(0)),
        "spent": sum((entry["spent"] for entry in lines), Decimal(0)),
        "sub_granted": grant.sub_grants.aggregate(s=Sum("amount"))["s"] or Decimal(0),
    }
