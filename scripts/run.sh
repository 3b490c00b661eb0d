#!/usr/bin/env bash
# Set up and serve Koldoo with fictitious demo data (SQLite unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export KOLDOO_ENV="${KOLDOO_ENV:-demo}"
mkdir -p var
$PY manage.py compilemessages --ignore=.venv -v0
$PY manage.py migrate --no-input -v0
# The sign-in rate limits live in this table (unless KOLDOO_CACHE_URL names a Redis).
$PY manage.py createcachetable
$PY manage.py collectstatic --no-input -v0
$PY manage.py seed_demo --if-empty
# A demo database from an older version keeps name keys of the old normaliser: bring
# them up to date (only stale people are rewritten).
$PY manage.py reindex_names -v0
PORT="${PORT:-8000}"
echo
echo "Koldoo is at http://127.0.0.1:${PORT}/  (demo data is fictitious; stop with Ctrl-C)"
echo "National statistics (aggregates only): sign in as coordinator@demo.example, then http://127.0.0.1:${PORT}/statistics/"
# The job queue's worker (exports, register imports) beside the web server; whichever
# of the two stops, the other is stopped too, so Ctrl-C ends both. Before it starts,
# what a killed earlier run left is undone: an import's batches are rolled back and
# jobs left "running" are queued again or failed (docs/decisions/0029).
$PY manage.py recover_interrupted -v0
$PY manage.py db_worker --no-reload --interval 1 -v0 &
worker=$!
# koldoo/gunicorn_conf.py: the access log carries paths without query strings or referrers.
.venv/bin/gunicorn koldoo.wsgi:application --config koldoo/gunicorn_conf.py \
  --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --forwarded-allow-ips 127.0.0.1 &
web=$!
stop() {
  kill "$web" "$worker" 2>/dev/null || true
  wait "$web" "$worker" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
status=0
wait -n "$web" "$worker" || status=$?
exit "$status"
