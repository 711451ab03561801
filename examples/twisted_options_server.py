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
"""

import argparse
import os
import signal
import sys

try:
    import OpenSSL
    import twisted
    from OpenSSL import SSL
    from twisted.internet import reactor, ssl
    from twisted.logger import globalLogBeginner, textFileLogObserver
    from twisted.web import http, resource, server
except ImportError as missing:
    sys.stderr.write(
        f"twisted_options_server: {missing}; run scripts/python-venv.sh and use the python it "
        "prints (target/venv/bin/python)\n"
    )
    sys.exit(2)

NAME = "twisted_options_server"
DEFAULT_CIPHERS = "ECDHE-RSA-AES128-GCM-SHA256"


def versions():
    linked = SSL.SSLeay_version(SSL.SSLEAY_VERSION).decode("ascii", "replace")
    return f"Twisted {twisted.__version__}; pyOpenSSL {OpenSSL.__version__}; {linked}"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Twisted HTTPS server on CertificateOptions (twisted#8826's server B on "
        "the modern API). Prints 'listening on ADDR:PORT' to stdout when ready.",
    )
    parser.add_argument(
        "--port", type=int, required=True, help="TCP port to listen on (0: any free port)"
    )
    parser.add_argument(
        "--cert", default="srv.crt", help="server certificate, PEM (default: srv.crt in the cwd)"
    )
    parser.add_argument(
        "--key", default="srv.key", help="server private key, PEM (default: srv.key in the cwd)"
    )
    parser.add_argument(
        "--ciphers",
        metavar="OPENSSL_STRING",
        default=DEFAULT_CIPHERS,
        help="OpenSSL cipher string given to AcceptableCiphers.fromOpenSSLCipherString "
        f"(default: {DEFAULT_CIPHERS}, the seed's pin). While pinned, the maximum version "
        "is capped at TLS 1.2 (lowerMaximumSecurityTo), because TLS 1.3 suites are not "
        "governed by this string. An empty string keeps Twisted's default ciphers "
        "(no pin, TLS 1.3 allowed)",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--version", action="version", version=versions())
    return parser.parse_args(argv)


def missing_files(args):
    """The --cert/--key files that don't exist, told as one error line (or None)."""
    missing = [path for path in (args.cert, args.key) if not os.path.isfile(path)]
    if not missing:
        return None
    return (
        f"no such file: {', '.join(missing)} (make a PKI with `tlslab pki init`, "
        "or pass --cert/--key)"
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


def negotiated(request):
    """(version, cipher) of the request's TLS connection, or None if it can't be had."""
    try:
        connection = request.transport.getHandle()
        return connection.get_protocol_version_name(), connection.get_cipher_name()
    except Exception:
        return None


class Describe(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        tls = negotiated(request)
        if tls is None:
            body = f"{NAME}: TLS connection (version and cipher unavailable)\n"
        else:
            version, cipher = tls
            body = (
                f"SSL connection using {version} / {cipher}\n"
                f"version: {version}\n"
                f"cipher: {cipher}\n"
            )
        body += f"server: {NAME} ({versions()})\n"
        data = body.encode("utf-8")
        request.setHeader(b"Content-Type", b"text/plain; charset=utf-8")
        request.setHeader(b"Content-Length", str(len(data)).encode("ascii"))
        return data


class Channel(http.HTTPChannel):
    """Logs a connection lost to a TLS error (a failed handshake) with the OpenSSL reason."""

    def connectionLost(self, reason):
        if reason.check(SSL.Error):
            peer = self.transport.getPeer()
            sys.stderr.write(
                f"{NAME}: handshake FAILED from {peer.host}:{peer.port}: {reason.value}\n"
            )
            sys.stderr.flush()
        super().connectionLost(reason)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = missing_files(args)
    if problem:
        sys.stderr.write(f"{NAME}: {problem}\n")
        return 2
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stderr)], redirectStandardIO=False)
    try:
        factory = make_context_factory(args)
    except (SSL.Error, OSError, ValueError) as error:
        sys.stderr.write(f"{NAME}: TLS configuration rejected: {error}\n")
        return 2

    site = server.Site(Describe())
    site.protocol = Channel
    try:
        port = reactor.listenSSL(args.port, site, factory, interface=args.bind)
    except Exception as error:
        sys.stderr.write(f"{NAME}: cannot listen on {args.bind}:{args.port}: {error}\n")
        return 2

    host = port.getHost()
    shown = f"[{host.host}]" if ":" in host.host else host.host
    print(f"listening on {shown}:{host.port}", flush=True)
    # Twisted's own SIGTERM/SIGINT handlers stop the reactor, but it leaves SIGINT alone when
    # it starts out ignored (as in a background job of a non-interactive shell): restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    reactor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
