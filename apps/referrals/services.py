"""Every write to referrals: validate, write in one transaction, audit, notify."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.mail import mail_users
from apps.accounts.models import Membership, Organization
from apps.accounts.roles import Permission, Role
from apps.assistance.models import ServiceType
from apps.cases.models import ConsentScope
from apps.cases.services import record_consent
from apps.core import audit
from apps.core.date_rules import check_past_events
from apps.core.models import AuditEntry
from apps.core.selectors import reference_labels
from apps.people.services import StaleEdit, require
from apps.referrals.models import (
    ConsentTerms,
    DirectoryEntry,
    DirectoryService,
    Notification,
    Referral,
    ReferralStatus,
    ServiceDelivered,
    SharedField,
    SpecialNeed,
    TargetGroup,
    Urgency,
    need_choices,
)
from apps.referrals.selectors import listed_services

log = logging.getLogger(__name__)


class UnlistedServices(ValidationError):
    """The recipient's directory entry does not list some requested services."""

    def __init__(self, missing):
        self.missing = sorted(missing)
        labels = dict(ServiceType.choices)
        super().__init__(
            _("The receiving organisation does not list these services: %(services)s.")
            % {"services": ", ".join(str(labels.get(s, s)) for s in self.missing)}
        )


class AlreadyAnswered(ValidationError):
    def __init__(self):
        super().__init__(_("This referral was already answered or changed by someone else."))


def unlisted_services(*, services, to_organization=None, to_entry=None) -> list[str]:
    listed = listed_services(organization=to_organization, entry=to_entry)
    if listed is None:
        return sorted(services)
    return sorted(set(services) - listed)


def _notify(organization, referral, kind: str) -> None:
    if organization is None:
        return
    Notification.objects.create(organization=organization, referral=referral, kind=kind)
    if not getattr(settings, "EMAIL_BACKEND", ""):
        return
    recipients = [
        m.user
        for m in Membership.objects.filter(
            organization=organization, role=Role.ORG_ADMIN, is_active=True, user__is_active=True
        ).select_related("user")
    ]
    if not recipients:
        return
    reference = referral.reference

    def compose():
        # No personal data in e-mail: only the reference and what happened. Written in
        # each recipient's own language (apps.accounts.mail).
        subject = _("Koldoo: %(kind)s %(ref)s") % {
            "kind": Notification.Kind(kind).label,
            "ref": reference,
        }
        body = _("Open the referral inbox in Koldoo to see referral %(ref)s.") % {"ref": reference}
        return subject, body

    def send():
        try:
            mail_users(recipients, compose)
        except Exception:  # mail is best effort; the in-product notification is kept
            log.exception("Referral notification e-mail failed")

    transaction.on_commit(send)


def consent_refusal(consent, *, case, to_organization, to_entry, services, shared_fields) -> str:
    """Why `consent` does not allow this referral, or "" when it does: it must be the
    person's referral consent, in force today (not withdrawn, not expired), and its terms
    must name this recipient and cover every service asked for and every field shared.
    A referral consent recorded without terms says for whom it was given to no one, so it
    covers no referral."""
    if consent.person_id != case.person_id or consent.scope != ConsentScope.REFERRAL:
        return _("The consent must be this person's consent to a referral.")
    if consent.withdrawn_on is not None:
        return _("The person withdrew this consent.")
    if not consent.in_force:
        return _("This consent has expired.")
    terms = ConsentTerms.objects.filter(consent=consent).first()
    if terms is None:
        return _("This consent does not say to whom the person agreed to be referred.")
    if (terms.to_organization_id, terms.to_entry_id) != (
        getattr(to_organization, "pk", None),
        getattr(to_entry, "pk", None),
    ):
        return _("This consent was given for another organisation.")
    if set(services) - set(terms.services):
        return _("This consent does not cover every service asked for.")
    if set(shared_fields) - set(terms.shared_fields):
        return _("This consent does not cover every piece of data to be shared.")
    return ""


def _codes(values, allowed) -> list[str]:
    allowed = set(allowed)
    return [v for v in dict.fromkeys(values or []) if v in allowed]


