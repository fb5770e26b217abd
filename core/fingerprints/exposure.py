"""Findings for a device's fingerprints that match CISA's known-exploited catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.datafiles.findings import entry
from core.fingerprints.kev import Catalog, Match, current_catalog, find_matches
from core.models import Finding, Fingerprint
from core.text import clean_text

KEV_FINDING_IDS = ("known-exploited-vulnerability", "known-exploited-vulnerability-possible")
MAX_FINDINGS = 8  # per device; the last one says how many more entries matched
EVIDENCE_LIMIT = 900
_CVE = re.compile(r"\bCVE-[0-9]{4}-[0-9]{4,19}\b")


def kev_findings(fingerprints: Iterable[Fingerprint],
                 catalog: Catalog | None = None) -> list[Finding]:
    """One finding per matching catalogue entry (worst first, at most MAX_FINDINGS)."""
    prints = tuple(fingerprints)
    if not prints:
        return []
    catalog = catalog or current_catalog()
    matches = find_matches(catalog, prints)
    found = [_finding(m, catalog) for m in matches[:MAX_FINDINGS]]
    if len(matches) > MAX_FINDINGS:
        last = found[-1]
        more = f"; {len(matches) - MAX_FINDINGS} more catalogue entries match this device"
        found[-1] = entry(last.id).with_evidence(last.evidence + more)
    return found


def cve_ids(finding: Finding) -> tuple[str, ...]:
    """The CVE ids a known-exploited finding names (none for any other finding)."""
    if finding.id not in KEV_FINDING_IDS:
        return ()
    return tuple(dict.fromkeys(_CVE.findall(finding.evidence)))


def describe(match: Match, catalog: Catalog) -> str:
    """Plain evidence: CVE, what was seen, how precise the match is, CISA's action, version."""
    vuln, seen = match.vulnerability, match.fingerprint
    named = " ".join(filter(None, (seen.vendor, seen.product, seen.version)))
    text = (f"{vuln.cve} ({vuln.name}) in {vuln.vendor} {vuln.product}; this device: {named} "
            f"from {seen.evidence}; match: {match.precision}; CISA's required action: "
            f"{vuln.required_action}")
    if vuln.ransomware.lower() == "known":
        text += "; used in ransomware campaigns"
    return f"{text}; KEV catalogue {catalog.version}"


def _finding(match: Match, catalog: Catalog) -> Finding:
    finding_id = ("known-exploited-vulnerability" if match.version_affected
                  else "known-exploited-vulnerability-possible")
    return entry(finding_id).with_evidence(clean_text(describe(match, catalog), EVIDENCE_LIMIT))
