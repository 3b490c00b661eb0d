from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Organization
from apps.accounts.services import grant_coordinator, revoke_coordinator


class Command(BaseCommand):
    help = (
        "Give an existing account the national coordinator role (aggregates of every "
        "organisation that shares them) in an organisation, or take it back with --revoke. "
        "Only the system operator grants this role; organisation admins cannot."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the account's sign-in address")
        parser.add_argument("--organization", required=True, help="organisation short name")
        parser.add_argument("--revoke", action="store_true", help="end the role instead")

    def handle(self, *args, email, organization, revoke, **options):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organisation with the short name {organization!r}.")
        if revoke:
            if not revoke_coordinator(email=email, organization=org):
                raise CommandError(f"{email} is not a national coordinator in {org.slug}.")
            self.stdout.write(f"{email} is no longer national coordinator in {org.slug}.")
            return
        try:
            m = grant_coordinator(email=email, organization=org)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"{m.user.email} is national coordinator in {org.slug}.")
