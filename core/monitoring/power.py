"""Is this computer on battery? Read from /sys/class/power_supply (Linux); unknown means mains."""

from __future__ import annotations

from pathlib import Path

POWER_SUPPLY = Path("/sys/class/power_supply")
_EXTERNAL = ("Mains", "USB", "USB_C", "USB_PD", "Wireless")


def on_battery(root: Path = POWER_SUPPLY) -> bool:
    """True only when the machine has external supplies and none of them is online."""
    supplies = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return False
    for entry in entries:
        kind = _read(entry / "type")
        if kind not in _EXTERNAL:
            continue
        online = _read(entry / "online")
        if online in ("0", "1"):
            supplies.append(online == "1")
    has_battery = any(_read(e / "type") == "Battery" for e in entries)
    return has_battery and bool(supplies) and not any(supplies)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""
