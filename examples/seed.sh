#!/usr/bin/env bash
# The seed (twisted#8826) as one comparison: Python's http.server + ssl, Twisted with the
# legacy DefaultOpenSSLContextFactory, Twisted with CertificateOptions, and tlslab's built-in
# `legacy-no-ecdh` server, all pinned to ECDHE_RSA_AES_128_GCM_SHA256 over TLS 1.2.
#
# On today's OpenSSL both Twisted servers negotiate the suite (OpenSSL >= 1.1 enables
# elliptic curves by itself); the built-in profile shows the 2016 failure. The bug report
# lands in DIR/report.md and DIR/report.html.
#
# usage: examples/seed.sh [DIR]      (DIR: where the PKI and reports go; a temporary one by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tlslab=${TLSLAB:-$root/target/release/tlslab}
if [ ! -x "$tlslab" ]; then
    (cd "$root" && cargo build --release --quiet)
fi
python=${TLSLAB_PYTHON:-$("$root/scripts/python-venv.sh" | tail -n 1)}
work=${1:-$(mktemp -d)}
mkdir -p "$work"
[ -e "$work/ca.crt" ] || "$tlslab" pki init --dir "$work" >/dev/null

pin=ECDHE-RSA-AES128-GCM-SHA256
set +e
"$tlslab" compare --dir "$work" --json \
    --server "http.server=$python $root/examples/https_server.py --port {port} --ciphers $pin" \
    --server "twisted-legacy=$python $root/examples/twisted_legacy_server.py --port {port} --ciphers $pin" \
    --server "twisted-options=$python $root/examples/twisted_options_server.py --port {port} --ciphers $pin" \
    --builtin "legacy-no-ecdh=openssl:legacy-no-ecdh" \
    --version-cmd "http.server=$python -c 'import ssl, sys; print(\"Python\", sys.version.split()[0], \"-\", ssl.OPENSSL_VERSION)'" \
    --version-cmd "twisted-legacy=$python $root/examples/twisted_legacy_server.py --version" \
    --version-cmd "twisted-options=$python $root/examples/twisted_options_server.py --version" \
    --ciphers ECDHE_RSA_AES_128_GCM_SHA256 \
    --markdown "$work/report.md" --html "$work/report.html" --force > "$work/report.json"
status=$?
set -e
if [ "$status" -eq 2 ]; then
    exit 2
fi
# The expected outcome today: the three real servers negotiate, the 2016 profile does not.
python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cells = {cell["server"]: cell for cell in report["cells"]}
for name, cell in cells.items():
    outcome = cell["protocol"] + " / " + cell["cipher_suite"]["iana"] if cell["ok"] else "FAILED " + ", ".join(f["code"] for f in cell["diagnosis"])
    print(f"{name:16} {outcome}")
expected = all(cells[n]["ok"] for n in ("http.server", "twisted-legacy", "twisted-options")) \
    and not cells["legacy-no-ecdh"]["ok"] \
    and cells["legacy-no-ecdh"]["diagnosis"][0]["code"] == "no-ecdhe-groups"
print("outcome as expected on today's OpenSSL" if expected else "UNEXPECTED outcome (see the report)")
sys.exit(0 if expected else 1)
PY
echo "report: $work/report.md, $work/report.html"
