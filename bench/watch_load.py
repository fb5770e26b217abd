"""CPU and memory of the app watching a 250-device lab for N minutes, and join-to-event time."""

# python -m bench.watch_load --target window --minutes 30 --interval 60 --display 150  (as root)
# python -m bench.watch_load --target headless --minutes 30 --interval 60
# The lab office (11 devices) plus an ARP-only crowd make 250 devices on 10.231.0.0/24. The app
# runs in the scanner namespace: the window under Xvfb with the site's watch switched on, or the
# `iot-hygiene watch` process. Every --sample seconds the CPU time (utime+stime of the process and
# its children, from /proc/PID/stat) and RSS (/proc/PID/status) are read. One device joins at
# --join-at minutes; the time until the app reports it is measured. Nothing leaves the lab.

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab.netlab import Lab
from tests.lab.office import Office

NET = "10.231.0.0/24"
SITE = "Load Office"
CROWD_IPS = [f"10.231.0.{n}" for n in (*range(3, 10), *range(21, 253))]  # 239: 250 with office
JOINER = ("joiner", "3c:d9:2b:10:00:fd", "10.231.0.253")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    """One reading: seconds since start, CPU seconds used so far, RSS of the app (KiB)."""

    at: float
    cpu: float
    rss_kib: int
    tree_rss_kib: int


@dataclass
class Run:
    """What a run measured."""

    target: str
    samples: list[Sample] = field(default_factory=list)
    join_seconds: float | None = None
    devices_per_scan: list[int] = field(default_factory=list)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", choices=("window", "headless", "both"), default="headless",
                        help="both: the window and the headless watch side by side in one lab")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--interval", type=int, default=60, help="watch interval, seconds "
                        "(the window's is in whole minutes)")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between readings")
    parser.add_argument("--join-at", type=float, default=5.0, help="minute a device joins")
    parser.add_argument("--crowd", choices=("drop", "refuse"), default="drop",
                        help="the crowd drops all IP (firewalled laptops), or refuses TCP "
                        "with a reset (answers the scan's check of old neighbour entries)")
    parser.add_argument("--display", default="150")
    parser.add_argument("--out", type=Path, help="also write the samples as JSON here")
    parser.add_argument("--from-json", type=Path, help="report a run saved with --out again")
    args = parser.parse_args()
    runs = load(args.from_json, args) if args.from_json else measure(args)
    for run in runs:
        report(run, args)
    if args.out:
        args.out.write_text(json.dumps({"crowd": args.crowd, "runs": [
            {"target": run.target, "join_seconds": run.join_seconds,
             "devices_per_scan": run.devices_per_scan,
             "samples": [s.__dict__ for s in run.samples]} for run in runs]}, indent=1))
    return 0


def load(path: Path, args: argparse.Namespace) -> list[Run]:
    """The runs saved with --out (their crowd, if saved, is put back in `args`)."""
    doc = json.loads(path.read_text())
    args.crowd = doc.get("crowd", args.crowd)
    return [Run(one["target"], [Sample(**s) for s in one["samples"]], one.get("join_seconds"),
                one.get("devices_per_scan", [])) for one in doc.get("runs", [doc])]


def measure(args: argparse.Namespace) -> list[Run]:
    targets = ("window", "headless") if args.target == "both" else (args.target,)
    data = Path(tempfile.mkdtemp(prefix=f"iot-hygiene-load-{args.target}-"))
    xvfb = _xvfb(args.display) if "window" in targets else None
    try:
        with Lab(NET) as lab:
            Office(lab).build()
            crowd = lab.add_crowd("crowd", CROWD_IPS)
            if args.crowd == "refuse":
                _refuse_tcp(lab, crowd)
            devices = len(lab.hosts) - 1 + len(CROWD_IPS)
            print(f"lab: {devices} devices besides the scanner; data in {data}", flush=True)
            apps: dict[str, subprocess.Popen[bytes]] = {}
            try:
                for target in targets:
                    start = _start_window if target == "window" else _start_headless
                    apps[target] = start(lab, data / target, args)
                return _sample(lab, apps, data, args)
            finally:
                for app in apps.values():
                    _stop(app)
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)


