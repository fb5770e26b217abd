"""Local IPv4 interfaces, the default one, and which network a scan may cover (sends nothing)."""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from typing import Any

from core.errors import (
    ConfirmationNeededError,
    InterfaceError,
    NetworkTooLargeError,
    TunnelInterfaceError,
)
from core.models import Interface

LARGEST_PREFIX = 16  # refuse anything bigger than a /16
CONFIRM_PREFIX = 22  # ask before scanning anything bigger than a /22
LAN_LINK_TYPES = ("ether",)  # Ethernet and Wi-Fi both report ARPHRD_ETHER ("ether", type 1)
# Kinds of virtual link that carry traffic somewhere else: a VPN, a tunnel, an overlay.
TUNNEL_KINDS = ("tun", "wireguard", "ipip", "gre", "gretap", "ip6gre", "ip6gretap", "sit", "vti",
                "vti6", "ip6tnl", "vxlan", "geneve", "l2tp", "ppp", "erspan", "bareudp", "xfrm")
TUNNEL_NAME_PREFIXES = ("utun", "ppp", "ipsec", "gif", "stf", "tun", "tap", "wg", "zt",
                        "tailscale")  # ifconfig (macOS/BSD) says nothing else about the link


def list_interfaces() -> tuple[Interface, ...]:
    """Interfaces a scan may use: local Ethernet/Wi-Fi links with IPv4 (default marked).

    VPN and tunnel interfaces are left out, and never the default, even when they carry the
    default route.
    """
    return tuple(i for i in all_interfaces() if not i.tunnel)


def all_interfaces() -> tuple[Interface, ...]:
    """Every non-loopback IPv4 address of this machine, tunnels included (marked)."""
    if sys.platform.startswith("linux") and shutil.which("ip"):
        addr_json = _run(["ip", "-j", "-d", "addr"])
        route_json = _run(["ip", "-j", "-4", "route", "show", "default"])
        return parse_ip_json(addr_json, route_json)
    if shutil.which("ifconfig"):
        route = _run(["route", "-n", "get", "default"]) if sys.platform == "darwin" else ""
        return parse_ifconfig(_run(["ifconfig"]), default_dev=_route_get_interface(route))
    return ()


def find_interface(name: str, cidr: str | None = None) -> Interface:
    """The interface called `name`; InterfaceError if missing or down.

    With several IPv4 addresses, the one whose network holds `cidr` (else the first) is used.
    """
    every = all_interfaces()
    matches = [i for i in every if i.name == name]
    matches.sort(key=lambda i: not _holds(i, cidr))
    known = ", ".join(sorted({i.name for i in every if not i.tunnel})) or "none"
    if not matches:
        raise InterfaceError(f"There is no network interface called {name!r} with an IPv4 "
                             "address.", f"Interfaces you can scan from: {known}.")
    if matches[0].tunnel:
        raise TunnelInterfaceError(
            f"{name} is {matches[0].tunnel}, not the local network: IoT Hygiene scans only "
            "the network a cable or Wi-Fi connects this computer to, so nothing is sent into a "
            "VPN or tunnel.", f"Interfaces you can scan from: {known}.")
    if not matches[0].is_up:
        raise InterfaceError(f"The network interface {name!r} is down.",
                             "Connect it (cable or Wi-Fi) and try again.")
    return matches[0]


def default_interface() -> Interface | None:
    """The LAN interface carrying the default route, else the first LAN one that is up.

    A VPN or tunnel is never chosen, even when the default route goes through it.
    """
    interfaces = list_interfaces()
    for iface in interfaces:
        if iface.is_default and iface.is_up:
            return iface
    return next((i for i in interfaces if i.is_up), None)


def scan_network(iface: Interface, cidr: str | None, confirm_large: bool) -> ipaddress.IPv4Network:
    """The network to scan: `cidr` (must lie inside iface's network) or iface's own network."""
    attached = ipaddress.IPv4Network(iface.network, strict=False)
    if cidr is None:
        network = attached
    else:
        try:
            network = ipaddress.IPv4Network(cidr.strip(), strict=False)
        except ValueError as error:
            raise InterfaceError(f"{cidr!r} is not an IPv4 network.",
                                 "Write it like 192.168.1.0/24.") from error
        if not network.subnet_of(attached):
            raise InterfaceError(
                f"{network} is not directly attached to {iface.name} ({attached}).",
                "Only the network the chosen interface is connected to can be scanned.")
    if network.prefixlen < LARGEST_PREFIX:
        raise NetworkTooLargeError(
            f"{network} has {network.num_addresses:,} addresses; the largest network "
            f"IoT Hygiene scans is a /{LARGEST_PREFIX}.", "Choose a smaller part of it.")
    if network.prefixlen < CONFIRM_PREFIX and not confirm_large:
        raise ConfirmationNeededError(
            f"{network} has {network.num_addresses:,} addresses; scanning it takes a while "
            "and sends traffic to all of them.", "Confirm to scan it anyway "
            "(command line: --yes-large-network).")
    return network


