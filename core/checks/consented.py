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
from core.fingerprints.identify import fingerprint
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
    found: list[Finding] = []
    refused: list[tuple[Target, int]] = []
    paced = _Pacer(options.credential_pace)
    for target, tried in plans:
        outcome = await _first_accepted(device.ip, target, tried, gate, paced)
        if outcome is None:
            refused.append((target, len(tried)))
        else:
            found.append(_accepted(target, outcome, authority, seen))
    return found + _rejected(refused, authority)


class _Pacer:
    """Waits `pace` seconds before every attempt on a device but the first."""

    def __init__(self, pace: float) -> None:
        self.pace, self.started = pace, False

    async def next(self) -> None:
        if self.started:
            await asyncio.sleep(self.pace)
        self.started = True


async def _first_accepted(ip: str, target: Target, tried: list[DefaultLogin], gate: Gate,
                          paced: _Pacer) -> str | None:
    """The evidence of the first login `target` accepts (the rest are not tried), else None."""
    for login in tried:
        await paced.next()
        outcome = await _attempt(ip, target, login, gate)
        if outcome is not None:
            return outcome
    return None


def _accepted(target: Target, outcome: str, authority: str, seen: Observations) -> Finding:
    if outcome.startswith(_DESCR):
        seen.texts.append(("snmp.sys_description", outcome[len(_DESCR):]))
        outcome = f"; sysDescr {outcome[len(_DESCR):][:80]!r}"
    # Never name the list, the login or how many were tried before it: with a list of one
    # login (or the attempt count), the working password could be inferred.
    return finding("default-credentials-accepted",
                   f"{target.label} accepted one of the factory default logins tried{outcome} "
                   f"(which one is never recorded); check {authority}",
                   None if target.service == "snmp" else target.port)


def _rejected(refused: list[tuple[Target, int]], authority: str) -> list[Finding]:
    if not refused:
        return []
    where = ", ".join(f"{t.label} ({n})" for t, n in refused)
    return [finding("default-credentials-rejected", f"{sum(n for _, n in refused)} default "
                    f"login(s) tried on {where}; none accepted; check {authority}")]


def _fingerprint_names(device: Device, seen: Observations) -> list[str]:
    """Vendors and products that banners, headers and UPnP named (for picking vendor lists)."""
    return [f"{p.vendor} {p.product}" for p in fingerprint(device, seen.texts)]


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
