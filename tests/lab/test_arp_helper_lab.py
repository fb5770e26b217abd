"""Lab: the deep scan runs as `nobody`; only the separate helper holds CAP_NET_RAW."""

# How the privilege is granted here, as the .deb does it: the helper's interpreter is a *copy*
# given `cap_net_raw+ep` with setcap (a file capability, like Wireshark's dumpcap), in its own
# throw-away venv; the app runs as nobody from a second venv without any capability. Neither
# interpreter is the test run's own, so nothing outside the temporary folder gains a privilege.

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_lab
from tests.lab.netlab import REPO_ROOT, Lab

pytestmark = pytest.mark.lab

HOSTS = {f"h{n}": (f"02:1a:b0:00:01:{n:02x}", f"10.231.0.{n}") for n in range(20, 26)}
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def _runtime(folder: Path, capable: bool) -> Path:
    """A venv (copied interpreter) that sees this run's packages; setcap'd if `capable`."""
    base = Path(f"/usr/bin/python{VERSION}")  # readable by nobody, unlike a root-only pyenv
    if not base.exists():
        base = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    subprocess.run([str(base), "-m", "venv", "--copies", "--without-pip", str(folder)],
                   check=True, timeout=60)
    site = next((folder / "lib").glob("python3*/site-packages"))
    (site / "run-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = folder / "bin" / f"python{VERSION}"
    if capable:
        subprocess.run(["setcap", "cap_net_raw+ep", str(python)], check=True, timeout=30)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o055 | (0o011 if path.is_dir() else 0))
    return python


@pytest.fixture(scope="module")
def deep_lab() -> Iterator[tuple[Lab, Path, Path]]:
    require_lab()
    if not shutil.which("setcap"):
        pytest.fail("setcap (libcap2-bin) is needed for the deep-scan lab test")
    root = Path(tempfile.mkdtemp(prefix="iot-hygiene-deep-"))  # /tmp: nobody can reach it
    try:
        root.chmod(0o755)
        app_python = _runtime(root / "app", capable=False)
        helper_python = _runtime(root / "helper", capable=True)
        with Lab() as lab:
            for name, (mac, ip) in HOSTS.items():
                lab.add_host(name, mac, ip)
            yield lab, app_python, helper_python
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _scan(lab: Lab, python: Path, mode: str, helper: str) -> dict[str, object]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", IOT_HYGIENE_ARP_HELPER=helper,
               IOT_HYGIENE_QUIET="1")
    for name in ("IOT_HYGIENE_DATA_DIR", "IOT_HYGIENE_LOG_DIR"):
        env.pop(name, None)  # the test's own folders are root's; nobody gets its defaults
    argv = [str(python), "-m", "core", "scan", "--interface", "eth0", "--json", "--mode", mode,
            "--timeout", "3"]
    proc = subprocess.run(lab.scanner_command(argv, unprivileged=True), capture_output=True,
                          text=True, timeout=90, env=env, cwd=REPO_ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, object] = json.loads(proc.stdout)
    return doc


def test_deep_scan_as_nobody_through_the_capable_helper(deep_lab: tuple[Lab, Path, Path]) -> None:
    lab, app_python, helper_python = deep_lab
    helper = f"{helper_python} -I {REPO_ROOT / 'core' / 'arp_helper.py'}"
    doc = _scan(lab, app_python, "auto", helper)
    scan = doc["scan"]
    assert isinstance(scan, dict) and scan["mode"] == "raw", scan
    found = {d["mac"]: d["ip"] for d in doc["devices"]}  # type: ignore[attr-defined]
    for mac, ip in HOSTS.values():
        assert found.get(mac) == ip
    # The app process itself holds no privilege: its own interpreter cannot open a raw socket.
    probe = ("import socket\ntry:\n socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\n"
             " print('raw')\nexcept PermissionError:\n print('denied')\n")
    proc = subprocess.run(lab.scanner_command([str(app_python), "-c", probe], unprivileged=True),
                          capture_output=True, text=True, timeout=30, check=True)
    assert proc.stdout.strip() == "denied"


def test_without_a_capable_helper_the_scan_says_it_ran_in_standard_mode(
        deep_lab: tuple[Lab, Path, Path]) -> None:
    lab, app_python, _ = deep_lab
    helper = f"{app_python} -I {REPO_ROOT / 'core' / 'arp_helper.py'}"
    doc = _scan(lab, app_python, "auto", helper)
    scan = doc["scan"]
    assert isinstance(scan, dict) and scan["mode"] == "kernel"
    assert "no CAP_NET_RAW" in scan["mode_reason"] and "standard mode" in scan["mode_reason"]


def test_helper_sweep_finds_what_arp_scan_finds(deep_lab: tuple[Lab, Path, Path]) -> None:
    lab, _, helper_python = deep_lab
    started = time.monotonic()
    out = lab.exec(lab.scanner.ns, [*(["setpriv", "--reuid=65534", "--regid=65534",
                                       "--clear-groups"]), str(helper_python), "-I",
                                    str(REPO_ROOT / "core" / "arp_helper.py"), "eth0",
                                    "10.231.0.0/24", "--seconds", "10"], timeout=60)
    helper_seconds = time.monotonic() - started
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "start" and events[-1]["event"] == "done"
    helper_found = {e["mac"] for e in events if e["event"] == "host"}
    if shutil.which("arp-scan"):
        started = time.monotonic()
        peer = lab.exec(lab.scanner.ns, ["arp-scan", "--interface", "eth0", "--quiet",
                                         "--plain", "10.231.0.0/24"], timeout=60)
        arp_scan_seconds = time.monotonic() - started
        peer_found = {line.split("\t")[1] for line in peer.splitlines() if "\t" in line}
        assert helper_found == peer_found
        print(f"\nsweep of a /24: helper {helper_seconds:.2f} s, arp-scan {arp_scan_seconds:.2f} s")
    assert {mac for mac, _ in HOSTS.values()} <= helper_found
