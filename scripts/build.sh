#!/usr/bin/env bash
# Builds the web page into dist/, a self-contained static site (relative URLs
# only, so it works from any sub-path, e.g. GitHub Pages):
#   1. the wasm32 target and wasm-bindgen-cli at the version in Cargo.lock
#      (installed when missing, so this works on a fresh machine);
#   2. the core as WebAssembly (the `wasm` profile of Cargo.toml: release,
#      optimized for size but in the crates that run over every pixel), bound
#      with wasm-bindgen into www/pkg/ (without color management, WebP, GIF,
#      BMP and the writers of other apps' files) and www/pkg-color/ (with
#      every feature), each then
#      shrunk by binaryen's wasm-opt (the npm package pinned in package.json,
#      installed with `npm ci` when missing; npm itself from apt if absent);
#   3. dist/ = index.html + www/ (scripts, styles, pkg/), the same relative
#      layout as the repository, so index.html also works from the repository
#      root once www/pkg/ is built.
# `scripts/build.sh --tools-only` does step 1 alone (scripts/test.sh uses it);
# `scripts/build.sh --page` does step 3 alone, with the wasm modules already in www/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh # as_root, ensure_npm

target_dir="${CARGO_TARGET_DIR:-target}"
wasm="$target_dir/wasm32-unknown-unknown/wasm/cinepal.wasm"

# Installs what the wasm build needs; shared with scripts/test.sh.
ensure_wasm_tools() {
    rustup target add wasm32-unknown-unknown >/dev/null
    local want
    want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    if [ -z "$want" ]; then
        echo "build: wasm-bindgen is not in Cargo.lock" >&2
        exit 1
    fi
    local have
    have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
    if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
        echo "== installing wasm-bindgen-cli $want (about 2 minutes)"
        cargo install wasm-bindgen-cli --version "$want" --locked \
            || cargo install wasm-bindgen-cli --version "$want"
    fi
}

page_only=false
case "${1:-}" in
--page) page_only=true ;;
--tools-only)
    ensure_wasm_tools
    exit 0
    ;;
*) ensure_wasm_tools ;;
esac

# binaryen's wasm-opt from npm, at the version package.json pins, run by its
# path: never a wasm-opt found on PATH (Debian's binaryen 108 silently
# corrupts what wasm-bindgen 0.2.130 writes; binaryen 132 handles it).
wasm_opt=node_modules/binaryen/bin/wasm-opt
ensure_wasm_opt() {
    local want have=""
    want=$(sed -n 's/^ *"binaryen": *"\([^"]*\)".*/\1/p' package.json)
    if [ -z "$want" ]; then
        echo "build: binaryen is not in package.json" >&2
        exit 1
    fi
    if [ -f node_modules/binaryen/package.json ]; then
        have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' node_modules/binaryen/package.json | head -n 1)
    fi
    if [ "$have" != "$want" ]; then
        echo "== installing the npm packages (binaryen $want for wasm-opt)"
        ensure_npm
        npm ci --no-audit --no-fund
    fi
}
$page_only || ensure_wasm_opt
# -O1, chosen by measurement (BENCHMARKS.md, "wasm-opt"): the smallest
# gzipped module of -O1, -O2, -O3, -Os and -Oz (www/pkg/ 5 KB smaller than
# without wasm-opt; -Os and -Oz are smaller raw but compress worse: 1.2 to
# 1.7 KB saved), as fast as the others but -O3 (whose extraction is about
# 10 % faster, for 1 KB saved), and the quickest to run.
wasm_opt_level=-O1
# The features the Rust output uses (its target_features section; simd128 from
# .cargo/config.toml), so that wasm-opt validates the module; the section
# itself is then left out (nothing reads it at run time). No --fast-math:
# floats keep their IEEE semantics, so the page's palettes stay the CLI's.
wasm_opt_flags=(
    --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
    --enable-sign-ext --enable-mutable-globals --enable-reference-types
    --enable-multivalue --enable-call-indirect-overlong --enable-simd
    --strip-target-features
)

# Two modules of the same core: www/pkg/ with PNG and JPEG only, no color
# management and no writers of other apps' files (what the page loads first:
# small), and www/pkg-color/ with every feature (moxcms, WebP, GIF, BMP…),
# which the worker loads for a file that needs it (an ICC profile, a PNG's
# gAMA, a WebP…). Sizes and speeds of the choices: BENCHMARKS.md, "The first
# load under 500,000 bytes": leaving out the formats saved 150 KB gzipped,
# opt-level "s" outside the hot crates 10 KB more; panic = "abort" changes
# nothing (wasm32-unknown-unknown aborts on panic anyway).
bind() {
    rm -rf "$1"
    # Without the name and producers sections: 8% smaller; panic messages still name the source line.
    wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$1" "$wasm"
    local module="$1/cinepal_bg.wasm"
    echo "wasm $1: $(sizes "$module") (wasm-bindgen)"
    node "$wasm_opt" "$wasm_opt_level" "${wasm_opt_flags[@]}" "$module" -o "$module.opt"
    mv "$module.opt" "$module"
    echo "wasm $1: $(sizes "$module") (wasm-opt $wasm_opt_level)"
}
sizes() {
    echo "$(wc -c <"$1") bytes, $(gzip -9 -c "$1" | wc -c) bytes gzipped (gzip -9)"
}
if $page_only; then
    if [ ! -f www/pkg/cinepal_bg.wasm ] || [ ! -f www/pkg-color/cinepal_bg.wasm ]; then
        echo "build: --page needs www/pkg/ and www/pkg-color/: run scripts/build.sh once first" >&2
        exit 1
    fi
else
    echo "== wasm (profile wasm), PNG and JPEG without color management"
    cargo build --profile wasm --lib --target wasm32-unknown-unknown --no-default-features
    bind www/pkg
    echo "== wasm (profile wasm), every feature"
    cargo build --profile wasm --lib --target wasm32-unknown-unknown
    bind www/pkg-color
fi

echo "== dist/"
if [ ! -f index.html ]; then
    echo "build: index.html is missing, so there is no page to put in dist/ (www/pkg/ is built)" >&2
    exit 1
fi
rm -rf dist
mkdir -p dist/www
cp index.html dist/
# Everything the page is made of (and the licence of what it ships, www/names/LICENSE); tests, sources and notes stay out.
(
    cd www
    find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.wasm' -o -name '*.jpg' \
        -o -name '*.svg' -o -name '*.png' -o -name '*.ico' -o -name '*.webmanifest' -o -name '*.json' \
        -o -name LICENSE \) \
        -not -path './node_modules/*' -print0
) | (cd www && xargs -0 -r cp --parents -t ../dist/www)
if grep -rnoE '(src|href)="/[^/]' dist --include='*.html' | grep -v 'href="//' >/dev/null; then
    echo "build: warning: an absolute URL in dist/*.html will break under a sub-path:" >&2
    grep -rnoE '(src|href)="/[^/][^"]*"' dist --include='*.html' >&2 || true
fi
echo "dist/: $(find dist -type f | wc -l) files, $(du -sk dist | cut -f1) KiB"
