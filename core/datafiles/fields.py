"""One place for data-file checks: read a file, require keys, refuse unknown ones, check enums."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from core.errors import DataFileError

E = TypeVar("E", bound=StrEnum)
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HINT = "Fix the file, or reinstall IoT Hygiene to restore its data files."


def fail(label: str, problem: str) -> DataFileError:
    """The error for one fault: `label` names the file and item, `problem` names the key."""
    return DataFileError(f"{label}: {problem}.", _HINT)


def read_toml(path: Path, name: str) -> dict[str, Any]:
    """The TOML document at `path`; DataFileError naming `name` if it is missing or malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise fail(name, f"cannot read the file ({exc})") from None


def read_json(path: Path, name: str) -> Any:
    """The JSON document at `path`; DataFileError naming `name` if it is missing or malformed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise fail(name, f"cannot read the file ({exc})") from None


def table(raw: Any, label: str, required: Iterable[str], optional: Iterable[str] = ()
          ) -> Mapping[str, Any]:
    """`raw` as a table holding every required key and nothing but required or optional keys."""
    if not isinstance(raw, dict):
        raise fail(label, f"expected a table, got {type(raw).__name__}")
    needed = list(required)
    unknown = sorted(set(raw) - set(needed) - set(optional))
    if unknown:
        raise fail(label, f"unknown keys {unknown}")
    missing = [key for key in needed if key not in raw]
    if missing:
        raise fail(label, f"missing keys {missing}")
    return raw


def tables(raw: Mapping[str, Any], key: str, label: str) -> list[Mapping[str, Any]]:
    """The array of tables under `key` (empty when absent), e.g. TOML `[[item]]`."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise fail(label, f"{key} must be a list of tables ([[{key}]])")
    return value


def text(raw: Mapping[str, Any], key: str, label: str, *, empty: bool = False,
         default: str | None = None) -> str:
    """The text under `key` with whitespace folded; non-empty unless `empty`."""
    value = raw.get(key, default)
    if not isinstance(value, str) or not (empty or value.strip()):
        raise fail(label, f"{key} must be {'' if empty else 'non-empty '}text, got {value!r}")
    return " ".join(value.split())


def ident(raw: Mapping[str, Any], key: str, label: str) -> str:
    """An id: lower-case words and digits joined by '-'."""
    value = text(raw, key, label)
    if not ID.match(value):
        raise fail(label, f"{key} {value!r}: ids are lower-case words joined by '-'")
    return value


def strings(raw: Mapping[str, Any], key: str, label: str, *, default: list[str] | None = None,
            non_empty: bool = False) -> tuple[str, ...]:
    """A list of non-empty strings under `key` (`default` when absent, if one is given)."""
    value = raw.get(key, default)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(label, f"{key} must be a list of non-empty strings, got {value!r}")
    if non_empty and not value:
        raise fail(label, f"{key} must not be empty")
    return tuple(value)


def integer(raw: Mapping[str, Any], key: str, label: str, low: int, high: int,
            default: int | None = None) -> int:
    """A whole number from `low` to `high` under `key`."""
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(label, f"{key} must be a whole number from {low} to {high}, got {value!r}")
    return value


def flag(raw: Mapping[str, Any], key: str, label: str, default: bool | None = None) -> bool:
    """A true/false value under `key`."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise fail(label, f"{key} must be true or false, got {value!r}")
    return value


def choice(value: Any, key: str, label: str, allowed: Collection[str]) -> str:
    """`value` if it is one of `allowed`; the message lists what is allowed."""
    if not isinstance(value, str) or value not in allowed:
        wanted = f"{next(iter(allowed))!r}" if len(allowed) == 1 else f"one of {', '.join(allowed)}"
        raise fail(label, f"{key} must be {wanted}; got {value!r}")
    return value


def enum(raw: Mapping[str, Any], key: str, label: str, kind: type[E],
         default: str | None = None) -> E:
    """The enum member named by the value under `key`."""
    return kind(choice(raw.get(key, default), key, label, [m.value for m in kind]))


def known(values: Iterable[str], key: str, label: str, exists: Callable[[str], bool],
          source: str) -> None:
    """Every value names something that `exists` in the file `source` (finding ids, refs)."""
    dangling = [value for value in values if not exists(value)]
    if dangling:
        raise fail(label, f"{key} {dangling} not found in {source}")
