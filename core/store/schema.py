"""The database schema as an append-only list of sqlite-utils migrations (never edit, only add)."""

from __future__ import annotations

import json

from sqlite_utils import Database, Migrations

MIGRATION_SET = "iot-hygiene"
migrations = Migrations(MIGRATION_SET)

# Every migration ends by setting PRAGMA user_version to its number, so a file written by a newer
# version is recognisable even before its migration names are compared.


def _set_version(db: Database, version: int) -> None:
    db.execute(f"PRAGMA user_version = {int(version)}")


@migrations(name="m001_sites_scans_devices")
def m001(db: Database) -> None:
    db.table("sites").create(
        {"id": int, "name": str, "notes": str, "client": str, "networks": str,
         "work_networks": str, "created": str},
        pk="id", not_null={"name"},
        defaults={"notes": "", "client": "", "networks": "[]", "work_networks": "[]"},
    )
    db.table("sites").create_index(["name"], unique=True)
    db.table("scans").create(
        {"id": int, "uid": str, "site_id": int, "interface": str, "network": str, "mode": str,
         "mode_reason": str, "started": str, "finished": str, "version": str,
         "checks_run": int, "cancelled": int, "consent": str, "device_count": int,
         "n_critical": int, "n_high": int, "n_medium": int, "n_low": int, "n_info": int},
        pk="id", not_null={"uid", "site_id", "started"},
        foreign_keys=[("site_id", "sites", "id")],
    )
    db.table("scans").create_index(["uid"], unique=True)
    db.table("devices").create(
        {"id": int, "site_id": int, "mac": str, "label": str, "owner": str, "location": str,
         "tag": str, "notes": str, "support_end": str, "review_date": str, "retired": int,
         "first_seen": str, "last_seen": str, "last_obs_id": int, "updated_at": str},
        pk="id", not_null={"site_id", "mac"},
        defaults={"label": "", "owner": "", "location": "", "tag": "unknown", "notes": "",
                  "support_end": "", "review_date": "", "retired": 0, "updated_at": ""},
        foreign_keys=[("site_id", "sites", "id")],
    )
    db.table("devices").create_index(["site_id", "mac"], unique=True)
    db.table("observations").create(
        {"id": int, "scan_id": int, "device_id": int, "ip": str, "ips": str, "hostnames": str,
         "vendor": str, "category": str, "model": str, "mac_random": int, "services": str,
         "upnp": str, "open_ports": str, "findings": str, "sources": str, "is_self": int},
        pk="id", not_null={"scan_id", "device_id"},
        foreign_keys=[("scan_id", "scans", "id"), ("device_id", "devices", "id")],
    )
    db.table("observations").create_index(["scan_id", "device_id"], unique=True)
    db.table("findings").create(
        {"id": int, "device_id": int, "key": str, "finding_id": str, "port": int,
         "severity": str, "title": str, "evidence": str, "fix": str, "refs": str,
         "status": str, "reason": str, "who": str, "status_at": str,
         "first_seen": str, "last_seen": str, "last_scan_id": int},
        pk="id", not_null={"device_id", "key", "finding_id", "status"},
        defaults={"reason": "", "who": "", "status_at": ""},
        foreign_keys=[("device_id", "devices", "id")],
    )
    db.table("findings").create_index(["device_id", "key"], unique=True)
    _set_version(db, 1)


@migrations(name="m002_answers_consents")
def m002(db: Database) -> None:
    db.table("answers").create(
        {"id": int, "uid": str, "site_id": int, "mac": str, "item_id": str, "value": str,
         "note": str, "who": str, "at": str},
        pk="id", not_null={"uid", "site_id", "mac", "item_id", "at"},
        foreign_keys=[("site_id", "sites", "id")],
    )
    db.table("answers").create_index(["uid"], unique=True)
    db.table("consents").create(
        {"id": int, "uid": str, "site_id": int, "authorised_by": str, "network": str,
         "scope": str, "at": str},
        pk="id", not_null={"uid", "site_id", "authorised_by", "at"},
        foreign_keys=[("site_id", "sites", "id")],
    )
    db.table("consents").create_index(["uid"], unique=True)
    # Plain ALTER TABLE: a rebuild of `scans` would trip the foreign keys of its observations.
    db.execute("ALTER TABLE scans ADD COLUMN consent_id INTEGER REFERENCES consents(id)")
    _set_version(db, 2)


