"""Lab device: answers every SSDP M-SEARCH at once with hundreds of distinct LOCATIONs."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from tests.lab.devices.ssdp_device import _response, _ssdp_socket


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = _ssdp_socket(args.ip)
    answers = [_response("upnp:rootdevice", f"uuid:flood-{n}",
                         f"http://{args.ip}:{40000 + n % 1000}/d{n}.xml", "Flood/1.0 UPnP/1.0")
               for n in range(args.count)]
    print("ready", flush=True)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(2048)
        except TimeoutError:
            continue
        if data.startswith(b"M-SEARCH"):
            for answer in answers:
                sock.sendto(answer, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
