"""Starts the Qt application: logging, the crash hook and the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow


def run(argv: Sequence[str] = ()) -> int:
    """Open the main window and run the event loop until the user quits."""
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("IoT Hygiene")
    app.setOrganizationName("IoT Hygiene")
    window = MainWindow()
    window.show()
    return int(app.exec())
