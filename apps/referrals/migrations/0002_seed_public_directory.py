# Public directory entries: only the public nature of each organisation (type, city).
from django.db import migrations

ENTRIES = [
    ("Sezim", "crisis_centre", "Bishkek", ["bishkek", "chuy"], ["shelter", "psychological"]),
    ("Podruga", "hotline", "Osh", ["osh", "osh_city"], ["psychological"]),
    ("Tendesh", "crisis_centre", "Naryn", ["naryn"], ["psychological"]),
    ("Bir Duino-Kyrgyzstan", "legal_aid", "Bishkek", ["bishkek"], ["legal"]),
]


def seed(apps, schema_editor):
    DirectoryEntry = apps.get_model("referrals", "DirectoryEntry")
    DirectoryService = apps.get_model("referrals", "DirectoryService")
    for name, org_type, city, regions, services in ENTRIES:
        entry, created = DirectoryEntry.objects.get_or_create(
            name=name,
            organization=None,
            defaults={"org_type": org_type, "city": city, "regions": regions, "is_public": True},
        )
        if created:
            for code in services:
                DirectoryService.objects.create(entry=entry, service_type=code)


def unseed(apps, schema_editor):
    DirectoryEntry = apps.get_model("referrals", "DirectoryEntry")
    DirectoryEntry.objects.filter(
        organization=None, name__in=[e[0] for e in ENTRIES], is_public=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
