"""The finding catalogue: unique ids, complete entries, and docs/findings.md in step with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.checks.catalog import CATALOG, ENTRIES, finding, trim
from core.guidance import lifecycle, placement
from core.models import Severity
from core.paths import resource
from core.presence import OUTSIDE_HOURS_ID

DOCS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
REF_PATTERN = re.compile(
    r"^(ETSI EN 303 645 5\.\d+-\d+|OWASP IoT I\d+|NIST IR 8259A \d|UK PSTI \d)$")


def test_ids_are_unique_kebab_case_and_complete() -> None:
    assert len(CATALOG) == len(ENTRIES)
    for entry in ENTRIES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.id), entry.id
        assert entry.title and entry.fix.endswith("."), entry.id
        assert entry.refs, entry.id
        for ref in entry.refs:
            assert REF_PATTERN.match(ref), (entry.id, ref)


def test_every_problem_cites_a_standard_clause() -> None:
    for entry in ENTRIES:
        if entry.severity is not Severity.INFO:
            assert any(r.startswith("ETSI EN 303 645") for r in entry.refs), entry.id
            assert any(r.startswith("OWASP IoT") for r in entry.refs), entry.id


def test_docs_table_lists_every_id_with_its_severity() -> None:
    first_table = DOCS.read_text().split("## When each finding")[0]
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \|", first_table, re.MULTILINE))
    assert rows == {e.id: e.severity.value for e in ENTRIES}


def test_the_catalogue_is_the_data_file() -> None:
    text = resource("findings.toml").read_text(encoding="utf-8")
    in_code = {*placement.FINDING_IDS, *lifecycle.FINDING_IDS, OUTSIDE_HOURS_ID}
    assert {e.id for e in ENTRIES} | in_code == set(
        re.findall(r'^id = "([a-z0-9-]+)"', text, re.MULTILINE))
    assert 'title = "Telnet is on: logins travel unencrypted"' in text
    assert CATALOG["telnet-open"].title == "Telnet is on: logins travel unencrypted"


def test_the_brief_s_named_ids_exist() -> None:
    for name in ("telnet-open", "http-admin-cleartext", "tls-expired", "mqtt-anonymous",
                 "upnp-igd", "homekit-unpaired", "vnc-no-auth", "default-credentials-accepted",
                 "credential-checks-not-run"):
        assert name in CATALOG


def test_finding_carries_catalogue_text_and_trimmed_evidence() -> None:
    made = finding("telnet-open", "x\x00y" + "z" * 1000, port=23)
    assert made.severity is Severity.HIGH and made.port == 23
    assert made.fix == CATALOG["telnet-open"].fix
    assert "\x00" not in made.evidence and len(made.evidence) <= 400
    with pytest.raises(KeyError):
        finding("no-such-finding")
    assert trim("<b>") == "<b>"  # escaping is the renderer's job; trim only bounds and cleans
