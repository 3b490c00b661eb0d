"""The agency register: list, quick look-up beside the intake form, and editing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core import audit
from apps.core.form_actions import add_service_error, submit
from apps.core.models import AuditEntry
from apps.core.selectors import reference_choices, reference_labels
from apps.core.widgets import LocalDateInput
from apps.monitoring import alerts, risk, selectors, services
from apps.monitoring.models import (
    AgencyContact,
    AgencyReport,
    JobAdStatus,
    LicenceStatus,
    RiskBand,
    SourceType,
)
from apps.people.services import NotAllowed

LOOKUP_LIMIT = 10


class AgencyForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("organisation", "Name"), max_length=200)
    other_names = forms.CharField(
        label=gettext_lazy("Other names and spellings"),
        max_length=400,
        required=False,
        help_text=gettext_lazy("For example the name in Russian or Kyrgyz, or a former name."),
    )
    licence_number = forms.CharField(
        label=gettext_lazy("Licence number"), max_length=60, required=False
    )
    licence_status = forms.ChoiceField(
        label=gettext_lazy("Licence"), choices=LicenceStatus.choices, initial=LicenceStatus.UNKNOWN
    )
    licence_valid_until = forms.DateField(
        label=gettext_lazy("Licence valid until"),
        required=False,
        widget=LocalDateInput(),
    )
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries it sends people to"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=60, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = reference_choices("country")

    @staticmethod
    def initial_from(agency) -> dict:
        return {k: getattr(agency, k) for k in services.AGENCY_FIELDS}

    def agency_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in services.AGENCY_FIELDS}


class AgencyReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=AgencyReport.Kind.choices, initial="comment"
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=services.REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_on = forms.DateField(
        label=gettext_lazy("Date of the events (for a complaint)"),
        required=False,
        widget=LocalDateInput(),
    )


def _reader(request):
    m = request.membership
    if not selectors.can_read_agencies(m):
        raise PermissionDenied
    return m


def _context(**extra):
    return {
        "country_labels": reference_labels("country"),
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def agency_list(request):
    m = _reader(request)
    filters = {
        "q": request.GET.get("q", "").strip()[:200],
        "status": request.GET.get("status", "").strip(),
    }
    if filters["status"] not in LicenceStatus.values:
        filters["status"] = ""
    agencies = selectors.agencies_for(m, filters["q"], status=filters["status"])
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/agency_list.html",
        _context(
            page=page,
            filters=filters,
            statuses=LicenceStatus.choices,
            can_edit=m.can(Permission.EDIT_AGENCIES),
        ),
    )


@login_required
def agency_lookup(request):
    """Agencies matching a name (any script) or licence number: an htmx fragment."""
    m = _reader(request)
    query = request.GET.get("q", "").strip()[:200]
    agencies = []
    more = False
    if len(query) >= 2:
        found = list(selectors.agencies_for(m, query)[: LOOKUP_LIMIT + 1])
        agencies, more = found[:LOOKUP_LIMIT], len(found) > LOOKUP_LIMIT
    return render(
        request,
        "monitoring/_agency_results.html",
        _context(query=query, agencies=agencies, more=more),
    )


def _agency_form(request, m, agency=None):
    if request.method == "POST":
        form = AgencyForm(request.POST)
        if form.is_valid():
            try:
                agency = services.save_agency(
                    membership=m, data=form.agency_data(), agency=agency, request=request
                )
            except NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Agency %(name)s saved.") % {"name": agency.name})
                return redirect("agency_list")
        status = 400
    else:
        form = AgencyForm(initial=AgencyForm.initial_from(agency) if agency else None)
        status = 200
    return render(
        request, "monitoring/agency_form.html", {"form": form, "agency": agency}, status=status
    )


@login_required
def agency_new(request):
    m = member_with(request, Permission.EDIT_AGENCIES)
    return _agency_form(request, m)


@login_required
def agency_edit(request, agency_id):
    m = member_with(request, Permission.EDIT_AGENCIES)
    agency = selectors.agency_for(m, agency_id)
    if not services.may_edit_agency(m, agency):
        raise PermissionDenied
    return _agency_form(request, m, agency)


def _render_detail(request, m, agency, report_form=None, status=200, contact_form=None,
                   link_form=None, contact_edit=None):  # fmt: skip
    can_edit_entry = services.may_edit_agency(m, agency)
    can_link = m.can(Permission.VIEW_CASES)
    contacts = list(selectors.agency_contacts(m, agency))
    if can_edit_entry:  # one correction form per contact, ids of its own
        for c in contacts:
            c.edit_form = (
                contact_edit[1]
                if contact_edit and contact_edit[0] == c.pk
                else AgencyContactEditForm(
                    initial={"kind": c.kind, "value": c.value, "official": c.official,
                             "seen": services.contact_fingerprint(c)},
                    auto_id=f"contact-{c.pk}-%s",
                )
            )  # fmt: skip
    return render(
        request,
        "monitoring/agency_detail.html",
        _context(
            agency=agency,
            history=selectors.agency_status_history(m, agency),
            reports=selectors.agency_reports(m, agency),
            report_form=report_form or AgencyReportForm(),
            can_edit_entry=can_edit_entry,
            contacts=contacts,
            contact_form=(contact_form or AgencyContactForm()) if can_edit_entry else None,
            links=selectors.agency_links(m, agency),
            link_count=selectors.agency_link_count(m, agency),
            link_form=(link_form or AgencyLinkForm()) if can_link else None,
            alerts=alerts.alerts_for_agency(m, agency),
            job_ads=selectors.job_ads_for(m, agency_id=agency.pk)[:20],
        ),
        status=status,
    )


@login_required
def agency_detail(request, agency_id):
    """An agency with its licence status history and the network's reports on it."""
    m = _reader(request)
    return _render_detail(request, m, selectors.agency_for(m, agency_id))


