"""Issue 11: a rescan finding a new device under a filter keeps the window; models are tested."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from core.models import Category, Severity, Tag
from gui.filter_proxy import DeviceFilterProxy
from gui.models import Column, DeviceRow, DeviceTableModel
from tests.gui.model_tester import MODEL_CLASSES, gui_model_classes
from tests.gui.test_models import _row

KNOWN = "00:00:00:00:00:01"
NEW = "00:00:00:00:00:99"
Filter = Callable[[DeviceFilterProxy], None]


def _printer(mac: str, name: str) -> DeviceRow:
    return _row(mac, "10.0.0.9", name, Category.PRINTER, Tag.WORK, Severity.HIGH)


@pytest.mark.parametrize("set_filter", [
    lambda p: p.set_category(Category.PRINTER),
    lambda p: p.set_tag(Tag.WORK),
    lambda p: p.set_min_severity(Severity.MEDIUM.rank),
    lambda p: p.set_search("printer"),
], ids=["category", "tag", "issues", "search"])
@pytest.mark.parametrize("sorted_by", [None, Column.NAME], ids=["unsorted", "sorted"])
def test_rescan_with_a_new_device_under_a_filter_keeps_the_window(
        qtbot: QtBot, set_filter: Filter, sorted_by: Column | None) -> None:
    """The crash: a known device refreshed and a new one added in one upsert_many, with a
    filter set and a view showing the proxy (a rescan that finds a device for the first time)."""
    model = DeviceTableModel()
    proxy = DeviceFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.show()
    model.set_rows([_printer(KNOWN, "printer one"),
                    _row("00:00:00:00:00:02", "10.0.0.2", "laptop", Category.COMPUTER)])
    if sorted_by is not None:
        proxy.sort(sorted_by, Qt.SortOrder.AscendingOrder)
    set_filter(proxy)
    assert proxy.rowCount() == 1

    model.upsert_many([_printer(KNOWN, "printer one, renamed"), _printer(NEW, "printer two")],
                      keep_sorted=False)
    qtbot.wait(1)  # let the view repaint through the proxy

    shown = {proxy.index(r, Column.MAC).data() for r in range(proxy.rowCount())}
    assert shown == {KNOWN, NEW}
    model.upsert_many([_printer("00:00:00:00:00:98", "printer three")])  # a live row, too
    assert proxy.rowCount() == 3


def test_every_gui_model_runs_under_the_model_tester() -> None:
    assert gui_model_classes() <= set(MODEL_CLASSES), (
        "a new item model or proxy in gui/: add it to tests/gui/model_tester.MODEL_CLASSES")
