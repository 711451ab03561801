#!/usr/bin/env bash
# Makes (or reuses) target/venv with Twisted, pyOpenSSL and service_identity, for the Twisted
# servers in examples/ (twisted#8826, the seed's scenario). Idempotent: the venv is created only
# if it is missing, and pip runs only if `twisted` and `OpenSSL` do not both import already.
#
# Prints the venv's python path on stdout as its last line, so a caller can do
#   py=$(scripts/python-venv.sh | tail -n 1)
#   "$py" examples/twisted_legacy_server.py --port 4443
# Progress goes to stderr. Works from any cwd.
#
# Environment:
#   PYTHON=python3   interpreter used to create the venv
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$repo/target/venv
python=${PYTHON:-python3}
py=$venv/bin/python

say() { echo "python-venv: $*" >&2; }

if [ ! -x "$py" ]; then
    # Debian's python3 splits ensurepip/venv into python3-venv; install it if venv can't work.
    if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        if command -v apt-get >/dev/null 2>&1; then
            say "the venv module is missing; installing python3-venv"
            sudo_cmd=()
            [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
            "${sudo_cmd[@]}" apt-get update -qq
            DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq python3-venv >&2
        else
            say "$python has no venv/ensurepip module and apt-get is not available"
            exit 1
        fi
    fi
    say "creating $venv"
    mkdir -p "$repo/target"
    # A half-made venv (interrupted earlier) is replaced, not patched.
    rm -rf "$venv"
    "$python" -m venv "$venv" >&2
fi

if "$py" -c 'import twisted, OpenSSL' >/dev/null 2>&1; then
    say "twisted and pyOpenSSL already installed"
else
    say "installing twisted, pyOpenSSL, service_identity (pip)"
    "$py" -m pip install --quiet --disable-pip-version-check \
        twisted pyOpenSSL service_identity >&2
fi

echo "$py"
