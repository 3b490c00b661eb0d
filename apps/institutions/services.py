"""Every write to the institution register, visits, checklists and recommendations:
validate, write in one transaction, audit. People interviewed are created with
apps.people.services (encrypted names) on behalf of the visit record."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.date_rules import due_date_problem, past_event_problem
from apps.core.models import AuditEntry, ReferenceValue
from apps.core.selectors import reference_codes
from apps.institutions.models import (
    Access,
    AnswerType,
    ChecklistAnswer,
    ChecklistQuestion,
    Institution,
    InstitutionKind,
    Interview,
    IntervieweeCategory,
    Observation,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    RecommendationUpdate,
    Topic,
    Visit,
    VisitKind,
)
from apps.people import services as people_services
from apps.people.services import StaleEdit, require

# No place of detention in the country holds more; larger numbers are typing errors.
MAX_PEOPLE_IN_PLACE = 50_000


def _own(membership, organization_id) -> None:
    if organization_id != membership.organization_id:
        raise ValidationError(_("This record belongs to another organisation."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# Register -----------------------------------------------------------------------------

INSTITUTION_FIELDS = (
    "name",
    "kind",
    "authority",
    "region",
    "address",
    "capacity",
    "population",
    "population_on",
)


def _check_institution(data: dict) -> dict:
    errors: dict = {}
    values = {k: data.get(k) for k in INSTITUTION_FIELDS}
    for k in ("name", "authority", "region", "address"):
        values[k] = (values[k] or "").strip()
    if not values["name"]:
        errors["name"] = _("Give the institution's name.")
    if values["kind"] not in InstitutionKind.values:
        errors["kind"] = _("Choose the type of institution.")
    if values["region"] and values["region"] not in reference_codes(ReferenceValue.Kind.REGION):
        errors["region"] = _("Choose a region from the list.")
    for k in ("capacity", "population"):
        n = values[k]
        if n is not None and not (0 <= n <= MAX_PEOPLE_IN_PLACE):
            errors[k] = _("Give a number between 0 and %(max)s.") % {"max": MAX_PEOPLE_IN_PLACE}
    problem = past_event_problem(values["population_on"])
    if problem:
        errors["population_on"] = problem
    _raise(errors)
    return values


def add_institution(*, membership, data: dict, request=None) -> Institution:
    """Add a place of deprivation of liberty or care to the organisation's register."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    values = _check_institution(data)
    try:
        with transaction.atomic():
            institution = Institution.objects.create(organization=membership.organization, **values)
            audit.by_member(AuditEntry.Action.CREATE, membership, institution, request)
    except IntegrityError:
        raise ValidationError({"name": _("Your register already has an institution of this name.")})
    return institution


def change_institution(
    *, membership, institution: Institution, data: dict, version: int | None, request=None
) -> Institution:
    """Change a register entry. Raises StaleEdit if someone saved it after `version`."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, institution.organization_id)
    values = _check_institution(data)
    try:
        with transaction.atomic():
            current = Institution.objects.select_for_update().filter(pk=institution.pk).first()
            if current is None or (version is not None and current.version != version):
                raise StaleEdit()
            changed = [k for k, v in values.items() if getattr(current, k) != v]
            for k, v in values.items():
                setattr(current, k, v)
            current.version += 1
            current.save()
            audit.by_member(
                AuditEntry.Action.CHANGE, membership, current, request, {"fields": changed}
            )
    except IntegrityError:
        raise ValidationError({"name": _("Your register already has an institution of this name.")})
    return current


# Visits -------------------------------------------------------------------------------


def record_visit(*, membership, institution: Institution, data: dict, request=None) -> Visit:
    """Record a visit. When access was partly or wholly denied, who denied it and why
    must be said: that is what the report to the authorities rests on."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, institution.organization_id)
    errors: dict = {}
    if data.get("kind") not in VisitKind.values:
        errors["kind"] = _("Choose the type of visit.")
    if data.get("access") not in Access.values:
        errors["access"] = _("Say whether access was granted.")
    visited_on = data.get("visited_on")
    if visited_on is None:
        errors["visited_on"] = _("Give the date of the visit.")
    problem = past_event_problem(visited_on)
    if problem:
        errors["visited_on"] = problem
    denied_by = (data.get("denied_by") or "").strip()
    reason = (data.get("denial_reason") or "").strip()
    if data.get("access") in (Access.PARTIAL, Access.DENIED):
        if not denied_by:
            errors["denied_by"] = _("Say who denied access.")
        if not reason:
            errors["denial_reason"] = _("Give the reason given for the denial.")
    _raise(errors)
    with transaction.atomic():
        visit = Visit.objects.create(
            institution=institution,
            kind=data["kind"],
            announced=bool(data.get("announced")),
            visited_on=visited_on,
            team=(data.get("team") or "").strip(),
            access=data["access"],
            denied_by=denied_by if data["access"] != Access.GRANTED else "",
            denial_reason=reason if data["access"] != Access.GRANTED else "",
            summary=data.get("summary") or "",
            created_by=membership.user,
        )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            visit,
            request,
            {"institution": institution.pk, "access": visit.access},
        )
    return visit


