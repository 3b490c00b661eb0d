"""Erasure of a person's identity, on request or when the retention period is over.

Identifying data lives only in encrypted columns (apps.core.fields) and in the blind
indexes derived from them. Erasing a person therefore means: every encrypted value of
the person's record, of every record that hangs from it (cases, notes, tasks,
attachments, consents, referrals, ... found by following foreign keys, the change
history included) set to a placeholder or emptied; their name and number keys
deleted, so no search finds them; attached files deleted. What is not identifying
(dates, case types, region, year of birth) stays, so past statistics do not change.
The audit trail keeps its entries: they hold record numbers, never a name, and one
more entry records the erasure by number.
"""

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from apps.core import audit
from apps.core.fields import EncryptedJSONField, EncryptedTextField
from apps.core.models import AuditEntry
from apps.operations.models import Erasure, RetentionPolicy

# Stored in place of a required name; screens show the person's code (hide_name).
PLACEHOLDER = "[erased]"


def _encrypted_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField | EncryptedJSONField)
    ]


def _blank_values(model) -> dict:
    values = {}
    for f in _encrypted_fields(model):
        if isinstance(f, EncryptedJSONField):
            values[f.attname] = f.get_default()
        elif f.null:
            values[f.attname] = None
        else:
            values[f.attname] = "" if f.blank else PLACEHOLDER
    return values


def _history_model(model):
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def _reverse_relations(model):
    """Foreign keys and one-to-ones pointing at this model (history tables' included)."""
    for rel in model._meta.related_objects:
        if rel.many_to_many or not rel.field.concrete:
            continue
        yield rel.related_model, rel.field.name


def records_under(root) -> dict[type[models.Model], set]:
    """Every record reachable from `root` by following foreign keys back to it: what
    hangs from a person or a case. {model: {primary keys}}, the root included."""
    found: dict[type[models.Model], set] = {type(root): {root.pk}}
    queue = deque([(type(root), {root.pk})])
    while queue:
        model, pks = queue.popleft()
        for related_model, fk_name in _reverse_relations(model):
            if related_model._meta.proxy or not related_model._meta.managed:
                continue
            ids = set(
                related_model._base_manager.filter(**{f"{fk_name}__in": pks}).values_list(
                    "pk", flat=True
                )
            )
            new = ids - found.get(related_model, set())
            if new:
                found.setdefault(related_model, set()).update(new)
                queue.append((related_model, new))
    return found


@dataclass
class ErasureReport:
    rows: int = 0
    files: int = 0
    tables: dict = field(default_factory=dict)


def _anonymise(found: dict, report: ErasureReport) -> None:
    from apps.cases.models import Attachment
    from apps.people.models import Person, PersonNameKey, PersonNumberKey

    for model, pks in found.items():
        targets = [(model, pks)]
        history = _history_model(model)
        if history is not None:
            # The change history of the record itself (its rows carry the record's id).
            hist_pks = set(
                history._base_manager.filter(**{f"{model._meta.pk.attname}__in": pks}).values_list(
                    "pk", flat=True
                )
            )
            targets.append((history, hist_pks - found.get(history, set())))
        for target, ids in targets:
            values = _blank_values(target)
            if values and target is model and "version" in {f.name for f in model._meta.fields}:
                # An edit form opened before the erasure must not write the identity back:
                # its version is now stale (StaleEdit).
                values["version"] = F("version") + 1
            if values and ids:
                n = target._base_manager.filter(pk__in=ids).update(**values)
                report.rows += n
                report.tables[target._meta.label_lower] = (
                    report.tables.get(target._meta.label_lower, 0) + n
                )
    if Person in found:
        ids = found[Person]
        Person._base_manager.filter(pk__in=ids).update(hide_name=True, external_id_key=None)
        # The keyed hashes of names and numbers would still find the person.
        PersonNameKey.objects.filter(person_id__in=ids).delete()
        PersonNumberKey.objects.filter(person_id__in=ids).delete()
    if Attachment in found:
        root = Path(settings.MEDIA_ROOT)
        for name in Attachment._base_manager.filter(pk__in=found[Attachment]).values_list(
            "storage_name", flat=True
        ):
            path = root / name
            if path.exists():
                path.unlink()
                report.files += 1


