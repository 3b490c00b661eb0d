import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance import selectors, services
from apps.assistance.forms import (
    CheckInForm,
    DeliveredServiceEditForm,
    DeliveredServiceForm,
    DischargeForm,
    EconomicLimitForm,
    NeedsForm,
    PlanForm,
    PlannedServiceEditForm,
    PlannedServiceForm,
    PlannedStatusForm,
    RemoveForm,
    ShelterCapacityForm,
    ShelterStayForm,
)
from apps.assistance.models import Stage
from apps.cases.models import Case, CaseStatus
from apps.cases.selectors import case_for
from apps.cases.services import record_case_view
from apps.core import audit
from apps.core.form_actions import submit
from apps.people.models import Person


def _render_case(request, m, case, status=200, **forms):
    """The case's assistance page; `forms` replaces the blank form of an action with the
    bound one that failed (by its context name, or per row: check_in_<pk>, stay_<pk>,
    planned_status_<pk>)."""
    data = selectors.assistance_of_case(m, case)
    today = timezone.localdate()
    needs_forms = []
    for stage, label in Stage.choices:
        assessment = data["assessments"].get(stage)
        form = forms.get(f"needs_{stage}") or NeedsForm(
            stage=stage,
            prefix=stage,
            initial=(NeedsForm.initial_from(assessment) if assessment else {"assessed_on": today}),
        )
        needs_forms.append({"stage": stage, "label": label, "assessment": assessment, "form": form})
    plan = data["plan"]
    for s in data["planned_services"]:
        s.status_form = forms.get(f"planned_status_{s.pk}") or PlannedStatusForm(
            initial={"status": s.status, "version": s.version},
            auto_id=f"planned-status-{s.pk}-%s",
        )
    for c in data["check_ins"]:  # one form per row, with ids of its own
        c.form = forms.get(f"check_in_{c.pk}") or CheckInForm(
            initial={"done_on": today}, auto_id=f"check-in-{c.pk}-%s"
        )
    for st in data["stays"]:
        st.form = forms.get(f"stay_{st.pk}") or DischargeForm(
            initial={"discharged_on": today}, auto_id=f"stay-{st.pk}-%s"
        )
    delivered_form = forms.get("delivered_form")
    context = {
        "case": case,
        **data,
        "needs_forms": needs_forms,
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"goals": plan.goals} if plan else None),
        "planned_form": forms.get("planned_form")
        or PlannedServiceForm(organization=m.organization),
        "delivered_form": delivered_form or DeliveredServiceForm(initial={"delivered_on": today}),
        "over_limit": bool(delivered_form and "confirm_over_limit" in delivered_form.errors),
        "stay_form": forms.get("stay_form")
        or ShelterStayForm(initial={"admitted_on": today}, organization=m.organization),
        "is_shelter": m.organization.type == Organization.Type.SHELTER,
        "can_schedule": case.status == CaseStatus.CLOSED,
        "error_form": forms.get("error_form"),
    }
    return render(request, "assistance/case.html", context, status=status)


def _case_action(request, m, case, form, save, success, form_name):
    """Run the action through the one shared form mechanism; on error the case page comes
    back with `form` in place of its blank form."""
    return submit(
        request,
        form,
        save,
        success=success,
        done=reverse("assistance_case", args=[case.pk]),
        page=lambda f: _render_case(request, m, case, 400, **{form_name: f}),
    )


def _back(case):
    return redirect("assistance_case", case_id=case.pk)


