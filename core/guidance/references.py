"""The known standard references (resources/references.toml): look up and check a ref string."""

from __future__ import annotations

from core.datafiles.references import Reference, load_references, lookup_in

__all__ = ["Reference", "is_known", "load_references", "lookup"]


def lookup(ref: str) -> Reference | None:
    """The clause a ref names, accepting ETSI provision refs ("ETSI EN 303 645 5.1-1")."""
    return lookup_in(load_references(), ref)


def is_known(ref: str) -> bool:
    """True when `ref` names a clause listed in resources/references.toml."""
    return lookup(ref) is not None
