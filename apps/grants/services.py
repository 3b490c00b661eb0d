"""Every write to donors, grants, budgets, event links, indicators, targets and results:
validate, write in one transaction, audit."""

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.crypto import decrypt_bytes, encrypt_bytes
from apps.core.models import AuditEntry
from apps.grants.models import (
    DISAGGREGATIONS,
    Activity,
    BudgetLine,
    Currency,
    DataSource,
    Direction,
    Donor,
    Grant,
    GrantEvent,
    Indicator,
    IndicatorUse,
    ManualResult,
    PeriodTarget,
    SentReport,
    Spending,
)
from apps.people.services import require

MAX_AMOUNT = Decimal("999999999999.99")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
PERM = Permission.MANAGE_GRANTS


def _amount(value, field: str, *, allow_zero=True) -> Decimal:
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount.")})
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if value > MAX_AMOUNT:
        raise ValidationError({field: _("The amount is too large; please check it.")})
    return value.quantize(Decimal("0.01"))


def _own(membership, record, what=None) -> None:
    org_id = getattr(record, "organization_id", None)
    if org_id is None and hasattr(record, "grant"):
        org_id = record.grant.organization_id
    if org_id != membership.organization_id:
        raise ValidationError(what or _("This record belongs to another organisation."))


def _dates(starts_on, ends_on) -> None:
    if starts_on is None or ends_on is None:
        raise ValidationError(_("Give the first and the last day."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})


# Donors and grants --------------------------------------------------------------------


def create_donor(*, membership, name: str, request=None) -> Donor:
    """A donor of the organisation; a name already used returns the existing donor."""
    require(membership, PERM)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Name the donor.")})
    with transaction.atomic():
        donor, created = Donor.objects.get_or_create(
            organization=membership.organization, name=name
        )
        if created:
            audit.by_member(AuditEntry.Action.CREATE, membership, donor, request)
    return donor


def create_grant(
    *,
    membership,
    donor: Donor,
    reference: str,
    title: str,
    amount,
    currency: str,
    starts_on,
    ends_on,
    parent: Grant | None = None,
    partner_name: str = "",
    request=None,
) -> Grant:
    """A grant, or a sub-grant to a partner NGO (`parent`): inside the parent's period,
    in its currency, and not more than what the parent has left to pass on."""
    require(membership, PERM)
    _own(membership, donor)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the grant's reference.")})
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Choose a currency.")})
    amount = _amount(amount, "amount", allow_zero=False)
    _dates(starts_on, ends_on)
    if parent is not None:
        _own(membership, parent)
        if starts_on < parent.starts_on or ends_on > parent.ends_on:
            raise ValidationError(
                {"starts_on": _("A sub-grant must fall within the period of its grant.")}
            )
        if currency != parent.currency:
            raise ValidationError({"currency": _("A sub-grant is in its grant's currency.")})
        given = parent.sub_grants.aggregate(s=Sum("amount"))["s"] or 0
        if given + amount > parent.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Sub-grants would total %(total)s %(currency)s, more than the grant "
                        "of %(amount)s %(currency)s."
                    )
                    % {"total": given + amount, "currency": currency, "amount": parent.amount}
                }
            )
        if not partner_name.strip():
            raise ValidationError({"partner_name": _("Name the partner NGO.")})
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                organization=membership.organization,
                donor=donor,
                reference=reference,
                title=title.strip() or reference,
                amount=amount,
                currency=currency,
                starts_on=starts_on,
                ends_on=ends_on,
                parent=parent,
                partner_name=partner_name.strip(),
            )
            audit.by_member(AuditEntry.Action.CREATE, membership, grant, request)
    except IntegrityError:
        raise ValidationError(
            {"reference": _("Another grant of your organisation has this reference.")}
        )
    return grant


def add_activity(*, membership, grant: Grant, title: str, request=None) -> Activity:
    require(membership, PERM)
    _own(membership, grant)
    if not title.strip():
        raise ValidationError({"title": _("Name the activity.")})
    with transaction.atomic():
        activity = Activity.objects.create(grant=grant, title=title.strip())
        audit.by_member(AuditEntry.Action.CREATE, membership, activity, request)
    return activity


def add_budget_line(*, membership, grant: Grant, name: str, amount, request=None) -> BudgetLine:
    """A budget line; all lines together may not exceed the grant."""
    require(membership, PERM)
    _own(membership, grant)
    if not name.strip():
        raise ValidationError({"name": _("Name the budget line.")})
    amount = _amount(amount, "amount")
    planned = grant.budget_lines.aggregate(s=Sum("amount"))["s"] or 0
    if planned + amount > grant.amount:
        raise ValidationError(
            {
                "amount": _(
                    "The budget lines would total %(total)s, more than the grant's %(amount)s."
                )
                % {"total": planned + amount, "amount": grant.amount}
            }
        )
    with transaction.atomic():
        line = BudgetLine.objects.create(grant=grant, name=name.strip(), amount=amount)
        audit.by_member(AuditEntry.Action.CREATE, membership, line, request)
    return line


