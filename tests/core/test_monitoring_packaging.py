"""Shipped SIEM files fit the feed: Wazuh decoder and rules, ECS index template, systemd unit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from core.models import Severity
from core.monitoring import (
    Event,
    EventDevice,
    EventFinding,
    EventKind,
    Observer,
    to_ecs,
    to_json_line,
)
from core.monitoring.syslog import syslog_message

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging" / "monitoring"
DEVICE = EventDevice(mac="c0:56:e3:10:00:11", ip="192.0.2.11", name="Cam", vendor="Hikvision",
                     model="DS-2CD2143", category="camera", mac_random=True)
FINDING = EventFinding(id="telnet-open", severity=Severity.CRITICAL, title="Telnet",
                       refs=("OWASP IoT I2",), port=23, fix="Turn it off.")


def _every_kind() -> list[Event]:
    return [Event(kind=kind, site='Site "A" ] x', client="C", timestamp="2026-01-02T10:00:30Z",
                  message="m", scan_id=3, device=DEVICE, finding=FINDING, ports=(23,), count=2,
                  macs=(DEVICE.mac,), old="a", new="b", changed_field="vendor",
                  severity=Severity.HIGH) for kind in EventKind]


def _xml(path: Path) -> Any:
    return ElementTree.fromstring(f"<root>{path.read_text()}</root>")


def test_wazuh_decoder_finds_the_json_in_every_message() -> None:
    decoders = _xml(PACKAGING / "wazuh-decoder.xml")
    prematch = decoders.find("decoder[@name='iot-hygiene']/prematch")
    assert prematch is not None and prematch.get("type") == "pcre2"
    pattern = re.compile(prematch.text or "")
    child = decoders.find("decoder[@name='iot-hygiene-json']/plugin_decoder")
    assert child is not None and child.text == "JSON_Decoder"
    for event in _every_kind():
        line = to_json_line(event, Observer(hostname="probe"))
        message = syslog_message(line, "probe")
        for seen in (message, message.split(">", 1)[1]):  # with and without the <PRI>
            match = pattern.search(seen)
            assert match, seen[:120]
            assert seen[match.end():] == line


def test_wazuh_rules_cover_every_alert_and_use_local_ids() -> None:
    rules = _xml(PACKAGING / "wazuh-rules.xml")
    ids = [int(r.get("id")) for r in rules.iter("rule")]
    assert len(ids) == len(set(ids)) and all(100000 <= i <= 120000 for i in ids)
    matched = " ".join(f.text or "" for f in rules.iter("field") if f.get("name") == "event.action")
    for kind in EventKind:
        if kind not in (EventKind.INVENTORY, EventKind.OPEN_FINDING):
            assert f"^{kind.value}$" in matched, kind


def _leaves(doc: dict[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in doc.items():
        path = f"{prefix}{key}"
        paths |= _leaves(value, path + ".") if isinstance(value, dict) else {path}
    return paths


def _mapped(mapping: dict[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in mapping.get("properties", {}).items():
        path = f"{prefix}{key}"
        paths |= _mapped(value, path + ".") if "properties" in value else {path}
    return paths


def test_index_template_maps_every_field_the_feed_sends() -> None:
    template = json.loads((PACKAGING / "elastic-index-template.json").read_text())
    mappings = template["template"]["mappings"]
    mapped = _mapped(mappings)
    dynamic = ("labels.", "iot_hygiene.")
    observer = Observer(hostname="h", interface="eth0", ip="192.0.2.2", mac="02:00:00:00:00:02")
    for event in _every_kind():
        for leaf in _leaves(to_ecs(event, observer)):
            assert leaf in mapped or leaf.startswith(dynamic), leaf
    assert mappings["properties"]["host"]["properties"]["ip"]["type"] == "ip"
    assert mappings["properties"]["@timestamp"]["type"] == "date"


@pytest.mark.parametrize("name", ["iot-hygiene-watch.service"])
def test_systemd_unit_runs_watch_in_kernel_mode(name: str) -> None:
    text = (ROOT / "packaging" / "linux" / name).read_text()
    assert "ExecStart=" in text and " watch " in text and "--mode kernel" in text
    assert "KillSignal=SIGTERM" in text and "WantedBy=default.target" in text
