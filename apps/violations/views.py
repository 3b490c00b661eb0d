import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.errors import StaleEdit
from apps.core.form_actions import add_service_error, submit
from apps.core.models import AuditEntry, ReferenceValue
from apps.core.selectors import reference_labels
from apps.people.services import NotAllowed
from apps.violations import selectors, services
from apps.violations.forms import (
    ActEditForm,
    AddVictimForm,
    EventForm,
    GrantForm,
    InterventionEditForm,
    InterventionForm,
    InterventionResponseForm,
    InvolvementEditForm,
    PerpetratorFormSet,
    SourceEditForm,
    SourceForm,
    VictimFormSet,
)
from apps.violations.models import Grant

_PREFIX = re.compile(r"^(victims|perpetrators)-\d{1,2}$")


def _member(request):
    return member_with(request, Permission.DOCUMENT_VIOLATIONS)


@login_required
def event_list(request):
    m = _member(request)
    events = list(
        selectors.events_visible_to(m)
        .select_related("organization")
        .order_by("-occurred_on", "-id")[:200]
    )
    regions = reference_labels(ReferenceValue.Kind.REGION)
    for e in events:
        e.region_label = regions.get(e.region, e.region)
    audit.shown(m, events, request=request)
    return render(request, "violations/list.html", {"events": events, "membership": m})


def _incident_page(request, m, form, victims, perpetrators, status=200):
    return render(
        request,
        "violations/incident.html",
        {"form": form, "victims": victims, "perpetrators": perpetrators},
        status=status,
    )


@login_required
def incident_new(request):
    """One form for a whole incident: the event, its victims and who was involved."""
    m = _member(request)
    if request.method != "POST":
        return _incident_page(
            request,
            m,
            EventForm(membership=m),
            VictimFormSet(prefix="victims", membership=m),
            PerpetratorFormSet(prefix="perpetrators", membership=m),
        )
    form = EventForm(request.POST, membership=m)
    victims = VictimFormSet(request.POST, prefix="victims", membership=m)
    perpetrators = PerpetratorFormSet(request.POST, prefix="perpetrators", membership=m)
    if form.is_valid() and victims.is_valid() and perpetrators.is_valid():
        try:
            event = services.record_incident(
                membership=m,
                event=form.cleaned_data,
                victims=victims.rows(),
                perpetrators=perpetrators.rows(),
                request=request,
            )
        except NotAllowed:
            raise PermissionDenied
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Incident recorded."))
            return redirect("violations_event", event_id=event.pk)
    return _incident_page(request, m, form, victims, perpetrators, status=400)


