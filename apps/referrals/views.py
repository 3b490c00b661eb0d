from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance import services as assistance_services
from apps.assistance.forms import DischargeForm, ReferralAdmissionForm
from apps.assistance.models import ServiceType, ShelterStay
from apps.cases.selectors import case_for
from apps.core import audit
from apps.core.form_actions import submit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_choices, reference_labels
from apps.referrals import selectors, services
from apps.referrals.forms import (
    AcceptForm,
    DeclineForm,
    DeliveryForm,
    DirectoryEntryForm,
    DirectorySearchForm,
    PartnerAnswerForm,
    ReferralForm,
    ServiceRows,
    StatusForm,
)
from apps.referrals.models import ReferralStatus, TargetGroup
from apps.referrals.pdf import referral_form_pdf


def _render_inbox(request, m, status=200, *, tab=None, row_form=None, row_for=None):
    """The inbox; after a refused accept or decline, with that referral's bound form."""
    tab = tab or ("sent" if request.GET.get("tab") == "sent" else "received")
    rows = (
        selectors.referrals_sent(m) if tab == "sent" else selectors.referrals_received(m)
    ).order_by("-sent_at", "-id")[:200]
    rows = list(rows)
    # After the person withdrew (or the consent ran out), the receiver's row says so and
    # nothing else: no link to a page that would answer 404, no services, no sender.
    gone = {r.pk for r in rows if tab == "received" and selectors.receiver_consent_gone(r)}
    audit.shown(m, [r for r in rows if r.pk not in gone], target_type="referral", request=request)
    notes = list(selectors.notifications_of(m).select_related("referral__consent")[:20])
    unread = [n.pk for n in notes if n.read_at is None]
    gone |= {
        n.referral_id
        for n in notes
        if n.referral.to_organization_id == m.organization_id
        and selectors.receiver_consent_gone(n.referral)
    }
    response = render(
        request,
        "referrals/inbox.html",
        {
            "tab": tab,
            "rows": rows,
            "consent_gone": gone,
            "notifications": notes,
            "unread": unread,
            "service_labels": dict(ServiceType.choices),
            # A refused accept or decline: its form, with errors and the typed reason.
            "row_form": row_form,
            "row_for": row_for,
        },
        status=status,
    )
    services.mark_read(membership=m, notifications=selectors.notifications_of(m))
    return response


@login_required
def inbox(request):
    m = member_with(request, Permission.VIEW_CASES)
    return _render_inbox(request, m)


@login_required
def directory(request):
    m = member_with(request, Permission.VIEW_CASES)
    form = DirectorySearchForm(request.GET or None, regions=reference_choices("region"))
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.with_beds_free(
        selectors.directory_entries(
            q=data.get("q", ""), service=data.get("service", ""), region=data.get("region", "")
        )
    )
    if data.get("beds_free"):
        entries = [e for e in entries if e.beds_free]
    return render(
        request,
        "referrals/directory.html",
        {
            "form": form,
            "entries": entries,
            "membership": m,
            "own_entry": selectors.own_directory_entry(m),
            "can_edit_entry": m.can(Permission.MANAGE_ORGANIZATION),
            "service_labels": dict(ServiceType.choices),
            "region_labels": reference_labels("region"),
            "language_labels": reference_labels("language"),
            "group_labels": dict(TargetGroup.choices),
            "type_labels": dict(Organization.Type.choices),
        },
    )


def _entry_page(request, entry, form, rows, status=200):
    return render(
        request,
        "referrals/entry_edit.html",
        {
            "entry": entry,
            "form": form,
            "rows": rows,
            "is_shelter": request.membership.organization.type == Organization.Type.SHELTER,
        },
        status=status,
    )


def _entry_forms(data=None, initial=None, offered=()):
    form = DirectoryEntryForm(
        data,
        initial=initial,
        regions=reference_choices("region"),
        languages=reference_choices("language"),
    )
    rows = ServiceRows(
        data,
        prefix="services",
        initial=[
            {"service_type": s.service_type, "capacity": s.capacity, "note": s.note}
            for s in offered
        ],
    )
    return form, rows


@login_required
def directory_entry_ours(request):
    """The organisation's own entry: to its edit page, or a blank one to create it."""
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    entry = selectors.own_directory_entry(m)
    if entry is not None:
        return redirect("directory_entry_edit", entry.pk)
    return _directory_entry_form(request, m, None)


@login_required
def directory_entry_edit(request, entry_id):
    m = member_with(request, Permission.MANAGE_ORGANIZATION)
    return _directory_entry_form(request, m, selectors.directory_entry_to_edit(m, entry_id))


