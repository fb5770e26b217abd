"""The deep-scan helper refuses every argument but one attached network on one real interface."""

from __future__ import annotations

import ast
import ipaddress
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core import arp_helper
from core.arp_helper import Attached, Refused, Request, check_attached, parse_args
from core.discovery import arp_raw, netif

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    [],
    ["eth0"],
    ["eth0", "10.0.0.0/24", "extra"],
    ["eth0", "10.0.0.0/24", "--seconds"],
    ["eth0", "10.0.0.0/24", "--seconds", "1e9"],
    ["eth0", "10.0.0.0/24", "--seconds", "0"],
    ["eth0", "10.0.0.0/24", "--seconds", "-1"],
    ["eth0", "10.0.0.0/24", "--seconds", "nan"],
    ["eth0", "10.0.0.0/24", "--count", "3"],
    ["--check", "eth0"],
    ["--interface=eth0", "10.0.0.0/24"],
    ["-i", "eth0"],
    ["../../etc/passwd", "10.0.0.0/24"],
    ["eth0/../lo", "10.0.0.0/24"],
    ["..", "10.0.0.0/24"],
    ["eth0; rm -rf /", "10.0.0.0/24"],
    ["eth0\x00", "10.0.0.0/24"],
    ["eth0\n", "10.0.0.0/24"],
    ["éth0", "10.0.0.0/24"],
    ["a" * 16, "10.0.0.0/24"],
    ["-eth0", "10.0.0.0/24"],
    ["eth0", "10.0.0.1/24"],  # host bits set
    ["eth0", "10.0.0.0"],
    ["eth0", "10.0.0.0/8"],  # too large
    ["eth0", "0.0.0.0/0"],
    ["eth0", "10.0.0.0/15"],
    ["eth0", "10.0.0.0/31"],
    ["eth0", "10.0.0.0/33"],
    ["eth0", "010.0.0.0/24"],  # octal-looking
    ["eth0", "10.0.0.0/024"],
    ["eth0", "10.0.0.0 /24"],
    ["eth0", " 10.0.0.0/24"],
    ["eth0", "10.0.0.0/24\n"],
    ["eth0", "10.0.0.0/255.255.255.0"],
    ["eth0", "10.0.0.0/٢٤"],  # Arabic-Indic digits
    ["eth0", "fe80::/64"],
    ["eth0", "127.0.0.0/24"],
    ["eth0", "224.0.0.0/24"],
    ["eth0", "169.254.0.0/16"],
    ["eth0", "240.0.0.0/24"],
    ["eth0", "999.0.0.0/24"],
    ["eth0", "example.com/24"],
]


@pytest.mark.parametrize("argv", HOSTILE, ids=[repr(a)[:60] for a in HOSTILE])
def test_hostile_arguments_are_refused_before_anything_is_opened(
        argv: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def forbidden(*args: object) -> object:
        raise AssertionError("the helper went past validation")

    monkeypatch.setattr(arp_helper, "read_attached", forbidden)
    monkeypatch.setattr(arp_helper, "raw_permitted", forbidden)
    with pytest.raises(Refused):
        parse_args(argv)
    assert arp_helper.main(argv) == arp_helper.EXIT_USAGE
    (line,) = capsys.readouterr().out.splitlines()
    event = json.loads(line)
    assert event["event"] == "error" and event["kind"] == "usage"


def test_good_arguments_are_understood() -> None:
    assert parse_args(["--check"]) is None
    assert parse_args(["eth0", "192.168.1.0/24"]) == Request(
        "eth0", ipaddress.IPv4Network("192.168.1.0/24"), arp_helper.DEFAULT_SECONDS)
    assert parse_args(["br-lan.10", "10.231.0.0/22", "--seconds", "4.5"]) == Request(
        "br-lan.10", ipaddress.IPv4Network("10.231.0.0/22"), 4.5)


def test_only_the_interface_s_own_network_may_be_swept() -> None:
    attached = Attached("10.231.0.2", ipaddress.IPv4Network("10.231.0.0/24"), "02:00:00:00:00:02")
    check_attached(Request("eth0", ipaddress.IPv4Network("10.231.0.128/25"), 3.0), attached)
    for other in ("10.231.1.0/24", "10.231.0.0/23", "192.168.1.0/24"):
        with pytest.raises(Refused, match="not directly attached") as refused:
            check_attached(Request("eth0", ipaddress.IPv4Network(other), 3.0), attached)
        assert refused.value.code == arp_helper.EXIT_INTERFACE


def test_unknown_or_non_ethernet_interfaces_are_refused(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="no interface"):
        arp_helper.read_attached("nosuch0", tmp_path)
    (tmp_path / "lo").mkdir()
    (tmp_path / "lo" / "type").write_text("772\n")
    (tmp_path / "lo" / "address").write_text("00:00:00:00:00:00\n")
    with pytest.raises(Refused, match="not an Ethernet interface"):
        arp_helper.read_attached("lo", tmp_path)


def test_the_helper_limit_is_the_project_s_limit() -> None:
    assert arp_helper.MAX_PREFIX == netif.LARGEST_PREFIX


def test_only_the_helper_imports_scapy() -> None:
    importers = []
    for folder in ("core", "gui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(name.split(".")[0] == "scapy" for name in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert sorted(set(importers)) == ["core/arp_helper.py"]


def test_the_helper_runs_as_its_own_program_and_answers_check() -> None:
    proc = subprocess.run([*arp_raw.helper_command(), "--check"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    event = json.loads(proc.stdout)
    assert event["event"] == "check" and isinstance(event["permitted"], bool)
    refused = subprocess.run([*arp_raw.helper_command(), "lo", "127.0.0.0/8"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == arp_helper.EXIT_USAGE
    assert json.loads(refused.stdout)["kind"] == "usage"


def test_a_frame_parser_keeps_only_unicast_replies() -> None:
    frame = (b"\xff" * 6 + b"\x02" * 6 + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x02"
             + b"\x02\x00\x00\x00\x00\x10" + bytes([10, 0, 0, 16]) + b"\x00" * 10)
    assert arp_helper.parse_arp_reply(frame) == ("10.0.0.16", "02:00:00:00:00:10")
    assert arp_helper.parse_arp_reply(frame[:20]) is None


def test_a_bundle_finds_its_helper_beside_the_real_executable(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "opt").mkdir()
    app = tmp_path / "opt" / "iot-hygiene"
    app.write_text("")
    (tmp_path / "opt" / "iot-hygiene-arp-helper").write_text("")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "iot-hygiene").symlink_to(app)  # like the .deb's /usr/bin link
    monkeypatch.delenv("IOT_HYGIENE_ARP_HELPER", raising=False)
    monkeypatch.delenv("IOT_HYGIENE_ARP_PKEXEC", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "iot-hygiene"))
    assert arp_raw.helper_command() == [str(tmp_path / "opt" / "iot-hygiene-arp-helper")]
    monkeypatch.setenv("IOT_HYGIENE_ARP_PKEXEC", "1")
    assert arp_raw.helper_command()[0] == "pkexec"
    monkeypatch.setenv("IOT_HYGIENE_ARP_HELPER", "/x/helper --flag")
    assert arp_raw.helper_command() == ["pkexec", "/x/helper", "--flag"]
