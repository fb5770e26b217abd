"""Installed entry points: put the app's own `core` and `gui` on sys.path, then run them."""

# The wheel installs core/ and gui/ under iot_hygiene/_app/, not as generic top-level packages
# of site-packages; these functions (the console and gui scripts) add that folder to sys.path
# first. In a source checkout or an editable install there is no _app/: the checkout root is
# used. The spawned scan process inherits sys.path, so it finds them too.

from __future__ import annotations

import sys
from pathlib import Path


def app_path() -> str:
    """The folder holding `core` and `gui`: the wheel's private _app/, or the checkout."""
    here = Path(__file__).resolve().parent
    private = here / "_app"
    path = str(private if private.is_dir() else here.parent)
    if path not in sys.path:
        sys.path.insert(0, path)
    return path


def main() -> int:
    """`iot-hygiene`: subcommands, --self-test, or the window without arguments."""
    app_path()
    from gui.launcher import main as launcher_main

    return launcher_main()


def app_main() -> int:
    """`iot-hygiene-app`: the window."""
    app_path()
    from gui.launcher import app_main as launcher_app_main

    return launcher_app_main()


def arp_helper_main() -> int:
    """`iot-hygiene-arp-helper`: the deep-scan helper (standard library and scapy only)."""
    app_path()
    from core.arp_helper import main as helper_main

    return helper_main()
