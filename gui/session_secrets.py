"""Device admin passwords for the device page: only in the OS keychain, under the site's own key."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.errors import NoKeyringError
from core.store import Store
from gui.views import PasswordStatus


def _tr(text: str) -> str:
    return QCoreApplication.translate("secrets", text)


def password_status(store: Store, site_id: int, mac: str) -> PasswordStatus:
    """Whether a keychain is usable here and whether a password is stored for this device."""
    from core import secrets

    backend = secrets.backend_status()
    if not backend.usable:
        return PasswordStatus(False, False, _tr("{0} Passwords cannot be stored here; they are "
                                                "never kept in plain text.").format(
                                                    backend.message))
    try:
        stored = store.get_device_secret(site_id, mac) is not None
    except NoKeyringError as exc:
        return PasswordStatus(False, False, exc.message)
    if stored:
        return PasswordStatus(True, True, _tr("A password is stored in the system keychain."))
    return PasswordStatus(True, False, _tr(
        "Passwords go only to the system keychain, never to the app's database."))


def store_password(store: Store, site_id: int, mac: str, password: str) -> None:
    store.set_device_secret(site_id, mac, password)


def forget_password(store: Store, site_id: int, mac: str) -> None:
    store.delete_device_secret(site_id, mac)
