"""An HTTPS server on Python's `ssl` + `http.server`, pinned to a suite: the seed's
`https-server.py`, written for tlslab's tests.

usage: https_server.py PORT CERT KEY [CIPHERS]

Prints "listening on PORT" once the socket is bound, then serves until killed.
"""
import http.server
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        cipher = self.connection.cipher()
        body = ("python ssl: %s %s\n" % (cipher[1], cipher[0])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("python ssl: " + fmt % args + "\n")


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    if len(sys.argv) > 4:
        context.set_ciphers(sys.argv[4])
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on %d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
