"""Garbage is collected on the GUI thread only: worker threads never free Qt wrappers."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot


def test_automatic_collection_is_off_and_the_gui_thread_collects(qtbot: QtBot) -> None:
    assert not gc.isenabled()  # the session's collector (tests/gui/conftest.py) turned it off
    freed = threading.Event()
    seen_on: list[str] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self
            self.qt = QObject()  # a Qt wrapper inside a reference cycle

        def __del__(self) -> None:
            seen_on.append(threading.current_thread().name)
            freed.set()

    kept: list[list[int]] = []

    def make_garbage() -> None:
        Cycle()
        kept.extend([] for _ in range(5000))  # enough new objects to make a collection due

    worker = threading.Thread(target=make_garbage, name="worker")
    worker.start()
    worker.join(timeout=30)
    qtbot.waitUntil(freed.is_set, timeout=10_000)
    assert seen_on == [threading.main_thread().name]
