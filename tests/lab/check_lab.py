"""The check lab: devices with real servers, each built to show (or not show) given findings."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.lab.devices.check_certs import NOW, LabCA
from tests.lab.netlab import Lab, LabHost
from tests.lab.office import IGD_DESCRIPTION, Office

GOOD_IP = "10.231.0.32"
# A unique secret (never a real default) proves no login value reaches output or logs.
LAB_SECRET_USER, LAB_SECRET = "labkeeper", "Lab-S3cret-4471-zq"


@dataclass(frozen=True)
class Spec:
    """One check-lab device: where it is, what discovery would say, what checks must find."""

    name: str
    ip: str
    expect: tuple[str, ...] = ()  # finding ids that must appear
    vendor: str = ""
    services: tuple[dict[str, Any], ...] = ()
    upnp: dict[str, Any] | None = None
    ports: tuple[int, ...] = ()  # ports that must be open

    def device_json(self, index: int) -> dict[str, Any]:
        """The device as discovery would report it (scan JSON form)."""
        return {"mac": f"02:c4:ec:00:00:{index:02x}", "ips": [self.ip], "vendor": self.vendor,
                "services": [dict(s, addresses=[self.ip]) for s in self.services],
                "upnp": self.upnp, "sources": ["arp"]}


IGD_UPNP = {"location": "http://10.231.0.29:49152/description.xml",
            "device_type": "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "manufacturer": "TP-Link", "model_name": "Archer C7",
            "services": ["urn:schemas-upnp-org:service:WANIPConnection:1",
                         "urn:schemas-wifialliance-org:service:WFAWLANConfig:1"]}
HAP = {"type": "_hap._tcp.local.", "name": "Lab Plug", "port": 8080,
       "txt": {"sf": "1", "md": "LabPlug 1", "ci": "7", "c#": "1"}}

SPECS: tuple[Spec, ...] = (
    Spec("webplain", "10.231.0.20", ("http-admin-cleartext",), ports=(80,)),
    Spec("webbasic", "10.231.0.21", ("http-basic-cleartext",), ports=(80,)),
    Spec("expired", "10.231.0.22", ("tls-expired", "http-no-hsts"), ports=(443,)),
    Spec("selfsigned", "10.231.0.23", ("tls-self-signed", "http-no-hsts"), ports=(443,)),
    Spec("weakkey", "10.231.0.24", ("tls-weak-key", "tls-sha1-signature"), ports=(443,)),
    Spec("tls10", "10.231.0.25", ("tls-old-protocol",), ports=(8443,)),
    Spec("mqtt", "10.231.0.26", ("mqtt-anonymous", "mqtt-cleartext"), ports=(1883,)),
    Spec("ssh", "10.231.0.27", ("service-banner", "ssh-password-auth"), ports=(22,)),
    Spec("camera", "10.231.0.28", ("telnet-open", "rtsp-open"), vendor="Hangzhou Hikvision",
         ports=(23, 554)),
    Spec("gateway", "10.231.0.29", ("upnp-igd", "wps-advertised"), upnp=IGD_UPNP,
         ports=(49152,)),
    Spec("homekit", "10.231.0.30", ("homekit-unpaired", "http-admin-cleartext"),
         services=(HAP,), ports=(8080,)),
    Spec("vnc", "10.231.0.31", ("vnc-no-auth",), ports=(5900,)),
    Spec("good", GOOD_IP, (), ports=(80, 443)),
)
HOSTILE = Spec("hostile", "10.231.0.33", ports=(21, 23, 80, 443, 1883, 5900, 8080))
# Devices that only the consent tests need: they accept the lab secret, not a real default.
SECRET_WEB = Spec("secretweb", "10.231.0.34", ("http-basic-cleartext",), ports=(80,))
SECRET_TELNET = Spec("secrettelnet", "10.231.0.35", ("telnet-open",), ports=(23,))
DIGEST_WEB = Spec("webdigest", "10.231.0.36", ("http-admin-cleartext",), ports=(80,))
RTSP_CAMERA = Spec("rtspcam", "10.231.0.37", ("rtsp-open",), vendor="Hangzhou Hikvision",
                   ports=(554,))
# Cameras that accept their vendor's bundled default over RTSP, and a real snmpd (Net-SNMP)
# answering only the community "private": which login works and how is the tests' question.
RTSP_BASIC = Spec("rtspbasic", "10.231.0.38", ("rtsp-open",), vendor="Zhejiang Uniview",
                  ports=(554,))
RTSP_BOTH = Spec("rtspboth", "10.231.0.39", ("rtsp-open",), vendor="Reolink", ports=(554,))
SNMPD = Spec("snmpd", "10.231.0.40", ("snmp-open", "http-admin-cleartext"), ports=(80,))
SNMPD_DESCR = "Lab router (Net-SNMP snmpd)"
# A camera whose stream asks for no password at all: that is its own finding, never a default
RTSP_OPEN = Spec("rtspopen", "10.231.0.41", ("rtsp-open", "rtsp-no-login"),
                 vendor="Hangzhou Hikvision", ports=(554,))
CONSENT_EXTRA = (SECRET_WEB, SECRET_TELNET, DIGEST_WEB, RTSP_CAMERA, RTSP_BASIC, RTSP_BOTH, SNMPD,
                 RTSP_OPEN)
EXTRA = (HOSTILE, *CONSENT_EXTRA)


@dataclass
class CheckLab:
    """Builds the check-lab devices on a Lab (through the Office building blocks)."""

    lab: Lab
    hostile: bool = False
    secrets: bool = False
    hosts: dict[str, LabHost] = field(default_factory=dict)

    def build(self) -> CheckLab:
        self.office = Office(self.lab)
        self.ca = LabCA(self.lab.workdir)
        specs = SPECS + ((HOSTILE,) if self.hostile else ()) + \
            (CONSENT_EXTRA if self.secrets else ())
        for index, spec in enumerate(specs, start=0x20):
            self.hosts[spec.name] = self.lab.add_host(spec.name, f"02:c4:ec:00:00:{index:02x}",
                                                      spec.ip)
            getattr(self, f"_{spec.name}")(self.hosts[spec.name])
        self.office.wait_until_ready()
        return self

    def specs(self) -> tuple[Spec, ...]:
        return tuple(s for s in (*SPECS, *EXTRA) if s.name in self.hosts)

    def devices_json(self, names: tuple[str, ...] = ()) -> str:
        """A JSON list of the lab devices (all, or those named) for run_checks.py --devices."""
        chosen = [(i, s) for i, s in enumerate(self.specs(), start=0x20)
                  if not names or s.name in names]
        return json.dumps([s.device_json(i) for i, s in chosen])

    # -- devices -----------------------------------------------------------------------
    def _webplain(self, host: LabHost) -> None:
        self.office.web_server(host, 80, title="Printer admin")
        self.lab.start(host, self.lab.python("tests.lab.devices.check_snmp_agent", "--ip",
                                             host.ip), log_name="snmp")

    def _webbasic(self, host: LabHost, user: str = "admin", password: str = "admin",
                  method: str = "basic") -> None:
        users = self.office.write(host, "htpasswd", f"{user}:{password}\n")
        self.office.web_server(host, 80, title="Camera admin", extra_conf="\n".join([
            'server.modules += ("mod_auth", "mod_authn_file")',
            'auth.backend = "plain"', f'auth.backend.plain.userfile = "{users}"',
            f'auth.require = ("/" => ("method" => "{method}", "realm" => "admin", '
            '"require" => "valid-user"))']))

    def _rtspcam(self, host: LabHost) -> None:
        # Hikvision's legacy default from the bundled list: the check must find it over RTSP
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.check_rtsp_server", "--ip", host.ip, "--user", "admin",
            "--password", "12345"), log_name="rtsp")
        self.lab.wait_for_port(host, 554)

    def _rtspbasic(self, host: LabHost) -> None:
        # Uniview's default from the bundled list, Basic only: the generic list alone never finds it
        self._rtsp_server(host, "admin", "123456", "basic")

    def _rtspboth(self, host: LabHost) -> None:
        # Reolink's blank default; the camera offers Basic and Digest, the check must use Digest
        self._rtsp_server(host, "admin", "", "both")

    def _rtspopen(self, host: LabHost) -> None:
        self._rtsp_server(host, "", "", "none")

    def _rtsp_server(self, host: LabHost, user: str, password: str, scheme: str) -> None:
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.check_rtsp_server", "--ip", host.ip, "--user", user,
            f"--password={password}", "--scheme", scheme), log_name="rtsp")
        self.lab.wait_for_port(host, 554)

    def _snmpd(self, host: LabHost) -> None:
        self.office.web_server(host, 80, title="Router admin")  # SNMP is asked where TCP answers
        # the view keeps "private" from exposing the machine's own process table (LAB-NOTES)
        conf = self.office.write(host, "snmpd.conf", "\n".join([
            f"agentaddress udp:{host.ip}:161", "view systemonly included .1.3.6.1.2.1.1",
            "rocommunity private default -V systemonly", f"sysDescr {SNMPD_DESCR}", ""]))
        state = self.lab.workdir / "snmpd-state"
        state.mkdir(exist_ok=True)  # not /var/lib/snmp: the lab never writes the host's files
        self.lab.start(host, ["env", f"SNMP_PERSISTENT_DIR={state}", "snmpd", "-f", "-Lo",
                              "-C", "-I", "-smux", "-c", str(conf)], log_name="snmpd")
        self._wait_for_udp(host, 161)

    def _wait_for_udp(self, host: LabHost, port: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.lab.exec(host.ns, ["ss", "-Hlun", f"sport = :{port}"], check=False).strip():
                return
            time.sleep(0.05)
        raise TimeoutError(f"{host.name}: nothing listens on UDP {port} after {timeout}s")

    def rtsp_log(self, name: str) -> str:
        path = self.lab.workdir / f"{name}-rtsp.log"
        return path.read_text() if path.exists() else ""

    def _webdigest(self, host: LabHost) -> None:
        self._webbasic(host, method="digest")

    def _expired(self, host: LabHost) -> None:
        pem = self.ca.issue("expired.lab", host.ip, start=NOW - dt.timedelta(days=400), days=30)
        self.office.web_server(host, 443, title="Old NAS", tls=pem)

    def _selfsigned(self, host: LabHost) -> None:
        self.office.web_server(host, 443, title="NAS", tls=self.office.self_signed(host))

    def _weakkey(self, host: LabHost) -> None:
        # cryptography refuses to sign with SHA-1, the openssl command line still does
        self._s_server(host, 443, self.office.self_signed(host, bits=1024, extra=("-sha1",)))

    def _tls10(self, host: LabHost) -> None:
        self._s_server(host, 8443, self.ca.issue("tls10.lab", host.ip), "-tls1")

    def _mqtt(self, host: LabHost) -> None:
        conf = self.office.write(host, "mosquitto.conf", f"listener 1883 {host.ip}\n"
                                 "allow_anonymous true\npersistence false\nlog_dest stdout\n")
        self.lab.start(host, ["mosquitto", "-c", str(conf)])
        self.lab.wait_for_port(host, 1883)

    def _ssh(self, host: LabHost) -> None:
        self.office.ssh_server(host, password_auth=True)

    def _camera(self, host: LabHost) -> None:
        self.office.socat_listener(host, 23, "\r\nDS-2CD2143 login: ")
        self.office.socat_listener(host, 554, "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n"
                                   'WWW-Authenticate: Digest realm="IP Camera"\r\n\r\n')

    def _gateway(self, host: LabHost) -> None:
        desc = self.office.write(host, "igd.xml", IGD_DESCRIPTION)
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.ssdp_device", "--ip", host.ip, "--description", str(desc),
            "--st", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"))
        self.lab.wait_for_port(host, 49152)

    def _homekit(self, host: LabHost) -> None:
        self.office.web_server(host, 8080, title="Plug setup")
        self.office.mdns(host, "lab-plug", [HAP])

    def _vnc(self, host: LabHost) -> None:
        self.lab.start(host, self.lab.python("tests.lab.devices.vnc_server", "--ip", host.ip))
        self.lab.wait_for_port(host, 5900)

    def _good(self, host: LabHost) -> None:
        pem = self.ca.issue("good.lab", host.ip)
        self.office.web_server(host, 443, title="Well kept device", tls=pem, extra_conf=(
            'server.modules += ("mod_setenv")\nsetenv.add-response-header = '
            '("Strict-Transport-Security" => "max-age=31536000")'))
        self.office.web_server(host, 80, title="redirect", extra_conf=(
            'server.modules += ("mod_redirect")\n'
            f'url.redirect = ("^/(.*)" => "https://{host.ip}/$1")'))

    def _hostile(self, host: LabHost) -> None:
        behaviours = ("21:trickle", "23:silent", "80:garbage", "443:badtls", "1883:garbage",
                      "5900:reset", "8080:flood")
        args = [a for b in behaviours for a in ("--listen", b)]
        self.lab.start(host, self.lab.python("tests.lab.devices.check_hostile", "--ip", host.ip,
                                             *args))
        for port in HOSTILE.ports:
            self.lab.wait_for_port(host, port)

    def _secretweb(self, host: LabHost) -> None:
        self._webbasic(host, LAB_SECRET_USER, LAB_SECRET)

    def _secrettelnet(self, host: LabHost) -> None:
        secret = self.office.write(host, "telnet-secret", LAB_SECRET)
        self.lab.start(host, self.lab.python(
            "tests.lab.devices.check_telnet_login", "--ip", host.ip, "--user", LAB_SECRET_USER,
            "--password-file", str(secret)), log_name="telnet-login")
        self.lab.wait_for_port(host, 23)

    def snmp_log(self) -> str:
        path = self.lab.workdir / "webplain-snmp.log"
        return path.read_text() if path.exists() else ""

    def telnet_log(self) -> str:
        path = self.lab.workdir / "secrettelnet-telnet-login.log"
        return path.read_text() if path.exists() else ""

    def secret_credentials(self) -> Path:
        """A credentials folder whose only entries are the lab secret (http and telnet)."""
        folder = self.lab.workdir / "credentials"
        folder.mkdir(exist_ok=True)
        (folder / "lab.toml").write_text(
            'vendor = "Lab"\nmatch = []\n[[login]]\n'
            f'user = "{LAB_SECRET_USER}"\npassword = "{LAB_SECRET}"\n'
            'services = ["http", "telnet"]\n')
        return folder

    def _s_server(self, host: LabHost, port: int, pem: Path, *extra: str) -> None:
        self.lab.start(host, ["openssl", "s_server", "-accept", f"{host.ip}:{port}", "-cert",
                              str(pem), "-www", "-cipher", "DEFAULT:@SECLEVEL=0", *extra],
                       log_name=f"s_server{port}")
        self.lab.wait_for_port(host, port)
