from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.models import ReferenceValue
from apps.core.selectors import forget_reference_values


@receiver([post_save, post_delete], sender=ReferenceValue)
def reference_value_changed(sender, instance, **kwargs):
    forget_reference_values(instance.kind)
