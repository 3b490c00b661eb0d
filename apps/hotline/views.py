from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.cases.selectors import case_for
from apps.core import audit
from apps.core.form_actions import add_service_error
from apps.core.models import AuditEntry
from apps.core.selectors import reference_labels
from apps.hotline import selectors, services
from apps.hotline.forms import (
    CallForm,
    ContactPersonFormSet,
    OpenCaseFromCallForm,
    contact_persons_initial,
)
from apps.monitoring.selectors import agencies_for, can_read_agencies
from apps.people.selectors import people_with_phone, person_for
from apps.people.services import StaleEdit


@login_required
def hotline_home(request):
    """The operator's desk: follow-ups due, own drafts, the latest calls."""
    m = member_with(request, Permission.HANDLE_CALLS)
    lists = {
        "queue": list(selectors.operator_queue(m)),
        "drafts": list(selectors.drafts_of(m)),
        "drafts_of_others": list(selectors.drafts_of_others(m)),
        "calls": list(selectors.recent_calls(m)),
    }
    shown = {c.pk: c for rows in lists.values() for c in rows}
    audit.shown(m, list(shown.values()), target_type="call", request=request)
    return render(
        request,
        "hotline/home.html",
        {
            **lists,
            "topic_labels": reference_labels("call_topic"),
            "today": timezone.localdate(),
        },
    )


def _earlier_calls(request, m, phone, call_id=None):
    """Earlier calls from this number, the look-up audited (ids and count, never the number)."""
    calls = list(selectors.earlier_calls_from(m, phone, exclude_call_id=call_id))
    audit.shown(
        m,
        calls,
        target_type="call",
        request=request,
        action=AuditEntry.Action.SEARCH,
        detail={"by": "caller_phone", "results": len(calls)},
    )
    return calls


def _people_with_phone(request, m, phone):
    """People of the organisation with this number, for members who may see people
    (None for the others); the look-up audited like the calls' (never the number)."""
    if not m.can(Permission.VIEW_PEOPLE):
        return None
    people = people_with_phone(m, phone)
    audit.shown(
        m,
        people,
        target_type="person",
        request=request,
        action=AuditEntry.Action.SEARCH,
        detail={"by": "caller_phone", "results": len(people)},
    )
    return people


