"""Hosts for the thorough scan: listeners on unusual top-1000 ports and two firewalled hosts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # parses nmap's own XML output from a local subprocess
from dataclasses import dataclass

from tests.lab.check_lab import CheckLab, Spec

ODD_LISTENERS = {2323: "telnet", 8181: "http", 1521: "silent", 3000: "silent",
                 9091: "silent", 9200: "silent", 50000: "silent"}
ODD = Spec("oddports", "10.231.0.40", ("telnet-open", "http-admin-cleartext"),
           ports=tuple(sorted(ODD_LISTENERS)))
# drops every packet: the scan must stay bounded (nothing is open to anyone)
WALLED = Spec("walled", "10.231.0.41")
# drops everything but two ports: the rest are retried once and reported filtered
HALF = Spec("halfwall", "10.231.0.42", ports=(8888, 9999))
THOROUGH_SPECS = (ODD, WALLED, HALF)


@dataclass
class ThoroughLab:
    """The check lab plus the thorough scan's hosts."""

    check_lab: CheckLab

    def build(self) -> ThoroughLab:
        lab, office = self.check_lab.lab, self.check_lab.office
        for index, spec in enumerate(THOROUGH_SPECS, start=0x40):
            host = lab.add_host(spec.name, f"02:c4:ec:00:00:{index:02x}", spec.ip)
            self.check_lab.hosts[spec.name] = host
            listeners = ODD_LISTENERS if spec is ODD else dict.fromkeys(spec.ports, "silent")
            if listeners:
                argv = [f"--listen={port}:{kind}" for port, kind in listeners.items()]
                lab.start(host, lab.python("tests.lab.devices.many_ports", "--ip", spec.ip,
                                           *argv), log_name="ports")
            if spec is not ODD:
                allowed = ", ".join(str(p) for p in spec.ports)
                accept = f"  tcp dport {{ {allowed} }} accept\n" if allowed else ""
                rules = office.write(host, "drop.nft", "table inet lab {\n chain input {\n"
                                     "  type filter hook input priority 0; policy drop;\n"
                                     f"{accept} }}\n}}\n")
                lab.exec(host.ns, ["nft", "-f", str(rules)])
            for port in spec.ports:
                lab.wait_for_port(host, port)
        return self

    def specs(self) -> tuple[Spec, ...]:
        return (*self.check_lab.specs(), *THOROUGH_SPECS)

    def devices_json(self, names: tuple[str, ...] = ()) -> str:
        """A JSON list of the devices (all, or those named) for run_checks.py --devices."""
        own = [s.device_json(i) for i, s in enumerate(THOROUGH_SPECS, start=0x40)
               if not names or s.name in names]
        checked = [] if names and not any(s.name in names for s in self.check_lab.specs()) \
            else json.loads(self.check_lab.devices_json(names))
        return json.dumps([*checked, *own])

    def ips(self) -> list[str]:
        return [spec.ip for spec in self.specs()]


def nmap_top_ports(ips: list[str]) -> list[str]:
    """The nmap argv (run inside the scanner namespace) the thorough scan is compared with."""
    return ["nmap", "-sT", "--top-ports", "1000", "-T4", "-Pn", "-n", "-oX", "-", *ips]


def open_ports(xml_text: str) -> dict[str, list[int]]:
    """ip -> sorted open TCP ports from nmap's XML output."""
    hosts: dict[str, list[int]] = {}
    for host in ET.fromstring(xml_text).iter("host"):
        address = host.find("address")
        ip = "" if address is None else address.get("addr", "")
        hosts[ip] = sorted(int(p.get("portid", "0")) for p in host.iter("port")
                           if (state := p.find("state")) is not None
                           and state.get("state") == "open")
    return hosts
