from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.grants.models import Currency, DataSource, Direction

DATE = forms.DateInput(attrs={"type": "date"})
AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class GrantForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor"), max_length=200)
    reference = forms.CharField(label=_("Reference"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    parent = forms.ModelChoiceField(
        label=_("Sub-grant of (leave empty for a grant from a donor)"),
        queryset=None,
        required=False,
    )
    partner_name = forms.CharField(
        label=_("Partner NGO (for a sub-grant)"), max_length=200, required=False
    )

    def __init__(self, *args, grants, **kwargs):
        super().__init__(*args, **kwargs)
        if grants is not None:
            self.fields["parent"].queryset = grants

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class GrantEditForm(GrantForm):
    """The grant's particulars; whether it is a sub-grant is fixed once created."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, is_sub_grant=False, **kwargs):
        super().__init__(*args, grants=None, **kwargs)
        del self.fields["parent"]
        if not is_sub_grant:
            del self.fields["partner_name"]

    @staticmethod
    def initial_from(grant) -> dict:
        return {
            "donor_name": grant.donor.name,
            "reference": grant.reference,
            "title": grant.title,
            "amount": grant.amount,
            "currency": grant.currency,
            "starts_on": grant.starts_on,
            "ends_on": grant.ends_on,
            "partner_name": grant.partner_name,
            "version": grant.version,
        }


class VersionForm(forms.Form):
    """A delete button's form: the version read, so a delete after someone's change is
    refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.CharField(label=_("Unit"), max_length=60, initial=_("people"))
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    source = forms.ChoiceField(label=_("Data source"), choices=DataSource.choices)
    disaggregation = forms.MultipleChoiceField(
        label=_("Disaggregation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("sex", _("by sex")),
            ("age_band", _("by age band")),
            ("region", _("by region")),
        ],
    )
    baseline = forms.DecimalField(
        label=_("Baseline"), required=False, max_digits=14, decimal_places=2
    )


class IndicatorEditForm(IndicatorForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_from(indicator) -> dict:
        fields = ("code", "name", "definition", "unit", "direction", "source", "baseline")
        initial = {name: getattr(indicator, name) for name in fields}
        initial["disaggregation"] = list(indicator.disaggregation or [])
        initial["version"] = indicator.version
        return initial


class UseIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    life_target = forms.DecimalField(label=_("Life-of-grant target"), required=False, **AMOUNT)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class TargetForm(forms.Form):
    use = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    period_from = forms.DateField(label=_("From"), widget=DATE)
    period_to = forms.DateField(label=_("To"), widget=DATE)
    target = forms.DecimalField(label=_("Target"), **AMOUNT)

    def __init__(self, *args, uses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["use"].queryset = uses
        self.fields["use"].label_from_instance = lambda u: str(u.indicator)


class LinkEventForm(forms.Form):
    event = forms.ModelChoiceField(label=pgettext_lazy("prevention event", "Event"), queryset=None)

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].label_from_instance = (
            lambda e: f"{e.starts_on.isoformat()} · {e.title}"
        )


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=200)


class BudgetLineForm(forms.Form):
    name = forms.CharField(label=_("Budget line"), max_length=200)
    amount = forms.DecimalField(label=_("Budget"), **AMOUNT)


class SpendingForm(forms.Form):
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=None)
    spent_on = forms.DateField(label=_("Spent on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), **AMOUNT)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = lines
        self.fields["budget_line"].label_from_instance = lambda b: b.name


class ManualResultForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator (entered by hand)"), queryset=None)
    period_from = forms.DateField(label=_("From"), widget=DATE)
    period_to = forms.DateField(label=_("To"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), **AMOUNT)
    evidence = forms.FileField(label=_("Evidence (a file, up to 10 MB)"), required=False)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class PeriodForm(forms.Form):
    period_from = forms.DateField(label=_("From"), widget=DATE)
    period_to = forms.DateField(label=_("To"), widget=DATE)
    language = forms.ChoiceField(
        label=_("Language of the report"),
        required=False,
        choices=[("en", "English"), ("ru", "Русский"), ("ky", "Кыргызча")],
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("period_from")
            and data.get("period_to")
            and data["period_to"] < data["period_from"]
        ):
            self.add_error("period_to", _("The period ends before it starts."))
        return data