def create_referral(
    *,
    membership,
    case,
    services,
    shared_fields,
    to_organization=None,
    to_entry=None,
    consent=None,
    consent_valid_until=None,
    purpose: str = "",
    message: str = "",
    needs: str = "",
    urgency: str = Urgency.ROUTINE,
    needs_requested=(),
    special_needs=(),
    confirm_unlisted: bool = False,
    request=None,
) -> Referral:
    """Send a referral. Without `consent`, records the person's referral consent first,
    with terms naming this recipient, these services and these fields; with `consent`,
    refuses it unless it is in force and its terms cover the referral (`consent_refusal`).

    Raises UnlistedServices unless `confirm_unlisted` when the recipient's directory
    entry does not list a requested service."""
    require(membership, Permission.EDIT_CASES)
    if case.organization_id != membership.organization_id:
        raise ValidationError(_("This case belongs to another organisation."))
    if (to_organization is None) == (to_entry is None):
        raise ValidationError(_("Choose one organisation to refer to."))
    if to_entry is not None and to_entry.organization_id:
        to_organization, to_entry = to_entry.organization, None
    if to_organization is not None and to_organization.pk == membership.organization_id:
        raise ValidationError(_("You cannot refer a case to your own organisation."))
    services = [s for s in dict.fromkeys(services or []) if s in ServiceType.values]
    if not services:
        raise ValidationError(_("Choose at least one service."))
    shared_fields = [f for f in SharedField.values if f in set(shared_fields or [])]
    if urgency not in Urgency.values:
        raise ValidationError(_("Choose the urgency."))
    needs_requested = _codes(needs_requested, dict(need_choices()))
    special_needs = _codes(special_needs, SpecialNeed.values)
    if consent is None and consent_valid_until is not None:
        if consent_valid_until < timezone.localdate():
            raise ValidationError(_("The consent cannot end before today."))
    missing = unlisted_services(
        services=services, to_organization=to_organization, to_entry=to_entry
    )
    if missing and not confirm_unlisted:
        raise UnlistedServices(missing)
    if consent is not None:
        refusal = consent_refusal(
            consent,
            case=case,
            to_organization=to_organization,
            to_entry=to_entry,
            services=services,
            shared_fields=shared_fields,
        )
        if refusal:
            raise ValidationError(refusal)
    with transaction.atomic():
        if consent is None:
            consent = record_consent(
                membership=membership,
                person=case.person,
                scope=ConsentScope.REFERRAL,
                case=case,
                valid_until=consent_valid_until,
                note=purpose,
                request=request,
            )
            ConsentTerms.objects.create(
                consent=consent,
                to_organization=to_organization,
                to_entry=to_entry,
                services=services,
                shared_fields=shared_fields,
            )
        referral = Referral.objects.create(
            case=case,
            from_organization=membership.organization,
            to_organization=to_organization,
            to_entry=to_entry,
            services=services,
            consent=consent,
            shared_fields=shared_fields,
            purpose=purpose,
            message=message,
            needs=needs,
            urgency=urgency,
            needs_requested=needs_requested,
            special_needs=special_needs,
            unlisted_services_confirmed=bool(missing),
            created_by=membership.user,
        )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            referral,
            request,
            {
                "case": case.pk,
                "consent": consent.pk,
                "services": services,
                "shared_fields": shared_fields,
                "urgency": urgency,
            },
        )
        _notify(to_organization, referral, Notification.Kind.NEW)
    return referral


def _answer(*, membership, referral, status: str, reason: str = "", request=None):
    require(membership, Permission.EDIT_CASES)
    if referral.to_organization_id != membership.organization_id:
        raise ValidationError(_("Only the receiving organisation can answer a referral."))
    now = timezone.now()
    with transaction.atomic():
        # Conditional update: of two concurrent answers only one finds the referral "sent".
        updated = Referral.objects.filter(
            pk=referral.pk,
            to_organization_id=membership.organization_id,
            status=ReferralStatus.SENT,
        ).update(
            status=status,
            decline_reason=reason,
            answered_at=now,
            updated_at=now,
            version=referral.version + 1,
        )
        if not updated:
            raise AlreadyAnswered()
        referral.refresh_from_db()
        audit.by_member(AuditEntry.Action.CHANGE, membership, referral, request, {"status": status})
        kind = (
            Notification.Kind.ACCEPTED
            if status == ReferralStatus.ACCEPTED
            else Notification.Kind.DECLINED
        )
        _notify(referral.from_organization, referral, kind)
    return referral


def accept_referral(*, membership, referral, request=None) -> Referral:
    if not referral.consent.in_force:
        raise ValidationError(_("The person's consent is no longer in force."))
    return _answer(
        membership=membership, referral=referral, status=ReferralStatus.ACCEPTED, request=request
    )


