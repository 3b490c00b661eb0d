"""Every write to needs, plans, services, check-ins and shelter stays: validate,
write in one transaction, audit."""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.colleagues import check_colleague
from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance.models import (
    NEEDS_BY_STAGE,
    CheckIn,
    CheckInOutcome,
    DeliveredService,
    EconomicSupportLimit,
    NeedsAssessment,
    NeedStatus,
    PlannedService,
    PlannedServiceStatus,
    ServicePlan,
    ServiceType,
    ShelterStay,
    Stage,
)
from apps.cases.models import CaseStatus
from apps.core import audit
from apps.core.date_rules import check_due_dates, check_past_events
from apps.core.models import AuditEntry
from apps.people.models import Person
from apps.people.services import StaleEdit, require

DEFAULT_CHECK_IN_MONTHS = (1, 3, 6, 12)


class OverLimit(ValidationError):
    """Economic support would exceed the organisation's limit; saving needs confirmation."""

    def __init__(self, *, limit, used, amount):
        self.limit, self.used, self.amount = limit, used, amount
        super().__init__(
            _(
                "This payment of %(amount)s %(currency)s would bring economic support to "
                "this person to %(total)s %(currency)s within %(days)s days; the "
                "organisation's limit is %(limit)s %(currency)s. Tick “confirm over the "
                "limit” to save it anyway."
            )
            % {
                "amount": amount,
                "currency": limit.currency,
                "total": used + amount,
                "days": limit.period_days,
                "limit": limit.amount,
            }
        )


def _check_member_of_org(membership, user) -> None:
    check_colleague(membership, user)


def _check_case(membership, case) -> None:
    if case.organization_id != membership.organization_id:
        raise ValidationError(_("This case belongs to another organisation."))


# Needs -------------------------------------------------------------------------------


def save_needs_assessment(
    *, membership, case, stage: str, needs: dict, assessed_on=None, note: str = "", request=None
) -> NeedsAssessment:
    """Create or update the case's needs assessment for one stage."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    if stage not in Stage.values:
        raise ValidationError(_("Unknown stage."))
    codes = set(NEEDS_BY_STAGE[stage].values)
    bad = [k for k, v in needs.items() if k not in codes or v not in NeedStatus.values]
    if bad:
        raise ValidationError(_("Unknown needs or statuses: %s") % ", ".join(sorted(bad)))
    check_past_events({"assessed_on": assessed_on})
    with transaction.atomic():
        assessment = (
            NeedsAssessment.objects.select_for_update().filter(case=case, stage=stage).first()
        )
        created = assessment is None
        if created:
            assessment = NeedsAssessment(case=case, stage=stage)
        assessment.needs = dict(needs)
        assessment.note = note or ""
        assessment.assessed_on = assessed_on or timezone.localdate()
        assessment.assessed_by = membership.user
        assessment.updated_at = timezone.now()
        assessment.save()
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            assessment,
            request,
            {"case": case.pk, "stage": stage},
        )
    return assessment


# Service plan ------------------------------------------------------------------------


def save_service_plan(*, membership, case, goals: str, request=None) -> ServicePlan:
    """Create the case's service plan or change its goals."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    with transaction.atomic():
        plan, created = ServicePlan.objects.select_for_update().get_or_create(
            case=case, defaults={"goals": goals or "", "created_by": membership.user}
        )
        if not created:
            plan.goals = goals or ""
            plan.updated_at = timezone.now()
            plan.save(update_fields=["goals", "updated_at"])
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            plan,
            request,
            {"case": case.pk},
        )
    return plan


PLANNED_FIELDS = (
    "service_type",
    "provider_name",
    "provider_organization",
    "planned_from",
    "planned_to",
    "responsible",
    "status",
)


def _check_planned(membership, data: dict) -> None:
    _check_member_of_org(membership, data.get("responsible"))
    if data.get("service_type") not in ServiceType.values:
        raise ValidationError(_("Choose a service."))
    if data.get("status") and data["status"] not in PlannedServiceStatus.values:
        raise ValidationError(_("Unknown status."))
    start, end = data.get("planned_from"), data.get("planned_to")
    check_due_dates({"planned_from": start, "planned_to": end})
    if start and end and end < start:
        raise ValidationError(_("The end cannot be before the beginning."))


