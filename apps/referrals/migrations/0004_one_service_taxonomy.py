"""One service taxonomy: the referrals app had its own service codes; they become the
codes of apps.assistance.models.ServiceType in the directory, in referrals and in the
services reported back. Also drops the single description (moved by 0003)."""

from django.db import migrations, models

# Old referral code -> the code of apps.assistance.models.ServiceType.
CODES = {
    "training": "skills_training",
    "education": "child_education",
    "economic": "economic_support",
    "documents": "travel_documents",
}


def _convert(apps, codes):
    DirectoryService = apps.get_model("referrals", "DirectoryService")
    Referral = apps.get_model("referrals", "Referral")
    ServiceDelivered = apps.get_model("referrals", "ServiceDelivered")
    for old, new in codes.items():
        DirectoryService.objects.filter(service_type=old).update(service_type=new)
        ServiceDelivered.objects.filter(service_type=old).update(service_type=new)
    for referral in Referral.objects.only("pk", "services").iterator():
        services = [codes.get(s, s) for s in referral.services or []]
        if services != referral.services:
            Referral.objects.filter(pk=referral.pk).update(services=services)


def codes_forward(apps, schema_editor):
    _convert(apps, CODES)


def codes_backward(apps, schema_editor):
    _convert(apps, {new: old for old, new in CODES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_descriptions_per_language"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="directoryentry",
            name="description",
        ),
        migrations.AlterField(
            model_name="directoryservice",
            name="service_type",
            field=models.CharField(
                choices=[
                    ("release", "release from the situation of exploitation"),
                    ("travel_documents", "travel documents"),
                    ("transport_home", "transport home"),
                    ("psychological", "psychological help"),
                    ("medical", "medical help"),
                    ("legal", "legal help"),
                    ("protection", "protection and shelter during investigation and trial"),
                    ("shelter", "shelter"),
                    ("skills_training", "skills training"),
                    ("employment", "employment"),
                    ("economic_support", "economic support"),
                    ("family_mediation", "family mediation"),
                    ("child_education", "education for children"),
                    ("other", "other"),
                ],
                max_length=30,
                verbose_name="service",
            ),
        ),
        migrations.AlterField(
            model_name="servicedelivered",
            name="service_type",
            field=models.CharField(
                choices=[
                    ("release", "release from the situation of exploitation"),
                    ("travel_documents", "travel documents"),
                    ("transport_home", "transport home"),
                    ("psychological", "psychological help"),
                    ("medical", "medical help"),
                    ("legal", "legal help"),
                    ("protection", "protection and shelter during investigation and trial"),
                    ("shelter", "shelter"),
                    ("skills_training", "skills training"),
                    ("employment", "employment"),
                    ("economic_support", "economic support"),
                    ("family_mediation", "family mediation"),
                    ("child_education", "education for children"),
                    ("other", "other"),
                ],
                max_length=30,
                verbose_name="service",
            ),
        ),
        migrations.RunPython(codes_forward, codes_backward),
    ]
