#!/usr/bin/env bash
# Installs what the tests need (on a fresh machine too) and runs every test:
# formatting and lints, the engine's unit, property, integration and CLI tests
# and doctests.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rustfmt and clippy"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --check
cargo clippy --all-targets -- -D warnings

echo "== engine tests (unit, property, integration, CLI, doctests)"
cargo test --release
