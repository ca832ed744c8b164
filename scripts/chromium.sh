#!/usr/bin/env bash
# Make sure Debian's Chromium is installed (the browser tests drive it with Playwright; no
# browser is ever downloaded by a test tool). Prints the executable's path.
set -euo pipefail

find_chromium() {
    for candidate in "${LANTERN_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! find_chromium >/dev/null; then
    echo "lantern: installing Debian's chromium for the browser tests" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    exec 9>/tmp/lantern-apt.lock
    flock 9
    if ! find_chromium >/dev/null; then
        { $sudo_cmd apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium \
            ; } >/tmp/lantern-chromium-install.log 2>&1 || {
            tail -n 20 /tmp/lantern-chromium-install.log >&2
            echo "lantern: could not install chromium (see /tmp/lantern-chromium-install.log)" >&2
            exit 1
        }
    fi
fi
find_chromium
