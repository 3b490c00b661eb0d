"""Fail when a user-facing string is missing from the Kyrgyz or Russian catalogue.

Extracts the messages afresh in a scratch copy of the project (so the working
tree is untouched), then asks msgfmt whether anything is untranslated or fuzzy.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ky", "ru")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "koldoo"
        work.mkdir()
        for name in ("apps", "koldoo", "templates", "locale", "manage.py"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, work / name)
        env = dict(os.environ, KOLDOO_VAR_DIR=str(Path(tmp) / "var"), KOLDOO_ENV="demo")
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v0"]
            + [a for lang in LANGS for a in ("-l", lang)],
            cwd=work,
            env=env,
            check=True,
        )
        failed = False
        for lang in LANGS:
            po = work / "locale" / lang / "LC_MESSAGES" / "django.po"
            out = subprocess.run(
                ["msgfmt", "--statistics", "-o", os.devnull, str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stderr.strip()
            print(f"{lang}: {out}")
            if "untranslated" in out or "fuzzy" in out:
                failed = True
                untranslated = subprocess.run(
                    ["msgattrib", "--untranslated", "--no-wrap", str(po)],
                    capture_output=True,
                    text=True,
                ).stdout
                ids = [ln[7:-1] for ln in untranslated.splitlines() if ln.startswith('msgid "')]
                print(f"  missing in {lang}: " + "; ".join(i for i in ids if i)[:2000])
        if failed:
            print("Translate the strings above: make messages, edit locale/*/LC_MESSAGES/django.po")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
