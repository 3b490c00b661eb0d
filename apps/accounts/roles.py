"""What each role may do. The only place where roles are mapped to permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Hotline operator")
    CASE_WORKER = "case_worker", _("Case worker")
    LAWYER = "lawyer", _("Lawyer")
    MONITOR = "monitor", _("Monitor")
    ME_OFFICER = "me_officer", _("M&E officer")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    AUDITOR = "auditor", _("Auditor")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")


class Permission:
    VIEW_PEOPLE = "view_people"
    EDIT_PEOPLE = "edit_people"
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    VIEW_CASE_NOTES = "view_case_notes"
    IMPORT_REGISTER = "import_register"
    VIEW_AUDIT = "view_audit"
    MANAGE_ORGANIZATION = "manage_organization"
    VIEW_STATISTICS = "view_statistics"
    HANDLE_CALLS = "handle_calls"
    EDIT_KNOWLEDGE = "edit_knowledge"
    EDIT_AGENCIES = "edit_agencies"
    # Legal aid: consultations, proceedings, hearings, deadlines (apps.legal).
    LEGAL_WORK = "legal_work"
    # Violations, closed institutions and visits (apps.violations, apps.institutions).
    DOCUMENT_VIOLATIONS = "document_violations"
    # Relatives' appeals about people missing abroad (apps.missing).
    HANDLE_MISSING_APPEALS = "handle_missing_appeals"
    # Prevention events, campaigns, attendance (apps.prevention).
    RECORD_PREVENTION = "record_prevention"
    # Donors, grants, indicators, results, donor reports (apps.grants).
    MANAGE_GRANTS = "manage_grants"
    # Batch duplicate finder, review queue, merge and undo (apps.linkage).
    MERGE_PEOPLE = "merge_people"


_PERSON_LEVEL = {
    Permission.VIEW_PEOPLE,
    Permission.EDIT_PEOPLE,
    Permission.VIEW_CASES,
    Permission.EDIT_CASES,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Operators register callers and open cases but do not read case notes.
    Role.OPERATOR: frozenset(
        _PERSON_LEVEL
        | {
            Permission.HANDLE_CALLS,
            Permission.EDIT_KNOWLEDGE,
            Permission.EDIT_AGENCIES,
            Permission.HANDLE_MISSING_APPEALS,
        }
    ),
    Role.CASE_WORKER: frozenset(
        _PERSON_LEVEL
        | {
            Permission.VIEW_CASE_NOTES,
            Permission.HANDLE_CALLS,
            Permission.HANDLE_MISSING_APPEALS,
        }
    ),
    Role.LAWYER: frozenset(_PERSON_LEVEL | {Permission.VIEW_CASE_NOTES, Permission.LEGAL_WORK}),
    Role.ORG_ADMIN: frozenset(
        _PERSON_LEVEL
        | {
            Permission.VIEW_CASE_NOTES,
            Permission.IMPORT_REGISTER,
            Permission.MANAGE_ORGANIZATION,
            Permission.VIEW_STATISTICS,
            Permission.HANDLE_CALLS,
            Permission.EDIT_KNOWLEDGE,
            Permission.EDIT_AGENCIES,
            Permission.LEGAL_WORK,
            Permission.DOCUMENT_VIOLATIONS,
            Permission.HANDLE_MISSING_APPEALS,
            Permission.RECORD_PREVENTION,
            Permission.MANAGE_GRANTS,
            Permission.MERGE_PEOPLE,
        }
    ),
    # Monitors document violations, visit closed institutions, keep the agency register
    # and take relatives' appeals. They see the people of their own records only (through
    # those records' selectors), never the organisation's clients and cases.
    Role.MONITOR: frozenset(
        {
            Permission.EDIT_AGENCIES,
            Permission.DOCUMENT_VIOLATIONS,
            Permission.HANDLE_MISSING_APPEALS,
        }
    ),
    Role.ME_OFFICER: frozenset(
        {Permission.VIEW_STATISTICS, Permission.RECORD_PREVENTION, Permission.MANAGE_GRANTS}
    ),
    # Auditors see who looked at what, never the records themselves.
    Role.AUDITOR: frozenset({Permission.VIEW_AUDIT}),
    # Aggregates only, never a person.
    Role.NATIONAL_COORDINATOR: frozenset({Permission.VIEW_STATISTICS}),
}


def role_allows(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


# Who may be given case work (a case, a task, a service to deliver, a check-in): the
# roles that both change cases and read their notes. An operator opens cases from calls
# but does not read the notes, so a case handed to them could not be worked on.
CASE_WORK_ROLES: tuple[str, ...] = tuple(
    role
    for role in Role.values
    if role_allows(role, Permission.EDIT_CASES) and role_allows(role, Permission.VIEW_CASE_NOTES)
)
