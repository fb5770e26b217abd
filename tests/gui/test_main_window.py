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


def test_the_first_size_fits_a_small_screen() -> None:
    from PySide6.QtCore import QSize

    from gui.main_window import PREFERRED_SIZE, first_size

    assert first_size(QSize(1280, 800)) == QSize(1280, PREFERRED_SIZE.height())
    assert first_size(QSize(1920, 1080)) == PREFERRED_SIZE
    assert first_size(QSize(1024, 600)) == QSize(1024, 600)
