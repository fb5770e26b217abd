"""Default-login helpers: credential data, Digest maths, SNMP encoding, SSH framing (no network)."""

from __future__ import annotations

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