def add_observation(*, membership, visit: Visit, topic: str, text: str, request=None):
    """Note what the team observed on one topic."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, visit.institution.organization_id)
    errors: dict = {}
    if topic not in Topic.values:
        errors["topic"] = _("Choose a topic.")
    if not (text or "").strip():
        errors["text"] = _("Write the observation.")
    _raise(errors)
    with transaction.atomic():
        observation = Observation.objects.create(visit=visit, topic=topic, text=text.strip())
        audit.by_member(
            AuditEntry.Action.CREATE, membership, observation, request, {"visit": visit.pk}
        )
    return observation


def add_interview(*, membership, visit: Visit, data: dict, request=None) -> Interview:
    """Record a person interviewed (a new person record, encrypted) and their consent."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, visit.institution.organization_id)
    errors: dict = {}
    given = (data.get("given_name") or "").strip()
    if not given:
        errors["given_name"] = _("Give the person's given name.")
    if data.get("category") not in IntervieweeCategory.values:
        errors["category"] = _("Choose who the person is.")
    _raise(errors)
    with transaction.atomic():
        person = people_services.record_person_for_record(
            membership=membership,
            permission=Permission.DOCUMENT_VIOLATIONS,
            data={"given_name": given, "family_name": (data.get("family_name") or "").strip()},
            request=request,
        )
        interview = Interview.objects.create(
            visit=visit,
            person=person,
            category=data["category"],
            consent=bool(data.get("consent")),
            notes=data.get("notes") or "",
        )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            interview,
            request,
            {"visit": visit.pk, "consent": interview.consent},
        )
    return interview


# Checklists ---------------------------------------------------------------------------


def add_checklist_question(*, membership, data: dict, request=None) -> ChecklistQuestion:
    """Add a question to the organisation's checklist (for one visit type or all)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    errors: dict = {}
    text = (data.get("text") or "").strip()
    if not text:
        errors["text"] = _("Write the question.")
    if data.get("answer_type") not in AnswerType.values:
        errors["answer_type"] = _("Choose the type of answer.")
    kind = data.get("visit_kind") or ""
    if kind and kind not in VisitKind.values:
        errors["visit_kind"] = _("Choose the type of visit.")
    choices = [c.strip() for c in data.get("choices") or [] if c and c.strip()]
    if data.get("answer_type") == AnswerType.CHOICE and len(choices) < 2:
        errors["choices"] = _("A choice question needs at least two choices.")
    _raise(errors)
    with transaction.atomic():
        question = ChecklistQuestion.objects.create(
            organization=membership.organization,
            visit_kind=kind,
            text=text,
            answer_type=data["answer_type"],
            choices=choices if data["answer_type"] == AnswerType.CHOICE else [],
            sort_order=data.get("sort_order") or 100,
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, question, request)
    return question


def _answer_problem(question: ChecklistQuestion, value: str) -> str | None:
    if value == "":
        return None
    if question.answer_type == AnswerType.YES_NO and value not in ("yes", "no"):
        return _("Answer yes or no.")
    if question.answer_type == AnswerType.NUMBER:
        try:
            n = float(value)
        except ValueError:
            return _("Give a number.")
        if n < 0 or n > 1_000_000:
            return _("Give a number between 0 and 1,000,000.")
    if question.answer_type == AnswerType.CHOICE and value not in question.choices:
        return _("Choose one of the answers offered.")
    return None


def save_checklist(*, membership, visit: Visit, answers: dict, request=None) -> None:
    """Save the visit's checklist answers {question: text}; an empty answer removes one."""
    from apps.institutions.selectors import checklist_for

    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, visit.institution.organization_id)
    questions = {q.pk: q for q in checklist_for(membership, visit)}
    errors: dict = {}
    for question, value in answers.items():
        if question.pk not in questions:
            raise ValidationError(_("This question is not on this visit's checklist."))
        problem = _answer_problem(question, (value or "").strip())
        if problem:
            errors[f"q{question.pk}"] = problem
    _raise(errors)
    with transaction.atomic():
        for question, value in answers.items():
            value = (value or "").strip()
            if value:
                ChecklistAnswer.objects.update_or_create(
                    visit=visit, question=question, defaults={"value": value}
                )
            else:
                ChecklistAnswer.objects.filter(visit=visit, question=question).delete()
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            visit,
            request,
            {"checklist": sorted(q.pk for q in answers)},
        )