def decline_referral(*, membership, referral, reason: str, request=None) -> Referral:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for declining."))
    return _answer(
        membership=membership,
        referral=referral,
        status=ReferralStatus.DECLINED,
        reason=reason,
        request=request,
    )


# Who may move a referral from which status to which.
RECEIVER_MOVES = {
    ReferralStatus.IN_PROGRESS: (ReferralStatus.ACCEPTED,),
    ReferralStatus.COMPLETED: (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS),
}
SENDER_MOVES = {
    ReferralStatus.CANCELLED: (
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ),
}


def change_status(*, membership, referral, status: str, request=None) -> Referral:
    """Receiver: in progress, completed. Sender: cancelled."""
    require(membership, Permission.EDIT_CASES)
    org = membership.organization_id
    if status in RECEIVER_MOVES and referral.to_organization_id == org:
        allowed_from, notify_org = RECEIVER_MOVES[status], referral.from_organization
        kind = Notification.Kind.UPDATED
    elif status in SENDER_MOVES and referral.from_organization_id == org:
        allowed_from, notify_org = SENDER_MOVES[status], referral.to_organization
        kind = Notification.Kind.CANCELLED
    else:
        raise ValidationError(_("This status change is not allowed."))
    now = timezone.now()
    stamps = {"completed_at": now} if status == ReferralStatus.COMPLETED else {}
    if status == ReferralStatus.CANCELLED:
        stamps = {"cancelled_at": now}
    with transaction.atomic():
        if not Referral.objects.filter(pk=referral.pk, status__in=allowed_from).update(
            status=status, updated_at=now, version=referral.version + 1, **stamps
        ):
            raise AlreadyAnswered()
        referral.refresh_from_db()
        audit.by_member(AuditEntry.Action.CHANGE, membership, referral, request, {"status": status})
        _notify(notify_org, referral, kind)
    return referral


# What a partner outside Koldoo can answer, from which status (recorded by the sender).
PARTNER_MOVES = {
    ReferralStatus.ACCEPTED: (ReferralStatus.SENT,),
    ReferralStatus.DECLINED: (ReferralStatus.SENT,),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.SENT, ReferralStatus.ACCEPTED),
    ReferralStatus.COMPLETED: (
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
    ),
}


def _records_for_partner(membership, referral) -> bool:
    """The sender speaks for a partner outside Koldoo on its own external referrals."""
    return referral.is_external and referral.from_organization_id == membership.organization_id


def record_partner_answer(
    *, membership, referral, status: str, reason: str = "", request=None
) -> Referral:
    """The sending organisation records the answer of a partner outside Koldoo (a
    lawyer, the police, IOM, a consulate, a hospital): accepted, declined with a reason,
    in progress or completed. Counted in the statistics like a member's answer."""
    require(membership, Permission.EDIT_CASES)
    if not _records_for_partner(membership, referral):
        raise ValidationError(
            _("Only the sender records the answer of an organisation outside Koldoo.")
        )
    if status not in PARTNER_MOVES:
        raise ValidationError(_("This status change is not allowed."))
    reason = (reason or "").strip()
    if status == ReferralStatus.DECLINED and not reason:
        raise ValidationError(_("Give a reason for declining."))
    now = timezone.now()
    stamps = {"updated_at": now, "version": referral.version + 1}
    if referral.status == ReferralStatus.SENT:
        stamps["answered_at"] = now
    if status == ReferralStatus.DECLINED:
        stamps["decline_reason"] = reason
    if status == ReferralStatus.COMPLETED:
        stamps["completed_at"] = now
    with transaction.atomic():
        # Conditional update, as for members' answers: two workers recording at once
        # cannot both move the referral.
        if not Referral.objects.filter(
            pk=referral.pk, status__in=PARTNER_MOVES[status], version=referral.version
        ).update(status=status, **stamps):
            raise AlreadyAnswered()
        referral.refresh_from_db()
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            referral,
            request,
            {"status": status, "partner_outside_koldoo": True},
        )
    return referral


