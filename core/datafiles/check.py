"""Run every data-file reader over a folder laid out like resources/, one result per file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.checks.credentials import load as load_credentials
from core.checks.credentials import read_file as read_credentials
from core.datafiles import fields
from core.datafiles.findings import NAME as FINDINGS
from core.datafiles.findings import read_findings
from core.datafiles.references import NAME as REFERENCES
from core.datafiles.references import read_references
from core.datafiles.sample import NAME as SAMPLE
from core.datafiles.sample import read_sample
from core.datafiles.top_ports import NAME as TOP_PORTS
from core.datafiles.top_ports import read_top_ports
from core.discovery.identify_rules import RULE_FILES, read_rule_file
from core.discovery.oui import VENDORS, read_vendor_table
from core.errors import DataFileError
from core.fingerprints import kev, recog
from core.guidance.checklists import file_names, read_catalog, read_file
from core.guidance.schema import Links


@dataclass(frozen=True, slots=True)
class Checked:
    """One data file that passed its reader: its name under the folder and what it holds."""

    name: str
    summary: str


def check_data(root: Path) -> Iterator[Checked]:
    """Each file under `root` in dependency order; DataFileError at the first bad one."""
    if not root.is_dir():
        raise DataFileError(f"{root}: no such folder.", "Give a folder laid out like resources/.")
    refs = read_references(root / REFERENCES)
    yield Checked(REFERENCES, _count(len(refs), "clause"))
    catalogue = {entry.id: entry for entry in read_findings(root / FINDINGS, refs)}
    yield Checked(FINDINGS, _count(len(catalogue), "finding"))
    yield from _checklists(root / "checklists", Links(refs, frozenset(catalogue)))
    yield from _identify(root / "identify")
    yield from _credentials(root / "credentials")
    aliases, suffixes = read_vendor_table(root / VENDORS)
    yield Checked(VENDORS, f"{_count(len(aliases), 'alias')}, {_count(len(suffixes), 'suffix')}")
    sample = read_sample(root / SAMPLE, catalogue, refs)
    yield Checked(SAMPLE, _count(len(sample.devices), "device"))
    yield from _kev(root / "kev")
    yield from _recog(root / "recog")
    ports = read_top_ports(root / TOP_PORTS)
    yield Checked(TOP_PORTS, f"{_count(len(ports), 'TCP port')}, the thorough scan's list")


def _kev(folder: Path) -> Iterator[Checked]:
    if not folder.is_dir():
        return
    ranges = kev.read_ranges(folder / kev.RANGES_NAME)
    yield Checked(f"{folder.name}/{kev.RANGES_NAME}", _count(len(ranges), "CVE"))
    catalog = kev.read_catalog(folder / kev.FILE_NAME, ranges)
    yield Checked(f"{folder.name}/{kev.FILE_NAME}", f"version {catalog.version}, "
                  f"{len(catalog.vulnerabilities)} vulnerabilities")


def _recog(folder: Path) -> Iterator[Checked]:
    if not folder.is_dir():
        return
    for key, name in recog.DATABASES.items():
        database = recog.read_database(folder / name, key)
        yield Checked(f"{folder.name}/{name}", f"{_count(len(database.rules), 'fingerprint')}, "
                      f"{database.skipped} that Python cannot run skipped")


def _checklists(folder: Path, links: Links) -> Iterator[Checked]:
    names = file_names()
    _only_known(folder, {name for name, _ in names}, "a checklist file")
    for name, category in names:
        read = read_file(folder, name, category, links)
        yield Checked(f"{folder.name}/{name}", _count(len(read.items), "item"))
    read_catalog(folder, links)  # links between files: unique ids, instructions for real items


def _identify(folder: Path) -> Iterator[Checked]:
    _only_known(folder, {f"{stem}.toml" for stem in RULE_FILES}, "an identification rule file")
    for stem in RULE_FILES:
        rules = sum(len(section) for section in read_rule_file(folder, stem).values())
        yield Checked(f"{folder.name}/{stem}.toml", _count(rules, "rule"))


def _credentials(folder: Path) -> Iterator[Checked]:
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise fields.fail(f"{folder.name}/", "holds no credential files (*.toml)")
    for path in paths:
        vendor = read_credentials(path)
        yield Checked(f"{folder.name}/{path.name}", _count(len(vendor.logins), "login"))
    load_credentials(folder)  # what only the whole folder shows: a vendor in two files


def _only_known(folder: Path, known: set[str], what: str) -> None:
    for path in sorted(folder.glob("*.toml")):
        if path.name not in known:
            raise fields.fail(f"{folder.name}/{path.name}", f"not {what} this version knows")


def _count(number: int, word: str) -> str:
    plural = word + ("es" if word.endswith(("s", "x")) else "s")
    return f"{number} {word if number == 1 else plural}"
