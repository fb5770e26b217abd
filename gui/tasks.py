"""The one way to run slow work off the GUI thread: pooled tasks that report back by signals."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.cancel import CancelToken

log = logging.getLogger(__name__)


RETIRED_KEPT = 256  # long after their deleteLater has run; older ones are let go here


class TaskSignals(QObject):
    """Lives on the GUI thread; emits from the worker arrive there as queued signals."""

    progress_ready = Signal()  # the latest progress value can be taken (TaskContext.take_progress)
    items_ready = Signal()  # streamed partial results can be taken (TaskContext.take_items)
    succeeded = Signal(object)  # the work function's return value
    failed = Signal(object)  # the exception it raised
    finished = Signal()  # always last, after succeeded or failed


class TaskContext:
    """What the work function gets: the cancel token and two ways to report back.

    Reports are buffered and only a wake-up signal is queued (at most one pending), so a
    flood of devices or progress steps can never starve the GUI thread's event loop."""

    def __init__(self, signals: TaskSignals, cancel: CancelToken) -> None:
        self._signals = signals
        self.cancel = cancel
        self._lock = threading.Lock()
        self._items: list[object] = []
        self._progress: list[object] = []

    def progress(self, value: object) -> None:
        """Report progress (callable from any thread); only the latest value is kept."""
        with self._lock:
            wake = not self._progress
            self._progress[:] = [value]
        if wake:
            self._signals.progress_ready.emit()

    def item(self, value: object) -> None:
        """Stream a partial result (callable from any thread); all are delivered, in order."""
        with self._lock:
            wake = not self._items
            self._items.append(value)
        if wake:
            self._signals.items_ready.emit()

    def take_items(self) -> list[object]:
        with self._lock:
            items, self._items = self._items, []
        return items

    def take_progress(self) -> list[object]:
        with self._lock:
            latest, self._progress = self._progress, []
        return latest


Work = Callable[[TaskContext], object]
T = TypeVar("T")


class _Runnable(QRunnable):
    def __init__(self, work: Work, context: TaskContext, signals: TaskSignals) -> None:
        super().__init__()
        self._work = work
        self._context = context
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work(self._context)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            log.debug("task failed: %r", exc)
            self._signals.failed.emit(exc)
        else:
            self._signals.succeeded.emit(result)
        finally:
            self._signals.finished.emit()


class TaskHandle:
    """A started task: cancel it, ask whether it still runs, or connect to its signals."""

    def __init__(self, signals: TaskSignals, cancel: CancelToken) -> None:
        self.signals = signals
        self.cancel_token = cancel
        self.running = True
        self.runnable: QRunnable | None = None  # the task's, kept until it is retired
        signals.finished.connect(self._mark_finished)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _mark_finished(self) -> None:
        self.running = False


class TaskRunner(QObject):
    """Starts work functions on a private thread pool and keeps track of the running ones."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: set[TaskHandle] = set()
        # Finished tasks' signals and runnables. Python must never drop the last reference to
        # one of these Qt objects on a worker thread: PySide then schedules its deletion for
        # the GUI thread, and a runnable the pool already deleted (autoDelete) is deleted again
        # there: a segfault in the event loop. Runnables are not auto-deleted, and both are
        # released here, on the GUI thread, long after their work returned.
        self._retired: deque[tuple[TaskSignals, QRunnable | None]] = deque(maxlen=RETIRED_KEPT)

    def start(
        self,
        work: Callable[[TaskContext], T],
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[object], None] | None = None,
        on_item: Callable[[object], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> TaskHandle:
        """Run `work(context)` off the GUI thread; the callbacks run on the GUI thread."""
        # Without a parent: deleting it (deleteLater in _forget) drops the callbacks connected
        # below, which may free the last reference to this runner; a child would then be deleted
        # twice (a crash in ~QObject). The handle and the worker own it until then.
        signals = TaskSignals()
        handle = TaskHandle(signals, cancel or CancelToken())
        context = TaskContext(signals, handle.cancel_token)

        def deliver(take: Callable[[], list[object]],
                    slot: Callable[[object], None] | None) -> None:
            for value in take():
                if slot is not None:
                    slot(value)

        signals.items_ready.connect(lambda: deliver(context.take_items, on_item))
        signals.progress_ready.connect(lambda: deliver(context.take_progress, on_progress))
        # Streamed items still buffered when the work ends are delivered before its result.
        signals.succeeded.connect(lambda _: deliver(context.take_items, on_item))
        signals.failed.connect(lambda _: deliver(context.take_items, on_item))
        for signal, slot in ((signals.succeeded, on_result), (signals.failed, on_error)):
            if slot is not None:
                signal.connect(slot)
        signals.finished.connect(lambda: self._forget(handle))
        self._active.add(handle)
        runnable = _Runnable(work, context, signals)
        runnable.setAutoDelete(False)
        handle.runnable = runnable
        self._pool.start(runnable)
        return handle

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every running task and wait for the pool; True if everything stopped."""
        for handle in list(self._active):
            handle.cancel()
        return bool(self._pool.waitForDone(timeout_ms))

    def _forget(self, handle: TaskHandle) -> None:
        self._active.discard(handle)
        self._retired.append((handle.signals, handle.runnable))
        handle.signals.deleteLater()
