"""The main window opens with the product name, an empty device list and a disabled Scan."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow


def test_main_window_opens_empty_and_closes(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "IoT Hygiene" in window.windowTitle()
    assert not window.scan_button.isEnabled()
    assert window.device_table.model() is None or window.device_table.model().rowCount() == 0
    window.close()
