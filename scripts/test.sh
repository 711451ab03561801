#!/usr/bin/env bash
# The one test command (README, .ci/run): installs the interop peers the tests talk to on
# loopback, then runs every test in the workspace. Under CI=true a test whose peer is
# missing fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages for the interop peers: command -> package.
declare -A peers=(
    [curl]=curl
    [openssl]=openssl
    [gnutls-cli]=gnutls-bin
    [python3]=python3
    [gnutls-serv]=gnutls-bin
    [nginx]=nginx
    [chromium]=chromium
)
missing=()
for command in "${!peers[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${peers[$command]}")
done
# Headers for the openssl crate (system OpenSSL 3.0, not vendored).
if ! pkg-config --exists openssl 2>/dev/null && [ ! -e /usr/include/openssl/ssl.h ]; then
    missing+=(libssl-dev pkg-config)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "scripts/test.sh: peers: $(openssl version | head -1); $(curl --version | head -1 | cut -d' ' -f1-2); $(gnutls-cli --version | head -1); $(python3 --version)" >&2
# Python peers for the compare tests: Twisted and pyOpenSSL in target/venv.
TLSLAB_PYTHON=$(scripts/python-venv.sh | tail -n 1)
export TLSLAB_PYTHON

# The committed registry tables must be exactly what the generator makes from the sources.
python3 crates/wire/data/generate.py --check
cargo fmt --all -- --check
# One closing line with the totals of every test binary.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
