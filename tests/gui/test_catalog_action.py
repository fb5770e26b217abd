"""Loading a newer, invalid or older KEV catalogue from the window, in plain words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.fingerprints import current_catalog, user_catalog_path
from core.models import Device, Fingerprint
from core.paths import resource
from core.store import Store
from gui import dialogs
from tests.fixtures.db.builders import scan
from tests.gui.conftest import ModalScript, WindowFactory, settle

CAMERA = "c0:56:e3:00:00:07"
BUNDLED = resource("kev", "known_exploited_vulnerabilities.json")
NEW_ENTRY = {"cveID": "CVE-2026-12345", "vendorProject": "Acme", "product": "Cam 1000",
             "vulnerabilityName": "Acme Cam 1000 Command Injection", "dateAdded": "2026-11-19",
             "shortDescription": "d", "requiredAction": "Apply the vendor's update.",
             "dueDate": "2026-12-10", "knownRansomwareCampaignUse": "Unknown", "notes": "",
             "cwes": []}


@pytest.fixture(autouse=True)
def _fresh_catalogue() -> Iterator[None]:
    current_catalog.cache_clear()  # each test has its own data folder
    yield
    current_catalog.cache_clear()


def _catalogue(path: Path, version: str, released: str, extra: list[dict[str, Any]],
               **broken: Any) -> Path:
    doc = json.loads(BUNDLED.read_text(encoding="utf-8"))
    doc["vulnerabilities"] += extra
    doc.update(catalogVersion=version, dateReleased=released,
               count=len(doc["vulnerabilities"]), **broken)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _save_camera(db: Path) -> None:
    camera = Device(mac=CAMERA, ips=("192.0.2.7",), vendor="Acme", sources=("arp", "wsd"),
                    fingerprints=(Fingerprint("hw", "Acme", "Cam 1000", "", "", "",
                                              "wsd 'Acme' 'Cam 1000'"),))
    result = scan("2026-11-01T10:00:00Z", camera)
    with Store.open(db) as store:
        site = store.create_site("Shop", networks=("192.0.2.0/24",))
        store.save_scan(site.id, replace(result, info=replace(result.info,
                                                              kev_catalog="2025.08.25")))


def _load(qtbot: QtBot, window: Any, modal: ModalScript, path: Path,
          monkeypatch: pytest.MonkeyPatch) -> QMessageBox:
    monkeypatch.setattr(dialogs, "ask_catalog_path", lambda parent, title: path)
    shown = len(modal.seen)
    window.catalog.load_action.trigger()
    qtbot.waitUntil(lambda: len(modal.seen) > shown, timeout=20_000)
    settle(qtbot, window)
    box = modal.seen[-1]
    assert isinstance(box, QMessageBox)
    return box


def _open_ids(window: Any) -> set[str]:
    row = window.table_model.row_for(CAMERA)
    return set(row.assessment.open_ids)


def test_a_newer_catalogue_is_loaded_and_the_site_reassessed(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path, modal: ModalScript,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _save_camera(db_path)
    window = make_window()
    window.open_device(CAMERA)
    assert "known-exploited-vulnerability-possible" not in _open_ids(window)
    assert "2025.08.25" in window.catalog.status_label.text()
    newer = _catalogue(tmp_path / "kev.json", "2026.11.20", "2026-11-20T12:00:00.000Z",
                       [NEW_ENTRY])
    box = _load(qtbot, window, modal, newer, monkeypatch)
    assert box.text().startswith("Loaded the catalogue of 2026-11-20, 1,405 entries")
    assert "checked against it again" in box.text()
    assert user_catalog_path().is_file()
    assert "known-exploited-vulnerability-possible" in _open_ids(window)
    assert window.catalog.status_label.text() == (
        "Vulnerability catalogue: CISA KEV 2026.11.20 (released 2026-11-20, 1,405 entries); "
        "the latest scan used 2025.08.25")
    page = window.device_page.details.assessment
    assert any("CVE-2026-12345" in f.evidence for f in page.open_findings)
    first = window.session.assess(window.site.id).actions[0]
    assert first.text == "Update the firmware or replace the device (CVE-2026-12345)"


def test_an_invalid_file_is_refused_with_a_clear_error(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path, modal: ModalScript,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _save_camera(db_path)
    window = make_window()
    bad = _catalogue(tmp_path / "kev.json", "2026.11.20", "2026-11-20T12:00:00.000Z",
                     [{**NEW_ENTRY, "cveID": "not-a-cve"}])
    box = _load(qtbot, window, modal, bad, monkeypatch)
    assert "is not a CVE id" in box.text() and "<" not in box.text()
    assert "cisa.gov" in box.text() + box.informativeText()
    assert not user_catalog_path().exists()
    assert "2025.08.25" in window.catalog.status_label.text()
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xffnot json")
    box = _load(qtbot, window, modal, garbage, monkeypatch)
    assert "garbage.json" in box.text()
    assert not user_catalog_path().exists()


def test_an_older_catalogue_is_not_used(
        qtbot: QtBot, make_window: WindowFactory, db_path: Path, modal: ModalScript,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _save_camera(db_path)
    window = make_window()
    older = _catalogue(tmp_path / "kev.json", "2024.01.02", "2024-01-02T00:00:00.000Z",
                       [NEW_ENTRY])
    box = _load(qtbot, window, modal, older, monkeypatch)
    assert box.text() == ("That file holds the catalogue of 2024-01-02, older than the one in "
                          "use (of 2025-08-25, 1,404 entries), which stays in use.")
    assert not user_catalog_path().exists()
    assert "known-exploited-vulnerability-possible" not in _open_ids(window)
    assert current_catalog().version == "2025.08.25"
