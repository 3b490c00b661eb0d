#!/usr/bin/env bash
# The load and restart drill of issue 17 in one command (bench/RESULTS.md, "Mixed load
# with Locust"): a fresh PostgreSQL database with the demo data, gunicorn and the job
# worker as deploy/koldoo.service and deploy/koldoo-worker.service run them, Locust
# (bench/locustfile.py) with operators, case workers, coordinators and a register
# import, PostgreSQL restarted in the middle, then every acknowledged write looked up.
#
#   bench/run_load.sh [--users 50] [--minutes 10] [--restart-at 300] [--people 10000]
#
# The data: seed_demo (organisations, users, 240 people and their cases, calls, reports'
# sources), then --people more fictitious people with cases imported into the demo NGO's
# register (bench/bench_import.py's generator, `manage.py import_register`).
#
# --restart-at SECONDS after Locust starts restarts PostgreSQL (0: no restart). The database
# is koldoo_load on KOLDOO_LOAD_POSTGRES (default postgres://postgres@127.0.0.1:5432),
# dropped and made again; KOLDOO_LOAD_PG_RESTART is the restart command (default
# `pg_ctlcluster 15 main restart`, which needs the right to restart that server).
# Results go to bench/var/load/ (Locust's CSV files, failures, gunicorn and worker logs).
# Needs Locust: .venv/bin/pip install -r bench/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python

USERS=50
MINUTES=10
RESTART_AT=300
PEOPLE=10000
PORT=${PORT:-8010}
while [ $# -gt 0 ]; do
  case "$1" in
    --users) USERS=$2; shift 2 ;;
    --minutes) MINUTES=$2; shift 2 ;;
    --restart-at) RESTART_AT=$2; shift 2 ;;
    --people) PEOPLE=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "unknown argument: $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
SECONDS_TOTAL=$(( $(printf '%.0f' "$(echo "$MINUTES * 60" | bc -l)") ))
if [ "$RESTART_AT" -ge "$SECONDS_TOTAL" ]; then
  echo "--restart-at $RESTART_AT is not inside a run of $SECONDS_TOTAL seconds" >&2; exit 2
fi

