#!/usr/bin/env bash
# Find Python 3.10, create (once) the virtualenv keyed by the lock file's hash, and
# print its path (or, with --python, the interpreter found). Everything heavy lives outside the clone, in $LANTERN_CACHE.
# Usage: bootstrap.sh [--python] [ENV]   ENV: rasa (default, requirements.lock) or
#        console (the staff console, requirements-console.lock).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${LANTERN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lantern}"
want_python=""
if [ "${1:-}" = "--python" ]; then want_python=1; shift; fi
env_name="${1:-rasa}"
case "$env_name" in
    rasa) lock="$here/requirements.lock"; prefix="venv"; imports="rasa, rasa_sdk, sqlalchemy, dotenv" ;;
    console) lock="$here/requirements-console.lock"; prefix="venv-console"
             imports="flask, sqlalchemy, alembic, argon2, dotenv" ;;
    *) echo "bootstrap.sh: unknown environment '$env_name' (rasa or console)" >&2; exit 2 ;;
esac

find_python() {
    local candidates=()
    [ -n "${LANTERN_PYTHON:-}" ] && candidates+=("$LANTERN_PYTHON")
    if command -v pyenv >/dev/null 2>&1; then
        local root; root="$(pyenv root)"
        for dir in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -rV); do
            candidates+=("$dir/bin/python3.10")
        done
    fi
    for dir in $(ls -d "$HOME"/.pyenv/versions/3.10.* 2>/dev/null | sort -rV); do
        candidates+=("$dir/bin/python3.10")
    done
    candidates+=(python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
    for py in "${candidates[@]}"; do
        if command -v "$py" >/dev/null 2>&1 \
            && "$py" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
            command -v "$py"
            return 0
        fi
    done
    return 1
}

if ! python="$(find_python)"; then
    cat >&2 <<'MSG'
Lantern needs Python 3.10 (Rasa 3.6 does not install on 3.11 or newer), and none was found.
Install it, then run the command again:
  - with pyenv:   pyenv install 3.10.13
  - on Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv (deadsnakes PPA on Ubuntu)
  - or point to one: LANTERN_PYTHON=/path/to/python3.10 make run
MSG
    exit 1
fi

if [ -n "$want_python" ]; then
    echo "$python"
    exit 0
fi

key="$( (cat "$lock"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)"
venv="$cache/$prefix-$key"

mkdir -p "$cache"
if [ ! -f "$venv/.complete" ] && command -v flock >/dev/null 2>&1; then
    # One installer at a time: a second caller waits, then finds the venv complete.
    exec 9>"$cache/.install-$key.lock"
    flock 9
fi
if [ ! -f "$venv/.complete" ]; then
    echo "lantern: creating the Python environment in $venv (first run: a few minutes)" >&2
    rm -rf "$venv"
    mkdir -p "$cache"
    "$python" -m venv "$venv"
    log="$cache/install-$key.log"
    # A lock written by lock.sh carries each file's sha256: pip then refuses any other file.
    hashes=""
    if grep -q -- '--hash=sha256:' "$lock"; then hashes="--require-hashes"; fi
    if ! { "$venv/bin/pip" install --upgrade "pip==24.0" \
           && "$venv/bin/pip" install --no-deps $hashes -r "$lock" \
           && bash "$here/scripts/pip-check.sh" "$venv" \
           && "$venv/bin/python" -c "import $imports"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "lantern: installing the environment failed; full log: $log" >&2
        exit 1
    fi
    touch "$venv/.complete"
fi
echo "$venv"
