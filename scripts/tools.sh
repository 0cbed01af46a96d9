# Installs the tools crowdbox builds and tests with, each only when missing or at the wrong version.
# Sourced by scripts/run and scripts/test; safe to source again and again (idempotent).
#   crowdbox_tools build   -> wasm32 target, trunk, wasm-bindgen-cli, npm dev tools (wasm-opt)
#   crowdbox_tools test    -> the above, plus Chromium + ChromeDriver, sqlite3, pycocotools, Pillow and PostgreSQL
# Versions are pinned here and nowhere else.

TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.130" # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
WASM_SPLIT_VERSION="0.2.4"     # wasm_split_cli_support: splits the bundles' wasm (build_split_app)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$REPO_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (takes ~9 minutes once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~4 minutes once)"
    # Not --locked: its lock file names a dependency version that the registry here lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

ensure_wasm_split() {
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (takes ~1 minute once)"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary
  fi
}

ensure_node_tools() {
  # binaryen's wasm-opt (runs on node; Debian's binaryen 108 miscompiles) and playwright-core.
  if [ ! -x "$REPO_ROOT/node_modules/.bin/wasm-opt" ] || [ ! -d "$REPO_ROOT/node_modules/playwright-core" ]; then
    say "installing node dev tools (binaryen, playwright-core)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian chromium and chromium-driver"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_sqlite3_cli() {
  # The reliability e2e test counts rows with the sqlite3 command-line shell.
  if ! command -v sqlite3 >/dev/null; then
    say "installing Debian sqlite3"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
  fi
}

ensure_pycocotools() {
  if ! python3 -c 'import pycocotools' 2>/dev/null; then
    say "installing pycocotools (the reference COCO reader for export tests)"
    python3 -m pip install --quiet pycocotools
  fi
}

ensure_pillow() {
  # The huge-image e2e tests make their 300 Mpx JPEGs with Pillow (pycocotools only brings it by chance).
  if ! python3 -c 'import PIL' 2>/dev/null; then
    say "installing Pillow (makes the huge test images)"
    python3 -m pip install --quiet pillow
  fi
}

ensure_brotli() {
  # build_frontend leaves a brotli copy of each asset beside it, which crowdbox sends to browsers that take it.
  if ! command -v brotli >/dev/null; then
    say "installing Debian brotli"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null
  fi
}

crowdbox_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_node_tools
  ensure_brotli
  if [ "${1:-build}" = test ]; then
    ensure_chromium
    ensure_sqlite3_cli
    ensure_pycocotools
    ensure_pillow
    ensure_postgres
    rustup component list --installed | grep -q '^clippy' || rustup component add clippy
    rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  fi
}

build_frontend() {
  say "building the worker app (release)"
  (cd "$REPO_ROOT" && trunk build --release --offline)
  build_split_app "$REPO_ROOT/dist" . crowdbox-app lazy
  # After the worker app: its build empties dist/, this one only dist/owner/.
  say "building the owner console (release, dist/owner/)"
  (cd "$REPO_ROOT" && trunk build --release --offline --dist dist/owner owner/index.html)
  build_split_app "$REPO_ROOT/dist/owner" . crowdbox-console console,lazy
  # Served by crowdbox for `/` (a server job's address); its assets are under server-job/ of that page's folder.
  say "building a server job's volunteer app (release, dist/server-job/)"
  (cd "$REPO_ROOT" && trunk build --release --offline --dist dist/server-job --public-url ./server-job/ \
    server-job/index.html)
  build_split_app "$REPO_ROOT/dist/server-job" ./server-job crowdbox-server-job --no-default-features lazy
  compress_frontend "$REPO_ROOT/dist"
}

