from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedJSONField


class IndicatorGroup(models.TextChoices):
    VULNERABILITY = "vulnerability", _("Abuse of vulnerability")
    DECEPTION = "deception", _("Deception")
    MOVEMENT = "movement", _("Restriction of movement")
    ISOLATION = "isolation", _("Isolation")
    VIOLENCE = "violence", _("Physical and sexual violence")
    INTIMIDATION = "intimidation", _("Intimidation and threats")
    DOCUMENTS = "documents", _("Retention of identity documents")
    WAGES = "wages", _("Withholding of wages")
    DEBT = "debt", _("Debt bondage")
    CONDITIONS = "conditions", _("Abusive working and living conditions")
    OVERTIME = "overtime", _("Excessive overtime")
    RECRUITMENT = "recruitment", _("Recruitment")
    SEXUAL = "sexual", _("Sexual exploitation")


class Strength(models.TextChoices):
    STRONG = "strong", _("strong")
    MEDIUM = "medium", _("medium")


class Indicator(models.Model):
    """One question of the screening, as reference data (three languages, and a
    child-sensitive wording)."""

    code = models.CharField(max_length=40, unique=True)
    group = models.CharField(max_length=20, choices=IndicatorGroup.choices)
    strength = models.CharField(max_length=10, choices=Strength.choices)
    text_en = models.CharField(max_length=300)
    text_ru = models.CharField(max_length=300)
    text_ky = models.CharField(max_length=300)
    child_text_en = models.CharField(max_length=300, blank=True)
    child_text_ru = models.CharField(max_length=300, blank=True)
    child_text_ky = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.code

    def text(self, child: bool = False) -> str:
        lang = (get_language() or "en")[:2]
        if child:
            chosen = getattr(self, f"child_text_{lang}", "") or self.child_text_en
            if chosen:
                return chosen
        return getattr(self, f"text_{lang}", "") or self.text_en


class RuleSet(models.Model):
    """A versioned rule for turning answers into a result. Kept as data so that a
    change of rule is visible and every screening names the rule it used."""

    version = models.CharField(max_length=20, unique=True)
    description = models.TextField(blank=True)
    # {"presumed": {"strong": 2, "strong_with_medium": [1, 2]}, "possible": {"strong": 1, "medium": 2}}
    thresholds = models.JSONField(default=dict)
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.version

    def explanation(self) -> str:
        """The description in the reader's language.

        The catalogue translates the English wording a version was loaded with
        (indicator_data); a description it does not know is shown as written.
        """
        return gettext(self.description) if self.description else ""


class Result(models.TextChoices):
    NO_INDICATION = "no_indication", _("no indication of trafficking")
    POSSIBLE = "possible", _("possible victim")
    PRESUMED = "presumed", _("presumed victim")


class Answer(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class Screening(models.Model):
    """An identification screening of one person, with the result the rule gave."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="screenings"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )
    call = models.ForeignKey(
        "hotline.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="screenings"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="screenings")
    screened_on = models.DateField(_("screened on"), default=timezone.localdate)
    under_18_at_exploitation = models.CharField(
        _("under 18 when exploited"), max_length=10, choices=Answer.choices, default=Answer.UNKNOWN
    )
    answers = models.JSONField(default=dict)
    notes = EncryptedJSONField(_("notes"), default=dict)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reasons = models.JSONField(default=list)
    child_protection = models.BooleanField(_("child protection steps needed"), default=False)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_on", "-id"]
        indexes = [models.Index(fields=["organization", "-screened_on"])]

    def __str__(self):
        return f"S-{self.pk:06d}"
