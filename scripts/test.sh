#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite: on SQLite always,
# and on PostgreSQL when 127.0.0.1:5432 answers.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

export KOLDOO_ENV=demo
mkdir -p var
$PY manage.py compilemessages --ignore=.venv -v0
.venv/bin/ruff check .
.venv/bin/ruff format --check .
$PY manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without a migration: run manage.py makemigrations"; exit 1; }
bash scripts/check_deploy.sh
$PY scripts/check_catalogues.py

status=0
echo "== Test suite on SQLite"
DATABASE_URL= $PY -m pytest "$@" || status=$?

if $PY - <<'PYEOF'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PYEOF
then
  echo "== Test suite on PostgreSQL"
  DATABASE_URL="${KOLDOO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/koldoo}" \
    $PY -m pytest "$@" || status=$?
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL run skipped"
fi
exit $status
