"""The note a merged person's page shows: which record the person now lives on."""

from django import template

from apps.linkage.models import Merge

register = template.Library()


@register.simple_tag
def active_merge_of(person):
    """The merge that points this person at a survivor of the same organisation, or None."""
    if person is None or not getattr(person, "pk", None):
        return None
    return (
        Merge.objects.filter(
            merged_id=person.pk, organization_id=person.organization_id, undone_at__isnull=True
        )
        .select_related("survivor")
        .first()
    )
