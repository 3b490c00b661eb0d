from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role, role_allows


class Organization(models.Model):
    class Type(models.TextChoices):
        NGO = "ngo", _("NGO")
        CRISIS_CENTRE = "crisis_centre", _("Crisis centre")
        SHELTER = "shelter", _("Shelter")
        HOTLINE = "hotline", _("Hotline")
        LEGAL_AID = "legal_aid", _("Legal aid")
        GOVERNMENT = "government", _("Government body")
        INTERNATIONAL = "international", _("International organisation")
        CONSULATE = "consulate", _("Consulate")

    slug = models.SlugField(_("short name"), unique=True, max_length=60)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    region = models.CharField(_("region"), max_length=40, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    require_mfa = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Members must set up an authenticator app before they can work."),
    )
    shares_aggregates = models.BooleanField(
        _("counts in national statistics"),
        default=True,
        help_text=_("The national coordinator's report includes this organisation's aggregates."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The membership the user last chose to act under (set only by the switcher or by
    # accepting an invitation). Never guessed: with several memberships and no valid
    # choice, the user is asked.
    current_membership = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("organisation in use"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """How colleagues see this person on every page: their name, and their e-mail
        address only while the account has no name."""
        return self.name_for(self.full_name, self.email)

    @staticmethod
    def name_for(full_name: str, email: str) -> str:
        """`display_name` from the two columns, for lists read with .values()."""
        return (full_name or "").strip() or email or ""


class Membership(models.Model):
    """A user's role in one organisation. Every scoped read starts from here."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    def can(self, permission: str) -> bool:
        return self.is_active and role_allows(self.role, permission)


class Invitation(models.Model):
    """An organisation admin's offer of a role to an e-mail address.

    The link carries a random token; only its SHA-256 is stored, so a copy of the
    database gives no working link. A link works once, until it expires or is revoked.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "accepted_at", "revoked_at"])]

    def __str__(self):
        return f"{self.email} – {self.organization} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
