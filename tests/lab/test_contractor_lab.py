"""Contractor checks and fingerprints against real daemons: old TLS, vsftpd, IPP, LPD, KEV."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require_lab
from tests.lab.devices.check_certs import LabCA
from tests.lab.netlab import Lab, LabHost
from tests.lab.office import Office

pytestmark = pytest.mark.lab

OLD_TLS = "10.231.0.40"  # openssl s_server: best TLS 1.3, still accepts 1.0 and 1.1
FTP = "10.231.0.41"  # vsftpd with anonymous login
OPEN_ADMIN = "10.231.0.42"  # a router page that asks no password; Server says Apache 2.4.49
PRINTER = "10.231.0.43"  # IPP answering plain HTTP on 631, LPD on 515
ROUTER_PAGE = ("<html><head><title>Router settings</title></head><body><h1>Wireless settings"
               "</h1><a href=/fw>Firmware upgrade</a> <a href=/r>Reboot</a></body></html>")


def _old_tls(lab: Lab, office: Office, ca: LabCA, host: LabHost) -> None:
    lab.start(host, ["openssl", "s_server", "-accept", f"{host.ip}:443", "-cert",
                     str(ca.issue("oldtls.lab", host.ip)), "-www", "-cipher",
                     "DEFAULT:@SECLEVEL=0", "-min_protocol", "TLSv1"], log_name="s_server")
    lab.wait_for_port(host, 443)


def _ftp(lab: Lab, office: Office, ca: LabCA, host: LabHost) -> None:
    conf = office.write(host, "vsftpd.conf", "\n".join([
        "listen=YES", "listen_ipv6=NO", "background=NO", f"listen_address={host.ip}",
        "anonymous_enable=YES", "local_enable=NO", "write_enable=NO", "seccomp_sandbox=NO",
        "secure_chroot_dir=/var/run/vsftpd/empty", "anon_root=/srv/ftp", ""]))
    lab.start(host, ["sh", "-c", "mkdir -p /var/run/vsftpd/empty /srv/ftp && "
                     f"exec vsftpd {conf}"], log_name="vsftpd")
    lab.wait_for_port(host, 21)


def _open_admin(lab: Lab, office: Office, ca: LabCA, host: LabHost) -> None:
    office.web_server(host, 80, title="Router settings",
                      extra_conf='server.tag = "Apache/2.4.49 (Unix)"')
    (lab.workdir / f"{host.name}-www80" / "index.html").write_text(ROUTER_PAGE)


def _printer(lab: Lab, office: Office, ca: LabCA, host: LabHost) -> None:
    office.web_server(host, 631, title="Home - CUPS 2.4.2",
                      extra_conf='server.tag = "CUPS/2.4 IPP/2.1"')
    office.socat_listener(host, 515, "")


BUILDERS = {OLD_TLS: _old_tls, FTP: _ftp, OPEN_ADMIN: _open_admin, PRINTER: _printer}


@pytest.fixture(scope="module")
def scan() -> Iterator[dict[str, dict[str, Any]]]:
    require_lab()
    if not shutil.which("vsftpd"):
        pytest.skip("vsftpd is not installed (scripts/setup.sh installs the lab packages)")
    with Lab() as lab:
        office, ca = Office(lab), LabCA(lab.workdir)
        devices = []
        for index, (ip, build) in enumerate(BUILDERS.items(), start=0x40):
            mac = f"02:c4:ec:00:01:{index:02x}"
            build(lab, office, ca, lab.add_host(build.__name__.strip("_"), mac, ip))
            devices.append({"mac": mac, "ips": [ip], "sources": ["arp"]})
        proc = lab.run_scanner(lab.python("tests.lab.devices.run_checks", "--devices",
                                          json.dumps(devices)), unprivileged=True)
        assert proc.returncode == 0, proc.stderr
        yield {d["ip"]: d for d in json.loads(proc.stdout)["devices"]}


def _ids(device: dict[str, Any]) -> set[str]:
    return {f["id"] for f in device["findings"]}


def _finding(device: dict[str, Any], finding_id: str) -> dict[str, Any]:
    return next(f for f in device["findings"] if f["id"] == finding_id)


def test_a_modern_server_that_accepts_tls_1_0_is_reported(scan: dict[str, Any]) -> None:
    device = scan[OLD_TLS]
    assert "tls-old-protocol" not in _ids(device)  # the best handshake is TLS 1.3
    old = _finding(device, "tls-accepts-old-version")
    assert old["port"] == 443 and "TLS 1.0" in old["evidence"] and "TLS 1.1" in old["evidence"]


def test_vsftpd_with_anonymous_login_is_reported_and_fingerprinted(scan: dict[str, Any]) -> None:
    device = scan[FTP]
    assert {"ftp-cleartext", "ftp-anonymous"} <= _ids(device)
    assert "230" in _finding(device, "ftp-anonymous")["evidence"]
    assert any(f["product"] == "vsFTPd" and f["version"] for f in device["fingerprints"])


def test_an_open_admin_page_and_its_known_exploited_server(scan: dict[str, Any]) -> None:
    device = scan[OPEN_ADMIN]
    assert {"http-admin-cleartext", "http-admin-no-login"} <= _ids(device)
    assert "Router settings" in _finding(device, "http-admin-no-login")["evidence"]
    assert any(f["cpe"] == "cpe:/a:apache:http_server:2.4.49" for f in device["fingerprints"])
    kev = [f for f in device["findings"] if f["id"] == "known-exploited-vulnerability"]
    assert {f["severity"] for f in kev} == {"critical"}
    first = next(f for f in kev if "CVE-2021-41773" in f["evidence"])
    assert "KEV catalogue" in first["evidence"] and "CISA's required action" in first["evidence"]


def test_cleartext_printing_protocols_are_reported(scan: dict[str, Any]) -> None:
    device = scan[PRINTER]
    assert {"ipp-cleartext", "lpd-open"} <= _ids(device)
    assert "CUPS" in _finding(device, "ipp-cleartext")["evidence"]
