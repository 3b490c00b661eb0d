"""Every write to donors, grants, budgets, event links, indicators, targets and results:
validate, write in one transaction, audit."""

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
from apps.people.services import StaleEdit, require

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


def _grant_terms(*, reference: str, currency: str, amount, starts_on, ends_on):
    """A grant's reference (trimmed) and amount (to the cent), checked with its currency
    and period; ValidationError at the first fault."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Give the grant's reference.")})
    if currency not in Currency.values:
        raise ValidationError({"currency": _("Choose a currency.")})
    amount = _amount(amount, "amount", allow_zero=False)
    _dates(starts_on, ends_on)
    return reference, amount


def _sub_grant_faults(
    parent: Grant, starts_on, ends_on, currency: str, amount, partner_name: str, *, grant=None
) -> dict:
    """Why a sub-grant (new, or `grant` changed) would not fit its grant `parent`, by
    field: its period, its currency, the amount the parent has left to pass on, the
    partner's name. Empty when it fits."""
    faults = {}
    if starts_on < parent.starts_on or ends_on > parent.ends_on:
        faults["starts_on"] = _("A sub-grant must fall within the period of its grant.")
    if currency != parent.currency:
        faults["currency"] = _("A sub-grant is in its grant's currency.")
    others = parent.sub_grants.exclude(pk=grant.pk) if grant is not None else parent.sub_grants
    given = others.aggregate(s=Sum("amount"))["s"] or 0
    if given + amount > parent.amount:
        faults["amount"] = _(
            "Sub-grants would total %(total)s %(currency)s, more than the grant "
            "of %(amount)s %(currency)s."
        ) % {"total": given + amount, "currency": currency, "amount": parent.amount}
    if not partner_name.strip():
        faults["partner_name"] = _("Name the partner NGO.")
    return faults


def _locked(model, row, version):
    """The row, locked for this transaction; StaleEdit if it changed since `version` was
    read (None skips the check, for callers that send no version)."""
    current = model.objects.select_for_update().filter(pk=row.pk).first()
    if current is None or (version is not None and current.version != version):
        raise StaleEdit()
    return current


def _changed(record, values: dict) -> list[str]:
    """Set `values` on `record`; the names of the fields that changed (for the audit
    entry: names only, never the values)."""
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


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
    reference, amount = _grant_terms(
        reference=reference, currency=currency, amount=amount, starts_on=starts_on, ends_on=ends_on
    )
    if parent is not None:
        _own(membership, parent)
        faults = _sub_grant_faults(parent, starts_on, ends_on, currency, amount, partner_name)
        if faults:
            raise ValidationError(faults)
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


