"""Home, guest and likely-personal devices on a work network get a separation finding."""

from __future__ import annotations

from core.guidance.placement import (
    CONSUMER_ON_WORK,
    GUEST_ON_WORK,
    HOME_ON_WORK,
    placement_findings,
)
from core.guidance.references import is_known
from core.models import Category, Device, Severity, Tag

WORK = ("192.168.10.0/24",)


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
