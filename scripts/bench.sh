#!/usr/bin/env bash
# The speed benchmark (README): builds the release server, then on SQLite, and on PostgreSQL
# when one answers, fills a fresh database with the demo data plus one account of N
# transactions (default 1,000,000) and prints the timings of the accounts pages' server work
# against their targets. Exits non-zero when a target is missed.
#   scripts/bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
say() { printf '\n== %s\n' "$*"; }

cargo build --release --locked -p server
bin=target/release/server
dir=target/bench
mkdir -p "$dir"
status=0

say "SQLite ($n transactions)"
rm -f "$dir"/bench.db*
PORTAL_DATABASE_URL="sqlite://$PWD/$dir/bench.db" PORTAL_DEMO_DATA=false RUST_LOG=error "$bin" bench --transactions "$n" || status=1

pg_url="${PORTAL_TEST_POSTGRES_URL:-postgres://portal:portal@127.0.0.1:5432/postgres}"
if command -v psql >/dev/null && psql "$pg_url" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  say "PostgreSQL ($n transactions)"
  psql "$pg_url" -q -c 'DROP DATABASE IF EXISTS portal_bench WITH (FORCE)' -c 'CREATE DATABASE portal_bench'
  PORTAL_DATABASE_URL="${pg_url%/*}/portal_bench" PORTAL_DEMO_DATA=false RUST_LOG=error "$bin" bench --transactions "$n" || status=1
  psql "$pg_url" -q -c 'DROP DATABASE IF EXISTS portal_bench WITH (FORCE)'
else
  say "PostgreSQL SKIPPED: none answers at $pg_url"
fi
exit $status
