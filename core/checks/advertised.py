"""Checks on what the device advertised (mDNS TXT, UPnP description) and on bare open ports."""

from __future__ import annotations

from core.checks.catalog import finding
from core.models import Device, Finding

IGD_MARKERS = ("internetgatewaydevice", "wanipconnection", "wanpppconnection")
WPS_MARKERS = ("wfadevice", "wfawlanconfig")
# Ports whose mere openness is the finding (the protocol is checked nowhere else).
PORT_FINDINGS = {
    445: ("smb-open", "Windows file sharing (SMB)"),
    3389: ("rdp-open", "Remote desktop (RDP)"),
    5555: ("adb-open", "Android debug bridge (ADB)"),
    7547: ("tr069-open", "TR-069 (CWMP) remote management"),
    9100: ("raw-print-open", "raw printing (JetDirect)"),
}


def check_advertised(device: Device) -> list[Finding]:
    """Findings from the device's own advertisements: no traffic is sent."""
    return [*_upnp(device), *_homekit(device)]


def check_bare_ports(open_ports: tuple[int, ...]) -> list[Finding]:
    return [finding(fid, f"TCP {port} ({what}) accepted a connection", port)
            for port, (fid, what) in sorted(PORT_FINDINGS.items()) if port in open_ports]


def _upnp(device: Device) -> list[Finding]:
    upnp = device.upnp
    if upnp is None:
        return []
    urns = [upnp.device_type, *upnp.services]
    found: list[Finding] = []
    igd = [u for u in urns if any(m in u.lower() for m in IGD_MARKERS)]
    if igd:
        found.append(finding("upnp-igd", f"UPnP description {upnp.location} lists "
                             f"{', '.join(igd[:3])}"))
    wps = [u for u in urns if any(m in u.lower() for m in WPS_MARKERS)]
    if wps:
        found.append(finding("wps-advertised", f"UPnP description {upnp.location} lists "
                             f"{', '.join(wps[:3])}"))
    return found


def _homekit(device: Device) -> list[Finding]:
    found: list[Finding] = []
    for service in device.services:
        if service.type.startswith("_hap.") and service.txt_dict().get("sf", "").strip() == "1":
            txt = service.txt_dict()
            model = f", model {txt['md']!r}" if txt.get("md") else ""
            found.append(finding("homekit-unpaired", f"mDNS {service.type} {service.name!r} on "
                                 f"port {service.port}: TXT sf=1 (not paired){model}",
                                 service.port or None))
    return found
