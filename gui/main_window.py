"""The main window: lays out the site choice, scan bar, dashboard and devices, and wires them."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from core.errors import ConfirmationNeededError, InterfaceError, KnownError
from core.models import Site
from core.paths import log_dir
from core.store import Deletion
from gui import dialogs
from gui.catalog_action import CatalogActions
from gui.consent_dialog import ConsentDialog
from gui.dashboard import DashboardPanel
from gui.device_page import DevicePage
from gui.devices_panel import DevicesPanel
from gui.models import DeviceRow, DeviceTableModel
from gui.network_roles import NetworksDialog, NewSiteDialog
from gui.scan_bar import ScanBar
from gui.scan_controller import ScanController, ScanOutcome
from gui.scan_service import EngineScanService, ScanService
from gui.session import Session
from gui.settings import Settings
from gui.site_actions import SiteActions, deletion_words
from gui.site_controller import SAMPLE_SITE_NAME, SiteController
from gui.tasks import TaskRunner
from gui.text import clean
from gui.welcome import WelcomeDialog
from gui.window_watch import WindowWatch

__all__ = ["SAMPLE_SITE_NAME", "MainWindow"]

log = logging.getLogger(__name__)


PREFERRED_SIZE = QSize(1366, 768)


def first_size(available: QSize) -> QSize:
    """The window's first size: the preferred one, or all a smaller screen has."""
    return PREFERRED_SIZE.boundedTo(available)


class MainWindow(QMainWindow):
    """One window per database; scan_service is injectable so tests never touch a network.

    The state (current site, consent, loads) lives in `controller`; the window lays out the
    widgets, asks the user through dialogs and connects signals to slots."""

    def __init__(self, session: Session | None = None,
                 scan_service: ScanService | None = None) -> None:
        super().__init__()
        self.session = session or Session.open()
        self.scan_service = scan_service or EngineScanService()
        self.settings = Settings()
        self.tasks = TaskRunner(self, max_threads=3)  # a scan, a site load, a dashboard
        self.controller = SiteController(self.session, self.settings, self.tasks, self)
        self.scanner = ScanController(self.scan_service, self.tasks, self)
        self.watch = WindowWatch(self, self)  # watch mode: Site menu toggle, tray, alerts
        self.table_model = DeviceTableModel(self)
        self.setWindowTitle(self.tr("IoT Hygiene"))
        self.resize(first_size(self.screen().availableGeometry().size()))
        self.title_label = _title_label(self.tr("IoT Hygiene"))
        self.site_combo = QComboBox()
        self.site_combo.setMinimumContentsLength(24)
        self.site_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)  # long names elide
        self.new_site_button = QPushButton(self.tr("New site…"))
        self.rename_site_button = QPushButton(self.tr("Rename…"))
        self.scan_bar = ScanBar()
        self.scan_button = self.scan_bar.scan_button
        self.devices = DevicesPanel(self.table_model)
        self.device_table = self.devices.table
        self.device_page = DevicePage(self.session, self.tasks)
        self.dashboard = DashboardPanel()
        self.right = QStackedWidget()
        self.site_actions = SiteActions(self, self.session, self.controller)
        self.site_actions.current_mac = self._current_mac
        self.catalog = CatalogActions(self, self.controller, self._reassess_open_page)
        self.setCentralWidget(self._build_central())
        self._build_menu()
        self._connect_widgets()
        self._connect_controllers()
        self.statusBar().showMessage(self.tr("Version {0}").format(__version__))
        self._load_interfaces()
        self.controller.reload_sites(self.settings.last_site_id)
        self.watch.start_saved()

    @classmethod
    def open_default(cls) -> MainWindow | None:
        """The window on the user's own database, or None after explaining why it cannot open."""
        try:
            return cls()
        except KnownError as exc:
            dialogs.show_known_error(None, exc)
            return None

    @property
    def site(self) -> Site | None:
        return self.controller.site

    @property
    def busy(self) -> bool:
        """True while a scan, a site load or a dashboard update is still running."""
        return self.scanner.running or self.controller.busy

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
                (self.tr("&New site…"), QKeySequence(QKeySequence.StandardKey.New),
                 self.new_site),
                (self.tr("&Rename site…"), None, self.rename_site),
                (self.tr("Ne&tworks…"), None, self.edit_networks),
                (self.tr("Open the &sample office"), None, self.open_sample),
                (self.tr("S&can now"), QKeySequence("F5"), self.start_scan),
                (self.tr("Re&port…"), QKeySequence("Ctrl+R"), self.open_report),
                (self.tr("&Quit"), QKeySequence(QKeySequence.StandardKey.Quit), self.close)):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            site_menu.addAction(action)
            if slot == self.open_sample:
                site_menu.addSeparator()
                site_menu.addActions(list(self.site_actions.site_actions))
                site_menu.addSeparator()
        # No mnemonic: every letter of "Device" is taken in the window; F10 or Alt reaches it.
        self.device_menu = self.menuBar().addMenu(self.tr("Device"))
        self.device_menu.addActions(list(self.site_actions.device_actions))
        self.device_menu.aboutToShow.connect(self._sync_device_actions)
        self.device_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.device_table.addActions(list(self.site_actions.device_actions))
        quit_action = site_menu.actions()[-1]
        site_menu.insertActions(quit_action, self.watch.menu_actions())
        site_menu.insertSeparator(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        for text, slot in ((self.tr("A short &guide"), self.show_guide),
                           (self.tr("Show the &welcome again"), self.show_welcome),
                           (self.tr("Where is the &log file?"), self.show_log_location),
                           (self.tr("&About IoT Hygiene"), self.show_about)):
            action = QAction(text, self)
            action.triggered.connect(slot)
            help_menu.addAction(action)
        help_menu.insertAction(help_menu.actions()[-1], self.catalog.load_action)
        help_menu.insertSeparator(help_menu.actions()[-1])
        back = QAction(self.tr("Back to devices"), self)
        back.setShortcuts([QKeySequence("Esc"), QKeySequence("Alt+Left")])
        back.triggered.connect(self.show_devices)
        self.addAction(back)

    # -- wiring
    def _connect_widgets(self) -> None:
        self.site_combo.activated.connect(self._site_chosen)
        self.new_site_button.clicked.connect(self.new_site)
        self.rename_site_button.clicked.connect(self.rename_site)
        self.scan_bar.scan_requested.connect(self.start_scan)
        self.scan_bar.cancel_requested.connect(self.scanner.cancel)
        self.scan_bar.consent_requested.connect(self.authorise_checks)
        self.scan_bar.consent_withdrawn.connect(self.controller.withdraw_consent)
        self.scan_bar.interface_changed.connect(self._interface_chosen)
        self.devices.device_activated.connect(self.open_device)
        self.dashboard.action_activated.connect(self.open_device)
        self.device_page.back_requested.connect(self.show_devices)
        self.device_page.next_device_requested.connect(self.open_device)
        self.device_page.next_of = self._next_device_of
        self.device_page.changed.connect(self.controller.device_changed)
        self.device_table.selectionModel().currentChanged.connect(self._sync_device_actions)

    def _connect_controllers(self) -> None:
        sites = self.controller
        sites.sites_listed.connect(self._show_sites)
        sites.site_changed.connect(self._site_changed)
        sites.loading.connect(self._site_loading)
        sites.rows_loaded.connect(self._rows_loaded)
        sites.loaded.connect(self._site_loaded)
        sites.rows_streamed.connect(self._rows_streamed)
        sites.row_changed.connect(self.table_model.upsert)
        sites.dashboard_ready.connect(self.dashboard.show_data)
        sites.consent_changed.connect(self.scan_bar.set_consent)
        sites.report_saved.connect(self._report_saved)
        sites.deleted.connect(self._deleted)
        sites.exported.connect(self._exported)
        sites.imported.connect(self._imported)
        sites.row_changed.connect(self._sync_device_actions)
        sites.rows_loaded.connect(self._sync_device_actions)
        sites.error.connect(self._show_error)
        self.scanner.device_found.connect(sites.device_found)
        self.scanner.progressed.connect(self.scan_bar.show_progress)
        self.scanner.finished.connect(self._scan_finished)
        self.scanner.failed.connect(self._scan_failed)

    # -- sites
    def _show_sites(self, sites: list[Site], current_id: int) -> None:
        self.site_combo.clear()
        for site in sites:
            self.site_combo.addItem(clean(site.name, 80), site.id)
        ids = [s.id for s in sites]
        if current_id in ids:
            self.site_combo.setCurrentIndex(ids.index(current_id))
        self.rename_site_button.setEnabled(bool(sites))

    def _site_chosen(self) -> None:
        self.controller.choose_site(int(self.site_combo.currentData() or 0))

    def _site_changed(self, site: Site | None) -> None:
        self.device_page.leave()  # a failure was reported; the other site is shown anyway
        self.right.setCurrentWidget(self.devices)

    def _site_loading(self, site: Site | None) -> None:
        if site is None:
            self.table_model.clear()
            self.dashboard.show_no_site()
            self.devices.set_empty_text(self.tr("Create a site to begin: Site > New site."))
            return
        self.scan_bar.set_scan_blocked(self.tr(
            "The sample office is a recording: create a site to scan your own network.")
            if self.controller.is_sample else "")
        self.devices.set_empty_text(self.tr("Loading…"))

    def _rows_loaded(self, rows: list[DeviceRow]) -> None:
        """The saved table (a load, or a saved scan): the open device page follows it too."""
        self.table_model.set_rows(rows)
        if self.right.currentWidget() is self.device_page and self.device_page.mac:
            try:
                self.device_page.refresh()
            except KnownError:  # the device is gone from the store
                self.right.setCurrentWidget(self.devices)

    def _site_loaded(self) -> None:
        self.devices.set_empty_text(self.tr("No scan yet: choose a network and press Scan."))

    def _rows_streamed(self, rows: list[DeviceRow]) -> None:
        self.table_model.upsert_many(rows, keep_sorted=False)  # sorted once the scan ends

    def new_site(self) -> None:
        interface = self.scan_bar.interface
        dialog = NewSiteDialog(interface.network if interface else "", self,
                               taken=[site.name for site in self.session.sites()])
        if dialogs.run_modal(dialog) == QDialog.DialogCode.Accepted and dialog.site_name:
            self.controller.create_site(dialog.site_name, dialog.network, dialog.role)

    def edit_networks(self) -> None:
        site = self.controller.site
        if site is None:
            dialogs.tell(self, self.tr("Networks"), self.tr(
                "There is no site yet: create one with Site > New site first."))
            return
        dialog = NetworksDialog(site.name, site.network_roles, site.networks, self)
        if dialogs.run_modal(dialog) == QDialog.DialogCode.Accepted:
            self.controller.set_network_roles(dialog.roles)

    def rename_site(self) -> None:
        site = self.controller.site
        if site is None:
            return
        name = dialogs.ask_text(self, self.tr("Rename site"), self.tr("New name:"), site.name,
                                blank=self.tr("A site needs a name: the name was not changed."))
        if name:
            self.controller.rename_site(name)

    def open_sample(self) -> None:
        """Open (creating it once) the sample office site filled from the bundled recording."""
        self.controller.open_sample()

    def open_site(self, name: str, interface: str = "") -> bool:
        """Open the saved site `name` with the network `interface` selected (from the command
        line: `iot-hygiene --site NAME --interface IFACE`); F5 then scans it. Never scans."""
        if self.controller.open_site_named(name) is None:
            return False
        if interface:
            try:
                interfaces = self.scan_service.interfaces()
            except KnownError as exc:
                dialogs.show_known_error(self, exc)
                return False
            names = [i.name for i in interfaces]
            if interface not in names:
                dialogs.show_known_error(self, InterfaceError(
                    self.tr("There is no network called {0} on this computer.").format(
                        clean(interface, 40)),
                    self.tr("Choose the network in the list; known here: {0}.").format(
                        ", ".join(names) or self.tr("none"))))
                return False
            self.scan_bar.set_interfaces(interfaces, interface)
            self._interface_chosen()
        return True

    def start_first_run_if_needed(self) -> None:
        """With no site yet, welcome the user: a site on a chosen network, or the sample."""
        if self.controller.needs_first_run:
            self.show_welcome()

    def show_welcome(self) -> None:
        """The welcome (also from Help): a new site on a chosen network, or the sample."""
        welcome = WelcomeDialog(self.scan_service.interfaces(), self)
        if dialogs.run_modal(welcome) != QDialog.DialogCode.Accepted:
            return
        interface = None if welcome.wants_sample else welcome.interface
        if interface is not None:
            self.scan_bar.set_interfaces(self.scan_service.interfaces(), interface.name)
        self.controller.finish_first_run(welcome.site_name, interface, welcome.wants_sample,
                                         welcome.role)

    def authorise_checks(self) -> None:
        """Ask who authorises default-password checks on this network, for the next scan."""
        interface, site = self.scan_bar.interface, self.controller.site
        if site is None or interface is None:
            dialogs.tell(self, self.tr("Authorise password checks"), self.tr(
                "Choose a site and a connected network first: the authorisation is for one "
                "network of one site."))
            return
        dialog = ConsentDialog(site.name, interface.network, self)
        if dialogs.run_modal(dialog) == QDialog.DialogCode.Accepted and dialog.who:
            self.controller.record_consent(dialog.who, interface.network, dialog.scope)

    # -- pages
    def open_device(self, mac: str) -> None:
        site = self.controller.site
        if site is None:
            return
        row = self.table_model.row_for(mac)
        if row is not None and row.live:
            self.statusBar().showMessage(self.tr(
                "That device is new and not saved yet: open it when the scan has finished."),
                10000)
            return
        if not self.device_page.leave():
            return  # the notes typed for the device shown could not be saved: the user was told
        try:
            self.device_page.show_device(site.id, mac)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.right.setCurrentWidget(self.device_page)
        self.device_page.tabs.setFocus()

    def _next_device_of(self, mac: str) -> tuple[str, str] | None:
        row = self.devices.row_after(mac)
        return (row.device.mac, row.display_name or row.device.ip or row.device.mac) \
            if row is not None else None

    def show_devices(self) -> None:
        """Back to the table (Back, Esc); notes typed on the device page are saved first, and
        the page stays when that failed (once: the user was told)."""
        if self.right.currentWidget() is not self.devices:
            if not self.device_page.leave():
                return
            self.right.setCurrentWidget(self.devices)
            self.device_table.setFocus()

    # -- scanning
    def start_scan(self, confirm_large: bool = False) -> None:
        if self.scanner.running:
            return
        plan = self.controller.scan_plan(self.scan_bar.interface, self.scan_bar.deep,
                                         confirm_large, self.scan_bar.thorough)
        if plan is None or not self.watch.begin_manual_scan():
            return
        persist = self.controller.persist_scan(self.table_model.rows)
        self.show_devices()
        self.scan_bar.set_scanning(True)
        self._set_site_controls(False)
        self.devices.set_empty_text(self.tr("Scanning: devices appear here as they are found."))
        self.scanner.start(plan, persist=persist)

    def _scan_finished(self, outcome: ScanOutcome) -> None:
        self._scan_stopped()
        self.controller.scan_ended(outcome.saved)
        found = len(outcome.result.devices)
        if outcome.saved is None:
            self.scan_bar.show_status(self.tr(
                "Scan cancelled: {0} devices found so far, not saved; the table shows what "
                "was saved before.").format(found))
            return
        self.scan_bar.show_status(self.tr("Scan finished: {0} devices found.").format(found))

    def _scan_failed(self, exc: BaseException) -> None:
        self._scan_stopped()
        self.controller.scan_ended(None)  # nothing saved: back to the saved table
        self.scan_bar.show_status(self.tr("The scan stopped before it finished."))
        if isinstance(exc, ConfirmationNeededError):
            if dialogs.confirm(self, self.tr("Scan a large network?"), exc.message,
                               self.tr("Scan it anyway")):
                self.start_scan(confirm_large=True)
            return
        dialogs.show_error(self, exc)

    def _scan_stopped(self) -> None:
        self.watch.end_manual_scan()
        self.scan_bar.set_scanning(False)
        self._set_site_controls(True)

    # -- the client report and the log
    def open_report(self) -> None:
        """The report dialog: options, preview, save (off the GUI thread), open."""
        if self.controller.site is None:
            return
        from gui.report_dialog import ReportDialog

        dialog = ReportDialog(self.controller, self)
        dialogs.run_modal(dialog)
        dialog.detach()
        dialog.deleteLater()

    def _report_saved(self, path: Path) -> None:
        self.statusBar().showMessage(self.tr("Report saved to {0}").format(path), 15000)

    # -- history, moving and housekeeping (gui.site_actions asks; the controller does)
    def _current_mac(self) -> str:
        """The device the Device menu is about: the open page's, else the table's current."""
        if self.right.currentWidget() is self.device_page and self.device_page.mac:
            return str(self.device_page.mac)
        return self.devices.selected_mac() or ""

    def _sync_device_actions(self, *_: object) -> None:
        row = self.table_model.row_for(self._current_mac())
        for action in self.site_actions.device_actions:
            action.setEnabled(row is not None and not self.site_actions.scanning)
        if row is not None:
            self.site_actions.sync_keep(row.kept, row.missing)

    def _deleted(self, deletion: object) -> None:
        if isinstance(deletion, Deletion):
            if deletion.what == "device" and self.device_page.mac == deletion.name:
                self.show_devices()
            self.statusBar().showMessage(deletion_words(deletion), 30000)

    def _exported(self, path: Path) -> None:
        self.statusBar().showMessage(self.tr("Site exported to {0}").format(path), 15000)

    def _imported(self, summary: object) -> None:
        name = getattr(summary, "site_name", "")
        self.statusBar().showMessage(self.tr("Site {0} imported").format(clean(name, 80)), 15000)

    def show_guide(self) -> None:
        dialogs.tell(self, self.tr("A short guide"), self.tr(
            "1. Choose your network and press Scan (F5). Nothing is sent before you do.\n"
            "2. The devices with the worst problems come first. Open one (double-click).\n"
            "3. Findings say what the scan saw and how to fix it; the Checklist asks its few "
            "essential questions first.\n"
            "4. Tag each device Work, Home or Guest; the overview shows what sits where it "
            "should not.\n"
            "5. Scan again after changes: 'Since the last scan' lists only what needs you.\n"
            "6. Site > Report… makes a PDF, web page or spreadsheet for your records or client."))

    def show_about(self) -> None:
        text = self.tr(
            "IoT Hygiene {0}\nFinds the devices on your network and helps make each one "
            "safe. Everything stays on this computer.\n\nLicence: GPL-2.0-or-later. Bundled "
            "data: Rapid7 Recog fingerprints (BSD-2-Clause), CISA Known Exploited "
            "Vulnerabilities catalog (CC0); see THIRD_PARTY.md.\nLog file folder: {1}").format(
                __version__, log_dir())
        if self.catalog.in_use:
            text += "\n" + self.tr("Vulnerability catalogue in use: {0}").format(
                self.catalog.in_use)
        dialogs.tell(self, self.tr("About IoT Hygiene"), text)

    def _reassess_open_page(self) -> None:
        """A newer catalogue may add findings to the device whose page is open."""
        if self.right.currentWidget() is self.device_page and self.device_page.mac:
            self.device_page.reassess()

    def show_log_location(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Log file"))
        box.setText(self.tr("The log file is in:\n{0}").format(log_dir()))
        dialogs.run_modal(box)

    def _show_error(self, exc: BaseException) -> None:
        dialogs.show_error(self, exc)

    # -- state
    def _set_site_controls(self, enabled: bool) -> None:
        for widget in (self.site_combo, self.new_site_button, self.rename_site_button):
            widget.setEnabled(enabled)
        self.site_actions.set_scanning(not enabled)  # no delete or import under a running scan
        self._sync_device_actions()

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

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """Run a local event loop until background work is done (scripts and screenshots)."""
        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: self._quit_when_idle(loop, deadline))
        poll.start()
        if self.busy:
            loop.exec()
        poll.stop()
        return not self.busy

    def _quit_when_idle(self, loop: QEventLoop, deadline: float) -> None:
        if not self.busy or time.monotonic() > deadline:
            loop.quit()

    def shutdown(self) -> None:
        """Stop any running scan and wait for it, then close the database (data is saved)."""
        self.device_page.leave()
        self.watch.shutdown()
        self.scanner.cancel()
        self.tasks.shutdown()
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.watch.keep_running_on_close():  # the tray keeps the watch going
            event.ignore()
            self.hide()
            return
        self.shutdown()
        super().closeEvent(event)


def _title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.3)
    label.setFont(font)
    return label
