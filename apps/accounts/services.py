"""Writes to organisations, users and memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import Role
from apps.core import audit
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
               full_name: str = "", by: Membership | None = None) -> Membership:  # fmt: skip
    """Create the user if new (password required then) and give them a role in the organisation."""
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
            user = User(email=email, full_name=full_name)
            user.full_clean(exclude=["password"])
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, user)
            user.set_password(password)
            user.save()
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
                user=by.user if by else None,
                organization=organization,
                target=membership,
                detail={"user": user.pk, "role": role},
            )
    return membership


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