# Recommendations ----------------------------------------------------------------------


def add_recommendation(*, membership, data: dict, request=None) -> Recommendation:
    """Record a recommendation (after a visit, thematic or urgent), maybe repeating an
    earlier one of the organisation."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    errors: dict = {}
    if data.get("kind") not in RecommendationKind.values:
        errors["kind"] = _("Choose the kind of recommendation.")
    text = (data.get("text") or "").strip()
    if not text:
        errors["text"] = _("Write the recommendation.")
    addressee = (data.get("addressee") or "").strip()
    if not addressee:
        errors["addressee"] = _("Say to whom the recommendation is addressed.")
    made_on = data.get("made_on") or timezone.localdate()
    problem = past_event_problem(made_on)
    if problem:
        errors["made_on"] = problem
    deadline = data.get("deadline")
    problem = due_date_problem(deadline)
    if problem:
        errors["deadline"] = problem
    elif deadline and deadline < made_on:
        errors["deadline"] = _("The deadline cannot be before the recommendation was made.")
    visit, institution, repeats = data.get("visit"), data.get("institution"), data.get("repeats")
    if visit is not None:
        _own(membership, visit.institution.organization_id)
        institution = institution or visit.institution
    if institution is not None:
        _own(membership, institution.organization_id)
    if repeats is not None:
        _own(membership, repeats.organization_id)
        if repeats.made_on > made_on:
            errors["repeats"] = _("A recommendation can only repeat an earlier one.")
    _raise(errors)
    with transaction.atomic():
        rec = Recommendation.objects.create(
            organization=membership.organization,
            institution=institution,
            visit=visit,
            kind=data["kind"],
            text=text,
            addressee=addressee,
            made_on=made_on,
            deadline=deadline,
            repeats=repeats,
            created_by=membership.user,
        )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            rec,
            request,
            {"visit": getattr(visit, "pk", None), "repeats": getattr(repeats, "pk", None)},
        )
    return rec


def record_response(
    *, membership, recommendation: Recommendation, data: dict, request=None
) -> RecommendationUpdate:
    """Record the authority's response and the follow-up status on a day; the
    recommendation's status becomes the latest one's."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own(membership, recommendation.organization_id)
    errors: dict = {}
    if data.get("status") not in RecommendationStatus.values:
        errors["status"] = _("Choose the status.")
    on = data.get("on") or timezone.localdate()
    problem = past_event_problem(on)
    if problem:
        errors["on"] = problem
    elif on < recommendation.made_on:
        errors["on"] = _("The follow-up cannot be before the recommendation was made.")
    _raise(errors)
    with transaction.atomic():
        update = RecommendationUpdate.objects.create(
            recommendation=recommendation,
            on=on,
            status=data["status"],
            response=data.get("response") or "",
            recorded_by=membership.user,
        )
        latest = recommendation.updates.order_by("-on", "-id").first()
        Recommendation.objects.filter(pk=recommendation.pk).update(status=latest.status)
        recommendation.status = latest.status
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            recommendation,
            request,
            {"status": update.status, "on": on.isoformat()},
        )
    return update
