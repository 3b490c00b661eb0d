#!/usr/bin/env bash
# `check --deploy` must be clean under production settings.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=$(.venv/bin/python -c "from koldoo.keyring import new_key_material as n; import json; print(json.dumps(n()))")
env -i PATH="$PATH" HOME="${HOME:-/tmp}" KOLDOO_ENV=production ALLOWED_HOSTS=koldoo.example.org \
  SECRET_KEY="$(echo "$KEYS" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["secret_key"])')" \
  KOLDOO_ENCRYPTION_KEYS="$(echo "$KEYS" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["encryption_keys"][0])')" \
  KOLDOO_INDEX_KEY="$(echo "$KEYS" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["index_key"])')" \
  KOLDOO_AUDIT_KEY="$(echo "$KEYS" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["audit_key"])')" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
