"""Watch mode in the window: toggle, tray menu, notifications, turn-taking, settings, Test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.cancel import CancelToken
from core.checks import CheckOptions
from core.discovery import ScanRequest
from core.models import ScanResult, Severity
from core.monitoring import (
    BusinessHours,
    Event,
    EventDevice,
    EventFinding,
    EventKind,
    Feed,
    WatchConfig,
    WatchState,
)
from core.store import Store
from gui.main_window import MainWindow
from gui.monitoring_dialog import MonitoringDialog
from gui.scan_service import load_sample
from gui.tray import Notification, WatchTray, notification_of, should_notify, summary_of
from gui.watch import (
    ScanFunction,
    WatchOptions,
    WatchService,
    load_options,
    save_options,
    send_test_event,
)
from tests.gui.conftest import ModalScript, WindowFactory, settle

STAMP = "2026-11-28T09:14:03.512Z"


def _event(kind: EventKind, **values: Any) -> Event:
    values.setdefault("message", f"{kind.value} happened")
    return Event(kind=kind, site="Office", timestamp=STAMP, **values)


PRINTER = EventDevice(mac="3c:d9:2b:10:00:30", ip="192.168.1.30", name="OfficeJet Pro 9015",
                      vendor="HP", model="OfficeJet Pro 9015", category="printer")


class FakeWatcher:
    """Stands in for core's Watcher: `run` blocks until `stop`; records the calls."""

    def __init__(self, store: Store, config: WatchConfig, feeds: list[Feed],
                 scan: ScanFunction) -> None:
        self.config, self.feeds, self.scan = config, feeds, scan
        self.stopped = threading.Event()
        self.paused = False
        self.scans = 0
        self.listeners: list[Callable[[Event], None]] = []

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        self.listeners.append(callback)

    def run(self) -> list[object]:
        self.stopped.wait(30)
        return []

    def stop(self) -> None:
        self.stopped.set()

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def scan_now(self, full: bool = False) -> None:
        self.scans += 1

    def state(self) -> WatchState:
        return WatchState(running=not self.stopped.is_set(), paused=self.paused)

    def emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)


@pytest.fixture
def fakes() -> list[FakeWatcher]:
    return []