@login_required
def agency_report_add(request, agency_id):
    m = _reader(request)
    agency = selectors.agency_for(m, agency_id)
    if request.method != "POST":
        return redirect("agency_detail", agency_id=agency.pk)
    form = AgencyReportForm(request.POST)
    if form.is_valid():
        try:
            services.add_agency_report(
                membership=m,
                agency=agency,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                occurred_on=form.cleaned_data.get("occurred_on"),
                request=request,
            )
        except NotAllowed:
            raise PermissionDenied
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Added to the agency's page."))
            return redirect("agency_detail", agency_id=agency.pk)
    return _render_detail(request, m, agency, report_form=form, status=400)


class AgencyContactForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AgencyContact.Kind.choices)
    value = forms.CharField(
        label=gettext_lazy("Address, number or account"), max_length=services.CONTACT_MAX_LENGTH
    )
    official = forms.BooleanField(
        label=gettext_lazy("Official (licence register or the agency's own site): shown publicly"),
        required=False,
    )


class AgencyContactEditForm(AgencyContactForm):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


class AgencyLinkForm(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Case number"), min_value=1)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


def _owned_agency(request, agency_id):
    m = member_with(request, Permission.EDIT_AGENCIES)
    agency = selectors.agency_for(m, agency_id)
    if not services.may_edit_agency(m, agency):
        raise PermissionDenied
    return m, agency


@login_required
def agency_contact_add(request, agency_id):
    m, agency = _owned_agency(request, agency_id)
    if request.method != "POST":
        return redirect("agency_detail", agency_id=agency.pk)
    form = AgencyContactForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.add_agency_contact(membership=m, agency=agency, request=request, **d),
        success=_("Contact added."),
        done=reverse("agency_detail", args=[agency.pk]),
        page=lambda f: _render_detail(request, m, agency, contact_form=f, status=400),
    )


def _owned_contact(request, agency_id, contact_id):
    m, agency = _owned_agency(request, agency_id)
    contact = get_object_or_404(AgencyContact, pk=contact_id, agency=agency)
    return m, agency, contact


@login_required
@require_POST
def agency_contact_edit(request, agency_id, contact_id):
    m, agency, contact = _owned_contact(request, agency_id, contact_id)
    form = AgencyContactEditForm(request.POST, auto_id=f"contact-{contact.pk}-%s")
    return submit(
        request,
        form,
        lambda d: services.change_agency_contact(
            membership=m,
            contact=contact,
            kind=d["kind"],
            value=d["value"],
            official=d["official"],
            seen=d["seen"] or None,
            request=request,
        ),  # fmt: skip
        success=_("Contact corrected."),
        done=reverse("agency_detail", args=[agency.pk]),
        page=lambda f: _render_detail(request, m, agency, contact_edit=(contact.pk, f), status=400),
    )


