"""Checks a careful contractor reports, against 127.0.0.1 listeners: old TLS accepted, ..."""

from __future__ import annotations

import asyncio
import ssl
import warnings
from pathlib import Path

import pytest

from core.checks import probes
from core.checks.net import Gate
from core.models import Finding
from tests.core.test_checks_parsers import _certificate, _greeter, _serve


def _tls_server(pem: Path, lowest: ssl.TLSVersion) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = lowest
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.load_cert_chain(pem)
    return context


def _tls_findings(context: ssl.SSLContext) -> list[Finding]:
    async def probe(port: int, gate: Gate) -> list[Finding]:
        return await probes.check_tls("127.0.0.1", port, gate, probes.Observations(), False)
    found = asyncio.run(_serve(_greeter(b""), probe, context))
    assert isinstance(found, list)
    return found


@pytest.mark.parametrize(("lowest", "accepted"), [
    (ssl.TLSVersion.TLSv1, "TLS 1.0 or only TLS 1.1"),
    (ssl.TLSVersion.TLSv1_1, "only TLS 1.1"),
])
def test_a_modern_server_that_still_accepts_old_tls_is_a_finding(
        tmp_path: Path, lowest: ssl.TLSVersion, accepted: str) -> None:
    found = _tls_findings(_tls_server(_certificate(tmp_path, 2048, 365), lowest))
    ids = [f.id for f in found]
    assert "tls-old-protocol" not in ids  # the best handshake is modern
    (old,) = [f for f in found if f.id == "tls-accepts-old-version"]
    assert old.severity.value == "medium" and accepted in old.evidence


def test_a_server_without_old_tls_is_no_finding(tmp_path: Path) -> None:
    found = _tls_findings(_tls_server(_certificate(tmp_path, 2048, 365), ssl.TLSVersion.TLSv1_2))
    assert "tls-accepts-old-version" not in [f.id for f in found]
    assert "tls-certificate" in [f.id for f in found]
