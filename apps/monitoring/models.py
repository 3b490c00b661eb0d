from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    # Lower-cased, folded name and licence for look-up while on the phone.
    search_text = models.CharField(max_length=800, blank=True, db_index=True)

    class Meta:
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name
