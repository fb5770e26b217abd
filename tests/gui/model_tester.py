"""Every item model and proxy in gui/ runs under Qt's QAbstractItemModelTester in GUI tests."""

# The tester re-checks a model's invariants after each of its signals (rows, layout, reset,
# data) and reports a broken promise as a "qt.modeltest" warning, which pytest-qt turns into a
# test failure. `watch_models` makes each new instance of MODEL_CLASSES watch itself.

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtTest import QAbstractItemModelTester

import gui
from gui.filter_proxy import DeviceFilterProxy
from gui.models import DeviceTableModel

MODEL_CLASSES: tuple[type[QAbstractItemModel], ...] = (DeviceTableModel, DeviceFilterProxy)
WARN = QAbstractItemModelTester.FailureReportingMode.Warning


def attach_tester(model: QAbstractItemModel) -> QAbstractItemModelTester:
    """A tester owned by the model (it lives and dies with it)."""
    return QAbstractItemModelTester(model, WARN, model)


def watch_models(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in MODEL_CLASSES:
        monkeypatch.setattr(cls, "__init__", _watching(cls.__init__))


def _watching(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def watched(self: QAbstractItemModel, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        attach_tester(self)

    return watched


def gui_model_classes() -> set[type[QAbstractItemModel]]:
    """Every QAbstractItemModel subclass defined in the gui package."""
    for info in pkgutil.iter_modules(gui.__path__, "gui."):
        importlib.import_module(info.name)
    found: set[type[QAbstractItemModel]] = set()
    pending: list[type[QAbstractItemModel]] = [QAbstractItemModel]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("gui."):
                found.add(sub)
    return found
