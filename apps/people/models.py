from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.crypto import blind_hash, organization_index_key, organization_index_keys
from apps.core.fields import EncryptedJSONField, EncryptedTextField


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other")
    UNKNOWN = "U", _("unknown")


def register_number_key(organization_id, number: str, *, org_key: bytes | None = None):
    """The blind index of a register number: a keyed hash (key derived per organisation
    from the index key, like the name keys; `org_key` another of its keys), None for no
    number. Equal numbers in two organisations give unrelated hashes."""
    number = (number or "").strip()
    if not number or organization_id is None:
        return None
    return blind_hash(org_key or organization_index_key(organization_id), "register:" + number)


def register_number_keys(organization_id, number: str) -> list[int]:
    """A look-up's hashes of a register number, one per index key held (decision 0038)."""
    if organization_id is None:
        return []
    found = [
        register_number_key(organization_id, number, org_key=k)
        for k in organization_index_keys(organization_id)
    ]
    return [k for k in found if k is not None]


class RegisterImportRun(models.Model):
    """A register import while it writes (apps.people.register_import).

    Created before the first write; every person the import writes carries its id, and
    the import's last transaction sets `finished_at`. On SQLite a large import commits in
    batches, so a killed process would leave the batches written so far: the people of a
    run that never finished are hidden from every selector, and `recover_interrupted_imports`
    deletes them once the run's process (or its PostgreSQL session) is gone. The owner
    fields say which process that is; they identify a process, never a person."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    thread = models.BigIntegerField()
    # PostgreSQL: the server process of the import's connection (pg_backend_pid()).
    backend_pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    # Moved on at every batch committed (SQLite): a run silent for long is abandoned.
    heartbeat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("register import run")
        verbose_name_plural = _("register import runs")


class Person(models.Model):
    """A client of one organisation. Identifying fields are encrypted at rest.

    Clear columns (sex, birth year, citizenship, region, district, languages)
    carry no identity on their own and feed statistics.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="people"
    )
    # Encrypted like the other identifiers; found and kept unique through
    # `external_id_key`, a keyed hash (see register_number_key).
    external_id = EncryptedTextField(_("register number"), max_length=64, blank=True)
    external_id_key = models.BigIntegerField(null=True, blank=True, editable=False)
    family_name = EncryptedTextField(_("family name"), blank=True)
    given_name = EncryptedTextField(_("given name"))
    patronymic = EncryptedTextField(_("patronymic"), blank=True)
    other_names = EncryptedJSONField(_("other names and aliases"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = EncryptedTextField(
        _("date of birth"), blank=True, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY")
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    region = models.CharField(_("region of origin"), max_length=40, blank=True)
    district = models.CharField(_("district of origin"), max_length=100, blank=True)
    phones = EncryptedJSONField(_("phones"))
    document_numbers = EncryptedJSONField(_("document numbers"))
    address = EncryptedTextField(_("address"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    disabilities = EncryptedTextField(_("disabilities"), blank=True)
    hide_name = models.BooleanField(
        _("hide name"), default=False, help_text=_("Show a code instead of the name on screens.")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The register import that wrote this person; its people stay hidden until it has
    # finished (RegisterImportRun). Empty for people registered one by one.
    import_run = models.ForeignKey(
        RegisterImportRun,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "import_run"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id_key"],
                condition=models.Q(external_id_key__isnull=False),
                name="unique_register_number_per_organization",
            )
        ]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # The hash follows the number on every save, so that no write path can forget it.
        self.external_id_key = register_number_key(self.organization_id, self.external_id)
        if kwargs.get("update_fields") is not None and "external_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "external_id_key"}
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        return self.code_for(self.pk)

    @staticmethod
    def code_for(pk) -> str:
        return f"P-{pk:06d}" if pk else "P-new"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)

    @property
    def display_name(self) -> str:
        """What screens show: the code when the name is hidden."""
        return self.code if self.hide_name else self.full_name


class PersonNameKey(models.Model):
    """A keyed hash of one normalised name key of a person (blind index)."""

    # No database constraint: about sixty rows a person, and PostgreSQL checks a
    # foreign key row by row, which cost a 100,000-person import a third of its time
    # (docs/decisions/0018). Deleting a person through Django still deletes the keys.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    key = models.BigIntegerField()
    # The shape of the name the key came from (apps.people.name_shape), so that
    # search ranks and breaks ties in SQL: its token count, and a keyed hash of its
    # tokens as written. Null when a writer did not know it (reindex_names fills it).
    tokens = models.SmallIntegerField(null=True, blank=True)
    spelling = models.IntegerField(null=True, blank=True)

    class Meta:
        # (key, person, shape) answers search and its tie-breaks from the index alone.
        indexes = [
            models.Index(fields=["key", "person", "tokens", "spelling"], name="person_name_key_idx")
        ]


class PersonNumberKey(models.Model):
    """A keyed hash of one of a person's phones or document numbers (blind index,
    apps.people.numbers): exact look-up without the number stored in clear."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone")
        DOCUMENT = "document", _("document")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="person_number_key_idx")]
