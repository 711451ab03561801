#!/usr/bin/env python3
"""Twisted HTTPS server on the legacy DefaultOpenSSLContextFactory: server B of twisted#8826.

twisted#8826 (2016): its reporter pinned ECDHE_RSA_AES_128_GCM_SHA256 on Python's
http.server + ssl (examples/https_server.py) and on a Twisted server built like this one:
twisted.internet.ssl.DefaultOpenSSLContextFactory(key, cert), then set_cipher_list() on its
pyOpenSSL context. curl negotiated the suite with the first; this one aborted the handshake
(alert 40, "no shared cipher") under OpenSSL < 1.1, because the legacy factory configured no
ECDH curve, so no ECDHE suite was usable. OpenSSL >= 1.1 picks curves by itself, so on today's
OpenSSL this server negotiates the suite; `tlslab serve --profile legacy-no-ecdh` replays the
old failure. examples/twisted_options_server.py is the same server on the modern
CertificateOptions API.

Needs Twisted and pyOpenSSL: `scripts/python-venv.sh` makes target/venv with them and prints
its python. tlslab runs it as a peer, substituting a free port for {port}:

    tlslab compare --server 'legacy=target/venv/bin/python examples/twisted_legacy_server.py --port {port}'

By hand (srv.crt/srv.key from `tlslab pki init` in the cwd, or --cert/--key):

    "$(scripts/python-venv.sh | tail -n 1)" examples/twisted_legacy_server.py --port 4444

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
from OpenSSL import SSL  # noqa: E402
from twisted.internet import ssl  # noqa: E402

NAME = "twisted_legacy_server"
DESCRIPTION = (
    "Twisted HTTPS server on the legacy DefaultOpenSSLContextFactory "
    "(twisted#8826's server B). Prints 'listening on ADDR:PORT' to stdout when ready."
)
CIPHERS_HELP = (
    "OpenSSL cipher string set with set_cipher_list() on the factory's context "
    f"(default: {twisted_common.DEFAULT_CIPHERS}, the seed's pin). While pinned, the maximum "
    "version is capped at TLS 1.2, because TLS 1.3 suites are not governed by this string. "
    "An empty string leaves the factory's defaults alone (no pin, TLS 1.3 allowed)"
)


def make_context_factory(args):
    """The seed's construction: the legacy factory, then a cipher pin on its context."""
    factory = ssl.DefaultOpenSSLContextFactory(args.key, args.cert)
    context = factory.getContext()
    if args.ciphers:
        context.set_cipher_list(args.ciphers.encode("ascii"))
        if hasattr(context, "set_max_proto_version"):
            context.set_max_proto_version(SSL.TLS1_2_VERSION)
        else:  # pyOpenSSL < 20
            context.set_options(SSL.OP_NO_TLSv1_3)
    return factory


if __name__ == "__main__":
    sys.exit(twisted_common.main(NAME, DESCRIPTION, CIPHERS_HELP, make_context_factory))
