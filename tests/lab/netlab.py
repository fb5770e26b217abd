"""A virtual LAN built from Linux network namespaces and veth pairs, with full teardown."""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

LAB_SUBNET = "10.231.0.0/24"
SCANNER_IP = "10.231.0.2"
SCANNER_MAC = "02:1a:b0:00:00:02"
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all")
_counter = itertools.count(1)
REPO_ROOT = Path(__file__).resolve().parents[2]


class LabUnavailable(RuntimeError):
    """This machine cannot build the lab (not root, no iproute2, no netns support)."""


def lab_unavailable_reason() -> str:
    """Empty when a lab can be built here, otherwise why not."""
    if sys.platform != "linux":
        return "the virtual LAN needs Linux network namespaces"
    if os.geteuid() != 0:
        return "the virtual LAN needs root (ip netns)"
    if shutil.which("ip") is None:
        return "iproute2 (`ip`) is not installed"
    return ""


def run(argv: Sequence[str], timeout: float = 20, check: bool = True) -> str:
    """Run a short command, return its stdout; raise with stderr on failure."""
    proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


@dataclass
class LabHost:
    """One machine on the virtual LAN: a namespace with eth0 plugged into the lab switch."""

    name: str
    ns: str
    mac: str
    ip: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


class Lab:
    """Builds namespaces, plugs hosts into one bridge, starts their daemons, and tears all down."""

    def __init__(self, subnet: str = LAB_SUBNET) -> None:
        reason = lab_unavailable_reason()
        if reason:
            raise LabUnavailable(reason)
        self.network = ipaddress.ip_network(subnet)
        self.prefix = f"ih{os.getpid() % 100000}n{next(_counter)}"
        self.switch_ns = f"{self.prefix}-sw"
        self.hosts: dict[str, LabHost] = {}
        self.namespaces: list[str] = []
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self._ports = itertools.count(1)
        self._add_namespace(self.switch_ns)
        run(["ip", "-n", self.switch_ns, "link", "add", "br0", "type", "bridge",
             "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0"])
        run(["ip", "-n", self.switch_ns, "link", "set", "br0", "up"])
        self.scanner = self.add_host("scan", SCANNER_MAC, SCANNER_IP)

    # -- building -------------------------------------------------------------------------
    def add_host(self, name: str, mac: str, ip: str) -> LabHost:
        """A new namespace `name` with eth0 (given MAC and IP) plugged into the lab switch."""
        ns = f"{self.prefix}-{name}"
        port = f"p{next(self._ports)}"
        self._add_namespace(ns)
        run(["ip", "link", "add", "eth0", "netns", ns, "address", mac, "type", "veth",
             "peer", "name", port, "netns", self.switch_ns])
        run(["ip", "-n", self.switch_ns, "link", "set", port, "master", "br0", "up"])
        prefix_len = self.network.prefixlen
        for argv in (
            ["addr", "add", f"{ip}/{prefix_len}", "dev", "eth0"],
            ["link", "set", "lo", "up"],
            ["link", "set", "eth0", "up"],
            ["route", "add", "224.0.0.0/4", "dev", "eth0"],
        ):
            run(["ip", "-n", ns, *argv])
        host = LabHost(name=name, ns=ns, mac=mac.lower(), ip=ip)
        self.hosts[name] = host
        return host

    def add_crowd(self, name: str, ips: Sequence[str], mac_prefix: str = "a4:4c:c8:ee") -> str:
        """Hosts that answer ARP but drop every IP packet (a firewalled office crowd).

        All are macvlan interfaces in one namespace `name` (one veth into the switch), with
        `arp_ignore=1` so each answers ARP for its own address only, behind one nftables drop.
        Returns the namespace.
        """
        ns = f"{self.prefix}-{name}"
        port = f"p{next(self._ports)}"
        self._add_namespace(ns)
        run(["ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port,
             "netns", self.switch_ns])
        run(["ip", "-n", self.switch_ns, "link", "set", port, "master", "br0", "up"])
        for key in ("all", "default"):
            self.exec(ns, ["sysctl", "-qw", f"net.ipv4.conf.{key}.arp_ignore=1",
                           f"net.ipv4.conf.{key}.arp_announce=2"])
        prefix_len = self.network.prefixlen
        batch = ["link set lo up", "link set eth0 up"]
        for n, ip in enumerate(ips):
            mac = f"{mac_prefix}:{n >> 8:02x}:{n & 0xFF:02x}"
            batch += [f"link add m{n} link eth0 address {mac} type macvlan mode private",
                      f"addr add {ip}/{prefix_len} dev m{n}", f"link set m{n} up"]
        script = self.workdir / f"{name}.batch"
        script.write_text("\n".join(batch) + "\n")
        run(["ip", "-n", ns, "-batch", str(script)], timeout=120)
        rules = self.workdir / f"{name}.nft"
        rules.write_text("table inet crowd {\n chain input {\n"
                         "  type filter hook input priority 0; policy drop;\n }\n}\n")
        self.exec(ns, ["nft", "-f", str(rules)])
        return ns

    def _add_namespace(self, ns: str) -> None:
        for attempt in range(20):  # the kernel frees a deleted namespace in the background
            proc = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True)
            if proc.returncode == 0:
                break
            if attempt == 19:
                raise RuntimeError(f"ip netns add {ns}: {proc.stderr.strip()}")
            time.sleep(0.1)
        self.namespaces.append(ns)
        self.exec(ns, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"], check=False)

    # -- running things -------------------------------------------------------------------
    def exec(self, ns: str, argv: Sequence[str], timeout: float = 20, check: bool = True) -> str:
        """Run a short command inside namespace `ns` and return its stdout."""
        return run(["ip", "netns", "exec", ns, *argv], timeout=timeout, check=check)

    def start(self, host: LabHost, argv: Sequence[str], private_run: bool = False,
              log_name: str = "") -> subprocess.Popen[bytes]:
        """Start a daemon inside `host`; its PID is recorded and ended at teardown."""
        command = ["ip", "netns", "exec", host.ns]
        if private_run:
            command += ["unshare", "--mount", "--uts", "--propagation", "private"]
        log = self.workdir / f"{host.name}-{log_name or Path(argv[0]).name}.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [*command, *argv], stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True, cwd=REPO_ROOT,
            )
        host.processes.append(proc)
        return proc

    def scanner_command(self, argv: Sequence[str], unprivileged: bool = False) -> list[str]:
        """The argv that runs `argv` inside the scanner namespace (as nobody if asked)."""
        prefix = ["ip", "netns", "exec", self.scanner.ns]
        return [*prefix, *(NOBODY if unprivileged else ()), *argv]

    def run_scanner(self, argv: Sequence[str], unprivileged: bool = False,
                    timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run `argv` in the scanner namespace to completion; returns the finished process."""
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        return subprocess.run(
            self.scanner_command(argv, unprivileged), capture_output=True, text=True,
            timeout=timeout, env=env, cwd=REPO_ROOT,
        )

    def python(self, module: str, *args: str) -> list[str]:
        """Argv running `python -m module args` with this test run's interpreter."""
        return [sys.executable, "-m", module, *args]

    def wait_for_port(self, host: LabHost, port: int, timeout: float = 10) -> None:
        """Wait (bounded) until something listens on TCP `port` inside `host`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.exec(host.ns, ["ss", "-Hltn", f"sport = :{port}"], check=False)
            if out.strip():
                return
            time.sleep(0.05)
        raise TimeoutError(f"{host.name}: nothing listens on port {port} after {timeout}s")

    # -- teardown -------------------------------------------------------------------------
    def teardown(self) -> None:
        """End every process this lab started (by PID), delete its namespaces and files."""
        procs = [p for h in self.hosts.values() for p in h.processes]
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 3
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=5)
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.namespaces.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.teardown()


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)  # the group was created by start_new_session for this PID


def lab_namespaces(prefix: str) -> list[str]:
    """Names of existing namespaces starting with `prefix` (to prove teardown left none)."""
    out = run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in out.splitlines() if line.startswith(prefix)]
