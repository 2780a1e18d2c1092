#!/usr/bin/env bash
# Installs what the tests need (on a fresh machine too) and runs every test:
# formatting and lints, the engine's unit, property, integration and CLI tests
# and doctests, the WebAssembly API in headless Chromium (wasm-bindgen-test),
# and the page end to end in headless Chromium (tests/e2e, node --test).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh # as_root, ensure_npm

echo "== rustfmt and clippy"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --check
cargo clippy --all-targets -- -D warnings
# The page's first module is built without color management.
cargo clippy --lib --no-default-features -- -D warnings

echo "== engine tests (unit, property, integration, CLI, doctests)"
# A CMYK press profile for the color tests (Ghostscript's, used from the system).
if [ ! -f /usr/share/color/icc/ghostscript/default_cmyk.icc ]; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgs-common
fi
cargo test --release

echo "== tools for the browser tests"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi
scripts/build.sh --tools-only # the wasm32 target, wasm-bindgen-cli and its test runner

echo "== wasm lints"
cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features -- -D warnings
wasm_tests=()
for f in tests/wasm*.rs; do
    if [ -e "$f" ]; then wasm_tests+=(--test "$(basename "$f" .rs)"); fi
done
if [ ${#wasm_tests[@]} -gt 0 ]; then
    cargo clippy --target wasm32-unknown-unknown "${wasm_tests[@]}" -- -D warnings

    echo "== wasm API in headless Chromium"
    # The runner adds --headless and --no-sandbox to Chrome's arguments itself.
    export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
    export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
    cargo test --target wasm32-unknown-unknown "${wasm_tests[@]}"
fi

if [ -d tests/e2e ]; then
    echo "== the page end to end in headless Chromium"
    ensure_npm
    scripts/build.sh
    npm ci --no-audit --no-fund
    node --test tests/e2e/
fi

echo "== all tests passed"
