"""Lab device: answers LLMNR (UDP 5355) reverse queries for its own address with its name."""

from __future__ import annotations

import argparse
import signal
import socket
import struct
import sys
import time

PORT = 5355
_PTR, _IN = 12, 1


def reverse_name(ip: str) -> bytes:
    """The wire form of IPv4 `ip`'s in-addr.arpa name."""
    labels = [*reversed(ip.split(".")), "in-addr", "arpa"]
    return b"".join(bytes([len(label)]) + label.encode() for label in labels) + b"\0"


def answer(query: bytes, ip: str, name: str) -> bytes | None:
    """The response to `query` if it asks the PTR of `ip`, else None (RFC 4795 header)."""
    if len(query) < 12 or query[2] & 0x80:  # too short, or itself a response
        return None
    question = reverse_name(ip) + struct.pack("!HH", _PTR, _IN)
    if query[12:12 + len(question)].lower() != question:
        return None
    target = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    header = query[:2] + struct.pack("!HHHHH", 0x8000, 1, 1, 0, 0)
    record = struct.pack("!HHHIH", 0xC00C, _PTR, _IN, 30, len(target)) + target
    return header + question + record


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((args.ip, PORT))
        sock.settimeout(0.2)
        print("ready", flush=True)
        deadline = time.monotonic() + args.lifetime
        while time.monotonic() < deadline:
            try:
                data, peer = sock.recvfrom(2048)
            except TimeoutError:
                continue
            reply = answer(data, args.ip, args.name)
            if reply:
                sock.sendto(reply, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
