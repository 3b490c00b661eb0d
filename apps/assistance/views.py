import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.assistance import selectors, services
from apps.assistance.forms import (
    CheckInForm,
    DeliveredServiceForm,
    DischargeForm,
    EconomicLimitForm,
    NeedsForm,
    PlanForm,
    PlannedServiceForm,
    PlannedStatusForm,
    ShelterCapacityForm,
    ShelterStayForm,
)
from apps.assistance.models import Stage
from apps.cases.models import Case, CaseStatus
from apps.cases.selectors import case_for
from apps.cases.services import record_case_view
from apps.people.models import Person


def _errors_to(form, exc: ValidationError) -> None:
    form.add_error(None, exc)


def _render_case(request, m, case, status=200, **forms):
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
    for c in data["check_ins"]:  # one form per row, with ids of its own
        c.form = CheckInForm(initial={"done_on": today}, auto_id=f"check-in-{c.pk}-%s")
    for st in data["stays"]:
        st.form = DischargeForm(initial={"discharged_on": today}, auto_id=f"stay-{st.pk}-%s")
    context = {
        "case": case,
        **data,
        "needs_forms": needs_forms,
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"goals": plan.goals} if plan else None),
        "planned_form": forms.get("planned_form")
        or PlannedServiceForm(organization=m.organization),
        "planned_status_form": PlannedStatusForm(),
        "delivered_form": forms.get("delivered_form")
        or DeliveredServiceForm(initial={"delivered_on": today}),
        "over_limit": forms.get("over_limit", False),
        "stay_form": forms.get("stay_form") or ShelterStayForm(initial={"admitted_on": today}),
        "can_schedule": case.status == CaseStatus.CLOSED,
        "error_form": forms.get("error_form"),
    }
    return render(request, "assistance/case.html", context, status=status)


def _back(case):
    return redirect("assistance_case", case_id=case.pk)


@login_required
def case_assistance(request, case_id):
    m = member_with(request, Permission.VIEW_CASES)
    case = case_for(m, case_id)
    record_case_view(membership=m, case=case, request=request)
    return _render_case(request, m, case)


@login_required
@require_POST
def needs_save(request, case_id, stage):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    if stage not in Stage.values:
        return _back(case)
    form = NeedsForm(request.POST, stage=stage, prefix=stage)
    if form.is_valid():
        try:
            services.save_needs_assessment(
                membership=m,
                case=case,
                stage=stage,
                needs=form.needs(),
                assessed_on=form.cleaned_data["assessed_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Needs assessment saved."))
            return _back(case)
    return _render_case(request, m, case, 400, **{f"needs_{stage}": form})


@login_required
@require_POST
def plan_save(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        services.save_service_plan(
            membership=m, case=case, goals=form.cleaned_data["goals"], request=request
        )
        messages.success(request, _("Service plan saved."))
        return _back(case)
    return _render_case(request, m, case, 400, plan_form=form)


@login_required
@require_POST
def planned_add(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    form = PlannedServiceForm(request.POST, organization=m.organization)
    if form.is_valid():
        try:
            services.add_planned_service(
                membership=m, case=case, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Service added to the plan."))
            return _back(case)
    return _render_case(request, m, case, 400, planned_form=form)


@login_required
@require_POST
def planned_status(request, case_id, service_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    service = selectors.one_of(
        selectors.planned_services_visible_to(m).filter(plan__case=case), service_id
    )
    form = PlannedStatusForm(request.POST)
    if form.is_valid():
        services.change_planned_service_status(
            membership=m, service=service, status=form.cleaned_data["status"], request=request
        )
        messages.success(request, _("Status changed."))
    return _back(case)


@login_required
@require_POST
def delivered_add(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    form = DeliveredServiceForm(request.POST)
    over_limit = False
    if form.is_valid():
        try:
            services.record_delivered_service(
                membership=m,
                case=case,
                data=form.service_data(),
                confirm_over_limit=form.cleaned_data["confirm_over_limit"],
                request=request,
            )
        except services.OverLimit as exc:
            over_limit = True
            form.add_error("confirm_over_limit", exc)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Service recorded."))
            return _back(case)
    return _render_case(request, m, case, 400, delivered_form=form, over_limit=over_limit)


@login_required
@require_POST
def check_ins_schedule(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
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
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    check_in = selectors.one_of(selectors.check_ins_visible_to(m).filter(case=case), check_in_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        services.record_check_in(
            membership=m,
            check_in=check_in,
            outcome=form.cleaned_data["outcome"],
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Check-in recorded."))
        return _back(case)
    return _render_case(request, m, case, 400, error_form=form)


@login_required
@require_POST
def stay_add(request, case_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    form = ShelterStayForm(request.POST)
    if form.is_valid():
        try:
            services.admit_to_shelter(membership=m, case=case, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Admission recorded."))
            return _back(case)
    return _render_case(request, m, case, 400, stay_form=form)


@login_required
@require_POST
def stay_discharge(request, case_id, stay_id):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, case_id)
    stay = selectors.one_of(selectors.shelter_stays_visible_to(m).filter(case=case), stay_id)
    form = DischargeForm(request.POST)
    if form.is_valid():
        try:
            services.discharge_from_shelter(
                membership=m,
                stay=stay,
                discharged_on=form.cleaned_data["discharged_on"],
                request=request,
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Discharge recorded."))
            return _back(case)
    return _render_case(request, m, case, 400, error_form=form)


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
    context = {
        "occupancy": occupancy,
        "can_manage": can_manage,
        "capacity_form": capacity_form
        or ShelterCapacityForm(initial={"beds": (occupancy or {}).get("capacity")}),
        "limit_form": limit_form or EconomicLimitForm(),
        "limits": m.organization.economic_limits.order_by("currency"),
    }
    return render(request, "assistance/shelter.html", context, status=status)
