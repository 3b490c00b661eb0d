from django.db import migrations


def index_phones(apps, schema_editor):
    """Compute the blind index of every call's phone (decrypted through the field)."""
    from apps.core.phones import phone_key

    Call = apps.get_model("hotline", "Call")
    calls = []
    for call in Call.objects.exclude(caller_phone="").only(
        "id", "organization_id", "caller_phone"
    ).iterator(chunk_size=2000):
        call.caller_phone_key = phone_key(call.organization_id, call.caller_phone)
        calls.append(call)
    Call.objects.bulk_update(calls, ["caller_phone_key"], batch_size=2000)


def forget_phone_index(apps, schema_editor):
    apps.get_model("hotline", "Call").objects.update(caller_phone_key=None)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0003_call_facts_and_contact_persons")]

    operations = [migrations.RunPython(index_phones, forget_phone_index)]
