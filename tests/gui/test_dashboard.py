"""The dashboard: score explained, changes since the last scan, home vs work, next actions."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core.models import Tag
from gui.scan_service import ReplayScanService, load_sample
from tests.gui.conftest import ModalScript, WindowFactory, settle

PHONE_MAC = "da:a1:19:3e:07:12"
TV_MAC = "f4:f5:d8:61:02:10"
PRINTER_MAC = "3c:d9:2b:6e:10:0a"


def _scan(qtbot: QtBot, window: object) -> None:
    window.start_scan()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)  # type: ignore[attr-defined]


def test_changes_between_two_scans(qtbot: QtBot, make_window: WindowFactory) -> None:
    first = load_sample()
    service = ReplayScanService(first, delay=0)
    window = make_window(service)
    window.controller.create_site("Dental", service.interface.network)
    settle(qtbot, window)
    window.scan_bar.set_interfaces(service.interfaces(), service.interface.name)
    _scan(qtbot, window)
    assert window.dashboard.score_label.text().endswith("/ 100")
    assert "Average of 12 devices" in window.dashboard.score_explanation.text()

    devices = [d for d in first.devices if d.mac != PHONE_MAC]
    devices = [replace(d, open_ports=(*d.open_ports, 23)) if d.mac == PRINTER_MAC else d
               for d in devices]
    devices = [replace(d, findings=()) if d.mac == TV_MAC else d for d in devices]
    service.result = replace(first, devices=tuple(devices))
    _scan(qtbot, window)
    changes = window.dashboard.changes_label.text()
    assert "missing" not in changes  # the phone answers ARP only: one missed sweep is a detail
    assert "1 minor changes" in changes
    assert "New open ports on" in changes and "23" in changes
    assert "1 fixed: \u2068Web page served without HTTPS (Reception TV)\u2069" in changes


def test_home_devices_on_the_work_network_are_named(qtbot: QtBot,
                                                    make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.session.set_tag(window.site.id, TV_MAC, Tag.HOME)
    window.controller.refresh()
    settle(qtbot, window)
    placement = window.dashboard.placement_label.text()
    assert "Home 1" in placement
    assert "Home or guest devices on the work network (1): \u2068Reception TV\u2069" in placement
    actions = window.dashboard.actions_list
    assert actions.count() >= 3
    first = actions.item(0)
    actions.itemActivated.emit(first)
    assert window.right.currentWidget() is window.device_page


def test_before_the_first_site_the_dashboard_says_what_to_do(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = make_window()
    window.start_first_run_if_needed()  # the welcome is dismissed: there is no site
    settle(qtbot, window)
    dashboard = window.dashboard
    assert modal.seen, "the welcome was offered"
    assert dashboard.no_site_label.isVisible() and not dashboard.summary.isVisible()
    assert "Site > New site" in dashboard.no_site_label.text()
    shown = [label for label in dashboard.findChildren(QLabel) if label.isVisible()]
    assert shown == [dashboard.no_site_label], "no unlabelled squares or empty sections"

    window.open_sample()
    settle(qtbot, window)
    assert dashboard.summary.isVisible() and not dashboard.no_site_label.isVisible()
    assert all(label.text() for label in dashboard.severity_labels.values())


def test_a_site_never_scanned_explains_every_section(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    service = ReplayScanService(load_sample(), delay=0)
    window = make_window(service)
    window.controller.create_site("Dental", service.interface.network)
    settle(qtbot, window)
    dashboard = window.dashboard
    empty = [label.objectName() or label.accessibleName() or "a label"
             for label in dashboard.findChildren(QLabel)
             if label.isVisibleTo(dashboard) and not label.text().strip()
             and label.pixmap().isNull()]  # icons carry their name instead of text
    assert empty == []
    assert "No devices yet" in dashboard.placement_label.text()
    assert "Nothing urgent" not in [dashboard.actions_list.item(i).text()
                                    for i in range(dashboard.actions_list.count())]
