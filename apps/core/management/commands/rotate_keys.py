import base64
import json
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import audit
from apps.core.key_rotation import rebuild_name_index, reencrypt_attachments, reencrypt_database
from koldoo.keyring import load_keyring, write_key_file


class Command(BaseCommand):
    help = (
        "Rotate the data-encryption key: a new key becomes primary and every stored "
        "secret is re-encrypted with it. With keys in the environment, put the new key "
        "first in KOLDOO_ENCRYPTION_KEYS yourself and run with --reencrypt-only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="do not generate a key; re-encrypt everything with the current primary key",
        )
        parser.add_argument(
            "--retire-old", action="store_true", help="remove older keys from the key file after"
        )
        parser.add_argument(
            "--index", action="store_true", help="also replace the blind-index key and rebuild"
        )

    def handle(self, *args, reencrypt_only, retire_old, index, **options):
        keyring = settings.KEYRING
        from_file = keyring.source != "environment"
        if not reencrypt_only and not from_file:
            raise CommandError(
                "Keys come from the environment: add a new key first in KOLDOO_ENCRYPTION_KEYS "
                "(generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'), then run rotate_keys --reencrypt-only."
            )
        if (retire_old or index) and not from_file:
            raise CommandError("--retire-old and --index need keys kept in a key file.")
        key_file = Path(keyring.source) if from_file else None
        if from_file:
            data = json.loads(key_file.read_text())
            if not reencrypt_only:
                data["encryption_keys"].insert(0, Fernet.generate_key().decode())
            if index:
                data["index_key"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            write_key_file(key_file, data)
            settings.KEYRING = load_keyring({}, key_file, create_if_missing=False)
        values = reencrypt_database()
        files = reencrypt_attachments()
        self.stdout.write(f"Re-encrypted {values} values and {files} files with the primary key.")
        if index:
            people = rebuild_name_index()
            self.stdout.write(f"Rebuilt the name index of {people} people.")
        if retire_old and from_file:
            data = json.loads(key_file.read_text())
            data["encryption_keys"] = data["encryption_keys"][:1]
            write_key_file(key_file, data)
            self.stdout.write("Older keys removed from the key file.")
        audit.record(
            audit.AuditEntry.Action.CHANGE,
            target_type="keys",
            detail={"reencrypted": values, "files": files, "index": index},
        )
