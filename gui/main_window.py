"""The main window: site choice, the scan bar, the dashboard beside the device list or page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from core.errors import ConfirmationNeededError, KnownError
from core.models import Device, Progress, ScanResult, Site
from gui import dialogs
from gui.dashboard import DashboardPanel
from gui.device_page import DevicePage
from gui.devices_panel import DevicesPanel
from gui.models import DeviceRow, DeviceTableModel
from gui.scan_bar import ScanBar
from gui.scan_controller import ScanController, ScanOutcome
from gui.scan_service import EngineScanService, ScanPlan, ScanService
from gui.session import Session
from gui.settings import Settings
from gui.tasks import TaskRunner
from gui.views import DashboardData
from gui.window_actions import WindowActions

log = logging.getLogger(__name__)
SAMPLE_SITE_NAME = "Sample office (example data)"
FLUSH_MS = 100  # streamed devices reach the table in batches at most this often


class MainWindow(QMainWindow, WindowActions):
    """One window per database; scan_service is injectable so tests never touch a network."""

    def __init__(self, session: Session | None = None,
                 scan_service: ScanService | None = None) -> None:
        super().__init__()
        self.session = session or Session.open()
        self.scan_service = scan_service or EngineScanService()
        self.settings = Settings()
        self.site: Site | None = None
        self.consent_who = ""
        self.consent_id: int | None = None
        self.tasks = TaskRunner(self, max_threads=3)  # a scan, a site load, a dashboard
        self._loads = 0
        self._dashboard_running = False
        self._dashboard_again = False
        self.scanner = ScanController(self.scan_service, self.tasks, self)
        self.table_model = DeviceTableModel(self)
        self.setWindowTitle(self.tr("IoT Hygiene"))
        self.resize(1366, 768)
        self.title_label = QLabel(self.tr("IoT Hygiene"))
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.site_combo = QComboBox()
        self.site_combo.setMinimumContentsLength(24)
        self.site_combo.activated.connect(self._site_chosen)
        self.new_site_button = QPushButton(self.tr("New site…"))
        self.new_site_button.clicked.connect(self.new_site)
        self.rename_site_button = QPushButton(self.tr("Rename…"))
        self.rename_site_button.clicked.connect(self.rename_site)
        self.scan_bar = ScanBar()
        self.scan_button = self.scan_bar.scan_button
        self.devices = DevicesPanel(self.table_model)
        self.device_table = self.devices.table
        self.device_page = DevicePage(self.session)
        self.dashboard = DashboardPanel()
        self.right = QStackedWidget()
        self.setCentralWidget(self._build_central())
        self._build_menu()
        self._connect()
        self.statusBar().showMessage(self.tr("Version {0}").format(__version__))
        self._load_interfaces()
        self.reload_sites(self.settings.last_site_id)

    @classmethod
    def open_default(cls) -> MainWindow | None:
        """The window on the user's own database, or None after explaining why it cannot open."""
        try:
            return cls()
        except KnownError as exc:
            dialogs.show_known_error(None, exc)
            return None

    # -- layout
    def _build_central(self) -> QWidget:
        site_label = QLabel(self.tr("S&ite:"))
        site_label.setBuddy(self.site_combo)
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addSpacing(24)
        for widget in (site_label, self.site_combo, self.new_site_button,
                       self.rename_site_button):
            top.addWidget(widget)
        top.addStretch(1)
        self.right.addWidget(self.devices)
        self.right.addWidget(self.device_page)
        splitter = QSplitter()
        splitter.addWidget(self.dashboard)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 1066])
        layout = QVBoxLayout()
        layout.addLayout(top)
        layout.addWidget(self.scan_bar)
        layout.addWidget(splitter, 1)
        central = QWidget()
        central.setLayout(layout)
        return central

    def _build_menu(self) -> None:
        site_menu = self.menuBar().addMenu(self.tr("&Site"))
        for text, shortcut, slot in (
                (self.tr("&New site…"), QKeySequence.StandardKey.New, self.new_site),
                (self.tr("&Rename site…"), None, self.rename_site),
                (self.tr("Open the &sample office"), None, self.open_sample),
                (self.tr("&Scan now"), QKeySequence("F5"), self.start_scan),
                (self.tr("Save &report…"), QKeySequence("Ctrl+R"), self.save_report),
                (self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            site_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        log_action = QAction(self.tr("Where is the &log file?"), self)
        log_action.triggered.connect(self.show_log_location)
        help_menu.addAction(log_action)
        back = QAction(self.tr("Back to devices"), self)
        back.setShortcuts([QKeySequence("Esc"), QKeySequence("Alt+Left")])
        back.triggered.connect(self.show_devices)
        self.addAction(back)

    def _connect(self) -> None:
        self.scan_bar.scan_requested.connect(self.start_scan)
        self.scan_bar.cancel_requested.connect(self.scanner.cancel)
        self.scan_bar.consent_requested.connect(self.authorise_checks)
        self.scan_bar.consent_withdrawn.connect(self.withdraw_consent)
        self.scan_bar.interface_changed.connect(self._interface_chosen)
        self.scanner.device_found.connect(self._device_found)
        self.scanner.progressed.connect(self._progressed)
        self.scanner.finished.connect(self._scan_finished)
        self.scanner.failed.connect(self._scan_failed)
        self.devices.device_activated.connect(self.open_device)
        self.dashboard.action_activated.connect(self.open_device)
        self.device_page.back_requested.connect(self.show_devices)
        self.device_page.changed.connect(self._device_changed)
        self._pending: dict[str, Device] = {}
        self._known: dict[str, DeviceRow] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_devices)

    # -- scanning
    def start_scan(self, confirm_large: bool = False) -> None:
        interface = self.scan_bar.interface
        site = self.site
        if site is None or interface is None or self.scanner.running:
            return
        if site.name == SAMPLE_SITE_NAME:
            return
        self._known = {row.device.mac: row for row in self.table_model.rows}
        self.show_devices()
        self.scan_bar.set_scanning(True)
        self._set_site_controls(False)
        self.devices.set_empty_text(self.tr("Scanning: devices appear here as they are found."))
        self.session.remember_network(site.id, interface.network)
        plan = ScanPlan(interface=interface, deep=self.scan_bar.deep,
                        consent_by=self.consent_who, site_name=site.name,
                        confirm_large=confirm_large)
        self.scanner.start(plan, persist=self._persist_for(site.id, self.consent_id))

    def _persist_for(self, site_id: int, consent_id: int | None) -> Callable[[ScanResult], Any]:
        session = self.session

        def persist(result: ScanResult) -> tuple[list[DeviceRow], DashboardData]:
            """Runs on the scan's worker thread: save, then load what the window will show."""
            session.save_scan(site_id, result, consent_id=consent_id)
            assessment = session.assess(site_id)
            return session.device_rows(site_id, assessment), session.dashboard(site_id, assessment)

        return persist

    def _device_found(self, device: Device) -> None:
        self._pending[device.mac] = device  # coalesced: one table update per flush
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush_devices(self) -> None:
        if self.site is None or not self._pending:
            self._pending.clear()
            return
        rows = [self.session.live_row(self.site.id, device, self._known.get(mac)
                                      or self.table_model.row_for(mac))
                for mac, device in self._pending.items()]
        self._pending.clear()
        self.table_model.upsert_many(rows, keep_sorted=False)  # sorted once the scan ends

    def _progressed(self, progress: Progress) -> None:
        self.scan_bar.show_progress(progress)

    def _scan_finished(self, outcome: ScanOutcome) -> None:
        self._flush_devices()
        self.scan_bar.set_scanning(False)
        self._set_site_controls(True)
        found = len(outcome.result.devices)
        if outcome.saved is None:
            self.scan_bar.show_status(self.tr(
                "Scan cancelled: {0} devices found so far, not saved.").format(found))
            return
        rows, data = outcome.saved
        self.table_model.set_rows(rows)
        self.dashboard.show_data(data)
        self.withdraw_consent()
        self.scan_bar.show_status(self.tr("Scan finished: {0} devices found.").format(found))

    def _scan_failed(self, exc: BaseException) -> None:
        self._flush_devices()
        self.scan_bar.set_scanning(False)
        self._set_site_controls(True)
        self.scan_bar.show_status(self.tr("The scan stopped before it finished."))
        if isinstance(exc, ConfirmationNeededError):
            if dialogs.confirm(self, self.tr("Scan a large network?"), exc.message,
                               self.tr("Scan it anyway")):
                self.start_scan(confirm_large=True)
            return
        dialogs.show_error(self, exc)

    def _device_changed(self, mac: str) -> None:
        """A device page saved something: refresh that row and the dashboard only."""
        if self.site is None:
            return
        try:
            self.table_model.upsert(self.session.device_row(self.site.id, mac))
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.refresh_dashboard()

    # -- state
    def _set_site_controls(self, enabled: bool) -> None:
        for widget in (self.site_combo, self.new_site_button, self.rename_site_button):
            widget.setEnabled(enabled)

    def _load_interfaces(self) -> None:
        try:
            interfaces = self.scan_service.interfaces()
        except KnownError as exc:
            log.warning("no interfaces: %s", exc)
            interfaces = ()
        self.scan_bar.set_interfaces(interfaces, self.settings.last_interface)
        allowed, reason = self.scan_service.deep_mode()
        self.scan_bar.set_deep_mode(allowed, reason)

    def _interface_chosen(self) -> None:
        interface = self.scan_bar.interface
        if interface is not None:
            self.settings.last_interface = interface.name

    def shutdown(self) -> None:
        """Stop any running scan and wait for it, then close the database (data is saved)."""
        self.scanner.cancel()
        self.tasks.shutdown()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
