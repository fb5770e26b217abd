"""Export a site to one file and import it elsewhere: round trip, merge, idempotent re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import DataFileError
from core.models import Tag
from core.store import Changes, Store
from tests.fixtures.db.builders import device, finding, scan, service

A, B = "aa:00:00:00:00:0a", "aa:00:00:00:00:0b"


def _laptop_one(path: Path) -> tuple[Store, int]:
    store = Store.open(path)
    site = store.create_site("Client X", client="Acme", networks=["192.0.2.0/24"])
    consent = store.record_consent(site.id, "Jo Owner", "192.0.2.0/24", "port checks")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                  device(A, "192.0.2.1", ports=(23,),
                                         findings=(finding("telnet", port=23),),
                                         services=(service("_ipp._tcp.local.", "P", 631),))),
                    consent_id=consent.id)
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(A, "192.0.2.1"),
                                  device(B, "192.0.2.2", findings=(finding("upnp"),))))
    store.update_device(site.id, A, label="Printer", owner="Sam", tag=Tag.WORK)
    store.set_finding_status(site.id, B, "upnp", "accepted", reason="console", who="Sam")
    store.record_answer(site.id, A, "default-password", "changed", who="Sam",
                        at="2026-01-02T11:00:00+00:00")
    return store, site.id


def _snapshot(store: Store, site_id: int) -> dict[str, object]:
    return {
        "devices": [(d.mac, d.label, d.owner, d.tag, d.first_seen, d.last_seen, d.latest)
                    for d in store.devices(site_id)],
        "scans": [(s.started, s.device_count, s.finding_counts) for s in store.scans(site_id)],
        "findings": store.findings(site_id),
        "answers": store.answer_history(site_id, A, "default-password"),
        "consents": [(c.authorised_by, c.network, c.at) for c in store.consents(site_id)],
    }


def test_round_trip_to_an_empty_database_and_reimport_adds_nothing(tmp_path: Path) -> None:
    source, site_id = _laptop_one(tmp_path / "one.sqlite3")
    exported = source.export_site(site_id, tmp_path / "site.json")
    assert json.loads(exported.read_text())["version"] == 1
    with source, Store.open(tmp_path / "two.sqlite3") as target:
        summary = target.import_site(exported)
        assert (summary.site_created, summary.devices_added, summary.scans_added,
                summary.answers_added, summary.consents_added) == (True, 2, 2, 1, 1)
        imported = target.site_by_name("Client X")
        assert imported.client == "Acme" and imported.networks == ("192.0.2.0/24",)
        assert _snapshot(target, imported.id) == _snapshot(source, site_id)
        again = target.import_site(exported, merge=True)
        assert (again.devices_added, again.scans_added, again.answers_added,
                again.consents_added, again.scans_skipped) == (0, 0, 0, 0, 2)
        assert _snapshot(target, imported.id) == _snapshot(source, site_id)
        assert _what_changed(target.changes(imported.id)) == _what_changed(
            source.changes(site_id))


def _what_changed(changes: Changes) -> tuple[object, ...]:
    return (changes.new_devices, changes.gone_devices, changes.ip_changes,
            changes.port_changes, changes.new_findings, changes.fixed_findings,
            changes.new_services)


def test_merge_keeps_local_work_and_takes_newer_edits(tmp_path: Path) -> None:
    source, site_id = _laptop_one(tmp_path / "one.sqlite3")
    with source, Store.open(tmp_path / "two.sqlite3") as target:
        local = target.create_site("client x", networks=["198.51.100.0/24"])
        target.save_scan(local.id, scan("2026-01-03T10:00:00Z", device(B, "192.0.2.7")))
        target.record_answer(local.id, A, "default-password", "unknown",
                             at="2026-01-01T08:00:00+00:00")
        target.update_device(local.id, B, owner="Local Kim")
        source.update_device(site_id, A, owner="Sam again")  # edited later on laptop one
        summary = target.import_site(source.export_site(site_id, tmp_path / "site.json"),
                                     merge=True)
        assert not summary.site_created and summary.devices_added == 1
        merged = target.site(local.id)
        assert set(merged.networks) == {"192.0.2.0/24", "198.51.100.0/24"}
        assert len(target.scans(local.id)) == 3
        assert target.device(local.id, A).owner == "Sam again"
        b = target.device(local.id, B)
        assert b.owner == "Local Kim" and b.last_seen == "2026-01-03T10:00:30Z"
        assert b.latest is not None and b.latest.ips == ("192.0.2.7",)
        history = target.answer_history(local.id, A, "default-password")
        assert [a.value for a in history] == ["unknown", "changed"]
        assert target.answers(local.id, A)["default-password"].value == "changed"


def test_export_never_contains_secrets_or_other_sites(tmp_path: Path) -> None:
    source, site_id = _laptop_one(tmp_path / "one.sqlite3")
    with source:
        other = source.create_site("Elsewhere")
        source.save_scan(other.id, scan("2026-01-05T10:00:00Z", device("aa:ff:00:00:00:01",
                                                                       "203.0.113.5")))
        text = source.export_site(site_id, tmp_path / "site.json").read_text()
    assert "203.0.113.5" not in text and "Elsewhere" not in text
    assert "password\"" not in text.replace("default-password", "")


@pytest.mark.parametrize("content", [
    "not json", "[]", '{"format": "something-else", "version": 1}',
    '{"format": "iot-hygiene-site", "version": 99, "site": {"name": "x"}}',
    '{"format": "iot-hygiene-site", "version": 1, "site": {}}',
    '{"format": "iot-hygiene-site", "version": 1, "site": {"name": "x"}, "devices": [{}]}',
])
def test_bad_files_are_refused_and_change_nothing(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with Store.open(tmp_path / "db.sqlite3") as store:
        with pytest.raises(DataFileError):
            store.import_site(bad)
        assert store.sites() == ()


def test_keep_it_counted_travels_with_the_site(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.sqlite3") as source:
        site = source.create_site("Office")
        source.save_scan(site.id, scan("2026-01-01T10:00:00Z", device("aa:00:00:00:00:01",
                                                                      "192.0.2.1")))
        source.update_device(site.id, "aa:00:00:00:00:01", kept=True)
        exported = source.export_site(site.id, tmp_path / "office.json")
    with Store.open(tmp_path / "b.sqlite3") as target:
        imported = target.import_site(exported)
        assert target.device(imported.site_id, "aa:00:00:00:00:01").kept


def test_network_roles_travel_with_the_export(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.sqlite3") as source:
        site = source.create_site("Roles", networks=("10.0.0.0/24", "10.0.1.0/24"),
                                  work_networks=("10.0.0.0/24",),
                                  network_roles={"10.0.1.0/24": "guest"})
        exported = source.export_site(site.id, tmp_path / "roles.json")
    with Store.open(tmp_path / "b.sqlite3") as target:
        target.import_site(exported)
        copied = target.site_by_name("Roles")
    assert copied.network_roles == {"10.0.0.0/24": "work", "10.0.1.0/24": "guest"}


def test_a_thorough_scan_stays_thorough_after_export_and_import(tmp_path: Path) -> None:
    from dataclasses import replace

    with Store.open(tmp_path / "a.sqlite3") as source:
        site = source.create_site("Contractor visit")
        standard = scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1"))
        thorough = scan("2026-01-02T10:00:00Z", device(A, "192.0.2.1"))
        source.save_scan(site.id, standard)
        source.save_scan(site.id, replace(thorough, info=replace(thorough.info, thorough=True)))
        exported = source.export_site(site.id, tmp_path / "visit.json")
    with Store.open(tmp_path / "b.sqlite3") as target:
        imported = target.import_site(exported)
        flags = [(s.started, s.thorough) for s in target.scans(imported.site_id)]
    assert flags == [("2026-01-02T10:00:00Z", True), ("2026-01-01T10:00:00Z", False)]
