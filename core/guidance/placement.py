"""Home-vs-work separation: findings for home, guest or consumer devices on a work network."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from core.datafiles.findings import entry
from core.models import Category, Device, Finding, Tag

HOME_ON_WORK = "home-device-on-work-network"
GUEST_ON_WORK = "guest-device-on-work-network"
CONSUMER_ON_WORK = "consumer-device-on-work-network"
FINDING_IDS: tuple[str, ...] = (HOME_ON_WORK, GUEST_ON_WORK, CONSUMER_ON_WORK)

# Categories that are usually someone's personal device (phone, speaker, TV, game console).
CONSUMER_CATEGORIES: frozenset[Category] = frozenset({Category.PHONE, Category.MEDIA})


def placement_findings(
    device: Device, tag: Tag, site_work_networks: Sequence[str]
) -> tuple[Finding, ...]:
    """The separation finding for `device`, if it sits on a network the site marks as work.

    A device tagged home or guest gives a medium finding; an untagged phone or media device
    (a likely personal device) gives a low one asking the user to confirm what it is.
    Work-network entries that are not valid addresses or ranges are ignored.
    Severity, title, fix and references come from resources/findings.toml.
    """
    network = _work_network_of(device, site_work_networks)
    if network is None:
        return ()
    where = f"{device.ip or device.mac} is on {network}, which this site marks as a work network"
    if tag is Tag.HOME:
        return (entry(HOME_ON_WORK).with_evidence(f"Tagged as a home device, but {where}."),)
    if tag is Tag.GUEST:
        return (entry(GUEST_ON_WORK).with_evidence(f"Tagged as a guest's device, but {where}."),)
    if tag is Tag.UNKNOWN and device.category in CONSUMER_CATEGORIES:
        return (_consumer_finding(where, device.category),)
    return ()


def _work_network_of(device: Device, site_work_networks: Sequence[str]) -> str | None:
    networks = []
    for text in site_work_networks:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            continue
    for ip_text in device.ips:
        try:
            address = ipaddress.ip_address(ip_text)
        except ValueError:
            continue
        for network in networks:
            if address.version == network.version and address in network:
                return str(network)
    return None


def _consumer_finding(where: str, category: Category) -> Finding:
    kind = "phone or tablet" if category is Category.PHONE else "speaker, TV or game console"
    evidence = f"This looks like a {kind} and has no tag yet; {where}."
    return entry(CONSUMER_ON_WORK).with_evidence(evidence)
