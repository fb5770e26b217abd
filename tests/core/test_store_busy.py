"""A busy database: a person's edit made while a large scan is being saved waits, then lands."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from core.models import Tag
from core.store import Store
from tests.fixtures.db.builders import device, scan

HOLD_S = 1.0  # well past the 0.2 s busy timeout: without retrying, the edit would be refused


def _hold_write_lock(store: Store, started: threading.Event, held: list[float]) -> None:
    """A long save: one write transaction kept open for HOLD_S seconds (own connection)."""
    with store._write() as db:
        db.table("sites").update(1, {"notes": "saving a big scan"})
        started.set()
        time.sleep(HOLD_S)
        held.append(time.monotonic())


def test_an_edit_during_a_long_save_waits_and_lands(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3", busy_timeout_ms=200) as store:
        site = store.create_site("Office")
        store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device("aa:00:00:00:00:01",
                                                                     "192.0.2.1")))
        started, released = threading.Event(), []
        saver = threading.Thread(target=_hold_write_lock, args=(store, started, released))
        saver.start()
        try:
            assert started.wait(5)
            store.record_answer(site.id, "aa:00:00:00:00:01", "default-password", "changed")
            store.update_device(site.id, "aa:00:00:00:00:01", tag=Tag.WORK)
            landed = time.monotonic()
        finally:
            saver.join()
        assert released and landed >= released[0]  # it waited for the save, then wrote
        assert store.answers(site.id, "aa:00:00:00:00:01")["default-password"].value == "changed"
        assert store.device(site.id, "aa:00:00:00:00:01").tag is Tag.WORK
        assert store.site(site.id).notes == "saving a big scan"  # both writes kept


def test_an_edit_in_another_process_style_connection_lands_too(tmp_path: Path) -> None:
    """Two Stores on one file (two windows): the second one's edit waits for the first's save."""
    path = tmp_path / "db.sqlite3"
    with Store.open(path, busy_timeout_ms=200) as saving, \
            Store.open(path, busy_timeout_ms=200) as editing:
        site = saving.create_site("Office")
        started, released = threading.Event(), []
        saver = threading.Thread(target=_hold_write_lock, args=(saving, started, released))
        saver.start()
        try:
            assert started.wait(5)
            editing.record_answer(site.id, "", "router-updates", "yes")
        finally:
            saver.join()
        assert saving.answers(site.id, "")["router-updates"].value == "yes"