def _refuse_tcp(lab: Lab, ns: str) -> None:
    """The crowd answers TCP with a reset (still nothing else): alive to a connect check."""
    rules = lab.workdir / "crowd-refuse.nft"
    rules.write_text("delete table inet crowd\ntable inet crowd {\n chain input {\n"
                     "  type filter hook input priority 0; policy drop;\n"
                     "  meta l4proto tcp reject with tcp reset\n }\n}\n")
    lab.exec(ns, ["nft", "-f", str(rules)])


def _xvfb(display: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1366x768x24", "-nolisten",
                             "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{display}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Xvfb :{display} did not start")
        time.sleep(0.1)
    return proc


def _start_window(lab: Lab, data: Path, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """The site exists and its watch was left on, as after a restart: the window resumes it."""
    from core.monitoring import monitoring_dir
    from core.store import Store
    from gui.watch import WatchOptions, save_options

    db = data / "data" / "hygiene.sqlite3"
    db.parent.mkdir(parents=True)  # data/<target>/data: each app its own database
    store = Store.open(db)
    try:
        site = store.create_site(SITE, networks=[NET])
        minutes = max(1, round(args.interval / 60))
        save_options(monitoring_dir(db), site.id, WatchOptions(enabled=True,
                                                               interval_minutes=minutes))
    finally:
        store.close()
    env = dict(os.environ, DISPLAY=f":{args.display}", QT_QPA_PLATFORM="xcb",
               IOT_HYGIENE_DATA_DIR=str(data / "data"), IOT_HYGIENE_LOG_DIR=str(data / "log"))
    return _popen(lab, [sys.executable, "-m", "gui.launcher"], env, data / "app.log")


def _start_headless(lab: Lab, data: Path, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    (data / "data").mkdir(parents=True)
    argv = [sys.executable, "-m", "core", "--db", str(data / "data" / "hygiene.sqlite3"),
            "watch", "--site", SITE, "--interface", "eth0", "--mode", "kernel",
            "--interval", str(args.interval), "--jsonl", str(data / "events.jsonl")]
    return _popen(lab, argv, dict(os.environ), data / "app.log")


def _popen(lab: Lab, argv: list[str], env: dict[str, str],
           log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(lab.scanner_command(argv), env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    lab.scanner.processes.append(proc)  # ended by the lab's teardown too
    return proc


def _stop(app: subprocess.Popen[bytes]) -> None:
    if app.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app.pid, signal.SIGTERM)  # the group this bench started
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait(timeout=10)


def _sample(lab: Lab, apps: dict[str, subprocess.Popen[bytes]], data: Path,
            args: argparse.Namespace) -> list[Run]:
    runs = {target: Run(target) for target in apps}
    start = time.monotonic()
    end = start + args.minutes * 60
    joined: float | None = None
    next_sample = start
    while time.monotonic() < end:
        now = time.monotonic()
        for target, app in apps.items():
            if app.poll() is not None:
                raise SystemExit(f"the {target} ended early ({app.returncode}); see "
                                 f"{data / target / 'app.log'}")
            if now >= next_sample:
                cpu, rss, tree_rss = _read_tree(app.pid)
                runs[target].samples.append(Sample(round(now - start, 1), cpu, rss, tree_rss))
        if now >= next_sample:
            next_sample += args.sample
        if joined is None and now - start >= args.join_at * 60:
            lab.add_host(*JOINER)
            joined = time.monotonic()
            print(f"{now - start:6.0f} s: {JOINER[0]} joined", flush=True)
        for target, run in runs.items():
            if joined is not None and run.join_seconds is None and _reported(data / target,
                                                                             target):
                run.join_seconds = round(time.monotonic() - joined, 1)
                print(f"{now - start:6.0f} s: the {target} reported it {run.join_seconds} s "
                      "after it joined", flush=True)
        time.sleep(0.5)
    for target, run in runs.items():
        run.devices_per_scan = _devices_per_scan(data / target)
    return list(runs.values())


def _read_tree(pid: int) -> tuple[float, int, int]:
    """CPU seconds of `pid` and its live descendants (reaped children included), its RSS and
    the whole tree's RSS in KiB."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            tree.append(current)
            todo += children.get(current, [])
    ticks = sum(sum(int(x) for x in stats[p][11:15]) for p in tree)  # utime stime cu cs
    rss = {p: _rss_kib(p) for p in tree}
    return ticks / TICKS, rss.get(pid, 0), sum(rss.values())


def _rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _reported(data: Path, target: str) -> bool:
    """The headless watch wrote its new_device event; the window's watch saved the device."""
    if target == "headless":
        events = data / "events.jsonl"
        return events.exists() and '"new_device"' in events.read_text()
    mac = JOINER[1]
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"file:{data / 'data' / 'hygiene.sqlite3'}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT 1 FROM devices WHERE lower(replace(mac, '-', ':')) = ?",
                             (mac,)).fetchone()
        finally:
            db.close()
        return row is not None
    return False


def _devices_per_scan(data: Path) -> list[int]:
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"file:{data / 'data' / 'hygiene.sqlite3'}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT device_count FROM scans ORDER BY id").fetchall()
        finally:
            db.close()
        return [int(row[0]) for row in rows]
    return []


def split_cpu(samples: list[Sample], settled: Sample, cycles: int,
              interval: float) -> tuple[float, float]:
    """CPU share while idle (the median of the sampling windows: most hold no scan) and CPU
    seconds per scan cycle (the rest, over the cycles after the first)."""
    later = [s for s in samples if s.at >= settled.at]
    rates = sorted((b.cpu - a.cpu) / (b.at - a.at) for a, b in itertools.pairwise(later))
    if not rates or cycles < 1:
        return 0.0, 0.0
    idle = rates[len(rates) // 2]
    span = later[-1].at - later[0].at
    cycles_in_span = max(1.0, span / interval)
    return idle, max(0.0, (later[-1].cpu - later[0].cpu - idle * span) / cycles_in_span)


def report(run: Run, args: argparse.Namespace) -> None:
    samples = run.samples
    if len(samples) < 8:
        print("too few samples")
        return
    first, last = samples[0], samples[-1]
    cpu_percent = 100 * (last.cpu - first.cpu) / (last.at - first.at)
    quarter = len(samples) // 4
    settled = next((s for s in samples if s.at >= 60), first)  # after the start-up
    after_start = 100 * (last.cpu - settled.cpu) / max(1.0, last.at - settled.at)
    mib = [s.rss_kib / 1024 for s in samples]
    tree = [s.tree_rss_kib / 1024 for s in samples]
    first_q = sum(mib[:quarter]) / quarter
    last_q = sum(mib[-quarter:]) / quarter
    print(f"\n== {run.target} watch, crowd {args.crowd}, {args.minutes:g} min, interval "
          f"{args.interval} s, "
          f"{len(samples)} samples every {args.sample:g} s, {len(run.devices_per_scan)} scans "
          "saved")
    later = sorted(run.devices_per_scan[1:]) or [0]
    print(f"devices per scan: first {run.devices_per_scan[:1]}, later min {later[0]}, median "
          f"{later[len(later) // 2]}, max {later[-1]} (of 251 with the scanner)")
    print(f"CPU average: {cpu_percent:.2f} % of one core (after the first minute: "
          f"{after_start:.2f} %); CPU seconds used: {last.cpu:.1f}")
    idle, per_cycle = split_cpu(samples, settled, len(run.devices_per_scan) - 1, args.interval)
    print(f"CPU between scans: {100 * idle:.2f} %; per scan cycle: {per_cycle:.2f} s; so at a "
          f"15-minute interval: {100 * idle + 100 * per_cycle / 900:.2f} %")
    print(f"RSS: peak {max(mib):.1f} MiB, first quarter {first_q:.1f} MiB, last quarter "
          f"{last_q:.1f} MiB, growth {last_q - first_q:+.1f} MiB; process tree peak "
          f"{max(tree):.1f} MiB")
    said = f"{run.join_seconds} s" if run.join_seconds is not None else "not seen"
    print(f"device joined -> {'event' if run.target == 'headless' else 'saved'}: {said}")


if __name__ == "__main__":
    sys.exit(main())
