#!/usr/bin/env bash
# The speed benchmark (README): builds the release server, then on SQLite, and on PostgreSQL
# when one answers, fills a fresh database with the demo data plus one account of N
# transactions (default 1,000,000) and prints the timings of the accounts pages' server work
# against their targets. Then the HTTP part: the release server on SQLite with the demo data,
# wrk at 64 connections against the landing page, the sign-in page and a signed-in customer's
# overview and account page, and nginx serving the same bytes from files in the same run; it
# prints requests/s, p50 and p99 and the ratio to nginx, against the targets (landing and sign-in
# at least 0.25 of nginx; signed-in pages at least 0.15 of nginx with p99 at most 25 ms), the size
# budget of each page's first load (scripts/size_budget.py: landing and sign-in at most 200 KB,
# other pages 350 KB, as served with brotli), and Lighthouse (npm, run with Debian's
# Chromium) on the landing, sign-in and overview pages: performance score at least 95, with LCP and
# time to interactive. Exits non-zero when a target is missed.
# (Loopback only; wrk and nginx come from Debian.) Builds the release site, as scripts/run.sh does.
#   scripts/bench.sh [N]        BENCH_HTTP_ONLY=1 skips the database part
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
say() { printf '\n== %s\n' "$*"; }

source scripts/setup.sh
setup_build_tools
setup_release_tools
apt_install wrk nginx-light python3 chromium
lighthouse=target/bench/node/node_modules/.bin/lighthouse
[ -x "$lighthouse" ] || npm install --no-audit --no-fund --prefix target/bench/node lighthouse@12.8.2
build_release
bin="${CARGO_TARGET_DIR:-target}/release/server"
dir=target/bench
mkdir -p "$dir"
status=0
if [ -z "${BENCH_HTTP_ONLY:-}" ]; then

say "SQLite ($n transactions)"
rm -f "$dir"/bench.db*
PORTAL_DATABASE_URL="sqlite://$PWD/$dir/bench.db" PORTAL_DEMO_DATA=false RUST_LOG=error "$bin" bench --transactions "$n" || status=1

pg_url="${PORTAL_TEST_POSTGRES_URL:-postgres://portal:portal@127.0.0.1:5432/postgres}"
if command -v psql >/dev/null && psql "$pg_url" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  say "PostgreSQL ($n transactions)"
  # A plain DROP, not WITH (FORCE). On 2026-12-05 the DROP after the bench, WITH (FORCE), failed
  # with "must be a member of the role whose process is being terminated" and ended the bench
  # there. The bench's server had exited; the process left in the database was most likely
  # PostgreSQL's autovacuum on the million new rows (none was left a minute later), which this
  # role may not signal, while a plain DROP stops autovacuum workers itself.
  psql "$pg_url" -q -c 'DROP DATABASE IF EXISTS portal_bench' -c 'CREATE DATABASE portal_bench'
  PORTAL_DATABASE_URL="${pg_url%/*}/portal_bench" PORTAL_DEMO_DATA=false RUST_LOG=error "$bin" bench --transactions "$n" || status=1
  psql "$pg_url" -q -c 'DROP DATABASE IF EXISTS portal_bench'
else
  say "PostgreSQL SKIPPED: none answers at $pg_url"
fi
fi

say "first load of every page that loads the app (JS and WASM, brotli)"
python3 scripts/size_budget.py --islands target/site/pkg || status=1

say "HTTP: release server (SQLite, demo data) and nginx serving the same bytes, wrk -c64"
BENCH_LIGHTHOUSE="$PWD/$lighthouse" python3 scripts/bench_http.py "$bin" "$dir/http" || status=1
exit $status