def _holds(iface: Interface, cidr: str | None) -> bool:
    try:
        wanted = ipaddress.IPv4Network((cidr or "").strip(), strict=False)
    except ValueError:
        return False
    return wanted.subnet_of(ipaddress.IPv4Network(iface.network))


def parse_ip_json(addr_json: str, route_json: str) -> tuple[Interface, ...]:
    """Interfaces from `ip -j -4 addr` and `ip -j -4 route show default` output."""
    default_devs = {r.get("dev") for r in _json_list(route_json)}
    found: list[Interface] = []
    for link in _json_list(addr_json):
        flags = link.get("flags", [])
        if "LOOPBACK" in flags or link.get("link_type") == "loopback":
            continue
        is_up = "UP" in flags and link.get("operstate", "UNKNOWN") != "DOWN"
        tunnel = link_tunnel(link)
        for info in link.get("addr_info", []):
            if info.get("family") != "inet" or info.get("scope") == "host":
                continue
            found.append(replace(_make(str(link.get("ifname", "")), str(info["local"]),
                                       int(info["prefixlen"]), str(link.get("address", "")),
                                       is_up, link.get("ifname") in default_devs),
                                 tunnel=tunnel))
    return tuple(found)


def link_tunnel(link: dict[str, Any]) -> str:
    """Plain words when an `ip -j -d` link is a VPN/tunnel or not Ethernet/Wi-Fi, else ""."""
    link_type = str(link.get("link_type", "") or _sysfs_type(str(link.get("ifname", ""))))
    info = link.get("linkinfo") if isinstance(link.get("linkinfo"), dict) else {}
    kind = str(info.get("info_kind", "")) if isinstance(info, dict) else ""
    if kind in TUNNEL_KINDS:
        data = info.get("info_data") if isinstance(info, dict) else None
        flavour = str(data.get("type", kind)) if isinstance(data, dict) else kind
        return f"a VPN or tunnel interface ({flavour})"
    if link_type and link_type not in LAN_LINK_TYPES:
        return f"a VPN or tunnel interface (link type {link_type or 'unknown'})"
    return ""


def _sysfs_type(name: str) -> str:
    """'ether' when /sys/class/net/NAME/type is 1 (ARPHRD_ETHER), else what it says."""
    if not name or "/" in name:
        return ""
    try:
        with open(f"/sys/class/net/{name}/type", encoding="ascii") as handle:
            value = handle.read().strip()
    except OSError:
        return ""
    return "ether" if value == "1" else f"type {value}"


_INET = re.compile(r"^\s+inet (\d+\.\d+\.\d+\.\d+)(?: --> \S+)? netmask "
                   r"(0x[0-9a-fA-F]+|[\d.]+)")


def parse_ifconfig(text: str, default_dev: str = "") -> tuple[Interface, ...]:
    """Interfaces from BSD/macOS `ifconfig` output (best-effort fallback outside Linux)."""
    found: list[Interface] = []
    name, mac, is_up = "", "", False
    for line in text.splitlines():
        header = re.match(r"^(\S+?):? flags=\d+<([^>]*)>", line)
        if header:
            name, mac = header.group(1), ""
            is_up = "UP" in header.group(2).split(",")
            continue
        ether = re.match(r"^\s+ether ([0-9a-fA-F:]{17})", line)
        if ether:
            mac = ether.group(1).lower()
            found = [_with_mac(i, mac) if i.name == name and not i.mac else i for i in found]
        inet = _INET.match(line)
        if inet and name and not inet.group(1).startswith("127."):
            mask = inet.group(2)
            prefix = bin(int(mask, 16)).count("1") if mask.startswith("0x") else \
                ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
            tunnel = "a VPN or tunnel interface" if name.startswith(TUNNEL_NAME_PREFIXES) else ""
            found.append(replace(_make(name, inet.group(1), prefix, mac, is_up,
                                       name == default_dev), tunnel=tunnel))
    return tuple(found)


def _make(name: str, ip: str, prefix: int, mac: str, is_up: bool, default: bool) -> Interface:
    network = ipaddress.IPv4Network(f"{ip}/{prefix}", strict=False)
    return Interface(name=name, ipv4=ip, prefix_len=prefix, network=str(network),
                     mac=mac.lower(), is_up=is_up, is_default=bool(default))


def _with_mac(iface: Interface, mac: str) -> Interface:
    return replace(iface, mac=mac.lower())


def _route_get_interface(text: str) -> str:
    match = re.search(r"interface:\s*(\S+)", text)
    return match.group(1) if match else ""


def _json_list(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _run(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout
