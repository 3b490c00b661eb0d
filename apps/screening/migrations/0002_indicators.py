from django.db import migrations


def load(apps, schema_editor):
    from apps.screening.indicator_data import load_indicators

    load_indicators(
        apps.get_model("screening", "Indicator"), apps.get_model("screening", "RuleSet")
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
