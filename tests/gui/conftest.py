"""GUI test helpers: a window on a throw-away database, the sample replay, scripted dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from gui import dialogs
from gui.garbage import GuiThreadGarbageCollector
from gui.main_window import PREFERRED_SIZE, MainWindow
from gui.scan_service import ReplayScanService
from gui.session import Session

DialogHandler = Callable[[QDialog], int]


class ModalScript:
    """Replaces gui.dialogs.run_modal: records each dialog and answers it with a handler."""

    def __init__(self) -> None:
        self.seen: list[QDialog] = []
        self.handlers: list[DialogHandler] = []

    def then(self, handler: DialogHandler) -> ModalScript:
        self.handlers.append(handler)
        return self

    def __call__(self, dialog: QDialog) -> int:
        self.seen.append(dialog)
        if self.handlers:
            return self.handlers.pop(0)(dialog)
        return int(QDialog.DialogCode.Rejected)


@pytest.fixture
def modal(monkeypatch: pytest.MonkeyPatch) -> ModalScript:
    script = ModalScript()
    monkeypatch.setattr(dialogs, "run_modal", script)
    return script


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hygiene.sqlite3"


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, db_path: Path) -> Iterator[WindowFactory]:
    """Builds MainWindows on the test database (never a real scan: a replay service)."""
    made: list[MainWindow] = []

    def build(service: ReplayScanService | None = None) -> MainWindow:
        window = MainWindow(Session.open(db_path), service or ReplayScanService(delay=0.0))
        qtbot.addWidget(window)
        window.resize(PREFERRED_SIZE)  # as on a desktop (the offscreen screen is only 800x600)
        window.show()
        made.append(window)
        settle(qtbot, window)
        return window

    yield build
    for window in made:
        close_window(window)


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the window's background work (scan, site load, dashboard) is done."""
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)


def close_window(window: MainWindow) -> None:
    window.shutdown()
    window.session.close()


def labels_text(widget: QWidget) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [label.text() for label in widget.findChildren(QLabel)]


@pytest.fixture(autouse=True)
def _models_under_tester(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every device model and proxy a GUI test builds runs under QAbstractItemModelTester."""
    from tests.gui.model_tester import watch_models

    watch_models(monkeypatch)


@pytest.fixture(scope="session", autouse=True)
def _gui_thread_garbage_collection(qapp: QApplication) -> Iterator[None]:
    """As in the app: Python garbage is collected on the GUI thread only (gui/garbage.py)."""
    collector = GuiThreadGarbageCollector(qapp)
    yield
    collector.stop()
