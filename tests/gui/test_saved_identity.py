"""Device page and every report of a saved site agree on model, firmware and catalogue."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.fingerprints import kev_findings, load_catalog
from core.fingerprints.identify import fingerprint, from_texts
from core.models import Device, UpnpInfo
from core.store import Store
from tests.fixtures.db.builders import scan
from tests.gui.conftest import WindowFactory

ROUTER = "a0:04:60:00:00:01"
MODEL, FIRMWARE = "NETGEAR R7000", "V1.0.9.88"
SCAN_CATALOG = "2025.08.01"  # an older catalogue than the bundled 2025.08.25


def _router() -> Device:
    bare = Device(mac=ROUTER, ips=("192.0.2.1",), vendor="NETGEAR", sources=("arp", "ssdp"),
                  upnp=UpnpInfo(location="http://192.0.2.1/d.xml", manufacturer="NETGEAR",
                                model_name="R7000", firmware=FIRMWARE))
    prints = (*fingerprint(bare),
              *from_texts([("http_header.server", "Apache/2.4.49 (Unix)")]))
    return replace(bare, fingerprints=prints, findings=tuple(kev_findings(prints, load_catalog())))


def _save(db: Path) -> int:
    result = scan("2026-03-01T10:00:00Z", _router())
    with Store.open(db) as store:
        site = store.create_site("Shop", networks=("192.0.2.0/24",))
        store.save_scan(site.id, replace(result, info=replace(result.info,
                                                              kev_catalog=SCAN_CATALOG)))
        return site.id


def _facts(window: object) -> dict[str, tuple[str, dict[str, str]]]:
    tree = window.device_page.facts  # type: ignore[attr-defined]
    found = {}
    for n in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(n)
        children = {item.child(c).text(0): item.child(c).text(1)
                    for c in range(item.childCount())}
        found[item.text(0)] = (item.text(1), children)
    return found


def _report(db: Path, fmt: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "core", "--db", str(db), "report", "--site",
                           "Shop", "--format", fmt], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_window_and_reports_agree_on_identity_and_catalogue(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path) -> None:
    _save(db_path)
    window = make_window()
    row = window.table_model.rows[0]
    assert row.model == MODEL and "r7000" in row.haystack
    window.open_device(ROUTER)
    assert MODEL in window.device_page.subtitle_label.text()
    facts = _facts(window)
    assert facts["Model"][0] == MODEL and facts["Firmware"][0] == FIRMWARE
    assert facts["Model"][1]["How sure"] == "the device named it itself"
    assert facts["Firmware"][1]["From"] == f"upnp firmware '{FIRMWARE}'"
    assert any(name.startswith("Fingerprint") and "Apache" in value
               for name, (value, _) in facts.items())
    assert window.device_page.details.assessment.identity.firmware == FIRMWARE

    html = _report(db_path, "html")
    assert f"{MODEL}, firmware {FIRMWARE}" in html
    assert "CISA KEV 2025.08.25 (released 2025-08-25, 1,404 entries); the latest scan used " \
           f"{SCAN_CATALOG}" in html
    assert "the device named it itself" in html
    inventory = next(csv.DictReader(io.StringIO(_report(db_path, "inventory-csv")
                                                .removeprefix("\ufeff"))))
    assert (inventory["model"], inventory["firmware"]) == (MODEL, FIRMWARE)
    assert SCAN_CATALOG in inventory["kev_catalog"] and "2025.08.25" in inventory["kev_catalog"]
    rows = list(csv.DictReader(io.StringIO(_report(db_path, "csv").removeprefix("\ufeff"))))
    kev_rows = [r for r in rows if r["finding"] == "known-exploited-vulnerability"]
    assert kev_rows and all((r["model"], r["firmware"]) == (MODEL, FIRMWARE) for r in rows)
    assert "CVE-2021-41773" in " ".join(r["evidence"] for r in kev_rows)
    doc = json.loads(_report(db_path, "json"))
    assert doc["next_actions"][0]["urgent"] is True
    assert doc["next_actions"][0]["text"].startswith("Update the firmware or replace the device")
    assert doc["kev_catalog"]["version"] == "2025.08.25"
    assert doc["kev_catalog"]["used_by_latest_scan"] == SCAN_CATALOG
    (device,) = doc["devices"]
    assert (device["model"], device["firmware"]) == (MODEL, FIRMWARE)
    assert device["identity"]["firmware_precision"] == "the device named it itself"