def record_spending(
    *, membership, budget_line: BudgetLine, spent_on, amount, request=None
) -> Spending:
    """An amount spent on a budget line, on a day within the grant's period."""
    require(membership, PERM)
    grant = budget_line.grant
    _own(membership, grant)
    amount = _amount(amount, "amount", allow_zero=False)
    if not (grant.starts_on <= spent_on <= grant.ends_on):
        raise ValidationError({"spent_on": _("The day is outside the grant's period.")})
    with transaction.atomic():
        spending = Spending.objects.create(
            budget_line=budget_line, spent_on=spent_on, amount=amount
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, spending, request)
    return spending


def link_event(*, membership, grant: Grant, event, activity=None, request=None) -> GrantEvent:
    """Say that the grant paid for a prevention event. An event outside the grant's period
    is refused, with the two periods in the message."""
    require(membership, PERM)
    _own(membership, grant)
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("This event belongs to another organisation."))
    if event.starts_on < grant.starts_on or event.ends_on > grant.ends_on:
        raise ValidationError(
            _(
                "“%(event)s” (%(event_from)s – %(event_to)s) is outside the period of grant "
                "%(grant)s (%(grant_from)s – %(grant_to)s); it cannot be counted for this grant."
            )
            % {
                "event": event.title,
                "event_from": date_format(event.starts_on, "SHORT_DATE_FORMAT"),
                "event_to": date_format(event.ends_on, "SHORT_DATE_FORMAT"),
                "grant": grant.reference,
                "grant_from": date_format(grant.starts_on, "SHORT_DATE_FORMAT"),
                "grant_to": date_format(grant.ends_on, "SHORT_DATE_FORMAT"),
            }
        )
    if activity is not None and activity.grant_id != grant.pk:
        raise ValidationError(_("This activity belongs to another grant."))
    with transaction.atomic():
        link, created = GrantEvent.objects.get_or_create(
            grant=grant, event=event, defaults={"activity": activity}
        )
        if created:
            audit.by_member(
                AuditEntry.Action.CREATE, membership, link, request, {"grant": grant.pk}
            )
    return link


def unlink_event(*, membership, grant: Grant, event_id: int, request=None) -> None:
    require(membership, PERM)
    _own(membership, grant)
    with transaction.atomic():
        for link in GrantEvent.objects.filter(grant=grant, event_id=event_id):
            audit.by_member(
                AuditEntry.Action.DELETE, membership, link, request, {"grant": grant.pk}
            )
            link.delete()


# Indicators ---------------------------------------------------------------------------


def consultations_available() -> bool:
    """Whether apps.legal records consultations that can be counted (it is built apart)."""
    from apps.grants.computed import consultation_model

    return consultation_model() is not None


def create_indicator(
    *,
    membership,
    code: str,
    name: str,
    source: str,
    unit: str = "people",
    direction: str = Direction.INCREASE,
    disaggregation=(),
    baseline=None,
    definition: str = "",
    request=None,
) -> Indicator:
    """An indicator of the organisation's registry, computed from records or entered by
    hand."""
    require(membership, PERM)
    errors = {}
    code = (code or "").strip()
    if not code:
        errors["code"] = _("Give the indicator a code.")
    if not (name or "").strip():
        errors["name"] = _("Name the indicator.")
    if source not in DataSource.values:
        errors["source"] = _("Choose a data source.")
    elif source == DataSource.CONSULTATIONS and not consultations_available():
        errors["source"] = _("Legal consultations are not recorded in this installation yet.")
    if direction not in Direction.values:
        errors["direction"] = _("Choose a direction.")
    disaggregation = list(disaggregation or [])
    if set(disaggregation) - set(DISAGGREGATIONS):
        errors["disaggregation"] = _("Unknown disaggregation.")
    if baseline not in (None, ""):
        try:
            baseline = Decimal(baseline)
        except InvalidOperation:
            errors["baseline"] = _("Enter a number.")
    else:
        baseline = None
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            indicator = Indicator.objects.create(
                organization=membership.organization,
                code=code,
                name=name.strip(),
                definition=definition,
                unit=unit or "people",
                direction=direction,
                disaggregation=[d for d in DISAGGREGATIONS if d in disaggregation],
                baseline=baseline,
                source=source,
            )
            audit.by_member(AuditEntry.Action.CREATE, membership, indicator, request)
    except IntegrityError:
        raise ValidationError({"code": _("Another indicator has this code.")})
    return indicator


def use_indicator(
    *, membership, grant: Grant, indicator: Indicator, life_target=None, request=None
) -> IndicatorUse:
    """Put an indicator in a grant's framework (an indicator can serve several grants)."""
    require(membership, PERM)
    _own(membership, grant)
    _own(membership, indicator)
    if life_target not in (None, ""):
        life_target = _amount(life_target, "life_target")
    else:
        life_target = None
    with transaction.atomic():
        use, created = IndicatorUse.objects.update_or_create(
            grant=grant, indicator=indicator, defaults={"life_target": life_target}
        )
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            use,
            request,
            {"grant": grant.pk, "indicator": indicator.pk},
        )
    return use


