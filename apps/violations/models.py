"""Violations documented in the HURIDOCS Events Standard Formats' shape: an event (what
happened, where, when), acts (a person suffered an act of a type), involvements (who did
it, in which role), sources (who reported it) and interventions (what the organisation
did about it). Vocabularies are reference data with stable codes for statistics."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField


class Vocabulary(models.Model):
    """One term of a hierarchical, translated vocabulary. The code never changes once
    counted: statistics group by the code of the top-level term."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en

    @property
    def top(self):
        """The top-level term this one belongs to (itself if it has no parent)."""
        term, seen = self, set()
        while term.parent_id is not None and term.pk not in seen:
            seen.add(term.pk)
            term = term.parent
        return term


class ActType(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("act type")
        verbose_name_plural = _("act types")


class PerpetratorType(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("perpetrator type")
        verbose_name_plural = _("perpetrator types")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("exact day")
    MONTH = "month", _("month known")
    YEAR = "year", _("year known")
    APPROXIMATE = "approximate", _("approximate")


class Confidentiality(models.TextChoices):
    # Every monitor and admin of the organisation (and organisations given a grant).
    ORGANISATION = "organisation", _("monitors of the organisation")
    # Only whoever recorded it and the organisation's admins (and grants given).
    RESTRICTED = "restricted", _("restricted: the author and admins only")


class Event(models.Model):
    """What happened, where and when; a chain links an event to the one it followed."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="violation_events"
    )
    title = EncryptedTextField(_("title"))
    description = EncryptedTextField(_("what happened"), blank=True)
    place = EncryptedTextField(_("place"), blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("closed institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    # For a month or a year, the first day of it; the precision says how to read it.
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follows the event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followers",
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.ORGANISATION,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("violation event")
        verbose_name_plural = _("violation events")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["organization", "-occurred_on"])]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"EV-{self.pk}"

    @property
    def date_display(self) -> str:
        day = self.occurred_on
        if day is None:
            return ""
        if self.date_precision == DatePrecision.MONTH:
            return day.strftime("%Y-%m")
        if self.date_precision == DatePrecision.YEAR:
            return str(day.year)
        if self.date_precision == DatePrecision.APPROXIMATE:
            return pgettext_lazy("approximate date", "about %(date)s") % {"date": day.isoformat()}
        return day.isoformat()


class Act(models.Model):
    """A person suffered an act of a type in the event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="acts")
    victim = models.ForeignKey(
        "people.Person", verbose_name=_("victim"), on_delete=models.PROTECT, related_name="+"
    )
    act_type = models.ForeignKey(
        ActType, verbose_name=_("act type"), on_delete=models.PROTECT, related_name="acts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        ordering = ["id"]


class InvolvementRole(models.TextChoices):
    PERPETRATOR = "perpetrator", _("perpetrator")
    GAVE_ORDERS = "gave_orders", _("gave the orders")
    FAILED_TO_ACT = "failed_to_act", _("failed to act")


class Involvement(models.Model):
    """Who was involved: a person, or a group or institution named in words."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_name = EncryptedTextField(_("group or institution"), blank=True)
    position = EncryptedTextField(_("position or rank"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)
    perpetrator_type = models.ForeignKey(
        PerpetratorType,
        verbose_name=_("perpetrator type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    # A perpetrator's identity is withheld from organisations given a grant unless
    # the recording organisation decides otherwise.
    identity_confidential = models.BooleanField(_("identity confidential"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["id"]


class SourceKind(models.TextChoices):
    VICTIM = "victim", _("the victim")
    WITNESS = "witness", _("a witness")
    RELATIVE = "relative", _("a relative")
    LAWYER = "lawyer", _("a lawyer")
    MONITOR = "monitor", _("a monitor's own observation")
    MEDIA = "media", _("media")
    OFFICIAL = "official", _("an official")
    OTHER = "other", _("other")


class Reliability(models.TextChoices):
    HIGH = "high", _("reliable")
    MEDIUM = "medium", _("fairly reliable")
    LOW = "low", _("not very reliable")
    UNKNOWN = "unknown", _("cannot be judged")


class Source(models.Model):
    """Who reported the event, how reliable they are, when."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("kind of source"), max_length=20, choices=SourceKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("witness"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = EncryptedTextField(_("who reported"), blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=10, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["id"]


class InterventionKind(models.TextChoices):
    LETTER = "letter", _("letter")
    COMPLAINT = "complaint", _("complaint")
    VISIT = "visit", _("visit")
    OTHER = "other", _("other")


class Intervention(models.Model):
    """What the organisation did about the event, and the answer it got."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("kind"), max_length=20, choices=InterventionKind.choices)
    made_on = models.DateField(_("date"))
    addressee = models.CharField(_("addressee"), max_length=200)
    response = EncryptedTextField(_("response"), blank=True)
    response_on = models.DateField(_("response received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["made_on", "id"]


class Grant(models.Model):
    """The recording organisation shares one event with another organisation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="grants")
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="violation_grants",
    )
    # Victims' names are shared only when the grant says so; otherwise person codes.
    share_victim_names = models.BooleanField(_("share the victims' names"), default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sharing grant")
        verbose_name_plural = _("sharing grants")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_violation_grant",
            )
        ]
