"""Deep (raw ARP) mode: runs the sweep in the separate helper program and reads its replies."""

# The helper (core/arp_helper.py, `iot-hygiene-arp-helper`) is the only code that imports scapy and
# the only code that needs a privilege (CAP_NET_RAW or root); this process never does. It is found,
# in order: IOT_HYGIENE_ARP_HELPER (a command line), next to a frozen app's executable or among
# this Python's console scripts, else this Python running core/arp_helper.py in isolated mode.
# With IOT_HYGIENE_ARP_PKEXEC=1 it is started through pkexec (the polkit policy in
# packaging/linux/ must be installed).

from __future__ import annotations

import ipaddress
import json
import os
import select
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core import arp_helper
from core.arp_helper import BATCH, BATCH_GAP, FINAL_WAIT, ROUND_WAIT, ROUNDS
from core.arp_helper import parse_arp_reply as _parse
from core.cancel import CancelToken
from core.errors import InterfaceError, KnownError, NeedsPrivilegesError
from core.models import ArpEntry

HELPER_NAME = "iot-hygiene-arp-helper"
CHECK_TIMEOUT = 10.0
CHECK_CACHE_SECONDS = 10.0
_checked: tuple[float, tuple[bool, str]] | None = None


def helper_command() -> list[str]:
    """The command that starts the helper (see the module's docstring for the order)."""
    override = os.environ.get("IOT_HYGIENE_ARP_HELPER", "").strip()
    if override:
        command = shlex.split(override)
    else:
        exe = HELPER_NAME + (".exe" if sys.platform == "win32" else "")
        frozen = bool(getattr(sys, "frozen", False))
        # A bundle's helper sits beside the real executable (/usr/bin/iot-hygiene is a link).
        here = (Path(sys.executable).resolve() if frozen else Path(sys.executable)).parent
        if frozen or (here / exe).is_file():  # a bundle's, or an installed console script
            command = [str(here / exe)]
        else:  # a source checkout: the file itself, isolated (-I: no script dir, no PYTHON*)
            command = [sys.executable, "-I", str(Path(arp_helper.__file__).resolve())]
    if os.environ.get("IOT_HYGIENE_ARP_PKEXEC") == "1":
        command = ["pkexec", *command]
    return command


def raw_permitted() -> tuple[bool, str]:
    """Whether the helper may send raw frames, and why (plain words); asked at most every 10 s."""
    global _checked
    if sys.platform == "win32":
        return False, "raw ARP on Windows needs Npcap; using the system's ARP table"
    if not sys.platform.startswith("linux"):
        return False, "the deep-scan helper runs on Linux only"
    now = time.monotonic()
    if _checked and now - _checked[0] < CHECK_CACHE_SECONDS:
        return _checked[1]
    try:
        proc = subprocess.run([*helper_command(), "--check"], capture_output=True, text=True,
                              timeout=CHECK_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        answer = json.loads(proc.stdout.splitlines()[0]) if proc.stdout else {}
        result = (bool(answer.get("permitted")), str(answer.get("why") or proc.stderr.strip()
                                                     or "the deep-scan helper did not answer"))
    except (OSError, subprocess.TimeoutExpired, ValueError) as error:
        root = hasattr(os, "geteuid") and os.geteuid() == 0
        result = (False, f"the deep-scan helper cannot start ({error})"
                  + ("" if root else "; not running as root"))
    _checked = (now, result)
    return result


def time_needed(network: ipaddress.IPv4Network) -> float:
    """Seconds a raw sweep of `network` typically needs, the helper's start and scapy included."""
    sending = ROUNDS * network.num_addresses / BATCH * (BATCH_GAP + 0.002)
    return 0.7 + ROUNDS * ROUND_WAIT + FINAL_WAIT + sending


def raw_arp_scan(network: ipaddress.IPv4Network, iface: str, own_ip: str, own_mac: str,
                 cancel: CancelToken, on_entry: Callable[[ArpEntry], None] | None = None,
                 deadline: float | None = None) -> tuple[ArpEntry, ...]:
    """ARP-request every address of `network` on `iface` through the helper.

    `own_ip` and `own_mac` are not passed on: the helper reads them from the kernel itself.
    """
    seconds = min(600.0, max(0.5, (deadline - time.monotonic()) if deadline else 30.0))
    command = [*helper_command(), iface, str(network), "--seconds", f"{seconds:.1f}"]
    found: dict[str, ArpEntry] = {}
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as error:
        raise NeedsPrivilegesError(f"The deep-scan helper cannot start ({error}).",
                                   "Use the standard mode (--mode kernel).") from error
    assert proc.stdout is not None
    error_event: dict[str, object] = {}
    buffer = b""
    try:
        while not cancel.cancelled:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = _event(line)
                if event.get("event") == "host":
                    entry = ArpEntry(str(event["ip"]), str(event["mac"]))
                    if entry.ip not in found and ipaddress.IPv4Address(entry.ip) in network:
                        found[entry.ip] = entry
                        if on_entry:
                            on_entry(entry)
                elif event.get("event") == "error":
                    error_event = event
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    if error_event and not cancel.cancelled:
        _raise(error_event, proc.returncode)
    if proc.returncode not in (0, None) and not cancel.cancelled and proc.returncode > 0:
        raise KnownError(f"The deep-scan helper failed (exit {proc.returncode}): "
                         f"{stderr.strip()[-300:]}", "Use the standard mode (--mode kernel).")
    return tuple(found.values())


def _event(line: bytes) -> dict[str, object]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _raise(event: dict[str, object], code: int | None) -> None:
    message = str(event.get("message", "refused"))
    if event.get("kind") == "privilege":
        raise NeedsPrivilegesError(
            f"Raw ARP needs the deep-scan helper to have CAP_NET_RAW ({message}).",
            "Install the .deb and join the iot-hygiene group, or use the standard mode "
            "(--mode kernel).")
    if event.get("kind") == "interface":
        raise InterfaceError(f"The deep-scan helper refused: {message}.",
                             "Only the network the chosen interface is connected to can be "
                             "swept.")
    raise KnownError(f"The deep-scan helper refused its arguments: {message} (exit {code}).",
                     "This is a bug; please report it.")


def parse_arp_reply(frame: bytes) -> ArpEntry | None:
    """The sender of an Ethernet ARP reply frame, or None for anything else."""
    reply = _parse(frame)
    return ArpEntry(*reply) if reply else None
