"""The model and firmware a person should read for a device, from discovery and fingerprints."""

from __future__ import annotations

from core.models import Device, Fingerprint


def model_and_firmware(device: Device) -> tuple[str, str]:
    """(model, firmware): discovery's model first, else the hardware fingerprint; the UPnP
    firmware first, else the hardware's version, else the operating system's product and version
    (e.g. "RouterOS 6.40.4"). Empty strings when nothing said."""
    hw = _first(device, "hw")
    model = device.model or (" ".join(filter(None, (hw.vendor, hw.product))) if hw else "")
    if device.upnp and device.upnp.firmware:
        return model, device.upnp.firmware
    if hw and hw.version:
        return model, hw.version
    system = _first(device, "os", versioned=True)
    return model, (f"{system.product} {system.version}".strip() if system else "")


def _first(device: Device, part: str, versioned: bool = False) -> Fingerprint | None:
    return next((f for f in device.fingerprints if f.part == part and f.product
                 and (f.version or not versioned)), None)
