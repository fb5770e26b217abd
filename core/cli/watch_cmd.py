"""`iot-hygiene watch`: re-scan a site every interval and send what changed to files or syslog."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from core.cli.exit_codes import EXIT_CANCELLED, EXIT_OK, EXIT_USAGE
from core.cli.text import terminal_safe
from core.discovery import MODES
from core.discovery.netif import find_interface
from core.errors import InvalidInputError, KnownError, NotFoundError
from core.monitoring import (
    Event,
    EventKind,
    Feed,
    JsonlFeed,
    Observer,
    SyslogFeed,
    WatchConfig,
    Watcher,
    load_settings,
    monitoring_dir,
    parse_target,
    save_settings,
)
from core.monitoring.watch import CycleReport
from core.presence.hours import parse_hours_spec

_PRINTED = {EventKind.SCAN_FINISHED, EventKind.SCAN_FAILED, EventKind.BASELINE,
            EventKind.DEVICE_GONE, EventKind.PRIVATE_DEVICES_GONE, EventKind.DEVICE_RETURNED,
            EventKind.PORT_CLOSED, EventKind.FINDING_FIXED, EventKind.FINDING_ACCEPTED}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "watch", help="keep watching a site: re-scan every interval, report changes",
        description="Re-scan the network on INTERFACE every interval (devices only; the exposure "
        "checks once a day), save each scan under --site, and report what changed as ECS JSON "
        "lines to --jsonl and/or RFC 5424 syslog. Stop with Ctrl-C or SIGTERM: the current "
        "scan is cancelled, what it found is saved and the queue is flushed.")
    parser.add_argument("--site", required=True, help="site the scans belong to (created if new)")
    parser.add_argument("--interface", "-i", required=True, help="network interface, e.g. eth0")
    parser.add_argument("--network", help="CIDR inside the interface's network")
    parser.add_argument("--mode", choices=MODES, default="auto", help="ARP mode (default: auto)")
    parser.add_argument("--interval", type=float, default=300.0, metavar="SECONDS",
                        help="seconds between scans (default: 300)")
    parser.add_argument("--max-interval", type=float, default=3600.0, metavar="SECONDS",
                        help="back-off cap when scans overrun or on battery (default: 3600)")
    parser.add_argument("--cycles", type=int, metavar="N", help="stop after N scans")
    parser.add_argument("--timeout", type=float, default=4.0,
                        help="seconds each discovery may take (default: 4)")
    parser.add_argument("--full-every", type=float, default=24.0, metavar="HOURS",
                        help="hours between scans that run the exposure checks (default: 24; "
                        "0: never)")
    parser.add_argument("--full-every-cycles", type=int, default=0, metavar="N",
                        help="run the exposure checks every N scans instead (1: every scan)")
    parser.add_argument("--jsonl", type=Path, metavar="FILE", help="append events to FILE")
    parser.add_argument("--syslog", metavar="URL",
                        help="send events to udp://HOST:PORT or tcp://HOST:PORT (RFC 5424)")
    parser.add_argument("--queue-max", type=int, default=10_000, metavar="N",
                        help="messages kept while the syslog collector is unreachable "
                        "(default: 10000; the oldest are dropped beyond)")
    parser.add_argument("--no-inventory", action="store_true",
                        help="do not send the inventory and open findings after each scan")
    parser.add_argument("--business-hours", metavar="SPEC",
                        help="save the site's business hours, e.g. \"Mon-Fri 08:00-18:00\" or "
                        "\"Mon-Sat 07:30-19:00 Europe/London\"; devices on outside them are "
                        "reported (cameras and the router excepted); \"off\" stops that")
    parser.add_argument("--ignore-battery", action="store_true",
                        help="keep the normal interval on battery")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    problem = _usage_problem(args)
    if problem:
        print(f"iot-hygiene: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from core.store import Store

    store = Store.open(Path(args.db) if args.db else None)
    try:
        site = _site(store, args)
        if args.business_hours:
            _save_hours(store, site, args.business_hours)
        observer = _observer(args.interface)
        feeds: list[Feed] = []
        if args.jsonl:
            feeds.append(JsonlFeed(args.jsonl))
        if args.syslog:
            feeds.append(SyslogFeed(parse_target(args.syslog), monitoring_dir(store.path),
                                    site=site, observer=observer, max_messages=args.queue_max))
        config = WatchConfig(
            site=site, interface=args.interface, network=args.network, mode=args.mode,
            interval=args.interval, max_interval=args.max_interval, cycles=args.cycles,
            scan_timeout=args.timeout, full_every=args.full_every * 3600.0,
            full_every_cycles=args.full_every_cycles, inventory=not args.no_inventory,
            mind_battery=not args.ignore_battery)
        watcher = Watcher(store, config, feeds, observer=observer)
        watcher.subscribe(_print_event)
        stopped_by = _run_until_signal(watcher)
    finally:
        store.close()
    for feed in feeds:
        status = getattr(feed, "status", None)
        if callable(status):
            s = status()
            print(f"{feed.name}: {s.delivered_total} delivered, {s.queued} queued, "
                  f"{s.dropped_total} dropped" + (f", last error: {s.last_error}"
                                                  if not s.healthy else ""), file=sys.stderr)
    return EXIT_CANCELLED if stopped_by == signal.SIGINT else EXIT_OK


def _usage_problem(args: argparse.Namespace) -> str:
    if args.interval <= 0 or args.max_interval <= 0:
        return "--interval and --max-interval must be more than 0 seconds"
    if args.cycles is not None and args.cycles < 1:
        return "--cycles must be at least 1"
    if args.full_every < 0 or args.full_every_cycles < 0 or args.queue_max < 2:
        return "--full-every, --full-every-cycles and --queue-max cannot be negative"
    try:
        if args.syslog:
            parse_target(args.syslog)
        if args.business_hours and args.business_hours.strip().lower() != "off":
            parse_hours_spec(args.business_hours)
    except InvalidInputError as error:
        return f"{error.message} {error.hint}".strip()
    return ""


def _site(store: Any, args: argparse.Namespace) -> str:
    try:
        return str(store.site_by_name(args.site).name)
    except NotFoundError:
        site = store.create_site(args.site)
        print(f"New site {site.name!r} created.", file=sys.stderr)
        return str(site.name)


def _save_hours(store: Any, site_name: str, spec: str) -> None:
    site_id = store.site_by_name(site_name).id
    folder = monitoring_dir(store.path)
    hours = None if spec.strip().lower() == "off" else parse_hours_spec(spec)
    settings = replace(load_settings(folder, site_id), business_hours=hours)
    path = save_settings(folder, site_id, settings)
    said = hours.describe() if hours else "none (no off-hours reports)"
    print(f"Business hours of {site_name!r}: {said} (saved in {path}).", file=sys.stderr)


def _observer(interface: str) -> Observer:
    """This computer as the feed's observer (its address read locally; nothing is sent)."""
    try:
        iface = find_interface(interface)
    except KnownError:
        return Observer.here(interface)  # the first scan will say what is wrong
    return Observer.here(interface, iface.ipv4, iface.mac)


def _print_event(event: Event) -> None:
    if event.is_alert or event.kind in _PRINTED:
        mark = "!" if event.is_alert else " "
        print(f"{event.timestamp} {mark} {event.kind.value}: {terminal_safe(event.message, 300)}",
              flush=True)


def _run_until_signal(watcher: Watcher) -> int | None:
    """Run the loop in a worker; SIGINT/SIGTERM stop it cleanly. Returns the signal, if any."""
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if not received:
            print(f"iot-hygiene: stopping ({signal.Signals(signum).name}): finishing the "
                  "current scan and flushing the queue", file=sys.stderr, flush=True)
        received.append(signum)
        watcher.stop()

    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["reports"] = watcher.run()
        except BaseException as error:
            outcome["error"] = error

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    worker = threading.Thread(target=work, name="watch")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(timeout=0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if "error" in outcome:
        raise outcome["error"]
    reports: list[CycleReport] = outcome.get("reports", [])
    print(f"iot-hygiene: {len(reports)} scans, "
          f"{sum(len(r.alerts) for r in reports)} alerts", file=sys.stderr)
    return received[0] if received else None
