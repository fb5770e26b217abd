"""Moving a site between machines: export it to one private JSON file; preview, import, merge."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from core import __version__
from core.errors import ImportConflictError
from core.files import write_private
from core.scan.jsonio import device_to_json
from core.store.base import StoreBase, now_iso
from core.store.changes import observed_devices
from core.store.import_check import EXPORT_FORMAT, EXPORT_VERSION, read_export
from core.store.importer import existing_site, merge_site
from core.store.records import ImportPreview, ImportSummary

_DEVICE_FIELDS = ("mac", "label", "owner", "location", "tag", "notes", "support_end",
                  "review_date", "retired", "kept", "first_seen", "last_seen", "updated_at")
_SCAN_FIELDS = ("uid", "interface", "network", "mode", "mode_reason", "started", "finished",
                "version", "checks_run", "cancelled", "consent", "kev_catalog", "thorough")
_FINDING_FIELDS = ("key", "finding_id", "port", "severity", "title", "evidence", "fix", "refs",
                   "status", "reason", "who", "status_at", "first_seen", "last_seen")


def _dicts(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


class TransferMixin(StoreBase):
    """Export and import of Store. Secrets are never part of an export (they live in keyring)."""

    def export_site(self, site_id: int, path: Path | str) -> Path:
        """Write the whole site (devices, scans, findings, answers, consents) to one JSON file."""
        doc = self.export_document(site_id)
        # 0600, through an exclusive temp file and a rename: a reader never sees half a file,
        # and a symlink planted at the target is replaced, never written through.
        return write_private(Path(path), json.dumps(doc, ensure_ascii=False, indent=1))

    def export_document(self, site_id: int) -> dict[str, Any]:
        with self._read() as conn:
            self._site_exists(conn, site_id)
            site = _dicts(conn, "SELECT name, client, notes, networks, work_networks, "
                                "network_roles FROM sites WHERE id = ?", (site_id,))[0]
            for key in ("networks", "work_networks"):
                site[key] = json.loads(site[key] or "[]")
            site["network_roles"] = json.loads(site["network_roles"] or "{}")
            return {
                "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "app_version": __version__,
                "exported_at": now_iso(), "site": site,
                "devices": _dicts(conn, f"SELECT {', '.join(_DEVICE_FIELDS)} FROM devices "
                                        "WHERE site_id = ? ORDER BY mac", (site_id,)),
                "consents": _dicts(conn, "SELECT uid, authorised_by, network, scope, at, "
                                         "scan_uid, ended, end_reason FROM consents "
                                         "WHERE site_id = ? ORDER BY at",
                                   (site_id,)),
                "scans": [self._scan_doc(conn, scan) for scan in _dicts(
                    conn, "SELECT s.id, " + ", ".join(f"s.{f}" for f in _SCAN_FIELDS)
                    + ", c.uid AS consent_uid FROM scans s LEFT JOIN consents c "
                      "ON c.id = s.consent_id AND c.site_id = s.site_id "
                      "WHERE s.site_id = ? ORDER BY s.started, s.id",
                    (site_id,))],
                "findings": [
                    {**row, "refs": json.loads(row["refs"] or "[]")} for row in _dicts(
                        conn, "SELECT d.mac, " + ", ".join(f"f.{f}" for f in _FINDING_FIELDS)
                        + " FROM findings f JOIN devices d ON d.id = f.device_id "
                          "WHERE d.site_id = ? ORDER BY d.mac, f.key", (site_id,))],
                "answers": _dicts(conn, "SELECT uid, mac, item_id, value, note, who, at "
                                        "FROM answers WHERE site_id = ? ORDER BY at, id",
                                  (site_id,)),
            }

    def _scan_doc(self, conn: sqlite3.Connection, scan: dict[str, Any]) -> dict[str, Any]:

        scan_id = scan.pop("id")
        scan["devices"] = [device_to_json(device) for device, _ in
                           observed_devices(conn, scan_id).values()]
        return scan

    def import_site(self, path: Path | str, *, merge: bool = False) -> ImportSummary:
        """Add an exported site to this database, or merge it into the local site of that name.

        Merging needs merge=True (ImportConflictError otherwise); see preview_import for what
        would change. Every value is checked first: a bad file raises DataFileError and
        changes nothing. Importing the same file again adds nothing.
        """
        doc = read_export(Path(path))
        with self._write() as db:
            local = existing_site(db.conn, doc["site"]["name"])
            if local is not None and not merge:
                raise ImportConflictError(
                    f"This database already has a site called {doc['site']['name']!r}; the "
                    "import would merge into it. Nothing was changed.",
                    "Look at what would change first (import FILE --dry-run), then import "
                    "with --merge.")
            return merge_site(db, doc)

    def preview_import(self, path: Path | str) -> ImportPreview:
        """What import_site would change, without changing anything (a rolled-back merge)."""
        doc = read_export(Path(path))
        try:
            with self._write() as db:
                local = existing_site(db.conn, doc["site"]["name"])
                raise _DryRun(merge_site(db, doc), local)
        except _DryRun as dry:
            return preview_from(dry.summary, dry.local)
        raise AssertionError("unreachable")  # pragma: no cover


class _DryRun(Exception):  # carries the summary out of the rolled-back transaction
    def __init__(self, summary: ImportSummary, local: int | None) -> None:
        super().__init__("dry run")
        self.summary = summary
        self.local = local


def preview_from(summary: ImportSummary, local: int | None) -> ImportPreview:
    return ImportPreview(
        site_name=summary.site_name, existing_site_id=local,
        devices_added=summary.added_macs, devices_updated=summary.updated_macs,
        scans_added=summary.scans_added, scans_skipped=summary.scans_skipped,
        answers_added=summary.answers_added, answers_skipped=summary.answers_skipped,
        consents_added=summary.consents_added, findings_merged=summary.findings_merged)
