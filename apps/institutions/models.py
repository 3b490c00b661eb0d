"""Places of deprivation of liberty and care, the monitoring visits made to them, what
was observed and who was interviewed, and the recommendations made with the
authorities' responses over time."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import EncryptedTextField


class InstitutionKind(models.TextChoices):
    TEMPORARY_DETENTION = "temporary_detention", _("temporary detention facility")
    PRE_TRIAL_DETENTION = "pre_trial_detention", _("pre-trial detention centre")
    PENAL_COLONY = "penal_colony", _("penal colony")
    PSYCHIATRIC_HOSPITAL = "psychiatric_hospital", _("psychiatric hospital")
    SOCIAL_CARE_HOME = "social_care_home", _("social-care home")
    GERIATRIC_HOME = "geriatric_home", _("geriatric home")
    ORPHANAGE = "orphanage", _("orphanage")
    OTHER = "other", _("other")


class Institution(models.Model):
    """One place in the organisation's register (the names of places are public)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="institutions"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=InstitutionKind.choices)
    authority = models.CharField(_("authority in charge"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_on = models.DateField(_("population counted on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("closed institution")
        verbose_name_plural = _("closed institutions")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="unique_institution_name_per_org"
            )
        ]

    def __str__(self):
        return self.name


class VisitKind(models.TextChoices):
    IN_DEPTH = "in_depth", _("in-depth")
    FOLLOW_UP = "follow_up", pgettext_lazy("visit type", "follow-up")
    THEMATIC = "thematic", _("thematic")
    AD_HOC = "ad_hoc", _("ad hoc, after an alert")


class Access(models.TextChoices):
    GRANTED = "granted", _("access granted")
    PARTIAL = "partial", _("access partly denied")
    DENIED = "denied", _("access denied")


class Visit(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("type of visit"), max_length=20, choices=VisitKind.choices)
    announced = models.BooleanField(_("announced in advance"), default=False)
    visited_on = models.DateField(_("date of the visit"))
    team = EncryptedTextField(_("team"), blank=True)
    access = models.CharField(_("access"), max_length=10, choices=Access.choices)
    denied_by = EncryptedTextField(_("who denied access"), blank=True)
    denial_reason = EncryptedTextField(_("reason given for the denial"), blank=True)
    summary = EncryptedTextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.institution} {self.visited_on}"


class Topic(models.TextChoices):
    MEDICAL_CARE = "medical_care", _("medical care")
    CONDITIONS = "conditions", _("material conditions")
    TREATMENT = "treatment", _("treatment")
    CONTACT = "contact", _("contact with family and lawyers")
    SAFEGUARDS = "safeguards", _("legal safeguards")
    OTHER = "other", _("other")


class Observation(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="observations")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text = EncryptedTextField(_("observation"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["topic", "id"]


class IntervieweeCategory(models.TextChoices):
    DETAINEE = "detainee", _("detained person or resident")
    STAFF = "staff", _("staff")
    MEDICAL = "medical", _("medical staff")
    RELATIVE = "relative", _("relative")
    OTHER = "other", _("other")


class Interview(models.Model):
    """A person interviewed during a visit; the person record holds the encrypted name."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="interviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=IntervieweeCategory.choices)
    consent = models.BooleanField(_("consent to use the account given"), default=False)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["id"]


class RecommendationKind(models.TextChoices):
    POST_VISIT = "post_visit", _("after a visit")
    THEMATIC = "thematic", _("thematic")
    URGENT = "urgent", _("urgent")


class RecommendationStatus(models.TextChoices):
    NO_RESPONSE = "no_response", _("no response yet")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("being implemented")
    PARTLY_IMPLEMENTED = "partly_implemented", _("partly implemented")
    IMPLEMENTED = "implemented", _("implemented")
    REJECTED = "rejected", _("rejected")


UNIMPLEMENTED = (
    RecommendationStatus.NO_RESPONSE,
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.PARTLY_IMPLEMENTED,
    RecommendationStatus.REJECTED,
)


class Recommendation(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="recommendations"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecommendationKind.choices)
    text = EncryptedTextField(_("recommendation"))
    addressee = models.CharField(_("addressee"), max_length=200)
    made_on = models.DateField(_("made on"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    repeats = models.ForeignKey(
        "self",
        verbose_name=_("repeats an earlier recommendation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeated_by",
    )
    # The latest follow-up's status, kept here so lists and statistics need no subquery.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NO_RESPONSE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return f"R-{self.pk}"


class RecommendationUpdate(models.Model):
    """The authority's response and the follow-up status on one day: the history."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=RecommendationStatus.choices)
    response = EncryptedTextField(_("authority's response"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommendation follow-up")
        verbose_name_plural = _("recommendation follow-ups")
        ordering = ["on", "id"]


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("yes or no")
    NUMBER = "number", _("number")
    CHOICE = "choice", _("choice")
    TEXT = "text", _("text")


class ChecklistQuestion(models.Model):
    """A question the organisation asks on visits of a type (all types when blank)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="checklist_questions"
    )
    visit_kind = models.CharField(
        _("type of visit"), max_length=20, choices=VisitKind.choices, blank=True
    )
    text = models.CharField(_("question"), max_length=300)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.text


class ChecklistAnswer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ChecklistQuestion, on_delete=models.PROTECT, related_name="answers"
    )
    # Text answers can describe people, so every answer is stored encrypted.
    value = EncryptedTextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(fields=["visit", "question"], name="one_answer_per_question")
        ]
