from django.core.management.base import BaseCommand

from apps.api.models import ApiToken


class Command(BaseCommand):
    help = "List API tokens (never their secrets): id, prefix, member, organisation, state."

    def add_arguments(self, parser):
        parser.add_argument("--organization", default="", help="only this organisation")
        parser.add_argument("--user", default="", help="only this member's e-mail")
        parser.add_argument("--all", action="store_true", help="also revoked and expired ones")

    def handle(self, *args, organization, user, all, **options):
        tokens = ApiToken.objects.select_related("membership__user", "membership__organization")
        if organization:
            tokens = tokens.filter(membership__organization__slug=organization)
        if user:
            tokens = tokens.filter(membership__user__email=user.strip().lower())
        shown = 0
        for t in tokens.order_by("id"):
            state = "revoked" if t.is_revoked else "expired" if t.is_expired else "active"
            if state != "active" and not all:
                continue
            last = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.prefix}…\t{t.membership.user.email}\t"
                f"{t.membership.organization.slug}\t{t.membership.role}\t{t.name}\t"
                f"expires {t.expires_at:%Y-%m-%d}\tlast used {last}\t{state}"
            )
            shown += 1
        if not shown:
            self.stdout.write("No tokens.")
