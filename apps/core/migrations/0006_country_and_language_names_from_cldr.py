"""Country and language names from the Unicode CLDR (Babel) instead of pycountry's
catalogues, which left "Türkiye", "Eswatini" and "North Macedonia" untranslated."""

import logging

from django.conf import settings
from django.db import migrations


def rename(apps, schema_editor):
    from apps.core.reference_data import apply_cldr_names
    from apps.core.selectors import forget_reference_values

    apply_cldr_names(apps.get_model("core", "ReferenceValue"))
    # Pick lists cache the names for an hour. A database cache table that does not exist
    # yet (a fresh install) holds nothing; querying it would abort this transaction.
    cache = settings.CACHES["default"]
    if (
        cache["BACKEND"].endswith("DatabaseCache")
        and cache["LOCATION"] not in schema_editor.connection.introspection.table_names()
    ):
        return
    try:
        for kind in ("country", "language"):
            forget_reference_values(kind)
    except Exception:  # noqa: BLE001 - a cache server that is down: the names come in an hour
        logging.getLogger(__name__).warning("Reference names not cleared from the cache.")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_seal_audit_chain_with_keyed_mac")]
    # Going back keeps the better names: they are labels, and nothing depends on the old.
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
