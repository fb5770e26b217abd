"""The device page keeps an admin password only in the keychain, and says when there is none."""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WindowFactory, settle
from tests.memory_keyring import MemoryKeyring

CAMERA_MAC = "c0:56:e3:44:21:0b"
SECRET = "s3cret-Camera-pw"




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
    assert any(SECRET in value for value in memory_keyring.entries.values())
    assert notes.forget_password_button.isEnabled()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert SECRET.encode() not in path.read_bytes()
    notes.forget_password()
    assert memory_keyring.entries == {}
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
