"""mDNS TXT decoding, SSDP answers, UPnP descriptions (fetched from 127.0.0.1) and host names."""

from __future__ import annotations

import http.server
import ipaddress
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from zeroconf import ServiceInfo

from core.cancel import CancelToken
from core.discovery import mdns, names, ssdp, upnp_description
from tests.timing import within

NET = ipaddress.IPv4Network("10.231.0.0/24")
GOOD_XML = b"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><device>
 <deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
 <friendlyName>Living room</friendlyName><manufacturer>Sonos, Inc.</manufacturer>
 <modelName>Play:1</modelName><modelNumber>S1</modelNumber><serialNumber>XY-1</serialNumber>
 <softwareVersion>57.3</softwareVersion>
 <serviceList><service><serviceType>urn:schemas-upnp-org:service:AVTransport:1</serviceType>
 </service></serviceList></device></root>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><root><device><friendlyName>&b;</friendlyName>
</device></root>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<root><device><friendlyName>&x;</friendlyName></device></root>"""


def test_txt_decoding_is_safe_for_hostile_records() -> None:
    items = [(b"ok", b"fine"), (b"", b"empty key"), (b"bad", b"\xff\xfe\x00x"),
             (b"flag", None), (b"big", b"v" * 5000), (b"ok", b"duplicate"),
             (b"\xc3\x28", b"bad key")]
    txt = dict(mdns.decode_txt(items))
    assert txt["ok"] == "fine" and txt["flag"] == ""
    assert "" not in txt
    assert txt["bad"] == "\\xff\\xfe\\x00x"
    assert len(txt["big"]) == mdns.MAX_TXT_VALUE
    assert "\\xc3(" in txt
    many = [(f"k{i}".encode(), b"v") for i in range(1000)]
    assert len(mdns.decode_txt(many)) == mdns.MAX_TXT_ENTRIES


def test_service_info_becomes_a_bounded_mdns_service() -> None:
    info = ServiceInfo("_ipp._tcp.local.", "Front <b>desk</b>._ipp._tcp.local.",
                       addresses=[socket.inet_aton("10.231.0.10")], port=631,
                       properties={b"ty": b"HP \xffJet"}, server="hp.local.")
    service = mdns.to_service(info)
    assert (service.type, service.name, service.port, service.host) == (
        "_ipp._tcp.local.", "Front <b>desk</b>", 631, "hp.local.")
    assert service.addresses == ("10.231.0.10",)
    assert service.txt == (("ty", "HP \\xffJet"),)


def test_ssdp_answers_are_parsed_and_bounded() -> None:
    data = (b"HTTP/1.1 200 OK\r\nLocation: http://10.231.0.13:49152/d.xml\r\n"
            b"SERVER: " + b"S" * 5000 + b"\r\nST: upnp:rootdevice\r\nUSN: uuid:1\r\n\r\n")
    answer = ssdp.parse_response(data, "10.231.0.13")
    assert answer is not None
    assert answer.location == "http://10.231.0.13:49152/d.xml"
    assert len(answer.server) == ssdp.MAX_FIELD and answer.st == "upnp:rootdevice"
    assert ssdp.parse_response(b"M-SEARCH * HTTP/1.1\r\n\r\n", "10.0.0.1") is None
    assert ssdp.parse_response(b"HTTP/1.1 200 OK\r\nST: x\r\n\r\n", "10.0.0.1") is None
    assert ssdp.parse_response(b"\xff\xfe garbage", "10.0.0.1") is None


def test_only_locations_inside_the_network_are_fetched() -> None:
    assert ssdp.location_inside("http://10.231.0.13:80/d.xml", NET)
    assert not ssdp.location_inside("http://192.168.1.1/d.xml", NET)
    assert not ssdp.location_inside("http://example.com/d.xml", NET)
    assert not ssdp.location_inside("http://[::1]/d.xml", NET)
    assert not ssdp.location_inside("::::", NET)


def test_description_fields_are_read() -> None:
    info = upnp_description.parse(GOOD_XML, "http://10.0.0.5/d.xml", "Linux UPnP/1.0")
    assert (info.friendly_name, info.manufacturer, info.model_name, info.model_number,
            info.serial, info.firmware) == ("Living room", "Sonos, Inc.", "Play:1", "S1",
                                             "XY-1", "57.3")
    assert info.device_type.endswith("MediaRenderer:1")
    assert info.services == ("urn:schemas-upnp-org:service:AVTransport:1",)
    assert info.server == "Linux UPnP/1.0"


@pytest.mark.parametrize("xml", [b"<root><device><friendlyName>x", b"", b"\xff\x00",
                                 LAUGHS, EXTERNAL, b"<root/>"])
def test_broken_or_hostile_xml_gives_only_the_location(xml: bytes) -> None:
    info = upnp_description.parse(xml, "http://10.0.0.5/d.xml")
    assert info.location == "http://10.0.0.5/d.xml"
    assert info.friendly_name == "" and "root:" not in info.friendly_name


def test_huge_field_values_are_cut() -> None:
    xml = b"<root><device><friendlyName>" + b"N" * 10000 + b"</friendlyName></device></root>"
    assert len(upnp_description.parse(xml, "u").friendly_name) == upnp_description.MAX_FIELD


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/huge.xml":
            self.send_response(200)
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(64):  # 4 MB, far beyond the cap
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif self.path == "/slow.xml":
            self.send_response(200)
            self.end_headers()
            time.sleep(1.5)
        elif self.path == "/missing.xml":
            self.send_error(404)
        else:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(GOOD_XML)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="test-http")
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_fetch_reads_a_description(server: str) -> None:
    body = upnp_description.fetch(f"{server}/d.xml", time.monotonic() + 2, CancelToken())
    assert upnp_description.parse(body, "u").model_name == "Play:1"


def test_fetch_caps_the_size_of_a_huge_description(server: str) -> None:
    body = upnp_description.fetch(f"{server}/huge.xml", time.monotonic() + 3, CancelToken())
    assert len(body) <= upnp_description.MAX_BYTES


def test_fetch_gives_up_at_the_deadline_and_on_cancel(server: str) -> None:
    start = time.monotonic()
    with pytest.raises(upnp_description.FetchError):
        upnp_description.fetch(f"{server}/slow.xml", start + 0.3, CancelToken())
    assert time.monotonic() - start < within(0.8)
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    start = time.monotonic()
    with pytest.raises(upnp_description.FetchError):
        upnp_description.fetch(f"{server}/slow.xml", start + 5, cancel)
    assert time.monotonic() - start < within(0.7)


def test_fetch_refuses_errors_and_non_http(server: str) -> None:
    with pytest.raises(upnp_description.FetchError):
        upnp_description.fetch(f"{server}/missing.xml", time.monotonic() + 2, CancelToken())
    with pytest.raises(upnp_description.FetchError):
        upnp_description.fetch("file:///etc/passwd", time.monotonic() + 2, CancelToken())


def test_host_names_are_cleaned() -> None:
    assert names.clean_name("printer.office.lan.") == "printer.office.lan"
    assert names.clean_name("<script>") == ""
    assert names.clean_name("a" * 1000) == "a" * names.MAX_NAME


def _ptr_server(sock: socket.socket, names_by_ip: dict[str, str], stop: threading.Event) -> None:
    sock.settimeout(0.05)
    while not stop.is_set():
        try:
            data, sender = sock.recvfrom(512)
        except TimeoutError:
            continue
        ident, qname_end = int.from_bytes(data[:2], "big"), data.index(b"\0", 12) + 5
        labels, offset = [], 12
        while data[offset]:
            labels.append(data[offset + 1: offset + 1 + data[offset]].decode())
            offset += 1 + data[offset]
        ip = ".".join(reversed(labels[:4]))
        if ip not in names_by_ip:
            continue
        target = b"".join(bytes([len(p)]) + p.encode() for p in names_by_ip[ip].split(".")) \
            + b"\0"
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 12, 1, 60, len(target)) + target
        sock.sendto(struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + data[12:qname_end]
                    + answer, sender)


def test_reverse_dns_asks_only_the_given_local_resolver() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=_ptr_server, args=(
        server, {"127.0.0.5": "printer.office.lan.", "127.0.0.6": "bad<name>"}, stop))
    thread.start()
    found: dict[str, str] = {}
    try:
        names.reverse_lookup(["127.0.0.5", "127.0.0.6", "127.0.0.7"], time.monotonic() + 0.6,
                             CancelToken(), found.__setitem__, [server.getsockname()])
    finally:
        stop.set()
        thread.join()
        server.close()
    assert found == {"127.0.0.5": "printer.office.lan"}


def test_without_a_resolver_inside_the_network_reverse_dns_is_off(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 127.0.0.53\nnameserver 8.8.8.8\nnameserver 10.231.0.1\n"
                    "nameserver fe80::1\nsearch lan\n")
    network = ipaddress.IPv4Network("10.231.0.0/24")
    assert names.local_resolvers(network, [conf]) == (("10.231.0.1", 53),)
    assert names.local_resolvers(ipaddress.IPv4Network("192.168.1.0/24"), [conf]) == ()
    asked: list[str] = []
    names.reverse_lookup(["10.231.0.9"], time.monotonic() + 0.2, CancelToken(),
                         lambda ip, name: asked.append(ip), ())
    assert asked == []


def test_ptr_answers_parse_or_give_nothing() -> None:
    query = names.ptr_query("10.231.0.9", 77)
    assert names.parse_ptr_answer(query) == (77, "")  # a question is no answer
    assert names.parse_ptr_answer(b"\x00") == (-1, "")
    loop = struct.pack("!HHHHHH", 5, 0x8180, 0, 1, 0, 0) + b"\xc0\x0c"
    assert names.parse_ptr_answer(loop) == (-1, "")
