"""What both real-window lab drivers share: answering the welcome, waiting on the event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QDialog

from gui.welcome import WelcomeDialog


def welcome(interface: str, report: dict[str, Any] | None = None) -> Callable[[QDialog], int]:
    """A modal handler that sets up "Lab office" on `interface` (noting the offered networks)."""
    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, WelcomeDialog)
        if report is not None:
            report["welcome_networks"] = [i.name for i in dialog.interfaces]
        for button in dialog.network_group.buttons():
            button.setChecked(interface in button.text().split())
        dialog.site_edit.setText("Lab office")
        return int(QDialog.DialogCode.Accepted)
    return run


def wait_for(condition: Callable[[], object], timeout: float) -> bool:
    """Run the event loop until `condition()` holds or `timeout` seconds pass; True if it held."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: (condition() or time.monotonic() > deadline) and loop.quit())
    poll.start()
    if not condition():
        loop.exec()
    poll.stop()
    return bool(condition())
