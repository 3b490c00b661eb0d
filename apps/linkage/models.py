"""Possible duplicates, the reviewers' decisions on them, and reversible merges.

Nothing here holds a name or any other identifying value: pairs point at people and
say which fields agree (field names only) and how probable a match is.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DuplicatePair(models.Model):
    """Two people of one organisation that the batch finder thinks may be one.

    `person_l` has the lower id. A decision ("not the same person") is remembered so
    that the finder does not propose the pair again."""

    class Status(models.TextChoices):
        OPEN = "open", _("to review")
        MERGED = "merged", _("merged")
        NOT_SAME = "not_same", _("not the same person")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    person_l = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_r = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    # Names of the compared fields that agree ("family_name", "birth_date"...), never values.
    agreeing = models.JSONField(_("fields that agree"), default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    # Whether the reviewer asked to see the probability before deciding (anchoring).
    score_revealed = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person_l", "person_r"], name="unique_duplicate_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(person_l__lt=models.F("person_r")),
                name="duplicate_pair_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "-probability"])]

    @property
    def reference(self) -> str:
        return f"D-{self.pk:06d}" if self.pk else "D-new"


class Merge(models.Model):
    """`merged` was found to be `survivor` and now points at it. The merged record is
    kept; the links moved from it (cases, calls, consents...) are listed in `moved`
    ({"app.model": [ids]}) so that an undo puts exactly those back."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    moved = models.JSONField(default=dict, blank=True)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        constraints = [
            # A record is merged into one survivor at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="one_active_merge_per_person",
            )
        ]

    @property
    def reference(self) -> str:
        return f"M-{self.pk:06d}" if self.pk else "M-new"

    @property
    def active(self) -> bool:
        return self.undone_at is None


class FinderRun(models.Model):
    """One run of the batch finder: later runs compare only people registered since
    (`last_person_id`) with the people they may be, not everyone again."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    ran_at = models.DateTimeField(default=timezone.now)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incremental = models.BooleanField(default=False)
    last_person_id = models.PositiveBigIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)


class NetworkCluster(models.Model):
    """The opaque network-wide identifier of a person: people of different
    organisations with the same cluster are probably one person. Only this id comes
    back from the network linkage; no encoding and no identity is stored."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="network_cluster"
    )
    cluster = models.CharField(max_length=32, db_index=True)
    assigned_at = models.DateTimeField(default=timezone.now)
