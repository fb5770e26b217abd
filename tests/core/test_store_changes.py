"""Change detection between two saved scans of a site, on crafted scan pairs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import NotFoundError
from core.models import ScanResult, Severity
from core.store import Store
from tests.fixtures.db.builders import device, finding, scan, service

A, B, C = "aa:00:00:00:00:0a", "aa:00:00:00:00:0b", "aa:00:00:00:00:0c"
IPP = service("_ipp._tcp.local.", "Printer", 631)
SSH = service("_ssh._tcp.local.", "Box", 22)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        yield opened


def test_every_kind_of_change_is_reported(store: Store) -> None:
    site = store.create_site("Office")
    old_id = store.save_scan(site.id, scan(
        "2026-01-01T10:00:00Z",
        device(A, "192.0.2.1", ports=(23, 80), findings=(finding("telnet", port=23),),
               services=(IPP,)),
        device(B, "192.0.2.2", ports=(80,))))
    store.update_device(site.id, A, label="Front printer")
    new_id = store.save_scan(site.id, scan(
        "2026-01-02T10:00:00Z",
        device(A, "192.0.2.9", ports=(80, 443), findings=(finding("weak-tls", port=443),),
               services=(IPP, SSH)),
        device(C, "192.0.2.3", findings=(finding("default-login"),))))
    changes = store.changes(site.id)
    assert (changes.old_scan_id, changes.new_scan_id) == (old_id, new_id)
    assert [d.mac for d in changes.new_devices] == [C]
    assert [d.mac for d in changes.gone_devices] == [B]
    assert [(c.device.name, c.old_ips, c.new_ips) for c in changes.ip_changes] == [
        ("Front printer", ("192.0.2.1",), ("192.0.2.9",))]
    assert [(c.opened, c.closed) for c in changes.port_changes] == [((443,), (23,))]
    assert sorted((c.device.mac, c.finding.id) for c in changes.new_findings) == [
        (A, "weak-tls"), (C, "default-login")]
    assert [(c.device.mac, c.finding.id) for c in changes.fixed_findings] == [(A, "telnet")]
    assert [(c.device.mac, c.service.type) for c in changes.new_services] == [
        (A, "_ssh._tcp.local.")]
    assert not changes.is_empty


def test_identical_scans_have_no_changes(store: Store) -> None:
    site = store.create_site("Office")
    same = (device(A, "192.0.2.1", ports=(80,), findings=(finding("x"),), services=(IPP,)),)
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", *same))
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", *same))
    assert store.changes(site.id).is_empty


def test_scan_without_checks_fixes_nothing(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z",
                                  device(A, "192.0.2.1", findings=(finding("x"),))))
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(A, "192.0.2.1"),
                                  checks=False))
    assert store.changes(site.id).fixed_findings == ()


def test_scan_without_checks_reports_no_closed_ports(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1", ports=(23, 80))))
    store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(A, "192.0.2.1"),
                                  checks=False))
    assert store.changes(site.id).port_changes == ()


def test_explicit_pair_and_first_scan(store: Store) -> None:
    site = store.create_site("Office")
    first = store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1")))
    only = store.changes(site.id)
    assert only.old_scan_id is None and [d.mac for d in only.new_devices] == [A]
    second = store.save_scan(site.id, scan("2026-01-02T10:00:00Z", device(B, "192.0.2.2")))
    third = store.save_scan(site.id, scan("2026-01-03T10:00:00Z", device(A, "192.0.2.1")))
    assert [d.mac for d in store.changes(site.id).returned_devices] == [A]  # back, not new
    assert store.changes(site.id, first, third).is_empty
    back = store.changes(site.id, new_scan_id=second)
    assert back.old_scan_id == first and [d.mac for d in back.unconfirmed_gone] == [A]


def test_changes_need_a_scan_of_this_site(store: Store) -> None:
    site = store.create_site("Office")
    other = store.create_site("Home")
    with pytest.raises(NotFoundError):
        store.changes(site.id)
    foreign = store.save_scan(other.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1")))
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1")))
    with pytest.raises(NotFoundError):
        store.changes(site.id, old_scan_id=foreign)


def _office(*, upnp_port: int, arp_host: bool = True, cancelled: bool = False,
            started: str = "2026-01-01T10:00:00Z") -> ScanResult:
    """A printer with an info item and a UPnP port that moves per boot, plus an ARP-only host."""
    info = finding("credential-checks-not-run", Severity.INFO)
    devices = [device(A, "192.0.2.1", ports=(80, upnp_port), findings=(info,)),
               device(C, "192.0.2.3", ports=(22,))]
    if arp_host:
        devices.append(device(B, "192.0.2.2"))
    return scan(started, *devices, cancelled=cancelled)


def test_back_to_back_scans_of_a_calm_office_change_nothing(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, _office(upnp_port=49152))
    store.save_scan(site.id, _office(upnp_port=49153, arp_host=False,
                                     started="2026-01-01T10:05:00Z"))
    changes = store.changes(site.id)
    assert changes.is_empty, changes
    assert [(p.opened, p.closed) for p in changes.ephemeral_port_changes] == [((49153,), (49152,))]
    assert [d.mac for d in changes.unconfirmed_gone] == [B]  # one missed ARP sweep: not gone yet
    store.save_scan(site.id, _office(upnp_port=49152, started="2026-01-01T10:10:00Z"))
    back = store.changes(site.id)
    assert back.is_empty and [d.mac for d in back.returned_devices] == [B]


def test_arp_only_host_is_gone_after_two_missed_scans(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, _office(upnp_port=80))
    for minute in ("05", "10"):
        store.save_scan(site.id, _office(upnp_port=80, arp_host=False,
                                         started=f"2026-01-01T10:{minute}:00Z"))
    assert [d.mac for d in store.changes(site.id).gone_devices] == [B]


def test_a_cancelled_or_narrower_scan_calls_nobody_gone(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, _office(upnp_port=80))
    store.save_scan(site.id, scan("2026-01-01T10:05:00Z", device(A, "192.0.2.1"),
                                  cancelled=True))
    assert store.changes(site.id).gone_devices == ()
    store.save_scan(site.id, scan("2026-01-01T10:10:00Z", device(A, "192.0.2.1", ports=(80,)),
                                  network="198.51.100.0/24"))
    assert store.changes(site.id).gone_devices == ()


def test_a_known_mac_with_another_identity_is_a_change(store: Store) -> None:
    site = store.create_site("Office")
    store.save_scan(site.id, scan("2026-01-01T10:00:00Z", device(A, "192.0.2.1", ports=(80,))))
    other = replace(device(A, "192.0.2.1", ports=(80,)), vendor="Evil Corp", model="X9")
    store.save_scan(site.id, scan("2026-01-01T10:05:00Z", other))
    changes = store.changes(site.id)
    assert [(c.field, c.old, c.new) for c in changes.identity_changes] == [
        ("vendor", "Acme", "Evil Corp"), ("model", "P1", "X9")]
    assert not changes.is_empty
