from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.fields import EncryptedTextField


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACTIVE = "active", _("active")
    ON_HOLD = "on_hold", _("on hold")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")


# The status workflow: which status may follow which.
STATUS_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.ACTIVE, CaseStatus.ON_HOLD, CaseStatus.CLOSED},
    CaseStatus.ACTIVE: {CaseStatus.ON_HOLD, CaseStatus.CLOSED},
    CaseStatus.ON_HOLD: {CaseStatus.ACTIVE, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.REOPENED},
    CaseStatus.REOPENED: {CaseStatus.ACTIVE, CaseStatus.ON_HOLD, CaseStatus.CLOSED},
}


class Case(models.Model):
    """One person's case in one organisation."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cases"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    case_type = models.CharField(_("case type"), max_length=40)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    closure_reason = models.CharField(_("reason for closing"), max_length=40, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    exploitation = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    countries_of_recruitment = models.JSONField(
        _("countries of recruitment"), default=list, blank=True
    )
    countries_of_transit = models.JSONField(_("countries of transit"), default=list, blank=True)
    countries_of_exploitation = models.JSONField(
        _("countries of exploitation"), default=list, blank=True
    )
    recruitment_channel = models.CharField(_("recruitment channel"), max_length=40, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    exploitation_began_on = models.DateField(_("exploitation began on"), null=True, blank=True)
    exploitation_ended_on = models.DateField(_("exploitation ended on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set when the competent authority formally identified the person as a victim;
    # without it a trafficking case counts as a presumed victim in statistics.
    identified_on = models.DateField(
        _("identified as a victim on"),
        null=True,
        blank=True,
        help_text=_("The date the competent authority formally identified the person as a victim."),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organization", "-opened_on", "-id"]),
            models.Index(fields=["organization", "status", "-opened_on", "-id"]),
            models.Index(fields=["organization", "assigned_to", "-opened_on", "-id"]),
            models.Index(fields=["assigned_to", "status"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return self.reference_for(self.pk)

    @staticmethod
    def reference_for(pk) -> str:
        return f"C-{pk:06d}" if pk else "C-new"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today=None):
        """Open tasks whose due date has passed (the rule `Task.is_overdue` repeats)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"])]

    @property
    def is_overdue(self) -> bool:
        """Open and past its due date (the rule of `TaskQuerySet.overdue`)."""
        return (
            self.done_at is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


class Attachment(models.Model):
    """A file kept encrypted on disk; its name is encrypted in the database."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]


class ConsentScope(models.TextChoices):
    ASSISTANCE = "assistance", _("to receive assistance")
    DATA_PROCESSING = "data_processing", _("to have personal data recorded")
    REFERRAL = "referral", _("to be referred to other organisations")
    LEGAL_REPRESENTATION = "legal_representation", _("to be represented in proceedings")
    RESEARCH = "research", _("anonymised use in statistics and research")


class Consent(models.Model):
    """What a person agreed to, when, recorded by whom; withdrawable."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    scope = models.CharField(_("agreed"), max_length=30, choices=ConsentScope.choices)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return self.withdrawn_on is None and (self.valid_until is None or self.valid_until >= today)
