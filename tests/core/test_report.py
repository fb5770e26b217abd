"""Reports escape hostile device text, stay bounded, and carry every finding."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from core.assessment import SiteAssessment, assess_scan
from core.models import ArpMode, Device, Finding, ScanInfo, ScanResult, Severity
from core.report import ReportContext, ReportData, findings_csv, html_report, scan_report_data

HOSTILE = "<marquee>x</marquee><script>alert(1)</script>\u202eevil"


def _scan(label: str = HOSTILE) -> ScanResult:
    finding = Finding(id="telnet-open", severity=Severity.HIGH, title="Telnet is open",
                      evidence=f"banner: {label}", fix="Turn telnet off.",
                      refs=("ETSI EN 303 645 5.5-1",), port=23)
    devices = (
        Device(mac="c0:56:e3:00:00:01", ips=("10.0.0.5",), hostnames=(f"{label}.local.",),
               vendor="Hikvision", findings=(finding,), open_ports=(23,)),
        Device(mac="3c:d9:2b:00:00:02", ips=("10.0.0.6",), vendor="HP"),
    )
    info = ScanInfo(interface="eth0", network="10.0.0.0/24", mode=ArpMode.KERNEL,
                    started="2026-11-22T06:00:00Z", finished="2026-11-22T06:00:03Z")
    return ScanResult(info=info, devices=devices)


def _result(label: str = HOSTILE) -> SiteAssessment:
    return assess_scan(_scan(label))


def _data(label: str = HOSTILE, site: str = "") -> ReportData:
    return scan_report_data(_result(label), ReportContext(site=site, scan=_scan(label).info))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_escapes_hostile_names() -> None:
    page = html_report(_data(site="Acme <Dental>"))
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "marquee" not in parser.tags
    assert any("<script>alert(1)</script>" in t for t in parser.text)
    assert "Acme <Dental>" in "".join(parser.text)


def test_html_report_lists_findings_with_fix_and_reference() -> None:
    page = html_report(_data("camera"))
    assert "Telnet is open" in page
    assert "Turn telnet off." in page
    assert "ETSI EN 303 645 5.5-1" in page
    assert page.index("camera") < page.index("3c:d9:2b:00:00:02")  # worst device first


def test_html_report_bounds_huge_names() -> None:
    page = html_report(_data("A" * 10_000))
    assert "A" * 2001 not in page


def test_csv_has_one_row_per_finding_and_defuses_formulas() -> None:
    rows = list(csv.reader(io.StringIO(findings_csv(_result("=HYPERLINK(1)")))))
    assert rows[0][0] == "device"
    assert len(rows) == 2
    assert rows[1][0].startswith("'=")
    assert rows[1][rows[0].index("finding")] == "telnet-open"


def test_every_csv_cell_is_formula_safe() -> None:
    rows = list(csv.reader(io.StringIO(findings_csv(_result("x")))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[1][rows[0].index("severity")] == "high"
