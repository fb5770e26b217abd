"""Monitoring events from store Changes, their ECS documents, business hours and presence."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.models import Category, Device, Severity
from core.monitoring import (
    BusinessHours,
    Event,
    EventDevice,
    EventFinding,
    EventKind,
    Observer,
    SiteSettings,
    events_from_changes,
    is_locally_administered,
    load_settings,
    outside_hours_findings,
    presence,
    save_settings,
    state_events,
    to_ecs,
    to_json_line,
)
from core.presence.hours import hours_from_json, parse_days
from core.store import Store
from tests.fixtures.db.builders import device, finding, scan

A, B, C = "aa:00:00:00:00:0a", "a8:00:00:00:00:0b", "a8:00:00:00:00:0c"
PHONES = ("da:a1:19:00:00:01", "de:a1:19:00:00:02", "36:a1:19:00:00:03")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        yield opened


def _phone(mac: str, ip: str) -> Device:
    return Device(mac=mac, ips=(ip,), mac_random=True, sources=("arp",))


def _events(store: Store, site_id: int) -> list[Event]:
    changes = store.changes(site_id)
    summary = store.scan(changes.new_scan_id)
    devices = {d.mac: d for d in store.scan_devices(changes.new_scan_id)}
    if changes.old_scan_id:
        devices.update({d.mac: d for d in store.scan_devices(changes.old_scan_id)})
    return events_from_changes("Office", changes, summary, devices, client="Acme Ltd")


def test_first_scan_is_one_baseline_event(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1"),
                                  device(B, "192.0.2.2")))
    events = _events(store, site.id)
    assert [(e.kind, e.count) for e in events] == [(EventKind.BASELINE, 2)]


def test_changes_become_events_with_device_details(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan(
        "2026-01-01T10:00:00Z",
        device(A, "192.0.2.1", ports=(23, 80), findings=(finding("telnet-open", port=23),)),
        device(B, "192.0.2.2", ports=(80,))))  # not ARP-only: one missed scan means gone
    store.save_scan(site.id, scan(
        "2026-01-02T10:00:00Z",
        device(A, "192.0.2.1", ports=(80, 443), findings=(finding("weak-tls", port=443),)),
        device(C, "192.0.2.3")))
    events = _events(store, site.id)
    kinds = sorted(e.kind.value for e in events)
    assert kinds == ["device_gone", "finding_fixed", "finding_opened", "new_device",
                     "port_closed", "port_opened"]
    new = next(e for e in events if e.kind is EventKind.NEW_DEVICE)
    assert new.device is not None and new.device.mac == C and new.device.vendor == "Acme"
    assert new.device.category == "printer" and new.device.model == "P1"
    assert new.is_alert and new.site == "Office" and new.client == "Acme Ltd"
    opened = next(e for e in events if e.kind is EventKind.PORT_OPENED)
    assert opened.ports == (443,)
    found = next(e for e in events if e.kind is EventKind.FINDING_OPENED)
    assert found.finding is not None and found.finding.id == "weak-tls"
    assert found.severity is Severity.HIGH
    assert all(e.timestamp == "2026-01-02T10:00:30Z" for e in events)


def test_random_mac_arrivals_are_grouped_into_one_event(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1")))
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(A, "192.0.2.1"),
                                  device(B, "192.0.2.2"),
                                  *(_phone(m, f"192.0.2.{20 + i}")
                                    for i, m in enumerate(PHONES))))
    events = _events(store, site.id)
    grouped = [e for e in events if e.kind is EventKind.NEW_PRIVATE_DEVICES]
    assert len(grouped) == 1 and grouped[0].count == 3
    assert set(grouped[0].macs) == set(PHONES)
    assert [e.device.mac for e in events if e.kind is EventKind.NEW_DEVICE and e.device] == [B]


def test_checked_changes_supply_ports_and_findings(store: Store) -> None:
    """A light scan between two full ones must not hide (or invent) port changes."""
    site = store.create_site("Office")
    first = store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                          device(A, "192.0.2.1", ports=(80,))))
    store.save_scan(site.id, scan("2026-01-01T11:00:00Z", device(A, "192.0.2.1"),
                                  checks=False))
    last = store.save_scan(site.id, scan("2026-01-01T12:00:00Z",
                                         device(A, "192.0.2.1", ports=(80, 23))))
    changes = store.changes(site.id)
    assert not changes.port_changes  # light -> full knows no ports
    checked = store.changes(site.id, first, last)
    events = events_from_changes("Office", changes, store.scan(last), checked_changes=checked)
    assert [(e.kind, e.ports) for e in events] == [(EventKind.PORT_OPENED, (23,))]


def test_locally_administered_bit() -> None:
    assert is_locally_administered("da:a1:19:10:00:15")
    assert is_locally_administered("02-00-00-00-00-01")
    assert not is_locally_administered("3c:d9:2b:10:00:10")
    assert not is_locally_administered("zz")


def test_ecs_document_shape() -> None:
    event = Event(kind=EventKind.FINDING_OPENED, site="Office", client="Acme Ltd",
                  timestamp="2026-01-02T10:00:30Z", message="camera: new finding",
                  scan_id=7, severity=Severity.HIGH, ports=(23,),
                  device=events_device(), finding=events_finding())
    doc = to_ecs(event, Observer(hostname="probe", interface="eth0", ip="192.0.2.250",
                                 mac="02:00:00:00:00:fa"))
    assert doc["@timestamp"] == "2026-01-02T10:00:30Z"
    assert doc["ecs"]["version"].startswith("8.")
    assert doc["event"]["kind"] == "alert"
    assert doc["event"]["category"] == ["vulnerability"] and doc["event"]["type"] == ["info"]
    assert doc["event"]["action"] == "finding_opened" and doc["event"]["severity"] == 73
    assert doc["host"] == {"mac": ["C0-56-E3-10-00-11"], "ip": ["192.0.2.11"],
                           "name": "Front door", "type": "camera"}
    assert doc["device"]["manufacturer"] == "Hikvision"
    assert doc["device"]["model"]["identifier"] == "DS-2CD2143"
    assert doc["vulnerability"]["id"] == "telnet-open"
    assert doc["vulnerability"]["severity"] == "High"
    assert doc["vulnerability"]["reference"] == "OWASP IoT I2; ETSI EN 303 645 5.6"
    assert doc["observer"]["hostname"] == "probe"
    assert doc["observer"]["ingress"]["interface"]["name"] == "eth0"
    assert doc["observer"]["mac"] == ["02-00-00-00-00-FA"]
    assert doc["organization"]["name"] == "Acme Ltd"
    assert doc["labels"] == {"site": "Office", "client": "Acme Ltd", "scan_id": "7",
                             "device_category": "camera", "finding_status": "open"}
    assert doc["iot_hygiene"]["ports"] == [23]
    assert all(isinstance(v, str) for v in doc["labels"].values())  # ECS labels are keywords
    line = to_json_line(event)
    assert "\n" not in line and line.isascii() and json.loads(line)["message"]


def test_state_kinds_and_routine_events_in_ecs() -> None:
    inventory = Event(kind=EventKind.INVENTORY, site="S", timestamp="t", message="m", count=80,
                      device=events_device())
    doc = to_ecs(inventory)
    assert doc["event"]["kind"] == "state" and doc["event"]["dataset"] == "iot_hygiene.inventory"
    assert doc["iot_hygiene"]["score"] == 80 and "severity" not in doc["event"]
    gone = to_ecs(replace(inventory, kind=EventKind.DEVICE_GONE, count=0))
    assert gone["event"]["kind"] == "event" and gone["event"]["type"] == ["end"]
    assert gone["organization"]["name"] == "S"


def events_device() -> EventDevice:
    return EventDevice(mac="c0:56:e3:10:00:11", ip="192.0.2.11", name="Front door",
                       vendor="Hikvision", model="DS-2CD2143", category="camera")


def events_finding() -> EventFinding:
    return EventFinding(id="telnet-open", severity=Severity.HIGH, title="Telnet is open",
                        refs=("OWASP IoT I2", "ETSI EN 303 645 5.6"), port=23)


def test_state_events_list_inventory_and_open_findings(store: Store) -> None:
    from core.assessment import assess_site

    site = store.create_site("Office")
    scan_id = store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(
        A, "192.0.2.1", findings=(finding("telnet-open", port=23),)), device(B, "192.0.2.2")))
    events = state_events(assess_site(store, site.id), "2026-01-01T10:00:30Z", scan_id)
    inventory = [e for e in events if e.kind is EventKind.INVENTORY]
    assert {e.device.mac for e in inventory if e.device} == {A, B}
    open_findings = [e for e in events if e.kind is EventKind.OPEN_FINDING]
    assert [(e.device.mac, e.finding.id) for e in open_findings
            if e.device and e.finding] == [(A, "telnet-open")]


# -- business hours --------------------------------------------------------------------------
HOURS = BusinessHours(days=(0, 1, 2, 3, 4), start=dt.time(8), end=dt.time(18),
                      timezone="Europe/London")


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_business_hours_open_and_closed() -> None:
    assert HOURS.is_open(_at("2026-01-05T09:00:00+00:00"))  # Monday
    assert not HOURS.is_open(_at("2026-01-05T18:00:00+00:00"))
    assert not HOURS.is_open(_at("2026-01-10T10:00:00+00:00"))  # Saturday
    assert HOURS.is_open(_at("2026-07-06T07:30:00+00:00"))  # 08:30 BST
    night = replace(HOURS, start=dt.time(22), end=dt.time(6))
    assert night.is_open(_at("2026-01-06T05:00:00+00:00"))  # Tuesday early, Monday's shift
    assert not night.is_open(_at("2026-01-05T05:00:00+00:00"))  # Monday early: Sunday off


def test_devices_on_outside_hours_cameras_excepted() -> None:
    pc = replace(device(A, "192.0.2.1"), category=Category.COMPUTER)
    camera = replace(device(B, "192.0.2.2"), category=Category.CAMERA)
    me = replace(device(C, "192.0.2.3"), is_self=True)
    saturday = _at("2026-01-10T23:15:00+00:00")
    flagged = outside_hours_findings([pc, camera, me], HOURS, saturday)
    assert [(d.mac, f.id) for d, f in flagged] == [(A, "on-outside-hours")]
    assert "23:15 on Sat" in flagged[0][1].evidence and flagged[0][1].severity is Severity.LOW
    assert outside_hours_findings([pc], HOURS, _at("2026-01-05T09:00:00+00:00")) == []
    assert outside_hours_findings([pc], replace(HOURS, exempt_macs=(A,)), saturday) == []


def test_settings_file_round_trip_and_validation(tmp_path: Path) -> None:
    assert load_settings(tmp_path, 3) == SiteSettings()
    save_settings(tmp_path, 3, SiteSettings(business_hours=HOURS, extra={"future": 1}))
    loaded = load_settings(tmp_path, 3)
    assert loaded.business_hours == HOURS and loaded.extra == {"future": 1}
    assert parse_days("Mon-Fri") == (0, 1, 2, 3, 4) and parse_days("Sat-Mon") == (0, 5, 6)
    for bad in ({"days": ["Funday"]}, {"start": "25:00"}, {"timezone": "Mars/Base"},
                {"exempt_categories": ["toaster"]}):
        with pytest.raises(InvalidInputError):
            hours_from_json(bad)
    (tmp_path / "site-4.json").write_text("{not json")
    with pytest.raises(InvalidInputError):
        load_settings(tmp_path, 4)


def test_presence_timeline(store: Store) -> None:
    site = store.create_site("Office")
    ids = [store.save_scan(site.id, scan(f"2026-01-0{day}T10:00:00Z", *devices))
           for day, devices in ((1, (device(A, "192.0.2.1"), device(B, "192.0.2.2"))),
                                (2, (device(A, "192.0.2.1"),)),
                                (3, (device(A, "192.0.2.1"), device(B, "192.0.2.2"))))]
    timeline = presence(store, site.id)
    assert [p.seen for p in timeline[B]] == [True, False, True]
    assert [p.scan_id for p in timeline[A]] == ids
    assert list(presence(store, site.id, mac=B.upper(), limit=2)) == [B]
    assert [p.seen for p in presence(store, site.id, mac=B, limit=2)[B]] == [False, True]
