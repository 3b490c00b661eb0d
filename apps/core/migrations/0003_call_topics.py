from django.db import migrations


def load(apps, schema_editor):
    from apps.core.reference_data import CALL_TOPICS

    ReferenceValue = apps.get_model("core", "ReferenceValue")
    for order, (code, en, ru, ky, htcds) in enumerate(CALL_TOPICS):
        ReferenceValue.objects.get_or_create(
            kind="call_topic",
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ky": ky, "htcds_value": htcds,
                      "sort_order": order},
        )  # fmt: skip


def unload(apps, schema_editor):
    apps.get_model("core", "ReferenceValue").objects.filter(kind="call_topic").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
