"""Certificates for the check lab: a lab CA, CA-signed, expired, weak-key and SHA-1 certificates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.UTC)


class LabCA:
    """A throw-away certificate authority that writes PEM files (key + cert) into a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.name = _name("IoT Hygiene Lab CA")
        self.cert = _builder(self.name, self.name, self.key.public_key(), NOW, 365).add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True,
        ).sign(self.key, hashes.SHA256())

    def issue(self, cn: str, ip: str = "", bits: int = 2048, days: int = 365,
              start: dt.datetime = NOW, algorithm: hashes.HashAlgorithm | None = None,
              self_signed: bool = False) -> Path:
        """A PEM (key then cert, then the CA when CA-signed) for `cn`."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        issuer, signer = (_name(cn), key) if self_signed else (self.name, self.key)
        builder = _builder(_name(cn), issuer, key.public_key(), start, days)
        if ip:
            import ipaddress
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
        cert = builder.sign(signer, algorithm or hashes.SHA256())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        pem += cert.public_bytes(serialization.Encoding.PEM)
        if not self_signed:
            pem += self.cert.public_bytes(serialization.Encoding.PEM)
        path = self.folder / f"cert-{cn}-{bits}-{days}.pem"
        path.write_bytes(pem)
        return path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _builder(subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey,
             start: dt.datetime, days: int) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days)))
