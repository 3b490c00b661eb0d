"""Scoped reads of cases, notes, tasks, attachments and consents."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.cases.models import Case, CaseStatus, Consent, Task


def cases_visible_to(membership):
    """Cases of the member's organisation, for roles that work with clients."""
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return Case.objects.none()
    return Case.objects.filter(organization_id=membership.organization_id)


def case_for(membership, case_id) -> Case:
    """One visible case with its person, or 404."""
    try:
        return (
            cases_visible_to(membership)
            .select_related("person", "assigned_to")
            .get(pk=int(case_id))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404


def cases_of_person(membership, person):
    return cases_visible_to(membership).filter(person=person).order_by("-opened_on", "-id")


def notes_of_case(membership, case):
    """Case notes, only for roles allowed to read them."""
    if not membership.can(Permission.VIEW_CASE_NOTES):
        return case.notes.none()
    return case.notes.select_related("author")


def my_open_cases(membership, *, limit: int = 20):
    """Cases assigned to the member that are not closed, most recent first."""
    return (
        cases_visible_to(membership)
        .filter(assigned_to=getattr(membership, "user", None))
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person")
        .order_by("-opened_on", "-id")[:limit]
    )


# Open tasks: soonest due first, those without a date last (the same on PostgreSQL,
# which sorts NULL last, and SQLite, which sorts it first).
OPEN_TASK_ORDER = (F("due_on").asc(nulls_last=True), "id")


def tasks_visible_to(membership):
    """Tasks on the cases the member may see."""
    if membership is None or not membership.can(Permission.VIEW_CASES):
        return Task.objects.none()
    return Task.objects.filter(case__organization_id=membership.organization_id)


def my_tasks(membership):
    """All open tasks assigned to the member, soonest due first: the "My tasks" page
    pages through them."""
    return (
        tasks_visible_to(membership)
        .open()
        .filter(assigned_to=getattr(membership, "user", None))
        .select_related("case")
        .order_by(*OPEN_TASK_ORDER)
    )


def my_open_tasks(membership, *, limit: int = 50):
    """The first open tasks assigned to the member, soonest due first (the dashboard)."""
    return my_tasks(membership)[:limit]


def tasks_of_case(membership, case):
    """The case's tasks: open ones first (soonest due first), then done ones, the most
    recently done first."""
    return (
        tasks_visible_to(membership)
        .filter(case=case)
        .select_related("assigned_to")
        .order_by(F("done_at").desc(nulls_first=True), *OPEN_TASK_ORDER)
    )


def task_for(membership, case, task_id) -> Task:
    """One task of a visible case, or 404."""
    try:
        return tasks_visible_to(membership).get(case=case, pk=int(task_id))
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404


def consents_of_person(membership, person):
    if membership is None or not membership.can(Permission.VIEW_PEOPLE):
        return Consent.objects.none()
    return Consent.objects.filter(
        person=person, person__organization_id=membership.organization_id
    ).select_related("recorded_by")


# Columns the case list page does not show. Each person's encrypted fields would
# otherwise be decrypted for every row and each JSON list parsed: a fifth of the time
# to build a page's rows in the benchmark, more for records with more encrypted
# fields filled in (bench/RESULTS.md).
# What the case list shows: plain values, no model instances (bench/RESULTS.md).
LIST_COLUMNS = (
    "pk",
    "case_type",
    "status",
    "opened_on",
    "person_id",
    "person__family_name",
    "person__given_name",
    "person__patronymic",
    "person__hide_name",
    "assigned_to__email",
    "assigned_to__full_name",
)


def case_list(membership, *, status: str = "", case_type: str = "", assigned: str = ""):
    """Rows (dicts of LIST_COLUMNS) of the organisation's case list, newest first,
    with the filters of the case list page. Names arrive decrypted."""
    qs = cases_visible_to(membership)
    if status:
        qs = qs.filter(status=status)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if assigned == "me":
        qs = qs.filter(assigned_to=membership.user)
    return qs.order_by("-opened_on", "-id").values(*LIST_COLUMNS)


# --- the summary a case page opens with ---------------------------------------------


@dataclass
class VictimStatus:
    """What a recorded decision or a screening says about the person: `kind` is
    "identified" (the competent authority's decision recorded on the case) or a
    screening result ("presumed", "possible", "no_indication")."""

    kind: str
    label: str
    on: date
    screening: object = None


@dataclass
class CaseSummary:
    age_band: str
    sex: str
    victim_status: VictimStatus | None
    next_task: Task | None
    open_referrals: list = field(default_factory=list)
    overdue_tasks: int = 0
    child: bool = False
    child_when_exploited: bool = False
    hidden_name: bool = False
    withdrawn_consents: list = field(default_factory=list)

    @property
    def has_flags(self) -> bool:
        return bool(
            self.child
            or self.child_when_exploited
            or self.hidden_name
            or self.withdrawn_consents
            or self.overdue_tasks
        )


def latest_screening_of_case(membership, case):
    """The newest screening that speaks for this case: screenings made for it, or for
    its person without naming a case. None for roles that do not see screenings."""
    from apps.screening.selectors import screenings_visible_to

    return (
        screenings_visible_to(membership)
        .filter(Q(case=case) | Q(person_id=case.person_id, case__isnull=True))
        .order_by("-screened_on", "-id")
        .first()
    )


def victim_status(membership, case) -> VictimStatus | None:
    """Identified when the case records the authority's decision, otherwise what the
    latest screening found; None when neither exists. The case type alone never makes
    anyone a presumed victim."""
    from apps.screening.models import Result

    if case.identified_on:
        return VictimStatus("identified", _("identified victim"), case.identified_on)
    screening = latest_screening_of_case(membership, case)
    if screening is None:
        return None
    label = dict(Result.choices).get(screening.result, screening.result)
    return VictimStatus(screening.result, label, screening.screened_on, screening)


def _age_rule_input(person) -> str:
    return person.birth_date or (str(person.birth_year) if person.birth_year else "")


def case_summary(membership, case, *, today=None) -> CaseSummary:
    """What the top of a case page shows: no name (the name stays where the hide-name
    rule governs it), the person's age band and sex, where the case stands, and the
    flags a worker must not miss. Everything is read within the member's scope."""
    from apps.referrals.selectors import age_band, open_statuses, referrals_sent
    from apps.screening.models import Answer
    from apps.statistics.age import CHILD, age_group

    today = today or timezone.localdate()
    person = case.person
    status = victim_status(membership, case)
    tasks = tasks_visible_to(membership).filter(case=case)
    born = _age_rule_input(person)
    child = bool(born) and age_group(born, today) == CHILD
    screened_child = (
        status is not None
        and status.screening is not None
        and status.screening.under_18_at_exploitation == Answer.YES
    )
    began = case.exploitation_began_on
    child_when_exploited = not child and (
        screened_child or (bool(born and began) and age_group(born, began) == CHILD)
    )
    withdrawn = [
        c.get_scope_display()
        for c in consents_of_person(membership, person).filter(withdrawn_on__isnull=False)
    ]
    return CaseSummary(
        age_band=age_band(person, today),
        sex=person.get_sex_display(),
        victim_status=status,
        next_task=tasks.open().select_related("assigned_to").order_by(*OPEN_TASK_ORDER).first(),
        open_referrals=list(
            referrals_sent(membership)
            .filter(case=case, status__in=open_statuses())
            .order_by("-sent_at", "-id")
        ),
        overdue_tasks=tasks.overdue(today).count(),
        child=child,
        child_when_exploited=child_when_exploited,
        hidden_name=person.hide_name,
        withdrawn_consents=sorted(set(map(str, withdrawn))),
    )
