"""Needs assessments, service plans, services delivered, reintegration check-ins
and shelter stays: the assistance a person receives within a case."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField


class Stage(models.TextChoices):
    ABROAD = "abroad", _("while still abroad")
    AFTER_RETURN = "after_return", _("after return")


class AbroadNeed(models.TextChoices):
    RELEASE = "release", _("release from the situation of exploitation")
    TRAVEL_DOCUMENTS = "travel_documents", _("travel documents")
    TEMPORARY_SHELTER = "temporary_shelter", _("temporary shelter")
    PSYCHOLOGICAL = "psychological", _("psychological help")
    MEDICAL = "medical", _("medical help")
    LEGAL = "legal", _("legal help")
    TRANSPORT_HOME = "transport_home", _("transport home")


class ReturnNeed(models.TextChoices):
    PSYCHOLOGICAL = "psychological", _("psychological help")
    MEDICAL = "medical", _("medical help")
    LEGAL = "legal", _("legal help")
    PROTECTION = "protection", _("protection and shelter during investigation and trial")
    SHORT_TERM_SHELTER = "short_term_shelter", _("short-term shelter")
    LONG_TERM_SHELTER = "long_term_shelter", _("long-term shelter")
    SKILLS_TRAINING = "skills_training", _("skills training")
    EMPLOYMENT = "employment", _("employment")
    ECONOMIC_SUPPORT = "economic_support", _("economic support")
    FAMILY_MEDIATION = "family_mediation", _("family mediation")
    CHILD_EDUCATION = "child_education", _("education for children")


NEEDS_BY_STAGE = {Stage.ABROAD: AbroadNeed, Stage.AFTER_RETURN: ReturnNeed}


class NeedStatus(models.TextChoices):
    NEEDED = "needed", _("needed")
    BEING_MET = "being_met", _("being met")
    MET = "met", _("met")
    NOT_NEEDED = "not_needed", _("not needed")


class ServiceType(models.TextChoices):
    """The one service taxonomy: plans, services delivered, the service directory,
    referrals and national statistics all use these codes."""

    RELEASE = "release", _("release from the situation of exploitation")
    TRAVEL_DOCUMENTS = "travel_documents", _("travel documents")
    TRANSPORT_HOME = "transport_home", _("transport home")
    PSYCHOLOGICAL = "psychological", _("psychological help")
    MEDICAL = "medical", _("medical help")
    LEGAL = "legal", _("legal help")
    PROTECTION = "protection", _("protection and shelter during investigation and trial")
    SHELTER = "shelter", _("shelter")
    SKILLS_TRAINING = "skills_training", _("skills training")
    EMPLOYMENT = "employment", _("employment")
    ECONOMIC_SUPPORT = "economic_support", _("economic support")
    FAMILY_MEDIATION = "family_mediation", _("family mediation")
    CHILD_EDUCATION = "child_education", _("education for children")
    OTHER = "other", _("other")


class Currency(models.TextChoices):
    KGS = "KGS", "KGS"
    USD = "USD", "USD"
    RUB = "RUB", "RUB"
    KZT = "KZT", "KZT"
    EUR = "EUR", "EUR"


class NeedsAssessment(models.Model):
    """What a person needs at one stage; one assessment per case and stage, kept up to date."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="needs_assessments"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    # {need code: NeedStatus}
    needs = models.JSONField(_("needs"), default=dict, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        ordering = ["case", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="one_assessment_per_stage")
        ]

    def need_rows(self):
        """(label, status code, status label) for every need of the stage that was assessed."""
        statuses = dict(NeedStatus.choices)
        return [
            (label, self.needs[code], statuses.get(self.needs[code], self.needs[code]))
            for code, label in NEEDS_BY_STAGE[self.stage].choices
            if code in self.needs
        ]


class ServicePlan(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="service_plan")
    goals = EncryptedTextField(_("goals"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")


class PlannedServiceStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class PlannedService(models.Model):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    provider_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("provider organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    planned_from = models.DateField(_("planned from"), null=True, blank=True)
    planned_to = models.DateField(_("planned to"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlannedServiceStatus.choices,
        default=PlannedServiceStatus.PLANNED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Raised on every change, so that a stale edit form is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")
        ordering = ["planned_from", "id"]

    @property
    def provider(self) -> str:
        return self.provider_organization.name if self.provider_organization else self.provider_name


class DeliveredService(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="delivered_services"
    )
    service_type = models.CharField(_("service"), max_length=30, choices=ServiceType.choices)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    provider_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("provider organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    duration_days = models.PositiveIntegerField(_("duration in days"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    over_limit = models.BooleanField(_("confirmed over the limit"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["service_type", "currency", "delivered_on"])]

    @property
    def provider(self) -> str:
        return self.provider_organization.name if self.provider_organization else self.provider_name


class EconomicSupportLimit(models.Model):
    """At most `amount` of economic support to one person within `period_days`."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="economic_limits"
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    period_days = models.PositiveIntegerField(_("period in days"), default=365)

    class Meta:
        verbose_name = _("economic support limit")
        verbose_name_plural = _("economic support limits")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "currency"], name="one_limit_per_currency"
            )
        ]


class CheckInOutcome(models.TextChoices):
    DOING_WELL = "doing_well", _("reintegrating well")
    NEEDS_SUPPORT = "needs_support", _("needs further support")
    AT_RISK = "at_risk", _("at risk of being trafficked again")
    NOT_REACHED = "not_reached", _("could not be reached")
    DECLINED = "declined", _("declined the check-in")


class CheckIn(models.Model):
    """A reintegration follow-up after a case was closed."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="check_ins")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=CheckInOutcome.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assigned_to", "done_on", "due_on"])]


class ShelterCapacity(models.Model):
    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="shelter_capacity"
    )
    beds = models.PositiveIntegerField(_("beds"))

    class Meta:
        verbose_name = _("shelter capacity")
        verbose_name_plural = _("shelter capacities")


class ShelterStay(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="shelter_stays")
    # Copied from the case, so that the database keeps one open stay per person.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    shelter = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("shelter"),
        on_delete=models.PROTECT,
        related_name="shelter_stays",
        limit_choices_to={"type": "shelter"},
    )
    admitted_on = models.DateField(_("admitted on"), default=timezone.localdate)
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    bed_label = models.CharField(_("bed"), max_length=40, blank=True)
    # Set when the shelter admitted the person on a referral it accepted: the case then
    # belongs to the referring organisation and the shelter knows it by the referral.
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shelter_stays",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shelter stay")
        verbose_name_plural = _("shelter stays")
        ordering = ["-admitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(discharged_on__isnull=True),
                name="one_open_shelter_stay_per_person",
            )
        ]
