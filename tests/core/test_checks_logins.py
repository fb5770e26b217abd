"""Default-login helpers: credential data, Digest maths, SNMP encoding, SSH framing (no network)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from core.checks import credentials, snmp, ssh
from core.checks.credentials import DefaultLogin
from core.checks.logins import basic_header, digest_header
from core.errors import DataFileError
from core.models import Device, UpnpInfo


def test_bundled_credentials_load_and_vendor_logins_come_first() -> None:
    data = credentials.load()
    assert {v.vendor for v in data} >= {"generic", "Hikvision", "Axis"}
    camera = Device(mac="c0:56:e3:00:00:01", vendor="Hangzhou Hikvision Digital Technology")
    logins = credentials.for_device(camera, data)
    assert logins[0].vendor == "Hikvision" and logins[-1].vendor == "generic"
    router = Device(mac="02:00:00:00:00:01", upnp=UpnpInfo(location="", manufacturer="NETGEAR"))
    assert credentials.for_device(router, data)[0].vendor == "Netgear"
    assert all(lg.vendor == "generic" for lg in credentials.for_device(Device(mac="x"), data))


def test_a_login_never_shows_its_secret_in_repr() -> None:
    login = DefaultLogin("Lab", "someone", "s3cret-value", frozenset({"http"}))
    assert "s3cret" not in repr(login) and "someone" not in repr(login)
    assert "s3cret" not in str([login])


def test_a_broken_credential_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('vendor = "X"\n[[login]]\nuser = "a"\n'
                                       'password = "b"\nservices = ["ssh-brute"]\n')
    with pytest.raises(DataFileError, match=r"bad\.toml"):
        credentials.load(tmp_path)
    (tmp_path / "bad.toml").write_text("vendor = ")
    with pytest.raises(DataFileError):
        credentials.load(tmp_path)


def test_digest_matches_the_rfc_2617_example() -> None:
    login = DefaultLogin("rfc", "Mufasa", "Circle Of Life", frozenset({"http"}))
    challenge = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
                 'opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    header = digest_header(challenge, login, "GET", "/dir/index.html", cnonce="0a4f113b")
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header
    assert basic_header(login) == "Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl"


def test_snmp_get_request_round_trip_and_garbage() -> None:
    request = snmp.get_request("public", 4242)
    (tag, message), = snmp.parse(request)
    _version, community, (pdu_tag, _) = snmp.parse(message)
    assert tag == 0x30 and community == (0x04, b"public") and pdu_tag == snmp.GET_REQUEST
    assert snmp.oid((1, 3, 6, 1, 2, 1, 1, 1, 0)) == bytes.fromhex("06082b06010201010100")
    varbind = snmp.tlv(0x30, snmp.oid(snmp.SYS_DESCR) + snmp.tlv(0x04, b"Lab printer"))
    pdu = snmp.tlv(snmp.GET_RESPONSE, snmp.integer(4242) + snmp.integer(0) + snmp.integer(0)
                   + snmp.tlv(0x30, varbind))
    answer = snmp.tlv(0x30, snmp.integer(1) + snmp.tlv(0x04, b"public") + pdu)
    assert snmp.response_value(answer, 4242) == "Lab printer"
    with pytest.raises(ValueError):
        snmp.response_value(answer, 4243)
    for junk in (b"", b"\x30\x84\xff\xff\xff\xff", b"\x30\x05\x02\x01", bytes(range(40))):
        with pytest.raises(ValueError):
            snmp.response_value(junk, 1)


def test_ssh_encodings() -> None:
    assert ssh.mpint(b"\x00\x00\x7f") == b"\x00\x00\x00\x01\x7f"
    assert ssh.mpint(b"\x80") == b"\x00\x00\x00\x02\x00\x80"
    assert ssh.take(ssh.string(b"abc") + b"rest", 0) == (b"abc", 7)
    with pytest.raises(ValueError):
        ssh.take(b"\x00\x00\x00\x09abc", 0)
    lists = ssh.server_lists(ssh.kexinit())
    assert lists[0] == list(ssh.KEX) and lists[2] == list(ssh.CIPHERS)


def _report(message_id: int, engine: bytes, pdu_tag: int = snmp.REPORT) -> bytes:
    """An agent's answer to SNMPv3 discovery, as RFC 3414 4 describes it."""
    t = snmp.tlv
    header = t(0x30, snmp.integer(message_id) + snmp.integer(65507) + t(0x04, b"\x00")
               + snmp.integer(3))
    usm = t(0x30, t(0x04, engine) + snmp.integer(1) + snmp.integer(42) + t(0x04, b"") * 3)
    unknown_engine_ids = snmp.oid((1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0))
    varbinds = t(0x30, t(0x30, unknown_engine_ids + t(0x41, b"\x01")))
    pdu = t(pdu_tag, snmp.integer(7) + snmp.integer(0) + snmp.integer(0) + varbinds)
    scoped = t(0x30, t(0x04, engine) + t(0x04, b"") + pdu)
    return t(0x30, snmp.integer(3) + header + t(0x04, usm) + scoped)


NET_SNMP_ENGINE = bytes.fromhex("80001f8880") + b"labengine"  # enterprise 8072, text format


def test_snmpv3_discovery_asks_without_any_credential() -> None:
    (tag, message), = snmp.parse(snmp.discovery_request(4242, 7))
    version, (_, header), (_, security), (_, scoped) = snmp.parse(message)
    assert tag == 0x30 and version == (0x02, b"\x03")
    _msg_id, _size, flags, model = snmp.parse(header)
    assert flags == (0x04, b"\x04") and model == (0x02, b"\x03")  # reportable, no auth; USM
    (_, usm), = snmp.parse(security)
    engine, _boots, _time, user, auth, priv = snmp.parse(usm)
    assert engine[1] == user[1] == auth[1] == priv[1] == b""
    assert snmp.parse(scoped)[-1][0] == snmp.GET_REQUEST


def test_snmpv3_report_gives_the_engine_id_and_its_maker() -> None:
    assert snmp.engine_id(_report(4242, NET_SNMP_ENGINE), 4242) == NET_SNMP_ENGINE
    assert snmp.enterprise(NET_SNMP_ENGINE) == 8072
    assert snmp.enterprise(b"\x00\x00\x00\x09abcdefgh") is None  # pre-RFC 3411 format
    with pytest.raises(ValueError):
        snmp.engine_id(_report(4243, NET_SNMP_ENGINE), 4242)
    with pytest.raises(ValueError):
        snmp.engine_id(_report(4242, b"abc"), 4242)  # shorter than 5 octets
    with pytest.raises(ValueError):
        snmp.engine_id(_report(4242, NET_SNMP_ENGINE, pdu_tag=snmp.GET_REQUEST), 4242)


@pytest.mark.parametrize("cut", range(0, 90, 3))
def test_a_truncated_or_garbled_snmpv3_answer_is_a_value_error(cut: int) -> None:
    whole = _report(4242, NET_SNMP_ENGINE)
    with pytest.raises(ValueError):
        snmp.engine_id(whole[:cut], 4242)
    garbled = bytearray(whole)
    garbled[cut % len(whole)] ^= 0xFF
    with contextlib.suppress(ValueError):  # a changed byte may leave a valid message; no other
        snmp.engine_id(bytes(garbled), 4242)  # exception may ever come out
    with pytest.raises(ValueError):
        snmp.engine_id(snmp.get_request("public", 1), 4242)  # a v2c message is not an answer