# build_split_app <folder> <its URL from the page> <bin> [--no-default-features] <features>: a bundle's wasm,
# split where the app builds panels or pages through src/components/later.rs (feature `lazy`). Trunk 0.21 cannot
# split, so this does what it would: link with relocations kept, cut the module apart (wasm-split-cli), run
# wasm-bindgen on the main part (keeping the exports the chunks link to) and wasm-opt on every part. The parts go
# into <folder>/wasm-HASH/ (HASH: of the linked wasm, so a changed app gets a new folder and crowdbox can cache
# the files for good), and the page <folder>/index.html, built by trunk with the styles only, gets the script
# that starts the app. The chunks are fetched with `WebAssembly.instantiateStreaming`, so a static host must send
# `.wasm` files as `application/wasm` (the usual hosts do).
build_split_app() {
  local out="$1" url="$2" bin="$3"
  shift 3
  local linked="$REPO_ROOT/target/wasm32-unknown-unknown/wasm-release/$bin.wasm" features=()
  [ "$1" = --no-default-features ] && { features+=("$1"); shift; }
  features+=(--features "$1")
  # Only the bin is linked with `--emit-relocs` (cargo rustc's flags reach the last crate alone), so the
  # dependencies are the ones the other wasm builds made.
  (cd "$REPO_ROOT" && cargo rustc --quiet --profile wasm-release --target wasm32-unknown-unknown --bin "$bin" \
    "${features[@]}" -- -Clink-args=--emit-relocs)
  local hash parts
  hash="$(sha256sum "$linked" | cut -c1-16)"
  parts="$out/wasm-$hash"
  rm -rf "$out"/wasm-*
  mkdir -p "$parts"
  wasm-split-cli "$linked" "$parts" --out-name "$bin"
  wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$parts" --out-name "$bin" \
    "$parts/$bin.wasm"
  rm "$parts/$bin.wasm"
  local part
  for part in "$parts"/*.wasm; do
    # The passes the pages asked trunk for before the split (data-wasm-opt="z", --low-memory-unused); names and
    # producers go, as trunk's wasm-bindgen dropped them. wasm-split-cli leaves a names subsection binaryen does
    # not know: it warns, and drops it with the names.
    wasm-opt -Oz --low-memory-unused --strip-debug --strip-producers "$part" -o "$part" \
      2> >(grep -v '^warning: unknown name subsection' >&2)
  done
  local start="$url/wasm-$hash/$bin.js" wasm="$url/wasm-$hash/${bin}_bg.wasm"
  python3 - "$out/index.html" "$start" "$wasm" "$url/wasm-$hash/__wasm_split.js" <<'PY'
import re, sys
page, start, wasm, loader = sys.argv[1:]
html = open(page, encoding="utf-8").read()
# Replaces what an earlier run put there, so running this again on trunk's page changes nothing else.
html = re.sub(r"<!-- split app -->.*?<!-- /split app -->", "", html, flags=re.S)
tags = (
    "<!-- split app -->"
    f'<link rel="modulepreload" href="{start}" crossorigin="anonymous">'
    f'<link rel="modulepreload" href="{loader}" crossorigin="anonymous">'
    f'<link rel="preload" href="{wasm}" crossorigin="anonymous" as="fetch" type="application/wasm">'
    f'<script type="module">import init from "{start}"; await init({{ module_or_path: "{wasm}" }});</script>'
    "<!-- /split app -->"
)
if html.count("</head>") != 1:
    sys.exit(f"{page}: expected one </head> to put the app's script before")
open(page, "w", encoding="utf-8").write(html.replace("</head>", tags + "</head>"))
PY
}

# Leaves NAME.gz (gzip -9) and NAME.br (brotli -q 11) beside each built asset under $1, which crowdbox sends to
# browsers that accept them (see crates/server/src/app_pages.rs); scripts/bundle-size checks they match.
compress_frontend() {
  say "compressing the built assets (gzip and brotli copies)"
  find "$1" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) -print0 |
    while IFS= read -r -d '' f; do
      gzip -9 -n -k -f "$f"
      brotli -q 11 -k -f "$f"
    done
}

ensure_postgres() {
  # The server's tests also run on PostgreSQL; the cluster is a throw-away one (start_throwaway_postgres).
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    say "installing Debian postgresql"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

# Starts a PostgreSQL cluster of its own in a temporary folder (data, unix socket and log there), listening on a
# free loopback port, trusting local connections, and exports CROWDBOX_TEST_POSTGRES (a URL of its `postgres`
# database) for the tests. As root the server runs as the `postgres` user that Debian's package made. The
# caller stops it with stop_throwaway_postgres (scripts/test does on every exit, also when a test fails).
start_throwaway_postgres() {
  local bin run_as=()
  bin="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -1)")"
  PG_TMP="$(mktemp -d /tmp/crowdbox-postgres.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PG_TMP"
    run_as=(runuser -u postgres --)
  fi
  PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "${run_as[@]}" "$bin/initdb" -D "$PG_TMP/data" -U crowdbox --auth=trust -E UTF8 --no-instructions >"$PG_TMP/initdb.log"
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP -c max_connections=400" start >/dev/null
  PG_STOP=("${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m immediate stop)
  export CROWDBOX_TEST_POSTGRES="postgres://crowdbox@127.0.0.1:$PG_PORT/postgres"
  say "throw-away PostgreSQL on 127.0.0.1:$PG_PORT ($PG_TMP)"
}

stop_throwaway_postgres() {
  if [ -n "${PG_TMP:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
    PG_TMP=""
  fi
}
