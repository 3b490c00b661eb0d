from django.db import migrations


def seed(apps, schema_editor):
    from apps.violations.vocabulary import load_vocabularies

    load_vocabularies(
        apps.get_model("violations", "ActType"), apps.get_model("violations", "PerpetratorType")
    )


class Migration(migrations.Migration):
    dependencies = [("violations", "0001_events_acts_involvements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
