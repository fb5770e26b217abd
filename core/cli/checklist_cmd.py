"""`iot-hygiene checklist` prints the checklist questions for a kind of device."""

from __future__ import annotations

import argparse
from typing import Any

from core.guidance import (
    TRACKS,
    AnswerType,
    ChecklistItem,
    checklist_plan,
    how_for,
    items_for,
)
from core.models import Category

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
    checklist.add_argument("--essentials", action="store_true",
                           help="print only the essential questions, one per line")
    checklist.set_defaults(func=run_checklist)


def run_checklist(args: argparse.Namespace) -> int:
    category = Category(args.category)
    items = items_for(category, args.vendor)
    plan = checklist_plan(items)
    if args.essentials:
        for item in plan.essentials:
            print(item.question)
        return 0
    print(f"== Essentials: the {len(plan.essentials)} questions to answer first\n")
    for number, item in enumerate(plan.essentials, start=1):
        print(_item_text(number, item, category, args.vendor, "[essential] "))
    items = plan.more
    print(f"== More questions ({len(items)}, optional)\n")
    for track in TRACKS:
        in_track = [item for item in items if item.track == track.id]
        print(f"== {track.title}: {track.intro}\n")
        for number, item in enumerate(in_track, start=1):
            print(_item_text(number, item, category, args.vendor))
    return 0


def _item_text(number: int, item: ChecklistItem, category: Category, vendor: str,
               mark: str = "") -> str:
    return "\n".join(
        (
            f"{number}. {mark}{item.question}",
            f"   {_ANSWER_HINT[item.answer_type]}",
            f"   Why: {item.why}",
            f"   How: {how_for(item, category, vendor)}",
            f"   Sources: {', '.join(item.refs)}",
            "",
        )
    )
