"""How checks run: consent for password tests, timeouts, budgets and connection limits."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from core.checks.ports import DEFAULT_PORTS
from core.errors import ConsentRequiredError


@dataclass(frozen=True)
class Consent:
    """A person's explicit authorisation to try default passwords on one network, for one scan."""

    authorised_by: str
    site: str
    network: str  # a CIDR; "" until bound to the network the scan actually covers
    at: str  # ISO 8601 UTC
    scan_uid: str = ""  # the scan it covers
    record_id: int | None = None  # its consent record in the store, once written

    def describe(self) -> str:
        return f"authorised by {self.authorised_by} for {self.site} ({self.network}) at {self.at}"

    def covers(self, ip: str) -> bool:
        """Whether `ip` lies inside the authorised network (never when it is unbound)."""
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(self.network, strict=False)
        except ValueError:
            return False


# Called once, before the first default-password attempt, with the consent bound to the network
# actually scanned; returns it as recorded (e.g. with record_id). Raising stops the scan.
ConsentStart = Callable[[Consent], Consent]


@dataclass(frozen=True)
class CheckOptions:
    """Knobs for run_checks; the defaults are the harmless checks only."""

    consent: Consent | None = None
    on_consent_start: ConsentStart | None = None  # records the consent before any attempt
    connect_timeout: float = 1.0
    silent_timeout: float = 0.6  # the quick first probe: a host answering none is not waited on
    device_budget: float = 8.0
    max_connections: int = 128
    read_timeout: float = 2.0
    per_device_connections: int = 24
    ports: tuple[int, ...] = DEFAULT_PORTS
    credentials_dir: Path | None = None  # None: the bundled resources/credentials
    credential_attempts: int = 3  # per login place (service on a port), at most
    credential_pace: float = 0.5  # seconds between two attempts on one device
    thorough: bool = False  # also sweep the 1,000 most common TCP ports (resources/ports)
    thorough_timeout: float = 0.5  # first connect; a silent port is retried with connect_timeout
    thorough_per_device: int = 1024  # sockets one device's sweep may hold (SYNs, no data)
    thorough_connections: int = 2048  # sockets all sweeps together may hold
    thorough_budget: float = 30.0  # a device's budget in a thorough scan (instead of 8 s)


def bind_consent(options: CheckOptions | None, network: str) -> CheckOptions | None:
    """The options for checking `network`: the consent bound to it and recorded, or dropped.

    A consent given for another network does not carry over (the network changed): the checks
    then run without it, and the password checks are listed as not run.
    """
    if options is None or options.consent is None:
        return options
    consent = options.consent
    actual = _canonical(network)
    if not actual or (consent.network and _canonical(consent.network) != actual):
        return replace(options, consent=None)
    bound = replace(consent, network=actual)
    if options.on_consent_start is not None:
        bound = options.on_consent_start(bound)
    return replace(options, consent=bound)


def _canonical(network: str) -> str:
    try:
        return str(ipaddress.ip_network(network.strip(), strict=False))
    except ValueError:
        return ""


def consent_from_cli(name: str, site: str, network: str) -> Consent:
    """A Consent from the CLI's --authorize-credential-checks NAME, stamped now (UTC)."""
    who = " ".join(name.split())
    if not who:
        raise ConsentRequiredError("Default-password checks need the name of the person who "
                                   "authorised them.", "Pass --authorize-credential-checks NAME.")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Consent(authorised_by=who[:120], site=site, network=network, at=now)
