from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.colleagues import case_workers_of
from apps.accounts.models import Organization, User
from apps.assistance.models import (
    NEEDS_BY_STAGE,
    CheckInOutcome,
    Currency,
    NeedStatus,
    PlannedServiceStatus,
    ServiceType,
)
from apps.core.widgets import LocalDateInput


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        widget=LocalDateInput(),
    )


def _workers(organization):
    return case_workers_of(organization)


class NeedsForm(forms.Form):
    """One status per need of the stage; needs left at "—" were not assessed."""

    assessed_on = _date(_("Assessed on"), required=True)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=20000
    )

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage = stage
        choices = [("", "—")] + list(NeedStatus.choices)
        for code, label in NEEDS_BY_STAGE[stage].choices:
            self.fields[f"need_{code}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def needs(self) -> dict:
        return {
            code: self.cleaned_data[f"need_{code}"]
            for code in NEEDS_BY_STAGE[self.stage].values
            if self.cleaned_data.get(f"need_{code}")
        }

    @staticmethod
    def initial_from(assessment) -> dict:
        initial = {f"need_{k}": v for k, v in assessment.needs.items()}
        initial.update(assessed_on=assessment.assessed_on, note=assessment.note)
        return initial


class PlanForm(forms.Form):
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class _ProviderMixin(forms.Form):
    provider_name = forms.CharField(label=_("Provider"), required=False, max_length=200)
    provider_organization = forms.ModelChoiceField(
        label=_("Provider organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
    )


class PlannedServiceForm(_ProviderMixin):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    planned_from = _date(_("Planned from"))
    planned_to = _date(_("Planned to"))
    responsible = forms.ModelChoiceField(
        label=_("Responsible worker"), queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=PlannedServiceStatus.choices, required=False
    )
    field_order = [
        "service_type",
        "provider_name",
        "provider_organization",
        "planned_from",
        "planned_to",
        "responsible",
        "status",
    ]

    def __init__(self, *args, organization=None, **kwargs):
        kwargs.setdefault("auto_id", "planned-%s")  # ids of their own beside the other forms
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.fields["responsible"].queryset = _workers(organization)


def _version():
    """The version of the row the form was opened on: a later save by someone else is
    then refused instead of overwritten."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class PlannedServiceEditForm(PlannedServiceForm):
    version = _version()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "planned-edit-%s")
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(service) -> dict:
        return {
            "service_type": service.service_type,
            "provider_name": service.provider_name,
            "provider_organization": service.provider_organization_id,
            "planned_from": service.planned_from,
            "planned_to": service.planned_to,
            "responsible": service.responsible_id,
            "status": service.status,
            "version": service.version,
        }


class PlannedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlannedServiceStatus.choices)
    version = _version()


class RemoveForm(forms.Form):
    version = _version()


class DeliveredServiceForm(_ProviderMixin):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    delivered_on = _date(_("Delivered on"), required=True)
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=40)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", "—")] + list(Currency.choices), required=False
    )
    duration_days = forms.IntegerField(label=_("Duration in days"), required=False, min_value=1)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_over_limit = forms.BooleanField(label=_("Confirm over the limit"), required=False)
    field_order = [
        "service_type",
        "delivered_on",
        "provider_name",
        "provider_organization",
        "quantity",
        "unit",
        "amount",
        "currency",
        "duration_days",
        "outcome",
        "confirm_over_limit",
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "delivered-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not data.get("currency"):
            self.add_error("currency", _("Give the currency of the amount."))
        if data.get("service_type") == ServiceType.ECONOMIC_SUPPORT:
            if data.get("amount") is None:
                self.add_error("amount", _("Economic support needs an amount and a currency."))
        return data


class DeliveredServiceEditForm(DeliveredServiceForm):
    version = _version()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "delivered-edit-%s")
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(service) -> dict:
        fields = (
            "service_type",
            "delivered_on",
            "provider_name",
            "quantity",
            "unit",
            "amount",
            "currency",
            "duration_days",
            "outcome",
            "version",
        )
        initial = {name: getattr(service, name) for name in fields}
        initial["provider_organization"] = service.provider_organization_id
        return initial


class CheckInForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CheckInOutcome.choices)
    done_on = _date(_("Done on"), required=True)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=20000
    )


class ShelterStayForm(forms.Form):
    """Admission to the member's own shelter; other shelters admit by referral."""

    shelter = forms.ModelChoiceField(label=_("Shelter"), queryset=Organization.objects.none())
    admitted_on = _date(_("Admitted on"), required=True)
    bed_label = forms.CharField(label=_("Bed"), required=False, max_length=40)

    def __init__(self, *args, organization=None, **kwargs):
        kwargs.setdefault("auto_id", "stay-%s")
        super().__init__(*args, **kwargs)
        if organization is not None and organization.type == Organization.Type.SHELTER:
            self.fields["shelter"].queryset = Organization.objects.filter(pk=organization.pk)
            self.fields["shelter"].initial = organization.pk


class ReferralAdmissionForm(forms.Form):
    """Admission of a referred person by the receiving shelter (no choice of shelter)."""

    admitted_on = _date(_("Admitted on"), required=True)
    bed_label = forms.CharField(label=_("Bed"), required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "admit-%s")
        super().__init__(*args, **kwargs)


class DischargeForm(forms.Form):
    discharged_on = _date(_("Discharged on"), required=True)


class EconomicLimitForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    period_days = forms.IntegerField(label=_("Period in days"), min_value=1, initial=365)


class ShelterCapacityForm(forms.Form):
    beds = forms.IntegerField(label=_("Beds"), min_value=0)
