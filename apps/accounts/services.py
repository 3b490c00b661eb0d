"""Writes to organisations, users and memberships."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.mail import language_of
from apps.accounts.models import Invitation, Membership, Organization, User
from apps.accounts.roles import Permission, Role
from apps.core import audit
from apps.core.dates import local_datetime
from apps.core.selectors import reference_codes


def create_organization(*, slug: str, name: str, type: str, region: str = "", languages=None):
    """Register an organisation; slug, type and region are checked."""
    if type not in Organization.Type.values:
        raise ValidationError(
            _("Unknown organisation type %(t)s; use one of: %(all)s")
            % {"t": type, "all": ", ".join(Organization.Type.values)}
        )
    if region and region not in reference_codes("region"):
        raise ValidationError(
            _("Unknown region %(r)s; use one of: %(all)s")
            % {"r": region, "all": ", ".join(sorted(reference_codes("region")))}
        )
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError(_("An organisation with the short name %(s)s exists.") % {"s": slug})
    org = Organization(slug=slug, name=name, type=type, region=region, languages=languages or [])
    org.full_clean()
    with transaction.atomic():
        org.save()
        audit.record(audit.AuditEntry.Action.CREATE, organization=org, target=org)
    return org


def add_member(*, email: str, organization: Organization, role: str, password: str | None = None,
               full_name: str = "") -> Membership:  # fmt: skip
    """The system operator's way in (create_user, seed_demo): create the user if new
    (password required then) and give them a role in the organisation.

    Never called for an organisation admin: they invite (invite_member), so that no
    existing account is attached without its owner's acceptance. The operator vouches
    for the address, so it counts as verified.
    """
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(r)s; use one of: %(all)s")
            % {"r": role, "all": ", ".join(Role.values)}
        )
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is None:
            if not password:
                raise ValidationError(_("A new user needs a password."))
            user = _new_user(email=email, full_name=full_name, password=password)
        _mark_address_verified(user, email)
        membership = _give_role(user, organization, role)
    return membership


def _new_user(*, email: str, full_name: str, password: str) -> User:
    user = User(email=email, full_name=full_name)
    user.full_clean(exclude=["password", "current_membership"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def _mark_address_verified(user: User, email: str) -> None:
    """Make `email` the user's verified sign-in address. Unverified claims of other
    accounts on the same address end here: only its owner proved it."""
    EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    EmailAddress.objects.filter(user=user, primary=True).exclude(
        pk=getattr(address, "pk", None)
    ).update(primary=False)
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _give_role(user: User, organization: Organization, role: str, *, by=None,
               request=None) -> Membership:  # fmt: skip
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        created = True
    if created:
        audit.record(
            audit.AuditEntry.Action.CREATE,
            user=by,
            organization=organization,
            target=membership,
            detail={"user": user.pk, "role": role},
            request=request,
        )
    return membership


# Invitations: how an organisation admin adds a member.


def invitable_roles() -> list[tuple[str, str]]:
    """Roles an organisation admin may offer: every role but the national coordinator,
    which only the system operator grants (grant_coordinator, Django admin)."""
    return [(v, label) for v, label in Role.choices if v != Role.NATIONAL_COORDINATOR]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(*, membership: Membership, email: str, role: str, full_name: str = "",
                  request=None) -> Invitation:  # fmt: skip
    """Offer a role in the admin's organisation to an e-mail address and mail the link.

    Behaves the same whether or not the address has an account (nothing tells the
    admin); an earlier pending invitation of the same address and role is replaced.
    """
    if not membership.can(Permission.MANAGE_ORGANIZATION):
        raise PermissionDenied
    if role not in dict(invitable_roles()):
        raise ValidationError(_("This role cannot be given by an organisation admin."))
    email = email.strip().lower()
    validate_email(email)
    org = membership.organization
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for old in Invitation.objects.filter(
            organization=org, email=email, role=role, accepted_at=None, revoked_at=None
        ):
            _close_invitation(old, "revoked", by=membership.user, request=request)
        invitation = Invitation.objects.create(
            organization=org,
            email=email,
            full_name=full_name.strip(),
            role=role,
            invited_by=membership.user,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.KOLDOO_INVITATION_DAYS),
        )
        audit.record(
            audit.AuditEntry.Action.CREATE,
            user=membership.user,
            organization=org,
            target=invitation,
            detail={"role": role},
            request=request,
        )
        # Sent inside the transaction: if the mail cannot go, no invitation is left dangling.
        _send_invitation(invitation, token, request)
    return invitation


def _invitation_language(invitation: Invitation) -> str:
    """An address that already has an account reads its owner's language; a new address
    reads the inviting admin's (the best guess of what the person reads)."""
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is None:
        verified = EmailAddress.objects.filter(email__iexact=invitation.email, verified=True)
        account = getattr(verified.select_related("user").first(), "user", None)
    if account is not None and account.language:
        return language_of(account)
    inviter = invitation.invited_by
    if inviter is not None and inviter.language:
        return language_of(inviter)
    # An admin who never chose a language works in the one their browser asked for.
    return translation.get_language() or settings.LANGUAGE_CODE


