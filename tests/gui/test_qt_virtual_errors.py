"""An error inside a Qt virtual or slot goes to the log and the crash dialog; the app lives on."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from core.models import Category
from gui import app, dialogs
from gui.filter_proxy import DeviceFilterProxy
from gui.guard import forget_reports, qt_virtual
from gui.models import Column, DeviceRow, DeviceTableModel
from tests.gui.conftest import ModalScript
from tests.gui.test_models import _row

KNOWN = "00:00:00:00:00:01"


@contextmanager
def app_excepthook() -> Iterator[None]:
    """The hook the app installs at start, for the length of the block."""
    saved = sys.excepthook
    app.install_excepthook()
    try:
        yield
    finally:
        sys.excepthook = saved


@pytest.fixture
def log_file() -> Iterator[Path]:
    forget_reports()
    path = app.setup_logging()
    yield path
    app.close_logging()
    forget_reports()


@pytest.fixture
def table(qtbot: QtBot) -> tuple[DeviceTableModel, DeviceFilterProxy, QTableView]:
    model = DeviceTableModel()
    proxy = DeviceFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    model.set_rows([_row(KNOWN, "10.0.0.9", "printer", Category.PRINTER),
                    _row("00:00:00:00:00:02", "10.0.0.2", "laptop", Category.COMPUTER)])
    view.show()
    return model, proxy, view


def _logged(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _crash_details(qtbot: QtBot, modal: ModalScript) -> str:
    qtbot.waitUntil(lambda: bool(modal.seen), timeout=5000)
    qtbot.wait(20)  # any more reports of the same bug would open more dialogs now
    assert len(modal.seen) == 1
    crash = modal.seen[0]
    assert isinstance(crash, dialogs.CrashDialog)
    return crash.details.toPlainText()


def test_an_error_in_data_is_an_empty_cell_one_crash_dialog_and_a_log_entry(
        qtbot: QtBot, modal: ModalScript, log_file: Path, monkeypatch: pytest.MonkeyPatch,
        table: tuple[DeviceTableModel, DeviceFilterProxy, QTableView]) -> None:
    _, proxy, view = table

    def broken(self: DeviceTableModel, row: DeviceRow, column: int) -> str:
        raise RuntimeError("boom in data")

    monkeypatch.setattr(DeviceTableModel, "_display", broken)
    with app_excepthook():
        assert proxy.index(0, Column.NAME).data() is None
        view.viewport().repaint()  # every visible cell fails the same way
        assert not modal.seen  # never a modal loop inside Qt's call
        details = _crash_details(qtbot, modal)
    assert "RuntimeError: boom in data" in details
    assert "boom in data" in _logged(log_file)
    monkeypatch.undo()
    assert proxy.index(0, Column.NAME).data() in {"printer", "laptop"}


def test_an_error_in_filter_accepts_row_during_a_rescan_hides_rows_not_the_window(
        qtbot: QtBot, modal: ModalScript, log_file: Path, monkeypatch: pytest.MonkeyPatch,
        table: tuple[DeviceTableModel, DeviceFilterProxy, QTableView]) -> None:
    model, proxy, _ = table
    proxy.set_category(Category.PRINTER)

    def broken(self: DeviceFilterProxy, row: DeviceRow) -> bool:
        raise IndexError("boom in filterAcceptsRow")

    monkeypatch.setattr(DeviceFilterProxy, "accepts", broken)
    with app_excepthook():
        model.upsert_many([_row(KNOWN, "10.0.0.9", "printer 2", Category.PRINTER),
                           _row("00:00:00:00:00:03", "10.0.0.3", "new", Category.PRINTER)],
                          keep_sorted=False)
        qtbot.wait(1)
        assert model.rowCount() == 3
        assert "IndexError: boom in filterAcceptsRow" in _crash_details(qtbot, modal)
    assert "boom in filterAcceptsRow" in _logged(log_file)
    monkeypatch.undo()
    proxy.set_category(None)
    assert proxy.rowCount() == 3


def test_an_error_while_sorting_keeps_the_rows(
        qtbot: QtBot, modal: ModalScript, log_file: Path, monkeypatch: pytest.MonkeyPatch,
        table: tuple[DeviceTableModel, DeviceFilterProxy, QTableView]) -> None:
    model, proxy, view = table

    def broken(self: DeviceTableModel, always: bool = False) -> None:
        raise KeyError("boom in sort")

    monkeypatch.setattr(DeviceTableModel, "_resort", broken)
    with app_excepthook():
        view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)  # C++ calls proxy.sort
        assert "KeyError: 'boom in sort'" in _crash_details(qtbot, modal)
    assert proxy.rowCount() == model.rowCount() == 2


def test_an_error_in_a_slot_opens_the_crash_dialog_after_the_signal(
        qtbot: QtBot, modal: ModalScript, log_file: Path,
        table: tuple[DeviceTableModel, DeviceFilterProxy, QTableView]) -> None:
    model, proxy, _ = table

    def slot(parent: QModelIndex, first: int, last: int) -> None:
        raise ValueError("boom in a slot")

    model.rowsInserted.connect(slot)
    with app_excepthook():
        model.upsert(_row("00:00:00:00:00:04", "10.0.0.4", "tv"))
        assert not modal.seen  # the dialog waits for the event loop
        assert "ValueError: boom in a slot" in _crash_details(qtbot, modal)
    assert proxy.rowCount() == model.rowCount() == 3
    assert "boom in a slot" in _logged(log_file)


def test_the_guard_survives_a_broken_excepthook(capsys: pytest.CaptureFixture[str]) -> None:
    forget_reports()

    def broken_hook(*args: object) -> None:
        raise OSError("the hook itself failed")

    @qt_virtual(-1)
    def virtual() -> int:
        raise ValueError("boom")

    saved, sys.excepthook = sys.excepthook, broken_hook
    try:
        assert virtual() == -1
        assert virtual() == -1  # reported once
    finally:
        sys.excepthook = saved
    assert capsys.readouterr().err.count("ValueError: boom") == 1
    forget_reports()
