"""The window's state behind its widgets: current site, consent, loads, scans and the sample."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.errors import KnownError
from core.fingerprints import CatalogUpdate
from core.models import Device, Interface, ScanResult, Site
from core.report import ReportContext, ReportData
from core.store import ConsentEnd, Deletion, ImportSummary
from gui.models import DeviceRow
from gui.scan_controller import Persist
from gui.scan_service import ScanPlan, load_sample
from gui.session import Session
from gui.settings import Settings
from gui.tasks import TaskContext, TaskRunner
from gui.views import DashboardData

log = logging.getLogger(__name__)
SAMPLE_SITE_NAME = "Sample office (example data)"
FLUSH_MS = 100  # streamed devices reach the table in batches at most this often


@dataclass(frozen=True)
class SiteView:
    """What the window shows of one site: its table rows and its dashboard."""

    site_id: int
    rows: list[DeviceRow]
    dashboard: DashboardData


class SiteController(QObject):
    """Owns the current site and its consent; every change is saved at once and reported by a
    signal on the GUI thread, and slow loads run on the task runner."""

    sites_listed = Signal(list, int)  # every Site, and the id of the current one (0: none)
    site_changed = Signal(object)  # the current Site, or None when there is no site
    loading = Signal(object)  # the Site whose table and dashboard are being (re)loaded, or None
    rows_loaded = Signal(list)  # list[DeviceRow]: the whole table of the current site
    loaded = Signal()  # a site load (not a scan) finished: rows and dashboard were sent
    rows_streamed = Signal(list)  # list[DeviceRow]: devices a running scan just reported
    row_changed = Signal(DeviceRow)  # one device changed on its page
    dashboard_ready = Signal(DashboardData)  # the current site's dashboard
    consent_changed = Signal(str)  # who authorised password checks ("" when withdrawn)
    device_requested = Signal(str)  # MAC: show this device of the current site (an alert)
    report_loaded = Signal(object)  # ReportData: the current site's report content
    report_saved = Signal(Path)  # where the report was written
    deleted = Signal(object)  # a core.store.Deletion: what went, and where its backup is
    exported = Signal(Path)  # where a site export was written
    imported = Signal(object)  # the core.store.ImportSummary of an import
    catalog_loaded = Signal(object)  # core.fingerprints.CatalogUpdate: a catalogue file read
    error = Signal(BaseException)  # to show (a KnownError becomes a friendly message)

    def __init__(self, session: Session, settings: Settings, tasks: TaskRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.tasks = tasks
        self.site: Site | None = None
        self.consent_who = ""
        self.consent_id: int | None = None
        self._loads = 0
        self._dashboard_running = False
        self._dashboard_again = False
        self._pending: dict[str, Device] = {}
        self._known: dict[str, DeviceRow] = {}
        self._live: dict[str, DeviceRow] = {}  # new devices the running scan streamed
        self._scanning = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush_devices)

    @property
    def busy(self) -> bool:
        """True while a site load or a dashboard update is still running."""
        return self._loads > 0 or self._dashboard_running

    @property
    def is_sample(self) -> bool:
        return self.site is not None and self.site.name == SAMPLE_SITE_NAME

    # -- sites
    def reload_sites(self, select_id: int = 0) -> None:
        """List the sites again and switch to `select_id` (or the first site)."""
        sites = list(self.session.sites())
        ids = [s.id for s in sites]
        site = sites[ids.index(select_id) if select_id in ids else 0] if sites else None
        self.sites_listed.emit(sites, site.id if site else 0)
        self.switch_site(site)

    def open_site_named(self, name: str) -> Site | None:
        """Switch to the saved site called `name`; None (and an error shown) when unknown."""
        try:
            site = self.session.site_by_name(name)
        except KnownError as exc:
            self.error.emit(exc)
            return None
        self.reload_sites(site.id)
        return site

    def choose_site(self, site_id: int) -> None:
        self.switch_site(next((s for s in self.session.sites() if s.id == site_id), None))

    def switch_site(self, site: Site | None) -> None:
        self.site = site
        self.withdraw_consent()
        self.site_changed.emit(site)
        if site is not None:
            self.settings.last_site_id = site.id
        self.refresh()

    def create_site(self, name: str, network: str = "", role: str = "work") -> None:
        try:
            site = self.session.create_site(name, network, role)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.reload_sites(site.id)

    def set_network_roles(self, roles: dict[str, str]) -> None:
        """Site > Networks…: the roles decide placement findings, so the site is reassessed."""
        if self.site is None:
            return
        try:
            site = self.session.set_network_roles(self.site.id, roles)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.reload_sites(site.id)

    def rename_site(self, name: str) -> None:
        if self.site is None:
            return
        try:
            site = self.session.rename_site(self.site.id, name)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.reload_sites(site.id)

    # -- housekeeping (every delete takes a backup first)
    def delete_site(self) -> None:
        """Delete the current site (after a backup) and switch to another one."""
        if self.site is None:
            return
        try:
            deletion = self.session.delete_site(self.site.id)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.reload_sites()
        self.deleted.emit(deletion)

    def delete_device(self, mac: str) -> None:
        if self.site is None:
            return
        try:
            deletion = self.session.delete_device(self.site.id, mac)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self._known.pop(mac, None)
        self.deleted.emit(deletion)  # first: a page showing that device closes before the reload
        self.refresh()

    def scan_deleted(self, deletion: Deletion | None = None) -> None:
        """A scan of the current site was deleted elsewhere (the history): reload the site."""
        self.refresh()
        if deletion is not None:
            self.deleted.emit(deletion)

    def keep_device(self, mac: str, kept: bool = True) -> None:
        """Count a device the latest scan missed in the site score anyway (or stop)."""
        if self.site is None:
            return
        try:
            self.session.keep_device(self.site.id, mac, kept)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.device_changed(mac)

    # -- moving a site between machines
    def export_site(self, path: Path) -> None:
        if self.site is None:
            return
        try:
            written = self.session.export_site(self.site.id, path)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.exported.emit(written)

    def import_site(self, path: Path) -> ImportSummary | None:
        """Import a site export (after the window showed its preview) and open that site."""
        try:
            summary = self.session.import_site(path)
        except KnownError as exc:
            self.error.emit(exc)
            return None
        self.reload_sites(summary.site_id)
        self.imported.emit(summary)
        return summary

    @property
    def needs_first_run(self) -> bool:
        """No site yet: the window welcomes the user."""
        return not self.session.sites()

    def finish_first_run(self, site_name: str, interface: Interface | None,
                         wants_sample: bool = False, role: str = "work") -> None:
        """The welcome's answer: open the sample, or a first site on the chosen network."""
        if wants_sample:
            self.open_sample()
            return
        if interface is not None:
            self.settings.last_interface = interface.name
        self.create_site(site_name, interface.network if interface else "", role)

    def open_sample(self) -> None:
        """Open (creating it once) the sample office site filled from the bundled recording."""
        existing = next((s for s in self.session.sites() if s.name == SAMPLE_SITE_NAME), None)
        try:
            site = existing or self.session.create_site(SAMPLE_SITE_NAME,
                                                        load_sample().info.network)
            if not self.session.has_scans(site.id):
                self.session.save_scan(site.id, load_sample())
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.reload_sites(site.id)

    # -- the known-exploited vulnerabilities catalogue
    def load_catalog(self, path: Path) -> None:
        """Read a catalogue file strictly off the GUI thread; a used one reassesses the site."""
        session = self.session

        def load(context: TaskContext) -> CatalogUpdate:
            return session.load_catalog(path)

        self.tasks.start(load, on_result=self._catalog_loaded, on_error=self.error.emit)

    def _catalog_loaded(self, update: CatalogUpdate) -> None:
        if update.installed:
            self.refresh()  # the site's findings are matched again against the new one
        self.catalog_loaded.emit(update)

    # -- loading
    def refresh(self) -> None:
        """Reload the table and dashboard from the store off the GUI thread (a big site takes
        a while to score)."""
        self.loading.emit(self.site)
        if self.site is None:
            return
        site_id, session = self.site.id, self.session

        def load(context: TaskContext) -> SiteView:
            assessment = session.assess(site_id)
            return SiteView(site_id, session.device_rows(site_id, assessment),
                            session.dashboard(site_id, assessment))

        self._loads += 1
        self.tasks.start(load, on_result=self._loaded, on_error=self._load_failed)

    def _loaded(self, view: SiteView) -> None:
        self._loads -= 1
        if self.site is None or self.site.id != view.site_id:
            return  # the user switched site meanwhile; that load is on its way
        self.rows_loaded.emit(view.rows)
        if self._scanning:  # a load that lands mid-scan keeps the scan's new devices shown
            self._known.update({row.device.mac: row for row in view.rows})
            live = [row for mac, row in self._live.items() if mac not in self._known]
            if live:
                self.rows_streamed.emit(live)
        self.dashboard_ready.emit(view.dashboard)
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self._loads -= 1
        self.error.emit(exc)

    def refresh_dashboard(self) -> None:
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

        def build(context: TaskContext) -> tuple[int, DashboardData]:
            return site_id, session.dashboard(site_id)

        self.tasks.start(build, on_result=self._dashboard_built, on_error=self._dashboard_failed)

    def _dashboard_built(self, payload: tuple[int, DashboardData]) -> None:
        self._dashboard_running = False
        site_id, data = payload
        if self.site is not None and self.site.id == site_id:
            self.dashboard_ready.emit(data)
        if self._dashboard_again:
            self.refresh_dashboard()

    def _dashboard_failed(self, exc: BaseException) -> None:
        self._dashboard_running = False
        self.error.emit(exc)

    @Slot(str)
    def device_changed(self, mac: str) -> None:
        """A device page saved something: refresh that row and the dashboard only."""
        if self.site is None:
            return
        try:
            row = self.session.device_row(self.site.id, mac)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self._known[mac] = row
        self.row_changed.emit(row)
        self.refresh_dashboard()

    def open_device(self, site_name: str, mac: str) -> None:
        """Show a device of the named site (switching to that site first when needed)."""
        site = next((s for s in self.session.sites() if s.name == site_name), None)
        if site is None:
            return
        if self.site is None or self.site.id != site.id:
            self.reload_sites(site.id)
        self.device_requested.emit(mac)

    # -- consent
    def record_consent(self, who: str, network: str, scope: str) -> None:
        if self.site is None or not who:
            return
        try:
            self.consent_id = self.session.record_consent(self.site.id, who, network, scope)
        except KnownError as exc:
            self.error.emit(exc)
            return
        self.consent_who = who
        self.consent_changed.emit(who)
        log.info("password checks authorised for site %s", self.site.id)

    @Slot()
    def withdraw_consent(self, reason: ConsentEnd = ConsentEnd.WITHDRAWN) -> None:
        """Forget the authorisation here and end it in the store (it never outlives its use)."""
        consent_id, self.consent_id = self.consent_id, None
        self.consent_who = ""
        self.consent_changed.emit("")
        if consent_id is None:
            return
        try:
            self.session.end_consent(consent_id, reason)
        except KnownError as exc:
            self.error.emit(exc)

    # -- scanning
    def scan_plan(self, interface: Interface | None, deep: bool,
                  confirm_large: bool = False, thorough: bool = False) -> ScanPlan | None:
        """The plan to scan the current site on `interface`, or None when it cannot be
        scanned (no site, no network, or the sample recording); remembers the network."""
        site = self.site
        if site is None or interface is None or self.is_sample:
            return None
        self.session.remember_network(site.id, interface.network)
        if self.consent_id is not None:
            try:  # the consent names one network: checked (and written) before any attempt
                self.session.start_consented_checks(self.consent_id, interface.network)
            except KnownError as exc:
                self.withdraw_consent(ConsentEnd.NETWORK_CHANGED)
                self.error.emit(exc)
                return None
        return ScanPlan(interface=interface, deep=deep, consent_by=self.consent_who,
                        site_name=site.name, confirm_large=confirm_large, thorough=thorough)

    def persist_scan(self, known_rows: list[DeviceRow]) -> Persist:
        """What saves a finished scan of the current site on the scan's worker thread and
        loads what the window shows next; `known_rows` (the saved table) stay as saved while
        devices stream in, and devices not among them show as live (not saved yet)."""
        self._known = {row.device.mac: row for row in known_rows if not row.live}
        self._live = {}
        self._scanning = True
        session, consent_id = self.session, self.consent_id
        site_id = self.site.id if self.site else 0

        def persist(result: ScanResult) -> SiteView:
            session.save_scan(site_id, result, consent_id=consent_id)
            assessment = session.assess(site_id)
            return SiteView(site_id, session.device_rows(site_id, assessment),
                            session.dashboard(site_id, assessment))

        return persist

    @Slot(object)
    def device_found(self, device: Device) -> None:
        self._pending[device.mac] = device  # coalesced: one table update per flush
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def flush_devices(self) -> None:
        """Turn the devices reported since the last flush into rows (rows_streamed)."""
        if self.site is None or not self._pending:
            self._pending.clear()
            return
        rows = [self.session.live_row(self.site.id, device, self._known.get(mac))
                for mac, device in self._pending.items()]
        self._pending.clear()
        self._live.update({row.device.mac: row for row in rows if row.live})
        self.rows_streamed.emit(rows)

    def scan_ended(self, saved: object) -> None:
        """A scan ended. A saved one (a SiteView) replaces the table and dashboard, and uses up
        the consent (it covers one scan). A cancelled or failed one saved nothing: the table is
        reloaded from the store, so it shows exactly the saved rows again and the scan's new,
        unsaved devices are dropped (the status line says how many were found)."""
        self._flush_timer.stop()
        self._pending.clear()
        self._live = {}
        self._scanning = False
        if not isinstance(saved, SiteView):
            self.withdraw_consent(ConsentEnd.CANCELLED)  # an unsaved scan uses it up too
            self.refresh()
            return
        if self.site is not None and self.site.id == saved.site_id:
            self.rows_loaded.emit(saved.rows)
            self.dashboard_ready.emit(saved.dashboard)
        self.withdraw_consent()

    # -- the client report
    def load_report(self, context: ReportContext) -> None:
        """Gather the current site's report content off the GUI thread (report_loaded)."""
        if self.site is None:
            return
        site_id, session = self.site.id, self.session

        def gather(context_: TaskContext) -> ReportData:
            return session.report_data(site_id, context)

        self.tasks.start(gather, on_result=self.report_loaded.emit, on_error=self.error.emit)

    def save_report(self, path: Path, data: ReportData, fmt: str) -> None:
        """Write the report in `fmt` to `path` off the GUI thread, atomically (report_saved)."""
        session = self.session

        def write(context: TaskContext) -> Path:
            return session.write_report(path, data, fmt)

        self.tasks.start(write, on_result=self._report_saved, on_error=self.error.emit)

    def _report_saved(self, path: Path) -> None:
        log.info("report saved")
        self.report_saved.emit(path)
