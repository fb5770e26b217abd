"""The device table model and filter proxy: upsert by MAC, filters, numeric IP sort, selection."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, Qt

from core.models import Category, Device, Finding, Severity, Tag
from gui.filter_proxy import DeviceFilterProxy
from gui.models import Column, DeviceRow, DeviceTableModel, open_counts_of


def _row(mac: str, ip: str, name: str, category: Category = Category.UNKNOWN,
         tag: Tag = Tag.UNKNOWN, severity: Severity | None = None) -> DeviceRow:
    findings = (Finding("x", severity, "Problem"),) if severity else ()
    device = Device(mac=mac, ips=(ip,), hostnames=(name,), category=category, findings=findings)
    return DeviceRow(device=device, tag=tag, open_counts=open_counts_of(device))


def _model() -> tuple[DeviceTableModel, DeviceFilterProxy]:
    model = DeviceTableModel()
    model.set_rows([
        _row("00:00:00:00:00:01", "10.0.0.9", "printer", Category.PRINTER, Tag.WORK,
             Severity.MEDIUM),
        _row("00:00:00:00:00:02", "10.0.0.10", "camera", Category.CAMERA, Tag.HOME,
             Severity.CRITICAL),
        _row("00:00:00:00:00:03", "10.0.0.100", "laptop", Category.COMPUTER),
    ])
    proxy = DeviceFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def _names(proxy: DeviceFilterProxy) -> list[str]:
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


def test_upsert_replaces_the_row_with_the_same_mac() -> None:
    model, _ = _model()
    richer = _row("00:00:00:00:00:03", "10.0.0.100", "Reception laptop", Category.COMPUTER)
    model.upsert(richer)
    assert model.rowCount() == 3
    assert model.row_for("00:00:00:00:00:03") == richer.with_haystack()
    model.upsert(_row("00:00:00:00:00:04", "10.0.0.4", "tv"))
    assert model.rowCount() == 4


def test_filters_combine() -> None:
    _, proxy = _model()
    proxy.set_search("CAM")
    assert _names(proxy) == ["camera"]
    proxy.set_search("10.0.0.1")
    assert sorted(_names(proxy)) == ["camera", "laptop"]
    proxy.set_search("")
    proxy.set_category(Category.PRINTER)
    assert _names(proxy) == ["printer"]
    proxy.set_category(None)
    proxy.set_tag(Tag.HOME)
    assert _names(proxy) == ["camera"]
    proxy.set_tag(None)
    proxy.set_min_severity(Severity.HIGH.rank)
    assert _names(proxy) == ["camera"]
    proxy.set_min_severity(-1)
    assert _names(proxy) == ["laptop"]


def test_ip_sort_is_numeric_and_selection_follows_the_device() -> None:
    model, proxy = _model()
    selected = QPersistentModelIndex(model.index(2, Column.NAME))  # laptop
    proxy.sort(Column.IP, Qt.SortOrder.AscendingOrder)
    assert _names(proxy) == ["printer", "camera", "laptop"]  # .9 < .10 < .100
    proxy.sort(Column.IP, Qt.SortOrder.DescendingOrder)
    assert _names(proxy) == ["laptop", "camera", "printer"]
    assert selected.data() == "laptop" and selected.row() == 0


def test_live_rows_land_in_sorted_position() -> None:
    model, proxy = _model()
    proxy.sort(Column.ISSUES, Qt.SortOrder.DescendingOrder)
    model.upsert(_row("00:00:00:00:00:05", "10.0.0.5", "nas", Category.NAS, severity=Severity.HIGH))
    assert _names(proxy) == ["camera", "nas", "printer", "laptop"]
