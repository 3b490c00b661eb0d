from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.cases.forms import ConsentForm
from apps.cases.selectors import cases_of_person, consents_of_person
from apps.cases.services import record_consent, withdraw_consent
from apps.core import audit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_labels
from apps.people import selectors, services
from apps.people.forms import PersonForm, PersonSearchForm
from apps.referrals.selectors import consent_terms_of
from apps.screening.selectors import screenings_of_person


@login_required
def person_list(request):
    """Search by name in any script, phone or document number; without a query, the
    newest registrations."""
    m = member_with(request, Permission.VIEW_PEOPLE)
    form = PersonSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        people = selectors.search_people(m, query)
    else:
        people = list(selectors.people_visible_to(m).order_by("-created_at", "-id")[:50])
    # The query itself is a name or a number: never written to the audit trail; the ids
    # shown are, and how they were found.
    audit.shown(
        m,
        people,
        target_type="person",
        action=AuditEntry.Action.SEARCH,
        detail={
            "results": len(people),
            "query": bool(query),
            **({"found_by": selectors.match_counts(people)} if query else {}),
        },
        request=request,
    )
    template = "people/_results.html" if request.headers.get("HX-Request") else "people/list.html"
    link_call = request.GET.get("link_call", "")
    return render(
        request,
        template,
        {
            "form": form,
            "people": people,
            "query": query,
            "link_call": int(link_call) if link_call.isdigit() else None,
        },
    )


@login_required
def person_create(request):
    m = member_with(request, Permission.EDIT_PEOPLE)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(membership=m, data=form.person_data(), request=request)
        except services.RegisterNumberTaken as exc:
            form.add_error("external_id", str(exc))
        else:
            messages.success(request, _("Person registered as %(code)s.") % {"code": person.code})
            return redirect("person_detail", person_id=person.pk)
    status = 400 if form.is_bound else 200
    return render(request, "people/form.html", {"form": form, "person": None}, status=status)


@login_required
def person_detail(request, person_id):
    m = member_with(request, Permission.VIEW_PEOPLE)
    person = selectors.person_for(m, person_id)
    # A hidden name is shown only on an explicit request, which the audit entry records.
    reveal = person.hide_name and request.GET.get("reveal") == "1"
    services.record_person_view(membership=m, person=person, request=request, revealed=reveal)
    consents = list(consents_of_person(m, person))
    terms = consent_terms_of(m, consents)
    for consent in consents:  # for whom and for what, beside each consent
        consent.terms = terms.get(consent.pk)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "show_name": not person.hide_name or reveal,
            "cases": cases_of_person(m, person),
            "consents": consents,
            "consent_form": ConsentForm(),
            "screenings": screenings_of_person(m, person),
            "labels": {
                k: reference_labels(k) for k in ("country", "region", "language", "case_type")
            },
            "history": person.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@login_required
def person_edit(request, person_id):
    m = member_with(request, Permission.EDIT_PEOPLE)
    person = selectors.person_for(m, person_id)
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                services.update_person(
                    membership=m,
                    person=person,
                    data=form.person_data(),
                    expected_version=form.cleaned_data["version"] or 0,
                    request=request,
                )
            except services.StaleEdit as exc:
                form.add_error(None, str(exc))
            except services.RegisterNumberTaken as exc:
                form.add_error("external_id", str(exc))
            else:
                messages.success(request, _("Changes saved."))
                return redirect("person_detail", person_id=person.pk)
        status = 409 if form.non_field_errors() else 400
    else:
        form = PersonForm(initial=PersonForm.initial_from(person))
        status = 200
        # The form shows the identity, a hidden name included: audited like a reveal.
        services.record_person_view(
            membership=m, person=person, request=request, revealed=person.hide_name
        )
    return render(request, "people/form.html", {"form": form, "person": person}, status=status)


@login_required
@require_POST
def consent_add(request, person_id):
    m = member_with(request, Permission.EDIT_PEOPLE)
    person = selectors.person_for(m, person_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        record_consent(membership=m, person=person, request=request, **form.cleaned_data)
        messages.success(request, _("Consent recorded."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("person_detail", person_id=person.pk)


@login_required
def consent_withdraw(request, person_id, consent_id):
    """Withdrawing asks first: the page says for whom and for what the consent was given
    and which referrals lose access; only the confirming POST withdraws."""
    m = member_with(request, Permission.EDIT_PEOPLE)
    person = selectors.person_for(m, person_id)
    consent = get_object_or_404(consents_of_person(m, person), pk=consent_id)
    if request.method != "POST" or request.POST.get("confirmed") != "yes":
        return render(
            request,
            "people/consent_withdraw.html",
            {
                "person": person,
                "consent": consent,
                "terms": consent_terms_of(m, [consent]).get(consent.pk),
            },
        )
    try:
        withdraw_consent(membership=m, consent=consent, request=request)
        messages.success(request, _("Consent withdrawn."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("person_detail", person_id=person.pk)


@login_required
def register_import(request):
    from apps.people.register_views import register_import_view

    return register_import_view(request, member_with(request, Permission.IMPORT_REGISTER))


@login_required
def register_export(request, fmt):
    """The organisation's whole person register as CSV or XLSX (organisation admins;
    audited as an export with the count)."""
    from django.http import Http404, HttpResponse

    from apps.people.register_export import FORMATS, export_register

    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    if fmt not in FORMATS:
        raise Http404
    data, _count = export_register(membership=m, fmt=fmt, request=request)
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="people-register.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
