"""When a listening phase may end: its answers have stopped arriving (a deadline bounds it)."""

from __future__ import annotations

import threading
import time


class Quiet:
    """The last answer of one phase; quiet once `tail` seconds pass without one.

    Never quiet before `not_before` (monotonic): the time a question's answers may take.
    """

    def __init__(self, tail: float, not_before: float = 0.0) -> None:
        self.tail = tail
        self.not_before = not_before
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def heard(self) -> None:
        """An answer (or a question of ours) arrived or left now: the tail starts again."""
        with self._lock:
            self._last = time.monotonic()

    def wait_until(self, moment: float) -> None:
        """Never quiet before `moment` (monotonic), e.g. the end of a question's answer window."""
        with self._lock:
            self.not_before = max(self.not_before, moment)

    def is_quiet(self, busy: bool = False) -> bool:
        """True once past `not_before` with no answer for `tail` seconds and nothing `busy`."""
        now = time.monotonic()
        with self._lock:
            return not busy and now >= self.not_before and now - self._last >= self.tail
