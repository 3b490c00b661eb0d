from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import EncryptedTextField


class Relation(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    SPOUSE = "spouse", _("spouse")
    SIBLING = "sibling", _("brother or sister")
    CHILD = "child", _("son or daughter")
    OTHER_RELATIVE = "relative", _("other relative")
    FRIEND = "friend", _("friend or neighbour")
    OTHER = "other", pgettext_lazy("relation", "other")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("phone call")
    MESSENGER = "messenger", _("messenger")
    SOCIAL = "social", _("social network")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")
    OTHER = "other", pgettext_lazy("channel", "other")


class DocumentsHeldBy(models.TextChoices):
    SELF = "self", _("the missing person")
    EMPLOYER = "employer", _("the employer")
    AGENCY = "agency", _("the recruitment agency")
    FAMILY = "family", _("the family")
    UNKNOWN = "unknown", _("not known")


class AppealStatus(models.TextChoices):
    """Where the search stands; the latest follow-up note sets it."""

    INFORMATION_SOUGHT = "information_sought", _("information sought")
    CONTACT_MADE = "contact_made", _("contact made")
    BELIEVED_ALIVE = "believed_alive", _("believed alive")
    FOUND = "found", _("found")
    IN_CUSTODY = "in_custody", _("in custody")
    DECEASED = "deceased", _("deceased")
    TRAFFICKED = "trafficked", _("trafficked")


class ClosureReason(models.TextChoices):
    FOUND_SAFE = "found_safe", _("found safe")
    RETURNED = "returned", _("returned home")
    REFERRED = "referred", _("referred to a trafficking case")
    DECEASED = "deceased", _("deceased")
    WITHDRAWN = "withdrawn", _("the relative withdrew the appeal")
    NO_TRACE = "no_trace", _("no trace after all enquiries")


class MissingPersonAppeal(models.Model):
    """A relative's report of someone missing abroad, kept by the organisation that took
    it. Who reported, the circumstances and contact numbers are encrypted; the missing
    person is a person record of the organisation."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("missing person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_name = EncryptedTextField(_("who reports"))
    # Encrypted too: with the destination and dates it can point to a family.
    reporter_relation = EncryptedTextField(
        _("relation to the missing person"), choices=Relation.choices
    )
    reporter_contact = EncryptedTextField(_("how to reach who reports"), blank=True)
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    employer = EncryptedTextField(_("employer or agency"), blank=True)
    agency = models.ForeignKey(
        "monitoring.RecruitmentAgency",
        verbose_name=_("recruitment agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    last_contact_channel = models.CharField(
        _("last contact by"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    last_contact_number = EncryptedTextField(_("number or account of the last contact"), blank=True)
    circumstances = EncryptedTextField(_("circumstances"), blank=True)
    documents_held_by = models.CharField(
        _("documents held by"),
        max_length=10,
        choices=DocumentsHeldBy.choices,
        default=DocumentsHeldBy.UNKNOWN,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AppealStatus.choices,
        default=AppealStatus.INFORMATION_SOUGHT,
    )
    consulate_contacted_on = models.DateField(_("consulate contacted on"), null=True, blank=True)
    consulate_contact = EncryptedTextField(_("consulate contact"), blank=True)
    police_contacted_on = models.DateField(_("police contacted on"), null=True, blank=True)
    police_contact = EncryptedTextField(_("police contact"), blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=12, choices=ClosureReason.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The trafficking case the found person is followed in (after a confirmed match).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("trafficking case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("missing person appeal")
        verbose_name_plural = _("missing person appeals")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return _("Appeal #%(id)s") % {"id": self.pk}

    @property
    def is_closed(self) -> bool:
        return bool(self.closure_reason)


class AppealNote(models.Model):
    """A follow-up on an appeal: what was done or learnt, and the status it leaves."""

    appeal = models.ForeignKey(MissingPersonAppeal, on_delete=models.CASCADE, related_name="notes")
    status = models.CharField(_("status"), max_length=20, choices=AppealStatus.choices)
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["-created_at", "-id"]


class AppealMatch(models.Model):
    """A person of the organisation who may be the missing person, offered for a human
    to confirm or reject. Found by the people register's search (names, phone)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("to be checked")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("not the same person")

    appeal = models.ForeignKey(
        MissingPersonAppeal, on_delete=models.CASCADE, related_name="matches"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    found_by = models.CharField(max_length=10)  # "name", "phone" or "document"
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible match")
        verbose_name_plural = _("possible matches")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "person"], name="missing_match_once")
        ]
