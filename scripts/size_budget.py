#!/usr/bin/env python3
"""The size budget of the first load (issue 10): what the browser downloads before a page is live,
as the server sends it (the brotli files `cargo leptos build --release --precompress --split`
writes next to each file; leptos_axum's file service sends those bytes).

The landing page and the sign-in doors load no JS or WASM at all (shell::PAGES_WITHOUT_APP: plain
HTML forms; the browser test shell.spec checks that they request no script). Every other page is a
lazy route (app/src/pages.rs), loaded with the other pages of its job as one unit: its first load
is the app (the JS and WASM the page's loader names, shell::AppLoader) plus the WASM chunks the
split manifest lists for its job. Budgets: the landing and
sign-in pages at most 200 KB, every other page at most 350 KB. Prints each page's size and exits
non-zero when one is over.

    scripts/size_budget.py SITE_PKG_DIR     (e.g. target/site/pkg)

With --islands, the site built in islands mode (README, Islands; no split): every page that loads
the app loads its one JS and WASM file, which hold every island, within the 350 KB budget. The
test command (scripts/test.sh) checks this one: the portal is moving to that mode, and its
budget must hold on the way. The default build's figures are printed by scripts/bench.sh.
"""

import json
import os
import re
import sys

KB = 1000
APP_BUDGET = 200 * KB
PAGE_BUDGET = 350 * KB


def brotli_size(pkg, name):
    path = os.path.join(pkg, name + ".br")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: build with `cargo leptos build --release --precompress` (and --split)")
    return os.path.getsize(path)


def islands(pkg):
    # A build without the `hydrate` feature (cargo-leptos's --lib-features replaces the list in
    # Cargo.toml) still exports the islands but cannot hydrate them, and is a quarter smaller.
    with open(os.path.join(pkg, "portal.js"), encoding="utf-8") as f:
        if "export function hydrate(" not in f.read():
            sys.exit(f"{pkg}/portal.js has no hydrate(): built without the hydrate feature")
    sizes = {n: brotli_size(pkg, n) for n in ["portal.js", "portal.wasm"]}
    total = sum(sizes.values())
    print(f"islands mode, every page that loads the app: {', '.join(f'{n} {s:,}' for n, s in sizes.items())}")
    print(f"first load {total:,} bytes, budget {PAGE_BUDGET:,}: {'within' if total <= PAGE_BUDGET else 'OVER'}")
    return 0 if total <= PAGE_BUDGET else 1


def main():
    if sys.argv[1] == "--islands":
        return islands(sys.argv[2])
    pkg = sys.argv[1]
    manifest_path = os.path.join(pkg, "__wasm_split_manifest.json")
    if not os.path.exists(manifest_path):
        sys.exit(f"{manifest_path} is missing: the site was built without --split")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    app = ["portal.js", "portal.wasm"] + sorted(
        n for n in os.listdir(pkg) if n.startswith("__wasm_split.") and n.endswith(".js")
    )
    app_sizes = {n: brotli_size(pkg, n) for n in app}
    app_size = sum(app_sizes.values())
    print(f"the app itself: {', '.join(f'{n} {size:,}' for n, size in app_sizes.items())}")

    failed = []
    print(f"\n{'pages of':<26} {'first load':>10} {'budget':>8}  chunks")
    rows = [("landing, sign-in (no app)", 0, APP_BUDGET, 0)]
    for key, chunks in manifest.items():
        match = re.fullmatch(r"(\w+?)_job_\d+", key)
        if not match:
            continue  # a #[lazy] function that is not a job's unit: loaded by its page, counted there
        route = match.group(1)
        size = app_size + sum(brotli_size(pkg, c + ".wasm") for c in chunks)
        rows.append((route, size, PAGE_BUDGET, len(chunks)))
    if len(rows) == 1:
        failed.append("the split manifest names no job's unit")
    for route, size, budget, n in sorted(rows, key=lambda r: (r[2], r[1])):
        print(f"{route:<26} {size:>10,} {budget:>8,}  {n}")
        if size > budget:
            failed.append(f"{route}: first load {size:,} bytes, budget {budget:,}")
    for f in failed:
        print(f"OVER BUDGET {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
