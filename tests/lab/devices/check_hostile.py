"""Lab device: hostile peers for robustness tests (silent, trickle, garbage, reset, bad TLS)."""

from __future__ import annotations

import argparse
import signal
import socket
import struct
import sys
import threading
import time

BEHAVIOURS = ("silent", "trickle", "garbage", "reset", "badtls", "flood")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--listen", action="append", default=[], help="PORT:BEHAVIOUR")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for spec in args.listen:
        port, behaviour = spec.split(":")
        assert behaviour in BEHAVIOURS, behaviour
        server = socket.create_server((args.ip, int(port)))
        threading.Thread(target=_accept, args=(server, behaviour), daemon=True).start()
    print("ready", flush=True)
    time.sleep(args.lifetime)
    return 0


def _accept(server: socket.socket, behaviour: str) -> None:
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_serve, args=(conn, behaviour), daemon=True).start()


def _serve(conn: socket.socket, behaviour: str) -> None:
    try:
        if behaviour == "silent":
            time.sleep(60)  # accepts, reads nothing, says nothing
        elif behaviour == "trickle":
            for _ in range(600):  # one byte every 0.1 s for a minute
                conn.sendall(b"2")
                time.sleep(0.1)
        elif behaviour == "garbage":
            conn.sendall(bytes(range(256)) * 4 + b"\xff\xfa" * 100)
            time.sleep(30)
        elif behaviour == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif behaviour == "badtls":  # a TLS record header announcing a huge handshake, then junk
            conn.recv(4096)
            conn.sendall(b"\x16\x03\x01\x40\x00" + b"\x0b" + b"\x00" * 50)
            time.sleep(30)
        elif behaviour == "flood":
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                conn.sendall(b"A" * 65536)
    except OSError:
        pass
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
