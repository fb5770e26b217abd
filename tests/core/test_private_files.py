"""Private files: folders 0700, files 0600, no symlink followed, foreign databases refused."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from core.errors import ForeignDatabaseError
from core.files import write_private
from core.logs import close_logging, setup_logging
from core.paths import data_dir, log_dir
from core.store import Store, list_backups
from tests.fixtures.db.builders import device, scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "db"
pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask() -> Iterator[None]:
    """A typical umask (022): without explicit modes, new files would be world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_data_and_log_folders_are_private_even_when_they_existed() -> None:
    for make in (data_dir, log_dir):
        folder = make()
        folder.chmod(0o755)
        assert _mode(make()) == 0o700


def test_database_and_its_side_files_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "new" / "db.sqlite3"
    with Store.open(path) as store:
        site = store.create_site("Office")
        store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device("aa:00:00:00:00:01",
                                                                     "192.0.2.1")))
        files = [path, *path.parent.glob("db.sqlite3-*")]
        assert len(files) >= 2 and {_mode(f) for f in files} == {0o600}
    assert _mode(path.parent) == 0o700  # a folder we created for it


def test_an_existing_readable_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    Store.open(path).close()
    path.chmod(0o644)
    Store.open(path).close()
    assert _mode(path) == 0o600


def test_backups_are_private(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(FIXTURES / "schema-v1.sqlite3", path)
    Store.open(path).close()  # migrating takes a backup first
    backups = list_backups(path)
    assert backups and {_mode(b.path) for b in backups} == {0o600}
    assert _mode(backups[0].path.parent) == 0o700


def test_log_files_are_private_also_after_a_rollover(tmp_path: Path) -> None:
    try:
        log_path = setup_logging(tmp_path / "logs")
        logging.getLogger("test").warning("hello")
        assert _mode(log_path) == 0o600 and _mode(log_path.parent) == 0o700
        handler = next(h for h in logging.getLogger().handlers
                       if getattr(h, "baseFilename", "") == str(log_path))
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()
        logging.getLogger("test").warning("after the rollover")
        assert {_mode(p) for p in log_path.parent.iterdir()} == {0o600}
    finally:
        close_logging()


def test_exports_are_private_and_their_new_folder_too(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        site = store.create_site("Office")
        exported = store.export_site(site.id, tmp_path / "out" / "site.json")
    assert _mode(exported) == 0o600 and _mode(exported.parent) == 0o700
    assert [p.name for p in exported.parent.iterdir()] == ["site.json"]  # no temp file left


def test_a_symlink_at_the_export_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "site.json"
    target.symlink_to(victim)
    with Store.open(tmp_path / "db.sqlite3") as store:
        store.export_site(store.create_site("Office").id, target)
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and "iot-hygiene-site" in target.read_text()


def test_write_private_never_reuses_an_existing_temp_or_follows_links(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "scan.json"
    target.symlink_to(victim)
    write_private(target, "{}")
    assert victim.read_text() == "keep me" and target.read_text() == "{}"
    assert _mode(target) == 0o600


def _foreign(path: Path) -> bytes:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Acme')")
        conn.commit()
    return path.read_bytes()


def test_a_database_of_another_program_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    before = _foreign(path)
    mode = _mode(path)
    with pytest.raises(ForeignDatabaseError) as caught:
        Store.open(path)
    assert "another program" in caught.value.message
    assert path.read_bytes() == before and _mode(path) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]  # no backup, no WAL


def test_a_database_with_someone_elses_migrations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    _foreign(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, "
                     "applied_at TEXT)")
        conn.execute("INSERT INTO _sqlite_migrations VALUES ('their-app', 'm001', 'then')")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(ForeignDatabaseError):
        Store.open(path)
    assert path.read_bytes() == before
