#!/usr/bin/env python3
"""A loopback TCP relay that counts the connections passing through it.

`bench/scan-vs-peers.sh` points each scanner at this relay once (outside the timed runs)
to learn how many TCP connections — in practice, handshake attempts — the scanner makes.
Every accepted connection bumps a counter that is rewritten to --count-file at once, so
the caller can read it before and after a run. Bytes are copied unchanged both ways; a
half-close on one side is passed on to the other, so "server closed after its alert"
still looks the same to the scanner.

Standard library only. Listens on and connects to 127.0.0.1 only.
"""

import argparse
import asyncio
import os
import signal

LOOPBACK = "127.0.0.1"
CHUNK = 64 * 1024


class Counter:
    """The number of connections accepted so far, mirrored to a file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.value = 0
        self.write()

    def bump(self) -> None:
        self.value += 1
        self.write()

    def write(self) -> None:
        # Write then rename, so a reader never sees a half-written number.
        staging = self.path + ".tmp"
        with open(staging, "w", encoding="ascii") as handle:
            handle.write(f"{self.value}\n")
        os.replace(staging, self.path)


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copies one direction until EOF or error, then half-closes the other side."""
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass


# Strong references to the running relays. asyncio keeps only weak references to tasks, and the
# stream protocol drops its own once the client disconnects, so without this a relay still
# waiting on the server side could be garbage-collected mid-flight.
RUNNING = set()


async def relay(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    target_port: int,
    counter: Counter,
) -> None:
    task = asyncio.current_task()
    RUNNING.add(task)
    try:
        counter.bump()
        await copy_both_ways(client_reader, client_writer, target_port)
    finally:
        RUNNING.discard(task)


async def copy_both_ways(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    target_port: int,
) -> None:
    try:
        server_reader, server_writer = await asyncio.open_connection(LOOPBACK, target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(
        pump(client_reader, server_writer),
        pump(server_reader, client_writer),
    )
    for writer in (client_writer, server_writer):
        try:
            writer.close()
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def serve(listen_port: int, target_port: int, count_file: str) -> None:
    counter = Counter(count_file)
    server = await asyncio.start_server(
        lambda r, w: relay(r, w, target_port, counter),
        LOOPBACK,
        listen_port,
        backlog=1024,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # Tell the caller we are listening: the ready file appears only after bind().
    with open(count_file + ".ready", "w", encoding="ascii") as handle:
        handle.write(f"{os.getpid()}\n")
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--count-file", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.listen_port, args.target_port, args.count_file))


if __name__ == "__main__":
    main()
