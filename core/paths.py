"""Where IoT Hygiene keeps its files: data, logs, bundled resources (env overrides first)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from core.files import own_private_dir

APP_NAME = "iot-hygiene"
RESOURCE_PACKAGE = "iot_hygiene_resources"  # resources/ as installed from the wheel


def _locate_resources() -> Path:
    """The data folder: a PyInstaller bundle's, a source checkout's, or the installed package's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "findings.toml").is_file():
        return checkout
    from importlib.resources import files

    installed = files(RESOURCE_PACKAGE)  # a real folder: wheels are always unpacked
    if not isinstance(installed, Path):
        raise RuntimeError(f"{RESOURCE_PACKAGE} is not a folder on disk ({installed!r})")
    return installed


RESOURCES_DIR = _locate_resources()


def data_dir() -> Path:
    """The per-user data folder (IOT_HYGIENE_DATA_DIR overrides it); created on demand, 0700."""
    override = os.environ.get("IOT_HYGIENE_DATA_DIR")
    return own_private_dir(Path(override or platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def default_db_path() -> Path:
    """The database file: IOT_HYGIENE_DB if set, else `hygiene.sqlite3` in the data folder."""
    override = os.environ.get("IOT_HYGIENE_DB")
    return Path(override) if override else data_dir() / "hygiene.sqlite3"


def log_dir() -> Path:
    """The per-user log folder (IOT_HYGIENE_LOG_DIR overrides it); created on demand, 0700."""
    override = os.environ.get("IOT_HYGIENE_LOG_DIR")
    return own_private_dir(Path(override or platformdirs.user_log_dir(APP_NAME, appauthor=False)))


def resource(*parts: str) -> Path:
    """A path inside the bundled `resources/` folder."""
    return RESOURCES_DIR.joinpath(*parts)
