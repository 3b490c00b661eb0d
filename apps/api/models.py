import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Membership

# Every secret starts with this, so a leaked one is recognisable (secret scanners).
SECRET_PREFIX = "koldoo_"


def secret_digest(secret: str) -> str:
    """SHA-256 of the whole secret: the secret has 256 random bits, so no salt or
    slow hash is needed, and the digest can be looked up directly."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A key to the API acting as ONE membership, fixed at creation.

    Only the digest of the secret is stored; the secret is shown once.
    """

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The start of the secret, shown in lists so that its owner can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=20, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_current(self) -> bool:
        """Neither revoked nor expired (the membership and second factor are checked on use)."""
        return not self.is_revoked and not self.is_expired
