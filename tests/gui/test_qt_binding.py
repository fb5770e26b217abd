"""The installed Qt binding must not corrupt reference counts when signals are emitted."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_keeps_the_refcount_of_true() -> None:
    # PySide6 6.12.0 lost one reference to True per emit(); on Python 3.11 the app then dies
    # with "bool_dealloc" after a few thousand signals (a long scan). pyproject excludes it.
    emitter = _Emitter()
    emitter.fired.connect(lambda value: None)
    before = sys.getrefcount(True)
    for number in range(200):
        emitter.fired.emit(number)
    assert sys.getrefcount(True) >= before - 5
