from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class ReferenceValue(models.Model):
    """One value of a taxonomy (case types, forms of exploitation, regions, ...).

    Reference data rather than constants: an admin can add values, each value
    is labelled in the three languages, and `htcds_value` holds IOM's HTCDS v2
    value name where one exists, so exchange with HTCDS systems is lossless.
    """

    class Kind(models.TextChoices):
        CASE_TYPE = "case_type", _("Case type")
        EXPLOITATION = "exploitation", _("Form of exploitation")
        RECRUITMENT_CHANNEL = "recruitment_channel", _("Recruitment channel")
        MEANS_OF_CONTROL = "means_of_control", _("Means of control")
        CLOSURE_REASON = "closure_reason", _("Reason for closing")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")
        LANGUAGE = "language", _("Language")
        DISABILITY = "disability", _("Disability")
        CALL_TOPIC = "call_topic", _("Call topic")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    htcds_value = models.CharField(_("HTCDS v2 value name"), max_length=80, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        ordering = ["kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="unique_reference_code")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en


class AuditEntry(models.Model):
    """An append-only record of who did what to which record.

    Each entry carries the hash of the previous one; `verify_audit` recomputes
    the chain. Entries hold identifiers and non-identifying facts only, never
    a name or a search query.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("failed sign-in")
        SIGN_OUT = "sign_out", _("signed out")
        VIEW = "view", _("viewed")
        SEARCH = "search", _("searched")
        # The event, not a date ("created" is also a date column's name elsewhere).
        CREATE = "create", pgettext_lazy("audit action", "created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        IMPORT = "import", _("imported")

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=40, blank=True)
    target_id = models.CharField(_("record"), max_length=40, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only")
