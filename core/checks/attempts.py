"""Default logins on one login place: paced, stopping at the first accepted or at silence."""

from __future__ import annotations

import asyncio
import enum
import ssl
from dataclasses import dataclass

from core.checks import logins
from core.checks.credentials import DefaultLogin
from core.checks.net import Gate, NoAnswer


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


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    SILENT = "silent"  # no answer in the login's protocol: trying more logins is pointless
    NOT_ASKED = "not asked"  # open without a login: no default to try


@dataclass(frozen=True, slots=True)
class Result:
    verdict: Verdict
    sys_descr: str = ""  # what an SNMP agent said when it accepted the community


@dataclass(frozen=True, slots=True)
class PlaceOutcome:
    """How one place went: how many logins were tried, and the accepted one's result."""

    target: Target
    tried: int
    accepted: Result | None = None


async def try_place(ip: str, target: Target, planned: list[DefaultLogin], gate: Gate,
                    pace: float) -> PlaceOutcome:
    """Try `planned` in order, `pace` seconds apart; stop at the first accepted or silence."""
    for number, login in enumerate(planned, 1):
        if number > 1:
            await asyncio.sleep(pace)
        result = await attempt(ip, target, login, gate)
        if result.verdict is Verdict.ACCEPTED:
            return PlaceOutcome(target, number, result)
        if result.verdict is Verdict.SILENT:
            return PlaceOutcome(target, number)
        if result.verdict is Verdict.NOT_ASKED:
            return PlaceOutcome(target, 0)
    return PlaceOutcome(target, len(planned))


async def attempt(ip: str, target: Target, login: DefaultLogin, gate: Gate) -> Result:
    """One login on `target`. An SNMP agent ignores a wrong community, so its silence is a
    refusal; any other place that stops answering is SILENT."""
    try:
        if target.service == "http":
            ok = await logins.http_login(ip, target.port, target.over_tls, login, gate)
        elif target.service == "rtsp":
            ok = await logins.rtsp_login(ip, target.port, login, gate)
        elif target.service == "telnet":
            ok = await logins.telnet_login(ip, target.port, login, gate)
        else:
            descr = await logins.snmp_login(ip, login, gate.read_timeout)
            return Result(Verdict.ACCEPTED, descr) if descr else Result(Verdict.REFUSED)
    except logins.LoginNotAsked:
        return Result(Verdict.NOT_ASKED)
    except (NoAnswer, OSError, ssl.SSLError, ValueError, TimeoutError):
        return Result(Verdict.SILENT)
    return Result(Verdict.ACCEPTED if ok else Verdict.REFUSED)
