"""Merging a checked site export into the local database without duplicates (one transaction)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlite_utils import Database

from core.errors import DataFileError
from core.models import Device
from core.store.base import insert_row
from core.store.codec import dumps, observation_row
from core.store.records import ImportSummary
from core.store.sites import clean_name, clean_networks

_USER_FIELDS = ("label", "owner", "location", "tag", "notes", "support_end", "review_date",
                "retired", "kept", "updated_at")


def existing_site(conn: sqlite3.Connection, name: str) -> int | None:
    """The id of the local site an import of a site called `name` would merge into."""
    row = conn.execute("SELECT id FROM sites WHERE name = ? COLLATE NOCASE",
                       (clean_name(name),)).fetchone()
    return None if row is None else int(row[0])


def merge_site(db: Database, doc: dict[str, Any]) -> ImportSummary:
    """Merge one document checked by import_check; the caller holds the write transaction.

    A scan or consent record whose uid already belongs to another local site refuses the
    whole file (DataFileError): records never link across sites.
    """
    conn = db.conn
    site_id, created = _merge_site_row(db, doc["site"])
    added_macs, updated_macs = _merge_devices(db, site_id, doc["devices"])
    consent_ids = _merge_consents(db, site_id, doc["consents"])
    scans_added, scans_skipped = _merge_scans(db, site_id, doc["scans"], consent_ids)
    findings = _merge_findings(conn, site_id, doc["findings"])
    answers_added, answers_skipped = _merge_answers(db, site_id, doc["answers"])
    conn.execute(
        "UPDATE devices SET last_obs_id = (SELECT o.id FROM observations o JOIN scans s "
        "ON s.id = o.scan_id WHERE o.device_id = devices.id "
        "ORDER BY s.started DESC, s.id DESC LIMIT 1) WHERE site_id = ?", (site_id,))
    return ImportSummary(
        site_id=site_id, site_name=clean_name(doc["site"]["name"]), site_created=created,
        devices_added=len(added_macs), devices_updated=len(updated_macs),
        scans_added=scans_added, scans_skipped=scans_skipped, answers_added=answers_added,
        answers_skipped=answers_skipped, consents_added=len(consent_ids[1]),
        findings_merged=findings, added_macs=tuple(added_macs),
        updated_macs=tuple(updated_macs))


def _refuse_other_site(conn: sqlite3.Connection, table: str, uid: str, site_id: int) -> bool:
    """True if `uid` is already in this site; DataFileError if another site has it."""
    row = conn.execute(f"SELECT site_id FROM {table} WHERE uid = ?", (uid,)).fetchone()
    if row is None:
        return False
    if int(row[0]) != site_id:
        name = conn.execute("SELECT name FROM sites WHERE id = ?", (row[0],)).fetchone()[0]
        kind = {"scans": "scan", "consents": "consent record"}.get(table, "answer")
        raise DataFileError(f"A {kind} in the file ({uid}) already belongs to the site "
                            f"{name!r} here, not to {_site_name(conn, site_id)!r}. Nothing was "
                            "imported.", "Import the file into that site (rename it to match), "
                            "or export the site again from its own database.")
    return True


def _site_name(conn: sqlite3.Connection, site_id: int) -> str:
    return str(conn.execute("SELECT name FROM sites WHERE id = ?", (site_id,)).fetchone()[0])


def _merge_site_row(db: Database, site: dict[str, Any]) -> tuple[int, bool]:
    name = clean_name(site["name"])
    row = db.conn.execute("SELECT id, networks, work_networks, client, notes, network_roles "
                          "FROM sites WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    networks = clean_networks(site["networks"])
    work = clean_networks(site["work_networks"])
    roles = {**site.get("network_roles", {}), **dict.fromkeys(work, "work")}
    if row is None:
        return insert_row(db, "sites", {
            "name": name, "client": site["client"],
            "notes": site["notes"], "networks": dumps(networks),
            "work_networks": dumps(work), "network_roles": json.dumps(roles, sort_keys=True),
            "created": ""}), True
    known = {**dict.fromkeys(json.loads(row[2] or "[]"), "work"),
             **json.loads(row[5] or "{}")}
    merged = {**roles, **known}  # what this file already says wins over the import
    db.table("sites").update(row[0], {
        "networks": dumps(clean_networks([*json.loads(row[1] or "[]"), *networks])),
        "work_networks": dumps(clean_networks(n for n, r in merged.items() if r == "work")),
        "network_roles": json.dumps(merged, sort_keys=True),
        "client": row[3] or site["client"],
        "notes": row[4] or site["notes"],
    })
    return int(row[0]), False


def _merge_devices(db: Database, site_id: int,
                   devices: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    added: list[str] = []
    updated: list[str] = []
    for incoming in devices:
        mac = incoming["mac"]
        user: dict[str, Any] = {f: incoming[f] for f in _USER_FIELDS}
        user["retired"] = int(incoming["retired"])
        user["kept"] = int(incoming["kept"])
        first, last = incoming["first_seen"], incoming["last_seen"]
        row = db.conn.execute("SELECT id, first_seen, last_seen, updated_at FROM devices "
                              "WHERE site_id = ? AND mac = ?", (site_id, mac)).fetchone()
        if row is None:
            insert_row(db, "devices", {"site_id": site_id, "mac": mac, "first_seen": first,
                                       "last_seen": last, **user})
            added.append(mac)
            continue
        changes: dict[str, Any] = {"first_seen": min(filter(None, (row[1], first)), default=""),
                                   "last_seen": max(row[2] or "", last)}
        if str(user["updated_at"]) > (row[3] or ""):  # a person edited it later over there
            changes.update(user)
            updated.append(mac)
        db.table("devices").update(row[0], changes)
    return added, updated


def _merge_consents(db: Database, site_id: int,
                    consents: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    ids: dict[str, int] = {}
    added: list[str] = []
    for consent in consents:
        uid = consent["uid"]
        if _refuse_other_site(db.conn, "consents", uid, site_id):
            ids[uid] = int(db.conn.execute("SELECT id FROM consents WHERE uid = ?",
                                           (uid,)).fetchone()[0])
            continue
        # An imported consent is history: if the file says it is still running, it is not here.
        ended = consent["ended"] or consent["at"]
        reason = consent["end_reason"] or "imported"
        ids[uid] = insert_row(db, "consents", {
            **{k: consent[k] for k in ("uid", "authorised_by", "network", "scope", "at",
                                       "scan_uid")},
            "site_id": site_id, "ended": ended, "end_reason": reason})
        added.append(uid)
    return ids, added


def _merge_scans(db: Database, site_id: int, scans: list[dict[str, Any]],
                 consents: tuple[dict[str, int], list[str]]) -> tuple[int, int]:
    added = skipped = 0
    for scan in scans:
        uid = scan["uid"]
        if _refuse_other_site(db.conn, "scans", uid, site_id):
            skipped += 1
            continue
        devices: list[Device] = list({d.mac: d for d in reversed(scan["devices"])}.values())
        severities = [f.severity.value for d in devices for f in d.findings]
        row = {k: scan[k] for k in ("interface", "network", "mode", "mode_reason",
                                    "started", "finished", "version", "consent",
                                    "kev_catalog")}
        consent_uid = scan["consent_uid"]
        scan_id = insert_row(db, "scans", {
            **row, "uid": uid, "site_id": site_id, "checks_run": int(scan["checks_run"]),
            "cancelled": int(scan["cancelled"]), "thorough": int(scan["thorough"]),
            "device_count": len(devices),
            "consent_id": consents[0][consent_uid] if consent_uid else None,
            **{f"n_{s}": severities.count(s) for s in
               ("critical", "high", "medium", "low", "info")}})
        seen = scan["finished"] or scan["started"]
        for device in devices:
            device_id = _device_for(db.conn, site_id, device.mac, seen)
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
        device_id = _device_for(conn, site_id, f["mac"], f["first_seen"])
        values = {k: f[k] for k in ("finding_id", "port", "severity", "title", "evidence",
                                    "fix", "status", "reason", "who", "status_at",
                                    "first_seen", "last_seen")}
        values["refs"] = dumps(f["refs"])
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
            {"d": device_id, "key": f["key"], **values})
        merged += 1
    return merged


def _merge_answers(db: Database, site_id: int, answers: list[dict[str, Any]]) -> tuple[int, int]:
    known = {r[0] for r in db.conn.execute("SELECT uid FROM answers WHERE site_id = ?",
                                           (site_id,))}
    fresh = list({a["uid"]: a for a in answers if a["uid"] not in known}.values())
    for answer in fresh:  # `known` holds this site's uids: only another site's can be found
        _refuse_other_site(db.conn, "answers", answer["uid"], site_id)
    db.table("answers").insert_all(
        {**a, "site_id": site_id} for a in fresh)
    return len(fresh), len(answers) - len(fresh)

