#!/usr/bin/env bash
# Builds the page (scripts/build.sh) and serves dist/ (index.html and www/)
# on 127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh
port="${PORT:-8000}"
echo "Open http://127.0.0.1:$port/"
# python3's http.server sends .wasm as application/wasm, which streaming compilation needs.
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
