from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.models import Organization
from apps.accounts.roles import Permission
from apps.assistance import services as assistance_services
from apps.assistance.forms import DischargeForm, ReferralAdmissionForm
from apps.assistance.models import ShelterStay
from apps.cases.selectors import case_for
from apps.core.models import AuditEntry
from apps.core.selectors import reference_choices, reference_labels
from apps.people.services import NotAllowed
from apps.referrals import selectors, services
from apps.referrals.forms import DeclineForm, DeliveryForm, DirectorySearchForm, ReferralForm
from apps.referrals.models import ReferralStatus, ServiceType, TargetGroup
from apps.referrals.pdf import referral_form_pdf


@login_required
def inbox(request):
    m = member_with(request, Permission.VIEW_CASES)
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    rows = (
        selectors.referrals_sent(m) if tab == "sent" else selectors.referrals_received(m)
    ).order_by("-sent_at", "-id")[:200]
    notes = list(selectors.notifications_of(m).select_related("referral")[:20])
    unread = [n.pk for n in notes if n.read_at is None]
    response = render(
        request,
        "referrals/inbox.html",
        {
            "tab": tab,
            "rows": rows,
            "notifications": notes,
            "unread": unread,
            "service_labels": dict(ServiceType.choices),
            "decline_form": DeclineForm(),
        },
    )
    services.mark_read(membership=m, notifications=selectors.notifications_of(m))
    return response


@login_required
def directory(request):
    m = member_with(request, Permission.VIEW_CASES)
    form = DirectorySearchForm(request.GET or None, regions=reference_choices("region"))
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.directory_entries(
        q=data.get("q", ""), service=data.get("service", ""), region=data.get("region", "")
    )
    return render(
        request,
        "referrals/directory.html",
        {
            "form": form,
            "entries": entries,
            "membership": m,
            "service_labels": dict(ServiceType.choices),
            "region_labels": reference_labels("region"),
            "language_labels": reference_labels("language"),
            "group_labels": dict(TargetGroup.choices),
            "type_labels": dict(Organization.Type.choices),
        },
    )


@login_required
def referral_new(request):
    m = member_with(request, Permission.EDIT_CASES)
    case = case_for(m, request.GET.get("case"))
    form = ReferralForm(request.POST or None, organization=m.organization)
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


def _referral_for(m, referral_id):
    """(referral, side): the sender sees everything, the receiver the limited view."""
    try:
        return selectors.sent_referral_for(m, referral_id), "sender"
    except Http404:
        return selectors.received_referral_for(m, referral_id), "receiver"


@login_required
def referral_detail(request, referral_id):
    m = member_with(request, Permission.VIEW_CASES)
    referral, side = _referral_for(m, referral_id)
    shared = selectors.shared_view(referral)
    if side == "receiver":
        services.record_shared_view(membership=m, referral=referral, request=request)
    context = {
        "referral": referral,
        "side": side,
        "shared_rows": selectors.shared_rows(referral, shared),
        "service_labels": dict(ServiceType.choices),
        "deliveries": referral.deliveries.all(),
        "delivery_form": DeliveryForm(),
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
        context["admission_form"] = ReferralAdmissionForm(
            initial={"admitted_on": timezone.localdate()}
        )
        context["discharge_form"] = DischargeForm(initial={"discharged_on": timezone.localdate()})
    if side == "sender":
        context["case"] = referral.case
        context["consent_in_force"] = referral.consent.in_force
    return render(request, "referrals/detail.html", context)


@login_required
def referral_pdf(request, referral_id):
    m = member_with(request, Permission.VIEW_CASES)
    referral = selectors.sent_referral_for(m, referral_id)
    if not referral.consent.in_force:
        raise Http404
    lang = request.GET.get("lang", "ru")
    if lang not in ("ky", "ru", "en"):
        lang = "ru"
    shared = selectors.shared_view(referral)
    from django.utils.translation import override

    with override(lang):
        rows = selectors.shared_rows(referral, shared)
    data = referral_form_pdf(referral, rows, lang)
    from apps.core import audit

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


def _act(request, referral_id, action):
    m = member_with(request, Permission.EDIT_CASES)
    try:
        action(m)
    except NotAllowed:
        raise Http404
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    nxt = request.POST.get("next", "")
    if nxt.startswith("/referrals/") and "//" not in nxt:
        return redirect(nxt)
    return redirect("referral_inbox")


@require_POST
@login_required
def referral_accept(request, referral_id):
    def act(m):
        referral = selectors.received_referral_for(m, referral_id, readable=False)
        services.accept_referral(membership=m, referral=referral, request=request)
        messages.success(request, _("Referral accepted."))

    return _act(request, referral_id, act)


@require_POST
@login_required
def referral_decline(request, referral_id):
    def act(m):
        referral = selectors.received_referral_for(m, referral_id, readable=False)
        form = DeclineForm(request.POST)
        services.decline_referral(
            membership=m,
            referral=referral,
            reason=form.data.get("reason", ""),
            request=request,
        )
        messages.success(request, _("Referral declined."))

    return _act(request, referral_id, act)


@require_POST
@login_required
def referral_status(request, referral_id):
    def act(m):
        referral, _side = _referral_for(m, referral_id)
        services.change_status(
            membership=m, referral=referral, status=request.POST.get("status", ""), request=request
        )
        messages.success(request, _("Status changed."))

    return _act(request, referral_id, act)


@require_POST
@login_required
def referral_delivery(request, referral_id):
    def act(m):
        referral = selectors.received_referral_for(m, referral_id)
        form = DeliveryForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a service."))
        services.record_service_delivered(
            membership=m,
            referral=referral,
            service_type=form.cleaned_data["service_type"],
            delivered_on=form.cleaned_data["delivered_on"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, _("Service recorded."))

    return _act(request, referral_id, act)


@require_POST
@login_required
def referral_admit(request, referral_id):
    """The receiving shelter records that the referred person moved in."""

    def act(m):
        referral = selectors.received_referral_for(m, referral_id)
        form = ReferralAdmissionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the date of admission."))
        assistance_services.admit_from_referral(
            membership=m, referral=referral, request=request, **form.cleaned_data
        )
        messages.success(request, _("Admission recorded."))

    return _act(request, referral_id, act)


@require_POST
@login_required
def referral_discharge(request, referral_id):
    def act(m):
        referral = selectors.received_referral_for(m, referral_id)
        form = DischargeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the date of discharge."))
        assistance_services.discharge_from_referral(
            membership=m,
            referral=referral,
            discharged_on=form.cleaned_data["discharged_on"],
            request=request,
        )
        messages.success(request, _("Discharge recorded."))

    return _act(request, referral_id, act)
