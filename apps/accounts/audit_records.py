"""How the audit trail names accounts, memberships and invitations."""

from apps.accounts.models import Invitation, Membership, Organization, User
from apps.core.audit_display import register_record_kind

register_record_kind("organization", model=Organization)
register_record_kind("user", model=User, detail_keys=("user", "taken_over_from"))
register_record_kind("membership", model=Membership, detail_keys=("membership",))
register_record_kind("invitation", model=Invitation)
