"""CISA's Known Exploited Vulnerabilities catalogue: strict reader, newer-file choice, matcher."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from core.datafiles.fields import fail, read_json, read_toml, table, tables, text
from core.errors import DataFileError
from core.files import own_private_dir, write_private
from core.models import Fingerprint
from core.paths import data_dir, resource

log = logging.getLogger(__name__)
FILE_NAME = "known_exploited_vulnerabilities.json"
RANGES_NAME = "affected.toml"
UPDATE_HINT = ("Use known_exploited_vulnerabilities.json from cisa.gov (Known Exploited "
               "Vulnerabilities Catalog); the catalogue in use is unchanged.")
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VULN_KEYS = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded",
              "shortDescription", "requiredAction", "dueDate")
_VULN_OPTIONAL = ("knownRansomwareCampaignUse", "notes", "cwes")
# Words that name a kind of device, not a model: "DIR-859 Router" is the model "DIR-859".
_GENERIC = frozenset({"router", "routers", "device", "devices", "firmware", "camera", "cameras",
                      "storage", "access", "point", "nas", "the", "series", "products"})
_VAGUE = ("multiple", "various", "products", "all ")  # product names that only name a vendor


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One catalogue entry, with the names it is matched by."""

    cve: str
    vendor: str
    product: str
    name: str
    required_action: str
    date_added: str
    ransomware: str = ""


@dataclass(frozen=True, slots=True)
class Range:
    """Versions a vulnerability affects: from `introduced` (inclusive) to `fixed` (exclusive)."""

    introduced: str
    fixed: str

    def holds(self, version: str) -> bool:
        key = version_key(version)
        low = not self.introduced or version_key(self.introduced) <= key
        return low and (not self.fixed or key < version_key(self.fixed))

    def __str__(self) -> str:
        return f"{self.introduced or 'any'} up to before {self.fixed or 'no fix'}"


@dataclass(frozen=True, slots=True)
class Catalog:
    """A read catalogue: its version, entries and the version ranges known for some of them."""

    version: str
    released: str
    vulnerabilities: tuple[Vulnerability, ...]
    ranges: Mapping[str, tuple[Range, ...]]
    path: Path
    by_vendor: Mapping[tuple[str, ...], tuple[Vulnerability, ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, ...], list[Vulnerability]] = {}
        for vuln in self.vulnerabilities:
            index.setdefault(words(vuln.vendor), []).append(vuln)
        object.__setattr__(self, "by_vendor", {k: tuple(v) for k, v in index.items()})


@dataclass(frozen=True, slots=True)
class Match:
    """A catalogue entry that fits one fingerprint, and how precisely it fits."""

    vulnerability: Vulnerability
    fingerprint: Fingerprint
    by_cpe: bool
    version_affected: bool  # the version is known and inside a known affected range
    precision: str  # plain words


def read_catalog(path: Path, ranges: Mapping[str, tuple[Range, ...]] | None = None) -> Catalog:
    """The catalogue at `path`, every entry checked; DataFileError naming the first fault."""
    raw = table(read_json(path, path.name), path.name,
                ("catalogVersion", "dateReleased", "count", "vulnerabilities"), ("title",))
    version = text(raw, "catalogVersion", path.name)
    released = text(raw, "dateReleased", path.name)
    if not _DATE.match(released):
        raise fail(path.name, f"dateReleased must be a date, got {released!r}")
    entries = raw["vulnerabilities"]
    if not isinstance(entries, list) or raw["count"] != len(entries):
        raise fail(path.name, "count must equal the number of vulnerabilities")
    vulns = tuple(_vulnerability(item, f"{path.name} vulnerability {i + 1}")
                  for i, item in enumerate(entries))
    return Catalog(version, released, vulns, bundled_ranges() if ranges is None else ranges, path)


