import base64
import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.crypto import reset_ciphers
from apps.operations.key_rotation import (
    DEFAULT_BATCH,
    current_index_run,
    current_run,
    index_key_id,
    index_rebuild_due,
    rebuild_blind_indexes,
    reencrypt_everything,
    start_or_resume,
)
from apps.operations.models import KeyRotationRun
from koldoo.keyring import load_keyring, write_key_file


class Command(BaseCommand):
    help = (
        "Rotate the data-encryption key: a new key becomes primary and every stored "
        "secret is re-encrypted with it, in batches, while Koldoo runs. A run stopped "
        "midway resumes where it stopped. With --index the blind-index key is replaced too "
        "and the indexes are rebuilt in batches; look-ups use the old and the new index key "
        "until --retire-old. With keys in the environment, put the new key first in "
        "KOLDOO_ENCRYPTION_KEYS (or KOLDOO_INDEX_KEY) yourself, restart, and run with "
        "--reencrypt-only. See docs/operations.md (Rotating keys)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="do not generate a key; re-encrypt everything with the current primary key",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="continue the run that stopped midway (the default when there is one)",
        )
        parser.add_argument(
            "--add-key-only",
            action="store_true",
            help="only put a new primary key (with --index, a new index key too) in the key "
            "file; restart Koldoo, then run rotate_keys --reencrypt-only",
        )
        parser.add_argument(
            "--retire-old",
            action="store_true",
            help="remove older keys (encryption and index) from the key file after the run "
            "and the index rebuild finished",
        )
        parser.add_argument(
            "--index",
            action="store_true",
            help="also replace the blind-index key and rebuild the indexes in batches",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
        parser.add_argument("--status", action="store_true", help="print progress and stop")

    def handle(self, *args, **options):
        if options["status"]:
            return self.status()
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        keyring = settings.KEYRING
        from_file = keyring.source != "environment"
        if not from_file and not (options["reencrypt_only"] or options["resume"]):
            raise CommandError(
                "Keys come from the environment: add a new key first in KOLDOO_ENCRYPTION_KEYS "
                "(generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'), restart Koldoo, then run "
                "rotate_keys --reencrypt-only."
            )
        unfinished = current_run()
        # A run that stopped midway is resumed rather than started again under yet
        # another key.
        reencrypt_only = (
            options["reencrypt_only"]
            or options["resume"]
            or unfinished is not None
            or current_index_run() is not None
        )
        if options["add_key_only"] and (unfinished or options["resume"] or index_rebuild_due()):
            raise CommandError(
                "--add-key-only adds keys and does nothing else; finish a stopped run first "
                "(rotate_keys --resume), and retire the index key being replaced "
                "(rotate_keys --reencrypt-only --retire-old)."
            )
        if options["resume"] and unfinished is None and not index_rebuild_due():
            raise CommandError("No run stopped midway under the present primary key.")
        # An index key already being replaced (a rebuild under way or stopped midway) is
        # not replaced again: running the same command again finishes its rebuild.
        index = options["index"] and not index_rebuild_due()
        if options["index"] and not index:
            self.stdout.write("The index key is already being replaced: finishing that rebuild.")
        if (options["retire_old"] or index or options["add_key_only"]) and not from_file:
            raise CommandError(
                "--retire-old, --index and --add-key-only need keys kept in a key file."
            )
        key_file = Path(keyring.source) if from_file else None
        if from_file and (not reencrypt_only or index):
            data = json.loads(key_file.read_text())
            if not reencrypt_only:
                data["encryption_keys"].insert(0, Fernet.generate_key().decode())
            if index:
                # The old index key stays, as previous: look-ups hash with both until the
                # rebuild finished and --retire-old removes it (decision 0038).
                data["previous_index_keys"] = [
                    data["index_key"],
                    *data.get("previous_index_keys", []),
                ]
                data["index_key"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            write_key_file(key_file, data)
            settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
            reset_ciphers()
        if options["add_key_only"]:
            self.stdout.write(
                "A new primary key is in the key file"
                + (" with a new index key" if index else "")
                + ". Restart Koldoo so that every process reads it, then run: "
                "python manage.py rotate_keys --reencrypt-only"
            )
            audit.record(
                audit.AuditEntry.Action.CHANGE,
                target_type="keys",
                detail={"key_added": True, "index_key_added": index},
            )
            return
        run = start_or_resume()
        if run.rotated or run.store:
            self.stdout.write(f"Resuming the run started {run.started_at:%Y-%m-%d %H:%M} UTC.")
        run = reencrypt_everything(
            run, batch_size=options["batch_size"], on_batch=self.progress(options["verbosity"])
        )
        self.stdout.write(f"Re-encrypted {run.rotated} values and files with the primary key.")
        if run.changed_meanwhile:
            self.stdout.write(
                f"{run.changed_meanwhile} values were saved by someone else meanwhile and "
                "kept; run rotate_keys --reencrypt-only again before retiring the old key."
            )
        if run.unreadable:
            self.stderr.write(
                f"{run.unreadable} values or files open with no key of the keyring and were "
                "left as they are (corrupt, or written under a key since lost)."
            )
        rekeyed = None
        if index_rebuild_due():
            index_run = rebuild_blind_indexes(
                batch_size=options["batch_size"], on_batch=self.progress(options["verbosity"])
            )
            rekeyed = index_run.rotated
            self.stdout.write(
                f"Rebuilt the blind indexes under the new index key: {rekeyed} records re-keyed."
            )
        if options["retire_old"] and from_file and not run.changed_meanwhile:
            data = json.loads(key_file.read_text())
            data["encryption_keys"] = data["encryption_keys"][:1]
            # Rows under the previous index key are all rewritten (the rebuild above
            # finished): look-ups need the current key only.
            data.pop("previous_index_keys", None)
            write_key_file(key_file, data)
            settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
            reset_ciphers()
            self.stdout.write(
                "Older keys removed from the key file; restart Koldoo so that look-ups stop "
                "hashing with the old index key."
            )
        elif options["retire_old"]:
            self.stdout.write("Older keys kept: some values may still need them.")
        audit.record(
            audit.AuditEntry.Action.CHANGE,
            target_type="keys",
            detail={
                "reencrypted": run.rotated,
                "run": run.pk,
                "index": bool(options["index"]),
                "index_rekeyed": rekeyed,
            },
        )

    def progress(self, verbosity):
        if verbosity < 2:
            return None

        def report(run):
            done = "re-keyed" if run.store.startswith("index:") else "re-encrypted"
            self.stdout.write(f"{run.store} up to {run.last_key}: {run.rotated} {done}")

        return report

    def status(self):
        # Index rebuilds are runs too, under the index key's fingerprint ("i…").
        run = KeyRotationRun.objects.exclude(key_id__startswith="i").order_by("-id").first()
        if run is None:
            self.stdout.write("No key rotation has run yet.")
            return
        state = (
            f"finished {run.finished_at:%Y-%m-%d %H:%M} UTC"
            if run.finished_at
            else f"NOT finished: at {run.store or 'the start'} after {run.last_key or '-'}"
        )
        self.stdout.write(
            f"Run {run.pk} under key {run.key_id}, started {run.started_at:%Y-%m-%d %H:%M} UTC, "
            f"{state}; {run.rotated} values and files re-encrypted, "
            f"{run.changed_meanwhile} saved by someone else meanwhile, "
            f"{run.unreadable} opened by no key."
        )
        index_run = KeyRotationRun.objects.filter(key_id=index_key_id()).order_by("-id").first()
        if index_run is not None:
            state = (
                f"finished {index_run.finished_at:%Y-%m-%d %H:%M} UTC"
                if index_run.finished_at
                else f"NOT finished: at {index_run.store} after {index_run.last_key or '-'}"
            )
            self.stdout.write(
                f"Blind-index rebuild under index key {index_run.key_id}: {state}; "
                f"{index_run.rotated} records re-keyed."
            )
        if index_rebuild_due():
            self.stdout.write(
                "The keyring still holds a previous index key: look-ups hash with both. Finish "
                "the rebuild (rotate_keys --resume), then rotate_keys --reencrypt-only "
                "--retire-old."
            )
