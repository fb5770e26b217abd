"""Identification rules (resources/identify/*.toml), read strictly: category hints per signal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from core.datafiles import fields
from core.models import Category
from core.paths import resource

RULE_FILES = ("mdns", "upnp", "vendors", "hostnames")
_HINT = ("category",)
_WEIGHT = ("weight",)


@cache
def bundled_rules() -> dict[str, dict[str, Any]]:
    """The bundled rules by file stem, read once."""
    return read_rules(resource("identify"))


def read_rules(folder: Path) -> dict[str, dict[str, Any]]:
    """Every rule file in `folder` by stem; DataFileError naming the file, the rule and the key."""
    return {stem: read_rule_file(folder, stem) for stem in RULE_FILES}


def read_rule_file(folder: Path, stem: str) -> dict[str, Any]:
    """One rule file (`stem` is one of RULE_FILES), checked, as the plain TOML document."""
    name = f"{folder.name}/{stem}.toml"
    data = fields.read_toml(folder / f"{stem}.toml", name)
    if stem == "mdns":
        fields.table(data, name, ("types",), ("txt", "model"))
        _hints(data, "types", name)
        for index, rule in enumerate(fields.tables(data, "txt", name), 1):
            _txt_rule(rule, f"{name}: txt #{index}")
        model = fields.table(data.get("model", {"txt_keys": []}), f"{name}: model", ("txt_keys",))
        fields.strings(model, "txt_keys", f"{name}: model")
    elif stem == "upnp":
        fields.table(data, name, ("device_types", "manufacturers"))
        _hints(data, "device_types", name)
        _hints(data, "manufacturers", name)
    elif stem == "vendors":
        fields.table(data, name, ("vendors",))
        _hints(data, "vendors", name)
    else:
        fields.table(data, name, ("pattern",))
        for index, rule in enumerate(fields.tables(data, "pattern", name), 1):
            _pattern(rule, f"{name}: pattern #{index}")
    return data


def _hints(data: Mapping[str, Any], key: str, name: str) -> None:
    table = data[key]
    if not isinstance(table, dict):
        raise fields.fail(name, f"{key} must be a table of name = {{ category, weight }}")
    for needle, hint in table.items():
        _hint(hint, f"{name}: {key} {needle!r}")


def _hint(raw: Any, label: str, extra: tuple[str, ...] = ()) -> None:
    fields.table(raw, label, _HINT + extra, _WEIGHT)
    fields.enum(raw, "category", label, Category)
    fields.integer(raw, "weight", label, 1, 100, default=1)


def _txt_rule(raw: Mapping[str, Any], label: str) -> None:
    fields.table(raw, label, ("type", "key", *_HINT), ("value", "value_prefix", *_WEIGHT))
    value_keys = [key for key in ("value", "value_prefix") if key in raw]
    if len(value_keys) != 1:
        raise fields.fail(label, "needs exactly one of the keys ['value', 'value_prefix']")
    _hint(raw, label, ("type", "key", value_keys[0]))
    for key in ("type", "key", value_keys[0]):
        fields.text(raw, key, label)


def _pattern(raw: Mapping[str, Any], label: str) -> None:
    _hint(raw, label, ("regex",))
    try:
        re.compile(fields.text(raw, "regex", label))
    except re.error as exc:
        raise fields.fail(label, f"regex is not a valid regular expression ({exc})") from None
