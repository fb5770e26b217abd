"""Deleting sites, scans and devices (a backup first) and keeping a missed device counted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.assessment import assess_site
from core.errors import NotFoundError
from core.store import FindingStatus, Store
from tests.fixtures.db.builders import device, finding, scan

MAC1, MAC2, MAC3 = "aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02", "aa:bb:cc:00:00:03"
DAY1, DAY2, DAY3 = "2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        yield opened


def _counts(store: Store) -> dict[str, int]:
    conn = sqlite3.connect(store.path)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("sites", "scans", "devices", "observations", "findings",
                              "answers", "consents")}
    finally:
        conn.close()


def _statuses(store: Store, site_id: int) -> dict[str, str]:
    return {f"{r.mac[-2:]}/{r.finding.id}": r.status.value for r in store.findings(site_id)}


def test_delete_site_removes_everything_of_it_after_a_backup(store: Store) -> None:
    keep = store.create_site("Keep")
    store.save_scan(keep.id, scan(DAY1, device(MAC1, "192.0.2.1", findings=(finding("x"),))))
    site = store.create_site("Gone")
    consent = store.record_consent(site.id, "Sam", "192.0.2.0/24", "passwords")
    store.save_scan(site.id, scan(DAY1, device(MAC1, "192.0.2.1", findings=(finding("x"),)),
                                  device(MAC2, "192.0.2.2")), consent_id=consent.id)
    store.record_answer(site.id, MAC1, "item", "yes")
    before = _counts(store)
    deletion = store.delete_site(site.id)
    assert (deletion.what, deletion.name, deletion.scans, deletion.devices) == ("site", "Gone", 1,
                                                                                 2)
    assert deletion.backup is not None and deletion.backup.exists()
    assert deletion.backup.parent == store.backup_folder
    assert [s.name for s in store.sites()] == ["Keep"]
    assert _counts(store) == {"sites": 1, "scans": 1, "devices": 1, "observations": 1,
                              "findings": 1, "answers": 0, "consents": 0}
    with Store.open(deletion.backup, daily_backup=False) as old:  # the way back
        assert _counts(old) == before
    with pytest.raises(NotFoundError):
        store.delete_site(site.id)


def test_delete_device_keeps_the_scans(store: Store) -> None:
    site = store.create_site("Office")
    scan_id = store.save_scan(site.id, scan(DAY1, device(MAC1, "192.0.2.1",
                                                        findings=(finding("x"),)),
                                            device(MAC2, "192.0.2.2")))
    store.record_answer(site.id, MAC1, "item", "yes")
    deletion = store.delete_device(site.id, MAC1.upper(), backup=False)
    assert (deletion.devices, deletion.findings, deletion.backup) == (1, 1, None)
    assert [d.mac for d in store.devices(site.id)] == [MAC2]
    assert [d.mac for d in store.scan_devices(scan_id)] == [MAC2]
    assert store.answers(site.id, MAC1) == {}
    assert store.check_integrity()
    with pytest.raises(NotFoundError):
        store.delete_device(site.id, MAC1)


def test_delete_the_latest_scan_brings_back_the_earlier_state(store: Store) -> None:
    site = store.create_site("Office")
    telnet = finding("telnet", port=23)
    first = store.save_scan(site.id, scan(DAY1, device(MAC1, "192.0.2.1", findings=(telnet,)),
                                          device(MAC2, "192.0.2.2")))
    second = store.save_scan(site.id, scan(DAY2, device(MAC1, "192.0.2.9"),
                                           device(MAC3, "192.0.2.3", findings=(finding("y"),))))
    assert _statuses(store, site.id) == {"01/telnet": "fixed", "03/y": "open"}
    deletion = store.delete_scan(second)
    assert deletion.backup is not None and deletion.backup.exists()
    assert (deletion.devices, deletion.findings) == (1, 1)  # MAC3 only came with that scan
    assert [s.id for s in store.scans(site.id)] == [first]
    assert _statuses(store, site.id) == {"01/telnet": "open"}  # fixed only by the deleted scan
    one = store.device(site.id, MAC1)
    assert one.latest is not None and one.latest.ips == ("192.0.2.1",)
    assert one.last_seen == "2026-01-01T10:00:30Z"
    assert store.changes(site.id).new_scan_id == first
    assert store.check_integrity()


def test_delete_a_middle_scan_recomputes_first_seen_and_keeps_decisions(store: Store) -> None:
    site = store.create_site("Office")
    x, y = finding("x"), finding("y")
    store.save_scan(site.id, scan(DAY1, device(MAC1, "192.0.2.1")))
    middle = store.save_scan(site.id, scan(DAY2, device(MAC1, "192.0.2.1", findings=(x, y)),
                                           device(MAC2, "192.0.2.2")))
    store.save_scan(site.id, scan(DAY3, device(MAC1, "192.0.2.1", findings=(x,))))
    store.set_finding_status(site.id, MAC1, "y", FindingStatus.ACCEPTED, reason="ok", who="Sam")
    store.update_device(site.id, MAC2, label="Printer")  # a person named it: it stays
    store.delete_scan(middle, backup=False)
    records = {r.finding.id: r for r in store.findings(site.id)}
    assert set(records) == {"x"}  # y was only ever seen by the deleted scan
    assert records["x"].first_seen == records["x"].last_seen == "2026-01-03T10:00:30Z"
    assert records["x"].status is FindingStatus.OPEN
    kept = store.device(site.id, MAC2)
    assert kept.label == "Printer" and kept.latest is None
    assert store.device(site.id, MAC1).first_seen == "2026-01-01T10:00:30Z"
    with pytest.raises(NotFoundError):
        store.delete_scan(middle)


def test_a_kept_device_counts_in_the_site_score(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan(DAY1, device(MAC1, "192.0.2.1"),
                                  device(MAC2, "192.0.2.2", findings=(finding("x"),))))
    store.save_scan(site.id, scan(DAY2, device(MAC1, "192.0.2.1")))
    today = dt.date(2026, 1, 3)
    before = assess_site(store, site.id, today)
    missed = before.device(MAC2)
    assert missed is not None and not missed.in_latest_scan and not missed.scored
    assert store.device(site.id, MAC2).kept is False
    assert store.update_device(site.id, MAC2, kept=True).kept is True
    after = assess_site(store, site.id, today)
    counted = after.device(MAC2)
    assert counted is not None and counted.scored and not counted.in_latest_scan
    assert after.score.value < before.score.value
    store.update_device(site.id, MAC2, kept=False)
    assert assess_site(store, site.id, today).score == before.score
