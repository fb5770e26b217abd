"""The standard lab office: a dozen-ish simulated devices running real listeners."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab.netlab import Lab, LabHost

DEVICES_DIR = Path(__file__).resolve().parent / "devices"


@dataclass(frozen=True)
class Expected:
    """What a correct scan must report about one lab device."""

    name: str
    mac: str
    ip: str
    vendor: str = ""  # substring of the OUI registry's organisation name
    category: str = "unknown"
    services: tuple[str, ...] = ()  # mDNS service types, e.g. "_ipp._tcp.local."
    tcp_ports: tuple[int, ...] = ()
    mac_random: bool = False
    silent: bool = False  # answers ARP only
    extra: dict[str, str] = field(default_factory=dict)


PRINTER = Expected("printer", "3c:d9:2b:10:00:10", "10.231.0.10", "Hewlett Packard", "printer",
                   ("_ipp._tcp.local.", "_http._tcp.local."), (80, 631))
CAMERA = Expected("camera", "c0:56:e3:10:00:11", "10.231.0.11", "Hikvision", "camera",
                  ("_rtsp._tcp.local.",), (23, 554))
HUB = Expected("hub", "b8:27:eb:10:00:12", "10.231.0.12", "Raspberry Pi", "smart_home",
               ("_hap._tcp.local.", "_mqtt._tcp.local."), (1883, 8080))
ROUTER = Expected("router", "50:c7:bf:10:00:13", "10.231.0.13", "TP-LINK", "router",
                  (), (49152,))
NAS = Expected("nas", "00:11:32:10:00:14", "10.231.0.14", "Synology", "nas",
               ("_smb._tcp.local.",), (22, 443))
PHONE = Expected("phone", "da:a1:19:10:00:15", "10.231.0.15", "", "unknown", mac_random=True)
SILENT = Expected("silent", "00:14:22:10:00:16", "10.231.0.16", "Dell", "unknown", silent=True)
TV = Expected("tv", "f4:f5:d8:10:00:17", "10.231.0.17", "Google", "media",
              ("_googlecast._tcp.local.",), extra={"model": "Chromecast"})
PC = Expected("pc", "a4:4c:c8:10:00:18", "10.231.0.18", "Dell", "computer",
              ("_workstation._tcp.local.",))
# Hostile data: odd TXT (bad UTF-8, empty key, huge), HTML in names, a type nobody seeds.
ODDBALL = Expected("oddball", "24:0a:c4:10:00:19", "10.231.0.19", "Espressif", "smart_home",
                   ("_odd-thing._tcp.local.",))
# Hostile UPnP: broken XML, a 1 MB description, LOCATION outside the lab, 10 kB headers.
BADUPNP = Expected("badupnp", "00:1d:c9:10:00:20", "10.231.0.20", "GainSpan", "unknown")

OFFICE: tuple[Expected, ...] = (PRINTER, CAMERA, HUB, ROUTER, NAS, PHONE, SILENT, TV, PC,
                                ODDBALL, BADUPNP)
OUTSIDE_LOCATION_HOST = "198.51.100.7"  # TEST-NET-2: must never be fetched
ODD_TXT: dict[str, object] = {
    "": "empty key",
    "bad": {"hex": "fffe00c328"},
    "\u00ff\u00fe": "latin-1 key",
    "flag": None,
    **{f"big{i:02d}": "B" * 240 for i in range(24)},
}

IGD_DESCRIPTION = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
 <specVersion><major>1</major><minor>0</minor></specVersion>
 <device>
  <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
  <friendlyName>Office Router</friendlyName>
  <manufacturer>TP-Link</manufacturer>
  <modelName>Archer C7</modelName>
  <modelNumber>5.0</modelNumber>
  <serialNumber>LAB-0001</serialNumber>
  <UDN>uuid:00000000-lab0-0000-0000-000000000013</UDN>
  <serviceList><service>
   <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
   <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
   <SCPDURL>/wanip.xml</SCPDURL><controlURL>/ctl</controlURL><eventSubURL>/evt</eventSubURL>
  </service></serviceList>
 </device>
</root>
"""


