from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField


class LicenceStatus(models.TextChoices):
    LICENSED = "licensed", _("licensed")
    UNLICENSED = "unlicensed", _("unlicensed")
    REVOKED = "revoked", _("licence revoked")
    UNKNOWN = "unknown", _("not checked")


class RecruitmentAgency(models.Model):
    """A job-placement agency as the network knows it. Public information about
    businesses, shared by every member organisation (no client data here)."""

    name = models.CharField(_("name"), max_length=200)
    other_names = models.CharField(_("other names"), max_length=400, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_status = models.CharField(
        _("licence"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.UNKNOWN
    )
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    countries = models.JSONField(_("countries it sends people to"), default=list, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only this organisation edits the entry; others add reports and comments. Empty for
    # entries of unknown origin: those are changed by the system operator only.
    created_by_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Lower-cased, folded name and licence for look-up while on the phone.
    search_text = models.CharField(max_length=800, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LicenceStatusChange(models.Model):
    """One change of an agency's licence status: the register's dated history of who
    said the agency was licensed, unlicensed or revoked, and when."""

    agency = models.ForeignKey(
        RecruitmentAgency, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(
        _("previous status"), max_length=12, choices=LicenceStatus.choices, blank=True
    )
    new_status = models.CharField(_("new status"), max_length=12, choices=LicenceStatus.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("licence status change")
        verbose_name_plural = _("licence status changes")
        ordering = ["-changed_at", "-id"]


class AgencyReport(models.Model):
    """What another organisation knows about an agency: a report (e.g. a complaint from a
    client) or a comment. Added by any organisation; the entry itself is edited only by
    the organisation that created it."""

    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        COMMENT = "comment", _("comment")

    agency = models.ForeignKey(RecruitmentAgency, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    # Encrypted: a report may mention the client who complained.
    body = EncryptedTextField(_("text"))
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        ordering = ["-created_at", "-id"]
