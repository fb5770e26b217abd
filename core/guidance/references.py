"""The known standard references (resources/references.toml): load them and check a ref string."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.errors import DataFileError
from core.paths import resource

_PROVISION = re.compile(r"^(?P<clause>.+)-(?P<n>[0-9]+)$")


@dataclass(frozen=True, slots=True)
class Reference:
    """One citable clause: `ref` is the exact string used in data ("ETSI EN 303 645 5.1")."""

    ref: str
    standard: str
    clause: str
    title: str
    provisions: int = 0  # ETSI: how many numbered provisions ("5.1-1".."5.1-N") the clause has


@cache
def load_references(path: Path | None = None) -> dict[str, Reference]:
    """Every known clause by its ref string; raises DataFileError on a malformed file."""
    source = path or resource("references.toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"Cannot read {source.name}: {exc}") from exc
    known: dict[str, Reference] = {}
    for standard in data.get("standard", []):
        prefix, name = str(standard["prefix"]), str(standard["name"])
        for clause in standard["clauses"]:
            ref = f"{prefix} {clause['id']}"
            known[ref] = Reference(
                ref=ref,
                standard=name,
                clause=str(clause["id"]),
                title=str(clause["title"]),
                provisions=int(clause.get("provisions", 0)),
            )
    if not known:
        raise DataFileError(f"{source.name} lists no references.")
    return known


def lookup(ref: str) -> Reference | None:
    """The clause a ref names, accepting ETSI provision refs ("ETSI EN 303 645 5.1-1")."""
    known = load_references()
    if ref in known:
        return known[ref]
    match = _PROVISION.match(ref)
    if match:
        clause = known.get(match["clause"])
        if clause and 1 <= int(match["n"]) <= clause.provisions:
            return clause
    return None


def is_known(ref: str) -> bool:
    """True when `ref` names a clause listed in resources/references.toml."""
    return lookup(ref) is not None
