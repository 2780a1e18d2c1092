#!/usr/bin/env bash
# Writes DIR/sw.js (scripts/build.sh runs it on dist/): the service worker
# sw.js with this build's version and the files it precaches written in:
# every other file of DIR with its Subresource Integrity hash (SHA-256), and
# as the version a hash of those hashes and of sw.js itself, so that any
# change deployed is a new version (docs/DESIGN.md, "Offline and updates").
# The e2e tests run it on changed copies of dist/ (tests/e2e/offline.test.mjs).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: scripts/sw.sh DIR}"
files=$(
    cd "$dir"
    find . -type f -not -path ./sw.js -printf '%P\n' | LC_ALL=C sort | while IFS= read -r f; do
        printf '["%s","sha256-%s"]\n' "$f" "$(openssl dgst -sha256 -binary "$f" | base64 -w0)"
    done
)
version=$( (printf '%s\n' "$files"; cat "$here/sw.js") | sha256sum | cut -c1-16)
awk -v version="$version" -v files="[$(printf '%s\n' "$files" | paste -sd, -)]" '
    /^const VERSION = / { print "const VERSION = \x27" version "\x27;"; next }
    /^const FILES = / { print "const FILES = " files "; // [URL relative to this file, its Subresource Integrity hash]"; next }
    { print }
' "$here/sw.js" >"$dir/sw.js"
if ! grep -q "^const VERSION = '$version';" "$dir/sw.js" || grep -q '^const FILES = \[\];' "$dir/sw.js"; then
    echo "sw.sh: the version and files were not written into $dir/sw.js" >&2
    exit 1
fi
echo "$dir/sw.js: version $version, $(printf '%s\n' "$files" | wc -l) files to precache"
