"""Service directory, referrals between organisations, and referral notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.assistance.models import ServiceType  # the one service taxonomy of Koldoo
from apps.core.fields import EncryptedTextField


class TargetGroup(models.TextChoices):
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    CHILDREN = "children", _("Children")
    MIGRANTS = "migrants", _("Migrants and returnees")
    FAMILIES = "families", _("Families")


# Languages a directory entry is described in, in the order of fallback.
DESCRIPTION_LANGUAGES = ("en", "ru", "ky")


class DirectoryEntry(models.Model):
    """An organisation in the service directory. Public entries (organisation empty)
    describe organisations outside Koldoo; member entries belong to a member organisation."""

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="directory_entries",
    )
    name = models.CharField(_("name"), max_length=200)
    description_en = models.TextField(_("description in English"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    description_ky = models.TextField(_("description in Kyrgyz"), blank=True)
    org_type = models.CharField(_("type"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public entry"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # Raised on every save from the product, so that two admins editing at once are told.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def description_in(self, language: str) -> str:
        """The description in `language`, else in any other language it was written in."""
        order = [language] + [c for c in DESCRIPTION_LANGUAGES if c != language]
        for code in order:
            text = getattr(self, f"description_{code}", "")
            if text:
                return text
        return ""

    @property
    def description(self) -> str:
        """The description in the reader's language (the active one), with fallback."""
        return self.description_in((get_language() or "en")[:2])


class DirectoryService(models.Model):
    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Typed for public entries only; a member shelter's beds free come from its stays
    # (apps.assistance.selectors.shelter_beds).
    beds_free = models.PositiveIntegerField(_("shelter beds free"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("directory service")
        verbose_name_plural = _("directory services")
        ordering = ["service_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "service_type"], name="unique_entry_service")
        ]


class SharedField(models.TextChoices):
    FAMILY_NAME = "family_name", _("family name")
    GIVEN_NAME = "given_name", _("given name")
    PATRONYMIC = "patronymic", _("patronymic")
    SEX = "sex", _("sex")
    CITIZENSHIP = "citizenship", _("citizenship")
    BIRTH_DATE = "birth_date", _("date of birth")
    PHONES = "phones", _("phones")
    DOCUMENT_NUMBERS = "document_numbers", _("document numbers")
    ADDRESS = "address", _("address")
    LANGUAGES = "languages", _("languages")
    CASE_TYPE = "case_type", _("case type")
    EXPLOITATION = "exploitation", _("forms of exploitation")
    COUNTRIES_OF_EXPLOITATION = "countries_of_exploitation", _("countries of exploitation")
    RECRUITMENT_CHANNEL = "recruitment_channel", _("recruitment channel")
    MEANS_OF_CONTROL = "means_of_control", _("means of control")
    NEEDS = "needs", _("needs")
    # The referral's own free texts: typed by a worker, they may name or describe the
    # person, so the receiver reads them only where the consent includes them.
    PURPOSE = "purpose", _("purpose of sharing")
    MESSAGE = "message", _("reason for referral")


# The free texts of a referral that the consent governs (read by `shared_view`).
REFERRAL_TEXT_FIELDS = ("needs", "purpose", "message")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    URGENT = "urgent", _("urgent (within days)")
    EMERGENCY = "emergency", _("emergency (today)")


class SpecialNeed(models.TextChoices):
    """What a receiving organisation must know to take the person in; no identity."""

    MOBILITY = "mobility", _("limited mobility or wheelchair")
    VISUAL = "visual", _("visual impairment")
    HEARING = "hearing", _("hearing impairment")
    INTELLECTUAL = "intellectual", _("intellectual disability")
    MENTAL_HEALTH = "mental_health", _("mental health needs")
    CHRONIC_ILLNESS = "chronic_illness", _("chronic illness or regular medication")
    PREGNANCY = "pregnancy", _("pregnancy")
    WITH_CHILDREN = "with_children", _("accompanied by children")
    INTERPRETER = "interpreter", _("needs an interpreter")


def need_choices() -> list[tuple[str, str]]:
    """The needs of a needs assessment (both stages), one entry per code: what a
    referral may say it asks for."""
    from apps.assistance.models import NEEDS_BY_STAGE

    out: dict = {}
    for needs in NEEDS_BY_STAGE.values():
        for code, label in needs.choices:
            out.setdefault(code, label)
    return list(out.items())


# Statuses in which the receiving organisation may read the shared data.
RECEIVER_READABLE = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
)


class Referral(models.Model):
    """A referral of one case's person to another organisation for named services.

    The receiving side reads only `shared_fields`, only after accepting, and only while
    `consent` (scope "referral") is in force."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    to_entry = models.ForeignKey(
        DirectoryEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("directory entry"),
    )
    services = models.JSONField(_("services"), default=list)
    consent = models.ForeignKey("cases.Consent", on_delete=models.PROTECT, related_name="referrals")
    shared_fields = models.JSONField(_("data shared"), default=list)
    purpose = EncryptedTextField(_("purpose of sharing"), blank=True)
    message = EncryptedTextField(_("reason for referral"), blank=True)
    needs = EncryptedTextField(_("needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    # What the receiving organisation reads before it accepts (`referral_summary`):
    # codes only, never free text, so they cannot carry a name.
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    needs_requested = models.JSONField(_("needs asked for"), default=list, blank=True)
    special_needs = models.JSONField(_("special needs"), default=list, blank=True)
    unlisted_services_confirmed = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["from_organization", "-sent_at"]),
            models.Index(fields=["to_organization", "-sent_at"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def is_external(self) -> bool:
        return self.to_organization_id is None

    @property
    def recipient_name(self) -> str:
        if self.to_organization_id:
            return self.to_organization.name
        return self.to_entry.name if self.to_entry_id else "—"


class ConsentTerms(models.Model):
    """For whom and for what a referral consent was given: the recipient, the services
    (the purpose, from the one taxonomy; the purpose text is the consent's note) and the
    data the person agreed to share. A referral is sent only under a consent whose terms
    cover it (`apps.referrals.services.consent_refusal`)."""

    consent = models.OneToOneField(
        "cases.Consent", on_delete=models.CASCADE, related_name="referral_terms"
    )
    to_organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_entry = models.ForeignKey(
        DirectoryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    services = models.JSONField(_("services"), default=list)
    shared_fields = models.JSONField(_("data shared"), default=list)

    class Meta:
        verbose_name = _("consent terms")
        verbose_name_plural = _("consent terms")

    @property
    def recipient_name(self) -> str:
        if self.to_organization_id:
            return self.to_organization.name
        return self.to_entry.name if self.to_entry_id else "—"


class ServiceDelivered(models.Model):
    """A service delivered on a referral: reported by the receiving member organisation,
    or recorded by the sender for a partner outside Koldoo."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="deliveries")
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on", "-id"]


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("new referral")
        ACCEPTED = "accepted", _("referral accepted")
        DECLINED = "declined", _("referral declined")
        UPDATED = "updated", _("referral updated")
        CANCELLED = "cancelled", _("referral cancelled")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="referral_notifications"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "read_at"])]
