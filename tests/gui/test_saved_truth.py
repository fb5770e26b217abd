"""The table and device page show the saved truth: live scans, cancels, page edits, notes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.errors import StoreError
from core.models import Severity, Tag
from gui.main_window import MainWindow
from gui.models import Column, DeviceRow, DeviceTableModel
from gui.scan_service import ReplayScanService, load_sample
from gui.views import DeviceNotesFields
from tests.gui.conftest import ModalScript, WindowFactory, settle

SAVED_FIRST = 6  # the first scan sees the sample's first six devices; the second sees all
CAMERA_MAC = "c0:56:e3:44:21:0b"
NAS_MAC = "00:11:32:9c:4e:0c"
LEFT = Qt.MouseButton.LeftButton


def _shown(window: MainWindow, row: DeviceRow) -> tuple[str, ...]:
    """What the table shows of a row: name, tag, score and open issues, as text."""
    model = window.table_model
    position = model.rows.index(row)
    return tuple(str(model.data(model.index(position, column)))
                 for column in (Column.NAME, Column.TAG, Column.SCORE, Column.ISSUES))


def _saved(window: MainWindow) -> dict[str, tuple[str, ...]]:
    """The rows the store holds, as the table would show them."""
    assert window.site is not None
    rows = window.session.device_rows(window.site.id)
    model = DeviceTableModel()
    model.set_rows(rows)
    return {r.device.mac: tuple(str(model.data(model.index(i, c))) for c in (
        Column.NAME, Column.TAG, Column.SCORE, Column.ISSUES)) for i, r in enumerate(model.rows)}


def _table(window: MainWindow) -> dict[str, tuple[str, ...]]:
    return {r.device.mac: _shown(window, r) for r in window.table_model.rows}


def _site_with_first_scan(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    sample = load_sample()
    first = ReplayScanService(replace(sample, devices=sample.devices[:SAVED_FIRST]), delay=0.0)
    window = make_window(first)
    window.controller.create_site("Live office", first.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(first.interfaces(), first.interface.name)
    window.start_scan()
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=10_000)
    settle(qtbot, window)
    assert window.site is not None and window.session.has_scans(window.site.id)
    return window


def test_a_cancelled_scan_never_shows_less_than_the_saved_table(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _site_with_first_scan(qtbot, make_window)
    assert window.site is not None
    site_id = window.site.id
    window.session.set_tag(site_id, CAMERA_MAC, Tag.WORK)
    window.session.save_notes(site_id, NAS_MAC, replace(_notes(window, site_id, NAS_MAC),
                                                         label="Backup box"))
    window.controller.refresh()
    settle(qtbot, window)
    before = _saved(window)
    assert _table(window) == before and len(before) == SAVED_FIRST
    assert before[NAS_MAC][0] == "Backup box"

    window.scanner.service = ReplayScanService(delay=0.08)  # the whole sample, slowly
    counts: list[int] = []
    known_seen: list[dict[str, tuple[str, ...]]] = []
    watch = QTimer()
    watch.setInterval(5)
    watch.timeout.connect(lambda: (counts.append(window.table_model.rowCount()), known_seen.append(
        {m: v for m, v in _table(window).items() if m in before})))
    watch.start()
    window.start_scan()
    qtbot.waitUntil(lambda: window.table_model.rowCount() >= SAVED_FIRST + 2, timeout=10_000)
    live = [r for r in window.table_model.rows if getattr(r, "live", False)]
    assert live and all(r.device.mac not in before for r in live)
    assert all(_shown(window, r)[3] == "New — not saved yet" for r in live), "marked unsaved"
    font = window.table_model.data(window.table_model.index(
        window.table_model.rows.index(live[0]), Column.NAME), Qt.ItemDataRole.FontRole)
    assert font is not None and font.italic()
    camera = window.table_model.row_for(CAMERA_MAC)
    assert camera is not None and not getattr(camera, "live", False)
    qtbot.mouseClick(window.scan_bar.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=10_000)
    settle(qtbot, window)
    counts.append(window.table_model.rowCount())
    watch.stop()

    assert min(counts) >= SAVED_FIRST, "the table never shows fewer rows than were saved"
    assert all(seen == before for seen in known_seen if len(seen) == SAVED_FIRST), \
        "saved names, tags, scores and open issues stay while the scan runs"
    assert _table(window) == before, "after a cancel the table is exactly the saved one"
    assert not any(getattr(r, "live", False) for r in window.table_model.rows)
    assert "cancelled" in window.scan_bar.phase_label.text()
    assert _saved(window) == before, "nothing was saved"


def _notes(window: MainWindow, site_id: int, mac: str) -> DeviceNotesFields:
    details = window.session.device_details(site_id, mac)
    return DeviceNotesFields(label=details.label, owner=details.owner,
                             location=details.location, notes=details.notes,
                             support_end=details.support_end, review_date=details.review_date)


def _page_matches_store(window: MainWindow) -> None:
    """The open device page shows what a fresh assessment of the device says."""
    page = window.device_page
    fresh = window.session.device_details(page.site_id, page.mac)
    assert page.details is not None and page.details.score == fresh.score
    assert page.score_label.text().startswith(f"Score {fresh.score} / 100")
    opened = sum(1 for f in fresh.findings if f.status == "open"
                 and f.finding.severity is not Severity.INFO)
    assert page.tabs.tabText(0) == f"&Findings ({opened} open)"
    box = page.findings_box
    shown = [box.itemAt(i).widget() for i in range(box.count())]
    texts = [w.text() for w in shown if isinstance(w, type(page.score_label))]
    assert any(t.startswith(f"Why {fresh.score} / 100") for t in texts) or not [
        line for line in fresh.score_lines if not line.startswith("+0 ")]
    row = window.table_model.row_for(page.mac)
    assert row is not None and row.score == fresh.score and row.tag is fresh.tag


def test_the_device_page_updates_at_once_after_each_change(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _site_with_first_scan(qtbot, make_window)
    assert window.site is not None
    window.open_device(CAMERA_MAC)
    page = window.device_page
    _page_matches_store(window)
    before = page.score_label.text(), page.tabs.tabText(0)

    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.HOME))  # home device on a work network
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    assert (page.score_label.text(), page.tabs.tabText(0)) != before, "tagging changed the score"
    _page_matches_store(window)
    settle(qtbot, window)

    position = page.wizard._position
    page.wizard.answer("no")
    _page_matches_store(window)
    assert page.wizard._position == position + 1, "the checklist keeps its place"

    details = page.details
    assert details is not None
    finding = next(f for f in details.findings if f.status == "open")
    page.set_finding_status(finding.finding.id, "fixed")
    _page_matches_store(window)
    settle(qtbot, window)
    fresh = window.session.dashboard(window.site.id)
    assert window.dashboard.changes_label.text() == ("\n".join(fresh.changes)
                                                     or "Nothing to compare yet.")


def _back_action(window: MainWindow) -> QAction:
    return next(a for a in window.actions() if QKeySequence("Esc") in a.shortcuts())


@pytest.mark.parametrize("leave", ["back button", "escape", "other device", "autosave"])
def test_typed_notes_are_saved_when_leaving_or_pausing(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript, leave: str) -> None:
    window = _site_with_first_scan(qtbot, make_window)
    assert window.site is not None
    window.open_device(CAMERA_MAC)
    page = window.device_page
    page.tabs.setCurrentWidget(page.notes)
    qtbot.keyClicks(page.notes.owner_edit, "Dr Lee")
    qtbot.keyClicks(page.notes.label_edit, "Door camera")
    page.notes.notes_edit.setPlainText("Behind the plant")
    if leave == "back button":
        qtbot.mouseClick(page.back_button, LEFT)
        assert window.right.currentWidget() is window.devices
    elif leave == "escape":
        _back_action(window).trigger()
        assert window.right.currentWidget() is window.devices
    elif leave == "other device":
        window.open_device(NAS_MAC)
        assert page.mac == NAS_MAC and page.notes.owner_edit.text() == ""
    else:
        qtbot.waitUntil(lambda: page.notes.saved_label.text() == "Saved.", timeout=5000)
        assert page.name_label.text() == "Door camera", "the header follows the saved name"
        assert page.notes.owner_edit.text() == "Dr Lee", "saving never resets what is typed"
    details = window.session.device_details(window.site.id, CAMERA_MAC)
    assert (details.owner, details.label, details.notes) == ("Dr Lee", "Door camera",
                                                             "Behind the plant")
    row = window.table_model.row_for(CAMERA_MAC)
    assert row is not None and row.display_name == "Door camera"
    assert not modal.seen, "no message: it was simply saved"


def test_a_failed_notes_save_says_so_and_keeps_the_page_once(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = _site_with_first_scan(qtbot, make_window)
    window.open_device(CAMERA_MAC)
    page = window.device_page
    qtbot.keyClicks(page.notes.owner_edit, "Dr Lee")

    def broken(*args: object) -> None:
        raise StoreError("The database is read-only.", "Check the disk.")

    monkeypatch.setattr(window.session, "save_notes", broken)
    modal.then(lambda dialog: int(QDialog.DialogCode.Accepted))
    _back_action(window).trigger()
    assert len(modal.seen) == 1 and isinstance(modal.seen[0], QMessageBox)
    assert "read-only" in modal.seen[0].text() + modal.seen[0].informativeText()
    assert window.right.currentWidget() is page, "the typed text stays on screen"
    assert page.notes.owner_edit.text() == "Dr Lee"
    assert "Not saved" in page.notes.saved_label.text()
    _back_action(window).trigger()
    assert window.right.currentWidget() is window.devices, "told once, then the user may go"
