#!/usr/bin/env bash
# The package installs, and the tests that exercise it end to end pass, on the newest
# Python this machine offers (CI runs this after `make test`, which uses python3).
# Usage: bash scripts/check_newest_python.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
newest=""
for version in 3.14 3.13 3.12; do
    if command -v "python$version" >/dev/null && "python$version" -c pass 2>/dev/null; then newest="python$version"; break; fi
    if command -v pyenv >/dev/null && found=$(pyenv versions --bare 2>/dev/null | grep -E "^$version(\.[0-9]+)?$" | sort -V | tail -n 1) && [ -n "$found" ]; then
        newest="$(pyenv root)/versions/$found/bin/python"; break
    fi
done
[ -n "$newest" ] || { echo "no Python newer than 3.11 here: nothing more to check"; exit 0; }
echo "newest Python: $("$newest" --version) ($newest)"
venv=.venv-newest
[ -x "$venv/bin/python" ] || "$newest" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e .
"$venv/bin/python" -m pytest -p no:cacheprovider tests/test_manifest.py tests/test_compare_and_codec.py \
    tests/test_sandbox.py tests/test_student_mode.py tests/test_reference_and_stubs.py
