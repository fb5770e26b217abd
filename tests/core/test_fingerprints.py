"""Recog fingerprints on recorded banners, and KEV matching: true, not affected, vendor only."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest

from core.checks import CheckOptions, run_checks
from core.cli import main
from core.errors import DataFileError
from core.fingerprints import kev, model_and_firmware, recog
from core.fingerprints.exposure import kev_findings
from core.fingerprints.identify import DISCOVERY_KEYS, fingerprint, from_texts, observed_texts
from core.models import (
    ArpMode,
    Device,
    Fingerprint,
    MdnsService,
    ScanInfo,
    ScanResult,
    UpnpInfo,
    WsdInfo,
)
from core.scan.jsonio import device_from_json, device_to_json, scan_from_json, scan_to_json
from tests.timing import within

# Banners as real devices and daemons send them (recorded from the lab and from Recog examples).
RECORDED = [
    ("http_header.server", "Apache/2.4.49 (Unix)",
     ("service", "Apache", "HTTPD", "2.4.49", "cpe:/a:apache:http_server:2.4.49")),
    ("ssh.banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
     ("service", "OpenBSD", "OpenSSH", "9.2p1", "cpe:/a:openbsd:openssh:9.2p1")),
    ("ftp.banner", "220 (vsFTPd 3.0.3)",
     ("service", "vsFTPd Project", "vsFTPd", "3.0.3", "cpe:/a:vsftpd_project:vsftpd:3.0.3")),
    ("http_header.server", "lighttpd/1.4.69",
     ("service", "lighttpd", "lighttpd", "1.4.69", "cpe:/a:lighttpd:lighttpd:1.4.69")),
    ("telnet.banner", "\r\n\r\nMikroTik v6.40.4 (bugfix)\r\nLogin: ",
     ("os", "MikroTik", "RouterOS", "6.40.4", "cpe:/o:mikrotik:routeros:6.40.4")),
    ("rtsp_header.server", "Hipcam RealServer/V1.0",
     ("service", "RealNetworks", "RealServer", "1.0", "")),
    ("x509.subject", r"CN=00:22:6b:ef:1e:d0,OU=RV042,O=Cisco-Linksys\, LLC,L=Irvine,C=US",
     ("hw", "Cisco", "RV042", "", "")),
]


@pytest.mark.parametrize(("key", "text", "expected"), RECORDED)
def test_recorded_banners_name_vendor_product_version_and_cpe(
        key: str, text: str, expected: tuple[str, ...]) -> None:
    found = from_texts([(key, text)])
    assert expected in [(f.part, f.vendor, f.product, f.version, f.cpe) for f in found]
    assert all(f.evidence.startswith(key) for f in found)


def test_a_camera_banner_names_the_device_type() -> None:
    (hw,) = [f for f in from_texts([("rtsp_header.server", "Hipcam RealServer/V1.0")])
             if f.part == "hw"]
    assert (hw.vendor, hw.device_type) == ("Hipcam", "IP Camera")


def test_unknown_text_names_nothing() -> None:
    assert from_texts([("http_header.server", "iot-hygiene-test-server"),
                       ("no.such.matcher", "Apache/2.4.49")]) == []


def test_nearly_all_recog_examples_match_after_translation() -> None:
    total = passed = skipped = 0
    for key in recog.DATABASES:
        database = recog.database(key)
        skipped += database.skipped
        for rule in database.rules:
            for text, expected in rule.examples:
                total += 1
                hit = recog.match(key, text)
                passed += bool(hit and all(hit[1].get(k) == v for k, v in expected))
    assert total > 4000 and passed / total > 0.99
    assert skipped < 20  # counted, never silently dropped


@pytest.mark.parametrize(("ruby", "text"), [
    (r"^fw (?<ver>\h+)\z", "fw 0aF3"),
    (r"^[[:alpha:]]+ [[:digit:]]+$", "build 42"),
    (r"(?m)^a.b", "a\nb"),
    (r"^x\Z", "x\n"),
])
def test_ruby_regex_features_are_translated(ruby: str, text: str) -> None:
    assert re.search(recog.translate(ruby), text, re.MULTILINE)


def test_untranslatable_patterns_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<fingerprints matches="x"><fingerprint pattern="^\\p{Alpha}+$">'
                    '<param pos="0" name="service.product" value="A"/></fingerprint>'
                    '<fingerprint pattern="^ok$"><param pos="0" name="service.product" '
                    'value="B"/></fingerprint></fingerprints>')
    database = recog.read_database(path, "x")
    assert (len(database.rules), database.skipped) == (1, 1)


def test_upnp_and_device_info_txt_are_fingerprints() -> None:
    device = Device(mac="02:00:00:00:00:01", upnp=UpnpInfo(
        location="http://10.0.0.2/d.xml", manufacturer="NETGEAR", model_name="R7000",
        firmware="V1.0.9.88", server="Linux/2.6 UPnP/1.0 miniupnpd/1.9"),
        services=(MdnsService("_device-info._tcp.local.", "mac", 0,
                              txt=(("model", "MacBookPro18,1"),)),))
    prints = fingerprint(device)
    assert prints[0] == Fingerprint("hw", "NETGEAR", "R7000", "V1.0.9.88", "", "",
                                    "upnp 'NETGEAR' 'R7000' firmware 'V1.0.9.88'")
    again = device_from_json(json.loads(json.dumps(device_to_json(
        Device(mac=device.mac, fingerprints=prints)))))
    assert again.fingerprints == prints


# -- KEV
def _catalog(*entries: tuple[str, str, str], ranges: dict[str, tuple[kev.Range, ...]] | None = None
             ) -> kev.Catalog:
    vulns = tuple(kev.Vulnerability(cve, vendor, product, f"{product} flaw",
                                    "Apply mitigations per vendor instructions.", "2024-01-01")
                  for cve, vendor, product in entries)
    return kev.Catalog("2099.01.01", "2099-01-01T00:00:00Z", vulns, ranges or {}, Path("x"))


APACHE = from_texts([("http_header.server", "Apache/2.4.49 (Unix)")])


def test_a_version_in_the_affected_range_is_a_critical_finding() -> None:
    found = kev_findings(APACHE, kev.load_catalog())
    by_cve = {re.findall(r"CVE-\d+-\d+", f.evidence)[0]: f for f in found}
    assert {"CVE-2021-41773", "CVE-2021-42013"} <= set(by_cve)
    assert "CVE-2019-0211" not in by_cve  # 2.4.39 fixed it: 2.4.49 is not affected
    first = by_cve["CVE-2021-41773"]
    assert first.id == "known-exploited-vulnerability" and first.severity.value == "critical"
    assert first.title == "This model has a vulnerability that attackers are using now"
    for words in ("CPE cpe:/a:apache:http_server:2.4.49", "version 2.4.49 is affected",
                  "CISA's required action: Apply", "KEV catalogue 2025.08.25",
                  "http_header.server 'Apache/2.4.49 (Unix)'"):
        assert words in first.evidence
    assert "update the device's firmware" in first.fix.lower()


def test_a_version_outside_every_range_is_not_affected() -> None:
    fixed = from_texts([("http_header.server", "Apache/2.4.62 (Unix)")])
    assert kev_findings(fixed, kev.load_catalog()) == []


def test_an_unknown_version_is_a_possible_match_saying_so() -> None:
    unknown = [Fingerprint("service", "Apache", "HTTPD", "", cpe="cpe:/a:apache:http_server")]
    found = kev_findings(unknown, kev.load_catalog())
    assert found and {f.id for f in found} == {"known-exploited-vulnerability-possible"}
    assert all("version unknown (affected:" in f.evidence for f in found)


def test_no_versions_listed_means_the_version_was_not_checked() -> None:
    catalog = _catalog(("CVE-2020-0001", "D-Link", "DIR-859 Router"))
    found = kev_findings([Fingerprint("hw", "D-Link", "DIR-859", "1.06")], catalog)
    assert [f.id for f in found] == ["known-exploited-vulnerability-possible"]
    assert "vendor and product name; version 1.06, not checked" in found[0].evidence


def test_never_a_match_on_the_vendor_alone() -> None:
    catalog = _catalog(("CVE-2020-0002", "NETGEAR", "Multiple Devices"),
                       ("CVE-2020-0003", "D-Link", "DCS-2530L and DCS-2670L Devices"),
                       ("CVE-2020-0004", "Hikvision", "Hikvision Products"))
    for seen in (Fingerprint("hw", "NETGEAR", "R7000", "1.0"), Fingerprint("hw", "D-Link"),
                 Fingerprint("hw", "D-Link", "DCS-930L"), Fingerprint("hw", "Hikvision"),
                 Fingerprint("service", "Hikvision", "", cpe="cpe:/h:hikvision")):
        assert kev.find_matches(catalog, [seen]) == []
    (match,) = kev.find_matches(catalog, [Fingerprint("hw", "D-Link", "DCS-2670L")])
    assert match.vulnerability.cve == "CVE-2020-0003"


def test_versions_compare_as_numbers() -> None:
    assert kev.version_key("2.4.9") < kev.version_key("2.4.49") < kev.version_key("2.4.50")
    assert kev.Range("3.5.0", "4.4.14").holds("4.4.13")
    assert not kev.Range("", "6.42.1").holds("6.43")


def _write(path: Path, version: str, released: str, vulns: list[dict[str, str]]) -> Path:
    path.write_text(json.dumps({"title": "t", "catalogVersion": version,
                                "dateReleased": released, "count": len(vulns),
                                "vulnerabilities": vulns}))
    return path


VULN = {"cveID": "CVE-2099-0001", "vendorProject": "Acme", "product": "Cam 1",
        "vulnerabilityName": "n", "dateAdded": "2099-01-01", "shortDescription": "d",
        "requiredAction": "Update.", "dueDate": "2099-01-21",
        "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}


@pytest.mark.parametrize(("change", "problem"), [
    ({"cveID": "CVE-99"}, "is not a CVE id"),
    ({"colour": "red"}, "unknown keys"),
    ({"product": " "}, "product must be non-empty"),
])
def test_the_reader_refuses_a_bad_entry(tmp_path: Path, change: dict[str, str],
                                        problem: str) -> None:
    path = _write(tmp_path / "k.json", "1", "2099-01-01T00:00:00Z", [{**VULN, **change}])
    with pytest.raises(DataFileError, match=problem):
        kev.read_catalog(path, {})


def test_the_reader_refuses_a_wrong_count(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"catalogVersion": "1", "dateReleased": "2099-01-01",
                                "count": 2, "vulnerabilities": [VULN]}))
    with pytest.raises(DataFileError, match="count"):
        kev.read_catalog(path, {})


def test_a_user_without_a_data_folder_gets_the_bundled_catalogue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("IOT_HYGIENE_DATA_DIR", str(blocker / "data"))  # cannot be created
    assert kev.load_catalog().version == "2025.08.25"


def test_a_loaded_newer_catalogue_is_preferred_and_a_bad_one_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOT_HYGIENE_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(DataFileError, match=r"bad\.json"):
        kev.install_catalog(bad)
    assert kev.load_catalog().version == "2025.08.25"  # nothing installed
    newer = _write(tmp_path / "new.json", "2099.01.01", "2099-01-01T00:00:00Z", [VULN])
    kev.install_catalog(newer)
    assert kev.load_catalog().version == "2099.01.01"
    assert kev.current_catalog().version == "2099.01.01"
    found = kev_findings([Fingerprint("hw", "Acme", "Cam 1 camera", "2")])
    assert found and "KEV catalogue 2099.01.01" in found[0].evidence
    older = _write(tmp_path / "old.json", "2001.01.01", "2001-01-01T00:00:00Z", [VULN])
    kev.install_catalog(older)
    assert kev.load_catalog().version == "2025.08.25"  # the bundled one is newer
    kev.current_catalog.cache_clear()


def test_checks_put_fingerprints_and_kev_findings_on_the_device() -> None:
    async def page(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nServer: Apache/2.4.49 (Unix)\r\n"
                     b"Content-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def main() -> Device:
        server = await asyncio.start_server(page, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        device = Device(mac="02:00:00:00:00:09", ips=("127.0.0.1",),
                        services=(MdnsService("_http._tcp.local.", "web", port),))
        try:
            (checked,) = await asyncio.to_thread(
                run_checks, [device], CheckOptions(ports=(port,), read_timeout=1.0))
        finally:
            server.close()
        return checked

    checked = asyncio.run(main())
    assert any(f.cpe == "cpe:/a:apache:http_server:2.4.49" for f in checked.fingerprints)
    assert "known-exploited-vulnerability" in {f.id for f in checked.findings}


def test_an_onvif_answer_is_a_hardware_fingerprint() -> None:
    device = Device(mac="02:00:00:00:00:05", wsd=WsdInfo(manufacturer="Hikvision",
                                                          model="DS-2CD2143G2-I"))
    assert fingerprint(device) == (Fingerprint("hw", "Hikvision", "DS-2CD2143G2-I", "", "", "",
                                               "wsd 'Hikvision' 'DS-2CD2143G2-I'"),)


def test_model_and_firmware_prefer_discovery_then_fingerprints() -> None:
    router = Device(mac="02:00:00:00:00:06", model="Archer C7", upnp=UpnpInfo(
        location="http://10.0.0.6/d.xml", firmware="1.0.9"))
    assert model_and_firmware(router) == ("Archer C7", "1.0.9")
    mikrotik = Device(mac="02:00:00:00:00:07", fingerprints=tuple(from_texts(
        [("telnet.banner", "MikroTik v6.40.4 (bugfix)\r\nLogin: ")])))
    assert model_and_firmware(mikrotik) == ("", "RouterOS 6.40.4")
    cisco = Device(mac="02:00:00:00:00:08", fingerprints=(Fingerprint("hw", "Cisco", "RV042"),))
    assert model_and_firmware(cisco) == ("Cisco RV042", "")
    assert model_and_firmware(Device(mac="02:00:00:00:00:09")) == ("", "")


def test_the_kev_command_shows_and_loads_a_catalogue(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kev", "show"]) == 0
    assert "KEV catalogue version 2025.08.25" in capsys.readouterr().out
    newer = _write(tmp_path / "new.json", "2099.01.01", "2099-01-01T00:00:00Z", [VULN])
    assert main(["kev", "update", str(newer)]) == 0
    assert "Loaded: KEV catalogue version 2099.01.01" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"catalogVersion": "x"}')
    assert main(["kev", "update", str(bad)]) == 1
    assert "cisa.gov" in capsys.readouterr().err
    kev.current_catalog.cache_clear()


def test_the_kev_command_keeps_a_newer_catalogue_over_an_older_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    older = _write(tmp_path / "old.json", "2020.01.01", "2020-01-01T00:00:00Z", [VULN])
    assert main(["kev", "update", str(older)]) == 0
    out = capsys.readouterr().out
    assert "Not loaded: That file holds the catalogue of 2020-01-01, older than" in out
    assert "In use: KEV catalogue version 2025.08.25" in out
    assert not kev.user_catalog_path().exists()
    kev.current_catalog.cache_clear()


def test_the_scan_json_says_which_catalogue_was_used() -> None:
    info = ScanInfo(interface="eth0", network="10.0.0.0/24", mode=ArpMode.KERNEL,
                    started="2026-01-01T00:00:00Z", checks_run=True, kev_catalog="2025.08.25")
    doc = scan_to_json(ScanResult(info=info))
    assert doc["scan"]["kev_catalog"] == "2025.08.25"
    assert scan_from_json(json.loads(json.dumps(doc))).info.kev_catalog == "2025.08.25"


def test_hostile_texts_are_matched_in_bounded_time() -> None:
    hostile = ["\n" * 5000, "a" * 5000, "\r\n" * 2000, "1." * 3000]
    started = time.monotonic()
    for key in recog.DATABASES:
        for text in hostile:
            recog.match(key, text)
    assert time.monotonic() - started < within(3.0)
    many = [("http_header.server", f"x{i}") for i in range(1000)]
    assert from_texts(many) == []  # only the first MAX_TEXTS are looked at, quickly


def test_the_preloaded_recog_files_are_those_discovery_texts_use() -> None:
    device = Device(mac="aa:00:00:00:00:02", ips=("192.0.2.11",),
                    upnp=UpnpInfo(location="http://192.0.2.11/", server="MiniDLNA/1.3.0"),
                    services=(MdnsService(type="_device-info._tcp.local.", name="nas", port=0,
                                          host="", addresses=(), txt=(("model", "Xserve"),)),))
    assert {key for key, _ in observed_texts(device)} == set(DISCOVERY_KEYS)
