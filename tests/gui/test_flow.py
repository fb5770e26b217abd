"""The office-manager flow on the sample office: first run to answers that survive a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from core.models import Tag
from gui.main_window import SAMPLE_SITE_NAME
from gui.scan_service import ReplayScanService, load_sample
from gui.welcome import WelcomeDialog
from tests.gui.conftest import ModalScript, WindowFactory, settle

CAMERA_MAC = "c0:56:e3:44:21:0b"
LEFT = Qt.MouseButton.LeftButton


def _welcome_as(site: str) -> object:
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, WelcomeDialog)
        dialog.site_edit.setText(site)
        assert dialog.ok_button.isEnabled()
        return int(QDialog.DialogCode.Accepted)
    return answer


def test_first_run_scan_checklist_and_restart(qtbot: QtBot, make_window: WindowFactory,
                                              modal: ModalScript) -> None:
    service = ReplayScanService(delay=0.01)
    window = make_window(service)
    assert window.table_model.rowCount() == 0
    modal.then(_welcome_as("Acme Dental"))
    window.start_first_run_if_needed()
    settle(qtbot, window)
    assert isinstance(modal.seen[0], WelcomeDialog)
    assert window.site is not None and window.site.name == "Acme Dental"
    assert window.table_model.rowCount() == 0, "nothing is scanned before the user says so"
    assert window.scan_bar.interface == service.interface
    assert window.scan_button.isEnabled()

    qtbot.mouseClick(window.scan_button, LEFT)
    qtbot.waitUntil(lambda: window.table_model.row_for(CAMERA_MAC) is not None, timeout=5000)
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=5000)
    assert window.table_model.rowCount() == len(service.result.devices)
    assert "finished" in window.scan_bar.phase_label.text()

    window.open_device(CAMERA_MAC)
    page = window.device_page
    assert window.right.currentWidget() is page
    assert "Telnet" in " ".join(label.text() for label in page.findChildren(QLabel))
    first_items = [item.id for item in page.wizard._items[:3]]
    assert len(first_items) == 3
    page.wizard.answer("yes")
    page.wizard.answer("no")
    page.wizard.answer("unsure")
    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.WORK))
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    page.notes.owner_edit.setText("Dr Lee")
    page.notes.save()

    second = make_window(service)
    assert second.site is not None and second.site.name == "Acme Dental"
    row = second.table_model.row_for(CAMERA_MAC)
    assert row is not None and row.tag is Tag.WORK
    second.open_device(CAMERA_MAC)
    details = second.device_page.details
    assert details is not None and details.owner == "Dr Lee"
    assert [details.answers[i] for i in first_items] == ["yes", "no", "unsure"]
    assert second.device_page.wizard.current_item.id not in first_items


def test_sample_office_from_welcome(qtbot: QtBot, make_window: WindowFactory,
                                    modal: ModalScript) -> None:
    window = make_window()

    def choose_sample(dialog: QDialog) -> int:
        assert isinstance(dialog, WelcomeDialog)
        dialog.sample_button.click()
        return int(dialog.result())

    modal.then(choose_sample)
    window.start_first_run_if_needed()
    settle(qtbot, window)
    assert window.site is not None and window.site.name == SAMPLE_SITE_NAME
    assert window.table_model.rowCount() == len(load_sample().devices)
    assert not window.scan_button.isEnabled(), "the sample is a recording, not a network"
    assert window.dashboard.severity_labels


def test_cancel_scan_keeps_nothing(qtbot: QtBot, make_window: WindowFactory,
                                   modal: ModalScript) -> None:
    service = ReplayScanService(delay=0.3)
    window = make_window(service)
    window.controller.create_site("Cancel office", service.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    window.start_scan()
    assert window.scan_bar.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.table_model.rowCount() >= 1, timeout=5000)
    qtbot.mouseClick(window.scan_bar.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not window.scanner.running, timeout=5000)
    assert "cancelled" in window.scan_bar.phase_label.text()
    assert window.table_model.rowCount() < len(service.result.devices)
    assert window.site is not None and not window.session.has_scans(window.site.id)
    assert window.scan_button.isEnabled() and not window.scan_bar.cancel_button.isVisible()
