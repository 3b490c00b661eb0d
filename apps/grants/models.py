"""Donors, grants (with sub-grants to partner NGOs), activities, budget lines and
spending (amounts only), the events a grant paid for, and the indicator registry with
targets, hand-entered results and the values each donor report sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField

MAX_AMOUNT_DIGITS = 14


class Currency(models.TextChoices):
    KGS = "KGS", "KGS"
    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    RUB = "RUB", "RUB"
    KZT = "KZT", "KZT"
    GBP = "GBP", "GBP"
    CHF = "CHF", "CHF"


class Donor(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="donors"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_donor_name")
        ]

    def __str__(self):
        return self.name


class Grant(models.Model):
    """A grant from a donor, or (with `parent`) a sub-grant the organisation passes on to
    a local partner NGO."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="grants"
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="grants", verbose_name=_("donor")
    )
    reference = models.CharField(_("reference"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=MAX_AMOUNT_DIGITS, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_grants",
        verbose_name=_("sub-grant of"),
    )
    partner_name = models.CharField(_("partner NGO"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped on every change, so an edit opened before someone else's save is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="unique_grant_reference"
            )
        ]

    def __str__(self):
        return f"{self.reference} · {self.title}"


class Activity(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["id"]


class BudgetLine(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="budget_lines")
    name = models.CharField(_("budget line"), max_length=200)
    amount = models.DecimalField(_("budget"), max_digits=MAX_AMOUNT_DIGITS, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["id"]


class Spending(models.Model):
    """An amount spent on a budget line (amounts only; the accounts live elsewhere)."""

    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spending")
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(_("amount"), max_digits=MAX_AMOUNT_DIGITS, decimal_places=2)

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["spent_on", "id"]


class GrantEvent(models.Model):
    """A prevention event the grant paid for (the link lives here so that apps.prevention
    knows nothing of grants)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="event_links")
    event = models.ForeignKey(
        "prevention.Event", on_delete=models.CASCADE, related_name="grant_links"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "event"], name="one_link_per_grant_event")
        ]


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")


class DataSource(models.TextChoices):
    PEOPLE_REACHED = "people_reached", _("people reached by the grant's events")
    VICTIMS_ASSISTED = "victims_assisted", _("victims assisted")
    CALLS_ANSWERED = "calls_answered", _("hotline calls answered")
    CONSULTATIONS = "consultations_given", _("legal consultations given")
    CASES_OPENED = "cases_opened", _("cases opened")
    MANUAL = "manual", _("entered by hand, with evidence")


COMPUTED_SOURCES = tuple(s for s in DataSource.values if s != DataSource.MANUAL)
DISAGGREGATIONS = ("sex", "age_band", "region")


class Indicator(models.Model):
    """One indicator of the organisation's registry; it may feed several grants (several
    donors' frameworks) through IndicatorUse, each with its own targets."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, default="people")
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    disaggregation = models.JSONField(_("disaggregation"), default=list, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("data source"), max_length=30, choices=DataSource.choices)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_indicator_code")
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def computed(self) -> bool:
        return self.source != DataSource.MANUAL


class IndicatorUse(models.Model):
    """An indicator in one grant's framework, with the life-of-grant target."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="uses")
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="indicator_uses")
    life_target = models.DecimalField(
        _("life-of-grant target"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "grant"], name="one_use_per_grant")
        ]


class PeriodTarget(models.Model):
    use = models.ForeignKey(IndicatorUse, on_delete=models.CASCADE, related_name="targets")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["period_from"]
        constraints = [
            models.UniqueConstraint(fields=["use", "period_from"], name="one_target_per_period")
        ]


class ManualResult(models.Model):
    """A result entered by hand for an indicator and period, with its evidence file
    (stored encrypted on disk, like case attachments)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="manual_results")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    # {"sex": {"F": 3, ...}, "region": {...}}: numbers only.
    breakdown = models.JSONField(default=dict, blank=True)
    evidence_name = EncryptedTextField(_("evidence file"), blank=True)
    evidence_storage = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["period_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "grant", "period_from", "period_to"],
                name="one_manual_result_per_period",
            )
        ]


class SentReport(models.Model):
    """A donor report as sent: the values it carried, so that a later change of a
    computed value is flagged rather than silently rewriting what the donor has."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="sent_reports")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {indicator code: value}
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("sent donor report")
        verbose_name_plural = _("sent donor reports")
        ordering = ["-sent_at"]