@migrations(name="m003_lookup_indexes")
def m003(db: Database) -> None:
    db.table("scans").create_index(["site_id", "started"])
    db.table("observations").create_index(["device_id"])
    db.table("answers").create_index(["site_id", "mac", "item_id", "at"])
    db.table("findings").create_index(["last_scan_id"])
    _set_version(db, 3)


@migrations(name="m004_site_keys_consent_scope")
def m004(db: Database) -> None:
    # A random key per site names its keychain entries, so two databases (each with a site 1)
    # never share a saved password. Sites that existed before may still have entries under the
    # old "site id/mac" names: secret_legacy lets exactly those adopt them once.
    db.execute("ALTER TABLE sites ADD COLUMN secret_key TEXT")
    db.execute("ALTER TABLE sites ADD COLUMN secret_legacy INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE sites SET secret_key = lower(hex(randomblob(16))), secret_legacy = 1")
    db.execute("CREATE UNIQUE INDEX idx_sites_secret_key ON sites (secret_key)")
    db.execute(
        "CREATE TRIGGER sites_secret_key AFTER INSERT ON sites WHEN NEW.secret_key IS NULL "
        "BEGIN UPDATE sites SET secret_key = lower(hex(randomblob(16))) WHERE id = NEW.id; END")
    # A consent covers one scan (by uid) on one network, and ends when that scan ends.
    db.execute("ALTER TABLE consents ADD COLUMN scan_uid TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE consents ADD COLUMN ended TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE consents ADD COLUMN end_reason TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE consents SET ended = at, end_reason = 'recorded before consents ended'")
    db.execute("UPDATE consents SET scan_uid = coalesce((SELECT uid FROM scans "
               "WHERE scans.consent_id = consents.id ORDER BY started LIMIT 1), '')")
    _set_version(db, 4)


@migrations(name="m005_device_kept")
def m005(db: Database) -> None:
    # A person's "keep it counted": a device the latest scan missed still counts in the score.
    db.execute("ALTER TABLE devices ADD COLUMN kept INTEGER NOT NULL DEFAULT 0")
    _set_version(db, 5)


@migrations(name="m006_network_roles")
def m006_network_roles(db: Database) -> None:
    # Each network of a site has a role (work, home or guest), kept as a JSON object
    # {"192.168.1.0/24": "work"}; work_networks stays, derived from the roles on every write.
    db.execute("ALTER TABLE sites ADD COLUMN network_roles TEXT NOT NULL DEFAULT '{}'")
    rows = db.execute("SELECT id, work_networks FROM sites").fetchall()
    for site_id, work in rows:
        roles = dict.fromkeys(json.loads(work or "[]"), "work")
        db.execute("UPDATE sites SET network_roles = ? WHERE id = ?",
                   (json.dumps(roles, sort_keys=True), site_id))
    _set_version(db, 6)


@migrations(name="m007_identity")
def m007_identity(db: Database) -> None:
    # What identified a device (fingerprints with their evidence, the WS-Discovery and NetBIOS
    # answers) is kept per observation as JSON, and each scan names the known-exploited
    # catalogue its checks used. Older rows read as "nothing identified", "catalogue unknown".
    for column in ("fingerprints", "wsd", "netbios"):
        empty = "[]" if column == "fingerprints" else "null"
        db.execute(f"ALTER TABLE observations ADD COLUMN {column} TEXT NOT NULL "
                   f"DEFAULT '{empty}'")
    db.execute("ALTER TABLE scans ADD COLUMN kev_catalog TEXT NOT NULL DEFAULT ''")
    _set_version(db, 7)


@migrations(name="m008_thorough")
def m008_thorough(db: Database) -> None:
    # Whether a scan's checks swept the 1,000 most common TCP ports (thorough) or the curated few.
    db.execute("ALTER TABLE scans ADD COLUMN thorough INTEGER NOT NULL DEFAULT 0")
    _set_version(db, 8)


KNOWN_MIGRATIONS = tuple(m.name for m in migrations._migrations)
SCHEMA_VERSION = len(KNOWN_MIGRATIONS)
