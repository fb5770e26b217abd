"""Lab device: an mDNS responder that answers every question late and never announces itself."""

from __future__ import annotations

import argparse
import heapq
import signal
import socket
import sys
import time

from zeroconf import const
from zeroconf._dns import DNSAddress, DNSPointer, DNSRecord, DNSService, DNSText
from zeroconf._protocol.incoming import DNSIncoming
from zeroconf._protocol.outgoing import DNSOutgoing

from tests.lab.devices.mdns_flood import ENUMERATION, GROUP, PORT, _socket

MAX_PENDING = 64  # answers waiting to be sent: a query flood cannot grow memory


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--host", required=True, help="host name without .local.")
    parser.add_argument("--type", required=True, help="service type, e.g. _slow._tcp.local.")
    parser.add_argument("--name", required=True, help="instance name")
    parser.add_argument("--txt", default="", help="one TXT string, e.g. md=Slow 1")
    parser.add_argument("--answer-delay", type=float, required=True, help="seconds")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    records = _records(args)
    sock = _socket(args.ip)
    sock.settimeout(0.02)
    print("ready", flush=True)
    pending: list[tuple[float, bytes]] = []  # (when, packet), soonest first
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        while pending and pending[0][0] <= time.monotonic():
            sock.sendto(heapq.heappop(pending)[1], (GROUP, PORT))
        try:
            data, (sender, _port) = sock.recvfrom(9000)
        except TimeoutError:
            continue
        packet = _answer(data, records) if sender != args.ip else None
        if packet and len(pending) < MAX_PENDING:
            heapq.heappush(pending, (time.monotonic() + args.answer_delay, packet))
    return 0


def _records(args: argparse.Namespace) -> dict[str, list[DNSRecord]]:
    """What each question (by lower-case name) is answered with, answers first."""
    host = f"{args.host}.local."
    instance = f"{args.name}.{args.type}"
    txt = args.txt.encode()
    address = DNSAddress(host, const._TYPE_A, const._CLASS_IN, 120, socket.inet_aton(args.ip))
    service = [DNSService(instance, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, 80, host),
               DNSText(instance, const._TYPE_TXT, const._CLASS_IN, 4500,
                       bytes([len(txt)]) + txt), address]
    return {
        ENUMERATION: [DNSPointer(ENUMERATION, const._TYPE_PTR, const._CLASS_IN, 4500,
                                 args.type)],
        args.type.lower(): [DNSPointer(args.type, const._TYPE_PTR, const._CLASS_IN, 4500,
                                       instance), *service],
        instance.lower(): service,
        host.lower(): [address],
    }


def _answer(data: bytes, records: dict[str, list[DNSRecord]]) -> bytes | None:
    """One response packet for every question of ours in a query; None if none is."""
    try:
        message = DNSIncoming(data)
    except Exception:
        return None
    if not message.valid or not message.is_query():
        return None
    answers = [r for q in message.questions for r in records.get(q.name.lower(), [])]
    if not answers:
        return None
    out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    for record in dict.fromkeys(answers):
        out.add_answer_at_time(record, 0)
    packets = out.packets()
    return packets[0] if packets else None


if __name__ == "__main__":
    sys.exit(main())
