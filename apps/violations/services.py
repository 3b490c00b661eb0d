"""Every write to violation records: validate, write in one transaction, audit.

Only the organisation that recorded an event changes it; an organisation given a grant
reads it. People (victims, witnesses, perpetrators) are created with
apps.people.services, so their identities are encrypted and indexed like every person's."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization
from apps.accounts.roles import Permission, Role
from apps.core import audit
from apps.core.date_rules import past_event_problem
from apps.core.errors import NotAllowed
from apps.core.models import AuditEntry, ReferenceValue
from apps.core.selectors import reference_codes
from apps.people import services as people_services
from apps.people.models import Sex
from apps.people.services import require
from apps.violations.models import (
    Act,
    Confidentiality,
    DatePrecision,
    Event,
    Grant,
    Intervention,
    InterventionKind,
    Involvement,
    InvolvementRole,
    Reliability,
    Source,
    SourceKind,
)

MAX_TEXT = 20_000


def _check_date(value, field: str, errors: dict) -> None:
    problem = past_event_problem(value)
    if problem:
        errors[field] = problem


def _own_event(membership, event: Event) -> None:
    if event.organization_id != membership.organization_id:
        raise ValidationError(_("Only the organisation that recorded this event can change it."))


def _check_event(membership, data: dict) -> dict:
    """The validated event values; ValidationError naming the fields otherwise."""
    errors: dict = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the event a short title.")
    precision = data.get("date_precision") or DatePrecision.EXACT
    if precision not in DatePrecision.values:
        errors["date_precision"] = _("Choose how precise the date is.")
    occurred_on = data.get("occurred_on")
    _check_date(occurred_on, "occurred_on", errors)
    if occurred_on and precision == DatePrecision.MONTH:
        occurred_on = occurred_on.replace(day=1)
    elif occurred_on and precision == DatePrecision.YEAR:
        occurred_on = occurred_on.replace(month=1, day=1)
    region = data.get("region") or ""
    if region and region not in reference_codes(ReferenceValue.Kind.REGION):
        errors["region"] = _("Choose a region from the list.")
    confidentiality = data.get("confidentiality") or Confidentiality.ORGANISATION
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = _("Choose a confidentiality level.")
    parent = data.get("parent")
    if parent is not None and parent.organization_id != membership.organization_id:
        errors["parent"] = _("An event can only follow an event of your organisation.")
    institution = data.get("institution")
    if institution is not None and institution.organization_id != membership.organization_id:
        errors["institution"] = _("Choose an institution of your organisation's register.")
    for name in ("title", "description", "place"):
        if len(data.get(name) or "") > MAX_TEXT:
            errors[name] = _("This text is too long.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": data.get("description") or "",
        "place": data.get("place") or "",
        "region": region,
        "institution": institution,
        "occurred_on": occurred_on,
        "date_precision": precision,
        "parent": parent,
        "confidentiality": confidentiality,
    }


def _person_data(row: dict) -> dict:
    sex = row.get("sex") or Sex.UNKNOWN
    if sex not in Sex.values:
        raise ValidationError(_("Choose the person's sex from the list."))
    birth_year = row.get("birth_year")
    this_year = timezone.localdate().year
    if birth_year is not None and not (1900 <= birth_year <= this_year):
        raise ValidationError(
            _("The year of birth must be between 1900 and %(year)s.") % {"year": this_year}
        )
    return {
        "given_name": (row.get("given_name") or "").strip(),
        "family_name": (row.get("family_name") or "").strip(),
        "patronymic": (row.get("patronymic") or "").strip(),
        "sex": sex,
        "birth_year": birth_year,
    }


def _person_for_row(membership, row: dict, request):
    """The row's existing person (one of the monitor's own records' people) or a new one."""
    from apps.violations.selectors import violation_people_visible_to

    existing = row.get("existing")
    if existing is not None:
        if not violation_people_visible_to(membership).filter(pk=existing.pk).exists():
            raise ValidationError(_("Choose a person from your own violation records."))
        return existing
    data = _person_data(row)
    if not data["given_name"]:
        return None
    return people_services.record_person_for_record(
        membership=membership,
        permission=Permission.DOCUMENT_VIOLATIONS,
        data=data,
        request=request,
    )


