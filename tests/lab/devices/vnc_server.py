"""Lab device: a tiny RFB (VNC) listener that offers the given security types, then hangs up."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--port", type=int, default=5900)
    parser.add_argument("--types", default="1", help="comma-separated security types, e.g. 1,2")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    types = bytes(int(t) for t in args.types.split(","))
    server = socket.create_server((args.ip, args.port), reuse_port=False)
    server.settimeout(1.0)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        threading.Thread(target=_serve, args=(conn, types), daemon=True).start()
    return 0


def _serve(conn: socket.socket, types: bytes) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.sendall(b"RFB 003.008\n")
            conn.recv(12)  # the client's version
            conn.sendall(bytes([len(types)]) + types)
            conn.recv(1)  # the client's choice; we stop here
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
