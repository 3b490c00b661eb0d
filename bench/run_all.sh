#!/usr/bin/env bash
# Run every benchmark against the dedicated PostgreSQL database (see bench/RESULTS.md).
#   bash bench/run_all.sh            # reuse loaded data
#   bash bench/run_all.sh --reload   # load the people (and so the cases) again
# DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/koldoo_bench.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/koldoo_bench}"

echo "== machine"
echo "nproc: $(nproc)"
grep -m1 'model name' /proc/cpuinfo || true
grep MemTotal /proc/meminfo
psql "$DATABASE_URL" -Atc 'select version()' 2>/dev/null || true
date -I
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  (other work on the machine skews latency)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (plus uncommitted changes, if any)"

echo; echo "== bench_search.py"
$PY bench/bench_search.py "$@"

echo; echo "== bench_case_list.py"
# Reloading the people empties the cases too; this then loads them again.
$PY bench/bench_case_list.py

if [ -f bench/bench_import.py ]; then
  echo; echo "== bench_import.py"
  $PY bench/bench_import.py
fi