@login_required
def event_edit(request, event_id):
    """Change the event's own facts (GET shows the form); a stale form is refused."""
    m = _member(request)
    event = selectors.own_event_for(m, event_id)

    def page(form, status=200):
        return render(
            request, "violations/edit.html", {"event": event, "form": form}, status=status
        )

    if request.method != "POST":
        audit.shown(m, [event], request=request)
        return page(
            EventForm(membership=m, exclude_event=event, initial=EventForm.initial_from(event))
        )
    return submit(
        request,
        EventForm(request.POST, membership=m, exclude_event=event),
        lambda d: services.change_event(
            membership=m,
            event=event,
            data=d,
            version=d["version"],
            request=request,
        ),
        success=_("Event changed."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: page(f, 400),
    )


def _detail_page(request, m, event, status=200, **forms):
    data = selectors.event_detail(m, event)
    # Every look at the event and at the people it names leaves a trace.
    audit.shown(m, [event], request=request)
    audit.shown(m, data["people"], target_type="person", request=request)
    own = event.organization_id == m.organization_id
    context = {
        **data,
        "region_label": reference_labels(ReferenceValue.Kind.REGION).get(
            event.region, event.region
        ),
        "own": own,
        "may_share": services.may_share_event(m, event),
        "source_form": forms.get("source_form") or SourceForm(),
        "intervention_form": forms.get("intervention_form") or InterventionForm(),
        "grant_form": forms.get("grant_form") or GrantForm(membership=m),
        "victim_form": forms.get("victim_form") or AddVictimForm(membership=m),
    }
    for i in context["interventions"]:  # one reply form per intervention, ids of its own
        i.form = forms.get(f"response_{i.pk}") or InterventionResponseForm(
            auto_id=f"response-{i.pk}-%s"
        )
        i.edit_form = forms.get(f"intervention_{i.pk}") or InterventionEditForm(
            initial={
                "kind": i.kind,
                "made_on": i.made_on,
                "addressee": i.addressee,
                "response": i.response,
                "response_on": i.response_on,
                "version": event.version,
            },
            auto_id=f"intervention-{i.pk}-%s",
        )
    if own:  # correction forms only for the recording organisation's members
        for act in context["acts"]:
            act.edit_form = forms.get(f"act_{act.pk}") or ActEditForm(
                initial={"act_type": act.act_type_id, "version": event.version},
                auto_id=f"act-{act.pk}-%s",
            )
        for src in context["sources"]:
            src.edit_form = forms.get(f"source_{src.pk}") or SourceEditForm(
                initial={
                    "kind": src.kind,
                    "reported_by": src.reported_by,
                    "reliability": src.reliability,
                    "reported_on": src.reported_on,
                    "version": event.version,
                },
                auto_id=f"source-{src.pk}-%s",
            )
        for inv in context["involvements"]:
            inv.edit_form = forms.get(f"involvement_{inv.pk}") or InvolvementEditForm(
                initial={
                    "group_name": inv.group_name,
                    "position": inv.position,
                    "role": inv.role,
                    "perpetrator_type": inv.perpetrator_type_id,
                    "identity_confidential": inv.identity_confidential,
                    "version": event.version,
                },
                auto_id=f"involvement-{inv.pk}-%s",
            )
    return render(request, "violations/event.html", context, status=status)


@login_required
def event_detail(request, event_id):
    m = _member(request)
    return _detail_page(request, m, selectors.event_for(m, event_id))


@login_required
@require_POST
def source_add(request, event_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    return submit(
        request,
        SourceForm(request.POST),
        lambda d: services.add_source(membership=m, event=event, data=d, request=request),
        success=_("Source recorded."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, source_form=f),
    )


@login_required
@require_POST
def intervention_add(request, event_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    return submit(
        request,
        InterventionForm(request.POST),
        lambda d: services.add_intervention(membership=m, event=event, data=d, request=request),
        success=_("Intervention recorded."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, intervention_form=f),
    )


@login_required
@require_POST
def intervention_response(request, event_id, intervention_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    intervention = event.interventions.filter(pk=intervention_id).first()
    if intervention is None:
        raise Http404
    return submit(
        request,
        InterventionResponseForm(request.POST, auto_id=f"response-{intervention.pk}-%s"),
        lambda d: services.record_intervention_response(
            membership=m, intervention=intervention, request=request, **d
        ),
        success=_("Response recorded."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, **{f"response_{intervention.pk}": f}),
    )


def _event_part(request, event_id, related: str, part_id: int):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    part = getattr(event, related).filter(pk=part_id).first()
    if part is None:
        raise Http404
    return m, event, part


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def intervention_edit(request, event_id, intervention_id):
    m, event, intervention = _event_part(request, event_id, "interventions", intervention_id)
    return submit(
        request,
        InterventionEditForm(request.POST, auto_id=f"intervention-{intervention.pk}-%s"),
        lambda d: services.change_intervention(
            membership=m,
            intervention=intervention,
            data=d,
            version=d.get("version"),
            request=request,
        ),
        success=_("Intervention corrected."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(
            request, m, event, 400, **{f"intervention_{intervention.pk}": f}
        ),
    )


@login_required
@require_POST
def act_edit(request, event_id, act_id):
    m, event, act = _event_part(request, event_id, "acts", act_id)
    return submit(
        request,
        ActEditForm(request.POST, auto_id=f"act-{act.pk}-%s"),
        lambda d: services.change_act(
            membership=m,
            act=act,
            act_type=d["act_type"],
            version=d.get("version"),
            request=request,
        ),
        success=_("Act corrected."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, **{f"act_{act.pk}": f}),
    )


@login_required
@require_POST
def source_edit(request, event_id, source_id):
    m, event, source = _event_part(request, event_id, "sources", source_id)
    return submit(
        request,
        SourceEditForm(request.POST, auto_id=f"source-{source.pk}-%s"),
        lambda d: services.change_source(
            membership=m, source=source, data=d, version=d.get("version"), request=request
        ),
        success=_("Source corrected."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, **{f"source_{source.pk}": f}),
    )


@login_required
@require_POST
def involvement_edit(request, event_id, involvement_id):
    m, event, involvement = _event_part(request, event_id, "involvements", involvement_id)
    return submit(
        request,
        InvolvementEditForm(request.POST, auto_id=f"involvement-{involvement.pk}-%s"),
        lambda d: services.change_involvement(
            membership=m,
            involvement=involvement,
            data=d,
            version=d.get("version"),
            request=request,
        ),
        success=_("Involvement corrected."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, **{f"involvement_{involvement.pk}": f}),
    )


@login_required
@require_POST
def event_part_delete(request, event_id, part_id, related):
    """Remove an act, an involvement, a source or an intervention recorded by mistake."""
    m, event, part = _event_part(request, event_id, related, part_id)
    key = {
        "acts": "act",
        "involvements": "involvement",
        "interventions": "intervention",
        "sources": "source",
    }[related]
    delete = getattr(services, f"delete_{key}")
    try:
        delete(membership=m, version=_version(request), request=request, **{key: part})
    except NotAllowed:
        raise PermissionDenied
    except (ValidationError, StaleEdit) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Removed."))
    return redirect("violations_event", event_id=event.pk)


@login_required
@require_POST
def victim_add(request, event_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    return submit(
        request,
        AddVictimForm(request.POST, membership=m),
        lambda d: services.add_act(membership=m, event=event, victim=d, request=request),
        success=_("Victim added."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, victim_form=f),
    )


@login_required
@require_POST
def grant_add(request, event_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    return submit(
        request,
        GrantForm(request.POST, membership=m),
        lambda d: services.grant_event(
            membership=m,
            event=event,
            organization=d["organization"],
            share_victim_names=d["share_victim_names"],
            request=request,
        ),
        success=_("The event is now shared with that organisation."),
        done=reverse("violations_event", args=[event.pk]),
        page=lambda f: _detail_page(request, m, event, 400, grant_form=f),
    )


@login_required
@require_POST
def grant_revoke(request, event_id, grant_id):
    m = _member(request)
    event = selectors.own_event_for(m, event_id)
    grant = Grant.objects.filter(event=event, pk=grant_id).first()
    if grant is None:
        return redirect("violations_event", event_id=event.pk)
    try:
        services.revoke_grant(membership=m, grant=grant, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Sharing revoked."))
    return redirect("violations_event", event_id=event.pk)


@login_required
@require_POST
def similar_people(request):
    """The duplicate warning beside a person row of the incident form (htmx). A POST, so
    that the names typed never appear in a URL or an access log."""
    m = _member(request)
    prefix = request.POST.get("prefix", "")
    if not _PREFIX.match(prefix):
        return render(request, "violations/_similar.html", {"found": None})
    query = " ".join(
        (request.POST.get(f"{prefix}-{f}") or "").strip()[:200]
        for f in ("family_name", "given_name")
    ).strip()
    found = selectors.similar_people(m, query)
    with transaction.atomic():
        # The query is never recorded; the people named to the monitor are.
        audit.shown(
            m,
            found["people"],
            target_type="person",
            request=request,
            action=AuditEntry.Action.SEARCH,
            detail={
                "similar_names": {"own_records": len(found["people"]), "others": found["others"]}
            }
            if (found["people"] or found["others"])
            else None,
        )
    return render(
        request,
        "violations/_similar.html",
        {"found": found, "prefix": prefix, "query": query},
    )
