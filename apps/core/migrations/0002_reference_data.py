from django.db import migrations


def load(apps, schema_editor):
    from apps.core.reference_data import load_reference_values

    load_reference_values(apps.get_model("core", "ReferenceValue"))


def unload(apps, schema_editor):
    apps.get_model("core", "ReferenceValue").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
