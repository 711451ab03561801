"""A TCP listener that accepts connections, reads what comes and never answers: a peer
that hangs. Written for tlslab's hostile-peer tests.

usage: black_hole.py PORT
"""
import socket
import sys
import threading


def swallow(client):
    try:
        while client.recv(65536):
            pass
    except OSError:
        pass


def main():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(sys.argv[1])))
    server.listen(64)
    while True:
        client, _ = server.accept()
        threading.Thread(target=swallow, args=(client,), daemon=True).start()


if __name__ == "__main__":
    main()
