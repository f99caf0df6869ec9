#!/usr/bin/env bash
# Runs every check: formatting, clippy (server and hydrate builds), unit and integration tests on
# SQLite, the same integration tests on PostgreSQL when a server is reachable, and the browser
# tests in headless Chromium (first the few of the islands build, then all of the default one),
# after the size budget of the islands build's first load (a release build of its WASM). Installs
# what is missing first. Exits non-zero on any failure.
#
# PostgreSQL: PORTAL_TEST_POSTGRES_URL (default postgres://portal:portal@127.0.0.1:5432/postgres)
# names a role allowed to create databases; each test creates its own database there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
target_dir="${CARGO_TARGET_DIR:-target}"

setup_build_tools
setup_test_tools

say "format"
cargo fmt --all --check

say "clippy: server build (ssr)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "clippy: browser build (hydrate, wasm32)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --locked -- -D warnings

say "clippy: islands mode (server and browser builds; the portal is moving to it, README: Islands)"
cargo clippy -p app --lib --features ssr,islands --locked -- -D warnings
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate,islands --locked -- -D warnings

say "unit and integration tests on SQLite"
cargo test --workspace --locked

pg_url="${PORTAL_TEST_POSTGRES_URL:-postgres://portal:portal@127.0.0.1:5432/postgres}"
pg_hostport="${pg_url#*@}"; pg_hostport="${pg_hostport%%/*}"
pg_host="${pg_hostport%%:*}"; pg_port="${pg_hostport##*:}"
if (exec 3<>"/dev/tcp/$pg_host/$pg_port") 2>/dev/null; then
  say "integration tests on PostgreSQL ($pg_host:$pg_port)"
  PORTAL_TEST_DATABASE=postgres PORTAL_TEST_POSTGRES_URL="$pg_url" cargo test -p server --tests --locked
else
  say "PostgreSQL suite SKIPPED: no PostgreSQL server answers at $pg_host:$pg_port (set PORTAL_TEST_POSTGRES_URL, or run .ci/run which starts one)"
fi

say "size budget: the first load of the islands build (release; README, Islands)"
setup_release_tools
build_release_islands_site
python3 scripts/size_budget.py --islands target/site-islands/pkg

say "building the site in islands mode (debug) for its browser tests"
cargo leptos build --features islands

say "browser tests in islands mode (the pages moved to islands so far)"
(cd end2end && PORTAL_E2E_ISLANDS=1 PORTAL_SERVER_BIN="$(cd .. && realpath "$target_dir")/debug/server" npx playwright test)

say "building the site for the browser tests (debug; --split: each job its own WASM chunks, as in release)"
cargo leptos build --split

say "browser tests (Playwright, Debian Chromium, 360 px and desktop)"
(cd end2end && PORTAL_SERVER_BIN="$(cd .. && realpath "$target_dir")/debug/server" npx playwright test)

say "all checks passed"