def _vulnerability(raw: Any, label: str) -> Vulnerability:
    item = table(raw, label, _VULN_KEYS, _VULN_OPTIONAL)
    cve = text(item, "cveID", label)
    if not _CVE.match(cve):
        raise fail(label, f"cveID {cve!r} is not a CVE id")
    return Vulnerability(cve, text(item, "vendorProject", label), text(item, "product", label),
                         text(item, "vulnerabilityName", label),
                         text(item, "requiredAction", label), text(item, "dateAdded", label),
                         text(item, "knownRansomwareCampaignUse", label, empty=True, default=""))


def read_ranges(path: Path) -> dict[str, tuple[Range, ...]]:
    """Affected version ranges by CVE id (our own compilation; CISA lists no versions)."""
    found: dict[str, list[Range]] = {}
    for i, raw in enumerate(tables(read_toml(path, path.name), "range", path.name)):
        label = f"{path.name} range {i + 1}"
        item = table(raw, label, ("cve", "fixed"), ("introduced", "note"))
        cve = text(item, "cve", label)
        if not _CVE.match(cve):
            raise fail(label, f"cve {cve!r} is not a CVE id")
        found.setdefault(cve, []).append(Range(text(item, "introduced", label, default="",
                                                    empty=True), text(item, "fixed", label)))
    return {cve: tuple(ranges) for cve, ranges in found.items()}


@cache
def bundled_ranges() -> Mapping[str, tuple[Range, ...]]:
    return read_ranges(resource("kev", RANGES_NAME))


def user_catalog_path() -> Path:
    """Where `kev update` keeps a newer catalogue a person loaded (the data folder)."""
    return data_dir() / "kev" / FILE_NAME


def load_catalog() -> Catalog:
    """The newer of the bundled catalogue and a person's loaded one (a broken one is ignored)."""
    bundled = read_catalog(resource("kev", FILE_NAME))
    try:
        loaded = user_catalog_path()
        if not loaded.is_file():
            return bundled
    except OSError:  # no data folder for this user (e.g. a service account): the bundled one
        return bundled
    try:
        mine = read_catalog(loaded)
    except DataFileError as exc:
        log.warning("ignoring the loaded KEV catalogue: %s", exc)
        return bundled
    return mine if mine.released >= bundled.released else bundled


@cache
def current_catalog() -> Catalog:
    """load_catalog(), read once per process (`kev update` clears it)."""
    return load_catalog()


def install_catalog(source: Path) -> Catalog:
    """Check the file at `source` strictly, then copy it into the data folder; the new one."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{source}: cannot read the file ({exc}).", UPDATE_HINT) from None
    target = user_catalog_path()
    own_private_dir(target.parent)
    checking = write_private(target.with_name(f".{FILE_NAME}.checking"), data)
    try:
        read_catalog(checking)  # the very bytes that are installed, checked strictly
    except DataFileError as exc:
        checking.unlink(missing_ok=True)
        raise DataFileError(exc.message.replace(checking.name, source.name), UPDATE_HINT) from None
    checking.replace(target)
    current_catalog.cache_clear()
    return read_catalog(target)


@dataclass(frozen=True, slots=True)
class CatalogUpdate:
    """What loading a catalogue file did: the file's catalogue and the one now in use."""

    loaded: Catalog
    in_use: Catalog
    installed: bool  # False: the file is older than the catalogue in use, which stays

    def describe(self) -> str:
        """Plain words: "Loaded the catalogue of 2026-11-20, 1,412 entries." or why not."""
        mine = f"the catalogue of {self.loaded.released[:10]}"
        if self.installed:
            return (f"Loaded {mine}, {len(self.loaded.vulnerabilities):,} entries "
                    f"(version {self.loaded.version}).")
        return (f"That file holds {mine}, older than the one in use (of "
                f"{self.in_use.released[:10]}, {len(self.in_use.vulnerabilities):,} entries), "
                "which stays in use.")


def update_catalog(source: Path) -> CatalogUpdate:
    """Check `source` strictly; install it unless it is older than the catalogue in use."""
    try:
        offered = read_catalog(source)
    except DataFileError as exc:
        raise DataFileError(exc.message, UPDATE_HINT) from None
    in_use = load_catalog()
    if offered.released < in_use.released:
        return CatalogUpdate(offered, in_use, installed=False)
    install_catalog(source)
    return CatalogUpdate(offered, load_catalog(), installed=True)


