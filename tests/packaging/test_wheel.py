"""The wheel, installed (not editable) into a fresh venv, is a working app and command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab.office import Office
from tests.packaging.helpers import public_tmp, run, scan_office

# The module's build runs in the first test's set-up: far longer than the default timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """bin/ of a fresh venv with the freshly built wheel installed; removed afterwards."""
    folder = public_tmp("iot-hygiene-wheel-")
    started = time.monotonic()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder / "wheel"),
         str(ROOT)], cwd=folder)
    (wheel,) = (folder / "wheel").glob("iot_hygiene-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "iot_hygiene_resources/findings.toml" in names
    assert "iot_hygiene_resources/sample/office.json" in names
    # No generic top-level packages: core and gui live under iot_hygiene/_app/.
    assert {n.split("/")[0] for n in names if not n.startswith("iot_hygiene-")} == {
        "iot_hygiene", "iot_hygiene_resources"}
    assert "iot_hygiene/_app/core/arp_helper.py" in names
    run([sys.executable, "-m", "venv", str(folder / "venv")], cwd=folder)
    run([str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        cwd=folder)
    print(f"\nwheel built and installed in {time.monotonic() - started:.1f} s")
    yield folder / "venv" / "bin"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_installed_commands_run_from_outside_the_checkout(installed: Path) -> None:
    for name in ("iot-hygiene", "iot-hygiene-app", "iot-hygiene-arp-helper"):
        assert (installed / name).exists(), name
    version = run([str(installed / "iot-hygiene"), "--version"], cwd=installed)
    assert version.stdout.startswith("iot-hygiene ")
    data = run([str(installed / "iot-hygiene"), "check-data"], cwd=installed)
    assert "site-packages/iot_hygiene_resources are valid" in data.stdout
    test = run([str(installed / "iot-hygiene"), "--self-test"], cwd=installed)
    assert "self-test passed" in test.stdout
    check = run([str(installed / "iot-hygiene-arp-helper"), "--check"], cwd=installed)
    assert '"event":"check"' in check.stdout
    generic = subprocess.run([str(installed / "python"), "-c", "import core"], cwd=installed,
                             capture_output=True, text=True, timeout=60, check=False)
    assert generic.returncode != 0  # nothing called `core` lands in site-packages


@pytest.mark.lab
def test_the_installed_app_scans_the_lab_office(installed: Path, office: Office) -> None:
    doc = scan_office(office, [str(installed / "iot-hygiene")], cwd=installed)
    assert doc["scan"]["mode"] == "raw"  # root in the lab: the installed helper sweeps
