"""A directory description per language: the one description of an entry moves to the
field of the language it is written in (English if unsure). 0004 drops the old field."""

from django.db import migrations, models

KYRGYZ_LETTERS = set("ңөүҢӨҮ")


def language_of(text: str) -> str:
    if any(c in KYRGYZ_LETTERS for c in text):
        return "ky"
    if any("\u0400" <= c <= "\u04ff" for c in text):
        return "ru"
    return "en"


def descriptions_forward(apps, schema_editor):
    DirectoryEntry = apps.get_model("referrals", "DirectoryEntry")
    for entry in DirectoryEntry.objects.exclude(description="").iterator():
        field = f"description_{language_of(entry.description)}"
        DirectoryEntry.objects.filter(pk=entry.pk).update(**{field: entry.description})


def descriptions_backward(apps, schema_editor):
    DirectoryEntry = apps.get_model("referrals", "DirectoryEntry")
    for entry in DirectoryEntry.objects.iterator():
        text = entry.description_en or entry.description_ru or entry.description_ky
        if text:
            DirectoryEntry.objects.filter(pk=entry.pk).update(description=text)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_seed_public_directory"),
    ]

    operations = [
        migrations.AddField(
            model_name="directoryentry",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.AddField(
            model_name="directoryentry",
            name="description_ky",
            field=models.TextField(blank=True, verbose_name="description in Kyrgyz"),
        ),
        migrations.AddField(
            model_name="directoryentry",
            name="description_ru",
            field=models.TextField(blank=True, verbose_name="description in Russian"),
        ),
        migrations.AddField(
            model_name="directoryentry",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(descriptions_forward, descriptions_backward),
    ]
