from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import EncryptedJSONField, EncryptedTextField


class LicenceStatus(models.TextChoices):
    LICENSED = "licensed", _("licensed")
    SUSPENDED = "suspended", _("licence suspended")
    REVOKED = "revoked", _("licence revoked")
    # The code predates the wording: "unlicensed" stays the stored code (history rows,
    # statistics, API clients), the label says what it means.
    UNLICENSED = "unlicensed", _("unlicensed (never licensed)")
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
        COMPLAINT = "complaint", _("complaint")
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
    # When what is complained of happened (a complaint is dated by the client's account,
    # not by when it was typed in).
    occurred_on = models.DateField(_("date of the events"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agency report")
        verbose_name_plural = _("agency reports")
        ordering = ["-created_at", "-id"]


class AgencyContact(models.Model):
    """One more address, phone, website or social account of an agency. Official
    contacts (from the licence register or the agency's own site) are shown on the
    public check; others (seen in an advertisement, told by a client) only inside."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("address")
        PHONE = "phone", _("phone")
        WEBSITE = "website", _("website")
        SOCIAL = "social", _("social network account")
        EMAIL = "email", _("e-mail")

    agency = models.ForeignKey(RecruitmentAgency, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=300)
    official = models.BooleanField(_("official"), default=False)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class AgencyLink(models.Model):
    """An agency tied to a case (and so its victim) of one organisation. Only that
    organisation sees the link: the register is shared, the clients are not."""

    agency = models.ForeignKey(RecruitmentAgency, on_delete=models.CASCADE, related_name="links")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    note = EncryptedTextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agency link to a case")
        verbose_name_plural = _("agency links to cases")
        constraints = [
            models.UniqueConstraint(fields=["agency", "case"], name="monitoring_agency_case_once")
        ]


class SourceType(models.TextChoices):
    NEWSPAPER = "newspaper", _("newspaper")
    WEBSITE = "website", _("website")
    SOCIAL = "social", _("social network")
    MESSENGER = "messenger", _("messenger channel")
    OTHER = "other", pgettext_lazy("source", "other")


class RiskBand(models.TextChoices):
    LOW = "low", pgettext_lazy("risk", "low")
    MEDIUM = "medium", pgettext_lazy("risk", "medium")
    HIGH = "high", pgettext_lazy("risk", "high")


class JobAdStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("job ad", "new")
    CHECKED = "checked", _("checked")
    REPORTED = "reported", _("reported to the authorities")
    TAKEN_DOWN = "taken_down", _("taken down")
    LINKED = "linked", _("linked to a case")


class JobAd(models.Model):
    """A job advertisement a monitor captured. It belongs to the organisation that
    captured it; its text, phones and payment details are encrypted."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(_("source"), max_length=12, choices=SourceType.choices)
    source_name = models.CharField(
        _("where it was seen"), max_length=200, blank=True,
        help_text=_("Newspaper, site, group or channel name."),
    )  # fmt: skip
    captured_on = models.DateField(_("captured on"), default=timezone.localdate)
    text = EncryptedTextField(_("text of the advertisement"), blank=True)
    promised_job = models.CharField(_("promised job"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    pay = models.CharField(_("pay promised"), max_length=120, blank=True)
    conditions = EncryptedTextField(_("conditions"), blank=True)
    phones = EncryptedJSONField(_("phones"))
    payment_details = EncryptedJSONField(_("payment details"))
    agency = models.ForeignKey(
        RecruitmentAgency,
        verbose_name=_("recruitment agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="job_ads",
    )
    red_flags = models.JSONField(_("red flags"), default=list, blank=True)
    risk_score = models.PositiveSmallIntegerField(_("risk score"), default=0)
    risk_band = models.CharField(
        _("risk"), max_length=8, choices=RiskBand.choices, default=RiskBand.LOW
    )
    status = models.CharField(
        _("status"), max_length=12, choices=JobAdStatus.choices, default=JobAdStatus.NEW
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The archived copy: encrypted on disk under a random name, its SHA-256 computed here.
    archive_name = EncryptedTextField(_("archived copy"), blank=True)
    archive_storage = models.CharField(max_length=80, blank=True)
    archive_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    archive_size = models.PositiveIntegerField(null=True, blank=True)
    archive_content_type = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("job advertisement")
        verbose_name_plural = _("job advertisements")
        ordering = ["-captured_on", "-id"]

    def __str__(self):
        return _("Job ad #%(id)s") % {"id": self.pk}


class MarkerKind(models.TextChoices):
    PHONE = "phone", _("phone")
    PAYMENT = "payment", _("payment detail")


class JobAdMarker(models.Model):
    """Keyed blind indexes of an ad's phones and payment details, for alerts (its agency
    is matched by the register entry itself). `key` is keyed per organisation (the same phone key the hotline and the
    people register use); `network_key` under a key shared by the network, so another
    organisation learns only that the value is known elsewhere, never the value."""

    job_ad = models.ForeignKey(JobAd, on_delete=models.CASCADE, related_name="markers")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=MarkerKind.choices)
    key = models.BigIntegerField(db_index=True)
    network_key = models.BigIntegerField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "network_key"], name="monitoring_marker_net")]
