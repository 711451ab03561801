"""What examples/twisted_legacy_server.py and examples/twisted_options_server.py share.

The two Twisted servers of twisted#8826 differ only in how they build their TLS context
factory. Everything else lives here: the command line (--port, --cert, --key, --ciphers, --bind,
--version), the check for missing certificate files, the resource that answers each GET with
the negotiated TLS version and cipher suite, the logging of failed handshakes to stderr, and
the reactor loop. A server script is its docstring, a `make_context_factory(args)` and

    twisted_common.main(NAME, DESCRIPTION, CIPHERS_HELP, make_context_factory)

main() returns the exit status: 0 after SIGTERM or SIGINT, 2 for a missing file, a TLS
configuration OpenSSL rejects (such as a bad cipher string) or a port it cannot listen on.

Not a script of its own. Without Twisted and pyOpenSSL, importing it prints a one-line hint
naming the running script and exits 2.
"""

import argparse
import os
import signal
import sys

try:
    import OpenSSL
    import twisted
    from OpenSSL import SSL
    from twisted.internet import reactor
    from twisted.logger import globalLogBeginner, textFileLogObserver
    from twisted.web import http, resource, server
except ImportError as missing:
    script = os.path.splitext(os.path.basename(sys.argv[0] or "twisted_common"))[0]
    sys.stderr.write(
        f"{script}: {missing}; run scripts/python-venv.sh and use the python it "
        "prints (target/venv/bin/python)\n"
    )
    sys.exit(2)

DEFAULT_CIPHERS = "ECDHE-RSA-AES128-GCM-SHA256"


def versions():
    linked = SSL.SSLeay_version(SSL.SSLEAY_VERSION).decode("ascii", "replace")
    return f"Twisted {twisted.__version__}; pyOpenSSL {OpenSSL.__version__}; {linked}"


def parse_args(argv, description, ciphers_help):
    parser = argparse.ArgumentParser(description=description)
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
        "--ciphers", metavar="OPENSSL_STRING", default=DEFAULT_CIPHERS, help=ciphers_help
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


def negotiated(request):
    """(version, cipher) of the request's TLS connection, or None if it can't be had."""
    try:
        connection = request.transport.getHandle()
        return connection.get_protocol_version_name(), connection.get_cipher_name()
    except Exception:
        return None


class Describe(resource.Resource):
    """Answers every GET with the negotiated TLS version and cipher suite, as plain text."""

    isLeaf = True

    def __init__(self, name):
        super().__init__()
        self.name = name

    def render_GET(self, request):
        tls = negotiated(request)
        if tls is None:
            body = f"{self.name}: TLS connection (version and cipher unavailable)\n"
        else:
            version, cipher = tls
            body = (
                f"SSL connection using {version} / {cipher}\n"
                f"version: {version}\n"
                f"cipher: {cipher}\n"
            )
        body += f"server: {self.name} ({versions()})\n"
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
                f"{self.site.server_name}: handshake FAILED from {peer.host}:{peer.port}: "
                f"{reason.value}\n"
            )
            sys.stderr.flush()
        super().connectionLost(reason)


def make_site(name):
    """A twisted.web Site serving Describe over Channel; `name` labels its output."""
    site = server.Site(Describe(name))
    site.protocol = Channel
    site.server_name = name  # read by Channel (through channel.site) when a handshake fails
    return site


def main(name, description, ciphers_help, make_context_factory, argv=None):
    """Parse the command line, listen with make_context_factory(args), serve until stopped.

    `name` prefixes every error line and labels the responses; `description` and
    `ciphers_help` are the --help texts of the server and of its --ciphers option.
    make_context_factory may raise SSL.Error, OSError or ValueError for a configuration
    OpenSSL rejects: main() reports it on one line and returns 2.
    """
    args = parse_args(sys.argv[1:] if argv is None else argv, description, ciphers_help)
    problem = missing_files(args)
    if problem:
        sys.stderr.write(f"{name}: {problem}\n")
        return 2
    globalLogBeginner.beginLoggingTo([textFileLogObserver(sys.stderr)], redirectStandardIO=False)
    try:
        factory = make_context_factory(args)
    except (SSL.Error, OSError, ValueError) as error:
        sys.stderr.write(f"{name}: TLS configuration rejected: {error}\n")
        return 2

    try:
        port = reactor.listenSSL(args.port, make_site(name), factory, interface=args.bind)
    except Exception as error:
        sys.stderr.write(f"{name}: cannot listen on {args.bind}:{args.port}: {error}\n")
        return 2

    host = port.getHost()
    shown = f"[{host.host}]" if ":" in host.host else host.host
    print(f"listening on {shown}:{host.port}", flush=True)
    # Twisted's own SIGTERM/SIGINT handlers stop the reactor, but it leaves SIGINT alone when
    # it starts out ignored (as in a background job of a non-interactive shell): restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    reactor.run()
    return 0
