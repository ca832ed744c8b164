#!/usr/bin/env bash
# Install the chat page's npm packages (bot/web/package-lock.json) once, with `npm ci`, into
# $LANTERN_CACHE/npm-<hash of the lock>/ outside the clone, and print that node_modules path.
# bot/web/server.py serves socket.io-client's dist file from there: nothing comes from a CDN.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${LANTERN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lantern}"
web="$here/bot/web"
key="$(cat "$web/package.json" "$web/package-lock.json" | sha256sum | cut -c1-16)"
target="$cache/npm-$key"

if ! command -v npm >/dev/null 2>&1; then
    echo "lantern: npm is missing; the chat page needs Node.js 18+ and npm (e.g. apt-get install nodejs npm)" >&2
    exit 1
fi

mkdir -p "$cache"
if [ ! -f "$target/.complete" ] && command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.npm-$key.lock"
    flock 9
fi
if [ ! -f "$target/.complete" ]; then
    echo "lantern: installing the chat page's npm packages in $target" >&2
    rm -rf "$target"
    mkdir -p "$target"
    cp "$web/package.json" "$web/package-lock.json" "$target/"
    log="$cache/npm-$key.log"
    if ! (cd "$target" && npm ci --ignore-scripts --no-audit --no-fund) >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        echo "lantern: npm ci failed; full log: $log" >&2
        exit 1
    fi
    touch "$target/.complete"
fi
echo "$target/node_modules"
