"""Python overrides of Qt virtuals (data, filterAcceptsRow, sort, ...) must never raise."""

# When C++ calls a Python override and it raises, PySide hands Qt a default value and keeps the
# error to raise later; Qt carries on in the middle of its own bookkeeping (an insert, a paint)
# and the process can die with a segfault and no message (issue 11). `qt_virtual` catches the
# error at the boundary, gives Qt a safe fallback and reports the error, once per bug, to
# sys.excepthook: the app's hook (gui.app.excepthook) logs it at once and opens the crash
# dialog from the event loop, never inside Qt's call.

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_seen: set[tuple[str, str, int]] = set()  # one report per bug, not one per painted cell


def _signature(exc: BaseException) -> tuple[str, str, int]:
    """The error's type and the line that raised it."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return (type(exc).__qualname__, "", 0)
    return (type(exc).__qualname__, tb.tb_frame.f_code.co_filename, tb.tb_lineno)


def report(exc: BaseException) -> None:
    """Hand an error caught at a Qt boundary to sys.excepthook, once per bug; never raises."""
    key = _signature(exc)
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    try:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    except Exception:  # a broken hook must not raise into Qt either
        sys.__excepthook__(type(exc), exc, exc.__traceback__)


def forget_reports() -> None:
    """Forget which bugs were reported, so they are reported again (for tests)."""
    with _lock:
        _seen.clear()


def qt_virtual(fallback: object) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a Python override of a Qt virtual: an exception becomes `fallback` (a value
    of the method's return type) plus a report, never an error inside Qt's call."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                report(exc)
                return cast(R, fallback)

        return guarded

    return decorate
