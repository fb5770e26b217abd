"""Placement by network role: which devices belong on the site's work, home and guest networks."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from core.datafiles.findings import entry
from core.models import Category, Device, Finding, Tag

HOME_ON_WORK = "home-device-on-work-network"
GUEST_ON_WORK = "guest-device-on-work-network"
CONSUMER_ON_WORK = "consumer-device-on-work-network"
WORK_ON_GUEST = "work-device-on-guest-network"
GUEST_ON_HOME = "guest-device-on-home-network"
FINDING_IDS: tuple[str, ...] = (HOME_ON_WORK, GUEST_ON_WORK, CONSUMER_ON_WORK, WORK_ON_GUEST,
                                GUEST_ON_HOME)
ROLES: tuple[str, ...] = ("work", "home", "guest")
ROLE_WORDS = {"work": "a work network", "home": "a home network", "guest": "a guest network"}

# Categories that are usually someone's personal device (phone, speaker, TV, game console).
CONSUMER_CATEGORIES: frozenset[Category] = frozenset({Category.PHONE, Category.MEDIA})


def placement_findings(
    device: Device, tag: Tag, site_work_networks: Sequence[str],
    network_roles: Mapping[str, str] | None = None,
) -> tuple[Finding, ...]:
    """The separation finding for `device`, from the role of the network it sits on.

    On a work network: a device tagged home or guest gives a medium finding; an untagged phone
    or media device (a likely personal device) a low one asking the user to confirm what it is.
    On a guest network: a device tagged work gives a medium finding. On a home network: a
    device tagged guest gives a low one. Home devices on a home network, and anything on a
    guest network that is not work, are fine. `network_roles` maps networks to "work", "home"
    or "guest"; `site_work_networks` are work networks too (work wins a clash). Entries that
    are not valid addresses or ranges are ignored. Severity, title, fix and references come
    from resources/findings.toml.
    """
    roles = {**(network_roles or {}), **dict.fromkeys(site_work_networks, "work")}
    found = _network_of(device, roles)
    if found is None:
        return ()
    network, role = found
    where = f"{device.ip or device.mac} is on {network}, which this site marks as " \
        f"{ROLE_WORDS[role]}"
    if role == "work":
        if tag is Tag.HOME:
            return (entry(HOME_ON_WORK).with_evidence(f"Tagged as a home device, but {where}."),)
        if tag is Tag.GUEST:
            return (entry(GUEST_ON_WORK).with_evidence(
                f"Tagged as a guest's device, but {where}."),)
        if tag is Tag.UNKNOWN and device.category in CONSUMER_CATEGORIES:
            return (_consumer_finding(where, device.category),)
    elif role == "guest" and tag is Tag.WORK:
        return (entry(WORK_ON_GUEST).with_evidence(f"Tagged as a work device, but {where}."),)
    elif role == "home" and tag is Tag.GUEST:
        return (entry(GUEST_ON_HOME).with_evidence(f"Tagged as a guest's device, but {where}."),)
    return ()


def _network_of(device: Device, roles: Mapping[str, str]) -> tuple[str, str] | None:
    """The first network (work before guest before home) holding one of the device's addresses."""
    networks = []
    order = {"work": 0, "guest": 1, "home": 2}
    for text, role in sorted(roles.items(), key=lambda pair: order.get(pair[1], 3)):
        if role not in ROLES:
            continue
        try:
            networks.append((ipaddress.ip_network(text.strip(), strict=False), role))
        except ValueError:
            continue
    for ip_text in device.ips:
        try:
            address = ipaddress.ip_address(ip_text)
        except ValueError:
            continue
        for network, role in networks:
            if address.version == network.version and address in network:
                return str(network), role
    return None


def _consumer_finding(where: str, category: Category) -> Finding:
    kind = "phone or tablet" if category is Category.PHONE else "speaker, TV or game console"
    evidence = f"This looks like a {kind} and has no tag yet; {where}."
    return entry(CONSUMER_ON_WORK).with_evidence(evidence)
