#!/usr/bin/env bash
# Runs the portal at http://127.0.0.1:3000 (release build). Installs what is missing first.
# The SQLite database is created, migrated and filled with demo data on first run (data/).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_build_tools
setup_release_tools
say "building the portal (release)"
build_release
say "serving the portal at http://127.0.0.1:3000; stop with Ctrl-C"
exec "${CARGO_TARGET_DIR:-target}/release/server" serve
