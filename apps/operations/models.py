import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A long operation a member started, run by the job queue, with its progress.

    The queue (django-tasks, docs/decisions/0029) runs the work; this row is what the
    member's progress page reads. Its result file is encrypted at rest under
    MEDIA_ROOT/jobs/ and removed after JOB_RESULT_HOURS (apply_retention).
    """

    class Kind(models.TextChoices):
        REGISTER_EXPORT = "register_export", _("Person register export")
        REGISTER_IMPORT = "register_import", _("Register import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    fmt = models.CharField(_("format"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)

    class Failure(models.TextChoices):
        # Each has its own message on the job's page (operations/_job_progress.html).
        NONE = "", _("none")
        ERROR = "error", _("unexpected error")
        DATABASE = "database", _("database unreachable")
        DISK_FULL = "disk_full", _("disk full")
        WORKER_STOPPED = "worker_stopped", _("worker stopped")
        REGISTER_CHANGED = "register_changed", _("register changed")
        FILE_REFUSED = "file_refused", _("file no longer passes the checks")
        FILE_EXPIRED = "file_expired", _("uploaded file expired")
        NOT_ALLOWED = "not_allowed", _("not allowed")

    result_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Runs started: retried after a database interruption or a stopped worker
    # (apps.operations.services.run_job, docs/decisions/0029).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    # host:pid of the worker running it, and when it last reported progress: a job
    # whose worker is gone is picked up again or failed, never left running.
    worker = models.CharField(max_length=300, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Register import: the staged upload (apps.core.staged_upload, still encrypted) and
    # the counts of what was written (never a name).
    staged_token = models.CharField(max_length=40, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.token}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)


class RetentionPolicy(models.Model):
    """How long an organisation keeps the identity of people whose cases are closed.

    `apply_retention` (run daily by a timer, docs/operations.md) anonymises people whose
    cases all closed more than `closed_case_years` ago, and old closed cases of people
    who still have a recent one. Anonymised records keep their non-identifying facts
    (dates, types, region), so statistics over past years stay whole."""

    organization = models.OneToOneField(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="retention_policy",
    )
    closed_case_years = models.PositiveSmallIntegerField(
        _("years to keep closed cases"),
        validators=[MinValueValidator(1), MaxValueValidator(75)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self):
        return f"{self.organization}: {self.closed_case_years}"


class Erasure(models.Model):
    """That a person or a case was anonymised, when and why: never who they were."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        CASE = "case", _("case")

    class Reason(models.TextChoices):
        REQUEST = "request", _("erasure request")
        RETENTION = "retention", _("retention period over")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    record_id = models.BigIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    rows = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="one_erasure_per_record")
        ]


class KeyRotationRun(models.Model):
    """One run of `rotate_keys`: re-encrypting every store under one primary key.

    The checkpoint (`store`, `last_key`) is written in the same transaction as each
    batch, so a run stopped by a crash resumes after the last batch that committed.
    `key_id` is a fingerprint of the primary key, never the key itself."""

    key_id = models.CharField(_("key"), max_length=16)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    store = models.CharField(_("store"), max_length=120, blank=True)
    last_key = models.CharField(_("last primary key done"), max_length=120, blank=True)
    rotated = models.PositiveBigIntegerField(_("values re-encrypted"), default=0)
    changed_meanwhile = models.PositiveBigIntegerField(
        _("values saved by someone else meanwhile"), default=0
    )
    # Tokens no key of the keyring opens (corrupt, or written under a key since lost):
    # left as they are and counted, never a reason to stop the run.
    unreadable = models.PositiveBigIntegerField(_("values no key opens"), default=0)
    # The blind-index key was replaced at the start: the indexes still need rebuilding.
    index_pending = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("key rotation run")
        verbose_name_plural = _("key rotation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.key_id} {self.started_at:%Y-%m-%d %H:%M}"
