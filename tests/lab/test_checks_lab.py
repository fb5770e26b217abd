"""Checks against the check lab's real servers, run inside the scanner namespace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require_lab
from tests.lab.check_lab import GOOD_IP, HOSTILE, CheckLab
from tests.lab.netlab import Lab
from tests.timing import within

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def check_lab() -> Iterator[CheckLab]:
    require_lab()
    with Lab() as lab:
        yield CheckLab(lab, hostile=True).build()


@pytest.fixture(scope="module")
def scan(check_lab: CheckLab) -> dict[str, Any]:
    """One default run (no consent) over every lab device, as unprivileged `nobody`."""
    return _run(check_lab, "--devices", check_lab.devices_json())


def _run(check_lab: CheckLab, *args: str) -> dict[str, Any]:
    lab = check_lab.lab
    proc = lab.run_scanner(lab.python("tests.lab.devices.run_checks", *args), unprivileged=True)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _by_ip(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["ip"]: d for d in doc["devices"]}


def test_each_device_shows_its_findings_with_evidence(check_lab: CheckLab,
                                                      scan: dict[str, Any]) -> None:
    devices = _by_ip(scan)
    for spec in check_lab.specs():
        device = devices[spec.ip]
        ids = {f["id"] for f in device["findings"]}
        assert set(spec.expect) <= ids, (spec.name, ids)
        assert set(spec.ports) <= set(device["open_ports"]), (spec.name, device["open_ports"])
        for item in device["findings"]:
            assert item["evidence"] and item["fix"] and item["refs"], item


def test_well_configured_device_has_nothing_above_info(scan: dict[str, Any]) -> None:
    good = _by_ip(scan)[GOOD_IP]
    assert good["open_ports"] == [80, 443]
    assert [f for f in good["findings"] if f["severity"] != "info"] == []
    cert = next(f for f in good["findings"] if f["id"] == "tls-certificate")
    assert "issuer CN=IoT Hygiene Lab CA" in cert["evidence"] and "RSA 2048" in cert["evidence"]


def test_tls_versions_and_certificate_facts(scan: dict[str, Any]) -> None:
    devices = _by_ip(scan)
    old = next(f for f in devices["10.231.0.25"]["findings"] if f["id"] == "tls-old-protocol")
    assert "TLSv1" in old["evidence"] and old["port"] == 8443
    weak = next(f for f in devices["10.231.0.24"]["findings"] if f["id"] == "tls-weak-key")
    assert "1024" in weak["evidence"]


def test_hostile_peers_get_bounded_recorded_outcomes(scan: dict[str, Any]) -> None:
    hostile = _by_ip(scan)[HOSTILE.ip]
    by_port = {}
    for item in hostile["findings"]:
        by_port.setdefault(item["port"], []).append(item)
    assert "checks-incomplete" not in {f["id"] for f in hostile["findings"]}
    for port in (21, 80, 443, 1883, 8080):  # trickle, garbage, bad TLS, garbage, flood
        assert port in by_port, (port, hostile["findings"])
    telnet = next(f for f in hostile["findings"] if f["id"] == "telnet-open")
    assert "no answer in 2 s" in telnet["evidence"]
    assert scan["elapsed"] < within(8.0)


def test_all_checks_finish_well_inside_the_budget(scan: dict[str, Any]) -> None:
    assert len(scan["devices"]) >= 12
    assert all("checks-incomplete" not in {f["id"] for f in d["findings"]}
               for d in scan["devices"])


@pytest.mark.parametrize("kex", ["curve25519-sha256", "ecdh-sha2-nistp256"])
def test_ssh_login_methods_over_each_key_exchange(check_lab: CheckLab, kex: str) -> None:
    code = (
        "import asyncio, core.checks.ssh as s, core.checks.probes as p\n"
        "from core.checks.net import Gate\n"
        f"s.KEX = ({kex!r},)\n"
        "async def main():\n"
        "    gate = Gate(asyncio.Semaphore(4), asyncio.Semaphore(4), 1.0, 2.0)\n"
        "    for f in await p.check_ssh('10.231.0.27', 22, gate):\n"
        "        print(f.id, '|', f.evidence)\n"
        "asyncio.run(main())\n"
    )
    proc = check_lab.lab.run_scanner([check_lab.lab.python("core.checks")[0], "-c", code])
    assert proc.returncode == 0, proc.stderr
    assert "ssh-password-auth | " in proc.stdout and "password" in proc.stdout, proc.stdout
    assert "OpenSSH" in proc.stdout
