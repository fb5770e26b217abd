"""The History dialog: scans in plain words, "since my last visit" first, details on demand."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.models import ArpMode, ScanInfo, ScanResult
from core.store import ScanSummary
from gui.history import HistoryDialog, default_pair, plain_when
from tests.gui.conftest import ModalScript, WindowFactory, settle
from tests.gui.history_helpers import at, cancel, history_scans, press, saved_site


def _summary(scan_id: int, started: str) -> ScanSummary:
    return ScanSummary(id=scan_id, site_id=1, started=started, finished=started, interface="",
                       network="", mode="kernel", version="", device_count=0, finding_counts=())


def test_plain_words_and_the_default_pair() -> None:
    now = dt.datetime.now().astimezone()
    assert plain_when(at(0, 9), now) == "Today at 09:00"
    assert plain_when(at(1, 16), now) == "Yesterday at 16:00"
    assert plain_when(at(30, 10), now).endswith(" at 10:00")
    assert plain_when("garbage", now) == "garbage"
    newest_first = [_summary(4, at(0, 9)), _summary(3, at(0, 8)), _summary(2, at(1, 16)),
                    _summary(1, at(1, 10))]
    assert default_pair(newest_first) == (2, 4)  # the latest scan of an earlier day
    assert default_pair(newest_first[:2]) == (3, 4)  # all today: the one before
    assert default_pair(newest_first[:1]) == (None, 4)
    assert default_pair([]) == (None, None)


def test_history_compares_since_my_last_visit_and_shows_details_on_demand(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    _, ids = saved_site(window, history_scans())
    settle(qtbot, window)
    seen: list[HistoryDialog] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        seen.append(dialog)
        assert dialog.table.rowCount() == 4
        assert dialog.table.item(0, 0).text() == "Today at 09:00"
        assert dialog.table.item(0, 1).text() == "Standard"
        assert dialog.table.item(0, 2).text() == "3"
        assert dialog.table.item(1, 0).text() == "Yesterday at 16:00"
        assert dialog.pair == (ids[2], ids[3])  # yesterday afternoon → today
        important = dialog.important.toPlainText()
        assert "New devices" in important and "(192.0.2.4)" in important
        assert "New problems" in important and "Title of upnp" in important
        assert "Address changes" not in important
        assert dialog.details.isHidden()
        dialog.details_button.click()
        assert not dialog.details.isHidden() and dialog.details_button.text() == "Hide details"
        details = dialog.details.toPlainText()
        assert "Address changes" in details and "192.0.2.9" in details
        assert "Not seen this time" in details and "(192.0.2.3)" in details
        dialog.details_button.click()
        assert dialog.details.isHidden()
        dialog.choose_pair(ids[0], ids[1])  # any two: two identical scans
        assert dialog.summary_label.text().startswith("Nothing that needs you changed")
        return int(QDialog.DialogCode.Rejected)

    modal.then(look)
    window.site_actions.history_action.trigger()
    assert len(seen) == 1


def test_a_scan_is_deleted_from_the_history_after_a_backup(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    site_id, ids = saved_site(window, history_scans())
    settle(qtbot, window)
    assert window.table_model.row_for("aa:bb:cc:00:00:04") is not None

    def delete_newest(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        dialog.table.selectRow(0)
        assert dialog.delete_button.isEnabled()
        dialog.delete_selected_scan()  # cancelled first
        assert len(window.session.scans(site_id)) == 4
        dialog.delete_selected_scan()
        assert dialog.table.rowCount() == 3
        assert dialog.pair == (ids[0], ids[2])  # yesterday is now the newest day
        return int(QDialog.DialogCode.Rejected)

    modal.then(delete_newest).then(cancel).then(press("Delete the scan"))
    window.site_actions.show_history()
    confirm_text = modal.seen[1].text()
    assert str(window.session.backup_folder) in confirm_text
    assert [s.id for s in window.session.scans(site_id)] == ids[2::-1]
    assert window.session.store.backups()  # the way back
    settle(qtbot, window)
    assert window.table_model.row_for("aa:bb:cc:00:00:04") is None  # only that scan saw it
    assert "deleted" in window.statusBar().currentMessage()


def test_history_of_a_site_without_scans(make_window: WindowFactory,
                                         modal: ModalScript) -> None:
    window = make_window()
    window.controller.create_site("Empty")

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        assert dialog.table.rowCount() == 0 and dialog.changes is None
        assert "No scan yet" in dialog.summary_label.text()
        return 0

    modal.then(look)
    window.site_actions.show_history()
    assert len(modal.seen) == 1


def test_a_first_scan_compares_against_nothing(make_window: WindowFactory,
                                              modal: ModalScript) -> None:
    window = make_window()
    info = ScanInfo(interface="eth0", network="192.0.2.0/24", mode=ArpMode.RAW,
                    started=at(0, 8), finished=at(0, 8), version="0", checks_run=True)
    saved_site(window, [ScanResult(info=info, devices=history_scans()[0].devices)])

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        assert dialog.pair[0] is None and dialog.table.item(0, 1).text() == "Deep"
        assert dialog.changes is not None and len(dialog.changes.new_devices) == 3
        return 0

    modal.then(look)
    window.site_actions.show_history()
    assert len(modal.seen) == 1
