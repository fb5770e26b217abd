"""The store's command line: sites, site add, devices, history, changes, export and import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.store import Store
from tests.fixtures.db.builders import device, finding, scan

A, B = "aa:00:00:00:00:0a", "aa:00:00:00:00:0b"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _seed(db: Path) -> None:
    with Store.open(db) as store:
        site = store.site_by_name("Office")
        store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                      device(A, "192.0.2.1", ports=(23,),
                                             findings=(finding("telnet", port=23),)),
                                      device(B, "192.0.2.2", name="Evil\x1b[31mName")))
        store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(A, "192.0.2.5")))


def test_full_cli_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    code, out, _ = _run(capsys, "--db", db, "sites")
    assert code == 0 and "No sites yet" in out
    code, out, _ = _run(capsys, "--db", db, "site", "add", "Office", "--client", "Acme",
                        "--network", "192.0.2.0/24")
    assert code == 0 and "Added site Office" in out
    _seed(Path(db))
    code, out, _ = _run(capsys, "--db", db, "sites")
    assert "Office  (2 scans" in out and "client: Acme" in out
    code, out, _ = _run(capsys, "--db", db, "devices", "--site", "office")
    assert A in out and "192.0.2.5" in out and "2 devices" in out
    assert "\x1b" not in out and "Evil?[31mName" in out
    code, out, _ = _run(capsys, "--db", db, "history", "--site", "Office")
    assert out.count("#") == 2 and "1 high" in out
    code, out, _ = _run(capsys, "--db", db, "changes", "--site", "Office")
    assert "fixed" in out and "closed 23" in out and "2 minor changes" in out
    assert "192.0.2.1 -> 192.0.2.5" not in out  # an address move is a detail
    code, out, _ = _run(capsys, "--db", db, "changes", "--site", "Office", "--all")
    assert "not seen" in out and "192.0.2.1 -> 192.0.2.5" in out
    export = tmp_path / "office.json"
    code, out, _ = _run(capsys, "--db", db, "export", "--site", "Office", str(export))
    assert code == 0 and export.exists()
    other = str(tmp_path / "other.sqlite3")
    code, out, _ = _run(capsys, "--db", other, "import", str(export))
    assert code == 0 and "Created site Office: 2 new devices" in out
    code, _, err = _run(capsys, "--db", other, "import", str(export))
    assert code == 1 and "already has a site called 'Office'" in err and "--merge" in err
    code, out, _ = _run(capsys, "--db", other, "import", "--dry-run", str(export))
    assert code == 0 and "Would merge into site Office" in out and "nothing was changed" in out
    code, out, _ = _run(capsys, "--db", other, "import", "--merge", str(export))
    assert "0 new devices" in out and "2 already here" in out


def test_errors_are_plain_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    code, _, err = _run(capsys, "--db", db, "devices", "--site", "Nowhere")
    assert code == 1 and "no site called 'Nowhere'" in err
    _run(capsys, "--db", db, "site", "add", "Office")
    code, _, err = _run(capsys, "--db", db, "site", "add", "office")
    assert code == 1 and "already exists" in err
    code, _, err = _run(capsys, "--db", db, "changes", "--site", "Office")
    assert code == 1 and "no scans" in err


def test_db_env_variable_is_used_by_a_real_process(tmp_path: Path) -> None:
    env_db = tmp_path / "env.sqlite3"
    proc = subprocess.run([sys.executable, "-m", "core", "site", "add", "Home"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "IOT_HYGIENE_DB": str(env_db)})
    assert proc.returncode == 0, proc.stderr
    with Store.open(env_db) as store:
        assert [s.name for s in store.sites()] == ["Home"]
