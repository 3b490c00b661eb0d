"""Export a referral's case in IOM's HTCDS v2 layout (consented fields only, audited)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from apps.accounts.models import Membership
from apps.accounts.roles import Permission
from apps.exchange import files
from apps.exchange.services import ExportRefused, export_referral
from apps.referrals.models import Referral


class Command(BaseCommand):
    help = (
        "Write one referral's case as an HTCDS v2 file: only the fields the referral and "
        "the person's consent allow, only while the consent is in force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referral", required=True, type=int, help="the referral's number")
        parser.add_argument("--format", default="json", choices=files.FORMATS)
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument(
            "--user",
            default="",
            help="e-mail of a member of the referring organisation to record as the exporter",
        )
        parser.add_argument("--language", default="", help="language of messages (ky, ru, en)")

    def handle(self, *args, referral, format, output, user, language, **options):
        with translation.override(language or translation.get_language()):
            self._run(referral, format, output, user)

    def _run(self, referral_id, fmt, output, email):
        referral = (
            Referral.objects.select_related(
                "case__person", "consent", "from_organization", "to_organization", "to_entry"
            )
            .filter(pk=referral_id)
            .first()
        )
        if referral is None:
            raise CommandError(f"No referral {referral_id}.")
        # The operator has shell access to the server: more than any member. The audit
        # entry names the member given with --user, else no user (the truth).
        actor = None
        if email:
            actor = (
                Membership.objects.filter(
                    organization=referral.from_organization,
                    user__email=email.strip().lower(),
                    is_active=True,
                )
                .select_related("user", "organization")
                .first()
            )
            if actor is None or not actor.can(Permission.VIEW_CASES):
                raise CommandError(
                    f"{email} is not an active member of the referring organisation "
                    "who may see its cases."
                )
        try:
            export = export_referral(membership=actor, referral=referral, fmt=fmt)
        except ExportRefused as exc:
            raise CommandError(exc.messages[0])
        Path(output).write_bytes(export.body)
        for name, reason in export.record.left_out:
            self.stderr.write(f"left out: {name}: {reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {len(export.record.values)} HTCDS fields of {referral.reference} "
                f"to {output}."
            )
        )
