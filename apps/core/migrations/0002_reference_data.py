from django.db import migrations


def load(apps, schema_editor):
    from apps.core.reference_data import TAXONOMIES, country_rows

    ReferenceValue = apps.get_model("core", "ReferenceValue")
    rows = []
    for kind, values in TAXONOMIES.items():
        for order, (code, en, ru, ky, htcds) in enumerate(values):
            rows.append((kind, order, code, en, ru, ky, htcds))
    # The countries of the field first, then the rest by English name.
    first = [
        "KG",
        "RU",
        "KZ",
        "TR",
        "AE",
        "CN",
        "KR",
        "UZ",
        "TJ",
        "TM",
        "SY",
        "IN",
        "UA",
        "CZ",
        "DE",
    ]
    countries = sorted(
        country_rows(), key=lambda r: (first.index(r[0]) if r[0] in first else 99, r[1])
    )
    for order, (code, en, ru, ky, htcds) in enumerate(countries):
        rows.append(("country", order, code, en, ru, ky, htcds))
    ReferenceValue.objects.bulk_create(
        ReferenceValue(
            kind=kind, sort_order=order, code=code, name_en=en, name_ru=ru, name_ky=ky,
            htcds_value=htcds,
        )
        for kind, order, code, en, ru, ky, htcds in rows
    )  # fmt: skip


def unload(apps, schema_editor):
    apps.get_model("core", "ReferenceValue").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
