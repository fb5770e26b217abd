"""Store schema: fresh files, upgrades from every older fixture, too-new refusal, corrupt files."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from core.errors import DatabaseCorruptError, DatabaseTooNewError, StoreError
from core.paths import default_db_path
from core.store import SCHEMA_VERSION, Store, list_backups, restore_backup
from core.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "db"
OLD_VERSIONS = (1, 2)


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_fresh_file_gets_every_migration_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == len(KNOWN_MIGRATIONS)
        mode = store._db().conn.execute("PRAGMA journal_mode").fetchone()[0]
        fks = store._db().conn.execute("PRAGMA foreign_keys").fetchone()[0]
    assert (mode, fks) == ("wal", 1)
    assert {"sites", "scans", "devices", "observations", "findings", "answers",
            "consents"} <= _tables(path)
    assert list_backups(path) == ()  # nothing worth copying in a brand-new file


def test_default_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOT_HYGIENE_DB", str(tmp_path / "env.sqlite3"))
    with Store.open() as store:
        assert store.path == default_db_path() == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").exists()


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_old_fixture_is_backed_up_then_migrated(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURES / f"schema-v{version}.sqlite3", path)
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        site = store.site_by_name("Old office")
        device = store.device(site.id, "AA:BB:CC:DD:EE:01")
        assert (device.label, device.owner, device.tag.value) == ("Front printer", "Sam", "work")
        assert device.latest is not None and device.latest.open_ports == (23, 80)
        assert [f.finding.id for f in store.findings(site.id)] == ["telnet-open"]
        answers = store.answers(site.id, device.mac)
        assert ("default-password" in answers) == (version >= 2)
        store.record_answer(site.id, device.mac, "firmware", "updated")  # new tables usable
        assert [s.id for s in store.scans(site.id)] == [1]
    backups = list_backups(path)
    assert len(backups) == 1 and backups[0].schema_version == version
    with closing(sqlite3.connect(backups[0].path)) as conn:  # the copy is the untouched old file
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version


def test_reopening_runs_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    Store.open(path).close()
    with Store.open(path) as store:
        applied = store._db().conn.execute(
            "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
            (MIGRATION_SET,)).fetchone()[0]
    assert applied == len(KNOWN_MIGRATIONS)


def _make_too_new(path: Path) -> None:
    Store.open(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES (?, 'm999_from_the_future', 'later')", (MIGRATION_SET,))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    _make_too_new(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError) as caught:
        Store.open(path)
    assert "newer" in caught.value.message and str(SCHEMA_VERSION) in caught.value.message
    assert "Update" in caught.value.hint
    assert path.read_bytes() == before


def test_unknown_migration_name_alone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    _make_too_new(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    with pytest.raises(DatabaseTooNewError):
        Store.open(path)


def test_file_that_is_not_sqlite_is_reported_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    with pytest.raises(DatabaseCorruptError) as caught:
        Store.open(path)
    assert str(path) in caught.value.message
    assert "No backup" in caught.value.hint


def _damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # keep the header page, wreck the rest
        data[offset:offset + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))


def test_damaged_file_offers_the_last_backup_which_restores(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v1.sqlite3", path)
    Store.open(path).close()  # migrating leaves a backup behind
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage_pages(path)
    with pytest.raises(DatabaseCorruptError) as caught:
        Store.open(path)
    newest = list_backups(path)[0]
    assert str(newest.path) in caught.value.hint
    aside = restore_backup(path, newest.path)
    assert aside.exists()  # the damaged file is kept, never deleted
    with Store.open(path) as store:
        assert store.site_by_name("Old office").client == "Acme Ltd"


def test_daily_backup_is_taken_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with Store.open(path) as store:
        store.create_site("Home")
    Store.open(path).close()
    Store.open(path).close()
    assert len(list_backups(path)) == 1


def test_truncated_file_is_reported_corrupt_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "half.sqlite3"
    data = (FIXTURES / "schema-v2.sqlite3").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseCorruptError):
        Store.open(path)
    assert path.read_bytes() == data[: len(data) // 2]


def test_empty_file_becomes_a_fresh_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_unopenable_path_is_a_plain_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()  # a directory where the file should be
    with pytest.raises(StoreError) as caught:
        Store.open(folder)
    assert "Cannot use the database" in caught.value.message


def test_a_file_where_the_folder_should_be_is_a_plain_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(StoreError) as caught:
        Store.open(blocker / "db.sqlite3")
    assert "Cannot use the database" in caught.value.message


def test_m006_network_roles_keeps_work_networks_as_work(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from core.store.schema import migrations

    path = tmp_path / "before-roles.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        migrations.apply(Database(conn, execute_plugins=False),
                         stop_before="m006_network_roles")
        conn.execute("INSERT INTO sites (name, networks, work_networks, created) VALUES "
                     "('Old office', '[\"192.0.2.0/24\", \"10.0.0.0/8\"]', "
                     "'[\"192.0.2.0/24\"]', '')")
    with Store.open(path) as store:
        site = store.site_by_name("Old office")
        assert store.schema_version == SCHEMA_VERSION
    assert site.network_roles == {"192.0.2.0/24": "work"}
    assert site.work_networks == ("192.0.2.0/24",) and site.networks[1] == "10.0.0.0/8"


def test_m008_thorough_marks_older_scans_standard_and_keeps_the_flag(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from core.models import ArpMode, ScanInfo, ScanResult
    from core.store.schema import migrations

    path = tmp_path / "before-thorough.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        migrations.apply(Database(conn, execute_plugins=False), stop_before="m008_thorough")
        conn.execute("INSERT INTO sites (name, created) VALUES ('Old office', '')")
        conn.execute("INSERT INTO scans (uid, site_id, started, checks_run) VALUES "
                     "('old-scan', 1, '2026-01-01T00:00:00Z', 1)")
    info = ScanInfo("eth0", "192.0.2.0/24", ArpMode.KERNEL, "2026-02-01T00:00:00Z",
                    checks_run=True, thorough=True)
    with Store.open(path) as store:
        site = store.site_by_name("Old office")
        store.save_scan(site.id, ScanResult(info))
        newest, oldest = store.scans(site.id)
        assert store.schema_version == SCHEMA_VERSION
    assert (oldest.thorough, newest.thorough) == (False, True)
