"""The window's one gateway to core: sites, devices, findings, answers, scores, secrets."""

from __future__ import annotations

import getpass
import logging
from pathlib import Path

from core.assessment import DeviceAssessment, SiteAssessment, assess_one, assess_site
from core.files import write_document
from core.fingerprints import CatalogUpdate, update_catalog
from core.guidance import ITEM_FIELDS, date_answer
from core.models import Device, ScanResult, Site, Tag
from core.presence import PresenceView, device_presence, exempt_from_hours
from core.report import ReportContext, ReportData
from core.store import (
    Changes,
    ConsentEnd,
    Deletion,
    ImportPreview,
    ImportSummary,
    ScanSummary,
    Store,
)
from gui.models import DeviceRow, open_counts_of
from gui.views import DashboardData, DeviceDetails, DeviceNotesFields, PasswordStatus

log = logging.getLogger(__name__)


class Session:
    """Wraps one open core Store; every method is a short, plain call the GUI thread can make."""

    def __init__(self, store: Store, who: str = "") -> None:
        self.store = store
        self.who = who or _user_name()

    @classmethod
    def open(cls, path: Path | None = None) -> Session:
        return cls(Store.open(path))

    def close(self) -> None:
        self.store.close()

    # -- sites
    def sites(self) -> tuple[Site, ...]:
        return tuple(self.store.sites())

    def site(self, site_id: int) -> Site:
        return self.store.site(site_id)

    def site_by_name(self, name: str) -> Site:
        """The saved site called `name` (any case); NotFoundError names the known ones."""
        return self.store.site_by_name(name)

    def create_site(self, name: str, network: str = "", role: str = "work") -> Site:
        """A new site; its network (if any) gets the role chosen for it: work, home or guest."""
        networks = (network,) if network else ()
        return self.store.create_site(name, networks=networks,
                                      network_roles=dict.fromkeys(networks, role))

    def set_network_roles(self, site_id: int, roles: dict[str, str]) -> Site:
        """Each network's role (work, home or guest); new networks join the site's list."""
        site = self.store.site(site_id)
        return self.store.update_site(site_id, networks=(*site.networks, *roles),
                                      network_roles=roles)

    def rename_site(self, site_id: int, name: str) -> Site:
        return self.store.rename_site(site_id, name)

    def remember_network(self, site_id: int, network: str) -> None:
        site = self.store.site(site_id)
        if network and network not in site.networks:
            self.store.update_site(site_id, networks=(*site.networks, network))

    # -- scans
    def save_scan(self, site_id: int, result: ScanResult, consent_id: int | None = None) -> int:
        return int(self.store.save_scan(site_id, result, consent_id=consent_id))

    def has_scans(self, site_id: int) -> bool:
        return bool(self.store.scans(site_id))

    def record_consent(self, site_id: int, who: str, network: str, scope: str) -> int:
        return int(self.store.record_consent(site_id, who, network, scope).id)

    def start_consented_checks(self, consent_id: int, network: str) -> None:
        """Refuses (ConsentRequiredError, and ends it) a consent that no longer covers `network`."""
        self.store.start_consented_checks(consent_id, network)

    def end_consent(self, consent_id: int, reason: ConsentEnd) -> None:
        self.store.end_consent(consent_id, reason)

    def scans(self, site_id: int) -> tuple[ScanSummary, ...]:
        """The site's scans, newest first."""
        return tuple(self.store.scans(site_id))

    def changes(self, site_id: int, old_scan_id: int | None, new_scan_id: int) -> Changes:
        return self.store.changes(site_id, old_scan_id, new_scan_id)

    # -- housekeeping (each delete takes a backup first)
    @property
    def backup_folder(self) -> Path:
        return self.store.backup_folder

    def delete_site(self, site_id: int) -> Deletion:
        return self.store.delete_site(site_id)

    def delete_scan(self, scan_id: int) -> Deletion:
        return self.store.delete_scan(scan_id)

    def delete_device(self, site_id: int, mac: str) -> Deletion:
        return self.store.delete_device(site_id, mac)

    def keep_device(self, site_id: int, mac: str, kept: bool = True) -> None:
        """Count a device the latest scan missed in the site score anyway (or stop)."""
        self.store.update_device(site_id, mac, kept=kept)

    # -- moving a site between machines
    def export_site(self, site_id: int, path: Path) -> Path:
        return self.store.export_site(site_id, path)

    def preview_import(self, path: Path) -> ImportPreview:
        """What importing `path` would add or change; nothing is written."""
        return self.store.preview_import(path)

    def import_site(self, path: Path) -> ImportSummary:
        """Import, merging into the site of the same name (the window showed the preview and
        the person confirmed it)."""
        return self.store.import_site(path, merge=True)

    # -- the assessment (core decides findings and scores; the window only shows them)
    def assess(self, site_id: int) -> SiteAssessment:
        """The site's one assessment (safe off the GUI thread)."""
        return assess_site(self.store, site_id)

    def device_rows(self, site_id: int,
                    assessment: SiteAssessment | None = None) -> list[DeviceRow]:
        """Every current device of the site as a table row, scored by the assessment."""
        assessment = assessment or self.assess(site_id)
        return [row_of(device) for device in assessment.devices]

    def live_row(self, site_id: int, device: Device, known: DeviceRow | None) -> DeviceRow:
        """The row to show while a scan runs: a saved device keeps its saved row (name, tag,
        score and open issues) until the scan is saved; a new one is marked live (unsaved)."""
        if known is not None and not known.live:
            return known
        return DeviceRow(device=device, open_counts=open_counts_of(device),
                         live=True).with_haystack()

    def device_details(self, site_id: int, mac: str) -> DeviceDetails:
        return DeviceDetails(assess_one(self.store, site_id, mac))

    def device_presence(self, site_id: int, mac: str) -> PresenceView:
        """The device's seen / not seen timeline over the site's recent scans."""
        return device_presence(self.store, site_id, mac)

    def exempt_from_hours(self, site_id: int, mac: str) -> None:
        """Let the device stay on outside the site's business hours (no off-hours finding)."""
        exempt_from_hours(self.store.path, site_id, mac)

    def device_row(self, site_id: int, mac: str) -> DeviceRow:
        """One device's table row, fresh from the store (after its page changed something)."""
        return row_of(assess_one(self.store, site_id, mac))

    def set_tag(self, site_id: int, mac: str, tag: Tag) -> None:
        self.store.update_device(site_id, mac, tag=tag)

    def save_notes(self, site_id: int, mac: str, notes: DeviceNotesFields) -> None:
        """Save what the notes tab holds: name, owner, place, notes, support end, review date."""
        self.store.update_device(site_id, mac, label=notes.label, owner=notes.owner,
                                 location=notes.location, notes=notes.notes,
                                 support_end=notes.support_end, review_date=notes.review_date)

    def set_finding_status(self, site_id: int, mac: str, finding_id: str, status: str,
                           reason: str = "") -> None:
        self.store.set_finding_status(site_id, mac, finding_id, status, reason=reason,
                                      who=self.who)

    def record_answer(self, site_id: int, mac: str, item_id: str, value: str) -> None:
        """Save an answer; owner, dates and tag go to the device record (one truth per fact)."""
        field_name = ITEM_FIELDS.get(item_id)
        if field_name is not None:
            stored = _field_value(field_name, value)
            if stored is not None:
                self.store.update_device(site_id, mac, **{field_name: stored})
        self.store.record_answer(site_id, mac, item_id, value, who=self.who)

    # -- secrets
    def password_status(self, site_id: int, mac: str) -> PasswordStatus:
        from gui.session_secrets import password_status

        return password_status(self.store, site_id, mac)

    def store_password(self, site_id: int, mac: str, password: str) -> None:
        from gui.session_secrets import store_password

        store_password(self.store, site_id, mac, password)

    def forget_password(self, site_id: int, mac: str) -> None:
        from gui.session_secrets import forget_password

        forget_password(self.store, site_id, mac)

    # -- dashboard and report
    def report_data(self, site_id: int, context: ReportContext) -> ReportData:
        """What the site's report says, for the report dialog (safe off the GUI thread)."""
        from core.report import site_report_data

        return site_report_data(self.store, site_id, context)

    def write_report(self, path: Path, data: ReportData, fmt: str) -> Path:
        """Render the report (pdf, html, csv, inventory-csv or json) and write it atomically."""
        if fmt == "pdf":
            from gui.report_pdf import render_pdf

            payload = render_pdf(data)
        else:
            from core.report import render_text

            payload = render_text(data, fmt).encode("utf-8")
        return write_document(path, payload)

    # -- the known-exploited vulnerabilities catalogue
    @staticmethod
    def load_catalog(path: Path) -> CatalogUpdate:
        """Check a CISA KEV file strictly and use it if it is not older (slow: a task)."""
        return update_catalog(path)

    def dashboard(self, site_id: int,
                  assessment: SiteAssessment | None = None) -> DashboardData:
        from gui.session_dashboard import build_dashboard

        return build_dashboard(self.store, assessment or self.assess(site_id))


def row_of(device: DeviceAssessment) -> DeviceRow:
    """The table row of an assessed device."""
    name = device.record.label or (device.name if device.is_self else "")
    return DeviceRow(device=device.device, name=name, tag=device.tag,
                     score=device.score_value, open_counts=device.open_counts,
                     assessment=device).with_haystack()


def _field_value(field_name: str, value: str) -> object | None:
    """What a checklist answer writes to the device record's field (None: leave it as it is)."""
    text = value.strip()
    unsure = text.lower() == "unsure"
    if field_name == "tag":
        tags = {tag.value: tag for tag in Tag}
        return Tag.UNKNOWN if unsure else tags.get(text.lower())
    if field_name in ("support_end", "review_date"):
        return "" if unsure else date_answer(text)
    return "" if unsure else text


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
