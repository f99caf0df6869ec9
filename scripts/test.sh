#!/usr/bin/env bash
# Runs every check: formatting, clippy (server and hydrate builds), unit and integration tests on
# SQLite, the same integration tests on PostgreSQL when a server is reachable, the size budget of
# the first load (a release build of the WASM), and the browser tests in headless Chromium on the
# portal's build, in islands mode (README, Islands). Installs what is missing first. Exits non-zero
# on any failure.
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

say "clippy: browser build of the whole app (hydrate, wasm32; README, Islands)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --locked -- -D warnings

say "clippy: islands mode (server and browser builds; the build the portal runs, README: Islands)"
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

say "size budget: the first load (release; README, Islands)"
setup_release_tools
build_release_islands_site
python3 scripts/size_budget.py --islands target/site-islands/pkg

say "building the site (debug, islands mode) for the browser tests"
cargo leptos build "${PORTAL_BUILD_FEATURES[@]}"

server_bin="$(realpath "$target_dir")/debug/server"
say "browser tests: the pages are islands (a server of its own)"
(cd end2end && PORTAL_E2E_ISLANDS=1 PORTAL_SERVER_BIN="$server_bin" npx playwright test --project=islands)

say "browser tests (Playwright, Debian Chromium, 360 px and desktop, the accessibility matrix)"
(cd end2end && PORTAL_E2E_ISLANDS=1 PORTAL_SERVER_BIN="$server_bin" npx playwright test --project=phone-360 --project=desktop-1280 --project=a11y)

say "all checks passed"
