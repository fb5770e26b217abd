"""Random edits, filters and sorts on the device model: the proxy shows what plain Python would."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from core.models import Category, Device, Finding, Severity, Tag
from gui.filter_proxy import DeviceFilterProxy
from gui.models import ROW_ROLE, Column, DeviceRow, DeviceTableModel, open_counts_of, sort_key

MACS = [f"00:00:00:00:00:{n:02x}" for n in range(1, 9)]  # few, so rows are often known
IPS = ["10.0.0.9", "10.0.0.10", "10.0.0.100", "192.168.1.2", "fe80::1", ""]
WORDS = ["", "cam", "Printer", "tv", "ALPHA", "nas box", "10.0", "zz"]
NEEDLES = ["", "a", "cam", "PRINTER", " tv ", "10.0.0.1", "00:00:00:00:00:0", "nope"]
RANKS = [None, -1, *(s.rank for s in Severity)]


@st.composite
def device_rows(draw: st.DrawFn) -> DeviceRow:
    severities = draw(st.lists(st.sampled_from(list(Severity)), max_size=3))
    findings = tuple(Finding(f"f{i}", s, "Problem") for i, s in enumerate(severities))
    device = Device(
        mac=draw(st.sampled_from(MACS)),
        ips=tuple(ip for ip in [draw(st.sampled_from(IPS))] if ip),
        hostnames=tuple(h for h in [draw(st.sampled_from(WORDS))] if h),
        vendor=draw(st.sampled_from(WORDS)),
        model=draw(st.sampled_from(WORDS)),
        category=draw(st.sampled_from(list(Category))),
        findings=findings,
    )
    return DeviceRow(device=device, name=draw(st.sampled_from(WORDS)),
                     tag=draw(st.sampled_from(list(Tag))),
                     score=draw(st.none() | st.integers(0, 100)),
                     open_counts=open_counts_of(device))


def plain_filter(row: DeviceRow, needle: str, category: Category | None, tag: Tag | None,
                 min_rank: int | None) -> bool:
    """The filter, written out again without the proxy's code."""
    d = row.device
    words = [row.name or d.label, d.label, d.vendor, d.model, d.mac, *d.ips, *d.hostnames]
    needle = needle.strip().casefold()
    if needle and needle not in " ".join(words).casefold():
        return False
    if category is not None and d.category != category:
        return False
    if tag is not None and row.tag != tag:
        return False
    ranks = [s.rank for s, n in row.open_counts if n > 0]
    if min_rank == -1:
        return not ranks
    return min_rank is None or (bool(ranks) and max(ranks) >= min_rank)


