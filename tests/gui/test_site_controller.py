"""The site controller alone (no window): sites, loads, consent and errors arrive as signals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from core.errors import KnownError
from core.models import Interface, Site
from gui.models import DeviceRow
from gui.session import Session
from gui.settings import Settings
from gui.site_controller import SAMPLE_SITE_NAME, SiteController
from gui.tasks import TaskRunner
from gui.views import DashboardData


class Recorder:
    """Every signal the controller emits, in order, with its arguments."""

    def __init__(self, controller: SiteController) -> None:
        self.events: list[tuple[str, tuple[object, ...]]] = []
        for name in ("sites_listed", "site_changed", "loading", "rows_loaded", "loaded",
                     "rows_streamed", "row_changed", "dashboard_ready", "consent_changed",
                     "report_saved", "error"):
            getattr(controller, name).connect(
                lambda *args, name=name: self.events.append((name, args)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def last(self, name: str) -> tuple[object, ...]:
        return next(args for kind, args in reversed(self.events) if kind == name)


@pytest.fixture
def controller(qtbot: QtBot, tmp_path: Path) -> Iterator[SiteController]:
    parent = QObject()
    session = Session.open(tmp_path / "hygiene.sqlite3")
    tasks = TaskRunner(parent, max_threads=2)
    yield SiteController(session, Settings(), tasks, parent)
    tasks.shutdown()
    session.close()


def _settle(qtbot: QtBot, controller: SiteController) -> None:
    qtbot.waitUntil(lambda: not controller.busy, timeout=10_000)


def test_no_site_then_a_new_one_is_loaded(qtbot: QtBot, controller: SiteController) -> None:
    seen = Recorder(controller)
    controller.reload_sites()
    assert seen.names() == ["sites_listed", "consent_changed", "site_changed", "loading"]
    assert seen.last("site_changed") == (None,) and controller.needs_first_run
    controller.create_site("Dental", "192.0.2.0/24")
    _settle(qtbot, controller)
    site = seen.last("site_changed")[0]
    assert isinstance(site, Site) and site.name == "Dental" and controller.site == site
    assert seen.last("sites_listed") == ([site], site.id)
    assert seen.last("rows_loaded") == ([],)
    assert isinstance(seen.last("dashboard_ready")[0], DashboardData)
    assert seen.names()[-1] == "loaded"


def test_the_sample_office_is_created_once_and_never_scanned(
        qtbot: QtBot, controller: SiteController) -> None:
    seen = Recorder(controller)
    controller.open_sample()
    controller.open_sample()
    _settle(qtbot, controller)
    assert [s.name for s in controller.session.sites()] == [SAMPLE_SITE_NAME]
    assert controller.is_sample
    rows = seen.last("rows_loaded")[0]
    assert isinstance(rows, list) and len(rows) == 12
    assert all(isinstance(row, DeviceRow) for row in rows)
    lan = Interface("eth0", "192.0.2.10", 24, "192.0.2.0/24", "02:00:00:00:00:01", True)
    assert controller.scan_plan(lan, deep=False) is None


def test_a_scan_plan_carries_the_consent_and_remembers_the_network(
        qtbot: QtBot, controller: SiteController) -> None:
    lan = Interface("eth0", "192.0.2.10", 24, "192.0.2.0/24", "02:00:00:00:00:01", True)
    assert controller.scan_plan(lan, deep=False) is None, "no site yet"
    controller.create_site("Dental")
    _settle(qtbot, controller)
    controller.record_consent("Dr Ann Lee", lan.network, "one scan")
    plan = controller.scan_plan(lan, deep=True, confirm_large=True)
    assert plan is not None and plan.consent_by == "Dr Ann Lee" and plan.deep
    assert plan.site_name == "Dental" and plan.confirm_large
    assert controller.site is not None
    assert lan.network in controller.session.site(controller.site.id).networks


def test_known_errors_are_signalled_not_raised(qtbot: QtBot,
                                               controller: SiteController) -> None:
    seen = Recorder(controller)
    controller.create_site("Dental")
    controller.create_site("dental")  # names ignore case: refused
    error = seen.last("error")[0]
    assert isinstance(error, KnownError) and "already exists" in error.message
    _settle(qtbot, controller)


def test_consent_is_recorded_and_withdrawn(qtbot: QtBot, controller: SiteController) -> None:
    controller.record_consent("Dr Ann Lee", "192.0.2.0/24", "one scan")
    assert controller.consent_id is None, "no site: nothing recorded"
    controller.create_site("Dental", "192.0.2.0/24")
    _settle(qtbot, controller)
    seen = Recorder(controller)
    controller.record_consent("Dr Ann Lee", "192.0.2.0/24", "one scan")
    assert seen.last("consent_changed") == ("Dr Ann Lee",)
    assert controller.consent_who == "Dr Ann Lee" and controller.consent_id is not None
    controller.withdraw_consent()
    assert seen.last("consent_changed") == ("",) and controller.consent_id is None


def test_the_first_run_makes_a_site_on_the_chosen_network(qtbot: QtBot,
                                                          controller: SiteController) -> None:
    lan = Interface("eth0", "192.0.2.10", 24, "192.0.2.0/24", "02:00:00:00:00:01", True)
    controller.finish_first_run("Dental", lan)
    _settle(qtbot, controller)
    assert not controller.needs_first_run and controller.site is not None
    assert controller.site.name == "Dental" and controller.site.networks == ("192.0.2.0/24",)
    assert controller.settings.last_interface == "eth0"
    assert controller.settings.last_site_id == controller.site.id


def test_the_first_run_can_open_the_sample_instead(qtbot: QtBot,
                                                   controller: SiteController) -> None:
    controller.finish_first_run("", None, wants_sample=True)
    _settle(qtbot, controller)
    assert controller.is_sample and controller.settings.last_interface == ""
