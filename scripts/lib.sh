# Helpers shared by scripts/build.sh and scripts/test.sh (sourced, not run).

# Root runs apt-get itself; anyone else (e.g. a CI runner) through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# npm (and Node), from Debian's packages when missing.
ensure_npm() {
    if ! command -v npm >/dev/null; then
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
    fi
}
