"""Consent-gated password checks in the lab: off without consent; bounded, secret-safe with it."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require_lab
from tests.lab.check_lab import (
    DIGEST_WEB,
    LAB_SECRET,
    LAB_SECRET_USER,
    RTSP_BASIC,
    RTSP_BOTH,
    RTSP_CAMERA,
    RTSP_OPEN,
    SECRET_TELNET,
    SECRET_WEB,
    SNMPD,
    SNMPD_DESCR,
    CheckLab,
)
from tests.lab.netlab import Lab

pytestmark = pytest.mark.lab
WEB_PLAIN, WEB_BASIC, CAMERA = "10.231.0.20", "10.231.0.21", "10.231.0.28"


@pytest.fixture(scope="module")
def check_lab() -> Iterator[CheckLab]:
    require_lab()
    with Lab() as lab:
        yield CheckLab(lab, secrets=True).build()


def _run(check_lab: CheckLab, *args: str, unprivileged: bool = True) -> tuple[dict[str, Any], str]:
    lab = check_lab.lab
    # generous timeouts: these tests are about consent, not speed, and CI machines get busy
    proc = lab.run_scanner(lab.python("tests.lab.devices.run_checks", "--devices",
                                      check_lab.devices_json(), "--read-timeout", "4",
                                      "--budget", "20", *args), unprivileged=unprivileged)
    assert proc.returncode == 0, proc.stderr
    return {d["ip"]: d for d in json.loads(proc.stdout)["devices"]}, proc.stdout + proc.stderr


def _ids(device: dict[str, Any]) -> set[str]:
    return {f["id"] for f in device["findings"]}


def test_without_consent_nothing_is_tried(check_lab: CheckLab) -> None:
    cameras = (RTSP_CAMERA, RTSP_BASIC, RTSP_BOTH)
    before = {spec.name: len(check_lab.rtsp_log(spec.name)) for spec in cameras}
    devices, _ = _run(check_lab)
    for spec in cameras:  # the probe's DESCRIBE carries no Authorization header
        during = check_lab.rtsp_log(spec.name)[before[spec.name]:]
        assert "attempt none" in during and "basic" not in during and "digest" not in during
    for device in devices.values():
        assert "credential-checks-not-run" in _ids(device), device
        assert not {"default-credentials-accepted", "default-credentials-rejected"} & _ids(device)
    listed = next(f for f in devices[WEB_BASIC]["findings"]
                  if f["id"] == "credential-checks-not-run")
    assert "HTTP login on TCP 80" in listed["evidence"], devices[WEB_BASIC]
    digest = devices[DIGEST_WEB.ip]
    assert "HTTP login on TCP 80" in next(f["evidence"] for f in digest["findings"]
                                          if f["id"] == "credential-checks-not-run")
    assert "attempt" not in check_lab.telnet_log(), check_lab.telnet_log()
    assert "request" not in check_lab.snmp_log(), check_lab.snmp_log()


@pytest.fixture(scope="module")
def consented(check_lab: CheckLab) -> tuple[dict[str, Any], str, dict[str, str]]:
    """One run with consent and the bundled lists, and the RTSP cameras' logs right after it."""
    devices, output = _run(check_lab, "--consent", "Lab Tester")
    logs = {spec.name: check_lab.rtsp_log(spec.name) for spec in (RTSP_BASIC, RTSP_BOTH)}
    return devices, output, logs


def _accepted(device: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in device["findings"] if f["id"] == "default-credentials-accepted")


def test_with_consent_the_bundled_default_is_found_and_never_shown(
        check_lab: CheckLab, consented: tuple[dict[str, Any], str, dict[str, str]]) -> None:
    devices, output, _ = consented
    accepted = next(f for f in devices[WEB_BASIC]["findings"]
                    if f["id"] == "default-credentials-accepted")
    assert accepted["port"] == 80 and accepted["severity"] == "critical"
    digest = next(f for f in devices[DIGEST_WEB.ip]["findings"]
                  if f["id"] == "default-credentials-accepted")  # Digest maths agree with lighttpd
    assert digest["port"] == 80
    rtsp = next(f for f in devices[RTSP_CAMERA.ip]["findings"]
                if f["id"] == "default-credentials-accepted")
    assert rtsp["port"] == 554 and "Hikvision" not in rtsp["evidence"]  # one-login list
    assert "admin:12345" not in output and "12345\"" not in output
    assert "authorised by Lab Tester" in accepted["evidence"]
    assert base64.b64encode(b"admin:admin").decode() not in output
    assert "admin:admin" not in output and "admin/admin" not in output
    camera = next(f for f in devices[CAMERA]["findings"]
                  if f["id"] == "default-credentials-rejected")
    per_place = [int(n) for n in re.findall(r"\((\d+)\)", camera["evidence"])]
    assert "RTSP DESCRIBE on TCP 554" in camera["evidence"] and len(per_place) == 3
    assert all(1 <= n <= 3 for n in per_place), camera["evidence"]  # telnet, RTSP, SNMP
    assert int(camera["evidence"].split(" ", 1)[0]) == sum(per_place)
    for device in devices.values():
        assert "credential-checks-not-run" not in _ids(device)
    snmp = next(f for f in devices[WEB_PLAIN]["findings"]
                if f["id"] == "default-credentials-accepted")
    assert "SNMP" in snmp["evidence"] and "Lab printer SNMP agent" in snmp["evidence"]
    assert "public" not in snmp["evidence"] and "request answered" in check_lab.snmp_log()


