"""core.paths.resource() finds the data files in a checkout, a wheel and a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core import paths

ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_uses_its_own_resources_folder() -> None:
    assert paths.RESOURCES_DIR == ROOT / "resources"
    assert paths.resource("findings.toml").is_file()


def test_a_frozen_bundle_uses_the_folder_it_unpacked(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths._locate_resources() == tmp_path / "resources"


def test_the_wheel_maps_resources_to_one_data_package() -> None:
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert 'DATA = "iot_hygiene_resources"' in setup
    assert 'DATA: "resources"' in setup
    assert paths.RESOURCE_PACKAGE == "iot_hygiene_resources"
    assert (ROOT / "resources" / "__init__.py").is_file()  # a real package: files() is a Path
