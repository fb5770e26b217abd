"""An in-memory keyring backend for tests, so no test touches the user's real keychain."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps entries in a dict; deleting a missing entry fails like real ones."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Installs a fresh MemoryKeyring for one test and restores the previous backend after."""
    from core.secrets import KNOWN_KEYCHAINS

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    name = f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    KNOWN_KEYCHAINS.add(name)  # trusted like an OS keychain, for this test only
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
    KNOWN_KEYCHAINS.discard(name)
