#!/usr/bin/env bash
# Re-extract messages and fill new or changed ones from translator-supplied PO fragments:
#   bash scripts/merge_translations.sh LANG FRAGMENT.po [FRAGMENT.po ...]
# Existing translations win over fragments; guesses by fuzzy matching are discarded.
set -euo pipefail
cd "$(dirname "$0")/.."
lang=$1; shift
po=locale/$lang/LC_MESSAGES/django.po
.venv/bin/python manage.py makemessages -l "$lang" --ignore=.venv --ignore=var --ignore=bench --no-obsolete -v0
msgattrib --clear-fuzzy --empty --no-wrap -o "$po.tmp" "$po"
msgcat --use-first --no-wrap "$po.tmp" "$@" -o "$po.cat"
msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$po.new" "$po.cat" "$po.tmp"
msgattrib --no-obsolete --no-wrap -o "$po" "$po.new"
rm -f "$po.tmp" "$po.cat" "$po.new"
msgfmt --check --statistics -o /dev/null "$po"
