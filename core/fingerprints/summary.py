"""The model and firmware a person should read for a device, from discovery and fingerprints."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Device, Fingerprint

DEVICE_SAID = "the device named it itself"
PATTERN = "a Recog pattern matched what the device sent"
DISCOVERY = "identification rules on what discovery heard"


@dataclass(frozen=True, slots=True)
class Identity:
    """Model and firmware in plain words, each with where it came from and how sure it is."""

    model: str = ""
    firmware: str = ""
    model_source: str = ""  # e.g. "upnp 'TP-Link' 'Archer C7'" (the fingerprint's evidence)
    firmware_source: str = ""
    model_precision: str = ""  # DEVICE_SAID, PATTERN or DISCOVERY
    firmware_precision: str = ""

    @property
    def known(self) -> bool:
        return bool(self.model or self.firmware)

    def line(self) -> str:
        """"Archer C7, firmware 1.0.9" (what a table cell shows)."""
        if self.model and self.firmware:
            return f"{self.model}, firmware {self.firmware}"
        return self.model or (f"firmware {self.firmware}" if self.firmware else "")

    def explained(self) -> str:
        """Each part with its source and precision, for a report or a tooltip."""
        parts = []
        if self.model:
            parts.append(f"model {self.model} ({self.model_precision}: {self.model_source})")
        if self.firmware:
            parts.append(f"firmware {self.firmware} ({self.firmware_precision}: "
                         f"{self.firmware_source})")
        return "; ".join(parts)


def model_and_firmware(device: Device) -> tuple[str, str]:
    """(model, firmware): discovery's model first, else the hardware fingerprint; the UPnP
    firmware first, else the hardware's version, else the operating system's product and version
    (e.g. "RouterOS 6.40.4"). Empty strings when nothing said."""
    found = identity(device)
    return found.model, found.firmware


def identity(device: Device) -> Identity:
    """The device's model and firmware (see model_and_firmware), with sources and precision."""
    hw = _first(device, "hw")
    model, model_source, model_precision = _model(device, hw)
    firmware, source, precision = _firmware(device, hw)
    return Identity(model, firmware, model_source, source, model_precision, precision)


def _model(device: Device, hw: Fingerprint | None) -> tuple[str, str, str]:
    if device.model:
        said = hw and hw.product and hw.product.lower() in device.model.lower()
        if said and hw:
            return device.model, hw.evidence, _precision(hw)
        return device.model, f"sources: {', '.join(device.sources) or 'discovery'}", DISCOVERY
    if hw:
        return " ".join(filter(None, (hw.vendor, hw.product))), hw.evidence, _precision(hw)
    return "", "", ""


def _firmware(device: Device, hw: Fingerprint | None) -> tuple[str, str, str]:
    upnp = device.upnp
    if upnp and upnp.firmware:
        return upnp.firmware, f"upnp firmware {upnp.firmware!r}", DEVICE_SAID
    if hw and hw.version:
        return hw.version, hw.evidence, _precision(hw)
    system = _first(device, "os", versioned=True)
    if system:
        return f"{system.product} {system.version}".strip(), system.evidence, _precision(system)
    return "", "", ""


def _precision(fingerprint: Fingerprint) -> str:
    said = fingerprint.evidence.startswith(("upnp ", "wsd "))
    return DEVICE_SAID if said else PATTERN


def _first(device: Device, part: str, versioned: bool = False) -> Fingerprint | None:
    return next((f for f in device.fingerprints if f.part == part and f.product
                 and (f.version or not versioned)), None)
