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

# Both databases at once (the machine has two cores): each run writes its own log, shown
# whole when it ends, so the output stays readable.
mkdir -p var/test-logs
pids=()
echo "== Test suite on SQLite (log: var/test-logs/sqlite.log)"
(DATABASE_URL= $PY -m pytest -p no:cacheprovider "$@" >var/test-logs/sqlite.log 2>&1) &
pids+=("$!:sqlite")

if $PY - <<'PYEOF'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PYEOF
then
  echo "== Test suite on PostgreSQL (log: var/test-logs/postgresql.log)"
  (DATABASE_URL="${KOLDOO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/koldoo}" \
    $PY -m pytest -p no:cacheprovider "$@" >var/test-logs/postgresql.log 2>&1) &
  pids+=("$!:postgresql")
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL run skipped"
fi

status=0
for entry in "${pids[@]}"; do
  pid="${entry%%:*}"; name="${entry#*:}"
  if wait "$pid"; then result=passed; else result=FAILED; status=1; fi
  echo "== Test suite on ${name}: ${result}"
  cat "var/test-logs/${name}.log"
done
exit $status
