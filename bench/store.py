"""Times the store on a synthetic site (5,000 devices, 1,000 scans): save, list, changes, size."""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.models import (
    ArpMode,
    Category,
    Device,
    Finding,
    MdnsService,
    ScanInfo,
    ScanResult,
    Severity,
    UpnpInfo,
)
from core.store import Store

FINDINGS = [Finding(id=f"finding-{n}", severity=list(Severity)[n % 5], title=f"Problem {n}",
                    evidence="banner: something", fix="Turn it off.", refs=("https://x.test",),
                    port=(23, 80, 443, None)[n % 4]) for n in range(12)]


def _device(rng: random.Random, n: int) -> Device:
    ip = f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
    services = tuple(MdnsService(type=t, name=f"Device {n}", port=p, host=f"d{n}.local.",
                                 addresses=(ip,), txt=(("model", "X1"), ("fw", "1.2")))
                     for t, p in rng.sample([("_ipp._tcp.local.", 631), ("_http._tcp.local.", 80),
                                             ("_ssh._tcp.local.", 22)], rng.randint(0, 2)))
    upnp = (UpnpInfo(location=f"http://{ip}:1900/d.xml", friendly_name=f"Box {n}",
                     manufacturer="Acme", model_name="B2") if rng.random() < 0.3 else None)
    return Device(mac=f"02:00:00:{n // 65536:02x}:{n // 256 % 256:02x}:{n % 256:02x}",
                  ips=(ip,), vendor="Acme Corp", hostnames=(f"d{n}.local.",),
                  category=rng.choice(list(Category)), model="X1", services=services, upnp=upnp,
                  open_ports=tuple(sorted(rng.sample([22, 23, 80, 443, 8080, 9100], 2))),
                  findings=tuple(rng.sample(FINDINGS, rng.randint(0, 3))), sources=("arp",))


def _scan(rng: random.Random, pool: int, size: int, n: int) -> ScanResult:
    day, minute = divmod(n, 1440)
    hour, minute = divmod(minute, 60)
    started = f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:{minute:02d}:00Z"
    info = ScanInfo(interface="eth0", network="10.0.0.0/8", mode=ArpMode.KERNEL,
                    started=started, finished=started, version="bench", checks_run=True)
    chosen = rng.sample(range(pool), size)
    return ScanResult(info=info, devices=tuple(_device(rng, i) for i in chosen))


def _timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU time in milliseconds (CPU shows the cost on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _cold_list(path: Path, site_id: int) -> None:
    with Store.open(path, daily_backup=False) as fresh:
        start, start_cpu = time.perf_counter(), time.process_time()
        fresh.devices(site_id)
        _COLD.append(((time.perf_counter() - start) * 1000,
                      (time.process_time() - start_cpu) * 1000))


_COLD: list[tuple[float, float]] = []  # the first devices() of a fresh Store: wall, CPU ms


def _line(what: str, figures: tuple[float, float], target: str = "") -> str:
    wall, cpu = figures
    return f"  {what:<30} {wall:7.1f} ms wall {cpu:7.1f} ms CPU  {target}"


def _build(path: Path, args: argparse.Namespace, rng: random.Random) -> None:
    with Store.open(path) as store:
        site = store.create_site("Bench")
        for n in range(args.scans):
            store.save_scan(site.id, _scan(rng, args.devices, args.scan_size, n))
        store._db().conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--scan-size", type=int, default=250)
    parser.add_argument("--copy-of", type=Path, help="measure a copy of a database built before "
                        "(made with --keep) instead of building one")
    parser.add_argument("--keep", type=Path, help="also keep a copy of the built database here")
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        build_start = time.perf_counter()
        if args.copy_of:
            shutil.copyfile(args.copy_of, path)
        else:
            _build(path, args, rng)
            if args.keep:
                shutil.copyfile(path, args.keep)
        with Store.open(path) as store:
            site = store.site_by_name("Bench")
        build = time.perf_counter() - build_start
        size_mb = sum(p.stat().st_size for p in Path(folder).glob("bench.sqlite3*")) / 1e6
        extra = [_scan(rng, args.devices, args.scan_size, args.scans + k) for k in range(5)]
        gc.collect()  # drop the builder's garbage: measure the store, not the synthetic data
        with Store.open(path, daily_backup=False) as store:
            open_ms = _timed(lambda: Store.open(path, daily_backup=False).close(), 3)
            saves = iter(extra)
            save_ms = _timed(lambda: store.save_scan(site.id, next(saves)), 5)
            for _ in range(3):
                _cold_list(path, site.id)
            devices = store.devices(site.id)
            list_ms = _timed(lambda: store.devices(site.id), 5)
            changes_ms = _timed(lambda: store.changes(site.id), 5)
            history_ms = _timed(lambda: store.scans(site.id), 5)
        print(f"store bench: {len(devices)} devices, {args.scans + 5} scans of "
              f"{args.scan_size} devices (built in {build:.1f} s), {size_mb:.1f} MB on disk")
        print(_line(f"save a {args.scan_size}-device scan", save_ms, "(target < 100)"))
        cold = (statistics.median(w for w, _ in _COLD), statistics.median(c for _, c in _COLD))
        print(_line("device list, first open", cold, "(target < 200)"))
        print(_line("device list, again", list_ms, "(target < 200)"))
        print(_line("changes between 2 scans", changes_ms, "(target < 100)"))
        print(_line("scan history list", history_ms))
        print(_line("Store.open (quick_check)", open_ms))


if __name__ == "__main__":
    main()
