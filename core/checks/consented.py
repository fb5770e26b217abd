"""Consent-gated default-password checks: listed as not run without consent, bounded when run."""

from __future__ import annotations

import asyncio
import functools
import ssl
from dataclasses import dataclass
from pathlib import Path

from core.checks import credentials, logins
from core.checks.catalog import finding
from core.checks.credentials import DefaultLogin
from core.checks.net import Gate, NoAnswer
from core.checks.options import CheckOptions
from core.checks.probes import Observations
from core.models import Device, Finding

MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Target:
    """A place a default login could be tried."""

    service: str  # "http", "telnet", "rtsp", "snmp"
    port: int
    over_tls: bool = False

    @property
    def label(self) -> str:
        names = {"http": "HTTPS login" if self.over_tls else "HTTP login",
                 "telnet": "telnet login", "rtsp": "RTSP DESCRIBE",
                 "snmp": "SNMP v2c community"}
        return f"{names[self.service]} on {'UDP' if self.service == 'snmp' else 'TCP'} {self.port}"


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
    """Without consent: one info finding naming what was not run. With it: at most 3 tries."""
    places = targets(seen)
    if options.consent is None:
        listed = "; ".join(t.label for t in places)
        return [finding("credential-checks-not-run", f"not run (consent): {listed}")]
    consent = options.consent
    if not consent.covers(device.ip):
        return [finding("credential-checks-not-run", f"not run (the authorisation covers "
                        f"{consent.network or 'no network yet'}, not {device.ip})")]
    authority = consent.describe()
    known = credentials.for_device(device, _load(options.credentials_dir))
    limit = max(1, min(MAX_ATTEMPTS, options.credential_attempts))
    plan = [(t, lg) for lg in known for t in places if t.service in lg.services][:limit]
    for number, (target, login) in enumerate(plan):
        if number:
            await asyncio.sleep(options.credential_pace)
        outcome = await _attempt(device.ip, target, login, gate)
        if outcome and outcome.startswith(_DESCR):
            seen.texts.append(("snmp.sys_description", outcome[len(_DESCR):]))
            outcome = f"; sysDescr {outcome[len(_DESCR):][:80]!r}"
        if outcome is not None:
            # Never name the list, the login or how many were tried before it: with a list of
            # one login (or the attempt count), the working password could be inferred.
            return [finding("default-credentials-accepted",
                            f"{target.label} accepted one of the factory default logins "
                            f"tried{outcome} (which one is never recorded); "
                            f"check {authority}", None if target.service == "snmp"
                            else target.port)]
    if not plan:
        return []
    where = ", ".join(sorted({t.label for t, _ in plan}))
    return [finding("default-credentials-rejected", f"{len(plan)} default login(s) tried on "
                    f"{where}; none accepted; check {authority}")]


_DESCR = "\0sysDescr:"  # marks the SNMP answer inside _attempt's result


async def _attempt(ip: str, target: Target, login: DefaultLogin, gate: Gate) -> str | None:
    """None when refused (or no answer); otherwise extra evidence text (may be empty)."""
    try:
        if target.service == "http":
            ok = await logins.http_login(ip, target.port, target.over_tls, login, gate)
        elif target.service == "rtsp":
            ok = await logins.rtsp_login(ip, target.port, login, gate)
        elif target.service == "telnet":
            ok = await logins.telnet_login(ip, target.port, login, gate)
        else:
            descr = await logins.snmp_login(ip, login, gate.read_timeout)
            return f"{_DESCR}{descr}" if descr else None
    except (NoAnswer, OSError, ssl.SSLError, ValueError, TimeoutError):
        return None
    return "" if ok else None


@functools.lru_cache(maxsize=4)
def _load(folder: Path | None) -> tuple[credentials.VendorDefaults, ...]:
    return credentials.load(folder)
