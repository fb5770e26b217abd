"""Packaging files agree with the code: Info.plist's Bonjour types, the version, the metainfo."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from core import __version__
from core.discovery import mdns

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "iot-hygiene.spec"


def _bonjour_services() -> list[str]:
    """Run the spec's own bonjour_services() (the spec itself needs PyInstaller to execute)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    (func,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)
               and n.name == "bonjour_services"]
    namespace: dict[str, object] = {"re": re, "tomllib": tomllib, "ROOT": ROOT}
    exec(compile(ast.Module(body=[func], type_ignores=[]), str(SPEC), "exec"), namespace)
    services = namespace["bonjour_services"]()  # type: ignore[operator]
    assert isinstance(services, list)
    return services


def test_info_plist_lists_every_service_type_the_app_browses() -> None:
    services = set(_bonjour_services())
    browsed = {t.removesuffix(".local.") for t in (*mdns.SEED_TYPES, mdns.TYPE_ENUMERATION)}
    assert browsed <= services
    rules = (ROOT / "resources" / "identify" / "mdns.toml").read_text(encoding="utf-8")
    assert set(re.findall(r"_[a-z0-9-]+\._(?:tcp|udp)", rules)) <= services


def test_the_release_files_carry_the_one_version() -> None:
    metainfo = (ROOT / "packaging" / "linux" / "org.iothygiene.IoTHygiene.metainfo.xml")
    assert f'<release version="{__version__}"' in metainfo.read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