class Office:
    """Builds the office devices on a lab and remembers what each one should look like."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.expected = {e.name: e for e in OFFICE}
        self.hosts: dict[str, LabHost] = {}
        self._ready_files: list[Path] = []

    def build(self) -> Office:
        for spec in OFFICE:
            self.hosts[spec.name] = self.lab.add_host(spec.name, spec.mac, spec.ip)
        self._printer()
        self._camera()
        self._hub()
        self._router()
        self._nas()
        self._silent()
        self._tv()
        self._pc()
        self._oddball()
        self._badupnp()
        self.wait_until_ready()
        return self

    # -- devices ----------------------------------------------------------------------
    def _printer(self) -> None:
        host = self.hosts["printer"]
        self.web_server(host, 80, title="HP OfficeJet Pro 9015 - Home")
        self.socat_listener(host, 631, "HTTP/1.1 400 Bad Request\r\n\r\n")
        self.mdns(host, "HPOfficeJet9015", [
            {"type": "_ipp._tcp.local.", "name": "HP OfficeJet Pro 9015", "port": 631,
             "txt": {"ty": "HP OfficeJet Pro 9015", "product": "(HP OfficeJet Pro 9015)",
                     "note": "Front office", "rp": "ipp/print"}},
            {"type": "_http._tcp.local.", "name": "HP OfficeJet Pro 9015 web", "port": 80,
             "txt": {"path": "/"}},
        ])

    def _camera(self) -> None:
        host = self.hosts["camera"]
        self.socat_listener(host, 23, "\r\nDS-2CD2143 login: ")
        self.socat_listener(host, 554, "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n")
        self.mdns(host, "frontdoor-cam", [
            {"type": "_rtsp._tcp.local.", "name": "Front door camera", "port": 554,
             "txt": {"model": "DS-2CD2143G0-I"}},
        ])

    def _hub(self) -> None:
        host = self.hosts["hub"]
        conf = self.write(host, "mosquitto.conf",
                          f"listener 1883 {host.ip}\nallow_anonymous true\npersistence false\n"
                          "log_dest stdout\n")
        self.lab.start(host, ["mosquitto", "-c", str(conf)])
        self.web_server(host, 8080, title="Smart Hub")
        self.mdns(host, "smart-hub", [
            {"type": "_hap._tcp.local.", "name": "Smart Hub Bridge", "port": 8080,
             "txt": {"c#": "2", "ff": "0", "id": "AA:BB:CC:DD:EE:FF", "md": "LabHub 1",
                     "pv": "1.1", "s#": "1", "sf": "1", "ci": "2"}},
            {"type": "_mqtt._tcp.local.", "name": "Smart Hub MQTT", "port": 1883, "txt": {}},
        ])

    def _router(self) -> None:
        host = self.hosts["router"]
        desc = self.write(host, "igd.xml", IGD_DESCRIPTION)
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.ssdp_device", "--ip", host.ip, "--description", str(desc),
            "--st", "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "--usn", "uuid:00000000-lab0-0000-0000-000000000013"))
        self._wait_port(host, 49152)

    def _nas(self) -> None:
        host = self.hosts["nas"]
        self.ssh_server(host)
        self.web_server(host, 443, title="Synology DiskStation", tls=self.self_signed(host))
        self.mdns(host, "diskstation", [
            {"type": "_smb._tcp.local.", "name": "DiskStation", "port": 445, "txt": {}},
        ])

    def _silent(self) -> None:
        host = self.hosts["silent"]
        rules = self.write(host, "drop.nft", "table inet lab {\n chain input {\n"
                           "  type filter hook input priority 0; policy drop;\n }\n}\n")
        self.lab.exec(host.ns, ["nft", "-f", str(rules)])

    def _tv(self) -> None:
        self.mdns(self.hosts["tv"], "Chromecast-lab", [
            {"type": "_googlecast._tcp.local.", "name": "Chromecast-4e2a1b", "port": 8009,
             "txt": {"id": "4e2a1b", "md": "Chromecast", "fn": "Meeting room TV", "ve": "05"}},
        ])

    def _pc(self) -> None:
        self.mdns(self.hosts["pc"], "reception-pc", [
            {"type": "_workstation._tcp.local.", "name": "reception-pc [a4:4c:c8:10:00:18]",
             "port": 9, "txt": {}},
        ])

    def _oddball(self) -> None:
        self.mdns(self.hosts["oddball"], "odd-thing", [
            {"type": "_odd-thing._tcp.local.", "name": "<b>Odd</b> \u202e thing &amp;",
             "port": 7000, "txt": ODD_TXT},
        ])

    def _badupnp(self) -> None:
        host = self.hosts["badupnp"]
        broken = self.write(host, "broken.xml", "<root><device><friendlyName>Half")
        huge = self.write(host, "huge.xml", "<root><device><friendlyName>"
                          + "H" * 1_000_000 + "</friendlyName></device></root>")
        long_server = "Hostile/1.0 " + "S" * 10_000
        for port, desc, extra in ((49152, broken, ()), (49153, huge, ()),
                                  (49154, broken, ("--location-host", OUTSIDE_LOCATION_HOST))):
            self.lab.start(host, self.lab.python(
                "tests.lab.devices.ssdp_device", "--ip", host.ip, "--description", str(desc),
                "--http-port", str(port), "--usn", f"uuid:bad-{port}", "--server", long_server,
                *extra), log_name=f"ssdp{port}")
            self._wait_port(host, port)

    # -- building blocks (also used by other test modules) ----------------------------
    def write(self, host: LabHost, name: str, text: str) -> Path:
        path = self.lab.workdir / f"{host.name}-{name}"
        path.write_text(text)
        return path

    def web_server(self, host: LabHost, port: int, title: str, tls: Path | None = None,
                   extra_conf: str = "") -> None:
        """lighttpd on host:port serving a page with `title` (HTTPS when `tls` is a PEM)."""
        root = self.lab.workdir / f"{host.name}-www{port}"
        root.mkdir(exist_ok=True)
        (root / "index.html").write_text(f"<html><head><title>{title}</title></head>"
                                         "<body>admin</body></html>")
        conf = [
            f'server.document-root = "{root}"',
            f'server.bind = "{host.ip}"',
            f"server.port = {port}",
            'server.modules = ("mod_openssl")' if tls else "",
            f'ssl.engine = "enable"\nssl.pemfile = "{tls}"' if tls else "",
            'index-file.names = ("index.html")',
            'mimetype.assign = (".html" => "text/html")',
            extra_conf,
        ]
        path = self.write(host, f"lighttpd{port}.conf", "\n".join(conf) + "\n")
        self.lab.start(host, ["lighttpd", "-D", "-f", str(path)], log_name=f"lighttpd{port}")
        self._wait_port(host, port)

    def socat_listener(self, host: LabHost, port: int, greeting: str) -> None:
        """A TCP listener that sends `greeting` to every client and then waits."""
        script = self.write(host, f"greet{port}.sh",
                            f"printf '%s' {json.dumps(greeting)}; sleep 5\n")
        self.lab.start(host, ["socat", f"TCP-LISTEN:{port},bind={host.ip},reuseaddr,fork",
                              f"EXEC:sh {script}"], log_name=f"socat{port}")
        self._wait_port(host, port)

    def ssh_server(self, host: LabHost, password_auth: bool = True) -> None:
        key = self.lab.workdir / f"{host.name}-ssh_host_ed25519_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                       check=True, capture_output=True)
        conf = self.write(host, "sshd_config", "\n".join([
            f"ListenAddress {host.ip}", "Port 22", f"HostKey {key}", "UsePAM no",
            f"PasswordAuthentication {'yes' if password_auth else 'no'}",
            f"PidFile {self.lab.workdir}/{host.name}-sshd.pid", "UseDNS no", "",
        ]))
        self.lab.start(host, ["sh", "-c", "mount -t tmpfs tmpfs /run && mkdir -p /run/sshd "
                              f"&& exec /usr/sbin/sshd -D -e -f {conf}"],
                       private_run=True, log_name="sshd")
        self._wait_port(host, 22)

    def self_signed(self, host: LabHost, days: int = 365, bits: int = 2048,
                    extra: tuple[str, ...] = ()) -> Path:
        """A self-signed certificate and key in one PEM file for `host`."""
        pem = self.lab.workdir / f"{host.name}-{bits}-{days}.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", f"rsa:{bits}", "-nodes",
                        "-keyout", str(pem), "-out", str(pem) + ".crt", "-days", str(days),
                        "-subj", f"/CN={host.name}.local", *extra],
                       check=True, capture_output=True)
        pem.write_text(pem.read_text() + Path(str(pem) + ".crt").read_text())
        return pem

    def mdns(self, host: LabHost, hostname: str, services: list[dict[str, object]],
             delay: float = 0.0) -> None:
        """Advertise `services` over mDNS from `host` (python-zeroconf registrations)."""
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.mdns_advertiser", "--ip", host.ip, "--host", hostname,
            "--services", json.dumps(services), "--delay", str(delay)),
            log_name=f"mdns-{hostname}")
        if delay == 0:
            self._ready_files.append(self.lab.workdir / f"{host.name}-mdns-{hostname}.log")

    def mdns_slow(self, host: LabHost, hostname: str, service: dict[str, str],
                  answer_delay: float) -> None:
        """An mDNS responder on `host` that answers each question `answer_delay` s late."""
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.mdns_slow", "--ip", host.ip, "--host", hostname,
            "--type", service["type"], "--name", service["name"], "--txt", service["txt"],
            "--answer-delay", str(answer_delay)), log_name=f"mdns-slow-{hostname}")
        self._ready_files.append(self.lab.workdir / f"{host.name}-mdns-slow-{hostname}.log")

    def _wait_port(self, host: LabHost, port: int) -> None:
        self.lab.wait_for_port(host, port)

    def wait_until_ready(self, timeout: float = 15) -> None:
        """Wait (bounded) until every mDNS advertiser has announced."""
        deadline = time.monotonic() + timeout
        for path in self._ready_files:
            while "ready" not in (path.read_text() if path.exists() else ""):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path.name} never became ready")
                time.sleep(0.05)
