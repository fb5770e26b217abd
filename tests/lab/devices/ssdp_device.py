"""Lab device: answers SSDP M-SEARCH and serves a UPnP description over HTTP, for a bounded time."""

from __future__ import annotations

import argparse
import http.server
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--description", required=True, help="file served as the description")
    parser.add_argument("--st", default="upnp:rootdevice")
    parser.add_argument("--usn", default="uuid:00000000-lab0-0000-0000-000000000001")
    parser.add_argument("--http-port", type=int, default=49152)
    parser.add_argument("--server", default="Linux/5.10 UPnP/1.0 LabDevice/1.0")
    parser.add_argument("--lifetime", type=float, default=600.0)
    parser.add_argument("--location-host", default="", help="host put in LOCATION (default --ip)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    body = Path(args.description).read_bytes()
    _serve_description(args.ip, args.http_port, body)
    location = f"http://{args.location_host or args.ip}:{args.http_port}/description.xml"
    sock = _ssdp_socket(args.ip)
    print("ready", flush=True)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(2048)
        except TimeoutError:
            continue
        if data.startswith(b"M-SEARCH"):
            for st in (args.st, "upnp:rootdevice"):
                sock.sendto(_response(st, args.usn, location, args.server), peer)
    return 0


def _ssdp_socket(ip: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", SSDP_PORT))
    mreq = struct.pack("4s4s", socket.inet_aton(SSDP_GROUP), socket.inet_aton(ip))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.settimeout(0.5)
    return sock


def _response(st: str, usn: str, location: str, server: str) -> bytes:
    lines = [
        "HTTP/1.1 200 OK",
        "CACHE-CONTROL: max-age=1800",
        "EXT:",
        f"LOCATION: {location}",
        f"SERVER: {server}",
        f"ST: {st}",
        f"USN: {usn}::{st}",
        "", "",
    ]
    return "\r\n".join(lines).encode()


def _serve_description(ip: str, port: int, body: bytes) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((ip, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
