"""A TCP proxy in front of a TLS server that drops every connection whose first record is
longer than LIMIT bytes: the behaviour of servers (and middleboxes) that choke on big
ClientHellos. Written for tlslab's hostile-peer tests.

usage: small_hello_proxy.py LISTEN_PORT UPSTREAM_PORT LIMIT
"""
import socket
import sys
import threading


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client, upstream_port, limit):
    head = b""
    while len(head) < 5:
        chunk = client.recv(5 - len(head))
        if not chunk:
            client.close()
            return
        head += chunk
    if int.from_bytes(head[3:5], "big") > limit:
        client.close()
        return
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    upstream.sendall(head)
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    pipe(upstream, client)


def main():
    listen_port, upstream_port, limit = (int(arg) for arg in sys.argv[1:4])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client, upstream_port, limit), daemon=True).start()


if __name__ == "__main__":
    main()
