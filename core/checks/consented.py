"""Consent-gated default-password checks: listed as not run without consent, bounded when run."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from core.checks import attempts, credentials
from core.checks.attempts import PlaceOutcome, Result, Target
from core.checks.catalog import finding
from core.checks.net import Gate
from core.checks.options import CheckOptions
from core.checks.probes import Observations
from core.fingerprints.identify import fingerprint
from core.models import Device, Finding

MAX_ATTEMPTS = 3


def targets(seen: Observations) -> list[Target]:
    """Every login place this device showed: pages asking for a password, telnet, RTSP, SNMP."""
    found = [Target("http", port, over_tls) for port, (scheme, over_tls)
             in sorted(seen.auth.items()) if scheme in ("basic", "digest")]
    found += [Target(kind, port) for port, kind in sorted(seen.kinds.items())
              if kind in ("telnet", "rtsp") and port not in seen.silent]
    found.append(Target("snmp", 161))
    return found


async def run_consented(device: Device, options: CheckOptions, gate: Gate,
                        seen: Observations) -> list[Finding]:
    """Without consent: one info finding naming what was not run. With it: per login
    place at most 3 tries, vendor defaults first, stopping at the first accepted one."""
    places = targets(seen)
    if options.consent is None:
        listed = "; ".join(t.label for t in places)
        return [finding("credential-checks-not-run", f"not run (consent): {listed}")]
    consent = options.consent
    if not consent.covers(device.ip):
        return [finding("credential-checks-not-run", f"not run (the authorisation covers "
                        f"{consent.network or 'no network yet'}, not {device.ip})")]
    authority = consent.describe()
    known = credentials.for_device(device, _load(options.credentials_dir),
                                   _fingerprint_names(device, seen))
    limit = max(1, min(MAX_ATTEMPTS, options.credential_attempts))
    plans = [(t, credentials.for_service(known, t.service, limit)) for t in places]
    plans = [(t, tried) for t, tried in plans if tried]
    outcomes = await asyncio.gather(*(
        attempts.try_place(device.ip, target, planned, gate, options.credential_pace)
        for target, planned in plans))
    found = [f for o in outcomes if o.accepted
             for f in _accepted(o.target, o.accepted, authority, seen)]
    return found + _rejected([o for o in outcomes if not o.accepted and o.tried], authority)


def _accepted(target: Target, result: Result, authority: str,
              seen: Observations) -> list[Finding]:
    extra, found = "", []
    if target.service == "snmp":
        seen.texts.append(("snmp.sys_description", result.sys_descr))
        extra = f"; sysDescr {result.sys_descr[:80]!r}"
        found.append(finding("snmp-v1v2c-answering", f"UDP {target.port} answered an SNMP v2c "
                             f"GetRequest{extra}; the community string crosses the network "
                             "in clear text"))
    # Never name the list, the login or how many were tried before it: with a list of one
    # login (or the attempt count), the working password could be inferred.
    found.insert(0, finding("default-credentials-accepted",
                            f"{target.label} accepted one of the factory default logins "
                            f"tried{extra} (which one is never recorded); check {authority}",
                            None if target.service == "snmp" else target.port))
    return found


def _rejected(refused: list[PlaceOutcome], authority: str) -> list[Finding]:
    if not refused:
        return []
    where = ", ".join(f"{o.target.label} ({o.tried})" for o in refused)
    return [finding("default-credentials-rejected", f"{sum(o.tried for o in refused)} default "
                    f"login(s) tried on {where}; none accepted; check {authority}")]


def _fingerprint_names(device: Device, seen: Observations) -> list[str]:
    """Vendors and products that banners, headers and UPnP named (for picking vendor lists)."""
    return [f"{p.vendor} {p.product}" for p in fingerprint(device, seen.texts)]


@functools.lru_cache(maxsize=4)
def _load(folder: Path | None) -> tuple[credentials.VendorDefaults, ...]:
    return credentials.load(folder)
