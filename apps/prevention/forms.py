from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.selectors import reference_choices
from apps.prevention.models import (
    AGE_UNKNOWN,
    CAPACITY_MAX,
    CAPACITY_MIN,
    MAX_COUNT,
    AttendanceMode,
    Campaign,
    CapacityArea,
    Event,
    EventType,
    Sex,
)
from apps.prevention.services import Attendance


def count_field(label, required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class EventForm(forms.Form):
    """The event and its attendance: the total, the breakdowns by sex and by age band as
    the organiser counted them and, if known, the sex x age table."""

    event_type = forms.ChoiceField(label=_("Type of event"), choices=EventType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        help_text=_("Leave empty for a one-day event."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    district = forms.CharField(label=_("District"), max_length=100, required=False)
    village = forms.CharField(label=_("Village or town"), max_length=100, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    facilitators = forms.CharField(label=_("Facilitators"), max_length=300, required=False)
    partners = forms.CharField(label=_("Partners"), max_length=300, required=False)
    target_group = forms.CharField(label=_("Target group"), max_length=200, required=False)
    materials_distributed = count_field(_("Materials distributed"))
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    training = forms.ModelChoiceField(
        label=_("Session of the training"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("For a later session of a training: participants are counted once."),
    )
    attendance_mode = forms.ChoiceField(
        label=_("Attendance"),
        choices=AttendanceMode.choices,
        initial=AttendanceMode.COUNTS,
        widget=forms.RadioSelect,
    )
    broadcast_reach = count_field(_("Estimated broadcast reach (listeners or viewers)"))
    total = count_field(_("Total attendance"))
    rest_not_recorded = forms.BooleanField(
        label=_("Put the rest under not recorded (age unknown, sex not recorded)"),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organization, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.bands = [(b.code, b.label) for b in bands] + [
            (AGE_UNKNOWN, pgettext_lazy("age band", "age unknown"))
        ]
        self.fields["region"].choices = [("", "—")] + reference_choices("region")
        self.fields["campaign"].queryset = Campaign.objects.filter(organization=organization)
        self.fields["training"].queryset = Event.objects.filter(
            organization=organization, event_type__in=["training", "tot"], training__isnull=True
        )
        for sex, label in Sex.choices:
            self.fields[f"sex_{sex}"] = count_field(label)
        for code, label in self.bands:
            self.fields[f"age_{code}"] = count_field(label)
            for sex, sex_label in Sex.choices:
                self.fields[f"cell_{sex}_{code}"] = count_field(f"{sex_label}, {label}")

    EVENT_FIELD_NAMES = (
        "event_type",
        "title",
        "starts_on",
        "ends_on",
        "region",
        "district",
        "village",
        "venue",
        "facilitators",
        "partners",
        "target_group",
        "materials_distributed",
        "campaign",
        "training",
        "attendance_mode",
        "broadcast_reach",
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and not data.get("ends_on"):
            data["ends_on"] = data["starts_on"]
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The event cannot end before it starts."))
        return data

    def event_data(self) -> dict:
        d = self.cleaned_data
        data = {name: d.get(name) for name in self.EVENT_FIELD_NAMES}
        data["materials_distributed"] = data["materials_distributed"] or 0
        for name in ("region", "district", "village", "venue", "facilitators", "partners"):
            data[name] = data[name] or ""
        data["target_group"] = data["target_group"] or ""
        return data

    def attendance(self) -> Attendance:
        d = self.cleaned_data
        return Attendance(
            total=d.get("total"),
            by_sex={s: d.get(f"sex_{s}") for s in Sex.values},
            by_age={c: d.get(f"age_{c}") for c, _l in self.bands},
            cells={
                (s, c): d.get(f"cell_{s}_{c}")
                for s in Sex.values
                for c, _l in self.bands
                if d.get(f"cell_{s}_{c}")
            },
            rest_not_recorded=bool(d.get("rest_not_recorded")),
        )

    # For the template: the grid of fields.
    def grid(self):
        return {
            "bands": [(code, label, self[f"age_{code}"]) for code, label in self.bands],
            "rows": [
                (label, self[f"sex_{sex}"], [self[f"cell_{sex}_{code}"] for code, _l in self.bands])
                for sex, label in Sex.choices
            ],
        }

    def detail_fields(self):
        return [self[name] for name in self.EVENT_FIELD_NAMES]

    @staticmethod
    def initial_from(event, counts) -> dict:
        from apps.prevention.models import ANY

        initial = {name: getattr(event, name) for name in EventForm.EVENT_FIELD_NAMES}
        initial["campaign"] = event.campaign_id
        initial["training"] = event.training_id
        initial["total"] = event.total_attendance
        initial["version"] = event.version
        for s, b, n in counts:
            if b == ANY and s != ANY:
                initial[f"sex_{s}"] = n
            elif s == ANY and b != ANY:
                initial[f"age_{b}"] = n
            elif s != ANY:
                initial[f"cell_{s}_{b}"] = n
        return initial


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CampaignEditForm(CampaignForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_from(campaign) -> dict:
        fields = ("name", "starts_on", "ends_on", "description", "version")
        return {name: getattr(campaign, name) for name in fields}


class ParticipantForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_band = forms.ChoiceField(label=_("Age band"))

    def __init__(self, *args, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_band"].choices = [(b.code, b.label) for b in bands] + [
            (AGE_UNKNOWN, pgettext_lazy("age band", "age unknown"))
        ]
        self.fields["age_band"].initial = AGE_UNKNOWN


class TestScoreForm(forms.Form):
    group = forms.CharField(
        label=_("Group (or leave empty and choose a participant)"), max_length=100, required=False
    )
    participant = forms.ModelChoiceField(label=_("Participant"), queryset=None, required=False)
    pre_score = forms.DecimalField(label=_("Score before (0-100)"), min_value=0, max_value=100)
    post_score = forms.DecimalField(label=_("Score after (0-100)"), min_value=0, max_value=100)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = event.participants.all()
        self.fields["participant"].label_from_instance = lambda p: p.name


class FollowUpForm(forms.Form):
    recorded_on = forms.DateField(
        label=_("Recorded on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(
        label=_("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    people_count = count_field(_("People concerned"))


class CapacityForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area, label in CapacityArea.choices:
            self.fields[area] = forms.IntegerField(
                label=label, min_value=CAPACITY_MIN, max_value=CAPACITY_MAX, required=False
            )

    def scores(self) -> dict:
        return {a: self.cleaned_data.get(a) for a in CapacityArea.values}
