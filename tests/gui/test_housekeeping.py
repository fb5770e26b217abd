"""Delete, keep, export and import from the window: confirmations, previews and backups."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.store import list_backups
from gui import dialogs
from gui.main_window import MainWindow
from gui.models import Column
from tests.fixtures.db.builders import device, scan
from tests.gui.conftest import ModalScript, WindowFactory, settle
from tests.gui.history_helpers import (
    CAMERA,
    NETWORK,
    PRINTER,
    at,
    cam,
    cancel,
    history_scans,
    press,
    saved_site,
    web,
)


def _select(window: MainWindow, mac: str) -> None:
    proxy = window.devices.proxy
    for row in range(proxy.rowCount()):
        index = proxy.index(row, Column.NAME)
        if index.data(Qt.ItemDataRole.UserRole + 1).device.mac == mac:
            window.device_table.setCurrentIndex(index)
            return
    raise AssertionError(f"no row for {mac}")


def test_delete_site_asks_first_and_keeps_a_backup(qtbot: QtBot, make_window: WindowFactory,
                                                  modal: ModalScript) -> None:
    window = make_window()
    site_id, _ = saved_site(window, history_scans())
    saved_site(window, history_scans()[:1], name="Other office")
    window.controller.choose_site(site_id)
    settle(qtbot, window)
    modal.then(cancel)
    window.site_actions.delete_site_action.trigger()
    assert len(window.session.sites()) == 2 and not list_backups(window.session.store.path)
    question = modal.seen[0].text()
    assert "Acme Dental" in question and "4 scans" in question
    assert str(window.session.backup_folder) in question
    modal.then(press("Delete the site"))
    window.site_actions.delete_site_action.trigger()
    settle(qtbot, window)
    assert [s.name for s in window.session.sites()] == ["Other office"]
    assert window.site is not None and window.site.name == "Other office"
    backups = list_backups(window.session.store.path)
    assert backups and backups[0].path.exists()
    assert str(backups[0].path) in window.statusBar().currentMessage()


def test_delete_device_asks_first_and_keeps_a_backup(qtbot: QtBot, make_window: WindowFactory,
                                                    modal: ModalScript) -> None:
    window = make_window()
    site_id, _ = saved_site(window, history_scans())
    settle(qtbot, window)
    _select(window, CAMERA)
    modal.then(cancel)
    window.site_actions.delete_device_action.trigger()
    assert window.table_model.row_for(CAMERA) is not None
    assert CAMERA in modal.seen[0].text() and str(window.session.backup_folder) in \
        modal.seen[0].text()
    window.open_device(CAMERA)  # from the device page too: it goes back to the list
    modal.then(press("Delete the device"))
    window.site_actions.delete_device_action.trigger()
    settle(qtbot, window)
    assert window.table_model.row_for(CAMERA) is None
    assert CAMERA not in {d.mac for d in window.session.store.devices(site_id)}
    assert window.right.currentWidget() is window.devices
    assert list_backups(window.session.store.path)


def test_a_device_missing_from_the_latest_scan_is_greyed_and_can_be_kept(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    camera = replace(cam(), ips=("192.0.2.2",))
    site_id, _ = saved_site(window, [scan(at(1, 10), web(), camera, network=NETWORK),
                                     scan(at(0, 10), web(), network=NETWORK)])
    settle(qtbot, window)
    row = window.table_model.row_for(CAMERA)
    assert row is not None and row.missing and not row.kept
    position = window.table_model.rows.index(row)
    index = window.table_model.index(position, Column.NAME)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert "Not in the latest scan" in index.data(Qt.ItemDataRole.ToolTipRole)
    present = window.table_model.row_for(PRINTER)
    assert present is not None and not present.missing
    before = window.session.assess(site_id).score.value
    assert "1 not in the latest scan" in window.devices.count_label.text()
    _select(window, PRINTER)
    assert not window.site_actions.keep_action.isEnabled()  # nothing to keep: it was seen
    _select(window, CAMERA)
    assert window.site_actions.keep_action.isEnabled()
    assert not window.site_actions.keep_action.isChecked()
    scores: list[int | None] = []
    window.controller.dashboard_ready.connect(lambda data: scores.append(data.score))
    window.site_actions.keep_action.trigger()
    settle(qtbot, window)
    after = window.session.assess(site_id).score.value
    assert after < before  # the camera's open telnet now counts
    assert scores and scores[-1] == after
    kept = window.table_model.row_for(CAMERA)
    assert kept is not None and kept.kept and kept.missing
    index = window.table_model.index(window.table_model.rows.index(kept), Column.NAME)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is None  # counted: no longer grey
    assert "kept counted" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert window.site_actions.keep_action.isChecked()
    assert "not in the latest scan" not in window.devices.count_label.text()
    window.site_actions.keep_action.trigger()  # and back
    settle(qtbot, window)
    assert window.session.assess(site_id).score.value == before


def test_the_scanning_computer_reads_this_computer_with_no_checklist_or_score(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    me = replace(device("02:00:00:00:00:01", "192.0.2.5"), is_self=True)
    saved_site(window, [scan(at(0, 10), web(), me, network=NETWORK)])
    settle(qtbot, window)
    row = window.table_model.row_for("02:00:00:00:00:01")
    assert row is not None and row.display_name == "This computer" and row.score is None
    position = window.table_model.rows.index(row)
    assert window.table_model.index(position, Column.SCORE).data() == "—"
    window.open_device("02:00:00:00:00:01")
    assert window.device_page.name_label.text() == "This computer"
    assert window.device_page.score_label.text() == ""
    assert window.device_page.details is not None
    assert window.device_page.details.assessment.items == ()


@pytest.fixture
def exported(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch, modal: ModalScript) -> tuple[MainWindow, Path]:
    """A window whose site was exported and then deleted (so an import has work to do)."""
    window = make_window()
    saved_site(window, history_scans())
    settle(qtbot, window)
    target = tmp_path / "acme.json"
    monkeypatch.setattr(dialogs, "ask_export_path", lambda *args: target)
    window.site_actions.export_action.trigger()
    assert target.exists() and str(target) in window.statusBar().currentMessage()
    modal.then(press("Delete the site"))
    window.site_actions.delete_site()
    settle(qtbot, window)
    assert window.session.sites() == ()
    monkeypatch.setattr(dialogs, "ask_import_path", lambda *args: target)
    return window, target


def _sizes(window: MainWindow) -> tuple[int, int, int]:
    store = window.session.store
    sites = store.sites()
    return (len(sites), sum(len(store.scans(s.id)) for s in sites),
            sum(len(store.devices(s.id)) for s in sites))


def test_import_shows_a_preview_and_cancel_writes_nothing(
        exported: tuple[MainWindow, Path], modal: ModalScript) -> None:
    window, _ = exported
    backups = list_backups(window.session.store.path)
    modal.then(cancel)
    assert window.site_actions.import_action.trigger() is None
    preview = modal.seen[-1].text()
    assert "Acme Dental" in preview and "A new site is created" in preview
    assert "Scans added: 4" in preview and "Devices added: 4" in preview
    assert "Nothing has been written yet" in preview
    assert _sizes(window) == (0, 0, 0)
    assert list_backups(window.session.store.path) == backups


def test_import_after_the_preview_adds_the_site_and_opens_it(
        qtbot: QtBot, exported: tuple[MainWindow, Path], modal: ModalScript) -> None:
    window, _ = exported
    modal.then(press("Import"))
    summary = window.site_actions.import_site()
    settle(qtbot, window)
    assert summary is not None and summary.scans_added == 4
    assert _sizes(window) == (1, 4, 4)
    assert window.site is not None and window.site.name == "Acme Dental"
    assert window.table_model.rowCount() == 4
    modal.then(cancel)  # a second import adds nothing, and says so
    window.site_actions.import_site()
    assert "Scans already here (skipped): 4" in modal.seen[-1].text()
    assert "Scans added" not in modal.seen[-1].text()


def test_import_of_a_bad_file_explains_and_writes_nothing(
        exported: tuple[MainWindow, Path], modal: ModalScript) -> None:
    window, target = exported
    target.write_text("{not json", encoding="utf-8")
    window.site_actions.import_site()
    assert "Cannot read" in modal.seen[-1].text()
    assert _sizes(window) == (0, 0, 0)


def test_nothing_is_deleted_or_imported_while_a_scan_runs(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    from gui.scan_service import ReplayScanService

    window = make_window(ReplayScanService(history_scans()[0], delay=0.2))
    saved_site(window, history_scans())
    settle(qtbot, window)
    _select(window, CAMERA)
    assert window.site_actions.delete_device_action.isEnabled()
    window.scan_bar.interface_combo.setCurrentIndex(1)
    window.start_scan()
    assert window.scanner.running
    actions = window.site_actions
    assert not any(a.isEnabled() for a in (actions.delete_site_action, actions.import_action,
                                           actions.delete_device_action, actions.keep_action))
    window.scanner.cancel()
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=10_000)
    settle(qtbot, window)
    assert actions.delete_site_action.isEnabled() and actions.import_action.isEnabled()
