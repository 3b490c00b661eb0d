"""The agency register: list, quick look-up beside the intake form, and editing."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.access import member_with
from apps.accounts.roles import Permission
from apps.core.selectors import reference_choices, reference_labels
from apps.core.widgets import LocalDateInput
from apps.monitoring import selectors, services
from apps.monitoring.models import AgencyReport, LicenceStatus
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


def _render_detail(request, m, agency, report_form=None, status=200):
    return render(
        request,
        "monitoring/agency_detail.html",
        _context(
            agency=agency,
            history=selectors.agency_status_history(m, agency),
            reports=selectors.agency_reports(m, agency),
            report_form=report_form or AgencyReportForm(),
            can_edit_entry=services.may_edit_agency(m, agency),
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