def _locked(model, row, version):
    """The row, locked for this transaction; StaleEdit if it changed since `version` was
    read (None skips the check, for callers that send no version)."""
    current = model.objects.select_for_update().filter(pk=row.pk).first()
    if current is None or (version is not None and current.version != version):
        raise StaleEdit()
    return current


def add_planned_service(*, membership, case, data: dict, request=None) -> PlannedService:
    """Add a service to the case's plan (the plan is created if there is none yet)."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    _check_planned(membership, data)
    start, end = data.get("planned_from"), data.get("planned_to")
    with transaction.atomic():
        plan, created = ServicePlan.objects.get_or_create(
            case=case, defaults={"created_by": membership.user}
        )
        if created:
            audit.by_member(AuditEntry.Action.CREATE, membership, plan, request, {"case": case.pk})
        service = PlannedService.objects.create(
            plan=plan,
            service_type=data["service_type"],
            provider_name=data.get("provider_name") or "",
            provider_organization=data.get("provider_organization"),
            planned_from=start,
            planned_to=end,
            responsible=data.get("responsible"),
            status=data.get("status") or PlannedServiceStatus.PLANNED,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, service, request, {"case": case.pk})
    return service


def change_planned_service(
    *, membership, service: PlannedService, data: dict, version: int | None, request=None
) -> PlannedService:
    """Change a planned service. Raises StaleEdit if someone saved it after `version`."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, service.plan.case)
    _check_planned(membership, data)
    with transaction.atomic():
        service = _locked(PlannedService, service, version)
        changed = []
        for name in PLANNED_FIELDS:
            value = data.get(name)
            if name in ("provider_name",):
                value = value or ""
            if name == "status":
                value = value or service.status
            if getattr(service, name) != value:
                setattr(service, name, value)
                changed.append(name)
        service.version += 1
        service.save()
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            service,
            request,
            {"case": service.plan.case_id, "fields": changed},
        )
    return service


def remove_planned_service(
    *, membership, service: PlannedService, version: int | None, request=None
) -> None:
    """Take a service off the plan. Raises StaleEdit if someone saved it after `version`."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, service.plan.case)
    with transaction.atomic():
        service = _locked(PlannedService, service, version)
        audit.by_member(
            AuditEntry.Action.DELETE,
            membership,
            service,
            request,
            {"case": service.plan.case_id, "service_type": service.service_type},
        )
        service.delete()


def change_planned_service_status(
    *, membership, service: PlannedService, status: str, version: int | None = None, request=None
) -> PlannedService:
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, service.plan.case)
    if status not in PlannedServiceStatus.values:
        raise ValidationError(_("Unknown status."))
    with transaction.atomic():
        service = _locked(PlannedService, service, version)
        previous = service.status
        service.status = status
        service.version += 1
        service.save(update_fields=["status", "version"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            service,
            request,
            {"case": service.plan.case_id, "status": [previous, status]},
        )
    return service


# Services delivered and the economic support limit -----------------------------------


def economic_support_used(
    *, case, currency: str, period_days: int, on_date, exclude_pk=None
) -> Decimal:
    """Economic support to the case's person in one currency, in the period ending on_date
    (without the payment `exclude_pk`, which is being changed)."""
    since = on_date - datetime.timedelta(days=period_days - 1)
    total = (
        DeliveredService.objects.exclude(pk=exclude_pk)
        .filter(
            case__person_id=case.person_id,
            case__organization_id=case.organization_id,
            service_type=ServiceType.ECONOMIC_SUPPORT,
            currency=currency,
            delivered_on__gte=since,
            delivered_on__lte=on_date,
        )
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0")


def check_economic_limit(*, case, currency: str, amount, on_date, exclude_pk=None) -> None:
    """Raise OverLimit if this payment would take the person over the organisation's limit."""
    limit = EconomicSupportLimit.objects.filter(
        organization_id=case.organization_id, currency=currency
    ).first()
    if limit is None or amount is None:
        return
    amount = Decimal(amount)
    used = economic_support_used(
        case=case,
        currency=currency,
        period_days=limit.period_days,
        on_date=on_date,
        exclude_pk=exclude_pk,
    )
    if used + amount > limit.amount:
        raise OverLimit(limit=limit, used=used, amount=amount)


