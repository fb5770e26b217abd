"""The virtual LAN itself works: devices reachable, mDNS visible, nothing left behind."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import require_lab
from tests.lab.netlab import Lab, lab_namespaces
from tests.lab.office import OFFICE, Office

pytestmark = pytest.mark.lab


def test_every_office_device_answers_arp_from_the_scanner(office: Office) -> None:
    lab = office.lab
    for spec in OFFICE:
        # arping-free check: one UDP datagram makes the kernel resolve the MAC by ARP.
        lab.exec(lab.scanner.ns, ["python3", "-c",
                 f"import socket; s=socket.socket(2,2); s.sendto(b'x', ('{spec.ip}', 9))"])
    neigh = json.loads(_poll_neigh(lab, len(OFFICE)))
    seen = {n["dst"]: n.get("lladdr") for n in neigh if n.get("lladdr")}
    for spec in OFFICE:
        assert seen.get(spec.ip) == spec.mac, f"{spec.name} not resolved: {seen}"


def test_tcp_services_listen_where_expected(office: Office) -> None:
    lab = office.lab
    for spec in OFFICE:
        for port in spec.tcp_ports:
            out = lab.exec(lab.scanner.ns, ["python3", "-c", (
                "import socket; s=socket.create_connection"
                f"(('{spec.ip}', {port}), timeout=3); print('open')")])
            assert out.strip() == "open", f"{spec.name}:{port}"


def test_silent_host_drops_ip_traffic(office: Office) -> None:
    lab = office.lab
    silent = office.expected["silent"]
    proc = subprocess.run(
        lab.scanner_command(["ping", "-c", "1", "-W", "1", silent.ip]), capture_output=True)
    assert proc.returncode != 0


def test_mdns_services_are_visible_from_the_scanner_namespace(office: Office) -> None:
    lab = office.lab
    expected = {t for spec in OFFICE for t in spec.services}
    proc = lab.run_scanner(lab.python("tests.lab.devices.mdns_probe", lab.scanner.ip, "3"),
                           timeout=30)
    assert proc.returncode == 0, proc.stderr
    found = set(json.loads(proc.stdout))
    assert expected <= found, f"missing: {expected - found}"


def test_teardown_leaves_no_namespace_and_no_process() -> None:
    require_lab()
    lab = Lab()
    host = lab.add_host("dev", "00:11:32:aa:00:01", "10.231.0.50")
    proc = lab.start(host, ["sleep", "60"])
    prefix = lab.prefix
    assert lab_namespaces(prefix)
    lab.teardown()
    assert proc.poll() is not None
    assert lab_namespaces(prefix) == []


def test_teardown_runs_when_the_test_body_fails() -> None:
    require_lab()
    with pytest.raises(RuntimeError), Lab() as lab:
        prefix = lab.prefix
        raise RuntimeError("boom")
    assert lab_namespaces(prefix) == []


def _poll_neigh(lab: Lab, want: int) -> str:
    import time

    deadline = time.monotonic() + 5
    out = "[]"
    while time.monotonic() < deadline:
        out = lab.exec(lab.scanner.ns, ["ip", "-j", "neigh", "show", "dev", "eth0"])
        if sum(1 for n in json.loads(out) if n.get("lladdr")) >= want:
            break
        time.sleep(0.1)
    return out