@login_required
@require_POST
def agency_contact_delete(request, agency_id, contact_id):
    m, agency, contact = _owned_contact(request, agency_id, contact_id)
    try:
        services.delete_agency_contact(membership=m, contact=contact, request=request)
    except NotAllowed:
        raise PermissionDenied
    messages.success(request, _("Contact removed."))
    return redirect("agency_detail", agency_id=agency.pk)


@login_required
def agency_link_add(request, agency_id):
    """Link the agency to a case of the member's organisation (seen by it alone)."""
    m = _reader(request)
    if not m.can(Permission.VIEW_CASES):
        raise PermissionDenied
    agency = selectors.agency_for(m, agency_id)
    if request.method != "POST":
        return redirect("agency_detail", agency_id=agency.pk)
    form = AgencyLinkForm(request.POST)

    def save(d):
        from apps.cases.selectors import cases_visible_to

        case = cases_visible_to(m).filter(pk=d["case"]).first()
        if case is None:
            raise ValidationError({"case": _("No such case in your organisation.")})
        services.link_agency_to_case(
            membership=m, agency=agency, case=case, note=d["note"], request=request
        )

    return submit(
        request,
        form,
        save,
        success=_("Agency linked to the case."),
        done=reverse("agency_detail", args=[agency.pk]),
        page=lambda f: _render_detail(request, m, agency, link_form=f, status=400),
    )


# Job advertisements ------------------------------------------------------------------


