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
