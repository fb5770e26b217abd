"""WS-Discovery and NetBIOS node status: recorded answers, and responders on 127.0.0.1 only."""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from core.cancel import CancelToken
from core.discovery import netbios, wsd
from core.discovery.inventory import Inventory
from core.models import ArpEntry, Category, NetbiosInfo, WsdInfo
from core.scan.jsonio import device_from_json, device_to_json

LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
# An ONVIF camera's answer (shape as sent by common cameras; names made up).
PROBE_MATCHES = b"""<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope"
 xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
 xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header>
<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>
</SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:1</wsa:Address></wsa:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/DS-2CD2143G2-I
 onvif://www.onvif.org/name/Lobby%20Cam onvif://www.onvif.org/manufacturer/Hikvision
 onvif://www.onvif.org/location/city/hangzhou</d:Scopes>
<d:XAddrs>http://10.231.0.50/onvif/device_service</d:XAddrs>
<d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body>
</SOAP-ENV:Envelope>"""


def test_a_probe_match_names_maker_model_and_name() -> None:
    info = wsd.parse_probe_matches(PROBE_MATCHES)
    assert info == WsdInfo(
        xaddrs=("http://10.231.0.50/onvif/device_service",),
        types=("dn:NetworkVideoTransmitter", "tds:Device"),
        scopes=info.scopes if info else (), manufacturer="Hikvision", model="DS-2CD2143G2-I",
        name="Lobby Cam")
    assert len(info.scopes) == 5 if info else False


@pytest.mark.parametrize("data", [
    b"", b"not xml", b"<a/>", wsd.probe_message(),
    b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
])
def test_anything_but_a_probe_match_is_ignored(data: bytes) -> None:
    assert wsd.parse_probe_matches(data) is None


def _responder(reply: Callable[[bytes], bytes | None]) -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.05)
    stop = threading.Event()
    asked: list[bytes] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            asked.append(data)
            answer = reply(data)
            if answer:
                sock.sendto(answer, peer)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        sock.close()


def test_search_reports_each_responder_once() -> None:
    found: list[tuple[str, WsdInfo]] = []
    for port in _responder(lambda data: PROBE_MATCHES if b"Probe<" in data or b"Probe/" in data
                           else None):
        wsd.search("127.0.0.1", LOOPBACK, time.monotonic() + 0.8, CancelToken(),
                   lambda ip, info: found.append((ip, info)), target=("127.0.0.1", port))
    assert [ip for ip, _ in found] == ["127.0.0.1"]  # asked twice, reported once
    assert found[0][1].model == "DS-2CD2143G2-I"


def _status_response(names: list[tuple[str, int, bool]], unit: bytes) -> bytes:
    header = struct.pack(">HHHHHH", 7, 0x8400, 0, 1, 0, 0)
    question = b" CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00"
    table = b"".join(name.ljust(15).encode()[:15] + bytes([suffix]) +
                     struct.pack(">H", 0x8400 if group else 0x0400)
                     for name, suffix, group in names)
    rdata = bytes([len(names)]) + table + unit + bytes(40)
    return header + question + struct.pack(">HHIH", 0x21, 1, 0, len(rdata)) + rdata


NAS = [("LABNAS", 0x00, False), ("LABNAS", 0x20, False), ("OFFICE", 0x00, True),
       ("OFFICE", 0x1E, True)]


def test_a_node_status_answer_names_the_computer_and_workgroup() -> None:
    info = netbios.parse_status(_status_response(NAS, bytes.fromhex("02c4ec000150")))
    assert info == NetbiosInfo(name="LABNAS", workgroup="OFFICE", names=(
        "LABNAS<00>", "LABNAS<20>", "OFFICE<00><group>", "OFFICE<1e><group>"),
        mac="02:c4:ec:00:01:50")
    assert netbios.parse_status(netbios.status_request(1)) is None  # a query, not an answer
    assert netbios.parse_status(b"\x00\x07\x84" + bytes(20)) is None


def test_query_asks_each_address_and_counts_only_those_asked() -> None:
    found: list[tuple[str, NetbiosInfo]] = []
    answer = _status_response(NAS, bytes(6))
    for port in _responder(lambda data: answer if data[12:14] == b" C" else None):
        started = time.monotonic()
        netbios.query(["127.0.0.1", "127.0.0.1"], time.monotonic() + 2.0, CancelToken(),
                      lambda ip, info: found.append((ip, info)), port=port)
        elapsed = time.monotonic() - started
    assert [(ip, info.name) for ip, info in found] == [("127.0.0.1", "LABNAS")]
    assert elapsed < 1.0  # everyone asked answered: no waiting for the deadline


def test_inventory_merges_wsd_and_netbios_by_mac() -> None:
    inventory = Inventory(ipaddress.IPv4Network("10.231.0.0/24"))
    info = wsd.parse_probe_matches(PROBE_MATCHES)
    assert info is not None
    inventory.add_wsd("10.231.0.50", info)  # before its MAC is known
    inventory.add_arp(ArpEntry("10.231.0.50", "02:c4:ec:00:01:50"))
    inventory.add_netbios("10.231.0.51", NetbiosInfo(name="LABNAS", workgroup="OFFICE"))
    inventory.add_arp(ArpEntry("10.231.0.51", "02:c4:ec:00:01:51"))
    camera, nas = inventory.devices()
    assert camera.sources == ("arp", "wsd") and camera.category is Category.CAMERA
    assert camera.model == "Hikvision DS-2CD2143G2-I" and camera.label == "Lobby Cam"
    assert nas.sources == ("arp", "netbios") and nas.label == "LABNAS"
    for device in (camera, nas):
        assert device_from_json(device_to_json(device)) == device
