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
from apps.core.selectors import reference_labels
from apps.hotline import selectors, services
from apps.hotline.forms import CallForm, OpenCaseFromCallForm
from apps.people.selectors import person_for
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


def _intake(request, m, call=None):
    if request.method == "POST":
        form = CallForm(request.POST)
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
        form = CallForm(initial=initial)
        status = 200
        if call is not None:  # the form shows the caller's name and phone
            audit.shown(m, [call], request=request)
    return render(request, "hotline/intake.html", {"form": form, "call": call}, status=status)


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
    form = CallForm(request.POST)
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
    if request.method == "POST" and form.is_valid():
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
                case_data={"case_type": d["case_type"], "assigned_to": d["assigned_to"] or m.user},
                request=request,
            )
        except services.CallAlreadyConverted:
            call.refresh_from_db()
            messages.warning(request, _("Another operator opened a case from this call first."))
            return redirect("case_detail", case_id=call.case_id)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Case %(ref)s opened from the call.") % {"ref": case.reference}
            )
            return redirect("case_detail", case_id=case.pk)
    return render(request, "hotline/open_case.html", {"form": form, "call": call})
