from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.referrals.models import DirectoryEntry, ServiceType, SharedField, TargetGroup


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", "—"), *ServiceType.choices]
    )
    region = forms.ChoiceField(label=_("Region served"), required=False, choices=[("", "—")])

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
        widget=forms.DateInput(attrs={"type": "date"}),
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

    def clean(self):
        data = super().clean()
        if bool(data.get("to_organization")) == bool(data.get("to_entry")):
            raise forms.ValidationError(_("Choose one organisation to refer to."))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), widget=forms.Textarea)


class DeliveryForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    delivered_on = forms.DateField(
        label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    note = forms.CharField(label=_("Note"), required=False)


TARGET_GROUP_LABELS = dict(TargetGroup.choices)
