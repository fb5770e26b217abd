"""The client report in every format: PDF text matches the window's numbers, hostile names inert."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from core import secrets
from core.models import Site
from core.report import (
    ReportContext,
    html_report,
    inventory_csv,
    render_text,
    site_report_data,
)
from core.store import Store
from gui.report_pdf import render_pdf
from gui.scan_service import load_sample
from tests.memory_keyring import MemoryKeyring

HOSTILE = "=cmd|' /C calc'!A0 <script>alert(1)</script>"
SECRET = "s3cret-Passw0rd-never-in-a-report"


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdftotext (poppler-utils) is missing: test.sh installs it as root")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    return unicodedata.normalize("NFKC", text)  # the PDF's fonts use ligatures ("ﬃ")


@pytest.fixture
def saved_site(tmp_path: Path, memory_keyring: MemoryKeyring) -> tuple[Store, int]:
    sample = load_sample()
    first = sample.devices[0]
    hostile = replace(first, hostnames=(f"{HOSTILE}.local.",), upnp=None)
    store = Store.open(tmp_path / "db.sqlite3")
    site = store.create_site("Sample office", client="Dr Lee")
    store.save_scan(site.id, replace(sample, devices=(hostile, *sample.devices[1:])))
    store.update_device(site.id, first.mac, label=HOSTILE)
    secrets.set_device_secret(site.id, first.mac, SECRET, username="admin")
    return store, site.id


def test_pdf_text_carries_every_device_finding_and_the_score(
        qapp: object, saved_site: tuple[Store, int], tmp_path: Path) -> None:
    store, site_id = saved_site
    data = site_report_data(store, site_id, ReportContext(prepared_by="Sam"))
    pdf = render_pdf(data)
    assert pdf.startswith(b"%PDF")
    text = " ".join(_pdftotext(pdf, tmp_path).split())
    assert f"The site scores {data.assessment.score.value} out of 100" in text
    for device in data.devices:
        assert " ".join(device.name.split())[:12] in text, device.name
        for finding in device.open_findings:
            assert " ".join(finding.title.split())[:20] in text, finding.title
    assert "<script>alert(1)</script>" in text  # literal text, never markup
    assert "Page 1 of" in text
    store.close()


def test_no_format_contains_a_stored_secret_and_csv_is_inert(
        qapp: object, saved_site: tuple[Store, int], tmp_path: Path) -> None:
    store, site_id = saved_site
    data = site_report_data(store, site_id)
    outputs = {fmt: render_text(data, fmt) for fmt in ("html", "csv", "inventory-csv", "json")}
    outputs["pdf"] = _pdftotext(render_pdf(data), tmp_path)
    assert all(SECRET not in text for text in outputs.values())
    assert "<script>" not in outputs["html"] and "&lt;script&gt;" in outputs["html"]
    for fmt in ("csv", "inventory-csv"):
        rows = list(csv.reader(io.StringIO(outputs[fmt].removeprefix("\ufeff"))))
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
        assert any(cell.startswith("'=cmd") for row in rows for cell in row)
    store.close()


def test_inventory_csv_has_a_row_per_device(saved_site: tuple[Store, int]) -> None:
    store, site_id = saved_site
    data = site_report_data(store, site_id)
    text = inventory_csv(data.assessment)
    assert text.startswith("\ufeffdevice,category,vendor")
    assert len(list(csv.reader(io.StringIO(text)))) == len(data.devices) + 1
    assert "Sample office" in html_report(replace(data, assessment=replace(
        data.assessment, site=Site(id=site_id, name="Sample office"))))
    store.close()
