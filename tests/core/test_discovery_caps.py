"""Per-responder shares: a flooding responder cannot take the places of well-behaved ones."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import Counter

import pytest
from zeroconf import const
from zeroconf._dns import DNSPointer
from zeroconf._protocol.outgoing import DNSOutgoing

from core.cancel import CancelToken
from core.discovery import mdns, ssdp
from core.discovery.caps import Share


def test_one_responder_gets_at_most_its_share() -> None:
    share = Share("things", per_responder=3, ceiling=10, floor=1)
    assert [share.admit("10.0.0.9") for _ in range(5)] == [True] * 3 + [False] * 2
    assert share.admit("10.0.0.5")
    notes = share.responder_notes()
    assert list(notes) == ["10.0.0.9"] and "3 kept, 2 more ignored" in notes["10.0.0.9"]
    assert share.ceiling_note() == ""


def test_a_late_well_behaved_responder_is_admitted_past_the_ceiling() -> None:
    share = Share("things", per_responder=4, ceiling=8, floor=2)
    for flooder in range(2):  # two floods fill the whole ceiling first
        for _ in range(10):
            share.admit(f"10.0.0.{100 + flooder}")
    assert share.total == 8
    assert share.admit("10.0.0.7") and share.admit("10.0.0.7")  # its floor, after the floods
    assert not share.admit("10.0.0.7")  # beyond its floor the ceiling holds
    assert "limit of 8" in share.ceiling_note()


def test_the_absolute_bound_is_twice_the_ceiling() -> None:
    share = Share("things", per_responder=1, ceiling=5, floor=1)
    admitted = sum(share.admit(f"10.0.{n // 250}.{n % 250}") for n in range(100))
    assert admitted == 10


def _response(*pointers: tuple[str, str]) -> bytes:
    out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    for name, alias in pointers:
        out.add_answer_at_time(DNSPointer(name, const._TYPE_PTR, const._CLASS_IN, 120, alias), 0)
    return out.packets()[0]


def test_mdns_answers_are_attributed_to_their_sender() -> None:
    shares = mdns.Shares(tapped=True)
    shares.heard(_response((mdns.TYPE_ENUMERATION, "_flood1._tcp.local."),
                           ("_http._tcp.local.", "Flood 1._http._tcp.local.")), "10.231.0.66")
    shares.heard(_response(("_ipp._tcp.local.", "Printer._ipp._tcp.local.")), "10.231.0.10")
    shares.heard(b"\x00garbage", "10.231.0.67")  # ignored, never raises
    assert shares.responder("_FLOOD1._tcp.local.") == "10.231.0.66"
    assert shares.responder("Flood 1._http._tcp.local.") == "10.231.0.66"
    assert shares.responder("Printer._ipp._tcp.local.") == "10.231.0.10"
    assert shares.responder("unknown._ipp._tcp.local.") == "?"
    untapped = mdns.Shares()  # zeroconf changed inside: no sender known, only global ceilings
    assert untapped.responder("A._ipp._tcp.local.") != untapped.responder("B._ipp._tcp.local.")


def test_ssdp_never_fetches_from_the_scanning_computer_or_outside() -> None:
    net = ipaddress.IPv4Network("10.231.0.0/24")
    where = ssdp._Where("10.231.0.2", net, ssdp.new_share())
    assert ssdp.location_allowed("http://10.231.0.13:49152/d.xml", where)
    assert not ssdp.location_allowed("http://10.231.0.2:49152/d.xml", where)
    assert not ssdp.location_allowed("http://198.51.100.7/d.xml", where)
    assert ssdp.MULTICAST_TTL == 1


def test_ssdp_location_with_control_characters_is_refused() -> None:
    data = (b"HTTP/1.1 200 OK\r\nLOCATION: http://10.231.0.13/d.xml\nX-Evil: 1\r\n"
            b"SERVER: a\x1b[31m b\r\n\r\n")
    assert ssdp.parse_response(data, "10.231.0.13") is None
    clean = ssdp.parse_response(b"HTTP/1.1 200 OK\r\nLOCATION: http://10.231.0.13/d.xml\r\n"
                                b"SERVER: a\x1b[31m   b\r\n\r\n", "10.231.0.13")
    assert clean is not None and clean.server == "a[31m b"


def _answer(location: str) -> bytes:
    return (f"HTTP/1.1 200 OK\r\nLOCATION: {location}\r\nST: upnp:rootdevice\r\n"
            "USN: uuid:x\r\n\r\n").encode()


def test_an_ssdp_flood_on_loopback_gets_its_share_and_a_quiet_device_its_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssdp, "_send_search", lambda sock: None)  # nothing multicast, ever
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.settimeout(0.05)
        flood.bind(("127.0.0.9", 0))
        quiet.bind(("127.0.0.5", 0))
        for n in range(50):  # first come: the flood answers before the quiet device
            flood.sendto(_answer(f"http://127.0.0.9:1/d{n}.xml"), listener.getsockname())
        quiet.sendto(_answer("http://127.0.0.5:1/d.xml"), listener.getsockname())
        where = ssdp._Where("127.0.0.1", ipaddress.IPv4Network("127.0.0.0/8"),
                            Share("UPnP", per_responder=4, ceiling=8, floor=2))
        seen: list[str] = []
        fetchers: list[threading.Thread] = []
        ssdp._listen(listener, where, time.monotonic() + 0.5, CancelToken(),
                     lambda ip, info: seen.append(ip), fetchers)
        for thread in fetchers:
            thread.join(timeout=2)
    finally:
        for sock in (listener, flood, quiet):
            sock.close()
    assert Counter(seen) == {"127.0.0.9": 4, "127.0.0.5": 1}
    assert "46 more ignored" in where.share.responder_notes()["127.0.0.9"]
