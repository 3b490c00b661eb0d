from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    MESSENGER = "messenger", _("messenger")
    WALK_IN = "walk_in", _("walk-in")
    EMAIL = "email", _("e-mail")
    SOCIAL_MEDIA = "social_media", _("social media")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("incoming")
    OUTGOING = "outgoing", _("outgoing")


class CallerCategory(models.TextChoices):
    PERSON_CONCERNED = "person_concerned", _("the person concerned")
    RELATIVE = "relative", _("relative")
    FRIEND = "friend", _("friend or acquaintance")
    EMPLOYER = "employer", _("employer")
    OFFICIAL = "official", _("official")
    ANONYMOUS = "anonymous", _("anonymous")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("emergency")
    URGENT = "urgent", _("urgent")
    ROUTINE = "routine", _("routine")


class Outcome(models.TextChoices):
    INFORMATION_GIVEN = "information_given", _("information given")
    REFERRED = "referred", _("referred to another service")
    CASE_OPENED = "case_opened", _("case opened")
    FOLLOW_UP = "follow_up", _("follow-up needed")
    EMERGENCY_RESPONSE = "emergency_response", _("emergency response started")
    NO_ACTION = "no_action", _("no action needed")
    DROPPED = "dropped", _("call dropped")


URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class Call(models.Model):
    """One contact with the hotline. The caller's identity is optional and encrypted."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="calls"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="calls"
    )
    is_draft = models.BooleanField(_("draft"), default=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCOMING
    )
    started_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    caller_category = models.CharField(
        _("caller"), max_length=20, choices=CallerCategory.choices, default=CallerCategory.ANONYMOUS
    )
    caller_region = models.CharField(_("caller's region"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    caller_name = EncryptedTextField(_("caller's name"), blank=True)
    caller_phone = EncryptedTextField(_("caller's phone"), blank=True)
    # Keyed hash of the normalised phone (apps.core.phones.phone_key): finds earlier
    # calls from the same number without keeping the number in clear.
    caller_phone_key = models.BigIntegerField(null=True, blank=True, editable=False)
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    # The agency the operator checked in the register during the call.
    agency = models.ForeignKey(
        "monitoring.RecruitmentAgency",
        verbose_name=_("recruitment agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    summary = EncryptedTextField(_("what the caller said"), blank=True)
    answer = EncryptedTextField(_("what was answered"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["organization", "-started_at"]),
            models.Index(fields=["organization", "follow_up_done_at", "follow_up_due"]),
            models.Index(fields=["organization", "caller_phone_key"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"H-{self.pk:06d}" if self.pk else "H-new"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_at is None


class Relation(models.TextChoices):
    """How a contact person is related to the person of the case."""

    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    SPOUSE = "spouse", _("spouse or partner")
    SIBLING = "sibling", _("brother or sister")
    CHILD = "child", _("son or daughter")
    OTHER_RELATIVE = "other_relative", _("other relative")
    FRIEND = "friend", _("friend or acquaintance")
    EMPLOYER = "employer", _("employer")
    OFFICIAL = "official", _("official")
    OTHER = "other", _("other")


class ContactPerson(models.Model):
    """Someone who speaks for the person of a case (a mother calling about her son),
    recorded when a case is opened from their call. Name and phone are encrypted
    like a person's; nothing searches them, so they have no blind index."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contact_persons")
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_persons"
    )
    name = EncryptedTextField(pgettext_lazy("person", "name"))
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = EncryptedTextField(_("phone"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["id"]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"


class Answer(models.Model):
    """A prepared answer operators read out: safe-migration guidance, where to turn abroad,
    consulate contacts. Organisation-owned, or shared with the whole network (no organisation)."""

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hotline_answers",
    )
    topic = models.CharField(_("topic"), max_length=40)
    country = models.CharField(_("destination country"), max_length=2, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_ky = models.TextField(_("text (Kyrgyz)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("prepared answer")
        verbose_name_plural = _("prepared answers")
        ordering = ["topic", "country", "id"]

    def title_in(self, lang: str) -> str:
        return getattr(self, f"title_{lang}", "") or self.title_ru or self.title_en or self.title_ky

    def body_in(self, lang: str) -> str:
        return getattr(self, f"body_{lang}", "") or self.body_ru or self.body_en or self.body_ky
