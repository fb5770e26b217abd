"""How checks run: consent for password tests, timeouts, budgets and connection limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from core.checks.ports import DEFAULT_PORTS
from core.errors import ConsentRequiredError


@dataclass(frozen=True)
class Consent:
    """A person's explicit authorisation to try default passwords on one site's network."""

    authorised_by: str
    site: str
    network: str
    at: str  # ISO 8601 UTC

    def describe(self) -> str:
        return f"authorised by {self.authorised_by} for {self.site} ({self.network}) at {self.at}"


@dataclass(frozen=True)
class CheckOptions:
    """Knobs for run_checks; the defaults are the harmless checks only."""

    consent: Consent | None = None
    connect_timeout: float = 1.0
    silent_timeout: float = 0.6  # the quick first probe: a host answering none is not waited on
    device_budget: float = 8.0
    max_connections: int = 128
    read_timeout: float = 2.0
    per_device_connections: int = 24
    ports: tuple[int, ...] = DEFAULT_PORTS
    credentials_dir: Path | None = None  # None: the bundled resources/credentials
    credential_attempts: int = 3  # per device, at most
    credential_pace: float = 0.5  # seconds between two attempts on one device


def consent_from_cli(name: str, site: str, network: str) -> Consent:
    """A Consent from the CLI's --authorize-credential-checks NAME, stamped now (UTC)."""
    who = " ".join(name.split())
    if not who:
        raise ConsentRequiredError("Default-password checks need the name of the person who "
                                   "authorised them.", "Pass --authorize-credential-checks NAME.")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Consent(authorised_by=who[:120], site=site, network=network, at=now)
