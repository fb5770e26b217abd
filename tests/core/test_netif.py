"""core.discovery.netif: interface parsing (recorded Linux/macOS output) and what may be scanned."""

from __future__ import annotations

import ipaddress
import json

import pytest

from core.discovery import netif
from core.errors import (
    ConfirmationNeededError,
    InterfaceError,
    NetworkTooLargeError,
    TunnelInterfaceError,
)
from core.models import Interface

IP_ADDR = json.dumps([
    {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"],
     "operstate": "UNKNOWN", "link_type": "loopback", "address": "00:00:00:00:00:00",
     "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]},
    {"ifindex": 2, "ifname": "wlan0", "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
     "operstate": "UP", "link_type": "ether", "address": "A4:5E:60:01:02:03",
     "addr_info": [
         {"family": "inet", "local": "192.168.1.23", "prefixlen": 24, "scope": "global"},
         {"family": "inet6", "local": "fe80::1", "prefixlen": 64, "scope": "link"}]},
    {"ifindex": 3, "ifname": "eth1", "flags": ["BROADCAST", "MULTICAST"], "operstate": "DOWN",
     "link_type": "ether", "address": "00:14:22:aa:bb:cc",
     "addr_info": [{"family": "inet", "local": "10.0.5.9", "prefixlen": 16, "scope": "global"}]},
    {"ifindex": 4, "ifname": "docker0", "flags": ["UP"], "operstate": "DOWN",
     "link_type": "ether", "address": "02:42:ac:11:00:01", "addr_info": []},
])
ROUTE = json.dumps([{"dst": "default", "gateway": "192.168.1.1", "dev": "wlan0"}])

IFCONFIG = """lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384
\tinet 127.0.0.1 netmask 0xff000000
en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\toptions=6463<RXCSUM,TXCSUM,TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>
\tether 3c:22:fb:11:22:33
\tinet6 fe80::1c%en0 prefixlen 64 secured scopeid 0x4
\tinet 192.168.178.40 netmask 0xffffff00 broadcast 192.168.178.255
\tstatus: active
en1: flags=8822<BROADCAST,SMART,SIMPLEX,MULTICAST> mtu 1500
\tether 3c:22:fb:44:55:66
\tinet 10.9.8.7 netmask 0xfffffc00 broadcast 10.9.11.255
"""


def _iface(network: str = "192.168.0.0/16", ip: str = "192.168.1.23") -> Interface:
    prefix = int(network.split("/")[1])
    return Interface("wlan0", ip, prefix, network, "a4:5e:60:01:02:03", True, True)


def test_ip_json_lists_ipv4_interfaces_without_loopback_and_marks_the_default() -> None:
    found = netif.parse_ip_json(IP_ADDR, ROUTE)
    assert [i.name for i in found] == ["wlan0", "eth1"]
    wlan = found[0]
    assert (wlan.ipv4, wlan.prefix_len, wlan.network) == ("192.168.1.23", 24, "192.168.1.0/24")
    assert wlan.mac == "a4:5e:60:01:02:03" and wlan.is_up and wlan.is_default
    assert not found[1].is_up and not found[1].is_default


def test_ip_json_survives_garbage() -> None:
    assert netif.parse_ip_json("not json", "{}") == ()
    assert netif.parse_ip_json('{"a": 1}', "[]") == ()


def test_macos_ifconfig_is_parsed() -> None:
    found = netif.parse_ifconfig(IFCONFIG, default_dev="en0")
    assert [(i.name, i.ipv4, i.prefix_len, i.mac, i.is_up, i.is_default) for i in found] == [
        ("en0", "192.168.178.40", 24, "3c:22:fb:11:22:33", True, True),
        ("en1", "10.9.8.7", 22, "3c:22:fb:44:55:66", False, False),
    ]
    assert found[1].network == "10.9.8.0/22"


def test_this_machine_lists_no_loopback_and_at_most_one_default() -> None:
    found = netif.list_interfaces()
    assert all(not i.ipv4.startswith("127.") for i in found)
    assert sum(i.is_default for i in found) <= 1


def test_find_interface_names_the_missing_one() -> None:
    with pytest.raises(InterfaceError, match="no-such-if0"):
        netif.find_interface("no-such-if0")


def test_default_network_is_the_interfaces_own() -> None:
    iface = _iface("192.168.1.0/24")
    assert netif.scan_network(iface, None, False) == ipaddress.IPv4Network("192.168.1.0/24")


def test_a_subnet_of_the_attached_network_may_be_scanned() -> None:
    net = netif.scan_network(_iface("192.168.0.0/16"), "192.168.1.77/24", False)
    assert net == ipaddress.IPv4Network("192.168.1.0/24")


def test_a_network_not_attached_is_refused() -> None:
    with pytest.raises(InterfaceError, match="not directly attached"):
        netif.scan_network(_iface("192.168.1.0/24"), "10.0.0.0/24", False)
    with pytest.raises(InterfaceError, match="not an IPv4 network"):
        netif.scan_network(_iface(), "banana", False)


def test_larger_than_slash16_is_refused_even_when_confirmed() -> None:
    iface = _iface("10.0.0.0/8", "10.1.2.3")
    with pytest.raises(NetworkTooLargeError):
        netif.scan_network(iface, None, True)
    assert netif.scan_network(iface, "10.1.0.0/16", True).prefixlen == 16


def test_larger_than_slash22_needs_confirmation() -> None:
    iface = _iface("192.168.0.0/16")
    with pytest.raises(ConfirmationNeededError, match="--yes-large-network"):
        netif.scan_network(iface, "192.168.0.0/21", False)
    assert netif.scan_network(iface, "192.168.0.0/21", True).prefixlen == 21
    assert netif.scan_network(iface, "192.168.0.0/22", False).prefixlen == 22


TUNNELS = json.dumps([
    {"ifindex": 2, "ifname": "eth0", "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
     "operstate": "UP", "link_type": "ether", "address": "00:14:22:01:02:03",
     "linkinfo": {"info_kind": "veth"},
     "addr_info": [{"family": "inet", "local": "192.168.1.23", "prefixlen": 24}]},
    {"ifindex": 5, "ifname": "tun0", "flags": ["POINTOPOINT", "UP", "LOWER_UP"],
     "operstate": "UNKNOWN", "link_type": "none",
     "linkinfo": {"info_kind": "tun", "info_data": {"type": "tun"}},
     "addr_info": [{"family": "inet", "local": "10.8.0.6", "prefixlen": 24}]},
    {"ifindex": 6, "ifname": "tap0", "flags": ["BROADCAST", "UP", "LOWER_UP"],
     "operstate": "UP", "link_type": "ether", "address": "aa:bb:cc:00:00:01",
     "linkinfo": {"info_kind": "tun", "info_data": {"type": "tap"}},
     "addr_info": [{"family": "inet", "local": "10.9.0.6", "prefixlen": 24}]},
    {"ifindex": 7, "ifname": "wg0", "flags": ["POINTOPOINT", "UP"], "operstate": "UNKNOWN",
     "link_type": "none", "linkinfo": {"info_kind": "wireguard"},
     "addr_info": [{"family": "inet", "local": "10.10.0.2", "prefixlen": 24}]},
    {"ifindex": 8, "ifname": "ppp0", "flags": ["POINTOPOINT", "UP"], "operstate": "UNKNOWN",
     "link_type": "ppp", "addr_info": [{"family": "inet", "local": "100.64.1.2",
                                        "prefixlen": 32}]},
])
TUNNEL_ROUTE = json.dumps([{"dst": "default", "dev": "tun0"}])


def test_vpn_and_tunnel_links_are_marked_whatever_their_name() -> None:
    found = {i.name: i for i in netif.parse_ip_json(TUNNELS, TUNNEL_ROUTE)}
    assert found["eth0"].tunnel == ""
    assert "tun" in found["tun0"].tunnel and found["tun0"].is_default
    assert "tap" in found["tap0"].tunnel  # Ethernet-like, but a VPN's virtual wire
    assert "wireguard" in found["wg0"].tunnel and "ppp" in found["ppp0"].tunnel


def test_a_tunnel_with_the_default_route_is_neither_offered_nor_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = netif.parse_ip_json(TUNNELS, TUNNEL_ROUTE)
    monkeypatch.setattr(netif, "all_interfaces", lambda: parsed)
    assert [i.name for i in netif.list_interfaces()] == ["eth0"]
    default = netif.default_interface()
    assert default is not None and default.name == "eth0"
    for name in ("tun0", "tap0", "wg0", "ppp0"):
        with pytest.raises(TunnelInterfaceError, match="VPN or tunnel") as caught:
            netif.find_interface(name)
        assert "eth0" in caught.value.hint and isinstance(caught.value, InterfaceError)
    assert netif.find_interface("eth0").name == "eth0"


def test_macos_tunnels_are_marked_by_name() -> None:
    text = IFCONFIG + "utun3: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380\n" \
        "\tinet 10.8.0.6 --> 10.8.0.5 netmask 0xffffff00\n"
    found = {i.name: i for i in netif.parse_ifconfig(text, default_dev="utun3")}
    assert found["en0"].tunnel == "" and found["utun3"].tunnel