def _intake(request, m, call=None):
    earlier = people = None
    if request.method == "POST":
        form = CallForm(request.POST, membership=m)
        if form.is_valid():
            data = form.call_data()
            try:
                call = services.save_call(
                    membership=m,
                    data=data,
                    call=call,
                    expected_version=form.cleaned_data.get("version"),
                    finish=True,
                    request=request,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except StaleEdit as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Call %(ref)s logged.") % {"ref": call.reference})
                return redirect("call_detail", call_id=call.pk)
        status = 400
    else:
        initial = CallForm.initial_from(call) if call else {"started_at": timezone.localtime()}
        form = CallForm(initial=initial, membership=m)
        status = 200
        if call is not None:  # the form shows the caller's name and phone
            audit.shown(m, [call], request=request)
            if call.caller_phone:
                earlier = _earlier_calls(request, m, call.caller_phone, call.pk)
                people = _people_with_phone(request, m, call.caller_phone)
    return render(
        request,
        "hotline/intake.html",
        {
            "form": form,
            "call": call,
            "chosen_agency": _chosen_agency(form),
            "earlier_calls": earlier,
            "people_with_phone": people,
        },
        status=status,
    )


def _chosen_agency(form):
    """The agency the form holds (bound or initial), to show it checked in the form."""
    value = form["agency"].value()
    if not value:
        return None
    return form.fields["agency"].queryset.filter(pk=getattr(value, "pk", value)).first()


AGENCY_LOOKUP_LIMIT = 10


@login_required
def call_agency_lookup(request):
    """Agencies matching a name or licence number, each one a choice of the intake form:
    the operator links the agency they checked to the call (htmx fragment)."""
    m = member_with(request, Permission.HANDLE_CALLS)
    query = request.GET.get("q", "").strip()[:200]
    agencies, more = [], False
    if len(query) >= 2:
        found = list(agencies_for(m, query)[: AGENCY_LOOKUP_LIMIT + 1])
        agencies, more = found[:AGENCY_LOOKUP_LIMIT], len(found) > AGENCY_LOOKUP_LIMIT
    return render(
        request,
        "hotline/_agency_choice.html",
        {
            "query": query,
            "agencies": agencies,
            "more": more,
            "country_labels": reference_labels("country"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def call_earlier_calls(request):
    """Earlier calls from the phone number being typed, and the people registered with it
    for members who may see people (htmx, beside the phone field). POST so that the
    number never appears in a URL or an access log."""
    m = member_with(request, Permission.HANDLE_CALLS)
    call_id = request.POST.get("call_id") or None
    if call_id is not None and not str(call_id).isdigit():
        call_id = None
    phone = request.POST.get("caller_phone", "")[:40]
    earlier = people = None
    if phone.strip():
        earlier = _earlier_calls(request, m, phone, call_id)
        people = _people_with_phone(request, m, phone)
    return render(
        request,
        "hotline/_earlier_calls.html",
        {"earlier_calls": earlier, "people_with_phone": people},
    )


@login_required
def call_new(request):
    m = member_with(request, Permission.HANDLE_CALLS)
    call = None
    if request.method == "POST" and request.POST.get("call_id"):
        # The autosave already made a draft: finish that one.
        call = selectors.call_for(m, request.POST["call_id"])
    return _intake(request, m, call)


@login_required
def call_edit(request, call_id):
    m = member_with(request, Permission.HANDLE_CALLS)
    return _intake(request, m, selectors.call_for(m, call_id))


@login_required
@require_POST
def call_autosave(request):
    """Save what is typed so far as a draft (htmx, every few seconds while typing)."""
    m = member_with(request, Permission.HANDLE_CALLS)
    form = CallForm(request.POST, membership=m)
    form.is_valid()
    call = None
    if request.POST.get("call_id"):
        call = selectors.call_for(m, request.POST["call_id"])
        if not call.is_draft:
            return render(request, "hotline/_draft_status.html", {"call": call, "logged": True})
    call = services.save_call(
        membership=m, data=form.call_data(only_valid=True), call=call, request=request
    )
    return render(request, "hotline/_draft_status.html", {"call": call, "saved_at": timezone.now()})


@login_required
def call_detail(request, call_id):
    m = member_with(request, Permission.HANDLE_CALLS)
    call = selectors.call_for(m, call_id)
    audit.shown(m, [call], request=request)
    return render(
        request,
        "hotline/detail.html",
        {
            "call": call,
            "topic_labels": reference_labels("call_topic"),
            "region_labels": reference_labels("region"),
            "country_labels": reference_labels("country"),
            "agency_link": can_read_agencies(m),
            "screenings": call.screenings.all(),
        },
    )


@login_required
@require_POST
def call_take_over(request, call_id):
    """An organisation admin takes over another operator's unfinished intake."""
    m = member_with(request, Permission.HANDLE_CALLS)
    call = selectors.draft_to_take_over(m, call_id)
    services.take_over_draft(membership=m, call=call, request=request)
    messages.success(request, _("You took over the intake %(ref)s.") % {"ref": call.reference})
    return redirect("call_edit", call_id=call.pk)


@login_required
@require_POST
def call_follow_up_done(request, call_id):
    m = member_with(request, Permission.HANDLE_CALLS)
    call = selectors.call_for(m, call_id)
    try:
        services.complete_follow_up(membership=m, call=call, request=request)
        messages.success(request, _("Follow-up done."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    if request.POST.get("next") == "home":
        return redirect("hotline_home")
    return redirect("call_detail", call_id=call.pk)


@login_required
@require_POST
def call_link(request, call_id):
    """Link the call to a person or case found by search."""
    m = member_with(request, Permission.HANDLE_CALLS)
    call = selectors.call_for(m, call_id)
    person = case = None
    if request.POST.get("case_id"):
        case = case_for(m, request.POST["case_id"])
    elif request.POST.get("person_id"):
        person = person_for(m, request.POST["person_id"])
    try:
        services.link_call(membership=m, call=call, person=person, case=case, request=request)
        messages.success(request, _("Call linked."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("call_detail", call_id=call.pk)


@login_required
def call_open_case(request, call_id):
    """One step from a call to a case: the facts come over, nothing is retyped."""
    m = member_with(request, Permission.EDIT_CASES)
    call = selectors.call_for(m, call_id)
    if call.case_id:
        messages.info(request, _("A case was already opened from this call."))
        return redirect("case_detail", case_id=call.case_id)
    needs_person = call.person_id is None
    initial = {"case_type": services.suggested_case_type(call)}
    if needs_person and call.caller_category == "person_concerned" and call.caller_name:
        parts = call.caller_name.split()
        initial.update(family_name=parts[0] if len(parts) > 1 else "", given_name=parts[-1])
    form = OpenCaseFromCallForm(
        request.POST or None,
        initial=initial,
        needs_person=needs_person,
        organization=m.organization,
    )
    contacts = _contact_persons_formset(request, call)
    if request.method == "GET" and contacts.initial:  # the caller's name and phone are shown
        audit.shown(m, [call], request=request)
    contacts_valid = not contacts.is_bound or contacts.is_valid()
    if request.method == "POST" and form.is_valid() and contacts_valid:
        d = form.cleaned_data
        person_data = None
        if needs_person:
            person_data = {"family_name": d["family_name"], "given_name": d["given_name"],
                           "sex": d["sex"]}  # fmt: skip
            if call.caller_category == "person_concerned" and call.caller_phone:
                person_data["phones"] = [call.caller_phone]
            if call.caller_region:
                person_data["region"] = call.caller_region
        try:
            case = services.open_case_from_call(
                membership=m,
                call=call,
                person_data=person_data,
                # Nobody chosen: the service decides whether the opener keeps the case.
                case_data={
                    "case_type": d["case_type"],
                    **({"assigned_to": d["assigned_to"]} if d["assigned_to"] else {}),
                },
                contact_persons=[r for r in contacts.cleaned_data if r]
                if contacts.is_bound
                else [],
                request=request,
            )
        except services.CallAlreadyConverted:
            call.refresh_from_db()
            messages.warning(request, _("Another operator opened a case from this call first."))
            return redirect("case_detail", case_id=call.case_id)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Case %(ref)s opened from the call.") % {"ref": case.reference}
            )
            return redirect("case_detail", case_id=case.pk)
    return render(
        request,
        "hotline/open_case.html",
        {"form": form, "call": call, "contacts": contacts},
    )


def _contact_persons_formset(request, call):
    """The people the caller speaks for; a form posted without them records none."""
    if request.method == "POST" and "contacts-TOTAL_FORMS" in request.POST:
        return ContactPersonFormSet(request.POST, prefix="contacts")
    return ContactPersonFormSet(prefix="contacts", initial=contact_persons_initial(call))


def case_call_facts(request, membership, case) -> dict:
    """The hotline part of a case page: the calls, the agencies checked during them and
    the contact persons. Showing the contact persons' names and phones is audited."""
    facts = selectors.call_facts_of_case(membership, case)
    audit.shown(membership, facts["contact_persons"], target_type="contactperson", request=request)
    return {
        "hotline_facts": facts,
        "can_open_calls": membership.can(Permission.HANDLE_CALLS),
        "can_open_agencies": can_read_agencies(membership),
    }
