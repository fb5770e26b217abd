"""Rapid7 Recog fingerprints: read the bundled XML once, translate Ruby regexes, match texts."""

from __future__ import annotations

import base64
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from core.datafiles.fields import fail
from core.paths import resource

# Which bundled file serves which kind of text (Recog's own `matches` names).
DATABASES = {
    "http_header.server": "http_servers.xml",
    "html_title": "html_title.xml",
    "http_header.wwwauth": "http_wwwauth.xml",
    "ssh.banner": "ssh_banners.xml",
    "ftp.banner": "ftp_banners.xml",
    "telnet.banner": "telnet_banners.xml",
    "rtsp_header.server": "rtsp_servers.xml",
    "snmp.sys_description": "snmp_sysdescr.xml",
    "mdns.device-info.txt": "mdns_device-info_txt.xml",
    "x509.subject": "x509_subjects.xml",
    "x509.issuer": "x509_issuers.xml",
}
_FLAGS = {"REG_ICASE": re.IGNORECASE, "REG_DOT_NEWLINE": re.DOTALL, "REG_MULTILINE": re.DOTALL}
_POSIX = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
          "lower": "a-z", "space": r"\s", "xdigit": "0-9a-fA-F", "punct": r"!-/:-@\[-`{-~",
          "print": r"\x20-\x7e", "word": r"\w", "blank": r" \t", "cntrl": r"\x00-\x1f\x7f",
          "graph": r"\x21-\x7e"}
_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
MAX_TEXT = 512  # longest text matched: banners and headers are short, regexes may backtrack
MAX_SPACE_RUN = 8  # a run of blank lines is cut to this: some patterns are slow on 1,000 of them
_LONG_SPACE = re.compile(rf"\s{{{MAX_SPACE_RUN + 1},}}")


class Untranslatable(ValueError):
    """A Ruby/Java regex feature Python's `re` does not have."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled fingerprint: its regex, fixed values and capture-group values."""

    regex: re.Pattern[str]
    description: str
    fixed: tuple[tuple[str, str], ...]
    captured: tuple[tuple[str, int], ...]
    examples: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Database:
    """One Recog file compiled: the rules Python can run and how many it had to skip."""

    key: str
    rules: tuple[Rule, ...]
    skipped: int


def translate(pattern: str) -> str:
    """The Python form of a Recog (Ruby) regex; Untranslatable when `re` cannot express it."""
    out = pattern.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")
    out = re.sub(r"\\k<([A-Za-z_]\w*)>", r"(?P=\1)", out)
    out = out.replace(r"\h", "[0-9a-fA-F]").replace(r"\H", "[^0-9a-fA-F]")
    out = re.sub(r"(?<!\\)\\Z", r"(?=\\n?\\Z)", out).replace(r"\z", r"\Z")
    out = re.sub(r"\[:(\w+):\]", lambda m: _posix(m.group(1), pattern), out)
    return out.replace("(?m)", "(?s)")  # Ruby's m is Python's s (dot matches newline)


def _posix(name: str, pattern: str) -> str:
    if name not in _POSIX:
        raise Untranslatable(pattern)
    return _POSIX[name]


def compile_rule(node: Element) -> Rule:
    """One <fingerprint> element as a Rule (Untranslatable or re.error when it cannot run)."""
    pattern = node.get("pattern", "")
    flags = re.MULTILINE  # Ruby's ^ and $ always match at line breaks
    for name in filter(None, (node.get("flags") or "").split(",")):
        flags |= _FLAGS.get(name.strip(), 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" FutureWarnings
        regex = re.compile(translate(pattern), flags)
    fixed, captured = [], []
    for param in node.iter("param"):
        name, pos = param.get("name", ""), int(param.get("pos", "0"))
        if pos == 0:
            fixed.append((name, param.get("value", "")))
        else:
            captured.append((name, pos))
    return Rule(regex, (node.findtext("description") or "").strip(), tuple(fixed),
                tuple(captured), tuple(_examples(node)))


def _examples(node: Element) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    for example in node.iter("example"):
        text = example.text or ""
        if example.get("_encoding") == "base64":
            text = base64.b64decode(text).decode("latin-1")
        expected = tuple((k, v) for k, v in example.attrib.items() if not k.startswith("_"))
        yield text, expected


def read_database(path: Path, key: str) -> Database:
    """Every fingerprint in one Recog XML file; those Python cannot run are counted, not kept."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise fail(path.name, f"cannot read the fingerprints ({exc})") from None
    rules: list[Rule] = []
    skipped = 0
    for node in root.iter("fingerprint"):
        try:
            rules.append(compile_rule(node))
        except (Untranslatable, re.error, ValueError):
            skipped += 1
    return Database(key, tuple(rules), skipped)


@cache
def database(key: str) -> Database:
    """The bundled database for `key` (e.g. "ssh.banner"), compiled on first use and kept."""
    return read_database(resource("recog", DATABASES[key]), key)


def match(key: str, text: str) -> tuple[Rule, dict[str, str]] | None:
    """The first fingerprint for `key` that matches `text`, with its parameters filled in."""
    text = _LONG_SPACE.sub(lambda m: m.group(0)[:MAX_SPACE_RUN], text[:MAX_TEXT])
    for rule in database(key).rules:
        found = rule.regex.search(text)
        if found:
            return rule, params(rule, found)
    return None


def params(rule: Rule, found: re.Match[str]) -> dict[str, str]:
    """Fixed and captured values, with `{name}` placeholders filled (unknown ones dropped)."""
    values = dict(rule.fixed)
    for name, pos in rule.captured:
        if pos <= (found.re.groups or 0) and found.group(pos):
            values[name] = found.group(pos).strip()
    return {name: _fill(value, values) for name, value in values.items()}


def _fill(value: str, values: dict[str, str]) -> str:
    filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), "\0"), value)
    if "\0" in filled:  # "cpe:/a:x:y:{service.version}" without a version: "cpe:/a:x:y"
        filled = filled.split("\0")[0].rstrip(":")
    return filled
