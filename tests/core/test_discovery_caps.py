"""Per-responder shares: a flooding responder cannot take the places of well-behaved ones."""

from __future__ import annotations

import ipaddress

from zeroconf import const
from zeroconf._dns import DNSPointer
from zeroconf._protocol.outgoing import DNSOutgoing

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
    shares = mdns.Shares()
    shares.heard(_response((mdns.TYPE_ENUMERATION, "_flood1._tcp.local."),
                           ("_http._tcp.local.", "Flood 1._http._tcp.local.")), "10.231.0.66")
    shares.heard(_response(("_ipp._tcp.local.", "Printer._ipp._tcp.local.")), "10.231.0.10")
    shares.heard(b"\x00garbage", "10.231.0.67")  # ignored, never raises
    assert shares.responder("_FLOOD1._tcp.local.") == "10.231.0.66"
    assert shares.responder("Flood 1._http._tcp.local.") == "10.231.0.66"
    assert shares.responder("Printer._ipp._tcp.local.") == "10.231.0.10"
    assert shares.responder("unknown._ipp._tcp.local.") == "?"


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
