#!/usr/bin/env bash
# Run a command (from the repository root) as an unprivileged user, for the tests that must
# hold for a teacher who is not root: the sandbox then has no cgroup and maps that user.
# Needs root. Creates the system user `torchcamp-ci` if missing, and lets it traverse the
# folders above the interpreter and the repository (an ACL entry, removed on exit).
set -euo pipefail
user=torchcamp-ci
[ "$(id -u)" = 0 ] || { echo "as_unprivileged_user.sh: run as root" >&2; exit 2; }
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
command -v setfacl >/dev/null || apt-get install -y -q acl >/dev/null
python=$(readlink -f .venv/bin/python)
granted=()
for start in "$python" "$PWD"; do
    dir=$(dirname "$start")
    while [ "$dir" != / ]; do
        if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
            setfacl -m "u:$user:x" "$dir" && granted+=("$dir")
        fi
        dir=$(dirname "$dir")
    done
done
cleanup() { for dir in "${granted[@]}"; do setfacl -x "u:$user" "$dir" || true; done; }
trap cleanup EXIT
runuser -u "$user" -- env HOME=/tmp PYTHONDONTWRITEBYTECODE=1 "$@"
