"""Category and model of a device from data rules (resources/identify/*.toml): scores win."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.discovery.identify_rules import bundled_rules
from core.models import Category, MdnsService, UpnpInfo

MAX_MODEL_LEN = 80


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about one device that identification looks at."""

    vendor: str = ""
    services: tuple[MdnsService, ...] = ()
    upnp: UpnpInfo | None = None
    hostnames: tuple[str, ...] = ()


def identify(facts: Facts) -> tuple[Category, str]:
    """The most likely category (UNKNOWN when nothing points anywhere) and the model, if said."""
    scores: dict[Category, int] = defaultdict(int)
    for category, weight in _signals(facts):
        scores[category] += weight
    best = max(scores.items(), key=lambda item: item[1], default=(Category.UNKNOWN, 0))
    category = best[0] if best[1] > 0 else Category.UNKNOWN
    return category, model_of(facts)


def model_of(facts: Facts) -> str:
    """The model name from UPnP (name + number) or the first model-like TXT key."""
    upnp = facts.upnp
    if upnp and upnp.model_name:
        number = upnp.model_number
        model = upnp.model_name
        if number and number not in model and not number.replace(".", "").isdigit():
            model = f"{model} {number}"
        return _clean(model)
    keys = _rules()["mdns"].get("model", {}).get("txt_keys", [])
    for key in keys:
        for service in facts.services:
            value = service.txt_dict().get(key, "")
            if _clean(value):
                return _clean(value)
    return ""


def _signals(facts: Facts) -> Iterable[tuple[Category, int]]:
    rules = _rules()
    mdns_types = rules["mdns"].get("types", {})
    for service in facts.services:
        short = service.type.removesuffix(".").removesuffix(".local")
        if short in mdns_types:
            yield _hint(mdns_types[short])
        txt = service.txt_dict()
        for rule in rules["mdns"].get("txt", []):
            if rule.get("type") == short and _txt_matches(rule, txt.get(rule.get("key", ""))):
                yield _hint(rule)
    if facts.upnp:
        yield from _upnp_signals(facts.upnp, rules["upnp"])
    vendor = facts.vendor.lower()
    for needle, hint in rules["vendors"].get("vendors", {}).items():
        if vendor and needle in vendor:
            yield _hint(hint)
    for host in facts.hostnames:
        label = host.split(".")[0][:63]
        for pattern in rules["hostnames"].get("pattern", []):
            if re.search(pattern["regex"], label, re.IGNORECASE):
                yield _hint(pattern)


def _upnp_signals(upnp: UpnpInfo, rules: dict[str, Any]) -> Iterable[tuple[Category, int]]:
    parts = upnp.device_type.split(":")
    type_name = parts[-2] if len(parts) >= 2 else upnp.device_type
    device_types = rules.get("device_types", {})
    if type_name in device_types:
        yield _hint(device_types[type_name])
    manufacturer = upnp.manufacturer.lower()
    for needle, hint in rules.get("manufacturers", {}).items():
        if manufacturer and needle in manufacturer:
            yield _hint(hint)


def _txt_matches(rule: dict[str, Any], value: str | None) -> bool:
    if value is None:
        return False
    if "value" in rule:
        return bool(value == rule["value"])
    return value.startswith(str(rule.get("value_prefix", "\0")))


def _hint(rule: dict[str, Any]) -> tuple[Category, int]:
    return Category(rule["category"]), int(rule.get("weight", 1))


def _clean(text: str) -> str:
    """Printable, single-spaced, without wrapping parentheses, bounded."""
    text = "".join(ch for ch in text if ch.isprintable())
    text = " ".join(text.split()).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text[:MAX_MODEL_LEN]


def _rules() -> dict[str, dict[str, Any]]:
    return bundled_rules()