def update_grant(
    *,
    membership,
    grant: Grant,
    donor: Donor,
    reference: str,
    title: str,
    amount,
    currency: str,
    starts_on,
    ends_on,
    partner_name: str = "",
    version: int | None = None,
    request=None,
) -> Grant:
    """Change a grant's particulars. Refused when what hangs on it would no longer fit:
    budget lines or sub-grants above the new amount; linked events, period targets or
    spending outside the new period; a sub-grant outside its grant. StaleEdit when
    someone saved the grant after `version` was read."""
    require(membership, PERM)
    _own(membership, grant)
    _own(membership, donor)
    reference, amount = _grant_terms(
        reference=reference, currency=currency, amount=amount, starts_on=starts_on, ends_on=ends_on
    )
    errors = {}
    parent = grant.parent
    if parent is not None:
        errors = _sub_grant_faults(
            parent, starts_on, ends_on, currency, amount, partner_name, grant=grant
        )
    planned = grant.budget_lines.aggregate(s=Sum("amount"))["s"] or 0
    passed_on = grant.sub_grants.aggregate(s=Sum("amount"))["s"] or 0
    if max(planned, passed_on) > amount:
        errors["amount"] = _(
            "The budget lines or sub-grants already total %(total)s; the amount cannot be less."
        ) % {"total": max(planned, passed_on)}
    if grant.sub_grants.exclude(currency=currency).exists():
        errors["currency"] = _("The sub-grants are in another currency.")
    outside = {
        "events": grant.event_links.filter(event__starts_on__lt=starts_on).exists()
        or grant.event_links.filter(event__ends_on__gt=ends_on).exists(),
        "targets": PeriodTarget.objects.filter(use__grant=grant)
        .exclude(period_from__gte=starts_on, period_to__lte=ends_on)
        .exists(),
        "spending": Spending.objects.filter(budget_line__grant=grant)
        .exclude(spent_on__gte=starts_on, spent_on__lte=ends_on)
        .exists(),
        "sub_grants": grant.sub_grants.exclude(
            starts_on__gte=starts_on, ends_on__lte=ends_on
        ).exists(),
    }
    if any(outside.values()):
        errors["starts_on"] = _(
            "Linked events, period targets, spending or sub-grants would fall outside the "
            "new period; change them first."
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            grant = _locked(Grant, grant, version)
            changed = _changed(
                grant,
                {
                    "donor_id": donor.pk,
                    "reference": reference,
                    "title": title.strip() or reference,
                    "amount": amount,
                    "currency": currency,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "partner_name": partner_name.strip() if parent is not None else "",
                },
            )
            if changed:
                grant.version += 1
                grant.save()
                audit.by_member(
                    AuditEntry.Action.CHANGE, membership, grant, request, {"fields": changed}
                )
    except IntegrityError:
        raise ValidationError(
            {"reference": _("Another grant of your organisation has this reference.")}
        )
    return grant


def grant_deletable(grant: Grant) -> bool:
    """Whether nothing hangs on the grant yet (a grant entered by mistake)."""
    return not any(
        related.exists()
        for related in (
            grant.event_links,
            grant.indicator_uses,
            grant.budget_lines,
            grant.activities,
            grant.sub_grants,
            grant.manual_results,
            grant.sent_reports,
        )
    )


def delete_grant(*, membership, grant: Grant, version: int | None = None, request=None) -> None:
    """Delete a grant entered by mistake; refused once anything is linked to it."""
    require(membership, PERM)
    _own(membership, grant)
    with transaction.atomic():
        grant = _locked(Grant, grant, version)
        if not grant_deletable(grant):
            raise ValidationError(
                _(
                    "This grant has events, indicators, a budget, sub-grants or reports "
                    "linked to it and cannot be deleted."
                )
            )
        audit.by_member(AuditEntry.Action.DELETE, membership, grant, request)
        grant.delete()


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
    fields = _indicator_fields(
        code=code,
        name=name,
        source=source,
        unit=unit,
        direction=direction,
        disaggregation=disaggregation,
        baseline=baseline,
        definition=definition,
    )
    try:
        with transaction.atomic():
            indicator = Indicator.objects.create(organization=membership.organization, **fields)
            audit.by_member(AuditEntry.Action.CREATE, membership, indicator, request)
    except IntegrityError:
        raise ValidationError({"code": _("Another indicator has this code.")})
    return indicator


def _indicator_fields(
    *, code, name, source, unit, direction, disaggregation, baseline, definition
) -> dict:
    """The indicator's fields, checked and tidied; ValidationError naming each bad one."""
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
    return {
        "code": code,
        "name": name.strip(),
        "definition": definition or "",
        "unit": unit or "people",
        "direction": direction,
        "disaggregation": [d for d in DISAGGREGATIONS if d in disaggregation],
        "baseline": baseline,
        "source": source,
    }


def update_indicator(
    *,
    membership,
    indicator: Indicator,
    code: str,
    name: str,
    source: str,
    unit: str = "people",
    direction: str = Direction.INCREASE,
    disaggregation=(),
    baseline=None,
    definition: str = "",
    version: int | None = None,
    request=None,
) -> Indicator:
    """Change an indicator of the registry. A hand-entered indicator with results keeps
    its data source (the results would otherwise be silently dropped). StaleEdit when
    someone saved it after `version` was read."""
    require(membership, PERM)
    _own(membership, indicator)
    fields = _indicator_fields(
        code=code,
        name=name,
        source=source,
        unit=unit,
        direction=direction,
        disaggregation=disaggregation,
        baseline=baseline,
        definition=definition,
    )
    if fields["source"] != indicator.source and indicator.results.exists():
        raise ValidationError(
            {"source": _("Results were entered by hand for this indicator; keep its source.")}
        )
    try:
        with transaction.atomic():
            indicator = _locked(Indicator, indicator, version)
            changed = _changed(indicator, fields)
            if changed:
                indicator.version += 1
                indicator.save()
                audit.by_member(
                    AuditEntry.Action.CHANGE, membership, indicator, request, {"fields": changed}
                )
    except IntegrityError:
        raise ValidationError({"code": _("Another indicator has this code.")})
    return indicator


def indicator_deletable(indicator: Indicator) -> bool:
    """Whether no grant uses the indicator and no result was entered for it."""
    return not indicator.uses.exists() and not indicator.results.exists()


def delete_indicator(
    *, membership, indicator: Indicator, version: int | None = None, request=None
) -> None:
    """Delete an indicator no grant uses yet."""
    require(membership, PERM)
    _own(membership, indicator)
    with transaction.atomic():
        indicator = _locked(Indicator, indicator, version)
        if not indicator_deletable(indicator):
            raise ValidationError(
                _("Grants use this indicator or results were entered for it; it stays.")
            )
        audit.by_member(AuditEntry.Action.DELETE, membership, indicator, request)
        indicator.delete()


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