@lru_cache(maxsize=8192)  # bounded: fingerprint names come from the network
def words(name: str) -> tuple[str, ...]:
    """Lower-case words and numbers of a name: "DIR-859 Router" -> ("dir", "859", "router")."""
    return tuple(re.findall(r"[a-z0-9]+", name.lower()))


@lru_cache(maxsize=8192)
def model_words(name: str) -> tuple[str, ...]:
    """The words of a product name without generic device words."""
    return tuple(w for w in words(name) if w not in _GENERIC)


@lru_cache(maxsize=4096)
def product_names(vuln: Vulnerability) -> tuple[tuple[str, ...], ...]:
    """The models an entry names ("DCS-2530L and DCS-2670L Devices" names two); none if vague."""
    if any(v in f"{vuln.product.lower()} " for v in _VAGUE):
        return ()
    parts = re.split(r",| and | or |/", vuln.product)
    return tuple(n for n in (model_words(p) for p in parts) if n)


def cpe_names(cpe: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(vendor words, product words) of "cpe:/a:apache:http_server:2.4.49" (2.2 or 2.3)."""
    parts = cpe.removeprefix("cpe:2.3:").removeprefix("cpe:/").split(":")
    if len(parts) < 3 or not parts[1] or not parts[2] or parts[1] in ("*", "-"):
        return None
    return words(parts[1]), model_words(parts[2].replace("_", " "))


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key for versions: numbers compare as numbers, "2.4.9" < "2.4.49"."""
    return tuple((0, int(t)) if t.isdigit() else (1, t)
                 for t in re.findall(r"[0-9]+|[a-z]+", version.lower()))


def find_matches(catalog: Catalog, fingerprints: Iterable[Fingerprint]) -> list[Match]:
    """Every entry that fits a fingerprint by CPE or by vendor and product, never by vendor
    alone; entries whose known affected ranges exclude the fingerprint's version are left out."""
    found: dict[str, Match] = {}
    for fingerprint in fingerprints:
        cpe = cpe_names(fingerprint.cpe) if fingerprint.cpe else None
        vendors = {words(fingerprint.vendor), *((cpe[0],) if cpe else ())}
        for vuln in (v for vendor in vendors for v in catalog.by_vendor.get(vendor, ())):
            match = _match(vuln, fingerprint, catalog.ranges.get(vuln.cve, ()))
            if match and (vuln.cve not in found or _better(match, found[vuln.cve])):
                found[vuln.cve] = match
    return sorted(found.values(), key=lambda m: (not m.version_affected, m.vulnerability.cve))


def _better(new: Match, old: Match) -> bool:
    return (new.version_affected, new.by_cpe) > (old.version_affected, old.by_cpe)


def _match(vuln: Vulnerability, fingerprint: Fingerprint,
           ranges: tuple[Range, ...]) -> Match | None:
    names = product_names(vuln)
    if not names:
        return None
    cpe = cpe_names(fingerprint.cpe) if fingerprint.cpe else None
    by_cpe = bool(cpe and cpe[0] == words(vuln.vendor) and cpe[1] in names)
    by_name = (words(fingerprint.vendor) == words(vuln.vendor) and bool(words(vuln.vendor))
               and model_words(fingerprint.product) in names)
    if not (by_cpe or by_name):
        return None
    how = f"CPE {fingerprint.cpe}" if by_cpe else "vendor and product name"
    version = fingerprint.version
    if ranges and version:
        inside = [r for r in ranges if r.holds(version)]
        if not inside:
            return None  # a known version outside every affected range: not affected
        return Match(vuln, fingerprint, by_cpe, True,
                     f"{how}; version {version} is affected ({inside[0]})")
    if ranges:
        listed = "; ".join(str(r) for r in ranges)
        return Match(vuln, fingerprint, by_cpe, False,
                     f"{how}; version unknown (affected: {listed})")
    seen = f"version {version}" if version else "version unknown"
    return Match(vuln, fingerprint, by_cpe, False,
                 f"{how}; {seen}, not checked: CISA lists no affected versions")
