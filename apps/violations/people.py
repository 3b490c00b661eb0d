"""How a monitor, who may not see the organisation's people register, records the people
of a violation through apps.people (encrypted identities, blind-index keys, audit).

The people services check the member's role for EDIT_PEOPLE/VIEW_PEOPLE. A monitor acts
here on behalf of a violation record: `on_behalf_of_record` lends those two permissions
for one call only, after DOCUMENT_VIOLATIONS was checked. The people created stay in the
monitor's organisation; monitors reach them only through the violation and visit
selectors (docs/decisions/0021)."""

from apps.accounts.roles import Permission

_LENT = frozenset({Permission.EDIT_PEOPLE, Permission.VIEW_PEOPLE})


class on_behalf_of_record:  # noqa: N801 (reads as a phrase at the call site)
    """A membership that also may create and look up people, for one call of
    apps.people.services/selectors made by a violation or visit service."""

    def __init__(self, membership):
        if not membership.can(Permission.DOCUMENT_VIOLATIONS):
            raise ValueError("only for members who document violations")
        self._membership = membership
        self.user = membership.user
        self.organization = membership.organization
        self.organization_id = membership.organization_id
        self.role = membership.role
        self.is_active = membership.is_active

    def can(self, permission: str) -> bool:
        return permission in _LENT or self._membership.can(permission)
