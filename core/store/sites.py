"""Sites: create, list, find by name, rename and update (networks kept as CIDR lists)."""

from __future__ import annotations

import ipaddress
import json
import sqlite3
from collections.abc import Iterable
from typing import Any, cast

from core.errors import DuplicateNameError, InvalidInputError, NotFoundError
from core.models import Site
from core.store.base import UNCHANGED, StoreBase, insert_row, now_iso
from core.store.codec import dumps

_SITE_SQL = "SELECT id, name, notes, client, networks, work_networks FROM sites"


def clean_networks(networks: Iterable[str]) -> tuple[str, ...]:
    """Validated CIDRs in canonical form ("192.168.1.7/24" becomes "192.168.1.0/24")."""
    cleaned = []
    for text in networks:
        try:
            cleaned.append(str(ipaddress.ip_network(text.strip(), strict=False)))
        except ValueError as error:
            raise InvalidInputError(f"{text!r} is not a network.",
                                    "Write it like 192.168.1.0/24.") from error
    return tuple(dict.fromkeys(cleaned))


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError("A site needs a name.", "For example: Main office.")
    return cleaned


def site_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Site:
    return Site(id=int(row[0]), name=row[1], notes=row[2] or "", client=row[3] or "",
                networks=tuple(json.loads(row[4] or "[]")),
                work_networks=tuple(json.loads(row[5] or "[]")))


class SitesMixin(StoreBase):
    """Site methods of Store."""

    def create_site(self, name: str, client: str = "", notes: str = "",
                    networks: Iterable[str] = (), work_networks: Iterable[str] = ()) -> Site:
        """A new site; DuplicateNameError if the name is taken (names ignore case)."""
        name = clean_name(name)
        row = {"name": name, "client": client, "notes": notes,
               "networks": dumps(clean_networks(networks)),
               "work_networks": dumps(clean_networks(work_networks)), "created": now_iso()}
        with self._write() as db:
            self._refuse_taken(db.conn, name, None)
            site_id = insert_row(db, "sites", row)
        return self.site(site_id)

    def sites(self) -> tuple[Site, ...]:
        with self._read() as conn:
            rows = conn.execute(_SITE_SQL + " ORDER BY name COLLATE NOCASE").fetchall()
        return tuple(site_from_row(row) for row in rows)

    def site(self, site_id: int) -> Site:
        with self._read() as conn:
            row = conn.execute(_SITE_SQL + " WHERE id = ?", (site_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no site with id {site_id}.")
        return site_from_row(row)

    def site_by_name(self, name: str) -> Site:
        """The site called `name` (case-insensitive); NotFoundError lists the known names."""
        with self._read() as conn:
            row = conn.execute(_SITE_SQL + " WHERE name = ? COLLATE NOCASE",
                               (" ".join(name.split()),)).fetchone()
        if row is None:
            known = ", ".join(site.name for site in self.sites()) or "none yet"
            raise NotFoundError(f"There is no site called {name!r}.", f"Known sites: {known}.")
        return site_from_row(row)

    def rename_site(self, site_id: int, new_name: str) -> Site:
        return self.update_site(site_id, name=new_name)

    def update_site(self, site_id: int, *, name: object = UNCHANGED, client: object = UNCHANGED,
                    notes: object = UNCHANGED, networks: object = UNCHANGED,
                    work_networks: object = UNCHANGED) -> Site:
        """Change the given fields only (UNCHANGED leaves a field as it is)."""
        changes: dict[str, Any] = {}
        if name is not UNCHANGED:
            changes["name"] = clean_name(str(name))
        for field, value in (("client", client), ("notes", notes)):
            if value is not UNCHANGED:
                changes[field] = str(value)
        for field, value in (("networks", networks), ("work_networks", work_networks)):
            if value is not UNCHANGED:
                changes[field] = dumps(clean_networks(cast(Iterable[str], value)))
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            if "name" in changes:
                self._refuse_taken(db.conn, changes["name"], site_id)
            if changes:
                db.table("sites").update(site_id, changes)
        return self.site(site_id)

    @staticmethod
    def _refuse_taken(conn: sqlite3.Connection, name: str, own_id: int | None) -> None:
        row = conn.execute("SELECT id FROM sites WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
        if row is not None and row[0] != own_id:
            raise DuplicateNameError(f"A site called {name!r} already exists.",
                                     "Choose another name.")
