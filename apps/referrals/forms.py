from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.assistance.models import ServiceType
from apps.core.widgets import LocalDateInput
from apps.referrals.models import (
    DirectoryEntry,
    ReferralStatus,
    SharedField,
    SpecialNeed,
    TargetGroup,
    Urgency,
    need_choices,
)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", "—"), *ServiceType.choices]
    )
    region = forms.ChoiceField(label=_("Region served"), required=False, choices=[("", "—")])
    beds_free = forms.BooleanField(label=_("Only shelters with beds free"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *regions]


class ReferralForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Refer to a member organisation"),
        queryset=Organization.objects.none(),
        required=False,
    )
    to_entry = forms.ModelChoiceField(
        label=_("or to an organisation outside Koldoo (service directory)"),
        queryset=DirectoryEntry.objects.none(),
        required=False,
    )
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=ServiceType.choices, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE, required=False
    )
    needs_requested = forms.MultipleChoiceField(
        label=_("Needs asked for"),
        help_text=_("The receiving organisation sees these before it accepts."),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    special_needs = forms.MultipleChoiceField(
        label=_("Special needs"),
        help_text=_("The receiving organisation sees these before it accepts."),
        choices=SpecialNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    message = forms.CharField(label=_("Reason for referral"), widget=forms.Textarea, required=False)
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea, required=False)
    shared_fields = forms.MultipleChoiceField(
        label=_("Data the person agreed to share"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose of sharing"), required=True)
    consent_valid_until = forms.DateField(
        label=_("Consent valid until"),
        widget=LocalDateInput(),
        required=True,
    )
    consent_given = forms.BooleanField(
        label=_("The person gave informed consent to this referral and to sharing this data"),
        required=True,
    )
    confirm_unlisted = forms.BooleanField(
        label=_("Refer anyway, although the organisation does not list these services"),
        required=False,
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = Organization.objects.exclude(
            pk=getattr(organization, "pk", None)
        ).order_by("name")
        self.fields["to_entry"].queryset = DirectoryEntry.objects.filter(
            organization__isnull=True
        ).order_by("name")
        self.fields["needs_requested"].choices = need_choices()

    def clean_urgency(self):
        return self.cleaned_data["urgency"] or Urgency.ROUTINE

    def clean_consent_valid_until(self):
        value = self.cleaned_data["consent_valid_until"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The consent cannot end before today."))
        return value

    def clean(self):
        data = super().clean()
        if bool(data.get("to_organization")) == bool(data.get("to_entry")):
            raise forms.ValidationError(_("Choose one organisation to refer to."))
        return data


class PartnerAnswerForm(forms.Form):
    """The answer of a partner outside Koldoo, recorded by the sender."""

    status = forms.ChoiceField(
        label=_("Their answer"),
        choices=[
            (s, ReferralStatus(s).label)
            for s in (
                ReferralStatus.ACCEPTED,
                ReferralStatus.DECLINED,
                ReferralStatus.IN_PROGRESS,
                ReferralStatus.COMPLETED,
            )
        ],
    )
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("Required when they declined."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == ReferralStatus.DECLINED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for declining."))
        return data


class AcceptForm(forms.Form):
    """Accepting needs no input; the form carries what the service refuses."""


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s, ReferralStatus(s).label)
            for s in (
                ReferralStatus.IN_PROGRESS,
                ReferralStatus.COMPLETED,
                ReferralStatus.CANCELLED,
            )
        ],
    )


class DeliveryForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=LocalDateInput(), required=False)
    note = forms.CharField(label=_("Note"), required=False)


TARGET_GROUP_LABELS = dict(TargetGroup.choices)


class DirectoryEntryForm(forms.Form):
    """What a member organisation says about itself in the service directory."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    org_type = forms.ChoiceField(
        label=_("Type"), choices=[("", "—"), *Organization.Type.choices], required=False
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    description_ky = forms.CharField(
        label=_("Description in Kyrgyz"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_ru = forms.CharField(
        label=_("Description in Russian"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions served"), widget=forms.CheckboxSelectMultiple, required=False
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), widget=forms.CheckboxSelectMultiple, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, regions=(), languages=(), **kwargs):
        kwargs.setdefault("auto_id", "entry-%s")
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = list(regions)
        self.fields["languages"].choices = list(languages)

    @staticmethod
    def initial_from(entry) -> dict:
        names = [n for n in DirectoryEntryForm.base_fields if n != "version"]
        return {**{n: getattr(entry, n) for n in names}, "version": entry.version}


class ServiceRowForm(forms.Form):
    """One service the organisation offers; an empty row is ignored."""

    service_type = forms.ChoiceField(
        label=_("Service"), choices=[("", "—"), *ServiceType.choices], required=False
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BaseServiceRows(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            code = data.get("service_type")
            if not code or data.get("DELETE"):
                continue
            if code in seen:
                form.add_error("service_type", _("Each service can be listed once."))
            seen.add(code)

    def rows(self) -> list[dict]:
        """The services kept: neither empty nor ticked for removal."""
        return [
            {k: f.cleaned_data.get(k) for k in ("service_type", "capacity", "note")}
            for f in self.forms
            if f.cleaned_data.get("service_type") and not f.cleaned_data.get("DELETE")
        ]


ServiceRows = forms.formset_factory(
    ServiceRowForm, formset=BaseServiceRows, extra=2, can_delete=True, max_num=30
)
