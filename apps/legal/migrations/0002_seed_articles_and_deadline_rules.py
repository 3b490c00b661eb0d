from django.db import migrations


def seed(apps, schema_editor):
    from apps.legal.reference_data import load_legal_reference

    load_legal_reference(apps.get_model("legal", "Article"), apps.get_model("legal", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_proceedings_and_consultations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
