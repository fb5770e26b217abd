"""Nothing lost: SIGKILL mid-save keeps every earlier commit; two writers never corrupt the file."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from core.errors import DatabaseBusyError
from core.store import Store
from tests.timing import within

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30


def _writer(db: Path, tag: str, devices: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.db.writer", str(db), tag, str(devices)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()  # SIGKILL: no cleanup of any kind in the child
    proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


def _acknowledged(proc: subprocess.Popen[str], commits: int) -> list[str]:
    """Read until `commits` commit lines arrived, then until the next save starts."""
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    done: list[str] = []
    while True:
        line = proc.stdout.readline().strip()
        assert line, "the writer stopped by itself"
        if line.startswith(("scan ", "answer ")):
            done.append(line)
        elif len(done) >= commits:
            return done  # a save ("saving"/"answering") has just begun


def _check(db: Path, scans: set[str], answers: set[str]) -> None:
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored_scans = {r[0] for r in conn.execute("SELECT uid FROM scans")}
        stored_answers = {r[0] for r in conn.execute("SELECT value FROM answers")}
        partial = conn.execute(
            "SELECT count(*) FROM scans s WHERE device_count != "
            "(SELECT count(*) FROM observations o WHERE o.scan_id = s.id)").fetchone()[0]
    assert scans <= stored_scans and answers <= stored_answers
    assert partial == 0  # a scan is all there or not there at all


def test_sigkill_at_random_points_loses_no_commit(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    Store.open(db).close()
    rng = random.Random(20261122)
    scans: set[str] = set()
    answers: set[str] = set()
    started = time.monotonic()
    for kill in range(KILLS):
        proc = _writer(db, f"k{kill}", devices=120)
        try:
            for line in _acknowledged(proc, rng.randint(0, 4)):
                kind, *rest = line.split()
                (scans if kind == "scan" else answers).add(rest[-1])
            time.sleep(rng.uniform(0, 0.02))  # land somewhere inside the save just begun
        finally:
            _stop(proc)
        _check(db, scans, answers)
        with Store.open(db, daily_backup=False) as store:  # opens cleanly every time
            assert store.site_by_name("Durable").name == "Durable"
    assert len(scans) > KILLS  # the kills really happened between real commits
    assert time.monotonic() - started < within(60)


def test_two_processes_writing_at_once_keep_everything(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db) as store:
        store.create_site("Durable")
    procs = [_writer(db, tag, devices=60) for tag in ("left", "right")]
    acknowledged = []
    try:
        for proc in procs:
            acknowledged += _acknowledged(proc, 20)
    finally:
        for proc in procs:
            _stop(proc)
    scans = {line.split()[-1] for line in acknowledged if line.startswith("scan")}
    answers = {line.split()[-1] for line in acknowledged if line.startswith("answer")}
    assert len(scans) == 20 and len(answers) == 20
    _check(db, scans, answers)


def test_a_writer_held_too_long_gives_a_clear_busy_error(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db, busy_timeout_ms=200, write_patience_s=0) as store:
        site = store.create_site("Office")
        blocker = sqlite3.connect(db, isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            with pytest.raises(DatabaseBusyError) as caught:
                store.record_answer(site.id, "", "item", "yes")
            assert "another IoT Hygiene" in caught.value.message
            assert store.sites()[0].name == "Office"  # reading still works under WAL
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        store.record_answer(site.id, "", "item", "yes")
        assert store.answers(site.id, "")["item"].value == "yes"
