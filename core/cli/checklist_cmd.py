"""`iot-hygiene checklist` prints a checklist; `iot-hygiene score` scores a scan JSON file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.errors import DataFileError
from core.guidance import (
    TRACKS,
    AnswerType,
    ChecklistItem,
    how_for,
    items_for,
    placement_findings,
)
from core.models import Category, Device, Tag
from core.scan import scan_from_json
from core.scoring import DeviceInput, device_score, next_best_actions, site_score

_ANSWER_HINT = {
    AnswerType.CHOICE: "[ ] Yes  [ ] No  [ ] Not applicable  [ ] Not sure",
    AnswerType.DATE: "Date: ____-__-__",
    AnswerType.TEXT: "Answer: ______________________",
}


def register(subparsers: Any) -> None:
    checklist = subparsers.add_parser(
        "checklist",
        help="print the checklist for a kind of device",
        description="Print every checklist question for a kind of device with why and how.",
    )
    checklist.add_argument("--category", choices=[c.value for c in Category], default="unknown")
    checklist.add_argument("--vendor", default="", help="maker, for maker-specific instructions")
    checklist.set_defaults(func=run_checklist)
    score = subparsers.add_parser(
        "score",
        help="score the devices of a scan JSON file and list the next best actions",
        description="Score each device of a saved scan from its findings alone (no checklist "
        "answers), and list the actions that raise the site score most.",
    )
    score.add_argument("scan_json", type=Path, help="the file `iot-hygiene scan --json` wrote")
    score.add_argument(
        "--work-network",
        action="append",
        default=[],
        help="a network (CIDR) the site uses for work; repeat for several",
    )
    score.add_argument("--actions", type=int, default=5, help="how many next actions to list")
    score.set_defaults(func=run_score)


def run_checklist(args: argparse.Namespace) -> int:
    category = Category(args.category)
    items = items_for(category, args.vendor)
    for track in TRACKS:
        in_track = [item for item in items if item.track == track.id]
        print(f"== {track.title}: {track.intro}\n")
        for number, item in enumerate(in_track, start=1):
            print(_item_text(number, item, category, args.vendor))
    return 0


def run_score(args: argparse.Namespace) -> int:
    try:
        result = scan_from_json(_read_json(args.scan_json))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataFileError(
            f"{args.scan_json} is not a valid scan JSON document ({error!r}).",
            "Give the file that `iot-hygiene scan --json` wrote.",
        ) from error
    inputs = [_device_input(device, args.work_network) for device in result.devices]
    scores = [device_score(d.findings, d.items, d.answers) for d in inputs]
    for device, score in zip(inputs, scores, strict=True):
        note = " (held at the cap: critical problem open)" if score.capped else ""
        print(f"{score.value:3d}/100  {device.label}{note}")
    site = site_score(scores)
    print(
        f"\nSite: {'-' if site.value is None else site.value}/100 over {site.device_count} devices"
    )
    actions = next_best_actions(inputs, limit=max(0, args.actions))
    if actions:
        print("\nNext best actions:")
        for number, action in enumerate(actions, start=1):
            print(f"{number}. {action.summary}")
    return 0


def _item_text(number: int, item: ChecklistItem, category: Category, vendor: str) -> str:
    return "\n".join(
        (
            f"{number}. {item.question}",
            f"   {_ANSWER_HINT[item.answer_type]}",
            f"   Why: {item.why}",
            f"   How: {how_for(item, category, vendor)}",
            f"   Sources: {', '.join(item.refs)}",
            "",
        )
    )


def _device_input(device: Device, work_networks: list[str]) -> DeviceInput:
    items = items_for(device.category, device.vendor)
    findings = device.findings + placement_findings(device, Tag.UNKNOWN, work_networks)
    return DeviceInput(device.label, findings, items, {}, key=device.mac)


def _read_json(path: Path) -> dict[str, Any]:
    hint = "Give the file that `iot-hygiene scan --json` wrote."
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(f"Cannot read the scan file {path}: {error}", hint) from error
    if not isinstance(doc, dict) or "devices" not in doc:
        raise DataFileError(f"{path} is not a scan JSON document.", hint)
    return doc
