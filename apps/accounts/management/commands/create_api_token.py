from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Membership
from apps.api.services import create_api_token


class Command(BaseCommand):
    help = (
        "Make a new API token for a member of an organisation (each run makes another one). "
        "Prints its expiry; the token itself is the last line, shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the member's e-mail")
        parser.add_argument("--organization", required=True, help="organisation short name")
        parser.add_argument("--role", default="", help="the role, when the member has several")
        parser.add_argument("--days", type=int, default=None, help="valid for N days")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, email, organization, role, days, name, **options):
        memberships = Membership.objects.filter(
            user__email=email.strip().lower(),
            organization__slug=organization,
            is_active=True,
        ).select_related("user", "organization")
        if role:
            memberships = memberships.filter(role=role)
        found = list(memberships)
        if not found:
            raise CommandError(
                f"{email!r} has no active membership in {organization!r}"
                + (f" as {role!r}." if role else ".")
            )
        if len(found) > 1:
            roles = ", ".join(m.role for m in found)
            raise CommandError(f"{email!r} has several roles there ({roles}): choose with --role.")
        membership = found[0]
        try:
            created = create_api_token(
                membership=membership,
                name=name or "command line",
                days=days,
                via="command",
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        token = created.token
        self.stdout.write(
            f"API token {token.pk} ({token.prefix}…) for {membership.user.email} in "
            f"{membership.organization.slug} as {membership.role}, "
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}:"
        )
        self.stdout.write(created.secret)
