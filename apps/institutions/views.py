from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.form_actions import submit
from apps.core.models import ReferenceValue
from apps.core.selectors import reference_labels
from apps.institutions import selectors, services
from apps.institutions.forms import (
    ChecklistForm,
    InstitutionForm,
    InterviewForm,
    ObservationForm,
    QuestionForm,
    RecommendationForm,
    ResponseForm,
    VisitForm,
)
from apps.institutions.models import ChecklistQuestion, RecommendationStatus


def _member(request):
    return member_with(request, Permission.DOCUMENT_VIOLATIONS)


# Register -----------------------------------------------------------------------------


def _register_page(request, m, form=None, status=200):
    institutions = list(selectors.institutions_visible_to(m))
    regions = reference_labels(ReferenceValue.Kind.REGION)
    for i in institutions:
        i.region_label = regions.get(i.region, i.region)
    return render(
        request,
        "institutions/list.html",
        {"institutions": institutions, "form": form or InstitutionForm()},
        status=status,
    )


@login_required
def institution_list(request):
    m = _member(request)
    if request.method != "POST":
        return _register_page(request, m)
    return submit(
        request,
        InstitutionForm(request.POST),
        lambda d: services.add_institution(
            membership=m, data={k: v for k, v in d.items() if k != "version"}, request=request
        ),
        success=_("Institution added to the register."),
        done=reverse("institutions_list"),
        page=lambda f: _register_page(request, m, f, 400),
    )


def _institution_page(request, m, institution, status=200, **forms):
    visits = list(institution.visits.all())
    today = timezone.localdate()
    context = {
        "institution": institution,
        "region_label": reference_labels(ReferenceValue.Kind.REGION).get(
            institution.region, institution.region
        ),
        "visits": visits,
        "recommendations": list(
            selectors.recommendations_visible_to(m).filter(institution=institution)
        ),
        "edit_form": forms.get("edit_form")
        or InstitutionForm(
            initial={
                **{k: getattr(institution, k) for k in services.INSTITUTION_FIELDS},
                "version": institution.version,
            }
        ),
        "visit_form": forms.get("visit_form") or VisitForm(initial={"visited_on": today}),
    }
    audit.shown(m, visits, request=request)
    return render(request, "institutions/institution.html", context, status=status)


@login_required
def institution_detail(request, institution_id):
    m = _member(request)
    institution = selectors.one_of(selectors.institutions_visible_to(m), institution_id)
    return _institution_page(request, m, institution)


@login_required
@require_POST
def institution_edit(request, institution_id):
    m = _member(request)
    institution = selectors.one_of(selectors.institutions_visible_to(m), institution_id)
    return submit(
        request,
        InstitutionForm(request.POST),
        lambda d: services.change_institution(
            membership=m,
            institution=institution,
            data=d,
            version=d["version"],
            request=request,
        ),
        success=_("Institution changed."),
        done=reverse("institutions_detail", args=[institution.pk]),
        page=lambda f: _institution_page(request, m, institution, 400, edit_form=f),
    )


@login_required
@require_POST
def visit_add(request, institution_id):
    m = _member(request)
    institution = selectors.one_of(selectors.institutions_visible_to(m), institution_id)
    created = {}

    def save(d):
        created["visit"] = services.record_visit(
            membership=m, institution=institution, data=d, request=request
        )

    response = submit(
        request,
        VisitForm(request.POST),
        save,
        success=_("Visit recorded."),
        done=reverse("institutions_detail", args=[institution.pk]),
        page=lambda f: _institution_page(request, m, institution, 400, visit_form=f),
    )
    if "visit" in created:
        response["Location"] = reverse("institutions_visit", args=[created["visit"].pk])
    return response


# Visits -------------------------------------------------------------------------------


def _recommendation_form(m, data=None, **kwargs):
    return RecommendationForm(
        data, recommendations=selectors.recommendations_visible_to(m), **kwargs
    )


def _visit_page(request, m, visit, status=200, **forms):
    data = selectors.visit_detail(m, visit)
    today = timezone.localdate()
    context = {
        **data,
        "observation_form": forms.get("observation_form") or ObservationForm(),
        "interview_form": forms.get("interview_form") or InterviewForm(),
        "checklist_form": forms.get("checklist_form") or ChecklistForm(questions=data["checklist"]),
        "recommendation_form": forms.get("recommendation_form")
        or _recommendation_form(m, initial={"made_on": today, "kind": "post_visit"}),
    }
    audit.shown(m, [visit], request=request)
    audit.shown(m, data["people"], target_type="person", request=request)
    return render(request, "institutions/visit.html", context, status=status)


def _visit(m, visit_id):
    return selectors.one_of(selectors.visits_visible_to(m).select_related("institution"), visit_id)


@login_required
def visit_detail(request, visit_id):
    m = _member(request)
    return _visit_page(request, m, _visit(m, visit_id))


