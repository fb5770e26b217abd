"""Python's garbage is collected on the GUI thread only, so no Qt object dies on a worker thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    """Turns off automatic collection and runs it from a GUI-thread timer instead.

    With automatic collection on, a worker thread that allocates can trigger a collection that
    frees a cycle holding Qt wrappers (a dialog and its lambdas); PySide then schedules their
    C++ deletion for the GUI thread, where the object may already be gone: a segfault in the
    event loop. Collecting here, on the GUI thread, never does that.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)

    def collect_if_due(self) -> None:
        """Collect each generation whose count passed its threshold, youngest first."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)

    def stop(self) -> None:
        """Back to automatic collection (tests, shutdown)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