def _directory_entry_form(request, m, entry):
    org = m.organization
    if request.method != "POST":
        if entry is not None:
            initial, offered = DirectoryEntryForm.initial_from(entry), entry.services.all()
        else:
            initial = {
                "name": org.name,
                "org_type": org.type,
                "regions": [org.region] if org.region else [],
                "languages": org.languages,
            }
            offered = ()
        form, rows = _entry_forms(initial=initial, offered=offered)
        return _entry_page(request, entry, form, rows)
    form, rows = _entry_forms(request.POST)

    def save(d):
        if not rows.is_valid():
            raise ValidationError(_("Check the services offered."))
        services.save_directory_entry(
            membership=m,
            entry=entry,
            data=d,
            services=rows.rows(),
            version=d.get("version"),
            request=request,
        )

    return submit(
        request,
        form,
        save,
        success=_("Directory entry saved."),
        done=reverse("referral_directory"),
        page=lambda f: _entry_page(request, entry, f, rows, 400),
    )


@login_required
def referral_new(request):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, request.GET.get("case"))
    form = ReferralForm(
        request.POST or None,
        organization=m.organization,
        initial={"needs_requested": _needed(m, case)},
    )
    missing = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            referral = services.create_referral(
                membership=m,
                case=case,
                services=d["services"],
                shared_fields=d["shared_fields"],
                to_organization=d["to_organization"],
                to_entry=d["to_entry"],
                consent_valid_until=d["consent_valid_until"],
                purpose=d["purpose"],
                message=d["message"],
                needs=d["needs"],
                urgency=d["urgency"],
                needs_requested=d["needs_requested"],
                special_needs=d["special_needs"],
                confirm_unlisted=d["confirm_unlisted"],
                request=request,
            )
        except services.UnlistedServices as exc:
            missing = exc.missing
            form.add_error("confirm_unlisted", exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Referral sent."))
            return redirect("referral_detail", referral.pk)
    return render(
        request,
        "referrals/new.html",
        {"form": form, "case": case, "missing": missing},
    )


def _needed(m, case) -> list[str]:
    """What the case's needs assessments mark as needed: the form's first guess at the
    needs a referral asks for."""
    from apps.assistance.models import NeedStatus
    from apps.assistance.selectors import needs_assessments_visible_to

    out: list[str] = []
    for needs in needs_assessments_visible_to(m).filter(case=case).values_list("needs", flat=True):
        out += [c for c, status in (needs or {}).items() if status == NeedStatus.NEEDED]
    return list(dict.fromkeys(out))


def _referral_for(m, referral_id):
    """(referral, side): the sender sees everything, the receiver the limited view."""
    try:
        return selectors.sent_referral_for(m, referral_id), "sender"
    except Http404:
        return selectors.received_referral_for(m, referral_id), "receiver"


def _render_detail(request, m, referral, side, status=200, **forms):
    """The referral page; `forms` replaces a blank action form with the bound one that
    failed (delivery_form, admission_form, discharge_form, status_form)."""
    shared = selectors.shared_view(referral)
    if side == "receiver":
        services.record_shared_view(membership=m, referral=referral, request=request)
    else:  # the sender's page shows the case and what is shared of the person
        audit.shown(m, [referral], request=request, detail={"side": "sender"})
    today = timezone.localdate()
    context = {
        "referral": referral,
        "side": side,
        "shared_rows": selectors.shared_rows(referral, shared),
        "service_labels": dict(ServiceType.choices),
        "deliveries": referral.deliveries.all(),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(),
        "status_form": forms.get("status_form"),
        "answer_form": forms.get("answer_form") or PartnerAnswerForm(),
        "Status": ReferralStatus,
        "languages": [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")],
    }
    if side == "receiver" and m.organization.type == Organization.Type.SHELTER:
        context["shelter_stay"] = (
            ShelterStay.objects.filter(
                referral=referral, shelter_id=m.organization_id, discharged_on__isnull=True
            )
            .only("admitted_on", "bed_label")
            .first()
        )
        context["admission_form"] = forms.get("admission_form") or ReferralAdmissionForm(
            initial={"admitted_on": today}
        )
        context["discharge_form"] = forms.get("discharge_form") or DischargeForm(
            initial={"discharged_on": today}
        )
    if side == "sender":
        context["case"] = referral.case
        context["consent_in_force"] = referral.consent.in_force
    return render(request, "referrals/detail.html", context, status=status)


@login_required
def referral_detail(request, referral_id):
    m = member_with(request, Permission.VIEW_CASES)
    referral, side = _referral_for(m, referral_id)
    return _render_detail(request, m, referral, side)


@login_required
def referral_summary(request, referral_id):
    """Before answering, the receiver reads a summary without identity (sex, age band,
    services and needs asked for, urgency, languages, special needs) and accepts or
    declines here."""
    m = member_with(request, Permission.VIEW_CASES)
    referral = selectors.summary_referral_for(m, referral_id)
    services.record_summary_view(membership=m, referral=referral, request=request)
    return _render_summary(request, m, referral)


def _render_summary(request, m, referral, status=200, decline_form=None):
    return render(
        request,
        "referrals/summary.html",
        {
            "referral": referral,
            "summary": selectors.referral_summary(referral),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@login_required
def referral_pdf(request, referral_id):
    m = member_with(request, Permission.VIEW_CASES)
    referral = selectors.sent_referral_for(m, referral_id)
    if selectors.sender_share_refusal(referral):
        raise Http404
    lang = request.GET.get("lang", "ru")
    if lang not in ("ky", "ru", "en"):
        lang = "ru"
    shared = selectors.shared_view(referral)
    from django.utils.translation import override

    with override(lang):
        rows = selectors.shared_rows(referral, shared)
    data = referral_form_pdf(referral, rows, lang)
    audit.by_member(
        AuditEntry.Action.EXPORT,
        m,
        referral,
        request,
        {"form": "pdf", "lang": lang, "shared_fields": list(shared)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{referral.reference}.pdf"'
    return response


def _next(request) -> str:
    nxt = request.POST.get("next", "")
    if nxt.startswith("/referrals/") and "//" not in nxt:
        return nxt
    return reverse("referral_inbox")


def _on_detail(request, m, referral, side, form, save, success, form_name):
    """A referral page action through the one shared form mechanism (see
    apps.core.form_actions): on error, the referral page with the bound form."""
    return submit(
        request,
        form,
        save,
        success=success,
        done=_next(request),
        page=lambda f: _render_detail(request, m, referral, side, 400, **{form_name: f}),
    )


def _on_inbox(request, m, referral, form, save, success):
    """An inbox action (accept, decline): on error, the inbox with the referral's form."""
    return submit(
        request,
        form,
        save,
        success=success,
        done=_next(request),
        page=lambda f: _render_inbox(
            request, m, 400, tab="received", row_form=f, row_for=referral.pk
        ),
    )


def _editor(request, referral_id, *, readable=True):
    m = member_with(request, Permission.EDIT_CASES)
    return m, selectors.received_referral_for(m, referral_id, readable=readable)


@require_POST
@login_required
def referral_accept(request, referral_id):
    m, referral = _editor(request, referral_id, readable=False)
    return _on_inbox(
        request,
        m,
        referral,
        AcceptForm(request.POST),
        lambda d: services.accept_referral(membership=m, referral=referral, request=request),
        _("Referral accepted."),
    )


@require_POST
@login_required
def referral_decline(request, referral_id):
    m, referral = _editor(request, referral_id, readable=False)
    return _on_inbox(
        request,
        m,
        referral,
        DeclineForm(request.POST),
        lambda d: services.decline_referral(
            membership=m, referral=referral, reason=d["reason"], request=request
        ),
        _("Referral declined."),
    )


@require_POST
@login_required
def referral_status(request, referral_id):
    m = member_with(request, Permission.EDIT_CASES)
    referral, side = _referral_for(m, referral_id)
    return _on_detail(
        request,
        m,
        referral,
        side,
        StatusForm(request.POST),
        lambda d: services.change_status(
            membership=m, referral=referral, status=d["status"], request=request
        ),
        _("Status changed."),
        "status_form",
    )


@require_POST
@login_required
def referral_delivery(request, referral_id):
    """The receiver reports a service; the sender records one a partner outside Koldoo
    delivered (the service decides who may)."""
    m = member_with(request, Permission.EDIT_CASES)
    referral, side = _referral_for(m, referral_id)
    return _on_detail(
        request,
        m,
        referral,
        side,
        DeliveryForm(request.POST),
        lambda d: services.record_service_delivered(
            membership=m,
            referral=referral,
            service_type=d["service_type"],
            delivered_on=d["delivered_on"],
            note=d["note"],
            request=request,
        ),
        _("Service recorded."),
        "delivery_form",
    )


@require_POST
@login_required
def referral_answer(request, referral_id):
    """The sender records the answer of a partner outside Koldoo."""
    m = member_with(request, Permission.EDIT_CASES)
    referral = selectors.sent_referral_for(m, referral_id)
    return _on_detail(
        request,
        m,
        referral,
        "sender",
        PartnerAnswerForm(request.POST),
        lambda d: services.record_partner_answer(
            membership=m, referral=referral, status=d["status"], reason=d["reason"], request=request
        ),
        _("Answer recorded."),
        "answer_form",
    )


@require_POST
@login_required
def referral_admit(request, referral_id):
    """The receiving shelter records that the referred person moved in."""
    m, referral = _editor(request, referral_id)
    return _on_detail(
        request,
        m,
        referral,
        "receiver",
        ReferralAdmissionForm(request.POST),
        lambda d: assistance_services.admit_from_referral(
            membership=m, referral=referral, request=request, **d
        ),
        _("Admission recorded."),
        "admission_form",
    )


@require_POST
@login_required
def referral_discharge(request, referral_id):
    m, referral = _editor(request, referral_id)
    return _on_detail(
        request,
        m,
        referral,
        "receiver",
        DischargeForm(request.POST),
        lambda d: assistance_services.discharge_from_referral(
            membership=m, referral=referral, discharged_on=d["discharged_on"], request=request
        ),
        _("Discharge recorded."),
        "discharge_form",
    )
