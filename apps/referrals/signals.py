"""Tell receiving organisations when the consent behind their referral is withdrawn.

Access already ends on withdrawal (the receiver's selector checks the consent on every
read); this only adds the in-product notification."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.cases.models import Consent


@receiver(post_save, sender=Consent, dispatch_uid="referrals_consent_withdrawn")
def consent_withdrawn(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.withdrawn_on is None:
        return
    if update_fields is not None and "withdrawn_on" not in update_fields:
        return
    from apps.referrals.models import Notification

    for referral in instance.referrals.filter(to_organization__isnull=False).exclude(
        notifications__kind=Notification.Kind.CONSENT_WITHDRAWN
    ):
        Notification.objects.create(
            organization_id=referral.to_organization_id,
            referral=referral,
            kind=Notification.Kind.CONSENT_WITHDRAWN,
        )
