"""Moving a site between machines: export it to one versioned JSON file, import and merge it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from core import __version__
from core.errors import DataFileError
from core.files import write_private
from core.scan.jsonio import device_to_json
from core.store.base import StoreBase, now_iso
from core.store.changes import observed_devices
from core.store.importer import merge_site
from core.store.records import ImportSummary

EXPORT_FORMAT = "iot-hygiene-site"
EXPORT_VERSION = 1
_DEVICE_FIELDS = ("mac", "label", "owner", "location", "tag", "notes", "support_end",
                  "review_date", "retired", "first_seen", "last_seen", "updated_at")
_SCAN_FIELDS = ("uid", "interface", "network", "mode", "mode_reason", "started", "finished",
                "version", "checks_run", "cancelled", "consent")
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
            site = _dicts(conn, "SELECT name, client, notes, networks, work_networks FROM sites "
                                "WHERE id = ?", (site_id,))[0]
            for key in ("networks", "work_networks"):
                site[key] = json.loads(site[key] or "[]")
            return {
                "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "app_version": __version__,
                "exported_at": now_iso(), "site": site,
                "devices": _dicts(conn, f"SELECT {', '.join(_DEVICE_FIELDS)} FROM devices "
                                        "WHERE site_id = ? ORDER BY mac", (site_id,)),
                "consents": _dicts(conn, "SELECT uid, authorised_by, network, scope, at "
                                         "FROM consents WHERE site_id = ? ORDER BY at",
                                   (site_id,)),
                "scans": [self._scan_doc(conn, scan) for scan in _dicts(
                    conn, "SELECT s.id, " + ", ".join(f"s.{f}" for f in _SCAN_FIELDS)
                    + ", c.uid AS consent_uid FROM scans s LEFT JOIN consents c "
                      "ON c.id = s.consent_id WHERE s.site_id = ? ORDER BY s.started, s.id",
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

    def import_site(self, path: Path | str) -> ImportSummary:
        """Merge an exported site into this database (devices by MAC, answers by time).

        Importing the same file again adds nothing. Raises DataFileError for a bad file.
        """
        doc = read_export(Path(path))
        with self._write() as db:
            try:
                return merge_site(db, doc)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise DataFileError(f"{path} is not a valid site export ({error!r}).",
                                    "Export the site again and retry.") from error


def read_export(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(f"Cannot read {path} ({error}).",
                            "Choose a file made by Export site.") from error
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise DataFileError(f"{path} is not an IoT Hygiene site export.",
                            "Choose a file made by Export site.")
    if not isinstance(doc.get("version"), int) or doc["version"] > EXPORT_VERSION:
        raise DataFileError(f"{path} was made by a newer IoT Hygiene (format "
                            f"{doc.get('version')!r}).", "Update IoT Hygiene on this machine.")
    return doc
