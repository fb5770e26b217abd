"""The references file (references.toml): every standard clause data files may cite."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.datafiles import fields
from core.paths import resource

NAME = "references.toml"
_PROVISION = re.compile(r"^(?P<clause>.+)-(?P<n>[0-9]+)$")


@dataclass(frozen=True, slots=True)
class Reference:
    """One citable clause: `ref` is the exact string used in data ("ETSI EN 303 645 5.1")."""

    ref: str
    standard: str
    clause: str
    title: str
    provisions: int = 0  # ETSI: how many numbered provisions ("5.1-1".."5.1-N") the clause has


def read_references(path: Path) -> dict[str, Reference]:
    """Every clause in the file by its ref string; DataFileError naming file, item and key."""
    data = fields.table(fields.read_toml(path, NAME), NAME, ("standard",))
    known: dict[str, Reference] = {}
    for index, raw in enumerate(fields.tables(data, "standard", NAME), 1):
        label = f"{NAME}: standard #{index}"
        fields.table(raw, label, ("prefix", "name", "clauses"))
        prefix = fields.text(raw, "prefix", label)
        name = fields.text(raw, "name", label)
        for number, clause in enumerate(fields.tables(raw, "clauses", label), 1):
            where = f"{label} ({prefix}): clause #{number} {clause.get('id', '?')!r}"
            reference = _clause(clause, where, prefix, name)
            if reference.ref in known:
                raise fields.fail(label, f"clause {reference.clause!r} is listed twice")
            known[reference.ref] = reference
    if not known:
        raise fields.fail(NAME, "standard: lists no references")
    return known


def _clause(raw: Mapping[str, object], label: str, prefix: str, name: str) -> Reference:
    fields.table(raw, label, ("id", "title"), ("provisions",))
    clause = fields.text(raw, "id", label)
    return Reference(
        ref=f"{prefix} {clause}",
        standard=name,
        clause=clause,
        title=fields.text(raw, "title", label),
        provisions=fields.integer(raw, "provisions", label, 0, 99, default=0),
    )


@cache
def load_references(path: Path | None = None) -> dict[str, Reference]:
    """Every known clause (default: the bundled file), read once."""
    return read_references(path or resource(NAME))


def lookup_in(known: Mapping[str, Reference], ref: str) -> Reference | None:
    """The clause `ref` names in `known`, accepting ETSI provisions ("ETSI EN 303 645 5.1-1")."""
    if ref in known:
        return known[ref]
    match = _PROVISION.match(ref)
    if match:
        clause = known.get(match["clause"])
        if clause and 1 <= int(match["n"]) <= clause.provisions:
            return clause
    return None


def check_refs(refs: tuple[str, ...], label: str, known: Mapping[str, Reference]) -> None:
    """At least one ref, each naming a clause in `known`."""
    if not refs:
        raise fields.fail(label, "refs must name at least one reference")
    fields.known(refs, "refs", label, lambda ref: lookup_in(known, ref) is not None, NAME)
