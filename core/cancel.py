"""A thread-safe cancel flag that long operations poll and wait on."""

from __future__ import annotations

import threading

from core.errors import ScanCancelledError


class CancelToken:
    """Set once by whoever wants work to stop; checked (or waited on) by the work itself."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; returns True at once if cancelled meanwhile."""
        return self._event.wait(max(0.0, seconds))

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise ScanCancelledError("The scan was cancelled.")
