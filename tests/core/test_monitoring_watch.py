"""The watch loop with a scripted scan: feeds, full checks, back-off, stop, pause, scan now."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.cancel import CancelToken
from core.checks import CheckOptions
from core.cli import main
from core.discovery import ScanRequest
from core.errors import DatabaseBusyError, InterfaceError, InvalidInputError
from core.models import Category, ScanResult
from core.monitoring import (
    BusinessHours,
    Event,
    EventKind,
    JsonlFeed,
    SiteSettings,
    WatchConfig,
    Watcher,
    monitoring_dir,
    on_battery,
    save_settings,
)
from core.monitoring.watch import default_gateway
from core.presence.hours import parse_hours_spec
from core.store import FindingStatus, Store
from tests.fixtures.db.builders import device, finding, scan

A, B, C = "aa:00:00:00:00:0a", "a8:00:00:00:00:0b", "a8:00:00:00:00:0c"


class ScriptedScan:
    """Returns the scripted device sets in turn (the last one repeats), like a network would."""

    def __init__(self, *rounds: tuple[object, ...], delay: float = 0.0) -> None:
        self.rounds = list(rounds)
        self.delay = delay
        self.calls: list[bool] = []  # full checks asked for, per call
        self.running = threading.Event()

    def __call__(self, request: ScanRequest, checks: CheckOptions | None,
                 cancel: CancelToken) -> ScanResult:
        self.running.set()
        full = checks is not None
        self.calls.append(full)
        devices = self.rounds[min(len(self.calls), len(self.rounds)) - 1]
        cancelled = cancel.wait(self.delay)
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        result = scan(stamp.replace("+00:00", "Z"), *devices, checks=full,  # type: ignore[arg-type]
                      cancelled=cancelled)
        self.running.clear()
        return replace(result, info=replace(result.info, finished=result.info.started))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as opened:
        opened.create_site("Office", client="Acme Ltd")
        yield opened


def _config(**values: object) -> WatchConfig:
    base = WatchConfig(site="Office", interface="eth0", interval=0.05, max_interval=0.4,
                       full_every=0, mind_battery=False)
    return replace(base, **values)  # type: ignore[arg-type]


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_three_cycles_report_a_new_device_to_the_jsonl_feed(store: Store,
                                                            tmp_path: Path) -> None:
    scanner = ScriptedScan((device(A, "192.0.2.1"),),
                           (device(A, "192.0.2.1"),),
                           (device(A, "192.0.2.1"), device(C, "192.0.2.3")))
    out = tmp_path / "feed" / "events.jsonl"
    seen: list[Event] = []
    watcher = Watcher(store, _config(cycles=3), [JsonlFeed(out)], scan=scanner)
    watcher.subscribe(seen.append)
    reports = watcher.run()
    assert [r.cycle for r in reports] == [1, 2, 3] and scanner.calls == [False] * 3
    assert [e.kind for e in reports[0].events] == [EventKind.BASELINE]
    assert reports[1].events == ()
    assert [(e.kind, e.device.mac if e.device else "") for e in reports[2].alerts] == [
        (EventKind.NEW_DEVICE, C)]
    docs = _lines(out)
    actions = [d["event"]["action"] for d in docs]  # type: ignore[index]
    assert actions.count("scan_started") == 3 and actions.count("scan_finished") == 3
    assert actions.count("new_device") == 1 and actions.count("inventory") == 1 + 1 + 2
    new = next(d for d in docs if d["event"]["action"] == "new_device")  # type: ignore[index]
    assert new["host"]["mac"] == ["A8-00-00-00-00-0C"]  # type: ignore[index]
    assert new["organization"] == {"name": "Acme Ltd"}
    assert any(e.kind is EventKind.NEW_DEVICE for e in seen)
    assert len(store.scans(store.site_by_name("Office").id)) == 3


def test_full_checks_every_n_cycles_compare_with_the_last_full_scan(store: Store) -> None:
    telnet = (device(A, "192.0.2.1", ports=(23,), findings=(finding("telnet-open", port=23),)),)
    plain = (device(A, "192.0.2.1"),)
    scanner = ScriptedScan(plain, plain, telnet, telnet)
    reports = Watcher(store, _config(cycles=4, full_every_cycles=2), scan=scanner).run()
    assert scanner.calls == [True, False, True, False]
    # cycle 3: full, compared with cycle 1 (also full): the telnet port and finding are new.
    kinds = sorted(e.kind.value for e in reports[2].events)
    assert kinds == ["finding_opened", "port_opened"]
    assert reports[3].events == ()  # a light scan says nothing about ports or findings


def test_first_full_scan_is_due_and_then_not_again_within_a_day(store: Store) -> None:
    scanner = ScriptedScan((device(A, "192.0.2.1"),))
    Watcher(store, _config(cycles=2, full_every=86_400), scan=scanner).run()
    assert scanner.calls == [True, False]
    scanner2 = ScriptedScan((device(A, "192.0.2.1"),))
    Watcher(store, _config(cycles=1, full_every=86_400), scan=scanner2).run()
    assert scanner2.calls == [False]  # the store remembers today's full scan


def test_back_off_doubles_on_overrun_and_battery_then_recovers(store: Store) -> None:
    scanner = ScriptedScan((device(A, "192.0.2.1"),), delay=0.08)
    reports = Watcher(store, _config(cycles=4), scan=scanner).run()
    assert [r.next_interval for r in reports] == [0.1, 0.2, 0.4, 0.4]  # capped at max_interval
    battery = [True, True, False]
    watcher = Watcher(store, _config(mind_battery=True, interval=10, max_interval=60),
                      scan=ScriptedScan((device(A, "192.0.2.1"),)),
                      on_battery=lambda: battery.pop(0))
    site = store.site_by_name("Office")
    reports = [watcher.run_cycle(site, cycle) for cycle in (1, 2, 3)]  # no waiting between
    assert [r.next_interval for r in reports] == [20, 40, 10]
    assert [r.on_battery for r in reports] == [True, True, False]


def test_a_failing_scan_is_reported_and_the_loop_goes_on(store: Store, tmp_path: Path) -> None:
    calls = []

    def broken(request: ScanRequest, checks: CheckOptions | None,
               cancel: CancelToken) -> ScanResult:
        calls.append(1)
        raise InterfaceError("eth9 does not exist.")

    out = tmp_path / "e.jsonl"
    reports = Watcher(store, _config(cycles=2), [JsonlFeed(out)], scan=broken).run()
    assert len(calls) == 2 and reports[0].error == "eth9 does not exist."
    assert [d["event"]["action"] for d in _lines(out)].count("scan_failed") == 2  # type: ignore[index]


def test_stop_cancels_the_running_scan_and_saves_what_it_found(store: Store,
                                                               tmp_path: Path) -> None:
    scanner = ScriptedScan((device(A, "192.0.2.1"),), delay=30)
    out = tmp_path / "e.jsonl"
    watcher = Watcher(store, _config(), [JsonlFeed(out)], scan=scanner)
    reports: list[object] = []
    worker = threading.Thread(target=lambda: reports.extend(watcher.run()))
    worker.start()
    assert scanner.running.wait(5)
    assert watcher.state().scanning and watcher.state().running
    started = time.monotonic()
    watcher.stop()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - started < 3
    assert len(reports) == 1
    summary = store.scans(store.site_by_name("Office").id)[0]
    assert summary.cancelled and summary.device_count == 1
    assert "scan_finished" in [d["event"]["action"] for d in _lines(out)]  # type: ignore[index]
    assert not watcher.state().running


def test_pause_resume_and_scan_now(store: Store) -> None:
    scanner = ScriptedScan((device(A, "192.0.2.1"),))
    watcher = Watcher(store, _config(interval=60, max_interval=60), scan=scanner)
    worker = threading.Thread(target=watcher.run)
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while len(scanner.calls) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        watcher.pause()
        assert watcher.state().paused and watcher.state().next_scan_in is None
        watcher.scan_now(full=True)
        while len(scanner.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert scanner.calls == [False, True]  # scan now works while paused, once
        time.sleep(0.1)
        assert len(scanner.calls) == 2
        watcher.resume()
        state = watcher.state()
        assert not state.paused and state.last is not None and state.last.cycle == 2
    finally:
        watcher.stop()
        worker.join(5)
    assert not worker.is_alive()


def test_accepted_findings_and_off_hours_devices_become_events(store: Store) -> None:
    site = store.site_by_name("Office")
    telnet = device(A, "192.0.2.1", ports=(23,), findings=(finding("telnet-open", port=23),))
    camera = replace(device(B, "192.0.2.2"), category=Category.CAMERA)
    save_settings(monitoring_dir(store.path), site.id, SiteSettings(
        business_hours=BusinessHours(timezone="UTC")))
    saturday_night = dt.datetime(2026, 1, 10, 23, 0, tzinfo=dt.UTC)
    scanner = ScriptedScan((telnet, camera))
    watcher = Watcher(store, _config(cycles=1, full_every_cycles=1), scan=scanner,
                      clock=lambda: saturday_night)
    first = watcher.run()[0]
    off = [e for e in first.events if e.kind is EventKind.ON_OUTSIDE_HOURS]
    assert [e.device.mac for e in off if e.device] == [A]  # the camera is excepted
    store.set_finding_status(site.id, A, "telnet-open", FindingStatus.ACCEPTED,
                             reason="legacy till", who="Sam", port=23)
    watcher = replace_config(watcher, cycles=1)
    second = watcher.run()[0]
    accepted = [e for e in second.events if e.kind is EventKind.FINDING_ACCEPTED]
    assert [e.finding.id for e in accepted if e.finding] == ["telnet-open"]
    assert not [e for e in second.events if e.kind is EventKind.ON_OUTSIDE_HOURS]  # once only


def replace_config(watcher: Watcher, **values: object) -> Watcher:
    watcher.config = replace(watcher.config, **values)  # type: ignore[arg-type]
    return watcher


def test_power_supply_reading(tmp_path: Path) -> None:
    def supply(name: str, kind: str, online: str | None) -> None:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "type").write_text(kind + "\n")
        if online is not None:
            (folder / "online").write_text(online + "\n")

    assert on_battery(tmp_path / "missing") is False
    supply("BAT0", "Battery", None)
    assert on_battery(tmp_path) is False  # no external supply known: treat as mains
    supply("AC", "Mains", "0")
    assert on_battery(tmp_path) is True
    (tmp_path / "AC" / "online").write_text("1\n")
    assert on_battery(tmp_path) is False


def test_default_gateway_from_the_route_table(tmp_path: Path) -> None:
    table = tmp_path / "route"
    table.write_text("Iface\tDestination\tGateway \tFlags\n"
                     "eth0\t0000A8C0\t00000000\t0001\n"
                     "eth0\t00000000\t0101A8C0\t0003\n")
    assert default_gateway("eth0", table) == "192.168.1.1"
    assert default_gateway("wlan0", table) == ""


def test_cli_watch_refuses_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--site", "X", "--interface", "eth0", "--syslog",
                 "http://x:1"]) == 2
    assert "udp://" in capsys.readouterr().err
    assert main(["watch", "--site", "X", "--interface", "eth0", "--interval", "0"]) == 2


def test_a_busy_database_costs_one_cycle_not_the_watch(store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real_save = store.save_scan
    calls: list[int] = []

    def busy_once(site_id: int, result: ScanResult, **kwargs: object) -> int:
        calls.append(site_id)
        if len(calls) == 2:
            raise DatabaseBusyError("The database is busy.")
        return real_save(site_id, result)

    monkeypatch.setattr(store, "save_scan", busy_once)
    scanner = ScriptedScan((device(A, "192.0.2.1"),), (device(A, "192.0.2.1"),),
                           (device(A, "192.0.2.1"), device(C, "192.0.2.3")))
    reports = Watcher(store, _config(cycles=3), scan=scanner).run()
    assert reports[1].error == "The database is busy." and reports[1].scan_id is None
    assert [e.kind for e in reports[2].alerts] == [EventKind.NEW_DEVICE]
    assert main(["watch", "--site", "X", "--interface", "eth0", "--business-hours",
                 "weekdays"]) == 2


def test_business_hours_from_the_cli_form() -> None:
    hours = parse_hours_spec("Mon-Sat 07:30-19:00 Europe/London")
    assert hours.days == (0, 1, 2, 3, 4, 5) and hours.timezone == "Europe/London"
    assert hours.describe() == "Mon, Tue, Wed, Thu, Fri, Sat 07:30-19:00 (Europe/London)"
    assert parse_hours_spec("Sat,Sun 10:00-16:00").days == (5, 6)
    for bad in ("Mon-Fri", "Mon-Fri 8-18", "Mon-Fri 08:00-18:00 Mars/Base", "Xyz 08:00-09:00"):
        with pytest.raises(InvalidInputError):
            parse_hours_spec(bad)
