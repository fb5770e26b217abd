"""Known errors become friendly messages in one place; bugs open the crash dialog and are logged."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core import errors
from core.paths import log_dir
from gui import app, dialogs
from gui.session import Session
from tests.gui.conftest import ModalScript, WindowFactory, settle


@pytest.mark.parametrize(("error", "title", "hint_word"), [
    (errors.NeedsPrivilegesError("Deep mode needs raw network access."), "Admin rights needed",
     "Standard mode"),
    (errors.NoKeyringError("No system keychain is available."), "No secure password storage",
     "plain text"),
    (errors.InterfaceError("eth0 is down."), "Network interface problem", "connected"),
    (errors.DatabaseTooNewError("The database was written by version 9."),
     "Database written by a newer version", "latest"),
])
def test_each_known_error_is_a_friendly_message(qtbot: QtBot, modal: ModalScript,
                                                error: errors.KnownError, title: str,
                                                hint_word: str) -> None:
    dialogs.show_error(None, error)
    box = modal.seen[-1]
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == title
    assert box.text() == error.message
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert hint_word in box.informativeText()


def test_a_hint_from_the_error_wins(modal: ModalScript) -> None:
    dialogs.show_error(None, errors.InterfaceError("wlan0 has no address.", "Join the Wi-Fi."))
    assert modal.seen[-1].informativeText() == "Join the Wi-Fi."  # type: ignore[attr-defined]


def test_database_too_new_at_start_explains_and_does_not_open(
        db_path: Path, modal: ModalScript, monkeypatch: pytest.MonkeyPatch) -> None:
    from gui.main_window import MainWindow

    def too_new(cls: type, path: Path | None = None) -> Session:
        raise errors.DatabaseTooNewError("This database comes from a newer IoT Hygiene.")

    monkeypatch.setattr(Session, "open", classmethod(too_new))
    assert MainWindow.open_default() is None
    assert modal.seen[-1].windowTitle() == "Database written by a newer version"


def test_unexpected_error_opens_crash_dialog_with_details_and_log(
        qtbot: QtBot, modal: ModalScript) -> None:
    log_file = app.setup_logging()
    assert app.setup_logging() == log_file  # configured once
    try:
        _crash_and_check(log_file, modal)
    finally:
        app.close_logging()


def _crash_and_check(log_file: Path, modal: ModalScript) -> None:
    try:
        raise ValueError("boom in a slot")
    except ValueError:
        app.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    crash = modal.seen[-1]
    assert isinstance(crash, dialogs.CrashDialog)
    assert "ValueError: boom in a slot" in crash.details.toPlainText()
    assert str(log_dir()) in crash.log_label.text()
    crash.copy_details()
    assert "boom in a slot" in QGuiApplication.clipboard().text()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "boom in a slot" in log_file.read_text(encoding="utf-8")


def test_known_error_reaching_the_hook_is_still_friendly(modal: ModalScript) -> None:
    try:
        raise errors.InterfaceError("eth0 vanished.")
    except errors.InterfaceError:
        app.handle_exception(*sys.exc_info())  # type: ignore[arg-type]
    assert isinstance(modal.seen[-1], QMessageBox)
    assert modal.seen[-1].windowTitle() == "Network interface problem"


def test_a_failing_scan_shows_the_error_and_keeps_the_data(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    from gui.scan_service import ReplayScanService

    class DownInterface(ReplayScanService):
        def scan(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise errors.InterfaceError("eth0 went down during the scan.")

    service = DownInterface(delay=0)
    window = make_window(service)
    window.open_sample()
    settle(qtbot, window)
    window.controller.create_site("Office", service.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    window.start_scan()
    qtbot.waitUntil(lambda: bool(modal.seen), timeout=5000)
    assert modal.seen[-1].windowTitle() == "Network interface problem"
    assert not window.scanner.running and window.scan_button.isEnabled()
    assert len(window.session.sites()) == 2


def test_crash_dialog_never_stacks(modal: ModalScript) -> None:
    def nested(dialog: QDialog) -> int:
        dialogs.show_crash(None, "second", "log")
        return 0

    modal.then(nested)
    dialogs.show_crash(None, "first", "log")
    assert len(modal.seen) == 1


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_opens_the_crash_dialog_and_the_window_lives_on(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()
    monkeypatch.setattr(sys, "excepthook", app.handle_exception)

    def broken(who: str) -> None:
        raise ValueError("boom in a controller slot")

    window.controller.consent_changed.connect(broken)
    window.controller.withdraw_consent()
    crash = modal.seen[-1]
    assert isinstance(crash, dialogs.CrashDialog)
    assert "boom in a controller slot" in crash.details.toPlainText()
    window.controller.consent_changed.disconnect(broken)
    window.open_sample()
    settle(qtbot, window)
    assert window.table_model.rowCount() == 12
