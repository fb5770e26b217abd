"""Continuous monitoring: the watch loop, its events, and the ECS/JSONL/syslog feeds."""

# A GUI or script builds a Watcher(store, WatchConfig(...), feeds=[JsonlFeed(...),
# SyslogFeed(...)]), runs `run()` in a worker thread and calls pause/resume/scan_now/stop/state
# from its own; `subscribe(callback)` hands it every Event (`event.is_alert` for notifications).

from core.monitoring.ecs import ECS_VERSION, Observer, to_ecs, to_json_line
from core.monitoring.events import (
    ALERTS,
    Event,
    EventDevice,
    EventFinding,
    EventKind,
    events_from_changes,
    is_locally_administered,
)
from core.monitoring.feeds import Feed, JsonlFeed, SyslogFeed
from core.monitoring.power import on_battery
from core.monitoring.state import state_events
from core.monitoring.syslog import (
    DeliveryStatus,
    Spool,
    SyslogSender,
    SyslogTarget,
    format_rfc5424,
    parse_rfc5424,
    parse_target,
    read_status,
)
from core.monitoring.watch import CycleReport, WatchConfig, Watcher, WatchState
from core.presence import (
    OUTSIDE_HOURS_ID,
    BusinessHours,
    PresencePoint,
    SiteSettings,
    load_settings,
    monitoring_dir,
    outside_hours_findings,
    presence,
    presence_ratio,
    save_settings,
)

__all__ = [
    "ALERTS",
    "ECS_VERSION",
    "OUTSIDE_HOURS_ID",
    "BusinessHours",
    "CycleReport",
    "DeliveryStatus",
    "Event",
    "EventDevice",
    "EventFinding",
    "EventKind",
    "Feed",
    "JsonlFeed",
    "Observer",
    "PresencePoint",
    "SiteSettings",
    "Spool",
    "SyslogFeed",
    "SyslogSender",
    "SyslogTarget",
    "WatchConfig",
    "WatchState",
    "Watcher",
    "events_from_changes",
    "format_rfc5424",
    "is_locally_administered",
    "load_settings",
    "monitoring_dir",
    "on_battery",
    "outside_hours_findings",
    "parse_rfc5424",
    "parse_target",
    "presence",
    "presence_ratio",
    "read_status",
    "save_settings",
    "state_events",
    "to_ecs",
    "to_json_line",
]