class MultiLineListField(forms.CharField):
    """One value a line (phones, payment details)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [v.strip() for v in (value or "").splitlines() if v.strip()]


class JobAdForm(forms.Form):
    source_type = forms.ChoiceField(label=gettext_lazy("Source"), choices=SourceType.choices)
    source_name = forms.CharField(
        label=gettext_lazy("Where it was seen"), max_length=200, required=False,
        help_text=gettext_lazy("Newspaper, site, group or channel name."),
    )  # fmt: skip
    captured_on = forms.DateField(label=gettext_lazy("Captured on"), widget=LocalDateInput())
    text = forms.CharField(
        label=gettext_lazy("Text of the advertisement"), required=False,
        max_length=services.TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    archive = forms.FileField(
        label=gettext_lazy("Archived copy (screenshot, PDF; at most 10 MB)"), required=False
    )
    promised_job = forms.CharField(label=gettext_lazy("Promised job"), max_length=200,
                                   required=False)  # fmt: skip
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    pay = forms.CharField(label=gettext_lazy("Pay promised"), max_length=120, required=False)
    conditions = forms.CharField(
        label=gettext_lazy("Conditions"), required=False, max_length=services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    phones = MultiLineListField(label=gettext_lazy("Phones (one a line)"), required=False)
    payment_details = MultiLineListField(
        label=gettext_lazy("Payment details: cards, accounts, wallets (one a line)"),
        required=False,
    )
    agency = forms.IntegerField(
        label=gettext_lazy("Agency number in the register"), required=False, min_value=1
    )
    red_flags = forms.MultipleChoiceField(
        label=gettext_lazy("Red flags"),
        choices=risk.flag_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *reference_choices("country")]

    @staticmethod
    def initial_from(job_ad) -> dict:
        data = {k: getattr(job_ad, k) for k in services.JOB_AD_FIELDS}
        data["agency"] = job_ad.agency_id
        return data

    def job_ad_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in services.JOB_AD_FIELDS}


class JobAdStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=JobAdStatus.choices)
    case = forms.IntegerField(
        label=gettext_lazy("Case number (to link the advertisement to a case)"),
        required=False,
        min_value=1,
    )


@login_required
def job_ad_list(request):
    m = member_with(request, Permission.EDIT_AGENCIES)
    filters = {
        "status": request.GET.get("status", "") if request.GET.get("status") in JobAdStatus.values else "",
        "band": request.GET.get("band", "") if request.GET.get("band") in RiskBand.values else "",
    }  # fmt: skip
    page = Paginator(selectors.job_ads_for(m, **filters), 50).get_page(request.GET.get("page"))
    audit.shown(m, page.object_list, request=request)
    return render(
        request,
        "monitoring/job_ad_list.html",
        _context(
            page=page, filters=filters, statuses=JobAdStatus.choices, bands=RiskBand.choices
        ),  # fmt: skip
    )


def _job_ad_form(request, m, job_ad=None):
    if request.method == "POST":
        form = JobAdForm(request.POST, request.FILES)

        def save(_data):
            return services.save_job_ad(
                membership=m,
                data=form.job_ad_data(),
                job_ad=job_ad,
                archive=form.cleaned_data.get("archive"),
                request=request,
            )

        if form.is_valid():
            try:
                job_ad = save(None)
            except NotAllowed:
                raise PermissionDenied
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Job advertisement saved."))
                return redirect("job_ad_detail", job_ad_id=job_ad.pk)
        status = 400
    else:
        initial = JobAdForm.initial_from(job_ad) if job_ad else {
            "captured_on": timezone.localdate(), "agency": request.GET.get("agency") or None}  # fmt: skip
        form = JobAdForm(initial=initial)
        status = 200
    return render(
        request, "monitoring/job_ad_form.html", {"form": form, "job_ad": job_ad}, status=status
    )


@login_required
def job_ad_new(request):
    return _job_ad_form(request, member_with(request, Permission.EDIT_AGENCIES))


@login_required
def job_ad_edit(request, job_ad_id):
    m = member_with(request, Permission.EDIT_AGENCIES)
    return _job_ad_form(request, m, selectors.job_ad_for(m, job_ad_id))


def _render_job_ad(request, m, job_ad, status_form=None, status=200):
    return render(
        request,
        "monitoring/job_ad_detail.html",
        _context(
            job_ad=job_ad,
            agency=job_ad.agency,
            flags=[
                (code, risk.RED_FLAGS[code][1], risk.RED_FLAGS[code][0])
                for code in job_ad.red_flags
                if code in risk.RED_FLAGS
            ],  # fmt: skip
            alerts=alerts.alerts_for_job_ad(m, job_ad),
            status_form=status_form or JobAdStatusForm(initial={"status": job_ad.status}),
        ),
        status=status,
    )


@login_required
def job_ad_detail(request, job_ad_id):
    """An advertisement with its red flags, risk and alerts (its text is audited as seen)."""
    m = member_with(request, Permission.EDIT_AGENCIES)
    job_ad = selectors.job_ad_for(m, job_ad_id)
    audit.by_member(AuditEntry.Action.VIEW, m, job_ad, request)
    return _render_job_ad(request, m, job_ad)


@login_required
def job_ad_status(request, job_ad_id):
    m = member_with(request, Permission.EDIT_AGENCIES)
    job_ad = selectors.job_ad_for(m, job_ad_id)
    if request.method != "POST":
        return redirect("job_ad_detail", job_ad_id=job_ad.pk)
    form = JobAdStatusForm(request.POST)

    def save(d):
        from apps.cases.selectors import cases_visible_to

        case = None
        if d.get("case"):
            case = cases_visible_to(m).filter(pk=d["case"]).first()
            if case is None:
                raise ValidationError({"case": _("No such case in your organisation.")})
        services.change_job_ad_status(
            membership=m, job_ad=job_ad, status=d["status"], case=case, request=request
        )

    return submit(
        request,
        form,
        save,
        success=_("Status changed."),
        done=reverse("job_ad_detail", args=[job_ad.pk]),
        page=lambda f: _render_job_ad(request, m, job_ad, status_form=f, status=400),
    )


@login_required
def job_ad_archive(request, job_ad_id):
    """Download the archived copy (decrypted; audited)."""
    m = member_with(request, Permission.EDIT_AGENCIES)
    job_ad = selectors.job_ad_for(m, job_ad_id)
    if not job_ad.archive_storage:
        raise Http404
    data = services.read_job_ad_archive(membership=m, job_ad=job_ad, request=request)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="job-ad-{job_ad.pk}-archive"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
