"""Lab device: a telnet-style login (option negotiation, login:, Password:) accepting one login."""

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
    parser.add_argument("--port", type=int, default=23)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True, help="file holding the password")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(args.password_file, encoding="utf-8") as handle:
        password = handle.read().strip()
    server = socket.create_server((args.ip, args.port))
    server.settimeout(1.0)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        threading.Thread(target=_serve, args=(conn, args.user, password), daemon=True).start()
    return 0


def _serve(conn: socket.socket, user: str, password: str) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.sendall(b"\xff\xfd\x18\xff\xfb\x01\r\nLabCam login: ")
            given_user = _line(conn)
            conn.sendall(b"Password: ")
            given_password = _line(conn)
            ok = given_user == user and given_password == password
            print(f"attempt {'accepted' if ok else 'refused'}", flush=True)  # never the values
            conn.sendall(b"\r\nBusyBox v1.31 built-in shell (ash)\r\n# " if ok
                         else b"\r\nLogin incorrect\r\nLabCam login: ")
            time.sleep(1)
        except OSError:
            pass


def _line(conn: socket.socket) -> str:
    """One line typed by the client, with telnet IAC replies dropped."""
    data = b""
    while not data.endswith((b"\n", b"\r", b"\x00")) and len(data) < 256:
        chunk = conn.recv(1)
        if not chunk:
            raise ConnectionError("the client left")
        if chunk == b"\xff":
            conn.recv(2)
            continue
        if not data and chunk in (b"\r", b"\n", b"\x00"):
            continue  # the rest of the previous line's end
        data += chunk
    return data.decode("utf-8", "replace").strip("\r\n\x00 ")


if __name__ == "__main__":
    sys.exit(main())
