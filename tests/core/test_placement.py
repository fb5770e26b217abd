"""Home, guest and likely-personal devices on a work network get a separation finding."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.assessment import assess_one
from core.cli import main
from core.errors import InvalidInputError
from core.guidance.placement import (
    CONSUMER_ON_WORK,
    GUEST_ON_HOME,
    GUEST_ON_WORK,
    HOME_ON_WORK,
    WORK_ON_GUEST,
    placement_findings,
)
from core.guidance.references import is_known
from core.models import Category, Device, Severity, Tag
from core.scan import scan_to_json
from core.store import Store
from tests.fixtures.db.builders import device, scan

WORK = ("192.168.10.0/24",)
MAC = "aa:bb:cc:00:11:22"


def _device(ip: str = "192.168.10.23", category: Category = Category.UNKNOWN) -> Device:
    return Device(mac="aa:bb:cc:00:11:22", ips=(ip,), category=category)


def test_home_device_on_work_network_gets_advice() -> None:
    (finding,) = placement_findings(_device(), Tag.HOME, WORK)
    assert finding.id == HOME_ON_WORK
    assert finding.severity is Severity.MEDIUM
    assert "192.168.10.23" in finding.evidence and "192.168.10.0/24" in finding.evidence
    assert "guest" in finding.fix.lower()
    assert finding.refs and all(is_known(ref) for ref in finding.refs)


def test_guest_device_on_work_network() -> None:
    (finding,) = placement_findings(_device(), Tag.GUEST, WORK)
    assert finding.id == GUEST_ON_WORK


def test_untagged_consumer_device_is_flagged_for_confirmation() -> None:
    for category in (Category.PHONE, Category.MEDIA):
        (finding,) = placement_findings(_device(category=category), Tag.UNKNOWN, WORK)
        assert finding.id == CONSUMER_ON_WORK
        assert finding.severity is Severity.LOW
        assert "Tag" in finding.fix


def test_no_finding_when_it_belongs_or_is_elsewhere() -> None:
    assert placement_findings(_device(category=Category.PHONE), Tag.WORK, WORK) == ()
    assert placement_findings(_device(category=Category.PRINTER), Tag.UNKNOWN, WORK) == ()
    assert placement_findings(_device(ip="192.168.20.5"), Tag.HOME, WORK) == ()
    assert placement_findings(_device(), Tag.HOME, ()) == ()
    assert placement_findings(Device(mac="aa:bb:cc:00:11:22"), Tag.HOME, WORK) == ()


def test_any_address_and_odd_network_entries() -> None:
    device = Device(mac="aa:bb:cc:00:11:22", ips=("not-an-ip", "10.0.0.9", "fd00::9"))
    assert placement_findings(device, Tag.HOME, ("garbage", "", "fd00::/64"))[0].id == HOME_ON_WORK
    assert placement_findings(device, Tag.HOME, ("10.0.0.1/8",))[0].id == HOME_ON_WORK
    assert placement_findings(device, Tag.HOME, ("garbage", "10.1.0.0/16")) == ()


def test_roles_decide_what_is_out_of_place() -> None:
    guest = {"192.168.10.0/24": "guest"}
    home = {"192.168.10.0/24": "home"}
    (finding,) = placement_findings(_device(), Tag.WORK, (), guest)
    assert finding.id == WORK_ON_GUEST and finding.severity is Severity.MEDIUM
    assert "guest network" in finding.evidence and finding.refs
    assert all(is_known(ref) for ref in finding.refs)
    assert placement_findings(_device(), Tag.HOME, (), guest) == ()
    assert placement_findings(_device(category=Category.PHONE), Tag.UNKNOWN, (), guest) == ()
    assert placement_findings(_device(), Tag.HOME, (), home) == (), "home gadgets at home: fine"
    assert placement_findings(_device(category=Category.MEDIA), Tag.UNKNOWN, (), home) == ()
    (visitor,) = placement_findings(_device(), Tag.GUEST, (), home)
    assert visitor.id == GUEST_ON_HOME and visitor.severity is Severity.LOW
    # work_networks are work whatever the roles say: the old callers keep their findings
    assert placement_findings(_device(), Tag.HOME, WORK, home)[0].id == HOME_ON_WORK
    assert placement_findings(_device(), Tag.WORK, (), {"bad": "guest", "10.0.0.0/8": "x"}) == ()


def test_site_roles_survive_the_store_and_feed_the_assessment(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        site = store.create_site("Home office", networks=("192.168.10.0/24",),
                                 network_roles={"192.168.10.0/24": "guest"})
        assert site.guest_networks == ("192.168.10.0/24",) and site.work_networks == ()
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", device(MAC, "192.168.10.23")))
        store.update_device(site.id, MAC, tag=Tag.WORK)
        assert WORK_ON_GUEST in assess_one(store, site.id, MAC).open_ids
        site = store.update_site(site.id, network_roles={"192.168.10.7/24": "work"})
        assert site.work_networks == ("192.168.10.0/24",) and site.guest_networks == ()
        assert assess_one(store, site.id, MAC).open_ids == ()
        store.update_device(site.id, MAC, tag=Tag.HOME)
        assert HOME_ON_WORK in assess_one(store, site.id, MAC).open_ids
        site = store.update_site(site.id, network_roles={"192.168.10.0/24": "home"})
        assert site.home_networks == ("192.168.10.0/24",)
        assert assess_one(store, site.id, MAC).open_ids == ()
        site = store.update_site(site.id, work_networks=("10.0.0.0/8",))
        assert site.network_roles == {"192.168.10.0/24": "home", "10.0.0.0/8": "work"}
        with pytest.raises(InvalidInputError):
            store.update_site(site.id, network_roles={"10.0.0.0/8": "office"})


def test_cli_score_takes_the_roles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tv = device(MAC, "192.168.10.23")
    result = scan("2026-02-01T10:00:00Z", replace(tv, category=Category.MEDIA))
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(scan_to_json(result)), encoding="utf-8")
    assert main(["score", str(path), "--work-network", "192.168.10.0/24"]) == 0
    assert "1 low" in capsys.readouterr().out  # a likely personal TV on the work network
    assert main(["score", str(path), "--guest-network", "192.168.10.0/24"]) == 0
    assert "no open issues" in capsys.readouterr().out
    assert main(["score", str(path), "--home-network", "192.168.10.0/24"]) == 0
    assert "no open issues" in capsys.readouterr().out
