"""Lab: `iot-hygiene scan` finds every office device with the right MAC, vendor and category."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core import oui
from tests.lab.office import OFFICE, Office

pytestmark = pytest.mark.lab

FRIENDLY_VENDOR = {"printer": "HP", "camera": "Hikvision", "hub": "Raspberry Pi",
                   "router": "TP-Link", "nas": "Synology", "phone": "", "silent": "Dell"}


def scan(office: Office, *args: str, unprivileged: bool = False) -> dict[str, Any]:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--json", *args),
                           unprivileged=unprivileged)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def by_mac(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["mac"]: d for d in doc["devices"]}


@pytest.mark.parametrize(("mode", "unprivileged"), [("kernel", True), ("raw", False)])
def test_every_office_device_is_found_with_mac_vendor_and_category(
        office: Office, mode: str, unprivileged: bool) -> None:
    doc = scan(office, "--mode", mode, unprivileged=unprivileged)
    assert doc["scan"]["mode"] == mode
    devices = by_mac(doc)
    for spec in OFFICE:
        device = devices.get(spec.mac)
        assert device, f"{spec.name} ({spec.mac}) not found in {mode} mode"
        assert device["ip"] == spec.ip
        assert spec.vendor in oui.registry_org(spec.mac)
        assert device["vendor"] == FRIENDLY_VENDOR[spec.name]
        assert device["category"] == spec.category, spec.name
        assert device["mac_random"] == spec.mac_random
        assert "arp" in device["sources"]


def test_unprivileged_auto_mode_falls_back_to_kernel_and_says_why(office: Office) -> None:
    doc = scan(office, "--mode", "auto", unprivileged=True)
    assert doc["scan"]["mode"] == "kernel"
    assert "root" in doc["scan"]["mode_reason"]
    assert office.expected["silent"].mac in by_mac(doc)


def test_root_auto_mode_uses_raw(office: Office) -> None:
    doc = scan(office, "--mode", "auto")
    assert doc["scan"]["mode"] == "raw"
    assert office.expected["silent"].mac in by_mac(doc)


def test_raw_mode_without_rights_is_a_plain_error(office: Office) -> None:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--mode", "raw"),
                           unprivileged=True)
    assert proc.returncode == 1
    assert "administrator rights" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_scanning_computer_is_listed_and_marked(office: Office) -> None:
    doc = scan(office, "--mode", "kernel")
    selves = [d for d in doc["devices"] if d["is_self"]]
    assert [d["ip"] for d in selves] == [office.lab.scanner.ip]
    assert selves[0]["mac"] == office.lab.scanner.mac


def test_table_output_is_readable(office: Office) -> None:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0"))
    assert proc.returncode == 0, proc.stderr
    assert "HP OfficeJet Pro 9015" in proc.stdout
    assert "raw mode" in proc.stdout
