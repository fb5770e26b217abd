"""Store sites, scans, devices and the finding lifecycle, using real SQLite files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import DuplicateNameError, InvalidInputError, NotFoundError
from core.models import Severity, Tag
from core.store import UNCHANGED, FindingStatus, Store
from tests.fixtures.db.builders import device, finding, scan, service

MAC1, MAC2, MAC3 = "AA:BB:CC:00:00:01", "aa:bb:cc:00:00:02", "aa-bb-cc-00-00-03"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        yield opened


def test_sites_create_find_rename_and_refuse_duplicates(store: Store) -> None:
    site = store.create_site(" Main  office ", client="Acme", networks=["192.168.1.9/24"],
                             work_networks=["10.0.0.0/8"])
    assert (site.name, site.networks, site.work_networks) == (
        "Main office", ("192.168.1.0/24",), ("10.0.0.0/8",))
    assert store.site_by_name("main office") == site
    with pytest.raises(DuplicateNameError):
        store.create_site("MAIN OFFICE")
    with pytest.raises(InvalidInputError):
        store.create_site("Other", networks=["not-a-network"])
    renamed = store.rename_site(site.id, "HQ")
    assert renamed.name == "HQ" and renamed.client == "Acme"
    assert store.update_site(site.id, notes="n", client=UNCHANGED).client == "Acme"
    with pytest.raises(NotFoundError) as caught:
        store.site_by_name("Nowhere")
    assert "HQ" in caught.value.hint
    assert [s.name for s in store.sites()] == ["HQ"]


def test_save_scan_tracks_devices_and_latest_observation(store: Store) -> None:
    site = store.create_site("Office")
    first = scan("2026-01-01T10:00:00Z", device(MAC1, "192.0.2.1", ports=(80,)),
                 device(MAC2, "192.0.2.2"))
    second = scan("2026-01-02T10:00:00Z", device(MAC1, "192.0.2.5", ports=(80, 443)),
                  device(MAC3, "192.0.2.3", name="Camera"))
    first_id = store.save_scan(site.id, first)
    second_id = store.save_scan(site.id, second)
    assert [s.id for s in store.scans(site.id)] == [second_id, first_id]
    records = {d.mac: d for d in store.devices(site.id)}
    assert set(records) == {"aa:bb:cc:00:00:01", "aa:bb:cc:00:00:02", "aa:bb:cc:00:00:03"}
    one = records["aa:bb:cc:00:00:01"]
    assert (one.first_seen, one.last_seen) == ("2026-01-01T10:00:30Z", "2026-01-02T10:00:30Z")
    assert one.latest is not None and one.latest.ips == ("192.0.2.5",)
    assert one.latest.open_ports == (80, 443)
    assert records["aa:bb:cc:00:00:03"].display_name == "Camera"
    gone = records["aa:bb:cc:00:00:02"]
    assert gone.latest is not None and gone.latest.ips == ("192.0.2.2",)
    assert store.scan_devices(first_id)[0].open_ports == (80,)


def test_scan_summary_counts_findings_by_severity(store: Store) -> None:
    site = store.create_site("Office")
    scan_id = store.save_scan(site.id, scan(
        "2026-01-01T10:00:00Z",
        device(MAC1, "192.0.2.1", findings=(finding("a", Severity.CRITICAL),
                                            finding("b", Severity.HIGH))),
        device(MAC2, "192.0.2.2", findings=(finding("c", Severity.HIGH),))))
    summary = store.scan(scan_id)
    assert summary.device_count == 2
    assert summary.finding_counts == ((Severity.CRITICAL, 1), (Severity.HIGH, 2))
    assert summary.count(Severity.LOW) == 0


def _statuses(store: Store, site_id: int) -> dict[str, str]:
    return {f"{r.mac[-2:]}/{r.finding.id}": r.status.value for r in store.findings(site_id)}


def test_finding_lifecycle_open_fixed_reopened(store: Store) -> None:
    site = store.create_site("Office")
    telnet = finding("telnet", port=23)
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(MAC1, "192.0.2.1",
                                                                 findings=(telnet,))))
    assert _statuses(store, site.id) == {"01/telnet": "open"}
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(MAC1, "192.0.2.1")))
    fixed = store.findings(site.id, MAC1)[0]
    assert fixed.status is FindingStatus.FIXED and fixed.last_seen == "2026-01-01T10:00:30Z"
    store.save_scan(site.id, scan("2026-01-03T10:00:00Z", device(MAC1, "192.0.2.1",
                                                                 findings=(telnet,))))
    reopened = store.findings(site.id, MAC1)[0]
    assert reopened.status is FindingStatus.OPEN
    assert (reopened.first_seen, reopened.last_seen) == ("2026-01-01T10:00:30Z",
                                                         "2026-01-03T10:00:30Z")


def test_only_a_finished_checking_scan_of_the_device_fixes(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                  device(MAC1, "192.0.2.1", findings=(finding("x"),)),
                                  device(MAC2, "192.0.2.2", findings=(finding("y"),))))
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(MAC1, "192.0.2.1"),
                                  checks=False))
    store.save_scan(site.id, scan("2026-01-03T10:00:00Z", device(MAC1, "192.0.2.1"),
                                  cancelled=True))
    assert _statuses(store, site.id) == {"01/x": "open", "02/y": "open"}
    store.save_scan(site.id, scan("2026-01-04T10:00:00Z", device(MAC1, "192.0.2.1")))
    assert _statuses(store, site.id) == {"01/x": "fixed", "02/y": "open"}  # 02 was not checked


def test_accepted_risk_needs_reason_and_survives_rescan(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                  device(MAC1, "192.0.2.1", findings=(finding("upnp"),))))
    with pytest.raises(InvalidInputError):
        store.set_finding_status(site.id, MAC1, "upnp", "accepted")
    with pytest.raises(NotFoundError):
        store.set_finding_status(site.id, MAC1, "nope", "fixed")
    store.set_finding_status(site.id, MAC1, "upnp", FindingStatus.ACCEPTED,
                             reason="needed for the console", who="Sam")
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z",
                                  device(MAC1, "192.0.2.1", findings=(finding("upnp"),))))
    record = store.findings(site.id, status="accepted")[0]
    assert (record.reason, record.who) == ("needed for the console", "Sam")


def test_update_device_changes_only_given_fields(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(MAC1, "192.0.2.1")))
    store.update_device(site.id, MAC1, label="Printer", owner="Sam", tag=Tag.WORK,
                        support_end="2027-01-01")
    record = store.update_device(site.id, MAC1, notes="by the door", retired=True)
    assert (record.label, record.display_name, record.owner, record.tag) == (
        "Printer", "Printer", "Sam", Tag.WORK)
    assert (record.notes, record.retired, record.support_end) == ("by the door", True,
                                                                  "2027-01-01")
    with pytest.raises(InvalidInputError):
        store.update_device(site.id, MAC1, tag="purple")
    with pytest.raises(NotFoundError):
        store.update_device(site.id, "00:00:00:00:00:09", label="x")


def test_answers_keep_full_history_and_latest_wins(store: Store) -> None:
    site = store.create_site("Office")
    store.record_answer(site.id, MAC1, "default-password", "no", who="Sam",
                        at="2026-01-01T09:00:00+00:00")
    store.record_answer(site.id, MAC1, "default-password", "yes", note="changed", who="Kim",
                        at="2026-01-02T09:00:00+00:00")
    store.record_answer(site.id, "", "guest-wifi", "yes")
    latest = store.answers(site.id, MAC1)
    assert latest["default-password"].value == "yes" and latest["default-password"].who == "Kim"
    history = store.answer_history(site.id, MAC1, "default-password")
    assert [a.value for a in history] == ["no", "yes"]
    assert set(store.answers(site.id, "")) == {"guest-wifi"}


def test_consent_records(store: Store) -> None:
    site = store.create_site("Office")
    record = store.record_consent(site.id, "Owner Jo", "192.0.2.0/24", "port checks")
    assert store.consents(site.id) == (record,)
    with pytest.raises(InvalidInputError):
        store.record_consent(site.id, " ", "192.0.2.0/24", "port checks")


def test_one_store_shared_by_threads(store: Store) -> None:
    site = store.create_site("Office")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                store.record_answer(site.id, f"aa:00:00:00:00:{n:02x}", f"item{i}", "yes")
                store.devices(site.id)
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(len(store.answers(site.id, f"aa:00:00:00:00:{n:02x}")) for n in range(6)) == 60


def test_connections_of_finished_threads_are_closed(store: Store) -> None:
    site = store.create_site("Office")

    def use() -> None:
        store.devices(site.id)

    for _ in range(5):
        worker = threading.Thread(target=use)
        worker.start()
        worker.join()
    assert len(store._connections) <= 2  # this thread's and at most the last worker's


def test_hostile_network_text_is_stored_and_read_back_safely(store: Store,
                                                            tmp_path: Path) -> None:
    site = store.create_site("Office")
    weird = "Printer\udcff\x00<script>alert(1)</script> 🖨 " + "x" * 10_000
    hostile = device(MAC1, "192.0.2.1", name=weird,
                     services=(service("_ipp._tcp.local.", weird, 631),),
                     findings=(finding("odd\udc80id"),))
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", hostile))
    latest = store.device(site.id, MAC1).latest
    assert latest is not None and latest.upnp is not None
    assert latest.upnp.friendly_name == weird.replace("\udcff", "?")
    assert latest.services[0].name.startswith("Printer?\x00<script>")
    assert store.findings(site.id)[0].finding.id == "odd?id"
    other = tmp_path / "other.sqlite3"
    with Store.open(other) as target:
        target.import_site(store.export_site(site.id, tmp_path / "site.json"))
        copied = target.device(target.site_by_name("Office").id, MAC1).latest
    assert copied == latest


def test_a_failed_write_leaves_no_open_transaction(store: Store) -> None:
    site = store.create_site("Office")
    with pytest.raises(NotFoundError):
        store.save_scan(site.id + 99, scan("2026-01-01T10:00:00Z", device(MAC1, "192.0.2.1")))
    with pytest.raises(NotFoundError):
        store.set_finding_status(site.id, MAC1, "none", "fixed")
    store.record_answer(site.id, "", "guest-wifi", "yes")
    with Store.open(store.path) as other:  # a second connection sees the commit at once
        assert other.answers(site.id, "")["guest-wifi"].value == "yes"
        assert other.scans(site.id) == ()


def test_the_device_list_keeps_only_latest_observations_decoded(store: Store) -> None:
    """A watch saves a new observation of every device each scan: none of the old ones may
    stay in memory (the window's memory grew ~0.6 MB a minute watching 250 devices)."""
    site = store.create_site("Watched")
    other = store.create_site("Other")
    store.save_scan(other.id, scan("2026-01-01T09:00:00Z", device("aa:00:00:00:00:09",
                                                                  "192.0.2.9")))
    store.devices(other.id)
    macs = [f"aa:00:00:00:00:0{n}" for n in range(3)]
    for minute in range(10, 20):
        store.save_scan(site.id, scan(f"2026-01-01T10:{minute}:00Z",
                                      *(device(m, f"192.0.2.{n}") for n, m in enumerate(macs))))
        records = store.devices(site.id)
        assert len(store._observation_cache[site.id]) == len(records) == 3
    assert [r.latest.ip for r in records if r.latest] == ["192.0.2.0", "192.0.2.1", "192.0.2.2"]
    assert len(store._observation_cache[other.id]) == 1  # another site's list is kept apart
    assert store.device(site.id, macs[0]).latest == records[0].latest
