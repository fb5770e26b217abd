"""Consent-gated default-password checks: listed as not run without consent, bounded when run."""

from __future__ import annotations

from core.checks.catalog import finding
from core.checks.net import Gate
from core.checks.options import CheckOptions
from core.checks.probes import Observations
from core.models import Device, Finding


def candidates(device: Device, seen: Observations) -> list[str]:
    """The password tests that would apply to this device, in words."""
    found = [f"HTTP {scheme.capitalize()} login on port {port}"
             for port, (scheme, _) in sorted(seen.auth.items()) if scheme in ("basic", "digest")]
    found += [f"telnet login on port {p}" for p, k in sorted(seen.kinds.items()) if k == "telnet"]
    found += [f"RTSP DESCRIBE on port {p}" for p, k in sorted(seen.kinds.items()) if k == "rtsp"]
    found.append("SNMP community 'public' (UDP 161)")
    return found


async def run_consented(device: Device, options: CheckOptions, gate: Gate,
                        seen: Observations) -> list[Finding]:
    """Without consent: one info finding naming what was not run."""
    if options.consent is None:
        listed = "; ".join(candidates(device, seen))
        return [finding("credential-checks-not-run", f"not run (consent): {listed}")]
    return []
