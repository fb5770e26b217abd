"""Fuzzing the network parsers: whatever the peer sends, each gives a value or its typed error."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checks import banners, http, mqtt, snmp, ssh, vnc
from core.checks.net import NoAnswer
from core.discovery import mdns, names, netbios, ssdp, upnp_description, wsd
from core.fingerprints.identify import from_texts
from core.models import UpnpInfo

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WIRE = st.binary(max_size=2048)
TEXT = st.text(max_size=300)


def _clean(text: str, limit: int) -> bool:
    return len(text) <= limit and all(ch.isprintable() for ch in text)


def _value_or(error: type[Exception] | tuple[type[Exception], ...],
              parse: Callable[[], Any]) -> None:
    with contextlib.suppress(error):
        parse()


def _ssdp_datagram() -> st.SearchStrategy[bytes]:
    header = st.tuples(st.sampled_from(["LOCATION", "SERVER", "ST", "NT", "USN", "X"]), TEXT)
    return st.builds(
        lambda first, headers: (first + "\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers)
                                + "\r\n").encode("utf-8", "surrogatepass"),
        st.sampled_from(["HTTP/1.1 200 OK", "NOTIFY * HTTP/1.1", "GARBAGE"]),
        st.lists(header, max_size=8))


@FUZZ
@given(st.one_of(WIRE, _ssdp_datagram()))
def test_ssdp_answers(data: bytes) -> None:
    answer = ssdp.parse_response(data, "10.231.0.13")
    if answer is not None:
        assert answer.location.isascii() and " " not in answer.location
        for field in (answer.server, answer.st, answer.usn):
            assert _clean(field, ssdp.MAX_FIELD)


def _upnp_xml() -> st.SearchStrategy[bytes]:
    tags = st.sampled_from(["deviceType", "friendlyName", "manufacturer", "modelName",
                            "modelNumber", "serialNumber", "firmwareVersion", "serviceType"])
    field = st.builds(lambda t, v: f"<{t}>{v}</{t}>", tags, TEXT)
    return st.builds(
        lambda fields: ('<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">'
                        f"<device>{''.join(fields)}</device></root>").encode(
                            "utf-8", "surrogatepass"),
        st.lists(field, max_size=10))


@FUZZ
@given(st.one_of(WIRE, _upnp_xml()), TEXT, TEXT)
def test_upnp_descriptions(xml: bytes, location: str, server: str) -> None:
    info = upnp_description.parse(xml, location, server)
    assert isinstance(info, UpnpInfo)
    for value in (info.location, info.device_type, info.friendly_name, info.manufacturer,
                  info.model_name, info.model_number, info.serial, info.firmware, info.server,
                  *info.services):
        assert _clean(value, upnp_description.MAX_FIELD)
    assert len(info.services) <= upnp_description.MAX_SERVICES


KEY = st.one_of(st.binary(max_size=100), st.text(max_size=100))


@FUZZ
@given(st.lists(st.tuples(KEY, st.one_of(st.none(), st.binary(max_size=700), TEXT)),
                max_size=80))
def test_mdns_txt_records(items: list[tuple[bytes | str, bytes | str | None]]) -> None:
    decoded = mdns.decode_txt(items)
    assert len(decoded) <= mdns.MAX_TXT_ENTRIES
    for key, value in decoded:
        assert key and _clean(key, mdns.MAX_TXT_KEY) and _clean(value, mdns.MAX_TXT_VALUE)


@FUZZ
@given(WIRE)
def test_banners_and_greetings(data: bytes) -> None:
    text, options = banners.split_telnet(data)
    assert len(text) <= len(data) and len(options) <= len(data)
    _value_or(NoAnswer, lambda: banners.parse_ssh_banner(data))
    _value_or(NoAnswer, lambda: http.parse_response(data))
    _value_or(NoAnswer, lambda: mqtt.parse_connack(data))
    _value_or(NoAnswer, lambda: vnc.parse_version(data))


DIGITS = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=4)


@FUZZ
@given(st.builds(lambda status, rest: f"HTTP/1.1 {status} x".encode("utf-8", "surrogatepass")
                 + rest, st.one_of(DIGITS, TEXT), WIRE))
def test_http_status_lines(data: bytes) -> None:
    _value_or(NoAnswer, lambda: http.parse_response(data))


def test_a_status_code_in_other_digits_is_no_answer() -> None:  # found by the fuzzer
    _value_or(NoAnswer, lambda: http.parse_response("HTTP/1.1 ² OK\r\n\r\n".encode()))


@FUZZ
@given(WIRE, st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_binary_protocol_answers(data: bytes, request_id: int) -> None:
    _value_or(ValueError, lambda: snmp.response_value(data, request_id))
    _value_or(ValueError, lambda: snmp.engine_id(data, request_id))
    _value_or(ValueError, lambda: ssh.server_lists(data))
    ident, name = names.parse_ptr_answer(data)
    assert isinstance(ident, int) and isinstance(name, str)


@FUZZ
@given(WIRE)
def test_netbios_status_never_raises(data: bytes) -> None:
    info = netbios.parse_status(data)
    if info is not None:
        assert len(info.names) <= netbios.MAX_NAMES and _clean(info.name, 15)


@FUZZ
@given(WIRE)
def test_netbios_status_with_a_real_header_never_raises(tail: bytes) -> None:
    netbios.parse_status(b"\x00\x07\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00" + tail)


@FUZZ
@given(WIRE, TEXT)
def test_wsd_probe_matches_never_raise(data: bytes, scope: str) -> None:
    wsd.parse_probe_matches(data)  # any bytes: a value or None, never an error
    xml = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
           b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatches>'
           b"<d:ProbeMatch><d:Scopes>" + scope.encode("utf-8", "replace").replace(b"<", b"")
           .replace(b"&", b"") + b"</d:Scopes></d:ProbeMatch></d:ProbeMatches></s:Body>"
           b"</s:Envelope>")
    info = wsd.parse_probe_matches(xml)
    if info is not None:
        assert all(_clean(s, wsd.MAX_FIELD) for s in (info.name, info.model, info.manufacturer))


@FUZZ
@given(TEXT)
def test_fingerprint_matching_never_raises(text: str) -> None:
    for key in ("http_header.server", "ssh.banner", "telnet.banner", "snmp.sys_description"):
        for found in from_texts([(key, text)]):
            assert _clean(found.evidence, 400)
