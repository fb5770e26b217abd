"""Lab: WS-Discovery (a camera), NetBIOS (nmbd) and LLMNR names found by `scan`, by MAC."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require_lab
from tests.lab.netlab import Lab
from tests.lab.office import Office

pytestmark = pytest.mark.lab

CAMERA = ("wsdcam", "bc:ad:28:00:02:50", "10.231.0.50")  # a Hikvision OUI
NAS = ("nbnas", "02:c4:ec:00:02:51", "10.231.0.51")
LAPTOP = ("llmnrpc", "3c:52:82:00:02:52", "10.231.0.52")  # answers LLMNR only, as Windows does
SMB_CONF = """[global]
  netbios name = LABNAS
  workgroup = OFFICE
  interfaces = eth0
  bind interfaces only = yes
  disable netbios = no
  lock directory = {run}/lock
  state directory = {run}/state
  cache directory = {run}/cache
  pid directory = {run}
  private dir = {run}/private
  log file = {run}/nmbd.log
"""


@pytest.fixture(scope="module")
def devices() -> Iterator[dict[str, dict[str, Any]]]:
    require_lab()
    if not shutil.which("nmbd"):
        pytest.skip("nmbd is not installed (scripts/setup.sh installs the lab packages)")
    with Lab() as lab:
        office = Office(lab)
        camera = lab.add_host(*CAMERA)
        lab.start(camera, lab.python("tests.lab.devices.wsd_camera", "--ip", camera.ip))
        nas = lab.add_host(*NAS)
        run = lab.workdir / "nbnas-run"
        for sub in ("lock", "state", "cache", "private"):
            (run / sub).mkdir(parents=True, exist_ok=True)
        conf = office.write(nas, "smb.conf", SMB_CONF.format(run=run))
        lab.start(nas, ["nmbd", "-F", "--no-process-group", "-s", str(conf)], log_name="nmbd")
        laptop = lab.add_host(*LAPTOP)
        lab.start(laptop, lab.python("tests.lab.devices.llmnr_responder", "--ip", laptop.ip,
                                     "--name", "ACCOUNTS-LAPTOP"))
        _wait_udp(lab, nas.ns, 137)
        _wait_udp(lab, camera.ns, 3702)
        _wait_udp(lab, laptop.ns, 5355)
        proc = lab.run_scanner(lab.python("core", "scan", "--interface", "eth0", "--json",
                                          "--mode", "kernel", "--timeout", "4"),
                               unprivileged=True)
        assert proc.returncode == 0, proc.stderr
        yield {d["mac"]: d for d in json.loads(proc.stdout)["devices"]}


def _wait_udp(lab: Lab, ns: str, port: int) -> None:
    for _ in range(100):  # bounded: 10 s
        if lab.exec(ns, ["ss", "-Hlun", f"sport = :{port}"], check=False).strip():
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on UDP {port} in {ns}")


def test_a_ws_discovery_camera_is_found_with_model_and_name(
        devices: dict[str, dict[str, Any]]) -> None:
    camera = devices[CAMERA[1]]
    assert camera["ip"] == CAMERA[2] and "wsd" in camera["sources"]
    assert "mdns" not in camera["sources"] and "ssdp" not in camera["sources"]
    assert camera["wsd"]["model"] == "DS-2CD2143G2-I" and camera["wsd"]["name"] == "Lobby Cam"
    assert camera["wsd"]["xaddrs"] == [f"http://{CAMERA[2]}/onvif/device_service"]
    assert camera["category"] == "camera" and camera["label"] == "Lobby Cam"
    assert camera["model"] == "Hikvision DS-2CD2143G2-I"


def test_a_netbios_machine_is_found_with_name_and_workgroup(
        devices: dict[str, dict[str, Any]]) -> None:
    nas = devices[NAS[1]]
    assert "netbios" in nas["sources"] and nas["ip"] == NAS[2]
    assert nas["netbios"]["name"] == "LABNAS" and nas["netbios"]["workgroup"] == "OFFICE"
    assert "LABNAS<20>" in nas["netbios"]["names"] or "LABNAS<00>" in nas["netbios"]["names"]


def test_an_llmnr_name_is_shown_with_its_source(devices: dict[str, dict[str, Any]]) -> None:
    laptop = devices[LAPTOP[1]]
    assert laptop["ip"] == LAPTOP[2] and laptop["sources"] == ["arp", "llmnr"]
    assert laptop["hostnames"] == ["ACCOUNTS-LAPTOP"]
    assert "llmnr" not in devices[NAS[1]]["sources"]  # nmbd does not speak LLMNR
