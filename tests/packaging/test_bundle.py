"""packaging/build.sh: the frozen bundle runs, scans the lab, passes its self-test; the .deb."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab.office import Office
from tests.packaging.helpers import public_tmp, run, scan_office

# The module's build runs in the first test's set-up: far longer than the default timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]
ROOT = Path(__file__).resolve().parents[2]
APP_ID = "org.iothygiene.IoTHygiene"


@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    """DIST_DIR of a full build.sh run (bundle, tarball, .deb); removed afterwards."""
    folder = public_tmp("iot-hygiene-bundle-")
    env = dict(os.environ, BUILD_DIR=str(folder / "build"), DIST_DIR=str(folder / "dist"))
    started = time.monotonic()
    run([str(ROOT / "packaging" / "build.sh")], cwd=ROOT, env=env, timeout=3600)
    print(f"\nbuild.sh (bundle, tarball, .deb) took {time.monotonic() - started:.0f} s")
    yield folder / "dist"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_frozen_app_runs_and_passes_its_self_test(built: Path) -> None:
    app = built / "iot-hygiene" / "iot-hygiene"
    assert run([str(app), "--version"], cwd=built).stdout.startswith("iot-hygiene ")
    assert "self-test passed" in run([str(app), "--self-test"], cwd=built).stdout
    assert not list((built / "iot-hygiene").rglob("tkinter"))
    assert not [p for p in (built / "iot-hygiene").rglob("*") if "tests" in p.parts]


def test_the_deb_carries_the_desktop_entry_icons_metainfo_and_the_helper_rule(
        built: Path) -> None:
    (deb,) = built.glob("iot-hygiene_*.deb")
    contents = run(["dpkg-deb", "--contents", str(deb)], cwd=built).stdout
    for path in (f"./usr/share/applications/{APP_ID}.desktop",
                 f"./usr/share/metainfo/{APP_ID}.metainfo.xml",
                 "./usr/share/icons/hicolor/scalable/apps/iot-hygiene.svg",
                 "./usr/share/icons/hicolor/48x48/apps/iot-hygiene.png",
                 "./usr/share/icons/hicolor/128x128/apps/iot-hygiene.png",
                 "./usr/share/icons/hicolor/256x256/apps/iot-hygiene.png",
                 "./opt/iot-hygiene/iot-hygiene-arp-helper", "./usr/bin/iot-hygiene"):
        assert path in contents, path
    postinst = run(["dpkg-deb", "--info", str(deb), "postinst"], cwd=built).stdout
    assert "setcap cap_net_raw+ep" in postinst and "iot-hygiene" in postinst
    assert list(built.glob("iot-hygiene-*-linux-*.tar.gz"))


@pytest.mark.lab
def test_the_frozen_app_scans_the_lab_office(built: Path, office: Office) -> None:
    doc = scan_office(office, [str(built / "iot-hygiene" / "iot-hygiene")], cwd=built)
    assert doc["scan"]["mode"] == "raw"


@pytest.mark.lab
def test_the_frozen_deep_scan_runs_as_nobody_with_the_helper_s_capability(
        built: Path, office: Office) -> None:
    # As the .deb's postinst does: only the helper gets cap_net_raw; the app runs as nobody.
    if not shutil.which("setcap"):
        pytest.fail("setcap (libcap2-bin) is needed")
    helper = built / "iot-hygiene" / "iot-hygiene-arp-helper"
    subprocess.run(["setcap", "cap_net_raw+ep", str(helper)], check=True, timeout=30)
    try:
        doc = scan_office(office, [str(built / "iot-hygiene" / "iot-hygiene")], cwd=built,
                          unprivileged=True)
    finally:
        subprocess.run(["setcap", "-r", str(helper)], check=False, timeout=30)
    assert doc["scan"]["mode"] == "raw", doc["scan"]
