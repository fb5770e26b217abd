"""TLS check: handshake with a permissive context and judge the certificate and protocol version."""

from __future__ import annotations

import datetime as dt
import hashlib
import ssl
import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

from core.checks.catalog import finding
from core.checks.net import Gate, NoAnswer, open_stream
from core.models import Finding

OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
WEAK_HASHES = ("sha1", "md5", "md2", "md4")
OLD_OFFERS = ((ssl.TLSVersion.TLSv1, "TLSv1", "TLS 1.0"),
              (ssl.TLSVersion.TLSv1_1, "TLSv1.1", "TLS 1.1"))


@dataclass(frozen=True, slots=True)
class CertFacts:
    """What a person may want to verify about a certificate."""

    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str
    key: str  # "RSA 2048", "EC secp256r1 256"
    key_bits: int
    key_is_rsa_or_dsa: bool
    signature_hash: str  # "sha256", "sha1", "" when unknown
    self_signed: bool


def permissive_context() -> ssl.SSLContext:
    """A client context that talks to old devices (TLS 1.0, weak keys) and never verifies."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # deliberately old: reading old devices is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def only_version_context(version: ssl.TLSVersion) -> ssl.SSLContext:
    """A client context that offers exactly `version` (old ones need OpenSSL security level 0)."""
    context = permissive_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version
        context.maximum_version = version
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


async def old_versions_accepted(ip: str, port: int, gate: Gate) -> list[str]:
    """Which of TLS 1.0 and 1.1 the server accepts when a client offers only that version."""
    accepted = []
    for version, name, shown in OLD_OFFERS:
        try:
            async with open_stream(ip, port, gate, tls=only_version_context(version)) as (_, w):
                agreed = w.get_extra_info("ssl_object").version()
        except (ssl.SSLError, NoAnswer, OSError, ValueError):
            continue
        if agreed == name:
            accepted.append(shown)
    return accepted


def cert_facts(der: bytes) -> CertFacts:
    """Facts from the DER certificate (raises ValueError for garbage)."""
    with warnings.catch_warnings():  # odd certificates (negative serials...) are the norm here
        warnings.simplefilter("ignore")
        cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    bits, name = 0, type(key).__name__
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey):
        bits, name = key.key_size, "RSA" if isinstance(key, rsa.RSAPublicKey) else "DSA"
    elif isinstance(key, ec.EllipticCurvePublicKey):
        bits, name = key.curve.key_size, f"EC {key.curve.name}"
    try:
        algorithm = cert.signature_hash_algorithm
        sig_hash = algorithm.name if algorithm else ""
    except Exception:  # unknown or unsupported signature algorithm
        sig_hash = ""
    return CertFacts(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        sha256=hashlib.sha256(der).hexdigest(), key=f"{name} {bits}".strip(), key_bits=bits,
        key_is_rsa_or_dsa=name in ("RSA", "DSA"), signature_hash=sig_hash,
        self_signed=cert.issuer == cert.subject,
    )


def judge(facts: CertFacts, version: str, port: int,
          now: dt.datetime | None = None) -> list[Finding]:
    """Findings for a certificate and negotiated protocol, each with evidence to verify."""
    now = now or dt.datetime.now(dt.UTC)
    found = [finding("tls-certificate", describe(facts, version), port)]
    if version in OLD_PROTOCOLS:
        found.append(finding("tls-old-protocol",
                             f"port {port}: the best protocol the device agreed to was {version}",
                             port))
    if now > facts.not_after:
        found.append(finding("tls-expired", f"port {port}: certificate expired "
                             f"{facts.not_after:%Y-%m-%d %H:%M} UTC ({facts.subject})", port))
    elif now < facts.not_before:
        found.append(finding("tls-expired", f"port {port}: certificate not valid before "
                             f"{facts.not_before:%Y-%m-%d %H:%M} UTC ({facts.subject})", port))
    if facts.self_signed:
        found.append(finding("tls-self-signed", f"port {port}: issuer equals subject "
                             f"({facts.subject}); SHA-256 {facts.sha256}", port))
    weak = facts.key_bits and facts.key_bits < (2048 if facts.key_is_rsa_or_dsa else 224)
    if weak:
        found.append(finding("tls-weak-key", f"port {port}: certificate key is {facts.key} bits",
                             port))
    if facts.signature_hash in WEAK_HASHES:
        found.append(finding("tls-sha1-signature", f"port {port}: certificate signed with "
                             f"{facts.signature_hash.upper()}", port))
    return found


def describe(facts: CertFacts, version: str) -> str:
    return (f"{version}; subject {facts.subject}; issuer {facts.issuer}; valid "
            f"{facts.not_before:%Y-%m-%d} to {facts.not_after:%Y-%m-%d}; key {facts.key}; "
            f"signature {facts.signature_hash or 'unknown'}; SHA-256 {facts.sha256}")
