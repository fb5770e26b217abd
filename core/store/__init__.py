"""Local store: one SQLite file (WAL) with sites, scans, devices, findings, answers, consents."""

# Open it with `Store.open(path=None)`; one Store may be shared across threads. Methods:
# sites: create_site, sites, site, site_by_name, rename_site, update_site;
# scans: save_scan, scans, scan, scan_devices; devices: devices, device, add_device, update_device;
# findings: findings, set_finding_status; answers: record_answer, answers, answer_history;
# consent: record_consent, consent, start_consented_checks, end_consent, consents;
# changes(site_id, old_scan_id=None, new_scan_id=None);
# moving: export_site(site_id, path), preview_import(path), import_site(path, merge=False);
# keychain: site_secret_key, set/get/delete_device_secret, migrate_legacy_secrets;
# housekeeping (each after a backup, returning a Deletion): delete_site, delete_scan,
# delete_device, backup_folder; safety: backups(), check_integrity(),
# and (with no Store open, e.g. after DatabaseCorruptError) list_backups(db_path) and
# restore_backup(db_path, backup). Every method returns frozen records (core.store.records) and
# raises typed errors (core.errors): NotFoundError, DatabaseBusyError, DatabaseCorruptError, ...


from core.store.backups import BackupInfo, list_backups, restore_backup
from core.store.base import UNCHANGED
from core.store.housekeeping import Deletion
from core.store.records import (
    AnswerRecord,
    Changes,
    ConsentEnd,
    ConsentRecord,
    DeviceRecord,
    DeviceRef,
    FindingChange,
    FindingRecord,
    FindingStatus,
    IdentityChange,
    ImportPreview,
    ImportSummary,
    IpChange,
    PortChange,
    ScanSummary,
    ServiceChange,
)
from core.store.schema import SCHEMA_VERSION
from core.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "UNCHANGED",
    "AnswerRecord",
    "BackupInfo",
    "Changes",
    "ConsentEnd",
    "ConsentRecord",
    "Deletion",
    "DeviceRecord",
    "DeviceRef",
    "FindingChange",
    "FindingRecord",
    "FindingStatus",
    "IdentityChange",
    "ImportPreview",
    "ImportSummary",
    "IpChange",
    "PortChange",
    "ScanSummary",
    "ServiceChange",
    "Store",
    "list_backups",
    "restore_backup",
]
