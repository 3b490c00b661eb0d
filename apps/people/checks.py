"""A warning when the stored name keys were made by an older normaliser."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def name_keys_current(app_configs=None, databases=None, **kwargs):
    """Sample a few people (run by `migrate` and `check --database default`)."""
    if not databases:
        return []
    from apps.people.services import name_keys_stale

    try:
        stale = name_keys_stale(sample=20)
    except DatabaseError:  # before the people tables exist or are migrated
        return []
    if not stale:
        return []
    return [
        Warning(
            "Some people's name keys were made by an older version of the name normaliser: "
            "search may miss them.",
            hint="Run: python manage.py reindex_names (it works in batches while Koldoo runs).",
            id="people.W001",
        )
    ]
