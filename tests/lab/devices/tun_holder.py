"""Lab device: creates a tun interface in its namespace and holds it open (a VPN stand-in)."""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", default="tun0")
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", args.name.encode(), IFF_TUN | IFF_NO_PI))
    print("ready", flush=True)
    time.sleep(args.lifetime)  # whatever is sent into the tunnel is never read: it goes nowhere
    return 0


if __name__ == "__main__":
    sys.exit(main())