DELIVERED_FIELDS = (
    "service_type",
    "delivered_on",
    "provider_name",
    "provider_organization",
    "quantity",
    "unit",
    "amount",
    "currency",
    "duration_days",
    "outcome",
)
_BLANK_TEXT = ("provider_name", "unit", "currency", "outcome")


def _check_delivered(data: dict) -> dict:
    """The validated values of a service delivered (all of DELIVERED_FIELDS)."""
    service_type = data.get("service_type")
    if service_type not in ServiceType.values:
        raise ValidationError(_("Choose a service."))
    values = {name: data.get(name) for name in DELIVERED_FIELDS}
    for name in _BLANK_TEXT:
        values[name] = values[name] or ""
    values["delivered_on"] = values["delivered_on"] or timezone.localdate()
    check_past_events({"delivered_on": values["delivered_on"]})
    if values["amount"] is not None and not values["currency"]:
        raise ValidationError(_("Give the currency of the amount."))
    if service_type == ServiceType.ECONOMIC_SUPPORT and values["amount"] is None:
        raise ValidationError(_("Economic support needs an amount and a currency."))
    return values


def _within_limit(case, values, confirm_over_limit, exclude_pk=None) -> bool:
    """True if the payment goes over the limit and that was confirmed; OverLimit if not
    confirmed. Call inside the transaction."""
    if values["service_type"] != ServiceType.ECONOMIC_SUPPORT:
        return False
    # Serialise payments to one person so that two at once cannot both pass.
    Person.objects.select_for_update().filter(pk=case.person_id).first()
    try:
        check_economic_limit(
            case=case,
            currency=values["currency"],
            amount=values["amount"],
            on_date=values["delivered_on"],
            exclude_pk=exclude_pk,
        )
    except OverLimit:
        if not confirm_over_limit:
            raise
        return True
    return False


def record_delivered_service(
    *, membership, case, data: dict, confirm_over_limit: bool = False, request=None
) -> DeliveredService:
    """Record a service given; economic support over the limit needs confirm_over_limit."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    values = _check_delivered(data)
    with transaction.atomic():
        over = _within_limit(case, values, confirm_over_limit)
        service = DeliveredService.objects.create(
            case=case, **values, over_limit=over, recorded_by=membership.user
        )
        detail = {"case": case.pk, "service_type": values["service_type"]}
        if over:
            detail["over_limit"] = True
        audit.by_member(AuditEntry.Action.CREATE, membership, service, request, detail)
    return service


def change_delivered_service(
    *,
    membership,
    service: DeliveredService,
    data: dict,
    version: int | None,
    confirm_over_limit: bool = False,
    request=None,
) -> DeliveredService:
    """Correct a service delivered; the economic support limit is checked again without
    the old amount. Raises StaleEdit if someone saved it after `version`."""
    require(membership, Permission.EDIT_CASES)
    case = service.case
    _check_case(membership, case)
    values = _check_delivered(data)
    with transaction.atomic():
        service = _locked(DeliveredService, service, version)
        over = _within_limit(case, values, confirm_over_limit, exclude_pk=service.pk)
        changed = [n for n, v in values.items() if getattr(service, n) != v]
        for name, value in values.items():
            setattr(service, name, value)
        service.over_limit = over
        service.version += 1
        service.save()
        detail = {"case": case.pk, "fields": changed}
        if over:
            detail["over_limit"] = True
        audit.by_member(AuditEntry.Action.CHANGE, membership, service, request, detail)
    return service


def remove_delivered_service(
    *, membership, service: DeliveredService, version: int | None, request=None
) -> None:
    """Remove a service recorded by mistake. Raises StaleEdit if someone saved it after
    `version`."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, service.case)
    with transaction.atomic():
        service = _locked(DeliveredService, service, version)
        audit.by_member(
            AuditEntry.Action.DELETE,
            membership,
            service,
            request,
            {"case": service.case_id, "service_type": service.service_type},
        )
        service.delete()