def record_incident(
    *, membership, event: dict, victims: list[dict], perpetrators: list[dict], request=None
) -> Event:
    """Record a whole incident at once: the event, each victim's act and each
    perpetrator's involvement. Victims need a name (or an existing person) and an act
    type; perpetrators a name or a group and a role. All or nothing."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    values = _check_event(membership, event)
    if not victims:
        raise ValidationError(_("Name at least one victim and what was done to them."))
    for row in victims:
        if row.get("act_type") is None:
            raise ValidationError(_("Choose the act each victim suffered."))
        if row.get("existing") is None and not (row.get("given_name") or "").strip():
            raise ValidationError(_("Give each victim's given name."))
    for row in perpetrators:
        if row.get("role") not in InvolvementRole.values:
            raise ValidationError(_("Choose the role of each person involved."))
        named = row.get("existing") is not None or (row.get("given_name") or "").strip()
        if not named and not (row.get("group_name") or "").strip():
            raise ValidationError(_("Give the name of each person involved, or of their group."))
    with transaction.atomic():
        now = timezone.now()
        record = Event.objects.create(
            organization=membership.organization,
            created_by=membership.user,
            created_at=now,
            updated_at=now,
            **values,
        )
        for row in victims:
            person = _person_for_row(membership, row, request)
            Act.objects.create(event=record, victim=person, act_type=row["act_type"])
        for row in perpetrators:
            person = _person_for_row(membership, row, request)
            Involvement.objects.create(
                event=record,
                person=person,
                group_name=(row.get("group_name") or "").strip(),
                position=(row.get("position") or "").strip(),
                role=row["role"],
                perpetrator_type=row.get("perpetrator_type"),
                identity_confidential=row.get("identity_confidential", True),
            )
        audit.by_member(
            AuditEntry.Action.CREATE,
            membership,
            record,
            request,
            {"victims": len(victims), "involved": len(perpetrators)},
        )
    return record


def change_event(*, membership, event: Event, data: dict, version: int | None, request=None):
    """Change the event's own facts. Raises StaleEdit if someone saved after `version`."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, event)
    values = _check_event(membership, data)
    if values["parent"] is not None and values["parent"].pk == event.pk:
        raise ValidationError({"parent": _("An event cannot follow itself.")})
    with transaction.atomic():
        current = Event.objects.select_for_update().filter(pk=event.pk).first()
        if current is None or (version is not None and current.version != version):
            raise people_services.StaleEdit()
        changed = [k for k, v in values.items() if getattr(current, k) != v]
        for k, v in values.items():
            setattr(current, k, v)
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        audit.by_member(AuditEntry.Action.CHANGE, membership, current, request, {"fields": changed})
    return current


