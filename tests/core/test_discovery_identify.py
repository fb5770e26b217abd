"""Vendor names from the OUI registry, category/model rules, and merging into one device per MAC."""

from __future__ import annotations

import ipaddress

from core.discovery import identify, oui
from core.discovery.identify import Facts
from core.discovery.inventory import Inventory
from core.discovery.mdns import INSTANCES_PER_RESPONDER
from core.models import ArpEntry, Category, Interface, MdnsService, UpnpInfo

NET = ipaddress.IPv4Network("10.0.0.0/24")


def test_registry_names_are_shortened_to_friendly_vendors() -> None:
    assert oui.registry_org("c0:56:e3:00:00:01") == \
        "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert oui.vendor_for_mac("c0:56:e3:00:00:01") == "Hikvision"
    assert oui.vendor_for_mac("00:14:22:00:00:01") == "Dell"
    assert oui.friendly_vendor("Shenzhen Widget Technology Co., Ltd.") == "Shenzhen Widget"
    assert oui.friendly_vendor("ACME GmbH & Co. KG") == "ACME"
    assert oui.friendly_vendor("") == ""


def test_random_macs_have_no_vendor() -> None:
    assert oui.is_random_mac("da:a1:19:10:00:15")
    assert not oui.is_random_mac("3c:d9:2b:10:00:10")
    assert oui.vendor_for_mac("da:a1:19:10:00:15") == ""
    assert oui.vendor_for_mac("not-a-mac") == ""


def _svc(type_: str, txt: dict[str, str] | None = None, ip: str = "10.0.0.5") -> MdnsService:
    return MdnsService(type_, "Thing", 80, "thing.local.", (ip,), tuple((txt or {}).items()))


def test_printer_from_ipp_with_model_from_ty() -> None:
    facts = Facts(vendor="HP", services=(_svc("_ipp._tcp.local.", {"ty": "HP LaserJet M404"}),))
    assert identify.identify(facts) == (Category.PRINTER, "HP LaserJet M404")


def test_homekit_camera_category_beats_the_generic_hap_hint() -> None:
    facts = Facts(services=(_svc("_hap._tcp.local.", {"ci": "17", "md": "Cam 2"}),))
    assert identify.identify(facts) == (Category.CAMERA, "Cam 2")


def test_router_from_upnp_gateway_with_model_name_and_number() -> None:
    upnp = UpnpInfo("http://10.0.0.1/d.xml",
                    device_type="urn:schemas-upnp-org:device:InternetGatewayDevice:1",
                    manufacturer="Netgear", model_name="Nighthawk", model_number="R7000")
    assert identify.identify(Facts(upnp=upnp)) == (Category.ROUTER, "Nighthawk R7000")


def test_media_from_googlecast_and_computer_and_phone_from_names() -> None:
    cast = Facts(vendor="Google", services=(_svc("_googlecast._tcp.local.", {"md": "Chromecast"}),))
    assert identify.identify(cast) == (Category.MEDIA, "Chromecast")
    assert identify.identify(Facts(hostnames=("Johns-iPhone.local",)))[0] is Category.PHONE
    assert identify.identify(Facts(hostnames=("DESKTOP-4F2K1.lan",)))[0] is Category.COMPUTER


def test_nothing_known_means_unknown_and_weak_vendor_hint_alone_decides() -> None:
    assert identify.identify(Facts()) == (Category.UNKNOWN, "")
    assert identify.identify(Facts(vendor="Dell"))[0] is Category.UNKNOWN
    assert identify.identify(Facts(vendor="Hikvision"))[0] is Category.CAMERA


def test_model_text_is_cleaned_and_bounded() -> None:
    product = "(Bad\x00\nModel" + "x" * 500 + ")"
    facts = Facts(services=(_svc("_ipp._tcp.local.", {"product": product}),))
    model = identify.model_of(facts)
    assert model.startswith("Bad") and "\x00" not in model and len(model) <= 80


def _iface() -> Interface:
    return Interface("eth0", "10.0.0.2", 24, "10.0.0.0/24", "00:14:22:00:00:02", True, True)


def test_inventory_merges_arp_mdns_upnp_and_names_by_mac() -> None:
    inv = Inventory(NET)
    inv.add_self(_iface())
    inv.add_arp(ArpEntry("10.0.0.5", "3c:d9:2b:00:00:05"))
    changed = inv.add_service(_svc("_ipp._tcp.local.", {"ty": "HP OfficeJet"}, "10.0.0.5"))
    assert [d.mac for d in changed] == ["3c:d9:2b:00:00:05"]
    inv.add_upnp("10.0.0.5", UpnpInfo("http://10.0.0.5/d.xml", friendly_name="Front desk"))
    inv.add_hostname("10.0.0.5", "printer.office.lan")
    inv.add_arp(ArpEntry("10.0.0.6", "3c:d9:2b:00:00:05"))  # a second address, same card
    devices = {d.mac: d for d in inv.devices()}
    printer = devices["3c:d9:2b:00:00:05"]
    assert printer.ips == ("10.0.0.5", "10.0.0.6")
    assert printer.sources == ("arp", "mdns", "ssdp")
    assert printer.hostnames == ("thing.local", "printer.office.lan")
    assert (printer.vendor, printer.category, printer.model) == ("HP", Category.PRINTER,
                                                                 "HP OfficeJet")
    assert printer.label == "Front desk"
    assert devices["00:14:22:00:00:02"].is_self


def test_service_heard_before_arp_joins_the_device_when_its_mac_arrives() -> None:
    inv = Inventory(NET)
    inv.add_service(_svc("_hap._tcp.local.", ip="10.0.0.9"))
    assert inv.unresolved_ips() == ["10.0.0.9"]
    merged = inv.add_arp(ArpEntry("10.0.0.9", "b8:27:eb:00:00:09"))
    assert merged[0].services and merged[0].category is Category.SMART_HOME
    assert inv.unresolved_ips() == []
    assert len(inv.devices()) == 1


def test_addresses_outside_the_network_are_ignored() -> None:
    inv = Inventory(NET)
    assert inv.add_service(_svc("_ipp._tcp.local.", ip="192.168.9.9")) == []
    assert inv.add_upnp("not-an-ip", UpnpInfo("x")) == []
    assert inv.devices() == ()


def test_one_device_keeps_at_most_its_share_of_services_however_they_were_billed() -> None:
    inv = Inventory(NET)
    flood = [MdnsService(f"_x{n}._tcp.local.", f"s{n}._x{n}._tcp.local.", 80, "flood.local.",
                         ("10.0.0.7",)) for n in range(INSTANCES_PER_RESPONDER + 5)]
    for service in flood[:10]:  # heard before its MAC is known: waits as a pending record
        inv.add_service(service)
    inv.add_arp(ArpEntry("10.0.0.7", "b8:27:eb:00:00:07"))
    for service in flood[10:]:
        inv.add_service(service)
    inv.add_service(flood[0])  # a repeat is an update, never an extra
    (device,) = inv.devices()
    assert len(device.services) == INSTANCES_PER_RESPONDER
    assert device.services[0].name == "s0._x0._tcp.local."