def record_service_delivered(
    *, membership, referral, service_type: str, delivered_on=None, note: str = "", request=None
) -> ServiceDelivered:
    """A service delivered on a referral: the receiving organisation reports it back to
    the referring case, or the sender records what a partner outside Koldoo delivered.
    Dated today or earlier; counted in the statistics either way."""
    require(membership, Permission.EDIT_CASES)
    partner = _records_for_partner(membership, referral)
    if referral.to_organization_id != membership.organization_id and not partner:
        raise ValidationError(_("Only the receiving organisation can report services."))
    if partner and referral.status in (ReferralStatus.DECLINED, ReferralStatus.CANCELLED):
        raise ValidationError(_("This referral was declined or cancelled."))
    if service_type not in ServiceType.values:
        raise ValidationError(_("Choose a service."))
    check_past_events({"delivered_on": delivered_on})  # the rule for dates of services
    with transaction.atomic():
        item = ServiceDelivered.objects.create(
            referral=referral,
            service_type=service_type,
            delivered_on=delivered_on or timezone.localdate(),
            note=note,
            recorded_by=membership.user,
        )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            item,
            request,
            {"referral": referral.pk, "partner_outside_koldoo": partner},
        )
        if not partner:
            _notify(referral.from_organization, referral, Notification.Kind.UPDATED)
    return item


def record_shared_view(*, membership, referral, request=None, fields=None) -> None:
    audit.by_member(
        AuditEntry.Action.VIEW,
        membership,
        referral,
        request,
        {"shared_fields": list(fields if fields is not None else referral.shared_fields)},
    )


def record_summary_view(*, membership, referral, request=None) -> None:
    """The receiver read the summary without identity before answering."""
    audit.by_member(AuditEntry.Action.VIEW, membership, referral, request, {"summary": True})


def mark_read(*, membership, notifications) -> int:
    return notifications.filter(
        organization_id=membership.organization_id, read_at__isnull=True
    ).update(read_at=timezone.now())


ENTRY_FIELDS = (
    "name",
    "description_en",
    "description_ru",
    "description_ky",
    "org_type",
    "city",
    "regions",
    "target_groups",
    "languages",
    "hours",
)


def _check_entry_codes(data: dict) -> None:
    """Regions, languages, target groups and type are codes of their lists."""
    lists = (
        ("regions", reference_labels("region")),
        ("languages", reference_labels("language")),
        ("target_groups", dict(TargetGroup.choices)),
    )
    for name, allowed in lists:
        bad = sorted(set(data.get(name) or []) - set(allowed))
        if bad:
            raise ValidationError({name: _("Unknown codes: %s") % ", ".join(bad)})
    if data.get("org_type") and data["org_type"] not in Organization.Type.values:
        raise ValidationError({"org_type": _("Unknown codes: %s") % data["org_type"]})


def save_directory_entry(
    *, membership, entry, data: dict, services: list[dict], version=None, request=None
) -> DirectoryEntry:
    """Create (entry None) or change the member organisation's own directory entry and
    the services it offers: `services` is the whole list ({"service_type", "capacity",
    "note"}); rows not in it are removed. Organisation admins only. Raises StaleEdit if
    someone saved the entry after `version` was read. Beds free of a member shelter are
    never typed here: the directory counts them from the shelter's stays."""
    require(membership, Permission.MANAGE_ORGANIZATION)
    if entry is not None and entry.organization_id != membership.organization_id:
        raise ValidationError(_("This directory entry belongs to another organisation."))
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": _("Give the name of the organisation.")})
    _check_entry_codes(data)
    codes = [row.get("service_type") for row in services]
    if any(code not in ServiceType.values for code in codes):
        raise ValidationError(_("Choose a service."))
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each service can be listed once."))
    with transaction.atomic():
        created = entry is None
        if created:
            # One entry per organisation: of two admins creating it at once, the second
            # is told (the organisation row serialises them).
            Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
            if DirectoryEntry.objects.filter(organization_id=membership.organization_id).exists():
                raise StaleEdit()
            entry = DirectoryEntry(organization=membership.organization, is_public=False)
        else:
            entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
            if version is not None and entry.version != version:
                raise StaleEdit()
            entry.version += 1
        changed = []
        for name in ENTRY_FIELDS:
            value = data.get(name)
            value = (
                list(value or [])
                if name in ("regions", "target_groups", "languages")
                else ((value or "").strip())
            )
            if getattr(entry, name) != value:
                changed.append(name)
            setattr(entry, name, value)
        entry.updated_at = timezone.now()
        entry.save()
        existing = {s.service_type: s for s in entry.services.all()} if not created else {}
        for row in services:
            item = existing.pop(row["service_type"], None) or DirectoryService(
                entry=entry, service_type=row["service_type"]
            )
            item.capacity = row.get("capacity")
            item.note = (row.get("note") or "").strip()
            item.save()
        removed = sorted(existing)
        DirectoryService.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
        audit.by_member(
            AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
            membership,
            entry,
            request,
            {"fields": changed, "services": codes, "services_removed": removed},
        )
    return entry
