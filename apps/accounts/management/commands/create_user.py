from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Organization
from apps.accounts.services import add_member


class Command(BaseCommand):
    help = (
        "Create a user (or reuse an existing one) and give them a role in an organisation. "
        "The system operator's command: the address counts as verified. Organisation admins "
        "invite members from the organisation page instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--organization", required=True, help="organisation short name")
        parser.add_argument("--role", required=True)
        parser.add_argument("--password", default="")
        parser.add_argument("--name", default="")

    def handle(self, *args, email, organization, role, password, name, **options):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organisation with the short name {organization!r}.")
        try:
            m = add_member(
                email=email, organization=org, role=role, password=password, full_name=name
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"{m.user.email} is {m.role} in {org.slug}.")
