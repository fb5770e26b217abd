"""The thorough scan's port list: strict reader, check-data, and Nmap's own ranking."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from core.cli import main
from core.datafiles.top_ports import COUNT, bundled, rank_nmap_services, read_top_ports, render
from core.errors import DataFileError
from core.paths import resource

NMAP_SERVICES = Path("/usr/share/nmap/nmap-services")
PORTS = Path(resource("ports", "top-tcp.txt"))


def _copy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "top-tcp.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_list_holds_1000_unique_ports_most_frequent_first() -> None:
    ports = bundled()
    assert len(ports) == len(set(ports)) == COUNT
    assert ports[:5] == (80, 23, 443, 21, 22)
    assert all(0 < p < 65536 for p in ports)


@pytest.mark.skipif(not NMAP_SERVICES.exists(), reason="nmap is not installed")
def test_the_list_is_nmaps_ranking_regenerated_from_nmap_services() -> None:
    lines = NMAP_SERVICES.read_text(encoding="utf-8").splitlines()
    assert rank_nmap_services(lines) == bundled()
    assert PORTS.read_text(encoding="utf-8") == render(bundled())


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap is not installed")
def test_nmap_top_ports_1000_scans_exactly_these_ports() -> None:
    # inside a fresh network namespace with only loopback: nothing leaves this machine
    proc = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up; nmap -sT "
                           "--top-ports 1000 -n -oX - 127.0.0.1"], capture_output=True,
                          text=True, timeout=120, check=True)
    listed = proc.stdout.split(' services="')[1].split('"')[0]
    nmaps: set[int] = set()
    for part in listed.split(","):
        low, _, high = part.partition("-")
        nmaps.update(range(int(low), int(high or low) + 1))
    assert nmaps == set(bundled())


def test_ranking_keeps_tcp_only_highest_frequency_first_ties_by_port() -> None:
    lines = ["# comment", "a\t22/tcp\t0.5", "b\t22/udp\t0.9", "c\t80/tcp\t0.7",
             "d\t10/tcp\t0.5\t# tie", "e\t7/sctp\t0.99", "f\t8/tcp\t0.1"]
    assert rank_nmap_services(lines, count=3) == (80, 10, 22)


@pytest.mark.parametrize(("change", "named"), [
    (lambda t: t.replace("\n443\n", "\n80\n", 1), "port 80 already on line 7"),
    (lambda t: t.replace("\n443\n", "\n70000\n", 1), "port 70000 is outside 1..65535"),
    (lambda t: t.replace("\n443\n", "\n0\n", 1), "port 0 is outside 1..65535"),
    (lambda t: t.replace("\n443\n", "\nhttps\n", 1), "expected a port number, got 'https'"),
    (lambda t: t.replace("\n443\n", "\n", 1), "holds 999 ports, expected exactly 1000"),
    (lambda t: t + "65001\n", "holds 1001 ports, expected exactly 1000"),
])
def test_a_bad_list_fails_naming_the_line(tmp_path: Path, change: object, named: str) -> None:
    text = change(PORTS.read_text(encoding="utf-8"))  # type: ignore[operator]
    with pytest.raises(DataFileError, match=named):
        read_top_ports(_copy(tmp_path, text))


def test_check_data_names_the_bad_port_file(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    shutil.copytree(resource(), folder, ignore=shutil.ignore_patterns("icons"))
    ports = folder / "ports" / "top-tcp.txt"
    ports.write_text(ports.read_text(encoding="utf-8") + "80\n", encoding="utf-8")
    assert main(["check-data", str(folder)]) == 1
    assert "ports/top-tcp.txt line 1007: port 80 already on line 7" in capsys.readouterr().err
