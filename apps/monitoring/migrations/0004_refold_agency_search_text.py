"""The name normaliser learned every published romanisation (issue 12): agencies saved
before keep search text folded the old way, so they are folded again here. Reversing
leaves the new text (it is derived, and the old folding no longer exists)."""

from django.db import migrations


def refold(apps, schema_editor):
    from apps.monitoring.services import search_text_for

    Agency = apps.get_model("monitoring", "RecruitmentAgency")
    for agency in Agency.objects.only("pk", "name", "other_names", "licence_number").iterator():
        text = search_text_for(agency.name, agency.other_names, agency.licence_number)
        Agency.objects.filter(pk=agency.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_agency_owner_reports_status_history")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
