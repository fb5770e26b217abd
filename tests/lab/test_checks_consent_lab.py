"""Consent-gated password checks in the lab: off without consent; bounded, secret-safe with it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require_lab
from tests.lab.check_lab import (
    DIGEST_WEB,
    LAB_SECRET,
    LAB_SECRET_USER,
    RTSP_CAMERA,
    SECRET_TELNET,
    SECRET_WEB,
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
    devices, _ = _run(check_lab)
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


def test_with_consent_the_bundled_default_is_found_and_never_shown(check_lab: CheckLab) -> None:
    devices, output = _run(check_lab, "--consent", "Lab Tester")
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
    tried = int(camera["evidence"].split(" ", 1)[0])
    assert 1 <= tried <= 3
    for device in devices.values():
        assert "credential-checks-not-run" not in _ids(device)
    snmp = next(f for f in devices[WEB_PLAIN]["findings"]
                if f["id"] == "default-credentials-accepted")
    assert "SNMP" in snmp["evidence"] and "Lab printer SNMP agent" in snmp["evidence"]
    assert "public" not in snmp["evidence"] and "request answered" in check_lab.snmp_log()


def test_a_working_login_never_reaches_output_or_logs(check_lab: CheckLab) -> None:
    log = check_lab.lab.workdir / "run-checks-debug.log"
    devices, output = _run(check_lab, "--consent", "Lab Tester", "--credentials-dir",
                           str(check_lab.secret_credentials()), "--log", str(log),
                           unprivileged=False)
    for spec in (SECRET_WEB, SECRET_TELNET):
        assert "default-credentials-accepted" in _ids(devices[spec.ip]), spec.name
    assert "attempt accepted" in check_lab.telnet_log()
    token = base64.b64encode(f"{LAB_SECRET_USER}:{LAB_SECRET}".encode()).decode()
    everything = output + log.read_text()
    assert log.read_text()  # debug logging really ran
    for secret in (LAB_SECRET, LAB_SECRET_USER, token):
        assert secret not in everything