def _visit_action(request, visit_id, form, save, success, name):
    m = _member(request)
    visit = _visit(m, visit_id)
    form = form(m, visit)
    return submit(
        request,
        form,
        lambda d: save(m, visit, d),
        success=success,
        done=reverse("institutions_visit", args=[visit.pk]),
        page=lambda f: _visit_page(request, m, visit, 400, **{name: f}),
    )


@login_required
@require_POST
def observation_add(request, visit_id):
    return _visit_action(
        request,
        visit_id,
        lambda m, v: ObservationForm(request.POST),
        lambda m, v, d: services.add_observation(
            membership=m, visit=v, topic=d["topic"], text=d["text"], request=request
        ),
        _("Observation recorded."),
        "observation_form",
    )


@login_required
@require_POST
def interview_add(request, visit_id):
    return _visit_action(
        request,
        visit_id,
        lambda m, v: InterviewForm(request.POST),
        lambda m, v, d: services.add_interview(membership=m, visit=v, data=d, request=request),
        _("Interview recorded."),
        "interview_form",
    )


@login_required
@require_POST
def checklist_save(request, visit_id):
    return _visit_action(
        request,
        visit_id,
        lambda m, v: ChecklistForm(request.POST, questions=selectors.checklist_for(m, v)),
        lambda m, v, d: services.save_checklist(
            membership=m, visit=v, answers=_checklist_answers(d, m, v), request=request
        ),
        _("Checklist saved."),
        "checklist_form",
    )


def _checklist_answers(cleaned, m, visit) -> dict:
    form = ChecklistForm(questions=selectors.checklist_for(m, visit))
    form.cleaned_data = cleaned
    return form.answers()


@login_required
@require_POST
def visit_recommendation_add(request, visit_id):
    return _visit_action(
        request,
        visit_id,
        lambda m, v: _recommendation_form(m, request.POST),
        lambda m, v, d: services.add_recommendation(
            membership=m, data={**d, "visit": v}, request=request
        ),
        _("Recommendation recorded."),
        "recommendation_form",
    )


# Recommendations ----------------------------------------------------------------------


@login_required
def recommendation_list(request):
    m = _member(request)
    if request.method == "POST":
        return submit(
            request,
            _recommendation_form(m, request.POST),
            lambda d: services.add_recommendation(membership=m, data=d, request=request),
            success=_("Recommendation recorded."),
            done=reverse("institutions_recommendations"),
            page=lambda f: _recommendations_page(request, m, f, 400),
        )
    return _recommendations_page(request, m)


def _recommendations_page(request, m, form=None, status=200):
    rows = list(
        selectors.recommendations_visible_to(m).select_related("institution", "repeats")[:300]
    )
    audit.shown(m, rows, request=request)
    return render(
        request,
        "institutions/recommendations.html",
        {
            "rows": rows,
            "repeated": selectors.repeated_unimplemented(m),
            "form": form
            or _recommendation_form(
                m, initial={"made_on": timezone.localdate(), "kind": "thematic"}
            ),
            "statuses": RecommendationStatus,
        },
        status=status,
    )


def _recommendation_page(request, m, rec, form=None, status=200):
    audit.shown(m, [rec], request=request)
    return render(
        request,
        "institutions/recommendation.html",
        {
            "rec": rec,
            "updates": list(rec.updates.all()),
            "repeated_by": list(rec.repeated_by.all()),
            "form": form or ResponseForm(initial={"on": timezone.localdate()}),
        },
        status=status,
    )


@login_required
def recommendation_detail(request, recommendation_id):
    m = _member(request)
    rec = selectors.one_of(
        selectors.recommendations_visible_to(m).select_related("institution", "visit", "repeats"),
        recommendation_id,
    )
    if request.method != "POST":
        return _recommendation_page(request, m, rec)
    return submit(
        request,
        ResponseForm(request.POST),
        lambda d: services.record_response(
            membership=m, recommendation=rec, data=d, request=request
        ),
        success=_("Response recorded."),
        done=reverse("institutions_recommendation", args=[rec.pk]),
        page=lambda f: _recommendation_page(request, m, rec, f, 400),
    )


# Checklists ---------------------------------------------------------------------------


@login_required
def checklist_questions(request):
    m = _member(request)

    def page(form=None, status=200):
        questions = ChecklistQuestion.objects.filter(organization_id=m.organization_id)
        return render(
            request,
            "institutions/checklist.html",
            {"questions": questions, "form": form or QuestionForm()},
            status=status,
        )

    if request.method != "POST":
        return page()
    return submit(
        request,
        QuestionForm(request.POST),
        lambda d: services.add_checklist_question(membership=m, data=d, request=request),
        success=_("Question added to the checklist."),
        done=reverse("institutions_checklist"),
        page=lambda f: page(f, 400),
    )