def set_economic_limit(
    *, membership, currency: str, amount, period_days: int, request=None
) -> EconomicSupportLimit:
    """The organisation's limit of economic support per person and period (admins only)."""
    require(membership, Permission.MANAGE_ORGANIZATION)
    if Decimal(amount) <= 0 or period_days <= 0:
        raise ValidationError(_("The limit and its period must be greater than zero."))
    with transaction.atomic():
        limit, created = EconomicSupportLimit.objects.update_or_create(
            organization=membership.organization,
            currency=currency,
            defaults={"amount": amount, "period_days": period_days},
        )
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            limit,
            request,
            {"currency": currency, "amount": str(amount), "period_days": period_days},
        )
    return limit


# Reintegration check-ins -------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_check_ins(
    *, membership, case, months=DEFAULT_CHECK_IN_MONTHS, request=None
) -> list[CheckIn]:
    """Check-ins at the given months after the case was closed, for its assigned worker.
    Dates already scheduled are not doubled."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        raise ValidationError(_("Reintegration check-ins are scheduled once the case is closed."))
    worker = case.assigned_to or membership.user
    with transaction.atomic():
        existing = set(case.check_ins.values_list("due_on", flat=True))
        created = []
        for n in months:
            due = add_months(case.closed_on, n)
            if due in existing:
                continue
            created.append(CheckIn.objects.create(case=case, due_on=due, assigned_to=worker))
            existing.add(due)
        for check_in in created:
            audit.by_member(
                AuditEntry.Action.CREATE,
                membership,
                check_in,
                request,
                {"case": case.pk, "due_on": check_in.due_on.isoformat()},
            )
    return created


def record_check_in(
    *, membership, check_in: CheckIn, outcome: str, done_on=None, note: str = "", request=None
) -> CheckIn:
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, check_in.case)
    if outcome not in CheckInOutcome.values:
        raise ValidationError(_("Choose the outcome of the check-in."))
    with transaction.atomic():
        check_in.outcome = outcome
        check_in.done_on = done_on or timezone.localdate()
        check_in.note = note or ""
        check_in.save(update_fields=["outcome", "done_on", "note"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            check_in,
            request,
            {"case": check_in.case_id, "outcome": outcome},
        )
    return check_in


# Shelter stays -----------------------------------------------------------------------


def admit_to_shelter(
    *, membership, case, shelter: Organization, admitted_on=None, bed_label: str = "", request=None
) -> ShelterStay:
    """Record that the case's person lives in the member's own shelter; a person has one
    open stay at most. Only the shelter records its residents: a stay in another
    organisation's shelter is recorded by that shelter through an accepted referral
    (`admit_from_referral`, docs/decisions/0004), never by the sending organisation."""
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, case)
    if shelter is None or shelter.type != Organization.Type.SHELTER:
        raise ValidationError(_("Choose a shelter."))
    if shelter.pk != membership.organization_id:
        raise ValidationError(
            _(
                "Only the shelter itself records who stays there. Refer the person to the "
                "shelter; it records the admission once it has accepted the referral."
            )
        )
    open_stay_error = ValidationError(
        _("This person is already staying in a shelter; record the discharge first.")
    )
    if ShelterStay.objects.filter(person_id=case.person_id, discharged_on__isnull=True).exists():
        raise open_stay_error
    check_past_events({"admitted_on": admitted_on})
    try:
        with transaction.atomic():
            stay = ShelterStay.objects.create(
                case=case,
                person_id=case.person_id,
                shelter=shelter,
                admitted_on=admitted_on or timezone.localdate(),
                bed_label=bed_label or "",
                recorded_by=membership.user,
            )
            audit.by_member(
                AuditEntry.Action.CREATE,
                membership,
                stay,
                request,
                {"case": case.pk, "shelter": shelter.pk},
            )
    except IntegrityError:  # another admission won the race
        raise open_stay_error
    return stay


def _check_admitting_shelter(membership, referral) -> None:
    """The member's organisation is a shelter that accepted the referral, and the
    person's consent is still in force."""
    from apps.referrals.models import ReferralStatus
    from apps.referrals.selectors import receiver_may_read

    require(membership, Permission.EDIT_CASES)
    if referral.to_organization_id != membership.organization_id:
        raise ValidationError(_("This referral was not sent to your organisation."))
    if membership.organization.type != Organization.Type.SHELTER:
        raise ValidationError(_("Only a shelter has beds."))
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        raise ValidationError(_("Accept the referral before recording an admission."))
    if not receiver_may_read(referral):
        raise ValidationError(_("The person's consent is no longer in force."))