def set_period_target(
    *, membership, use: IndicatorUse, period_from, period_to, target, request=None
) -> PeriodTarget:
    """The target of one reporting period, inside the grant's period."""
    require(membership, PERM)
    _own(membership, use.grant)
    _dates(period_from, period_to)
    grant = use.grant
    if period_from < grant.starts_on or period_to > grant.ends_on:
        raise ValidationError({"period_from": _("The period is outside the grant's period.")})
    target = _amount(target, "target")
    with transaction.atomic():
        row, _created = PeriodTarget.objects.update_or_create(
            use=use, period_from=period_from, defaults={"period_to": period_to, "target": target}
        )
        audit.by_member(AuditEntry.Action.CHANGE, membership, row, request, {"grant": grant.pk})
    return row


def _evidence_path(storage_name: str) -> Path:
    return Path(settings.VAR_DIR) / "grant_evidence" / storage_name


def record_manual_result(
    *,
    membership,
    grant: Grant,
    indicator: Indicator,
    period_from,
    period_to,
    value,
    breakdown: dict | None = None,
    evidence=None,
    request=None,
) -> ManualResult:
    """A hand-entered result of a hand-entered indicator, with its evidence (a file,
    required; kept encrypted). A second entry for the same period replaces the first."""
    require(membership, PERM)
    _own(membership, grant)
    _own(membership, indicator)
    if indicator.computed:
        raise ValidationError(_("This indicator is computed from the records."))
    _dates(period_from, period_to)
    value = _amount(value, "value")
    breakdown = breakdown or {}
    for dimension, cells in breakdown.items():
        if dimension not in DISAGGREGATIONS or not isinstance(cells, dict):
            raise ValidationError({"breakdown": _("Unknown disaggregation.")})
        if any(not isinstance(n, int | float) or n < 0 for n in cells.values()):
            raise ValidationError({"breakdown": _("A breakdown holds numbers of 0 or more.")})
        if sum(cells.values()) > value:
            raise ValidationError({"breakdown": _("The breakdown adds up to more than the value.")})
    existing = ManualResult.objects.filter(
        grant=grant, indicator=indicator, period_from=period_from, period_to=period_to
    ).first()
    if evidence is None and (existing is None or not existing.evidence_storage):
        raise ValidationError({"evidence": _("Attach the evidence of this result.")})
    storage = None
    if evidence is not None:
        if evidence.size > MAX_EVIDENCE_BYTES:
            raise ValidationError({"evidence": _("The file is larger than 10 MB.")})
        storage = secrets.token_hex(20)
        path = _evidence_path(storage)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encrypt_bytes(evidence.read()))
    with transaction.atomic():
        result = existing or ManualResult(
            grant=grant, indicator=indicator, period_from=period_from, period_to=period_to
        )
        result.value = value
        result.breakdown = breakdown
        result.recorded_by = membership.user
        result.recorded_at = timezone.now()
        if storage:
            result.evidence_storage = storage
            result.evidence_name = (evidence.name or "evidence")[-200:]
        result.save()
        audit.by_member(
            AuditEntry.Action.CHANGE if existing else AuditEntry.Action.CREATE,
            membership,
            result,
            request,
            {"grant": grant.pk, "indicator": indicator.pk},
        )
    return result


def read_evidence(*, membership, result: ManualResult, request=None) -> bytes:
    """The evidence file, decrypted for download; the download is audited."""
    require(membership, PERM)
    _own(membership, result.grant)
    data = decrypt_bytes(_evidence_path(result.evidence_storage).read_bytes())
    audit.by_member(AuditEntry.Action.EXPORT, membership, result, request)
    return data


def record_report_sent(
    *, membership=None, grant: Grant, period_from, period_to, values: dict, request=None, user=None
) -> SentReport:
    """Keep the values of a donor report as sent, so that a computed value that changes
    later is flagged. `membership` from a page; `user` alone from the command."""
    if membership is not None:
        require(membership, PERM)
        _own(membership, grant)
    with transaction.atomic():
        sent = SentReport.objects.create(
            grant=grant,
            period_from=period_from,
            period_to=period_to,
            sent_by=membership.user if membership else user,
            values={k: (str(v) if v is not None else None) for k, v in values.items()},
        )
        audit.record(
            AuditEntry.Action.CREATE,
            user=membership.user if membership else user,
            organization=grant.organization,
            target=sent,
            detail={"grant": grant.pk},
            request=request,
        )
    return sent


def check_period(period_from: datetime.date, period_to: datetime.date) -> None:
    if period_from is None or period_to is None:
        raise ValidationError(_("Give the first and the last day of the period."))
    if period_to < period_from:
        raise ValidationError(_("The period ends before it starts."))
