"""Lab device: floods mDNS with hundreds of types and instances, answering every query at once."""

from __future__ import annotations

import argparse
import signal
import socket
import struct
import sys
import time

from zeroconf import const
from zeroconf._dns import DNSAddress, DNSPointer, DNSRecord, DNSService, DNSText
from zeroconf._protocol.outgoing import DNSOutgoing

GROUP, PORT = "224.0.0.251", 5353
ENUMERATION = "_services._dns-sd._udp.local."
FLOODED_TYPES = ("_http._tcp.local.", "_ipp._tcp.local.", "_hap._tcp.local.")
PER_PACKET = 8
MIN_GAP = 1.0  # seconds between two bursts: a flood of content (past every cap), not of CPU


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--types", type=int, default=300, help="made-up service types")
    parser.add_argument("--instances", type=int, default=1200, help="instances (seeded types)")
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    packets = _packets(args.ip, args.types, args.instances)
    sock = _socket(args.ip)
    print(f"ready {len(packets)} packets per burst", flush=True)
    deadline = time.monotonic() + args.lifetime
    last_burst = 0.0
    while time.monotonic() < deadline:
        try:
            data, _ = sock.recvfrom(9000)
            asked = len(data) > 2 and not data[2] & 0x80  # a query: answer at once
        except TimeoutError:
            asked = False
        now = time.monotonic()
        if (asked and now >= last_burst + MIN_GAP) or now >= last_burst + 2 * MIN_GAP:
            for packet in packets:
                sock.sendto(packet, (GROUP, PORT))
            last_burst = now
    return 0


def _records(ip: str, types: int, instances: int) -> list[DNSRecord]:
    host = "flood.local."
    records: list[DNSRecord] = [DNSAddress(host, const._TYPE_A, const._CLASS_IN, 120,
                                           socket.inet_aton(ip))]
    for n in range(types):
        records.append(DNSPointer(ENUMERATION, const._TYPE_PTR, const._CLASS_IN, 4500,
                                  f"_flood{n}._tcp.local."))
    for n in range(instances):
        stype = FLOODED_TYPES[n % len(FLOODED_TYPES)]
        name = f"Flood {n}.{stype}"
        records += [DNSPointer(stype, const._TYPE_PTR, const._CLASS_IN, 4500, name),
                    DNSService(name, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, 80, host),
                    DNSText(name, const._TYPE_TXT, const._CLASS_IN, 4500, b"\x05flood")]
    return records


def _packets(ip: str, types: int, instances: int) -> list[bytes]:
    records = _records(ip, types, instances)
    packets = []
    for start in range(0, len(records), PER_PACKET):
        out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
        for record in [records[0], *records[start:start + PER_PACKET]]:
            out.add_answer_at_time(record, 0)
        packets += out.packets()
    return packets


def _socket(ip: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", PORT))
    mreq = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(ip))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    sock.settimeout(0.1)
    return sock


if __name__ == "__main__":
    sys.exit(main())
