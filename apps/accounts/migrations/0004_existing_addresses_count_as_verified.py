"""Sign-in addresses now need verification. The addresses accounts already sign in
with were set by the operator or an organisation admin and have been in use: they
count as verified, so nobody is locked out. Unverified addresses added by users
themselves (allauth's e-mail page) stay unverified and are no longer primary."""

from django.db import migrations


def verify_current_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        email = user.email.lower()
        # Another account's unverified claim on this address ends here.
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(
            user_id=user.pk
        ).delete()
        EmailAddress.objects.filter(user_id=user.pk).exclude(email__iexact=email).update(
            primary=False
        )
        address = EmailAddress.objects.filter(user_id=user.pk, email__iexact=email).first()
        if address is None:
            EmailAddress.objects.create(user_id=user.pk, email=email, verified=True, primary=True)
        else:
            address.verified = True
            address.primary = True
            address.save(update_fields=["verified", "primary"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitations_and_chosen_membership"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    # Going back leaves the addresses verified: harmless under the old settings.
    operations = [migrations.RunPython(verify_current_addresses, migrations.RunPython.noop)]
