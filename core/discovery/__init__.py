"""Discovery: interfaces, ARP (kernel table or raw), mDNS, SSDP/UPnP, names, vendor, models."""

from core.discovery.arp_raw import raw_permitted
from core.discovery.inventory import Inventory
from core.discovery.netif import (
    all_interfaces,
    default_interface,
    find_interface,
    list_interfaces,
)
from core.discovery.run import MODES, ScanRequest, choose_mode, run_discovery

__all__ = [
    "MODES",
    "Inventory",
    "ScanRequest",
    "all_interfaces",
    "choose_mode",
    "default_interface",
    "find_interface",
    "list_interfaces",
    "raw_permitted",
    "run_discovery",
]
