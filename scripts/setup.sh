# Installs what building, running and testing the portal need, skipping what is already there.
# Sourced by scripts/run.sh, scripts/test.sh and scripts/bench.sh; every step is idempotent.
# Nothing is downloaded outside the package registries (crates.io, npm, Debian) and rustup's
# own components (the wasm32 target, the standard library's source).

CARGO_LEPTOS_VERSION=0.3.10

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
  # apt_install PACKAGE... : installs the Debian packages that are missing.
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

wasm_bindgen_version() {
  # The exact wasm-bindgen version the workspace pins (the CLI must match it).
  grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | head -n1
}

setup_build_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # (`|| true`: a missing tool must not end the script under `set -e -o pipefail`.)
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}' || true)" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 16 minutes on 2 cores, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wb
  wb=$(wasm_bindgen_version || true)
  if [ -z "$wb" ]; then echo "cannot find the wasm-bindgen version in Cargo.lock" >&2; return 1; fi
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)" != "$wb" ]; then
    say "installing wasm-bindgen-cli $wb (matches Cargo.lock)"
    # Not --locked: one of its locked dependency versions is missing from the registry.
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi
}

setup_release_tools() {
  # The browser's release build compiles Rust's standard library itself (build_release).
  if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    say "adding the rust-src component (the standard library's source)"
    rustup component add rust-src
  fi
  # Debian's binaryen is too old for current rustc output; npm's is current.
  local v
  v=$(wasm-opt --version 2>/dev/null | sed -n 's/.*version \([0-9]*\).*/\1/p' || true)
  if [ -z "$v" ] || [ "$v" -lt 116 ]; then
    say "installing wasm-opt (binaryen from npm)"
    npm install -g binaryen@132 >/dev/null
  fi
}

setup_test_tools() {
  # Debian's Chromium: Playwright never downloads a browser of its own here.
  [ -x /usr/bin/chromium ] || apt_install chromium
  # Some browser tests arrange data straight in the SQLite file with Python's sqlite3.
  command -v python3 >/dev/null || apt_install python3
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the browser-test packages (npm ci)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

build_release() {
  # The release build: the site in islands mode (README, Islands; precompressed) and the server.
  # The browser's WASM is built with Rust's standard library compiled for it, with panics that
  # abort at once (`panic = "immediate-abort"`): no panic messages, formatting or unwinding code
  # in the WASM, which took 22 KB off the app as sent and 23-35 KB off each page's first load
  # (README, Speed). A panic in the browser then stops the app as `panic = "abort"` did, but
  # without its message in the browser's console (debug builds, which the tests use, keep it).
  # These are cargo's unstable (-Z) options, which RUSTC_BOOTSTRAP allows on the stable
  # toolchain; it is set for the browser's build only, so the server is built as always.
  build_release_site
  cargo leptos build --release --server-only "${PORTAL_BUILD_FEATURES[@]}"
}

# The portal's build is in islands mode (README, Islands): the release builds and the debug build
# the browser tests use (scripts/test.sh).
PORTAL_BUILD_FEATURES=(--features islands)

build_release_site() {
  # The browser's release build (build_release).
  RUSTC_BOOTSTRAP=1 cargo leptos build --release --precompress --frontend-only "${PORTAL_BUILD_FEATURES[@]}" \
    --lib-cargo-args=-Zbuild-std=std,panic_abort \
    --lib-cargo-args=-Zpanic-immediate-abort \
    '--lib-cargo-args=--config=profile.wasm-release.panic="immediate-abort"'
}

build_release_islands_site() {
  # The browser's release build (as build_release), beside the debug site the browser tests use:
  # only to measure what it loads (scripts/test.sh's size budget).
  LEPTOS_SITE_ROOT=target/site-islands build_release_site
}