SERVER=${KOLDOO_LOAD_POSTGRES:-postgres://postgres@127.0.0.1:5432}
PG_RESTART=${KOLDOO_LOAD_PG_RESTART:-pg_ctlcluster 15 main restart}  # "fast" mode
OUT=$ROOT/bench/var/load
rm -rf "$OUT"
mkdir -p "$OUT"
export KOLDOO_ENV=demo
export KOLDOO_VAR_DIR=$OUT/var           # its own demo keys, imports and static files
export DATABASE_URL=$SERVER/koldoo_load
export KOLDOO_TRUSTED_PROXY_COUNT=1      # Locust's users come from distinct addresses
export KOLDOO_LOAD_ACKNOWLEDGED=$OUT/acknowledged_writes.txt
export KOLDOO_LOAD_FAILURES=$OUT/failures.csv
export KOLDOO_LOAD_REQUESTS=$OUT/requests.csv
: > "$KOLDOO_LOAD_ACKNOWLEDGED"
: > "$KOLDOO_LOAD_FAILURES"

echo "== fresh database koldoo_load, migrations, demo data (+ $PEOPLE people)"
psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS koldoo_load WITH (FORCE)" -c "CREATE DATABASE koldoo_load"
$PY manage.py migrate --no-input -v0
$PY manage.py createcachetable
$PY manage.py collectstatic --no-input -v0
$PY manage.py seed_demo > "$OUT/seed.log"
if [ "$PEOPLE" -gt 0 ]; then
  $PY -c "import sys; from pathlib import Path; sys.path.insert(0, 'bench'); \
from bench_import import generate; generate(Path('$OUT/register.csv'), $PEOPLE, 17)"
  $PY manage.py import_register "$OUT/register.csv" --organization demo-bishkek \
    --user admin@demo.example --language en >> "$OUT/seed.log"
  rm -f "$OUT/register.csv"
fi

# One account per simulated user (as in a real office), with the demo password: allauth
# counts sign-ins in progress per account ("5/5m/key"), so 20 users signing in at once
# to one shared account would be refused, as a password-guessing attack should be.
$PY manage.py shell -v0 <<PY
from apps.accounts.models import Organization, User
from apps.accounts.services import add_member

password = User.objects.get(email="operator@demo.example").password  # seed_demo's
for role, slug in (("operator", "demo-bishkek"), ("case_worker", "demo-bishkek"),
                   ("national_coordinator", "demo-coordination")):
    organization = Organization.objects.get(slug=slug)
    for n in range($USERS):
        email = f"{role}{n}@load.example"
        User.objects.create(email=email, full_name=f"Load {role} {n}", password=password)
        add_member(email=email, organization=organization, role=role)
PY
export KOLDOO_LOAD_ACCOUNTS=load.example

pids=()
stop() {
  # The worker's restart loop first, then the worker it started (by their ids).
  for pid in "${pids[@]}"; do
    children=$(pgrep -P "$pid" || true)
    kill "$pid" 2>/dev/null || true
    [ -n "$children" ] && kill $children 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT

echo "== gunicorn and the job worker on 127.0.0.1:$PORT"
# deploy/koldoo.service's command line (3 workers x 4 threads).
.venv/bin/gunicorn koldoo.wsgi:application --config koldoo/gunicorn_conf.py \
  --bind "127.0.0.1:$PORT" --workers 3 --threads 4 --timeout 60 \
  --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" \
  --forwarded-allow-ips 127.0.0.1 2> "$OUT/server.log" &
pids+=($!)
# deploy/koldoo-worker.service: systemd restarts the worker 3 s after it stops
# (Restart=always); each restart is counted here.
(
  while true; do
    $PY manage.py db_worker --no-reload --interval 1 -v1 >> "$OUT/worker.log" 2>&1 || true
    echo "$(date +%s) worker stopped; started again in 3 s" >> "$OUT/worker_restarts.log"
    sleep 3
  done
) &
pids+=($!)
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null && break
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/readyz" > /dev/null || { echo "the server did not get ready" >&2; exit 1; }

# The load average every 5 seconds while Locust runs.
( while true; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 5; done ) > "$OUT/loadavg.log" &
loadavg=$!
pids+=($loadavg)

echo "== Locust: $USERS users for $MINUTES minutes$( [ "$RESTART_AT" -gt 0 ] && echo ", PostgreSQL restarted at ${RESTART_AT} s")"
START=$(date +%s.%N)
.venv/bin/locust -f bench/locustfile.py --host "http://127.0.0.1:$PORT" --headless \
  -u "$USERS" -r 2 -t "${SECONDS_TOTAL}s" --stop-timeout 30 --csv "$OUT/locust" \
  --only-summary > "$OUT/locust.log" 2>&1 &
locust=$!
RESTART_BEGAN=0
RESTART_ENDED=0
if [ "$RESTART_AT" -gt 0 ]; then
  sleep "$RESTART_AT"
  RESTART_BEGAN=$(date +%s.%N)
  echo "   $(date -u +%T) restarting PostgreSQL: $PG_RESTART"
  $PG_RESTART
  until pg_isready -q -d "$SERVER/postgres"; do sleep 0.2; done
  RESTART_ENDED=$(date +%s.%N)
  echo "   $(date -u +%T) PostgreSQL accepts connections again ($(echo "$RESTART_ENDED - $RESTART_BEGAN" | bc) s)"
fi
wait "$locust" || true  # Locust exits 1 when any request failed: the summary says which
END=$(date +%s.%N)
kill "$loadavg" 2>/dev/null || true
stop
trap - EXIT

echo "== acknowledged writes"
ack=0
$PY bench/check_acknowledged.py "$KOLDOO_LOAD_ACKNOWLEDGED" | tee "$OUT/acknowledged.log" || ack=$?
echo "== summary"
$PY bench/load_summary.py "$OUT" --start "$START" --end "$END" \
  --restart-began "$RESTART_BEGAN" --restart-ended "$RESTART_ENDED" | tee "$OUT/summary.md"
exit "$ack"
