#!/usr/bin/env python3
"""Twisted HTTPS server on the modern CertificateOptions API: twisted#8826's server B, fixed.

twisted#8826 (2016): its reporter pinned ECDHE_RSA_AES_128_GCM_SHA256 on Python's
http.server + ssl (examples/https_server.py) and on a Twisted server built on the legacy
DefaultOpenSSLContextFactory (examples/twisted_legacy_server.py). curl negotiated the suite with
the first; the legacy Twisted server aborted the handshake under OpenSSL < 1.1 because it
configured no ECDH curve. This is the API Twisted recommends instead:
twisted.internet.ssl.CertificateOptions with
acceptableCiphers=AcceptableCiphers.fromOpenSSLCipherString(...), which configures an ECDH
curve on the context itself. On today's OpenSSL (>= 1.1, which chooses curves on its own) both
Twisted variants negotiate the suite.

Needs Twisted and pyOpenSSL: `scripts/python-venv.sh` makes target/venv with them and prints
its python. tlslab runs it as a peer, substituting a free port for {port}:

    tlslab compare --server 'options=target/venv/bin/python examples/twisted_options_server.py --port {port}'

By hand (srv.crt/srv.key from `tlslab pki init` in the cwd, or --cert/--key):

    "$(scripts/python-venv.sh | tail -n 1)" examples/twisted_options_server.py --port 4445

Once it listens it prints exactly one line, `listening on 127.0.0.1:PORT`, to stdout. Each
GET is answered with 200 and a text body naming the negotiated TLS version and cipher suite;
Twisted's log, with handshake failures, goes to stderr. SIGTERM or SIGINT stops it (exit 0).
All of that is shared with the other Twisted server in examples/twisted_common.py;
this file only builds the TLS context factory.
"""

import os
import sys

# The shared part sits beside this script; find it from any cwd (and leave no __pycache__).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import twisted_common  # noqa: E402  (exits 2 with a hint when Twisted is missing)
from twisted.internet import ssl  # noqa: E402

NAME = "twisted_options_server"
DESCRIPTION = (
    "Twisted HTTPS server on CertificateOptions (twisted#8826's server B on "
    "the modern API). Prints 'listening on ADDR:PORT' to stdout when ready."
)
CIPHERS_HELP = (
    "OpenSSL cipher string given to AcceptableCiphers.fromOpenSSLCipherString "
    f"(default: {twisted_common.DEFAULT_CIPHERS}, the seed's pin). While pinned, the maximum "
    "version is capped at TLS 1.2 (lowerMaximumSecurityTo), because TLS 1.3 suites are not "
    "governed by this string. An empty string keeps Twisted's default ciphers "
    "(no pin, TLS 1.3 allowed)"
)


def make_context_factory(args):
    """CertificateOptions with the pin as acceptableCiphers, TLS <= 1.2 while pinned."""
    with open(args.cert, "rb") as f:
        cert_pem = f.read()
    with open(args.key, "rb") as f:
        key_pem = f.read()
    # One PEM blob holding both: loadPEM finds the key and the certificate in it.
    identity = ssl.PrivateCertificate.loadPEM(key_pem + b"\n" + cert_pem)
    options = {}
    if args.ciphers:
        options["acceptableCiphers"] = ssl.AcceptableCiphers.fromOpenSSLCipherString(args.ciphers)
        options["lowerMaximumSecurityTo"] = ssl.TLSVersion.TLSv1_2
    return ssl.CertificateOptions(
        privateKey=identity.privateKey.original,
        certificate=identity.original,
        **options,
    )


if __name__ == "__main__":
    sys.exit(twisted_common.main(NAME, DESCRIPTION, CIPHERS_HELP, make_context_factory))