def _editing(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    return m, case_for(m, case_id)


@login_required
def case_assistance(request, case_id):
    m = member_with(request, Permission.VIEW_CASES)
    case = case_for(m, case_id)
    record_case_view(membership=m, case=case, request=request)
    return _render_case(request, m, case)


@login_required
@require_POST
def needs_save(request, case_id, stage):
    m, case = _editing(request, case_id)
    if stage not in Stage.values:
        return _back(case)
    form = NeedsForm(request.POST, stage=stage, prefix=stage)
    return _case_action(
        request,
        m,
        case,
        form,
        lambda d: services.save_needs_assessment(
            membership=m,
            case=case,
            stage=stage,
            needs=form.needs(),
            assessed_on=d["assessed_on"],
            note=d["note"],
            request=request,
        ),
        _("Needs assessment saved."),
        f"needs_{stage}",
    )


@login_required
@require_POST
def plan_save(request, case_id):
    m, case = _editing(request, case_id)
    return _case_action(
        request,
        m,
        case,
        PlanForm(request.POST),
        lambda d: services.save_service_plan(
            membership=m, case=case, goals=d["goals"], request=request
        ),
        _("Service plan saved."),
        "plan_form",
    )


@login_required
@require_POST
def planned_add(request, case_id):
    m, case = _editing(request, case_id)
    return _case_action(
        request,
        m,
        case,
        PlannedServiceForm(request.POST, organization=m.organization),
        lambda d: services.add_planned_service(membership=m, case=case, data=d, request=request),
        _("Service added to the plan."),
        "planned_form",
    )


def _planned(m, case, service_id):
    return selectors.one_of(
        selectors.planned_services_visible_to(m).filter(plan__case=case), service_id
    )


def _delivered(m, case, service_id):
    return selectors.one_of(
        selectors.delivered_services_visible_to(m).filter(case=case), service_id
    )


@login_required
@require_POST
def planned_status(request, case_id, service_id):
    m, case = _editing(request, case_id)
    service = _planned(m, case, service_id)
    return _case_action(
        request,
        m,
        case,
        PlannedStatusForm(request.POST, auto_id=f"planned-status-{service.pk}-%s"),
        lambda d: services.change_planned_service_status(
            membership=m,
            service=service,
            status=d["status"],
            version=d["version"],
            request=request,
        ),
        _("Status changed."),
        f"planned_status_{service.pk}",
    )


def _edit_page(request, case, service, form, *, title, action, remove, status=200):
    """The edit page of one planned or delivered service, with its remove button."""
    return render(
        request,
        "assistance/service_edit.html",
        {
            "case": case,
            "form": form,
            "title": title,
            "action": action,
            "remove_action": remove[0],
            "remove_label": remove[1],
            "version": service.version,
        },
        status=status,
    )


@login_required
def planned_edit(request, case_id, service_id):
    """Change a planned service on a page of its own (GET shows the form)."""
    m, case = _editing(request, case_id)
    service = _planned(m, case, service_id)
    page = partial(
        _edit_page,
        request,
        case,
        service,
        title=_("Change a planned service"),
        action=reverse("assistance_planned_edit", args=[case.pk, service.pk]),
        remove=(
            reverse("assistance_planned_remove", args=[case.pk, service.pk]),
            _("Take it off the plan"),
        ),
    )
    if request.method != "POST":
        audit.shown(m, [service], request=request)
        return page(
            PlannedServiceEditForm(
                organization=m.organization, initial=PlannedServiceEditForm.initial_from(service)
            )
        )
    return submit(
        request,
        PlannedServiceEditForm(request.POST, organization=m.organization),
        lambda d: services.change_planned_service(
            membership=m, service=service, data=d, version=d["version"], request=request
        ),
        success=_("Planned service changed."),
        done=reverse("assistance_case", args=[case.pk]),
        page=lambda f: page(f, status=400),
    )


@login_required
@require_POST
def planned_remove(request, case_id, service_id):
    m, case = _editing(request, case_id)
    service = _planned(m, case, service_id)
    return _case_action(
        request,
        m,
        case,
        RemoveForm(request.POST),
        lambda d: services.remove_planned_service(
            membership=m, service=service, version=d["version"], request=request
        ),
        _("Service taken off the plan."),
        "error_form",
    )


def _save_delivered(m, case, request, service=None):
    """The save step of the delivered-service forms: over the limit is an error of the
    confirmation box, so the page shows the warning beside it."""

    def save(d):
        data = {k: v for k, v in d.items() if k not in ("confirm_over_limit", "version")}
        try:
            if service is None:
                services.record_delivered_service(
                    membership=m,
                    case=case,
                    data=data,
                    confirm_over_limit=d["confirm_over_limit"],
                    request=request,
                )
            else:
                services.change_delivered_service(
                    membership=m,
                    service=service,
                    data=data,
                    version=d["version"],
                    confirm_over_limit=d["confirm_over_limit"],
                    request=request,
                )
        except services.OverLimit as exc:
            raise ValidationError({"confirm_over_limit": exc.messages})

    return save


@login_required
@require_POST
def delivered_add(request, case_id):
    m, case = _editing(request, case_id)
    return _case_action(
        request,
        m,
        case,
        DeliveredServiceForm(request.POST),
        _save_delivered(m, case, request),
        _("Service recorded."),
        "delivered_form",
    )


@login_required
def delivered_edit(request, case_id, service_id):
    """Correct a service delivered on a page of its own (GET shows the form)."""
    m, case = _editing(request, case_id)
    service = _delivered(m, case, service_id)
    page = partial(
        _edit_page,
        request,
        case,
        service,
        title=_("Correct a service delivered"),
        action=reverse("assistance_delivered_edit", args=[case.pk, service.pk]),
        remove=(
            reverse("assistance_delivered_remove", args=[case.pk, service.pk]),
            _("Remove this service delivered"),
        ),
    )
    if request.method != "POST":
        audit.shown(m, [service], request=request)
        return page(
            DeliveredServiceEditForm(initial=DeliveredServiceEditForm.initial_from(service))
        )
    return submit(
        request,
        DeliveredServiceEditForm(request.POST),
        _save_delivered(m, case, request, service),
        success=_("Service delivered changed."),
        done=reverse("assistance_case", args=[case.pk]),
        page=lambda f: page(f, status=400),
    )


@login_required
@require_POST
def delivered_remove(request, case_id, service_id):
    m, case = _editing(request, case_id)
    service = _delivered(m, case, service_id)
    return _case_action(
        request,
        m,
        case,
        RemoveForm(request.POST),
        lambda d: services.remove_delivered_service(
            membership=m, service=service, version=d["version"], request=request
        ),
        _("Service delivered removed."),
        "error_form",
    )


@login_required
@require_POST
def check_ins_schedule(request, case_id):
    m, case = _editing(request, case_id)
    try:
        created = services.schedule_check_ins(membership=m, case=case, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        n = len(created)
        messages.success(
            request,
            ngettext("%(n)s check-in scheduled.", "%(n)s check-ins scheduled.", n) % {"n": n},
        )
    return _back(case)


@login_required
@require_POST
def check_in_record(request, case_id, check_in_id):
    m, case = _editing(request, case_id)
    check_in = selectors.one_of(selectors.check_ins_visible_to(m).filter(case=case), check_in_id)
    return _case_action(
        request,
        m,
        case,
        CheckInForm(request.POST, auto_id=f"check-in-{check_in.pk}-%s"),
        lambda d: services.record_check_in(
            membership=m,
            check_in=check_in,
            outcome=d["outcome"],
            done_on=d["done_on"],
            note=d["note"],
            request=request,
        ),
        _("Check-in recorded."),
        f"check_in_{check_in.pk}",
    )


@login_required
@require_POST
def stay_add(request, case_id):
    m, case = _editing(request, case_id)
    return _case_action(
        request,
        m,
        case,
        ShelterStayForm(request.POST, organization=m.organization),
        lambda d: services.admit_to_shelter(membership=m, case=case, request=request, **d),
        _("Admission recorded."),
        "stay_form",
    )


@login_required
@require_POST
def stay_discharge(request, case_id, stay_id):
    m, case = _editing(request, case_id)
    stay = selectors.one_of(selectors.shelter_stays_visible_to(m).filter(case=case), stay_id)
    return _case_action(
        request,
        m,
        case,
        DischargeForm(request.POST, auto_id=f"stay-{stay.pk}-%s"),
        lambda d: services.discharge_from_shelter(
            membership=m, stay=stay, discharged_on=d["discharged_on"], request=request
        ),
        _("Discharge recorded."),
        f"stay_{stay.pk}",
    )


@login_required
def my_check_ins(request):
    m = member_with(request, Permission.VIEW_CASES)
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=selectors.CHECK_IN_HORIZON_DAYS)
    rows = [
        {
            "check_in": c,
            "reference": c.case.reference,
            "person_code": Person.code_for(c.case.person_id),
            "overdue": c.due_on < today,
            "due_soon": today <= c.due_on <= soon,
        }
        for c in selectors.my_check_ins(m)
    ]
    audit.shown(m, [r["check_in"] for r in rows], request=request)
    return render(request, "assistance/check_ins.html", {"rows": rows})


@login_required
def shelter(request):
    m = member_with(request, Permission.VIEW_CASES)
    occupancy = selectors.shelter_occupancy(m)
    can_manage = m.can(Permission.MANAGE_ORGANIZATION)
    capacity_form = limit_form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        which = request.POST.get("form")
        if which == "capacity" and occupancy is not None:
            capacity_form = ShelterCapacityForm(request.POST)
            if capacity_form.is_valid():
                services.set_shelter_capacity(
                    membership=m, beds=capacity_form.cleaned_data["beds"], request=request
                )
                messages.success(request, _("Capacity saved."))
                return redirect("assistance_shelter")
        elif which == "limit":
            limit_form = EconomicLimitForm(request.POST)
            if limit_form.is_valid():
                try:
                    services.set_economic_limit(
                        membership=m, request=request, **limit_form.cleaned_data
                    )
                except ValidationError as exc:
                    limit_form.add_error(None, exc)
                else:
                    messages.success(request, _("Limit saved."))
                    return redirect("assistance_shelter")
        status = 400
    if occupancy is not None:
        for r in occupancy["residents"]:
            if "referral_reference" in r:
                r["reference"], r["person_code"] = r["referral_reference"], ""
                continue
            r["reference"] = Case.reference_for(r["case_id"])
            r["person_code"] = Person.code_for(r["person_id"])
        audit.shown(
            m, [r["pk"] for r in occupancy["residents"]], target_type="shelterstay", request=request
        )
    context = {
        "occupancy": occupancy,
        "can_manage": can_manage,
        "capacity_form": capacity_form
        or ShelterCapacityForm(initial={"beds": (occupancy or {}).get("capacity")}),
        "limit_form": limit_form or EconomicLimitForm(),
        "limits": m.organization.economic_limits.order_by("currency"),
    }
    return render(request, "assistance/shelter.html", context, status=status)
