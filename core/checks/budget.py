"""A device's time budget that only runs while the device is served, not while it queues."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable


class BudgetClock:
    """Seconds a device has used: time spent waiting for a shared slot with nothing of its own
    in flight is not counted (a queue full of other devices is not this device's silence)."""

    def __init__(self, seconds: float, now: Callable[[], float] | None = None) -> None:
        self.seconds = seconds
        self._now = now or asyncio.get_running_loop().time
        self._start = self._now()
        self._paused = 0.0
        self._since: float | None = None
        self.waiting = 0
        self.active = 0

    def used(self) -> float:
        """Seconds counted against the budget so far."""
        now = self._now()
        pause = self._paused + (now - self._since if self._since is not None else 0.0)
        return now - self._start - pause

    def remaining(self) -> float:
        return self.seconds - self.used()

    def paused_total(self) -> float:
        """Seconds not counted because the device only waited for a shared slot."""
        now = self._now()
        return self._paused + (now - self._since if self._since is not None else 0.0)

    @contextlib.asynccontextmanager
    async def queued(self, shared: asyncio.Semaphore) -> AsyncIterator[None]:
        """Hold one slot of `shared`; the wait for it is not counted if nothing else runs."""
        self._change(waiting=1)
        try:
            await shared.acquire()
        finally:
            self._change(waiting=-1)
        self._change(active=1)
        try:
            yield
        finally:
            self._change(active=-1)
            shared.release()

    def _change(self, waiting: int = 0, active: int = 0) -> None:
        self.waiting += waiting
        self.active += active
        paused = self.waiting > 0 and self.active == 0
        now = self._now()
        if paused and self._since is None:
            self._since = now
        elif not paused and self._since is not None:
            self._paused += now - self._since
            self._since = None
