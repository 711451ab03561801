#!/usr/bin/env python3
"""HTTPS server on Python's http.server + ssl: server A of twisted#8826.

twisted#8826 (2016): its reporter pinned ECDHE_RSA_AES_128_GCM_SHA256 on this kind of server
(Python's http.server wrapped with the ssl module) and on a Twisted server. curl negotiated the
suite with this one; the Twisted server, built on the legacy DefaultOpenSSLContextFactory,
aborted the handshake under OpenSSL < 1.1 because it configured no ECDH curve. See
examples/twisted_legacy_server.py and examples/twisted_options_server.py for the other side.

tlslab runs it as a peer, substituting a free port for {port}:

    tlslab compare --server 'python=python3 examples/https_server.py --port {port}'

By hand (certificates from `tlslab pki init`, or any PEM pair for CN=localhost):

    python3 examples/https_server.py --port 4443 --ciphers ECDHE-RSA-AES128-GCM-SHA256
    curl --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 --cacert ca.crt \\
        https://localhost:4443/

Once it listens it prints exactly one line, `listening on 127.0.0.1:PORT`, to stdout. Each
GET is answered with 200 and a text body naming the negotiated TLS version and cipher suite;
handshake failures and requests are logged to stderr. SIGTERM or SIGINT stops it (exit 0).
Standard library only.
"""

import argparse
import http.server
import os
import signal
import socket
import socketserver
import ssl
import sys

HANDSHAKE_TIMEOUT = 10.0  # seconds a client gets to finish its handshake and send a request


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="HTTPS server on http.server + ssl (twisted#8826's server A). "
        "Prints 'listening on ADDR:PORT' to stdout when ready.",
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
        help="pin the TLS <= 1.2 cipher suites with an OpenSSL cipher string, e.g. "
        "ECDHE-RSA-AES128-GCM-SHA256. When given, the maximum version is also capped at "
        "TLS 1.2, because TLS 1.3 suites are not governed by this string and a TLS 1.3 "
        "client would otherwise bypass the pin. Default: Python's defaults, TLS 1.2-1.3",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"Python {sys.version.split()[0]}; ssl module linked with {ssl.OPENSSL_VERSION}",
    )
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


def make_context(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    if args.ciphers is not None:
        context.set_ciphers(args.ciphers)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def describe(tls):
    """One text body naming what this connection negotiated."""
    name, _protocol, bits = tls.cipher()
    version = tls.version()
    return (
        f"SSL connection using {version} / {name}\n"
        f"version: {version}\n"
        f"cipher: {name}\n"
        f"bits: {bits}\n"
        f"server: Python {sys.version.split()[0]} http.server + ssl ({ssl.OPENSSL_VERSION})\n"
    )


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tlslab-example-https_server"

    def _answer(self, with_body):
        body = describe(self.connection).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def log_message(self, format, *args):
        sys.stderr.write(f"https_server: {self.address_string()} {format % args}\n")


class TLSServer(http.server.ThreadingHTTPServer):
    """Accepts plain TCP in the main thread; each connection's handshake runs in its own
    thread, so a client that connects and stays silent blocks nobody."""

    daemon_threads = True

    def __init__(self, address, handler, context, family):
        self.address_family = family
        self.context = context
        super().__init__(address, handler)

    def server_bind(self):
        # HTTPServer.server_bind resolves the host's FQDN; nothing here needs it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port

    def finish_request(self, request, client_address):
        peer = f"{client_address[0]}:{client_address[1]}"
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            sys.stderr.write(f"https_server: handshake FAILED from {peer}: {error}\n")
            return
        try:
            sys.stderr.write(
                f"https_server: handshake ok from {peer}: {tls.version()} {tls.cipher()[0]}\n"
            )
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = missing_files(args)
    if problem:
        sys.stderr.write(f"https_server: {problem}\n")
        return 2
    try:
        context = make_context(args)
    except ssl.SSLError as error:
        sys.stderr.write(f"https_server: TLS configuration rejected: {error}\n")
        return 2

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    try:
        server = TLSServer((args.bind, args.port), Handler, context, family)
    except OSError as error:
        sys.stderr.write(f"https_server: cannot listen on {args.bind}:{args.port}: {error}\n")
        return 2

    def stop(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    host, port = server.server_address[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"listening on {shown}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt as why:
        sys.stderr.write(f"https_server: stopping ({why or 'SIGINT'})\n")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