def test_rtsp_basic_gets_the_vendor_default_first_and_stops_there(
        consented: tuple[dict[str, Any], str, dict[str, str]]) -> None:
    devices, _, logs = consented
    assert _accepted(devices[RTSP_BASIC.ip])["port"] == 554  # Uniview's own, not a generic one
    log = logs[RTSP_BASIC.name].split()
    assert log.count("basic") == 1 and log.count("digest") == 0, log
    assert logs[RTSP_BASIC.name].count("describe accepted") == 1
    assert logs[RTSP_BASIC.name].rstrip().endswith("describe accepted")  # nothing after it


def test_an_open_stream_is_no_login_not_a_factory_default(
        check_lab: CheckLab, consented: tuple[dict[str, Any], str, dict[str, str]]) -> None:
    devices, _, _ = consented
    with_consent = _ids(devices[RTSP_OPEN.ip])
    assert "rtsp-no-login" in with_consent, devices[RTSP_OPEN.ip]
    assert "default-credentials-accepted" not in with_consent
    rejected = [f["evidence"] for f in devices[RTSP_OPEN.ip]["findings"]
                if f["id"] == "default-credentials-rejected"]
    assert not any("RTSP" in e for e in rejected), rejected  # no login was asked, none tried
    assert "basic" not in check_lab.rtsp_log(RTSP_OPEN.name)
    assert "digest" not in check_lab.rtsp_log(RTSP_OPEN.name)
    without, _ = _run(check_lab)
    assert "rtsp-no-login" in _ids(without[RTSP_OPEN.ip])
    assert "rtsp-no-login" not in _ids(without[RTSP_CAMERA.ip])  # it asks for a password


def test_rtsp_uses_digest_when_the_camera_offers_both(
        consented: tuple[dict[str, Any], str, dict[str, str]]) -> None:
    devices, _, logs = consented
    assert _accepted(devices[RTSP_BOTH.ip])["port"] == 554  # Reolink's blank password
    log = logs[RTSP_BOTH.name].split()
    assert log.count("digest") == 1 and "basic" not in log, log


def test_a_real_snmpd_answers_the_second_community_with_consent_only(
        check_lab: CheckLab, consented: tuple[dict[str, Any], str, dict[str, str]]) -> None:
    devices, _, _ = consented
    snmp = _accepted(devices[SNMPD.ip])
    assert snmp["port"] is None and "SNMP v2c community on UDP 161" in snmp["evidence"]
    assert SNMPD_DESCR in snmp["evidence"]
    assert "snmp-v1v2c-answering" in _ids(devices[SNMPD.ip])
    assert not any("private" in f["evidence"] for d in devices.values() for f in d["findings"])
    without, _ = _run(check_lab)
    assert not {"default-credentials-accepted", "snmp-v1v2c-answering"} & _ids(without[SNMPD.ip])
    # SNMPv3 discovery needs no credential: Net-SNMP (IANA enterprise 8072) answers it; the
    # v2c-only lab agent ignores it and is found only with consent
    agent = next(f for f in without[SNMPD.ip]["findings"] if f["id"] == "snmp-open")
    assert "enterprise number 8072" in agent["evidence"], agent
    assert "snmp-open" not in _ids(without[WEB_PLAIN])
    assert "SNMP v2c community on UDP 161" in next(
        f["evidence"] for f in without[SNMPD.ip]["findings"]
        if f["id"] == "credential-checks-not-run")


def test_a_working_login_never_reaches_output_logs_store_or_reports(
        check_lab: CheckLab) -> None:
    log = check_lab.lab.workdir / "run-checks-debug.log"
    db = check_lab.lab.workdir / "secret-run.sqlite3"
    devices, output = _run(check_lab, "--consent", "Lab Tester", "--credentials-dir",
                           str(check_lab.secret_credentials()), "--log", str(log),
                           "--save-db", str(db), unprivileged=False)
    for spec in (SECRET_WEB, SECRET_TELNET):
        assert "default-credentials-accepted" in _ids(devices[spec.ip]), spec.name
    assert "attempt accepted" in check_lab.telnet_log()
    token = base64.b64encode(f"{LAB_SECRET_USER}:{LAB_SECRET}".encode()).decode()
    everything = (output + log.read_text()).encode()
    assert log.read_text()  # debug logging really ran
    saved = [p for p in db.parent.iterdir() if p.name.startswith(db.name) or
             p.name.startswith(db.stem + ".")]
    assert {p.suffix for p in saved} >= {".sqlite3", ".html", ".csv", ".json"}, saved
    assert b"default-credentials-accepted" in db.with_suffix(".json").read_bytes()
    everything += b"".join(p.read_bytes() for p in saved)
    for secret in (LAB_SECRET, LAB_SECRET_USER, token):
        assert secret.encode() not in everything
