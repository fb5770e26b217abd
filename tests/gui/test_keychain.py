"""The device page keeps an admin password only in the keychain, and says when there is none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WindowFactory, settle

CAMERA_MAC = "c0:56:e3:44:21:0b"
SECRET = "s3cret-Camera-pw"


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in a dict for the length of one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_password_goes_to_the_keychain_only(qtbot: QtBot, make_window: WindowFactory, db_path: Path,
                                            memory_keyring: MemoryKeyring) -> None:
    window = make_window()
    window.open_sample()
    settle(qtbot, window)
    window.open_device(CAMERA_MAC)
    notes = window.device_page.notes
    assert notes.store_password_button.isEnabled()
    notes.password_edit.setText(SECRET)
    notes.store_password()
    assert notes.password_edit.text() == ""
    assert "stored" in notes.password_status.text()
    assert any(SECRET in value for value in memory_keyring.values.values())
    assert notes.forget_password_button.isEnabled()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert SECRET.encode() not in path.read_bytes()
    notes.forget_password()
    assert memory_keyring.values == {}
    assert not notes.forget_password_button.isEnabled()


def test_no_keychain_is_said_plainly(qtbot: QtBot, make_window: WindowFactory) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        window = make_window()
        window.open_sample()
        settle(qtbot, window)
        window.open_device(CAMERA_MAC)
        notes = window.device_page.notes
        assert not notes.store_password_button.isEnabled()
        assert "keychain" in notes.password_status.text().lower()
    finally:
        keyring.set_keyring(previous)
