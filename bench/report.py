"""Times the client report for a 500-device site with 3 scans: PDF and HTML, time and size."""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from core.models import Device, ScanResult
from core.paths import resource
from core.report import html_report, site_report_data
from core.scan import read_scan_file
from core.store import Store


def _site(devices: int) -> ScanResult:
    """The sample office's devices, cloned with fresh MACs and addresses up to `devices`."""
    sample = read_scan_file(resource("sample", "office.json"))
    clones: list[Device] = []
    for n in range(devices):
        base = sample.devices[n % len(sample.devices)]
        clones.append(replace(base, mac=f"02:00:00:00:{n // 256:02x}:{n % 256:02x}",
                              ips=(f"10.1.{n // 250}.{n % 250 + 1}",), is_self=False))
    return replace(sample, devices=tuple(clones))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--scans", type=int, default=3)
    args = parser.parse_args()
    from gui.report_pdf import render_pdf

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "b.sqlite3") as store:
        site = store.create_site("Bench")
        result = _site(args.devices)
        for n in range(args.scans):
            info = replace(result.info, started=f"2026-01-0{n + 1}T10:00:00Z")
            store.save_scan(site.id, replace(result, info=info))
        started = time.perf_counter()
        data = site_report_data(store, site.id)
        assessed = time.perf_counter() - started
        html, html_s = _timed(lambda: html_report(data).encode())
        pdf, pdf_s = _timed(lambda: render_pdf(data))
    print(f"report for {args.devices} devices, {args.scans} scans "
          f"(assessment {assessed:.2f} s):")
    print(f"  HTML  {html_s:6.2f} s  {len(html) / 1e6:6.2f} MB")
    print(f"  PDF   {pdf_s:6.2f} s  {len(pdf) / 1e6:6.2f} MB   (target: under 5 s)")


def _timed(make: object) -> tuple[bytes, float]:
    started = time.perf_counter()
    payload: bytes = make()  # type: ignore[operator]
    return payload, time.perf_counter() - started


if __name__ == "__main__":
    main()
