"""Prevention work: events (trainings, film screenings, village tour stops...), their
attendance, campaigns grouping them, training outcomes and the organisation's capacity
self-assessment. Grants live in apps.grants, which links events to grants; nothing here
knows about grants."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import EncryptedTextField

MAX_COUNT = 10_000_000  # more people than live in the country: a typing slip


class EventType(models.TextChoices):
    TRAINING = "training", _("training")
    TRAINING_OF_TRAINERS = "tot", _("training of trainers")
    FILM_SCREENING = "film_screening", _("film screening")
    VILLAGE_TOUR_STOP = "village_tour_stop", _("village tour stop")
    ROUND_TABLE = "round_table", _("round table")
    BROADCAST = "broadcast", _("radio or TV broadcast")
    PRESS_CONFERENCE = "press_conference", _("press conference")
    CAMPAIGN_DAY = "campaign_day", _("campaign day")
    EMPLOYMENT_CENTRE_SESSION = (
        "employment_centre",
        _("information session at an employment centre"),
    )


TRAINING_TYPES = (EventType.TRAINING, EventType.TRAINING_OF_TRAINERS)


class Sex(models.TextChoices):
    FEMALE = "F", pgettext_lazy("sex", "women")
    MALE = "M", pgettext_lazy("sex", "men")
    UNKNOWN = "U", pgettext_lazy("sex", "sex not recorded")


AGE_UNKNOWN = "unknown"

# The bands an organisation starts with (code, label, lowest age, highest age).
DEFAULT_AGE_BANDS = (
    ("under_11", _("under 11"), 0, 10),
    ("11_24", _("11-24"), 11, 24),
    ("25_64", _("25-64"), 25, 64),
    ("65_plus", _("65+"), 65, None),
)


class AgeBand(models.Model):
    """An age band the organisation counts attendance in (reference data per organisation:
    donors differ, so the bands are the organisation's, not the country's)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="age_bands"
    )
    code = models.SlugField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=60)
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        ordering = ["organization", "sort_order", "min_age"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_age_band_code")
        ]

    def __str__(self):
        return self.label


class Campaign(models.Model):
    """Events grouped under one name (a film festival, a 16-day campaign, a bus tour)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="prevention_campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped on every change, so an edit opened before someone else's save is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name


class AttendanceMode(models.TextChoices):
    COUNTS = "counts", _("counts by sex and age band")
    LIST = "list", _("named list of participants")


class Event(models.Model):
    """One prevention event. Attendance is either counts by sex x age band
    (AttendanceCount) or a named list (Participant); broadcast reach is an estimate kept
    apart from attendance, never added to it."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="prevention_events"
    )
    event_type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    region = models.CharField(_("region"), max_length=40, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    village = models.CharField(_("village or town"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    facilitators = models.CharField(_("facilitators"), max_length=300, blank=True)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    materials_distributed = models.PositiveIntegerField(_("materials distributed"), default=0)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("campaign"),
    )
    # Sessions of one training point at its first session, so that a participant is
    # counted once per training.
    training = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("session of the training"),
    )
    attendance_mode = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceMode.choices, default="counts"
    )
    total_attendance = models.PositiveIntegerField(_("total attendance"), default=0)
    broadcast_reach = models.PositiveIntegerField(
        _("estimated broadcast reach"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("prevention event")
        verbose_name_plural = _("prevention events")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["organization", "starts_on"])]

    def __str__(self):
        return self.title

    @property
    def is_training(self) -> bool:
        return self.event_type in TRAINING_TYPES


ANY = ""  # a count over all sexes, or over all age bands (a margin)


class AttendanceCount(models.Model):
    """People at an event, counted by sex and age band.

    Organisers often know only how many women and men came and, separately, how many
    were of each age (as at the door of a film festival). So every event keeps its
    margins: rows (sex, ANY) by sex and (ANY, age band) by age, each adding up to the
    total; and the cross-tab cells (sex, age band) only when they were known. Age band
    AGE_UNKNOWN and sex "U" hold what could not be placed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="counts")
    sex = models.CharField(max_length=1, blank=True)  # Sex, or ANY
    age_band = models.CharField(max_length=20, blank=True)  # AgeBand code, AGE_UNKNOWN or ANY
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "sex", "age_band"], name="one_count_per_cell")
        ]


class Participant(models.Model):
    """A named participant. The name is encrypted like a person's; `name_key` is a keyed
    hash of the normalised name (per organisation) that finds the same person in another
    session of the same training without decrypting anything."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    name = EncryptedTextField(_("name"))
    name_key = models.BigIntegerField(db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default="U")
    age_band = models.CharField(_("age band"), max_length=20, default=AGE_UNKNOWN)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]


class TestScore(models.Model):
    """A pre/post knowledge test result: one participant's, or a group's average."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="test_scores")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="scores"
    )
    group = models.CharField(_("group"), max_length=100, blank=True)
    pre_score = models.DecimalField(_("score before"), max_digits=5, decimal_places=1)
    post_score = models.DecimalField(_("score after"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("test score")
        verbose_name_plural = _("test scores")
        ordering = ["id"]

    @property
    def gain(self):
        return self.post_score - self.pre_score


class FollowUp(models.Model):
    """A later outcome of a training (e.g. trained women elected to local councils)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_ups")
    recorded_on = models.DateField(_("recorded on"))
    # Free text may name people: encrypted.
    outcome = EncryptedTextField(_("outcome"))
    people_count = models.PositiveIntegerField(_("people concerned"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("training outcome", "follow-up")
        verbose_name_plural = pgettext_lazy("training outcome", "follow-ups")
        ordering = ["recorded_on", "id"]


class CapacityArea(models.TextChoices):
    GOVERNANCE = "governance", _("governance")
    STAFF_SKILLS = "staff_skills", _("staff skills")
    PREVENTION = "prevention", _("prevention work")
    VICTIM_SERVICES = "victim_services", _("victim services")
    MONITORING = "monitoring", _("monitoring and evaluation")
    FINANCES = "finances", _("finances")


CAPACITY_MIN, CAPACITY_MAX = 1, 5


class CapacityAssessment(models.Model):
    """The organisation's own score (1-5) in one area for one year."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="capacity_assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.CharField(_("area"), max_length=20, choices=CapacityArea.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("capacity self-assessment")
        verbose_name_plural = _("capacity self-assessments")
        ordering = ["organization", "year", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "area"], name="one_score_per_area_and_year"
            )
        ]