def add_act(*, membership, event: Event, victim: dict, request=None) -> Act:
    """Add one more victim's act to an event."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, event)
    if victim.get("act_type") is None:
        raise ValidationError(_("Choose the act the victim suffered."))
    with transaction.atomic():
        person = _person_for_row(membership, victim, request)
        if person is None:
            raise ValidationError(_("Give the victim's given name."))
        act = Act.objects.create(event=event, victim=person, act_type=victim["act_type"])
        audit.by_member(AuditEntry.Action.CREATE, membership, act, request, {"event": event.pk})
    return act


def add_source(*, membership, event: Event, data: dict, request=None) -> Source:
    """Record who reported the event; a witness may be recorded as a person."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, event)
    errors: dict = {}
    if data.get("kind") not in SourceKind.values:
        errors["kind"] = _("Choose the kind of source.")
    reliability = data.get("reliability") or Reliability.UNKNOWN
    if reliability not in Reliability.values:
        errors["reliability"] = _("Choose a reliability rating.")
    _check_date(data.get("reported_on"), "reported_on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = None
        if data.get("witness_given_name") or data.get("existing"):
            person = _person_for_row(
                membership,
                {
                    "existing": data.get("existing"),
                    "given_name": data.get("witness_given_name"),
                    "family_name": data.get("witness_family_name"),
                },
                request,
            )
        source = Source.objects.create(
            event=event,
            kind=data["kind"],
            person=person,
            reported_by=(data.get("reported_by") or "").strip(),
            reliability=reliability,
            reported_on=data.get("reported_on"),
        )
        audit.by_member(AuditEntry.Action.CREATE, membership, source, request, {"event": event.pk})
    return source


def change_source(
    *, membership, source: Source, data: dict, version: int | None, request=None
) -> Source:
    """Correct a source's kind, who reported, reliability and date (a witness linked
    as a person stays linked). StaleEdit if the event changed since `version`."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, source.event)
    errors: dict = {}
    if data.get("kind") not in SourceKind.values:
        errors["kind"] = _("Choose the kind of source.")
    if data.get("reliability") not in Reliability.values:
        errors["reliability"] = _("Choose a reliability rating.")
    _check_date(data.get("reported_on"), "reported_on", errors)
    reported_by = (data.get("reported_by") or "").strip()
    if len(reported_by) > MAX_TEXT:
        errors["reported_by"] = _("This text is too long.")
    if errors:
        raise ValidationError(errors)
    values = {
        "kind": data["kind"],
        "reliability": data["reliability"],
        "reported_by": reported_by,
        "reported_on": data.get("reported_on"),
    }
    return _change_event_part(membership, source, values, version, request)


def delete_source(*, membership, source: Source, version: int | None, request=None) -> None:
    """Remove a source recorded by mistake (a linked witness's record itself stays)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, source.event)
    _delete_event_part(membership, source, version, request)


def change_act(*, membership, act: Act, act_type, version: int | None, request=None) -> Act:
    """Correct what was done to a victim (the act's type). StaleEdit if the event
    changed since `version`."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, act.event)
    if act_type is None:
        raise ValidationError({"act_type": _("Choose the act the victim suffered.")})
    return _change_event_part(membership, act, {"act_type": act_type}, version, request)


def delete_act(*, membership, act: Act, version: int | None, request=None) -> None:
    """Remove an act recorded by mistake; an event keeps at least one act (the victim's
    person record itself stays)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, act.event)

    def keeps_another_act():
        if not Act.objects.filter(event_id=act.event_id).exclude(pk=act.pk).exists():
            raise ValidationError(_("An event keeps at least one victim's act."))

    _delete_event_part(membership, act, version, request, check=keeps_another_act)


def add_intervention(*, membership, event: Event, data: dict, request=None) -> Intervention:
    """Record a letter, complaint or visit made about the event, and any response."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, event)
    values = _check_intervention(data)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            event=event, created_by=membership.user, **values
        )
        audit.by_member(
            AuditEntry.Action.CREATE, membership, intervention, request, {"event": event.pk}
        )
    return intervention


def _check_intervention(data: dict) -> dict:
    """The validated intervention values; ValidationError naming the fields otherwise."""
    errors: dict = {}
    if data.get("kind") not in InterventionKind.values:
        errors["kind"] = _("Choose the kind of intervention.")
    if not (data.get("addressee") or "").strip():
        errors["addressee"] = _("Say to whom it was addressed.")
    made_on = data.get("made_on")
    if made_on is None:
        errors["made_on"] = _("Give the date.")
    _check_date(made_on, "made_on", errors)
    response_on = data.get("response_on")
    _check_date(response_on, "response_on", errors)
    if made_on and response_on and response_on < made_on:
        errors["response_on"] = _("The response cannot come before the intervention.")
    if len(data.get("response") or "") > MAX_TEXT:
        errors["response"] = _("This text is too long.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data["kind"],
        "made_on": made_on,
        "addressee": data["addressee"].strip(),
        "response": (data.get("response") or "").strip(),
        "response_on": response_on,
    }


def _event_part_saved(membership, event: Event, version: int | None) -> Event:
    """Lock the event whose part (an involvement, an intervention) is being changed and
    count the change as a new version of the event: a form opened on an older version
    raises StaleEdit instead of overwriting a colleague's correction. Call inside a
    transaction."""
    current = Event.objects.select_for_update().filter(pk=event.pk).first()
    if current is None or (version is not None and current.version != version):
        raise people_services.StaleEdit()
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=["version", "updated_at"])
    return current


def _change_event_part(membership, part, values: dict, version: int | None, request):
    """Write `values` on a part of an event (a source, an act, an intervention, an
    involvement) as a new version of the event (_event_part_saved), audited with the
    fields that changed."""
    with transaction.atomic():
        _event_part_saved(membership, part.event, version)
        changed = [k for k, v in values.items() if getattr(part, k) != v]
        for k, v in values.items():
            setattr(part, k, v)
        part.save(update_fields=list(values))
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            part,
            request,
            {"event": part.event_id, "fields": changed},
        )
    return part


def _delete_event_part(membership, part, version: int | None, request, *, check=None) -> None:
    """Remove a part of an event recorded by mistake, as a new version of the event;
    `check` may refuse (ValidationError) once the event is locked."""
    with transaction.atomic():
        _event_part_saved(membership, part.event, version)
        if check:
            check()
        audit.by_member(
            AuditEntry.Action.DELETE, membership, part, request, {"event": part.event_id}
        )
        part.delete()


def change_intervention(
    *, membership, intervention: Intervention, data: dict, version: int | None, request=None
) -> Intervention:
    """Correct an intervention (kind, date, addressee, response). `version` is the
    event's version the form was opened on (StaleEdit if it changed since)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, intervention.event)
    values = _check_intervention(data)
    return _change_event_part(membership, intervention, values, version, request)


def delete_intervention(
    *, membership, intervention: Intervention, version: int | None, request=None
) -> None:
    """Remove an intervention recorded by mistake."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, intervention.event)
    _delete_event_part(membership, intervention, version, request)


def change_involvement(
    *, membership, involvement: Involvement, data: dict, version: int | None, request=None
) -> Involvement:
    """Correct who was involved how: role, perpetrator type, group, position and whether
    the identity is withheld from grantees. The linked person's own record is changed
    in apps.people, not here. StaleEdit if the event changed since `version`."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, involvement.event)
    errors: dict = {}
    if data.get("role") not in InvolvementRole.values:
        errors["role"] = _("Choose the role of the person involved.")
    group_name = (data.get("group_name") or "").strip()
    position = (data.get("position") or "").strip()
    if involvement.person_id is None and not group_name:
        errors["group_name"] = _("Give the name of the group or institution.")
    for name, value in (("group_name", group_name), ("position", position)):
        if len(value) > MAX_TEXT:
            errors[name] = _("This text is too long.")
    if errors:
        raise ValidationError(errors)
    values = {
        "role": data["role"],
        "perpetrator_type": data.get("perpetrator_type"),
        "group_name": group_name,
        "position": position,
        "identity_confidential": bool(data.get("identity_confidential")),
    }
    return _change_event_part(membership, involvement, values, version, request)


def delete_involvement(
    *, membership, involvement: Involvement, version: int | None, request=None
) -> None:
    """Remove an involvement recorded by mistake (the person's record itself stays)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, involvement.event)
    _delete_event_part(membership, involvement, version, request)


def record_intervention_response(
    *, membership, intervention: Intervention, response: str, response_on=None, request=None
) -> Intervention:
    """Record the answer an intervention got (a reply to a letter, a complaint's outcome)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, intervention.event)
    errors: dict = {}
    if not (response or "").strip():
        errors["response"] = _("Write the response.")
    _check_date(response_on, "response_on", errors)
    if response_on and response_on < intervention.made_on:
        errors["response_on"] = _("The response cannot come before the intervention.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        intervention.response = response.strip()
        intervention.response_on = response_on
        intervention.save(update_fields=["response", "response_on"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            intervention,
            request,
            {"event": intervention.event_id, "fields": ["response", "response_on"]},
        )
    return intervention


def may_share_event(membership, event: Event) -> bool:
    """Sharing hands an event (and perhaps victims' names) to another organisation, so
    only the monitor who recorded it or an organisation admin decides it."""
    return (
        membership is not None
        and membership.can(Permission.DOCUMENT_VIOLATIONS)
        and event.organization_id == membership.organization_id
        and (event.created_by_id == membership.user_id or membership.role == Role.ORG_ADMIN)
    )


def grant_event(
    *,
    membership,
    event: Event,
    organization: Organization,
    share_victim_names: bool = False,
    request=None,
) -> Grant:
    """Share one event with another organisation's monitors (an explicit, audited act).
    Only the event's author or an organisation admin may share it (NotAllowed otherwise)."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, event)
    if not may_share_event(membership, event):
        raise NotAllowed(Permission.DOCUMENT_VIOLATIONS)
    if organization is None or organization.pk == membership.organization_id:
        raise ValidationError({"organization": _("Choose another organisation.")})
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                event=event,
                organization=organization,
                share_victim_names=share_victim_names,
                granted_by=membership.user,
            )
            audit.by_member(
                AuditEntry.Action.CREATE,
                membership,
                grant,
                request,
                {
                    "event": event.pk,
                    "organization": organization.pk,
                    "share_victim_names": share_victim_names,
                },
            )
    except IntegrityError:
        raise ValidationError(
            {"organization": _("This event is already shared with that organisation.")}
        )
    return grant


def revoke_grant(*, membership, grant: Grant, request=None) -> Grant:
    """End a grant: the other organisation no longer sees the event."""
    require(membership, Permission.DOCUMENT_VIOLATIONS)
    _own_event(membership, grant.event)
    if grant.revoked_at is not None:
        raise ValidationError(_("This grant was already revoked."))
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.revoked_by = membership.user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit.by_member(
            AuditEntry.Action.CHANGE,
            membership,
            grant,
            request,
            {"event": grant.event_id, "revoked": True},
        )
    return grant