def erase_person(person, *, reason: str = Erasure.Reason.REQUEST, user=None) -> ErasureReport:
    """Anonymise the person and everything that hangs from them; audited by number."""
    report = ErasureReport()
    with transaction.atomic():
        _anonymise(records_under(person), report)
        Erasure.objects.update_or_create(
            kind=Erasure.Kind.PERSON,
            record_id=person.pk,
            defaults={
                "organization_id": person.organization_id,
                "reason": reason,
                "rows": report.rows,
            },
        )
        audit.record(
            AuditEntry.Action.DELETE,
            user=user,
            organization=person.organization,
            target_type="person",
            target_id=person.pk,
            detail={"erased": reason, "rows": report.rows, "files": report.files},
        )
    return report


def erase_case(case, *, reason: str = Erasure.Reason.RETENTION) -> ErasureReport:
    """Anonymise one case and what hangs from it (its person stays)."""
    report = ErasureReport()
    with transaction.atomic():
        _anonymise(records_under(case), report)
        Erasure.objects.update_or_create(
            kind=Erasure.Kind.CASE,
            record_id=case.pk,
            defaults={
                "organization_id": case.organization_id,
                "reason": reason,
                "rows": report.rows,
            },
        )
        audit.record(
            AuditEntry.Action.DELETE,
            organization=case.organization,
            target_type="case",
            target_id=case.pk,
            detail={"erased": reason, "rows": report.rows, "files": report.files},
        )
    return report


@dataclass
class RetentionPlan:
    organization: object
    years: int
    cutoff: date
    people: list = field(default_factory=list)
    cases: list = field(default_factory=list)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_plans(*, today: date | None = None, organizations=None) -> list[RetentionPlan]:
    """What the policies ask for today, per organisation: people whose every case
    closed before the cutoff, and old closed cases of people with a newer case."""
    from apps.cases.models import Case, CaseStatus
    from apps.people.models import Person

    today = today or timezone.localdate()
    policies = RetentionPolicy.objects.select_related("organization").order_by("organization__slug")
    if organizations is not None:
        policies = policies.filter(organization__in=organizations)
    done_people = Erasure.objects.filter(kind=Erasure.Kind.PERSON).values("record_id")
    done_cases = Erasure.objects.filter(kind=Erasure.Kind.CASE).values("record_id")
    plans = []
    for policy in policies:
        org = policy.organization
        cutoff = _years_before(today, policy.closed_case_years)
        old = Case.objects.filter(
            organization=org, status=CaseStatus.CLOSED, closed_on__lt=cutoff
        ).exclude(pk__in=done_cases)
        recent_or_open = Case.objects.filter(organization=org).exclude(
            status=CaseStatus.CLOSED, closed_on__lt=cutoff
        )
        people = (
            Person.objects.filter(organization=org, cases__in=old)
            .exclude(cases__in=recent_or_open)
            .exclude(pk__in=done_people)
            .distinct()
            .order_by("pk")
        )
        plan = RetentionPlan(org, policy.closed_case_years, cutoff, people=list(people))
        erased_people = {p.pk for p in plan.people}
        plan.cases = list(
            old.exclude(person_id__in=erased_people)
            .exclude(person_id__in=done_people)
            .order_by("pk")
        )
        plans.append(plan)
    return plans


def apply_plan(plan: RetentionPlan) -> ErasureReport:
    total = ErasureReport()
    for person in plan.people:
        r = erase_person(person, reason=Erasure.Reason.RETENTION)
        total.rows += r.rows
        total.files += r.files
    for case in plan.cases:
        r = erase_case(case, reason=Erasure.Reason.RETENTION)
        total.rows += r.rows
        total.files += r.files
    return total
