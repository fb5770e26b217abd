"""Sites: create, list, find by name, rename and update (networks kept as CIDR lists)."""

from __future__ import annotations

import ipaddress
import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any, cast

from core.errors import DuplicateNameError, InvalidInputError, NotFoundError
from core.models import Site
from core.store.base import UNCHANGED, StoreBase, insert_row, now_iso
from core.store.codec import dumps

_SITE_SQL = "SELECT id, name, notes, client, networks, work_networks, network_roles FROM sites"
ROLES = ("work", "home", "guest")


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


def clean_roles(roles: Mapping[str, str]) -> dict[str, str]:
    """Validated networks, each with a role: work, home or guest."""
    cleaned: dict[str, str] = {}
    for network, role in roles.items():
        if role not in ROLES:
            raise InvalidInputError(f"{role!r} is not a network role.",
                                    "Choose work, home or guest.")
        (canonical,) = clean_networks((network,))
        cleaned[canonical] = role
    return cleaned


def site_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Site:
    roles: dict[str, str] = json.loads(row[6] or "{}") if len(row) > 6 else {}
    work = tuple(json.loads(row[5] or "[]"))
    if roles:
        work = tuple(n for n, r in roles.items() if r == "work")
    return Site(id=int(row[0]), name=row[1], notes=row[2] or "", client=row[3] or "",
                networks=tuple(json.loads(row[4] or "[]")), work_networks=work,
                guest_networks=tuple(n for n, r in roles.items() if r == "guest"),
                home_networks=tuple(n for n, r in roles.items() if r == "home"))


def _role_columns(roles: Mapping[str, str]) -> dict[str, str]:
    """The roles column and the work_networks column derived from it."""
    return {"network_roles": json.dumps(roles, sort_keys=True),
            "work_networks": dumps(tuple(n for n, r in roles.items() if r == "work"))}


class SitesMixin(StoreBase):
    """Site methods of Store."""

    def create_site(self, name: str, client: str = "", notes: str = "",
                    networks: Iterable[str] = (), work_networks: Iterable[str] = (),
                    network_roles: Mapping[str, str] | None = None) -> Site:
        """A new site; DuplicateNameError if the name is taken (names ignore case).

        `network_roles` maps networks to work, home or guest; `work_networks` are work too.
        """
        name = clean_name(name)
        roles = clean_roles({**(network_roles or {}),
                             **dict.fromkeys(clean_networks(work_networks), "work")})
        row = {"name": name, "client": client, "notes": notes,
               "networks": dumps(clean_networks(networks)),
               **_role_columns(roles), "created": now_iso()}
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
                    work_networks: object = UNCHANGED,
                    network_roles: object = UNCHANGED) -> Site:
        """Change the given fields only (UNCHANGED leaves a field as it is).

        New `work_networks` replace the work roles and keep the home and guest ones; new
        `network_roles` replace every role.
        """
        changes: dict[str, Any] = {}
        if name is not UNCHANGED:
            changes["name"] = clean_name(str(name))
        for field, value in (("client", client), ("notes", notes)):
            if value is not UNCHANGED:
                changes[field] = str(value)
        if networks is not UNCHANGED:
            changes["networks"] = dumps(clean_networks(cast(Iterable[str], networks)))
        with self._write() as db:
            self._site_exists(db.conn, site_id)
            if network_roles is not UNCHANGED or work_networks is not UNCHANGED:
                changes.update(self._new_roles(db.conn, site_id, work_networks, network_roles))
            if "name" in changes:
                self._refuse_taken(db.conn, changes["name"], site_id)
            if changes:
                db.table("sites").update(site_id, changes)
        return self.site(site_id)

    @staticmethod
    def _new_roles(conn: sqlite3.Connection, site_id: int, work_networks: object,
                   network_roles: object) -> dict[str, str]:
        row = conn.execute("SELECT network_roles FROM sites WHERE id = ?", (site_id,)).fetchone()
        if network_roles is not UNCHANGED:
            roles = clean_roles(cast(Mapping[str, str], network_roles))
        else:
            roles = dict(json.loads(row[0] or "{}"))
        if work_networks is not UNCHANGED:
            work = clean_networks(cast(Iterable[str], work_networks))
            roles = {**{n: r for n, r in roles.items() if r != "work"},
                     **dict.fromkeys(work, "work")}
        return _role_columns(roles)

    @staticmethod
    def _refuse_taken(conn: sqlite3.Connection, name: str, own_id: int | None) -> None:
        row = conn.execute("SELECT id FROM sites WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
        if row is not None and row[0] != own_id:
            raise DuplicateNameError(f"A site called {name!r} already exists.",
                                     "Choose another name.")
