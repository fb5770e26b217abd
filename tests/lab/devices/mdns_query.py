"""Lab device: another querier on the network asks once for service types (QM), then exits."""

from __future__ import annotations

import argparse
import socket
import sys

from zeroconf import const
from zeroconf._dns import DNSQuestion
from zeroconf._protocol.outgoing import DNSOutgoing

from tests.lab.devices.mdns_flood import GROUP, PORT


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("types", nargs="+", help="service types, e.g. _ipp._tcp.local.")
    args = parser.parse_args()
    out = DNSOutgoing(const._FLAGS_QR_QUERY)
    for type_ in args.types:
        out.add_question(DNSQuestion(type_, const._TYPE_PTR, const._CLASS_IN))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP) as sock:
        sock.bind((args.ip, 0))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.ip))
        for packet in out.packets():
            sock.sendto(packet, (GROUP, PORT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
