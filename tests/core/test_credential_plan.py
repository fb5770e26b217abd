"""Default logins: vendor first, ≤ 3 per place, stop on success; strict loader; RTSP auth."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.checks import CheckOptions, Consent, attempts, consented, credentials, logins
from core.checks.attempts import Result, Target, Verdict
from core.checks.credentials import DefaultLogin
from core.checks.http import parse_response
from core.checks.net import Gate
from core.checks.probes import Observations
from core.errors import DataFileError
from core.models import Device
from core.paths import resource

CONSENT = Consent("Jo Owner", "Office", "192.0.2.0/24", "2026-03-01T10:00:00Z")
OPTIONS = CheckOptions(consent=CONSENT, credential_pace=0)


def _pairs(logins_: list[DefaultLogin]) -> list[tuple[str, str, str]]:
    return [(lg.vendor, lg.user, lg.password) for lg in logins_]


def test_the_vendor_list_comes_first_then_generic_at_most_three_per_service() -> None:
    data = credentials.load()
    camera = Device(mac="aa:00:00:00:00:01", vendor="Zhejiang Uniview Technologies")
    ordered = credentials.for_device(camera, data)
    rtsp = credentials.for_service(ordered, "rtsp", 3)
    assert _pairs(rtsp) == [("Uniview", "admin", "123456"), ("generic", "admin", "admin"),
                            ("generic", "admin", "password")]
    assert _pairs(credentials.for_service(ordered, "snmp", 3)) == [
        ("generic", "", "public"), ("generic", "", "private")]
    assert credentials.for_service(ordered, "telnet", 1)[0].vendor == "generic"


def test_a_pair_in_both_lists_is_tried_once() -> None:
    data = credentials.load()
    dahua = Device(mac="aa:00:00:00:00:02", vendor="Zhejiang Dahua Technology")
    tried = _pairs(credentials.for_service(credentials.for_device(dahua, data), "http", 3))
    assert tried == [("Dahua", "admin", "admin"), ("Dahua", "888888", "888888"),
                     ("generic", "admin", "password")]


def test_vendors_match_whole_words_from_every_fact() -> None:
    data = credentials.load()
    taxi = Device(mac="aa:00:00:00:00:03", vendor="Taxis Fleet Ltd")  # holds "axis"
    assert {lg.vendor for lg in credentials.for_device(taxi, data)} == {"generic"}
    named = credentials.for_device(Device(mac="aa:00:00:00:00:04"), data,
                                   also=["Hikvision DS-2CD2143"])
    assert named[0].vendor == "Hikvision"


def test_every_bundled_login_is_documented_and_every_service_has_generic_pairs() -> None:
    folder = resource("credentials")
    for path in sorted(folder.glob("*.toml")):
        assert 'source = "' in path.read_text(encoding="utf-8"), path.name
    generic = next(v for v in credentials.load() if v.vendor == "generic")
    for service in credentials.SERVICES:
        assert credentials.for_service(generic.logins, service, 3), service


BAD_LOGINS = [
    ('user = "a"\npassword = "b"\nservices = ["ssh"]', "services must be one of"),
    ('user = ""\npassword = "b"\nservices = ["http"]', "user must not be empty"),
    ('user = "u"\npassword = "public"\nservices = ["snmp"]', "user must be empty for snmp"),
    ('user = ""\npassword = "public"\nservices = ["snmp", "http"]', "cannot share"),
    (f'user = "u"\npassword = "{"x" * 65}"\nservices = ["http"]', "password is longer than 64"),
    ('user = "u"\npassword = "a\\r\\nX-Evil: 1"\nservices = ["http"]', "control character"),
    ('user = "a:b"\npassword = "c"\nservices = ["http"]', "must not hold ':'"),
    ('user = "u"\npassword = 1234\nservices = ["http"]', "password must be text"),
]


@pytest.mark.parametrize(("login", "problem"), BAD_LOGINS)
def test_the_loader_refuses_a_bad_login(tmp_path: Path, login: str, problem: str) -> None:
    (tmp_path / "x.toml").write_text(f'vendor = "X"\nmatch = ["xco"]\n[[login]]\n{login}\n')
    with pytest.raises(DataFileError, match=problem) as caught:
        credentials.load(tmp_path)
    assert "x.toml: login #1" in str(caught.value) and "1234" not in str(caught.value)


def test_the_loader_refuses_repeats_short_match_words_and_a_vendor_twice(
        tmp_path: Path) -> None:
    one = '[[login]]\nuser = "u"\npassword = "p"\nservices = ["http"]\n'
    (tmp_path / "a.toml").write_text(f'vendor = "A"\nmatch = ["aco"]\n{one}{one}')
    with pytest.raises(DataFileError, match="login #2: repeats login #1"):
        credentials.load(tmp_path)
    (tmp_path / "a.toml").write_text(f'vendor = "A"\nmatch = ["wd"]\n{one}')
    with pytest.raises(DataFileError, match="3 characters or more"):
        credentials.load(tmp_path)
    (tmp_path / "a.toml").write_text(f'vendor = "A"\nmatch = ["aco"]\n{one}')
    (tmp_path / "b.toml").write_text(f'vendor = "a"\nmatch = ["bco"]\n{one}')
    with pytest.raises(DataFileError, match="in two files"):
        credentials.load(tmp_path)


# -- the plan run against stubbed attempts (no network)


class Attempts:
    """Stands in for the network: records every try, accepts the chosen passwords; the
    services in `silent` never answer."""

    def __init__(self, accept: dict[str, str], silent: tuple[str, ...] = ()) -> None:
        self.accept, self.silent = accept, silent  # service -> the password it accepts
        self.tried: list[tuple[str, str]] = []

    async def __call__(self, ip: str, target: Target, login: DefaultLogin,
                       gate: Gate) -> Result:
        self.tried.append((target.service, login.password))
        if target.service in self.silent:
            return Result(Verdict.SILENT)
        if self.accept.get(target.service) != login.password:
            return Result(Verdict.REFUSED)
        return Result(Verdict.ACCEPTED, "Lab agent" if target.service == "snmp" else "")


def _run(device: Device, seen: Observations, stub: Attempts,
         options: CheckOptions = OPTIONS, monkeypatch: Any = None) -> list[Any]:
    monkeypatch.setattr(attempts, "attempt", stub)
    gate = Gate(asyncio.Semaphore(2), asyncio.Semaphore(2), 0.1, 0.1)
    return asyncio.run(consented.run_consented(device, options, gate, seen))


def _seen() -> Observations:
    return Observations(auth={80: ("basic", False)}, kinds={23: "telnet", 554: "rtsp"})


UNIVIEW = Device(mac="aa:00:00:00:00:05", ips=("192.0.2.5",), vendor="Uniview")


def test_each_service_gets_its_own_tries_and_stops_at_its_first_success(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Attempts({"http": "admin", "rtsp": "123456"})
    found = _run(UNIVIEW, _seen(), stub, monkeypatch=monkeypatch)
    by_service: dict[str, list[str]] = {}
    for service, password in stub.tried:
        by_service.setdefault(service, []).append(password)
    assert by_service["rtsp"] == ["123456"]  # the vendor's own default, first, then stop
    assert by_service["http"] == ["123456", "admin"]
    assert by_service["telnet"] == ["admin", "password", "root"]  # Uniview lists no telnet
    assert by_service["snmp"] == ["public", "private"]
    accepted = sorted(f.port for f in found if f.id == "default-credentials-accepted")
    assert accepted == [80, 554]
    (refused,) = [f for f in found if f.id == "default-credentials-rejected"]
    assert refused.evidence.startswith("5 default login(s) tried on telnet login on TCP 23 (3)")
    assert all("123456" not in f.evidence and "Uniview" not in f.evidence for f in found)


def test_fewer_attempts_when_asked_and_none_without_consent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Attempts({})
    _run(UNIVIEW, _seen(), stub, replace(OPTIONS, credential_attempts=1), monkeypatch)
    assert sorted(s for s, _ in stub.tried) == ["http", "rtsp", "snmp", "telnet"]
    stub = Attempts({})
    (listed,) = _run(UNIVIEW, _seen(), stub, replace(OPTIONS, consent=None), monkeypatch)
    assert stub.tried == [] and listed.id == "credential-checks-not-run"
    stub = Attempts({})
    _run(UNIVIEW, _seen(), stub, replace(OPTIONS, credential_attempts=50), monkeypatch)
    assert max(sum(1 for s, _ in stub.tried if s == k) for k, _ in stub.tried) == 3


def test_an_snmp_community_answered_is_also_snmp_v1v2c_answering(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Observations()
    found = _run(UNIVIEW, seen, Attempts({"snmp": "private"}), monkeypatch=monkeypatch)
    assert [(f.id, f.port) for f in found] == [("default-credentials-accepted", None),
                                               ("snmp-v1v2c-answering", None)]
    assert "'Lab agent'" in found[1].evidence and "private" not in found[1].evidence
    assert ("snmp.sys_description", "Lab agent") in seen.texts  # for fingerprints
    refused = _run(UNIVIEW, Observations(), Attempts({}), monkeypatch=monkeypatch)
    assert [f.id for f in refused] == ["default-credentials-rejected"]


def test_a_place_that_stops_answering_is_not_tried_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Attempts({}, silent=("telnet", "snmp"))
    found = _run(UNIVIEW, _seen(), stub, monkeypatch=monkeypatch)
    assert [s for s, _ in stub.tried].count("telnet") == 1
    (refused,) = found
    assert "telnet login on TCP 23 (1)" in refused.evidence


def test_a_vendor_named_only_by_a_banner_puts_its_list_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Observations(kinds={554: "rtsp"}, texts=[("http_header.server", "Hikvision-Webs")])
    stub = Attempts({})
    _run(Device(mac="aa:00:00:00:00:06", ips=("192.0.2.6",)), seen, stub,
         monkeypatch=monkeypatch)
    hikvision = [lg.password for v in credentials.load() if v.vendor == "Hikvision"
                 for lg in v.logins]
    assert stub.tried[0] == ("rtsp", hikvision[0])


# -- Basic or Digest: the server's WWW-Authenticate decides


def _challenge(*offers: str) -> Any:
    head = "".join(f"WWW-Authenticate: {o}\r\n" for o in offers)
    return parse_response(f"HTTP/1.0 401 Unauthorized\r\n{head}\r\n".encode())


def test_digest_is_chosen_when_offered_basic_otherwise() -> None:
    login = DefaultLogin("t", "admin", "pw", frozenset({"rtsp"}))
    both = logins.authorization(_challenge('Basic realm="cam"', 'Digest realm="cam", nonce="n"'),
                                login, "DESCRIBE", "rtsp://x/")
    assert both.startswith("Digest ") and 'uri="rtsp://x/"' in both and "pw" not in both
    basic = logins.authorization(_challenge('Basic realm="cam"'), login, "DESCRIBE", "/")
    assert basic == logins.basic_header(login)
    assert logins.authorization(_challenge("Negotiate"), login, "GET", "/") == ""


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _rtsp_attempt(handler: Handler, login: DefaultLogin, read_timeout: float = 0.5
                  ) -> Verdict:
    """attempts.attempt against `handler` served on 127.0.0.1 (never a real interface)."""

    async def run() -> Verdict:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        gate = Gate(asyncio.Semaphore(2), asyncio.Semaphore(2), 0.5, read_timeout)
        try:
            result = await attempts.attempt("127.0.0.1", Target("rtsp", port), login, gate)
            return result.verdict
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(run())


def _basic_camera(offers: tuple[str, ...], seen: list[str]) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = (await reader.read(4096)).decode()
        auth = next((line.split(":", 1)[1].strip() for line in request.split("\r\n")
                     if line.lower().startswith("authorization:")), "")
        seen.append(auth.split(" ", 1)[0])
        if auth == "Basic YWRtaW46YWRtaW4=":  # admin:admin, written out by hand
            writer.write(b"RTSP/1.0 200 OK\r\nCSeq: 2\r\n\r\n")
        else:
            head = "".join(f"WWW-Authenticate: {o}\r\n" for o in offers)
            writer.write(f"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n{head}\r\n".encode())
        await writer.drain()
        writer.close()

    return handle


ADMIN = DefaultLogin("t", "admin", "admin", frozenset({"rtsp"}))


def test_rtsp_basic_is_sent_when_the_camera_asks_for_it() -> None:
    seen: list[str] = []
    assert _rtsp_attempt(_basic_camera(('Basic realm="cam"',), seen), ADMIN) is Verdict.ACCEPTED
    assert seen == ["", "Basic"]
    wrong = DefaultLogin("t", "admin", "nope", frozenset({"rtsp"}))
    assert _rtsp_attempt(_basic_camera(('Basic realm="cam"',), seen), wrong) is Verdict.REFUSED
    seen.clear()
    offers = ('Basic realm="cam"', 'Digest realm="cam", nonce="abc"')
    assert _rtsp_attempt(_basic_camera(offers, seen), ADMIN) is Verdict.REFUSED  # Digest only
    assert seen == ["", "Digest"]


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(4096)
    writer.write(b"\x00\xff<html>not rtsp</html>" * 1000)
    try:
        await writer.drain()
    finally:
        writer.close()


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(4096)
    await reader.read(1)  # says nothing; returns when the client gives up and closes
    writer.close()


def test_garbage_and_silent_rtsp_servers_end_the_tries_without_a_crash() -> None:
    assert _rtsp_attempt(_garbage, ADMIN) is Verdict.SILENT
    loop_time: list[float] = []

    async def timed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop_time.append(asyncio.get_running_loop().time())
        await _silent(reader, writer)

    assert _rtsp_attempt(timed, ADMIN, read_timeout=0.2) is Verdict.SILENT
    assert loop_time  # the silent server was really reached
