"""Names, TXT values and banners from the network are shown as literal, bounded plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidgetItemIterator
from pytestqt.qtbot import QtBot

from core.models import ArpMode, Device, Finding, MdnsService, ScanInfo, ScanResult, Severity
from gui.models import Column
from gui.scan_service import ReplayScanService
from gui.text import FSI, isolate
from tests.gui.conftest import WindowFactory, settle

HTML_NAME = "<b>x</b><script>alert(1)</script>"
RTL_NAME = "\u202egnp.exe\u202c office \u200fprinter"
HUGE = "A" * 10_000


def _hostile_scan() -> ScanResult:
    devices = (
        Device(mac="02:00:00:00:00:01", ips=("10.9.0.2",), hostnames=(HTML_NAME,),
               vendor="<i>Evil</i> Corp", model="<img src=x>",
               services=(MdnsService("_http._tcp.local.", "<a href='x'>web</a>", 80,
                                     txt=(("note", "<h1>big</h1>"),)),),
               findings=(Finding("telnet-open", Severity.HIGH, "Telnet is on",
                                 evidence="banner: <marquee>hi</marquee>"),)),
        Device(mac="02:00:00:00:00:02", ips=("10.9.0.3",), hostnames=(HUGE,)),
        Device(mac="02:00:00:00:00:03", ips=("10.9.0.4",), hostnames=(RTL_NAME,)),
    )
    info = ScanInfo(interface="lab0", network="10.9.0.0/24", mode=ArpMode.KERNEL,
                    started="2026-11-22T06:00:00Z")
    return ScanResult(info=info, devices=devices)


def _scanned_window(qtbot: QtBot, make_window: WindowFactory) -> object:
    service = ReplayScanService(_hostile_scan(), delay=0)
    window = make_window(service)
    window.controller.create_site("Hostile <b>site</b>", service.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    window.start_scan()
    qtbot.waitUntil(lambda: not window.scanner.running and window.table_model.rowCount() == 3,
                    timeout=5000)
    return window


def test_table_shows_markup_literally_and_bounds_huge_names(qtbot: QtBot,
                                                            make_window: WindowFactory) -> None:
    window = _scanned_window(qtbot, make_window)
    model = window.table_model  # type: ignore[attr-defined]
    names = [model.index(r, Column.NAME).data() for r in range(model.rowCount())]
    assert HTML_NAME in names
    assert max(len(n) for n in names) <= 120
    rtl = next(n for n in names if "office" in n)
    assert "\u202e" not in rtl and "\u200f" not in rtl
    assert "<i>Evil</i> Corp" in [model.index(r, Column.VENDOR).data() for r in range(3)]


def test_device_page_labels_are_plain_text(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _scanned_window(qtbot, make_window)
    window.open_device("02:00:00:00:00:01")  # type: ignore[attr-defined]
    page = window.device_page  # type: ignore[attr-defined]
    assert page.name_label.text() == HTML_NAME
    shown = [label for label in window.findChildren(QLabel)  # type: ignore[attr-defined]
             if "<" in label.text()]
    assert any("<marquee>" in label.text() for label in shown)
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    facts = []
    iterator = QTreeWidgetItemIterator(page.facts)
    while iterator.value():
        facts.append(iterator.value().text(1))
        iterator += 1
    assert "<h1>big</h1>" in facts
    window.open_device("02:00:00:00:00:02")  # type: ignore[attr-defined]
    assert len(page.name_label.text()) <= 80


def test_isolate_keeps_rtl_names_from_flipping_our_sentence() -> None:
    wrapped = isolate(RTL_NAME)
    assert wrapped.startswith(FSI) and "\u202e" not in wrapped
