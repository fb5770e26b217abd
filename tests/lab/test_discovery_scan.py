"""Lab: `iot-hygiene scan` finds every office device with the right MAC, vendor and category."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.discovery import oui
from tests.lab.office import IGD_DESCRIPTION, OFFICE, OUTSIDE_LOCATION_HOST, Office

pytestmark = pytest.mark.lab

FRIENDLY_VENDOR = {"printer": "HP", "camera": "Hikvision", "hub": "Raspberry Pi",
                   "router": "TP-Link", "nas": "Synology", "phone": "", "silent": "Dell",
                   "tv": "Google", "pc": "Dell", "oddball": "Espressif", "badupnp": "GainSpan"}
_SCANS: dict[tuple[str, bool], dict[str, Any]] = {}


def scan(office: Office, mode: str, unprivileged: bool = False) -> dict[str, Any]:
    """The scan JSON for `mode`, run once per office (the devices do not change)."""
    key = (mode, unprivileged)
    if key not in _SCANS or _SCANS[key]["office"] is not office:
        lab = office.lab
        # 4 s rather than the default 3: other test suites may load the machine meanwhile.
        proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--json",
                                          "--mode", mode, "--timeout", "4"),
                               unprivileged=unprivileged)
        assert proc.returncode == 0, proc.stderr
        _SCANS[key] = {"office": office, "doc": json.loads(proc.stdout)}
    doc: dict[str, Any] = _SCANS[key]["doc"]
    return doc


def by_mac(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["mac"]: d for d in doc["devices"]}


BOTH_MODES = pytest.mark.parametrize(("mode", "unprivileged"),
                                     [("kernel", True), ("raw", False)])


@BOTH_MODES
def test_every_office_device_is_found_with_mac_vendor_and_category(
        office: Office, mode: str, unprivileged: bool) -> None:
    doc = scan(office, mode, unprivileged)
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
    assert len(devices) == len(OFFICE) + 1  # and the scanner itself, nothing invented


@BOTH_MODES
def test_silent_host_is_found_by_arp_alone(office: Office, mode: str, unprivileged: bool) -> None:
    silent = by_mac(scan(office, mode, unprivileged))[office.expected["silent"].mac]
    assert silent["sources"] == ["arp"] and silent["services"] == []


def test_random_mac_is_flagged_without_vendor(office: Office) -> None:
    phone = by_mac(scan(office, "kernel", True))[office.expected["phone"].mac]
    assert phone["mac_random"] is True and phone["vendor"] == ""
    assert phone["label"] == "(private address)"


def test_every_advertised_mdns_service_and_txt_is_found(office: Office) -> None:
    devices = by_mac(scan(office, "kernel", True))
    for spec in OFFICE:
        found = {s["type"] for s in devices[spec.mac]["services"]}
        assert found == set(spec.services), spec.name
    printer = devices[office.expected["printer"].mac]
    ipp = next(s for s in printer["services"] if s["type"] == "_ipp._tcp.local.")
    assert ipp["name"] == "HP OfficeJet Pro 9015" and ipp["port"] == 631
    assert ipp["txt"] == {"ty": "HP OfficeJet Pro 9015", "product": "(HP OfficeJet Pro 9015)",
                          "note": "Front office", "rp": "ipp/print"}
    assert ipp["host"] == "HPOfficeJet9015.local." and ipp["addresses"] == ["10.231.0.10"]
    assert printer["model"] == "HP OfficeJet Pro 9015"
    assert "HPOfficeJet9015.local" in printer["hostnames"]
    hub = devices[office.expected["hub"].mac]
    hap = next(s for s in hub["services"] if s["type"] == "_hap._tcp.local.")
    assert hap["txt"]["sf"] == "1" and hap["txt"]["id"] == "AA:BB:CC:DD:EE:FF"
    tv = devices[office.expected["tv"].mac]
    assert tv["model"] == office.expected["tv"].extra["model"]


def test_ssdp_description_is_parsed(office: Office) -> None:
    router = by_mac(scan(office, "raw"))[office.expected["router"].mac]
    upnp = router["upnp"]
    assert "ssdp" in router["sources"]
    assert upnp["location"] == "http://10.231.0.13:49152/description.xml"
    for field, xml_tag in (("friendly_name", "friendlyName"), ("manufacturer", "manufacturer"),
                           ("model_name", "modelName"), ("model_number", "modelNumber"),
                           ("serial", "serialNumber"), ("device_type", "deviceType")):
        assert f"<{xml_tag}>{upnp[field]}</{xml_tag}>" in IGD_DESCRIPTION
    assert upnp["services"] == ["urn:schemas-upnp-org:service:WANIPConnection:1"]
    assert router["model"] == "Archer C7" and router["label"] == "Office Router"


def test_hostile_mdns_data_is_decoded_safely(office: Office) -> None:
    odd = by_mac(scan(office, "kernel", True))[office.expected["oddball"].mac]
    service = odd["services"][0]
    assert service["type"] == "_odd-thing._tcp.local."  # a type nobody seeds: enumerated
    assert service["name"].startswith("<b>Odd</b>")  # kept as text; escaping is the views' job
    txt = service["txt"]
    assert "" not in txt
    assert txt["bad"] == "\\xff\\xfe\\x00\\xc3("
    assert txt["\\xff\\xfe"] == "latin-1 key" and txt["flag"] == ""
    assert sum(k.startswith("big") for k in txt) == 24


def test_hostile_upnp_does_not_break_the_scan(office: Office) -> None:
    doc = scan(office, "raw")
    bad = by_mac(doc)[office.expected["badupnp"].mac]
    assert bad["upnp"]["friendly_name"] == ""  # broken or oversized XML: location only
    assert len(bad["upnp"]["server"]) <= 1024
    locations = [d["upnp"]["location"] for d in doc["devices"] if d["upnp"]]
    assert not any(OUTSIDE_LOCATION_HOST in loc for loc in locations)


def test_unprivileged_auto_mode_falls_back_to_kernel_and_says_why(office: Office) -> None:
    doc = scan(office, "auto", True)
    assert doc["scan"]["mode"] == "kernel"
    assert "root" in doc["scan"]["mode_reason"]
    assert set(by_mac(doc)) == set(by_mac(scan(office, "kernel", True)))


def test_root_auto_mode_uses_raw(office: Office) -> None:
    doc = scan(office, "auto")
    assert doc["scan"]["mode"] == "raw"
    assert "permitted" in doc["scan"]["mode_reason"]


def test_raw_mode_without_rights_is_a_plain_error(office: Office) -> None:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--mode", "raw"),
                           unprivileged=True)
    assert proc.returncode == 1
    assert "administrator rights" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_scanning_computer_is_listed_and_marked(office: Office) -> None:
    selves = [d for d in scan(office, "kernel", True)["devices"] if d["is_self"]]
    assert [d["ip"] for d in selves] == [office.lab.scanner.ip]
    assert selves[0]["mac"] == office.lab.scanner.mac


def test_table_output_is_readable(office: Office) -> None:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0"))
    assert proc.returncode == 0, proc.stderr
    assert "HP OfficeJet Pro 9015" in proc.stdout
    assert "raw mode" in proc.stdout


@pytest.mark.parametrize(("argv", "message"), [
    (["--interface", "eth9"], "no network interface called 'eth9'"),
    (["--interface", "eth0", "--network", "10.99.0.0/24"], "not directly attached"),
])
def test_cli_errors_are_plain_messages(office: Office, argv: list[str], message: str) -> None:
    lab = office.lab
    proc = lab.run_scanner(lab.python("core", "scan", *argv), unprivileged=True)
    assert proc.returncode == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr
