"""The main window's user actions: sites, first run, sample office, device page, consent."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from core.errors import KnownError
from core.paths import log_dir
from gui import dialogs
from gui.consent_dialog import ConsentDialog
from gui.scan_service import load_sample
from gui.text import clean
from gui.welcome import WelcomeDialog

if TYPE_CHECKING:
    from gui.main_window import MainWindow
    from gui.models import DeviceRow
    from gui.views import DashboardData

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class WindowActions:
    """Mixed into MainWindow; every method runs on the GUI thread and saves at once."""

    # -- sites
    def reload_sites(self: MainWindow, select_id: int = 0) -> None:
        sites = self.session.sites()
        self.site_combo.clear()
        for site in sites:
            self.site_combo.addItem(clean(site.name, 80), site.id)
        ids = [s.id for s in sites]
        index = ids.index(select_id) if select_id in ids else 0
        if sites:
            self.site_combo.setCurrentIndex(index)
        self.rename_site_button.setEnabled(bool(sites))
        self.switch_site(sites[index] if sites else None)

    def _site_chosen(self: MainWindow) -> None:
        site_id = self.site_combo.currentData()
        site = next((s for s in self.session.sites() if s.id == site_id), None)
        self.switch_site(site)

    def switch_site(self: MainWindow, site: object) -> None:
        from core.models import Site

        self.site = site if isinstance(site, Site) else None
        self.withdraw_consent()
        self.show_devices()
        if self.site is not None:
            self.settings.last_site_id = self.site.id
        self.refresh_site()

    def refresh_site(self: MainWindow) -> None:
        """Reload the table and dashboard from the store off the GUI thread (a big site takes
        a while to score); the open device page, if any, is refreshed at once."""
        from gui.main_window import SAMPLE_SITE_NAME

        if self.site is None:
            self.table_model.clear()
            self.devices.set_empty_text(_tr("Create a site to begin: Site > New site."))
            return
        site_id = self.site.id
        session = self.session
        sample = self.site.name == SAMPLE_SITE_NAME
        self.scan_bar.set_scan_blocked(_tr(
            "The sample office is a recording: create a site to scan your own network.")
            if sample else "")
        self.devices.set_empty_text(_tr("Loading…"))

        def load(context: object) -> tuple[int, list[DeviceRow], DashboardData]:
            assessment = session.assess(site_id)
            return (site_id, session.device_rows(site_id, assessment),
                    session.dashboard(site_id, assessment))

        self._loads += 1
        self.tasks.start(load, on_result=self._site_loaded, on_error=self._load_failed)
        if self.right.currentWidget() is self.device_page and self.device_page.mac:
            self.device_page.refresh()

    def _site_loaded(self: MainWindow, payload: tuple[int, list[DeviceRow], DashboardData]
                     ) -> None:
        self._loads -= 1
        site_id, rows, data = payload
        if self.site is None or self.site.id != site_id:
            return  # the user switched site meanwhile; that load is on its way
        self.table_model.set_rows(rows)
        self.dashboard.show_data(data)
        self.devices.set_empty_text(_tr("No scan yet: choose a network and press Scan."))

    def _load_failed(self: MainWindow, exc: BaseException) -> None:
        self._loads -= 1
        dialogs.show_error(self, exc)

    def refresh_dashboard(self: MainWindow) -> None:
        """Reassess the site off the GUI thread (next best actions try every step on every
        device); a request while one runs is merged into one rerun."""
        if self.site is None:
            return
        if self._dashboard_running:
            self._dashboard_again = True
            return
        site_id, session = self.site.id, self.session
        self._dashboard_running = True
        self._dashboard_again = False

        def build(context: object) -> tuple[int, DashboardData]:
            return site_id, session.dashboard(site_id)

        self.tasks.start(build, on_result=self._dashboard_built, on_error=self._dashboard_failed)

    def _dashboard_built(self: MainWindow, payload: tuple[int, DashboardData]) -> None:
        self._dashboard_running = False
        site_id, data = payload
        if self.site is not None and self.site.id == site_id:
            self.dashboard.show_data(data)
        if self._dashboard_again:
            self.refresh_dashboard()

    def _dashboard_failed(self: MainWindow, exc: BaseException) -> None:
        self._dashboard_running = False
        dialogs.show_error(self, exc)

    def wait_until_idle(self: MainWindow, timeout: float = 30.0) -> bool:
        """Run a local event loop until background work is done (scripts and screenshots)."""
        import time

        from PySide6.QtCore import QEventLoop, QTimer

        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)
        poll.timeout.connect(lambda: (not self.busy or time.monotonic() > deadline)
                             and loop.quit())
        poll.start()
        if self.busy:
            loop.exec()
        poll.stop()
        return not self.busy

    @property
    def busy(self: MainWindow) -> bool:
        """True while a scan, a site load or a dashboard update is still running."""
        return self.scanner.running or self._loads > 0 or self._dashboard_running

    def new_site(self: MainWindow) -> None:
        name = dialogs.ask_text(self, _tr("New site"), _tr("Name of the site (office, client):"))
        if name:
            self._create_site(name)

    def _create_site(self: MainWindow, name: str, network: str = "") -> None:
        try:
            site = self.session.create_site(name, network)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.reload_sites(site.id)

    def rename_site(self: MainWindow) -> None:
        if self.site is None:
            return
        name = dialogs.ask_text(self, _tr("Rename site"), _tr("New name:"), self.site.name)
        if not name:
            return
        try:
            site = self.session.rename_site(self.site.id, name)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.reload_sites(site.id)

    # -- first run and the sample
    def start_first_run_if_needed(self: MainWindow) -> None:
        if self.session.sites():
            return
        welcome = WelcomeDialog(self.scan_service.interfaces(), self)
        if dialogs.run_modal(welcome) != QDialog.DialogCode.Accepted:
            return
        if welcome.wants_sample:
            self.open_sample()
            return
        interface = welcome.interface
        if interface is not None:
            self.settings.last_interface = interface.name
            self.scan_bar.set_interfaces(self.scan_service.interfaces(), interface.name)
        self._create_site(welcome.site_name, interface.network if interface else "")

    def open_sample(self: MainWindow) -> None:
        """Open (creating it once) the sample office site filled from the bundled recording."""
        from gui.main_window import SAMPLE_SITE_NAME

        existing = next((s for s in self.session.sites() if s.name == SAMPLE_SITE_NAME), None)
        try:
            site = existing or self.session.create_site(SAMPLE_SITE_NAME,
                                                        load_sample().info.network)
            if not self.session.has_scans(site.id):
                self.session.save_scan(site.id, load_sample())
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.reload_sites(site.id)

    # -- pages
    def open_device(self: MainWindow, mac: str) -> None:
        if self.site is None:
            return
        try:
            self.device_page.show_device(self.site.id, mac)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.right.setCurrentWidget(self.device_page)
        self.device_page.tabs.setFocus()

    def show_devices(self: MainWindow) -> None:
        if self.right.currentWidget() is not self.devices:
            self.right.setCurrentWidget(self.devices)
            self.device_table.setFocus()

    # -- consent
    def authorise_checks(self: MainWindow) -> None:
        interface = self.scan_bar.interface
        if self.site is None or interface is None:
            return
        dialog = ConsentDialog(self.site.name, interface.network, self)
        if dialogs.run_modal(dialog) != QDialog.DialogCode.Accepted or not dialog.who:
            return
        try:
            self.consent_id = self.session.record_consent(
                self.site.id, dialog.who, interface.network, dialog.scope)
        except KnownError as exc:
            dialogs.show_known_error(self, exc)
            return
        self.consent_who = dialog.who
        self.scan_bar.set_consent(dialog.who)
        log.info("password checks authorised for site %s", self.site.id)

    def withdraw_consent(self: MainWindow) -> None:
        self.consent_who = ""
        self.consent_id = None
        self.scan_bar.set_consent("")

    # -- the client report
    def save_report(self: MainWindow) -> None:
        """Ask where, then write the site's report off the GUI thread."""
        if self.site is None:
            return
        stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in self.site.name).strip()
        path = dialogs.ask_save_path(self, _tr("Save the report"),
                                     f"{stem or 'site'} report.html")
        if path is None:
            return
        fmt = "csv" if path.suffix.lower() == ".csv" else "html"
        site_id = self.site.id

        def write(context: object) -> Path:
            path.write_text(self.session.site_report(site_id, fmt), encoding="utf-8")
            return path

        self.tasks.start(write, on_result=self._report_saved,
                         on_error=lambda exc: dialogs.show_error(self, exc))

    def _report_saved(self: MainWindow, path: Path) -> None:
        self.statusBar().showMessage(_tr("Report saved to {0}").format(path), 15000)
        log.info("report saved")

    def show_log_location(self: MainWindow) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle(_tr("Log file"))
        box.setText(_tr("The log file is in:\n{0}").format(log_dir()))
        dialogs.run_modal(box)