class DeviceTableMachine(RuleBasedStateMachine):
    """Keeps its own dict of rows (and, while unsorted, their order) next to the real model."""

    def __init__(self) -> None:
        super().__init__()
        self.model = DeviceTableModel()
        self.proxy = DeviceFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.rows: dict[str, DeviceRow] = {}
        self.order: list[str] = []  # exact row order, kept only while no sort is set
        self.sort: tuple[int, Qt.SortOrder] | None = None
        self.in_order = False  # every row is where the sort puts it
        self.filters: tuple[str, Category | None, Tag | None, int | None] = ("", None, None, None)
        self.pinned: list[tuple[QPersistentModelIndex, str]] = []

    @initialize(rows=st.lists(device_rows(), max_size=6))
    def start(self, rows: list[DeviceRow]) -> None:
        self.set_rows(rows)

    # -- the model
    @rule(rows=st.lists(device_rows(), max_size=6))
    def set_rows(self, rows: list[DeviceRow]) -> None:
        self.model.set_rows(rows)
        self.rows = {}
        for row in rows:
            self.rows[row.device.mac] = row
        self.order = list(self.rows)
        self.in_order = self.sort is not None
        self.pinned = []  # a reset invalidates persistent indexes

    @rule(row=device_rows())
    def upsert(self, row: DeviceRow) -> None:
        self.model.upsert(row)
        self._upserted([row], keep_sorted=True)

    @rule(rows=st.lists(device_rows(), max_size=4), keep_sorted=st.booleans())
    def upsert_many(self, rows: list[DeviceRow], keep_sorted: bool) -> None:
        self.model.upsert_many(rows, keep_sorted=keep_sorted)
        self._upserted(rows, keep_sorted)

    def _upserted(self, rows: list[DeviceRow], keep_sorted: bool) -> None:
        for row in rows:
            if row.device.mac not in self.rows:
                self.order.append(row.device.mac)
            self.rows[row.device.mac] = row
        if rows and self.sort is not None:
            self.in_order = keep_sorted

    @rule(mac=st.sampled_from(MACS))
    def remove(self, mac: str) -> None:
        assert self.model.remove(mac) == (mac in self.rows)
        self._removed([mac])

    @rule(macs=st.lists(st.sampled_from(MACS), max_size=4))
    def remove_many(self, macs: list[str]) -> None:
        assert self.model.remove_many(macs) == len(set(macs) & set(self.rows))
        self._removed(macs)

    def _removed(self, macs: list[str]) -> None:
        for mac in macs:
            if self.rows.pop(mac, None) is not None:
                self.order.remove(mac)

    @rule(column=st.integers(-1, len(Column) - 1), descending=st.booleans())
    def sort_by(self, column: int, descending: bool) -> None:
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.proxy.sort(column, order)  # what a click on the header does
        if column < 0:
            self.sort = None
            self.order = [row.device.mac for row in self.model.rows]  # stays as it was
        else:
            self.sort = (column, order)
            self.in_order = True

    @rule(position=st.integers(0, 7), column=st.sampled_from(list(Column)))
    def pin(self, position: int, column: Column) -> None:
        """A selection (persistent index) on a visible row must follow its device."""
        if position < self.proxy.rowCount():
            index = self.proxy.index(position, column)
            mac = index.data(ROW_ROLE).device.mac
            self.pinned.append((QPersistentModelIndex(index), mac))

    # -- the filters
    @rule(text=st.sampled_from(NEEDLES))
    def search(self, text: str) -> None:
        self.proxy.set_search(text)
        _, category, tag, rank = self.filters
        self.filters = (text, category, tag, rank)

    @rule(category=st.none() | st.sampled_from(list(Category)))
    def category(self, category: Category | None) -> None:
        self.proxy.set_category(category)
        needle, _, tag, rank = self.filters
        self.filters = (needle, category, tag, rank)

    @rule(tag=st.none() | st.sampled_from(list(Tag)))
    def tag(self, tag: Tag | None) -> None:
        self.proxy.set_tag(tag)
        needle, category, _, rank = self.filters
        self.filters = (needle, category, tag, rank)

    @rule(rank=st.sampled_from(RANKS))
    def issues(self, rank: int | None) -> None:
        self.proxy.set_min_severity(rank)
        needle, category, tag, _ = self.filters
        self.filters = (needle, category, tag, rank)

    # -- what must always hold
    @invariant()
    def model_holds_the_rows(self) -> None:
        model_macs = [row.device.mac for row in self.model.rows]
        assert len(model_macs) == len(set(model_macs)) == self.model.rowCount()
        assert set(model_macs) == set(self.rows)
        for mac, row in self.rows.items():
            assert self.model.row_for(mac) == row
        if self.sort is None:
            assert model_macs == self.order

    @invariant()
    def sorted_rows_are_in_order(self) -> None:
        if self.sort is None or not self.in_order:
            return
        column, order = self.sort
        keys = [sort_key(column)(row) for row in self.model.rows]
        assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)

    @invariant()
    def proxy_shows_the_plain_filter(self) -> None:
        shown = [self.proxy.index(r, Column.MAC).data(ROW_ROLE).device.mac
                 for r in range(self.proxy.rowCount())]
        expected = [row.device.mac for row in self.model.rows
                    if plain_filter(self.rows[row.device.mac], *self.filters)]
        assert shown == expected  # the proxy keeps the model's order
        assert set(shown) == {mac for mac, row in self.rows.items()
                              if plain_filter(row, *self.filters)}

    @invariant()
    def selections_follow_their_device(self) -> None:
        for index, mac in self.pinned:
            if index.isValid():  # invalid once its row was filtered out or removed
                assert index.data(ROW_ROLE).device.mac == mac
                assert plain_filter(self.rows[mac], *self.filters)
        self.pinned = [(index, mac) for index, mac in self.pinned if index.isValid()]


def test_model_and_proxy_agree_with_plain_python(qtbot: QtBot) -> None:
    run_state_machine_as_test(DeviceTableMachine, settings=settings(
        max_examples=50, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow]))
