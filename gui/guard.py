"""Python overrides of Qt virtuals (data, filterAcceptsRow, sort, ...) must never raise."""

# When C++ calls a Python override and it raises, PySide hands Qt a default value and keeps the
# error to raise later; Qt carries on in the middle of its own bookkeeping (an insert, a paint)
# and the process can die with a segfault and no message (issue 11). `qt_virtual` catches the
# error at the boundary, gives Qt a safe fallback and reports the error once, from the event
# loop, to sys.excepthook (the log and the crash dialog), never from inside Qt's call.

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_pending: list[BaseException] = []
_seen: set[tuple[str, str, int]] = set()  # one report per bug, not one per painted cell


class _Reporter(QObject):
    """Lives on the GUI thread; a queued signal brings reports out of Qt's call stack."""

    pending = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pending.connect(flush_reports, Qt.ConnectionType.QueuedConnection)


_reporter: list[_Reporter] = []


def _signature(exc: BaseException) -> tuple[str, str, int]:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return (type(exc).__qualname__, "", 0)
    return (type(exc).__qualname__, tb.tb_frame.f_code.co_filename, tb.tb_lineno)


def report_later(exc: BaseException) -> None:
    """Queue an error for sys.excepthook on the next turn of the event loop (once per bug)."""
    with _lock:
        key = _signature(exc)
        if key in _seen:
            return
        _seen.add(key)
        _pending.append(exc)
    app = QCoreApplication.instance()
    if app is None:  # no event loop to defer to: report now
        flush_reports()
        return
    if not _reporter:
        reporter = _Reporter()
        if reporter.thread() is not app.thread():
            reporter.moveToThread(app.thread())
        _reporter.append(reporter)
    _reporter[0].pending.emit()


def flush_reports() -> None:
    """Hand every queued error to sys.excepthook (the app's hook logs it and opens the dialog)."""
    with _lock:
        errors = list(_pending)
        _pending.clear()
    for exc in errors:
        sys.excepthook(type(exc), exc, exc.__traceback__)


def forget_reports() -> None:
    """Drop queued errors and the once-per-bug memory (for tests)."""
    with _lock:
        _pending.clear()
        _seen.clear()


def qt_virtual(fallback: object) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a Python override of a Qt virtual: an exception becomes `fallback` plus a
    deferred report instead of an error inside Qt's C++ call."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                report_later(exc)
                return cast(R, fallback)

        return guarded

    return decorate