def _office(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    window = make_window()
    interface = window.scan_service.interfaces()[0]
    window.controller.create_site("Office", interface.network)
    window.scan_bar.set_interfaces(window.scan_service.interfaces(), interface.name)
    settle(qtbot, window)
    return window


def _fake_watching(qtbot: QtBot, make_window: WindowFactory,
                   fakes: list[FakeWatcher]) -> MainWindow:
    window = _office(qtbot, make_window)

    def factory(store: Store, config: WatchConfig, feeds: list[Feed],
                scan: ScanFunction) -> FakeWatcher:
        fakes.append(FakeWatcher(store, config, feeds, scan))
        return fakes[-1]

    window.watch.service.watcher_factory = factory
    window.watch.quit_app = lambda: None
    window.watch.watch_action.trigger()
    assert window.watch.watch_action.isChecked()
    return window


# -- notifications
def test_a_new_device_notification_names_vendor_category_and_device() -> None:
    event = _event(EventKind.NEW_DEVICE, device=PRINTER, severity=Severity.MEDIUM)
    assert should_notify(event)
    note = notification_of(event)
    assert note.title == "New device on Office"
    assert "OfficeJet Pro 9015" in note.text and "HP" in note.text
    assert "printer" in note.text and "192.168.1.30" in note.text
    assert note.mac == PRINTER.mac and note.site == "Office"


@pytest.mark.parametrize(("kind", "values", "title"), [
    (EventKind.PORT_OPENED, {"ports": (23,), "severity": Severity.MEDIUM},
     "New open port on Office"),
    (EventKind.IDENTITY_CHANGED, {"severity": Severity.HIGH},
     "A device changed identity on Office"),
    (EventKind.GATEWAY_MAC_CHANGED, {"severity": Severity.HIGH},
     "Gateway MAC changed on Office"),
    (EventKind.FINDING_OPENED, {"finding": EventFinding("telnet-open", Severity.HIGH, "Telnet"),
                                "severity": Severity.HIGH}, "New high finding on Office"),
])
def test_alerts_worth_a_notification(kind: EventKind, values: dict[str, Any],
                                     title: str) -> None:
    event = _event(kind, device=PRINTER, message="OfficeJet did something", **values)
    assert should_notify(event)
    note = notification_of(event)
    assert note.title == title and note.text == "OfficeJet did something"


def test_low_findings_routine_events_and_off_hours_stay_quiet() -> None:
    low = _event(EventKind.FINDING_OPENED, device=PRINTER, severity=Severity.LOW,
                 finding=EventFinding("x", Severity.LOW, "Low thing"))
    for event in (low, _event(EventKind.DEVICE_GONE, device=PRINTER),
                  _event(EventKind.SCAN_FINISHED), _event(EventKind.INVENTORY, device=PRINTER),
                  _event(EventKind.ON_OUTSIDE_HOURS, device=PRINTER, severity=Severity.LOW)):
        assert not should_notify(event)


def test_random_mac_arrivals_make_one_notification(tray: WatchTray) -> None:
    shown: list[Notification] = []
    tray.notified.connect(shown.append)
    macs = ("da:a1:19:00:00:01", "da:a1:19:00:00:02", "da:a1:19:00:00:03")
    tray.handle(_event(EventKind.NEW_PRIVATE_DEVICES, count=3, macs=macs,
                       severity=Severity.LOW))
    tray.handle(_event(EventKind.SCAN_FINISHED))
    assert len(shown) == 1
    assert shown[0].title == "New devices on Office"
    assert shown[0].text.startswith("3 devices with a private (random) address joined")
    assert shown[0].mac == ""  # a click opens the window, not one phone


def test_several_alerts_of_one_scan_make_one_summary(tray: WatchTray) -> None:
    shown: list[Notification] = []
    tray.notified.connect(shown.append)
    for number in range(5):
        tray.handle(_event(EventKind.NEW_DEVICE, severity=Severity.MEDIUM,
                           device=EventDevice(mac=f"00:11:22:33:44:{number:02x}",
                                              name=f"cam{number}")))
    assert shown == []  # nothing until the scan ends
    tray.handle(_event(EventKind.SCAN_FINISHED))
    assert len(shown) == 1
    assert shown[0].title == "5 alerts on Office"
    assert shown[0].text.splitlines()[-1] == "and 2 more"
    assert shown[0].mac == "00:11:22:33:44:00"
    assert summary_of([shown[0]]) is shown[0]


def test_notification_text_is_cleaned() -> None:
    hostile = EventDevice(mac="00:11:22:33:44:55", name="evil\u202eexe.txt\nline", vendor="X")
    note = notification_of(_event(EventKind.NEW_DEVICE, device=hostile))
    assert "\u202e" not in note.text and "evilexe.txt line" in note.text


# -- the window
def test_watching_from_the_site_menu_and_the_tray_menu(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)
    watch = window.watch
    assert len(fakes) == 1 and fakes[0].config.interval == 15 * 60
    assert fakes[0].config.site == "Office"
    assert load_options(watch.service.folder, window.controller.site.id).enabled  # type: ignore[union-attr]
    tray = watch.tray
    assert tray.pause_action.isEnabled() and "Pause" in tray.pause_action.text()
    tray.pause_action.trigger()
    assert fakes[0].paused and "Resume" in tray.pause_action.text()
    tray.pause_action.trigger()
    assert not fakes[0].paused and "Pause" in tray.pause_action.text()
    tray.scan_action.trigger()
    assert fakes[0].scans == 1
    window.hide()
    tray.open_action.trigger()
    assert window.isVisible()
    quits: list[bool] = []
    watch.quit_app = lambda: quits.append(True)
    tray.quit_action.trigger()
    assert quits == [True] and fakes[0].stopped.is_set()
    assert not watch.service.active and not window.isVisible()


def test_without_a_tray_starting_a_watch_says_so(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _office(qtbot, make_window)
    window.watch.tray.available = False

    def factory(store: Store, config: WatchConfig, feeds: list[Feed],
                scan: ScanFunction) -> FakeWatcher:
        fakes.append(FakeWatcher(store, config, feeds, scan))
        return fakes[-1]

    window.watch.service.watcher_factory = factory
    window.watch.watch_action.trigger()
    assert window.watch.service.active and not fakes[0].stopped.is_set()
    assert "No system tray" in window.statusBar().currentMessage()


def test_unticking_stops_the_watch_and_remembers(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)
    window.watch.watch_action.trigger()
    assert fakes[0].stopped.is_set() and not window.watch.service.active
    site_id = window.controller.site.id  # type: ignore[union-attr]
    assert not load_options(window.watch.service.folder, site_id).enabled


def test_the_sample_office_cannot_be_watched(qtbot: QtBot, make_window: WindowFactory,
                                             fakes: list[FakeWatcher]) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.watch.watch_action.trigger()
    assert not window.watch.service.active and not window.watch.watch_action.isChecked()
    assert "recording" in window.statusBar().currentMessage()


def test_without_a_tray_alerts_reach_the_status_bar_and_closing_stops_the_watch(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)
    watch = window.watch
    watch.tray.available = False
    watch.tray.icon = None
    fakes[0].emit(_event(EventKind.NEW_DEVICE, device=PRINTER, severity=Severity.MEDIUM))
    fakes[0].emit(_event(EventKind.SCAN_FINISHED))
    qtbot.waitUntil(lambda: "New device on Office" in window.statusBar().currentMessage())
    assert "OfficeJet Pro 9015" in window.statusBar().currentMessage()
    assert not watch.keep_running_on_close()
    window.close()
    assert fakes[0].stopped.is_set() and not watch.service.active


def test_with_a_tray_closing_hides_the_window_and_the_watch_goes_on(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)
    window.watch.tray.available = True  # a pretend tray (no real icon in tests)
    shown: list[Notification] = []
    window.watch.tray.notified.connect(shown.append)
    window.close()
    assert not window.isVisible() and window.watch.service.active
    assert not fakes[0].stopped.is_set()
    assert shown and "keeps watching" in shown[0].title
    assert not QGuiApplication.quitOnLastWindowClosed()  # a dialog closing must not end it
    window.watch.quit()
    assert fakes[0].stopped.is_set() and QGuiApplication.quitOnLastWindowClosed()


def test_clicking_an_alert_opens_the_device(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    site = window.controller.site
    assert site is not None
    mac = window.table_model.rows[0].device.mac
    window.controller.create_site("Elsewhere")
    settle(qtbot, window)
    window.hide()
    tray = window.watch.tray
    tray.show(Notification("New device on x", "text", site.name, mac))
    tray.message_clicked()
    settle(qtbot, window)
    assert window.isVisible()
    assert window.controller.site is not None and window.controller.site.id == site.id
    assert window.right.currentWidget() is window.device_page
    assert window.device_page.mac == mac


def test_the_window_scan_and_the_watch_take_turns(
        qtbot: QtBot, make_window: WindowFactory, fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)
    watcher = fakes[0]
    inside, release = threading.Event(), threading.Event()

    def slow(request: ScanRequest, checks: CheckOptions | None,
             cancel: CancelToken) -> ScanResult:
        inside.set()
        release.wait(10)
        return load_sample()

    gated = window.watch.service._gated(slow)  # what the watcher's own scan goes through
    worker = threading.Thread(target=gated, args=(ScanRequest(interface="sample0"), None,
                                                  CancelToken()))
    worker.start()
    try:
        assert inside.wait(10)
        window.start_scan()  # refused: the watch is scanning the network
        assert not window.scanner.running
        assert "watch is scanning" in window.statusBar().currentMessage()
    finally:
        release.set()
        worker.join(10)
    window.start_scan()
    assert window.scanner.running and watcher.paused  # the watch waits for the window's scan
    settle(qtbot, window)
    assert not window.scanner.running and not watcher.paused


def test_a_real_watcher_on_the_replay_saves_scans_and_scan_now_runs_again(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    window = _office(qtbot, make_window)
    window.watch.quit_app = lambda: None
    scanned: list[int] = []
    window.watch.service.site_scanned.connect(scanned.append)
    events: list[Event] = []
    window.watch.service.event_received.connect(events.append)
    window.watch.watch_action.trigger()
    qtbot.waitUntil(lambda: len(scanned) >= 1, timeout=20_000)
    site = window.controller.site
    assert site is not None
    assert len(window.session.store.scans(site.id)) == 1
    assert any(e.kind is EventKind.BASELINE for e in events)
    window.watch.tray.scan_action.trigger()
    qtbot.waitUntil(lambda: len(scanned) >= 2, timeout=20_000)
    assert len(window.session.store.scans(site.id)) == 2
    window.watch.tray.quit_action.trigger()
    assert not window.watch.service.active


# -- settings
def test_options_default_to_fifteen_minutes_and_keep_business_hours(tmp_path: Path) -> None:
    assert load_options(tmp_path, 3) == WatchOptions()
    assert WatchOptions().interval_minutes == 15
    hours = BusinessHours(days=(0, 1, 2), timezone="Europe/London")
    options = WatchOptions(enabled=True, interval_minutes=30, collector="tcp://127.0.0.1:5514",
                           business_hours=hours)
    save_options(tmp_path, 3, options)
    assert load_options(tmp_path, 3) == options


def test_the_settings_page_saves_and_restarts_the_watch(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript,
        fakes: list[FakeWatcher]) -> None:
    window = _fake_watching(qtbot, make_window, fakes)

    def edit(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        assert dialog.watch_box.isChecked() and dialog.interval_spin.value() == 15
        assert not dialog.hours_group.isChecked()
        dialog.interval_spin.setValue(5)
        dialog.hours_group.setChecked(True)
        dialog.collector_edit.setText("ftp://nowhere")
        dialog.accept()
        assert "udp:// or tcp://" in dialog.error_label.text()  # refused, still open
        dialog.collector_edit.setText("udp://127.0.0.1:5514")
        assert dialog.validate() == ""
        assert "Nothing sent yet" in dialog.status_label.text() or \
            "No collector" in dialog.status_label.text()
        return int(QDialog.DialogCode.Accepted)

    modal.then(edit)
    window.watch.open_settings()
    assert len(fakes) == 2 and fakes[0].stopped.is_set()
    assert fakes[1].config.interval == 300
    assert [f.name for f in fakes[1].feeds] == ["syslog:udp://127.0.0.1:5514"]
    # Inventory events (a whole-site reassessment per scan) only when a collector takes them.
    assert not fakes[0].config.inventory and fakes[1].config.inventory
    options = load_options(window.watch.service.folder, window.controller.site.id)  # type: ignore[union-attr]
    assert options.business_hours is not None and options.business_hours.days == (0, 1, 2, 3, 4)
    assert options.enabled and options.interval_minutes == 5


def test_the_settings_page_says_when_there_is_no_tray(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript) -> None:
    window = _office(qtbot, make_window)
    window.watch.tray.available = False
    texts: list[str] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        texts.append(dialog.tray_label.text())
        return int(QDialog.DialogCode.Rejected)

    modal.then(look)
    window.watch.open_settings()
    assert "no system tray" in texts[0]
    assert not window.watch.service.active


@pytest.fixture
def collector() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP syslog listener on 127.0.0.1 that keeps what it receives."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)
    received: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            while chunk := conn.recv(65536):
                received.append(chunk)

    thread = threading.Thread(target=serve)
    thread.start()
    yield server.getsockname()[1], received
    server.close()
    thread.join(15)


def test_the_test_button_sends_one_event_to_the_collector(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript,
        collector: tuple[int, list[bytes]]) -> None:
    port, received = collector
    window = _office(qtbot, make_window)
    results: list[str] = []

    def test(dialog: QDialog) -> int:
        assert isinstance(dialog, MonitoringDialog)
        dialog.collector_edit.setText(f"tcp://127.0.0.1:{port}")
        dialog.test_button.click()
        qtbot.waitUntil(lambda: not dialog.testing, timeout=15_000)
        results.append(dialog.test_label.text())
        return int(QDialog.DialogCode.Rejected)

    modal.then(test)
    window.watch.open_settings()
    assert results[0].startswith("Delivered")
    payload = b"".join(received)
    assert b"Test message from IoT Hygiene" in payload and b"Office" in payload
    assert not (window.watch.service.folder / "syslog-tcp-127.0.0.1-{port}.queue.jsonl"
                ).exists()


def test_a_refused_test_says_so(tmp_path: Path) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nobody listens there now
    status = send_test_event(f"tcp://127.0.0.1:{port}", "Office")
    assert status.last_error and status.delivered_total == 0


def test_the_watch_service_gate_never_lets_two_scans_overlap(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    try:
        sample = load_sample()
        inside = threading.Event()
        release = threading.Event()

        def slow(request: ScanRequest, checks: CheckOptions | None,
                 cancel: CancelToken) -> ScanResult:
            inside.set()
            release.wait(10)
            return sample

        service = WatchService(store, lambda site: ("sample0", slow))
        gated = service._gated(slow)
        worker = threading.Thread(target=gated, args=(ScanRequest(interface="x"), None,
                                                      CancelToken()))
        worker.start()
        assert inside.wait(10)
        assert service.scanning and not service.begin_manual_scan()
        release.set()
        worker.join(10)
        assert service.begin_manual_scan() and not service.scanning
        inside.clear()
        release.clear()
        token = CancelToken()
        blocked = threading.Thread(target=_expect_known_error,
                                   args=(gated, ScanRequest(interface="x"), token))
        blocked.start()
        assert not inside.wait(0.3)  # waits for the window's scan to end
        token.cancel()
        blocked.join(10)
        assert not inside.is_set()
        service.end_manual_scan()
    finally:
        store.close()


def _expect_known_error(gated: ScanFunction, request: ScanRequest, token: CancelToken) -> None:
    from core.errors import KnownError

    with pytest.raises(KnownError):
        gated(request, None, token)


@pytest.fixture
def tray(qtbot: QtBot) -> Iterator[WatchTray]:
    """A tray without a real icon, owned by a widget deleted on the GUI thread after the test."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    yield WatchTray(QIcon(), holder, available=False, menu_parent=holder)
    holder.deleteLater()


def test_the_last_delivery_status_in_words() -> None:
    from core.monitoring import DeliveryStatus
    from gui.monitoring_dialog import describe_status

    assert describe_status(None).startswith("No collector")
    assert describe_status(DeliveryStatus(target="tcp://h:514")) == "Nothing sent yet."
    failing = DeliveryStatus(target="tcp://h:514", queued=4, delivered_total=10,
                             last_attempt=STAMP, last_success="2026-11-28T08:00:00.000Z",
                             last_error="connection refused", last_error_at=STAMP)
    text = describe_status(failing)
    assert "Delivered so far: 10; waiting: 4." in text and "connection refused" in text
