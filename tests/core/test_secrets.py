"""Device secrets go to keyring only: round trip, no backend, and never into SQLite or exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backends import fail, null

from core.errors import NoKeyringError
from core.secrets import (
    SERVICE,
    backend_status,
    delete_device_secret,
    get_device_secret,
    set_device_secret,
)
from core.store import Store
from tests.fixtures.db.builders import device, scan
from tests.memory_keyring import MemoryKeyring

PASSWORD = "Pa55-w0rd-that-must-not-leak"




@pytest.fixture(params=[fail.Keyring, null.Keyring])
def no_keyring(request: pytest.FixtureRequest) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(request.param())
    yield
    keyring.set_keyring(previous)


def test_round_trip_and_delete(memory_keyring: MemoryKeyring) -> None:
    assert backend_status().usable
    assert get_device_secret("Office", "AA:BB:CC:00:00:01") is None
    set_device_secret("Office", "AA:BB:CC:00:00:01", PASSWORD, username="admin")
    secret = get_device_secret("Office", "aa-bb-cc-00-00-01")
    assert secret is not None and (secret.username, secret.password) == ("admin", PASSWORD)
    assert PASSWORD not in repr(secret)
    assert [service for service, _ in memory_keyring.entries] == [SERVICE]
    set_device_secret("Office", "aa:bb:cc:00:00:01", "new", "root")
    assert get_device_secret("Office", "aa:bb:cc:00:00:01") == type(secret)("root", "new")
    delete_device_secret("Office", "aa:bb:cc:00:00:01")
    delete_device_secret("Office", "aa:bb:cc:00:00:01")  # deleting twice is fine
    assert get_device_secret("Office", "aa:bb:cc:00:00:01") is None


def test_secrets_are_per_site_and_device(memory_keyring: MemoryKeyring) -> None:
    set_device_secret("Office", "aa:00:00:00:00:01", "1")
    set_device_secret(7, "aa:00:00:00:00:01", "2")  # the GUI keys by site id
    one, two = (get_device_secret(s, "aa:00:00:00:00:01") for s in ("Office", 7))
    assert one is not None and two is not None and (one.password, two.password) == ("1", "2")
    assert one.username == "" and get_device_secret(8, "aa:00:00:00:00:01") is None


def test_no_usable_backend_is_a_typed_error_never_plaintext(no_keyring: None,
                                                            tmp_path: Path) -> None:
    status = backend_status()
    assert not status.usable and "keychain" in status.message
    with pytest.raises(NoKeyringError) as caught:
        set_device_secret("Office", "aa:00:00:00:00:01", PASSWORD)
    assert "plain text" in caught.value.hint
    with pytest.raises(NoKeyringError):
        get_device_secret("Office", "aa:00:00:00:00:01")
    with pytest.raises(NoKeyringError):
        delete_device_secret("Office", "aa:00:00:00:00:01")
    assert not list(tmp_path.iterdir())  # nothing written anywhere as a fallback


def test_secret_never_reaches_database_or_export(memory_keyring: MemoryKeyring,
                                                 tmp_path: Path) -> None:
    db_path = tmp_path / "db.sqlite3"
    with Store.open(db_path) as store:
        site = store.create_site("Office")
        store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                      device("aa:00:00:00:00:01", "192.0.2.1")))
        set_device_secret(site.id, "aa:00:00:00:00:01", PASSWORD, "admin")
        store.record_answer(site.id, "aa:00:00:00:00:01", "default-password", "changed")
        exported = store.export_site(site.id, tmp_path / "site.json")
    files = [db_path, exported, *tmp_path.glob("db.sqlite3-*")]
    assert all(PASSWORD.encode() not in f.read_bytes() for f in files)


class LookalikeKeyring(MemoryKeyring):
    """A third-party backend that is not an OS keychain (like keyrings.alt's files)."""


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's plain-text file backend."""


@pytest.mark.parametrize("backend", [LookalikeKeyring, PlaintextKeyring])
def test_only_known_os_keychains_count(backend: type[MemoryKeyring], tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        status = backend_status()
        assert not status.usable
        with pytest.raises(NoKeyringError):
            set_device_secret("k", "aa:00:00:00:00:01", PASSWORD)
    finally:
        keyring.set_keyring(previous)


def test_a_chain_with_an_unknown_backend_is_refused(memory_keyring: MemoryKeyring) -> None:
    from keyring.backends import chainer

    chain = chainer.ChainerBackend()
    chain.__dict__["backends"] = [memory_keyring, LookalikeKeyring()]  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(chain)
    try:
        assert not backend_status().usable
    finally:
        keyring.set_keyring(previous)


def test_two_databases_never_share_an_entry(memory_keyring: MemoryKeyring,
                                            tmp_path: Path) -> None:
    mac = "aa:00:00:00:00:01"
    with Store.open(tmp_path / "one.sqlite3") as one, Store.open(tmp_path / "two.sqlite3") as two:
        first, second = one.create_site("Office"), two.create_site("Office")
        assert first.id == second.id  # both are site 1: ids cannot name keychain entries
        one.set_device_secret(first.id, mac, "one-pw", "admin")
        assert two.get_device_secret(second.id, mac) is None
        two.set_device_secret(second.id, mac, "two-pw")
        got = one.get_device_secret(first.id, mac)
        assert got is not None and got.password == "one-pw"
        assert one.site_secret_key(first.id) != two.site_secret_key(second.id)
        assert not any(account.startswith(f"{first.id}/") for _, account in memory_keyring.entries)
        one.delete_device_secret(first.id, mac)
        assert one.get_device_secret(first.id, mac) is None
        assert two.get_device_secret(second.id, mac) is not None


def test_existing_keys_move_to_the_site_key(memory_keyring: MemoryKeyring,
                                            tmp_path: Path) -> None:
    """A v2 database's site 1 had its entries as "1/mac": they move once, to the random key."""
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "db" / "schema-v2.sqlite3",
                    path)
    mac = "aa:bb:cc:dd:ee:01"
    set_device_secret(1, mac, "printer-pw", "admin")  # saved by the older version
    with Store.open(path) as store:
        assert store.migrate_legacy_secrets() == 1
        key = store.site_secret_key(1)
        assert list(memory_keyring.entries) == [(SERVICE, f"{key}/{mac}")]
        got = store.get_device_secret(1, mac)
        assert got is not None and (got.username, got.password) == ("admin", "printer-pw")
        set_device_secret(1, mac, "stale")  # an old entry appearing later is not adopted now
        assert store.get_device_secret(1, mac) == got
        new = store.create_site("New office")
        set_device_secret(new.id, mac, "from another database")
        assert store.get_device_secret(new.id, mac) is None  # new sites never adopt old names


def test_old_entries_are_adopted_on_first_read_too(memory_keyring: MemoryKeyring,
                                                   tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "db" / "schema-v1.sqlite3",
                    path)
    set_device_secret("Old office", "aa:bb:cc:dd:ee:01", "by-name")  # keyed by site name
    with Store.open(path) as store:
        got = store.get_device_secret(1, "AA:BB:CC:DD:EE:01")
        assert got is not None and got.password == "by-name"
        assert list(memory_keyring.entries) == [
            (SERVICE, f"{store.site_secret_key(1)}/aa:bb:cc:dd:ee:01")]
