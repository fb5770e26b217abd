"""Device admin credentials in the OS keychain (keyring) only: never SQLite, logs or exports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer

from core.errors import InvalidInputError, NoKeyringError

SERVICE = "iot-hygiene"
# Only these count as a keychain: the operating systems' own. Anything else (keyrings.alt's
# plain-text or "encrypted" files, null, fail, a third-party backend) is refused.
KNOWN_KEYCHAINS: set[str] = {
    "keyring.backends.macOS.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
}
_NO_BACKEND_HINT = (
    "Install or unlock a system keychain (GNOME Keyring or KWallet on Linux; macOS and "
    "Windows have one built in). IoT Hygiene never stores passwords in plain text."
)


@dataclass(frozen=True, slots=True)
class SecretsStatus:
    """Whether secrets can be kept, which keychain holds them, and words for a person."""

    usable: bool
    backend: str
    message: str


@dataclass(frozen=True, slots=True)
class DeviceSecret:
    """A device's admin login; the password is left out of repr so it cannot leak into logs."""

    username: str
    password: str = field(repr=False)


def _name(backend: KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _unusable_reason(backend: KeyringBackend) -> str:
    parts = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    names = [_name(part) for part in parts]
    if any("plaintext" in name.lower() or "keyrings.alt" in name for name in names):
        return "Only a plain-text password file is available, which IoT Hygiene refuses."
    if not names or any(name not in KNOWN_KEYCHAINS for name in names):
        return "No system keychain was found."
    return ""


def backend_status() -> SecretsStatus:
    """Report the current keyring backend without touching any stored secret."""
    backend = keyring.get_keyring()
    reason = _unusable_reason(backend)
    if reason:
        return SecretsStatus(False, _name(backend), reason)
    return SecretsStatus(True, _name(backend), "Passwords are kept in the system keychain.")


def _usable_backend() -> KeyringBackend:
    status = backend_status()
    if not status.usable:
        raise NoKeyringError(status.message, _NO_BACKEND_HINT)
    return keyring.get_keyring()


def _account(site: int | str, mac: str) -> str:
    site = " ".join(str(site).split())
    device = mac.strip().lower().replace("-", ":")
    if not site or not device:
        raise InvalidInputError("A saved password needs a site and a device.")
    return f"{site}/{device}"


def set_device_secret(site: int | str, mac: str, password: str, username: str = "") -> None:
    """Save (or replace) a device's admin login in the keychain.

    `site` should be the site's random keychain key (Store.site_secret_key), so two databases
    never share an entry; prefer Store.set_device_secret, which looks it up. A site id or name
    still works (older callers) but is not unique across databases.
    """
    account = _account(site, mac)
    value = json.dumps({"username": username, "password": password})
    try:
        _usable_backend().set_password(SERVICE, account, value)
    except keyring.errors.KeyringError as error:
        raise NoKeyringError(f"The system keychain refused to save the password ({error}).",
                             "Unlock the keychain and try again.") from error


def get_device_secret(site: int | str, mac: str) -> DeviceSecret | None:
    """The device's saved login, or None if there is none."""
    account = _account(site, mac)
    try:
        value = _usable_backend().get_password(SERVICE, account)
    except keyring.errors.KeyringError as error:
        raise NoKeyringError(f"The system keychain could not be read ({error}).",
                             "Unlock the keychain and try again.") from error
    if value is None:
        return None
    try:
        data = json.loads(value)
        return DeviceSecret(username=str(data["username"]), password=str(data["password"]))
    except (ValueError, TypeError, KeyError):
        return DeviceSecret(username="", password=value)  # written by hand or another tool


def delete_device_secret(site: int | str, mac: str) -> None:
    """Forget the device's saved login (nothing happens if there was none)."""
    account = _account(site, mac)
    backend = _usable_backend()
    try:
        backend.delete_password(SERVICE, account)
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringError as error:
        raise NoKeyringError(f"The system keychain refused to delete the password ({error}).",
                             "Unlock the keychain and try again.") from error
