"""Lab helper: fills the kernel's (machine-wide) neighbour table with unresolved entries."""

from __future__ import annotations

import errno
import ipaddress
import socket
import sys

IP_RECVERR = 11  # Linux


def main() -> int:
    network = ipaddress.IPv4Network(sys.argv[1])
    sent = refused = 0
    hosts = [str(ip) for ip in network.hosts()]
    for first in range(0, len(hosts), 32):  # a fresh socket per 32: the queue is charged to it
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
            for ip in hosts[first:first + 32]:
                try:
                    sock.sendto(b"x", (ip, 9))
                    sent += 1
                except OSError as error:
                    refused += error.errno == errno.ENOBUFS
    print(f"{sent} {refused}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
