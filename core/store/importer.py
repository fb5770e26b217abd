"""Merging an exported site into the local database without duplicates (one transaction)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlite_utils import Database

from core.errors import InvalidInputError
from core.models import Tag
from core.scan.jsonio import device_from_json
from core.store.base import insert_row, normalise_mac
from core.store.codec import dumps, observation_row
from core.store.records import ImportSummary
from core.store.sites import clean_name, clean_networks

_USER_FIELDS = ("label", "owner", "location", "tag", "notes", "support_end", "review_date",
                "retired", "updated_at")


def merge_site(db: Database, doc: dict[str, Any]) -> ImportSummary:
    """Merge one export document; the caller holds the write transaction."""
    conn = db.conn
    site_id, created = _merge_site_row(db, doc["site"])
    devices_added, devices_updated = _merge_devices(db, site_id, doc.get("devices", []))
    consent_ids = _merge_consents(db, site_id, doc.get("consents", []))
    scans_added, scans_skipped = _merge_scans(db, site_id, doc.get("scans", []), consent_ids)
    findings = _merge_findings(conn, site_id, doc.get("findings", []))
    answers_added, answers_skipped = _merge_answers(db, site_id, doc.get("answers", []))
    conn.execute(
        "UPDATE devices SET last_obs_id = (SELECT o.id FROM observations o JOIN scans s "
        "ON s.id = o.scan_id WHERE o.device_id = devices.id "
        "ORDER BY s.started DESC, s.id DESC LIMIT 1) WHERE site_id = ?", (site_id,))
    return ImportSummary(
        site_id=site_id, site_name=str(doc["site"]["name"]), site_created=created,
        devices_added=devices_added, devices_updated=devices_updated, scans_added=scans_added,
        scans_skipped=scans_skipped, answers_added=answers_added,
        answers_skipped=answers_skipped, consents_added=len(consent_ids[1]),
        findings_merged=findings)


def _merge_site_row(db: Database, site: dict[str, Any]) -> tuple[int, bool]:
    name = clean_name(str(site["name"]))
    row = db.conn.execute("SELECT id, networks, work_networks, client, notes FROM sites "
                          "WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    networks = clean_networks(site.get("networks", []))
    work = clean_networks(site.get("work_networks", []))
    if row is None:
        return insert_row(db, "sites", {
            "name": name, "client": str(site.get("client", "")),
            "notes": str(site.get("notes", "")), "networks": dumps(networks),
            "work_networks": dumps(work), "created": ""}), True
    db.table("sites").update(row[0], {
        "networks": dumps(clean_networks([*json.loads(row[1] or "[]"), *networks])),
        "work_networks": dumps(clean_networks([*json.loads(row[2] or "[]"), *work])),
        "client": row[3] or str(site.get("client", "")),
        "notes": row[4] or str(site.get("notes", "")),
    })
    return int(row[0]), False


def _merge_devices(db: Database, site_id: int, devices: list[dict[str, Any]]) -> tuple[int, int]:
    added = updated = 0
    for incoming in devices:
        mac = normalise_mac(str(incoming["mac"]))
        user: dict[str, Any] = {f: str(incoming.get(f) or "") for f in _USER_FIELDS}
        user["tag"] = Tag(user["tag"] or "unknown").value
        user["retired"] = int(bool(incoming.get("retired")))
        first, last = str(incoming.get("first_seen", "")), str(incoming.get("last_seen", ""))
        row = db.conn.execute("SELECT id, first_seen, last_seen, updated_at FROM devices "
                              "WHERE site_id = ? AND mac = ?", (site_id, mac)).fetchone()
        if row is None:
            insert_row(db, "devices", {"site_id": site_id, "mac": mac, "first_seen": first,
                                       "last_seen": last, **user})
            added += 1
            continue
        changes: dict[str, Any] = {"first_seen": min(filter(None, (row[1], first)), default=""),
                                   "last_seen": max(row[2] or "", last)}
        if str(user["updated_at"]) > (row[3] or ""):  # a person edited it later over there
            changes.update(user)
            updated += 1
        db.table("devices").update(row[0], changes)
    return added, updated


def _merge_consents(db: Database, site_id: int,
                    consents: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    ids: dict[str, int] = {}
    added: list[str] = []
    for consent in consents:
        uid = str(consent["uid"])
        row = db.conn.execute("SELECT id FROM consents WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            if not str(consent.get("authorised_by", "")).strip():
                raise InvalidInputError("A consent record in the file names nobody.")
            ids[uid] = insert_row(db, "consents", {
                "uid": uid, "site_id": site_id, "authorised_by": str(consent["authorised_by"]),
                "network": str(consent.get("network", "")),
                "scope": str(consent.get("scope", "")), "at": str(consent["at"])})
            added.append(uid)
        else:
            ids[uid] = int(row[0])
    return ids, added


def _merge_scans(db: Database, site_id: int, scans: list[dict[str, Any]],
                 consents: tuple[dict[str, int], list[str]]) -> tuple[int, int]:
    added = skipped = 0
    for scan in scans:
        uid = str(scan["uid"])
        if db.conn.execute("SELECT 1 FROM scans WHERE uid = ?", (uid,)).fetchone():
            skipped += 1
            continue
        devices = [device_from_json(d) for d in scan.get("devices", [])]
        severities = [f.severity.value for d in devices for f in d.findings]
        row = {k: scan.get(k, "") for k in ("interface", "network", "mode", "mode_reason",
                                            "started", "finished", "version", "consent")}
        scan_id = insert_row(db, "scans", {
            **row, "uid": uid, "site_id": site_id, "checks_run": int(bool(scan["checks_run"])),
            "cancelled": int(bool(scan.get("cancelled"))), "device_count": len(devices),
            "consent_id": consents[0].get(str(scan.get("consent_uid") or "")),
            **{f"n_{s}": severities.count(s) for s in
               ("critical", "high", "medium", "low", "info")}})
        seen = scan.get("finished") or scan["started"]
        for device in devices:
            device_id = _device_for(db.conn, site_id, normalise_mac(device.mac), seen)
            db.table("observations").insert(observation_row(scan_id, device_id, device))
        added += 1
    return added, skipped


def _device_for(conn: sqlite3.Connection, site_id: int, mac: str, seen: str) -> int:
    conn.execute("INSERT OR IGNORE INTO devices (site_id, mac, first_seen, last_seen) "
                 "VALUES (?, ?, ?, ?)", (site_id, mac, seen, seen))
    return int(conn.execute("SELECT id FROM devices WHERE site_id = ? AND mac = ?",
                            (site_id, mac)).fetchone()[0])


def _merge_findings(conn: sqlite3.Connection, site_id: int, findings: list[dict[str, Any]]) -> int:
    merged = 0
    for f in findings:
        device_id = _device_for(conn, site_id, normalise_mac(str(f["mac"])), f["first_seen"])
        values = {k: f.get(k) for k in ("finding_id", "port", "severity", "title", "evidence",
                                        "fix", "status", "reason", "who", "status_at",
                                        "first_seen", "last_seen")}
        values["refs"] = dumps(list(f.get("refs") or []))
        conn.execute(
            "INSERT INTO findings (device_id, key, finding_id, port, severity, title, evidence, "
            "fix, refs, status, reason, who, status_at, first_seen, last_seen) VALUES (:d, :key, "
            ":finding_id, :port, :severity, :title, :evidence, :fix, :refs, :status, :reason, "
            ":who, :status_at, :first_seen, :last_seen) ON CONFLICT (device_id, key) DO UPDATE "
            "SET first_seen = min(first_seen, excluded.first_seen), "
            "last_seen = max(last_seen, excluded.last_seen), "
            "status = iif(excluded.status_at > status_at, excluded.status, status), "
            "reason = iif(excluded.status_at > status_at, excluded.reason, reason), "
            "who = iif(excluded.status_at > status_at, excluded.who, who), "
            "status_at = max(status_at, excluded.status_at)",
            {"d": device_id, "key": str(f["key"]), **values})
        merged += 1
    return merged


def _merge_answers(db: Database, site_id: int, answers: list[dict[str, Any]]) -> tuple[int, int]:
    known = {r[0] for r in db.conn.execute("SELECT uid FROM answers WHERE site_id = ?",
                                           (site_id,))}
    fresh = [a for a in answers if str(a["uid"]) not in known]
    db.table("answers").insert_all(
        ({"uid": str(a["uid"]), "site_id": site_id, "mac": normalise_mac(str(a.get("mac", ""))),
          "item_id": str(a["item_id"]), "value": str(a.get("value", "")),
          "note": str(a.get("note", "")), "who": str(a.get("who", "")), "at": str(a["at"])}
         for a in fresh), ignore=True)
    return len(fresh), len(answers) - len(fresh)