def _send_invitation(invitation: Invitation, token: str, request) -> None:
    path = reverse("invitation_accept", args=[token])
    link = request.build_absolute_uri(path) if request is not None else path
    with translation.override(_invitation_language(invitation)):
        context = {
            "organization": invitation.organization.name,
            "role": invitation.get_role_display(),
            "link": link,
            "expires_at": local_datetime(invitation.expires_at),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


def _close_invitation(invitation: Invitation, outcome: str, *, by: User, request=None, **detail):
    """Record that `by` has just "revoked" or "accepted" the invitation (its
    `<outcome>_at` and `<outcome>_by`) and audit it; the link stops working."""
    setattr(invitation, f"{outcome}_at", timezone.now())
    setattr(invitation, f"{outcome}_by", by)
    invitation.save(update_fields=[f"{outcome}_at", f"{outcome}_by"])
    audit.record(
        audit.AuditEntry.Action.CHANGE,
        user=by,
        organization=invitation.organization,
        target=invitation,
        detail={outcome: True, **detail},
        request=request,
    )


def _locked_while_pending(invitation: Invitation, message: str) -> Invitation:
    """The invitation read again and locked until the transaction ends, so that a
    revoke and an accept (or two accepts) cannot both go through; ValidationError
    with `message` when it is no longer pending (accepted, revoked or expired)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(message)
    return invitation


def revoke_invitation(*, membership: Membership, invitation: Invitation, request=None) -> None:
    """Cancel a pending invitation of the admin's organisation; its link stops working."""
    if (
        not membership.can(Permission.MANAGE_ORGANIZATION)
        or invitation.organization_id != membership.organization_id
    ):
        raise PermissionDenied
    with transaction.atomic():
        invitation = _locked_while_pending(invitation, _("This invitation is no longer pending."))
        _close_invitation(invitation, "revoked", by=membership.user, request=request)


def has_verified_address(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def address_has_account(email: str) -> bool:
    """Whether an account signs in with this address (its own, or verified by it)."""
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


def accept_invitation(*, user: User, invitation: Invitation, request=None) -> Membership:
    """The invited person takes the role. Only an account whose *verified* address is the
    invited one may accept; the link then stops working. The new organisation becomes the
    one the user acts in (they just chose it)."""
    with transaction.atomic():
        invitation = _locked_while_pending(
            invitation, _("This invitation link is no longer valid.")
        )
        if not has_verified_address(user, invitation.email):
            raise PermissionDenied
        membership = _give_role(
            user, invitation.organization, invitation.role, by=user, request=request
        )
        _close_invitation(
            invitation, "accepted", by=user, request=request, membership=membership.pk
        )
        user.current_membership = membership
        user.save(update_fields=["current_membership"])
    return membership


def create_account_from_invitation(*, invitation: Invitation, password: str, full_name: str = "",
                                   request=None) -> User:  # fmt: skip
    """A new address gets an account by following its invitation link and setting a
    password; following the link proves the address, so it is verified."""
    with transaction.atomic():
        invitation = _locked_while_pending(
            invitation, _("This invitation link is no longer valid.")
        )
        if address_has_account(invitation.email):
            raise ValidationError(_("An account with this address exists: sign in to accept."))
        user = _new_user(
            email=invitation.email,
            full_name=full_name.strip() or invitation.full_name,
            password=password,
        )
        _mark_address_verified(user, invitation.email)
        audit.record(
            audit.AuditEntry.Action.CREATE,
            user=user,
            organization=invitation.organization,
            target=user,
            detail={"invitation": invitation.pk},
            request=request,
        )
        accept_invitation(user=user, invitation=invitation, request=request)
    return user


def choose_membership(*, user: User, membership_id) -> Membership | None:
    """Make one of the user's own active memberships the one they act under (kept
    across sign-ins); None if it is not theirs."""
    from apps.accounts.selectors import memberships_of

    try:
        chosen = memberships_of(user).filter(pk=int(membership_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if chosen is not None and user.current_membership_id != chosen.pk:
        user.current_membership = chosen
        user.save(update_fields=["current_membership"])
    return chosen


# The national coordinator sees aggregates of every organisation that shares them:
# only the system operator grants it (management command or Django admin).


def grant_coordinator(*, email: str, organization: Organization) -> Membership:
    """Give an existing account the national coordinator role (system operator only)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(_("No active account with this address."))
    with transaction.atomic():
        return _give_role(user, organization, Role.NATIONAL_COORDINATOR)


def revoke_coordinator(*, email: str, organization: Organization) -> bool:
    """End the national coordinator role of an account; False if it had none."""
    m = Membership.objects.filter(
        user__email__iexact=email.strip(),
        organization=organization,
        role=Role.NATIONAL_COORDINATOR,
        is_active=True,
    ).first()
    if m is None:
        return False
    with transaction.atomic():
        m.is_active = False
        m.save(update_fields=["is_active"])
        audit.record(
            audit.AuditEntry.Action.CHANGE,
            organization=organization,
            target=m,
            detail={"active": False},
        )
    return True


def set_mfa_requirement(*, membership: Membership, required: bool, request=None) -> None:
    """Require (or stop requiring) a second factor from every member of the organisation."""
    org = membership.organization
    org.require_mfa = required
    org.save(update_fields=["require_mfa"])
    audit.record(
        audit.AuditEntry.Action.CHANGE,
        user=membership.user,
        organization=org,
        target=org,
        detail={"require_mfa": required},
        request=request,
    )


def set_aggregate_sharing(*, membership: Membership, shares: bool, request=None) -> None:
    """Whether the organisation's aggregates count in the national coordinator's report."""
    org = membership.organization
    if org.shares_aggregates == shares:
        return
    org.shares_aggregates = shares
    org.save(update_fields=["shares_aggregates"])
    audit.record(
        audit.AuditEntry.Action.CHANGE,
        user=membership.user,
        organization=org,
        target=org,
        detail={"shares_aggregates": shares},
        request=request,
    )


def deactivate_membership(*, membership: Membership, target: Membership, request=None) -> None:
    """End someone's role in the organisation; an admin cannot remove their own admin role."""
    if target.pk == membership.pk:
        raise ValidationError(_("You cannot end your own admin membership."))
    target.is_active = False
    target.save(update_fields=["is_active"])
    audit.record(
        audit.AuditEntry.Action.CHANGE,
        user=membership.user,
        organization=membership.organization,
        target=target,
        detail={"active": False},
        request=request,
    )
