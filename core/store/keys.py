"""Device passwords per site: keychain entries named by the site's random key, never by its id."""

from __future__ import annotations

from core import secrets
from core.errors import NotFoundError
from core.secrets import DeviceSecret
from core.store.base import StoreBase, normalise_mac


class KeysMixin(StoreBase):
    """Keychain methods of Store (the passwords live in the OS keychain, never in SQLite)."""

    def site_secret_key(self, site_id: int) -> str:
        """The site's random keychain key (made by migration m004 or when the site was added)."""
        with self._read() as conn:
            row = conn.execute("SELECT secret_key FROM sites WHERE id = ?", (site_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no site with id {site_id}.")
        return str(row[0])

    def set_device_secret(self, site_id: int, mac: str, password: str,
                          username: str = "") -> None:
        """Save (or replace) a device's admin login in the OS keychain."""
        secrets.set_device_secret(self.site_secret_key(site_id), mac, password, username)
        self._forget_legacy(site_id, mac)

    def get_device_secret(self, site_id: int, mac: str) -> DeviceSecret | None:
        """The device's saved login, or None; adopts an entry saved under the old naming."""
        found = secrets.get_device_secret(self.site_secret_key(site_id), mac)
        if found is None and self._legacy_names(site_id):
            found = self._adopt_legacy(site_id, mac)
        return found

    def delete_device_secret(self, site_id: int, mac: str) -> None:
        """Forget the device's saved login (also any left under the old naming)."""
        secrets.delete_device_secret(self.site_secret_key(site_id), mac)
        self._forget_legacy(site_id, mac)

    def migrate_legacy_secrets(self) -> int:
        """Move every entry saved as "site id/mac" or "site name/mac" (before m004) to the
        site's random key, then stop looking for old names; returns how many moved."""
        moved = 0
        for site_id in self._legacy_sites():
            with self._read() as conn:
                macs = [r[0] for r in conn.execute("SELECT mac FROM devices WHERE site_id = ?",
                                                   (site_id,))]
            moved += sum(self._adopt_legacy(site_id, mac) is not None for mac in macs)
            with self._write() as db:
                db.conn.execute("UPDATE sites SET secret_legacy = 0 WHERE id = ?", (site_id,))
        return moved

    def _legacy_sites(self) -> list[int]:
        with self._read() as conn:
            return [int(r[0]) for r in conn.execute(
                "SELECT id FROM sites WHERE secret_legacy = 1 ORDER BY id")]

    def _legacy_names(self, site_id: int) -> tuple[str, ...]:
        """The names a site's entries had before m004 (only for sites that existed then)."""
        with self._read() as conn:
            row = conn.execute("SELECT name FROM sites WHERE id = ? AND secret_legacy = 1",
                               (site_id,)).fetchone()
        return () if row is None else (str(site_id), str(row[0]))

    def _adopt_legacy(self, site_id: int, mac: str) -> DeviceSecret | None:
        for old in self._legacy_names(site_id):
            found = secrets.get_device_secret(old, mac)
            if found is not None:
                secrets.set_device_secret(self.site_secret_key(site_id), mac, found.password,
                                          found.username)
                self._forget_legacy(site_id, mac)
                return found
        return None

    def _forget_legacy(self, site_id: int, mac: str) -> None:
        for old in self._legacy_names(site_id):
            secrets.delete_device_secret(old, normalise_mac(mac))