def admit_from_referral(
    *, membership, referral, admitted_on=None, bed_label: str = "", request=None
) -> ShelterStay:
    """The receiving shelter records that the referred person moved in. The stay belongs
    to the referring organisation's case; the shelter knows it by the referral only.
    If the person later withdraws consent, the shelter loses the referral's details but
    the stay stays counted as a bed in use until it is discharged."""
    _check_admitting_shelter(membership, referral)
    case = referral.case
    open_stay_error = ValidationError(
        _("This person is already staying in a shelter; record the discharge first.")
    )
    if ShelterStay.objects.filter(person_id=case.person_id, discharged_on__isnull=True).exists():
        raise open_stay_error
    check_past_events({"admitted_on": admitted_on})
    try:
        with transaction.atomic():
            stay = ShelterStay.objects.create(
                case=case,
                person_id=case.person_id,
                shelter=membership.organization,
                referral=referral,
                admitted_on=admitted_on or timezone.localdate(),
                bed_label=bed_label or "",
                recorded_by=membership.user,
            )
            audit.by_member(
                AuditEntry.Action.CREATE,
                membership,
                stay,
                request,
                {"referral": referral.pk, "shelter": membership.organization_id},
            )
    except IntegrityError:  # another admission won the race
        raise open_stay_error
    return stay


def discharge_from_referral(
    *, membership, referral, discharged_on=None, request=None
) -> ShelterStay:
    """The receiving shelter records the end of the open stay it admitted on the referral."""
    _check_admitting_shelter(membership, referral)
    stay = ShelterStay.objects.filter(
        referral=referral, shelter_id=membership.organization_id, discharged_on__isnull=True
    ).first()
    if stay is None:
        raise ValidationError(_("This stay has already ended."))
    return _discharge(membership, stay, discharged_on, request)


def discharge_from_shelter(
    *, membership, stay: ShelterStay, discharged_on=None, request=None
) -> ShelterStay:
    require(membership, Permission.EDIT_CASES)
    _check_case(membership, stay.case)
    return _discharge(membership, stay, discharged_on, request)


def _discharge(membership, stay, discharged_on, request) -> ShelterStay:
    if stay.discharged_on is not None:
        raise ValidationError(_("This stay has already ended."))
    day = discharged_on or timezone.localdate()
    check_past_events({"discharged_on": day})
    if day < stay.admitted_on:
        raise ValidationError(_("The discharge cannot be before the admission."))
    with transaction.atomic():
        stay.discharged_on = day
        stay.save(update_fields=["discharged_on"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            stay,
            request,
            {"case": stay.case_id, "discharged_on": day.isoformat()},
        )
    return stay


def set_shelter_capacity(*, membership, beds: int, request=None):
    """How many beds the member's shelter has (admins of a shelter only)."""
    from apps.assistance.models import ShelterCapacity

    require(membership, Permission.MANAGE_ORGANIZATION)
    if membership.organization.type != Organization.Type.SHELTER:
        raise ValidationError(_("Only a shelter has beds."))
    if beds < 0:
        raise ValidationError(_("The number of beds cannot be negative."))
    with transaction.atomic():
        capacity, created = ShelterCapacity.objects.update_or_create(
            organization=membership.organization, defaults={"beds": beds}
        )
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            capacity,
            request,
            {"beds": beds},
        )
    return capacity
