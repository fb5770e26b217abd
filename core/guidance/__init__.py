"""Guidance: checklists and their evidence, placement by network role, lifecycle dates."""

from core.guidance.checklists import how_for, items_for, load_catalog
from core.guidance.evidence import ChecklistProgress, Evidence, evidence_for, is_done, progress
from core.guidance.lifecycle import (
    answer_findings,
    date_answer,
    parse_date,
    review_reminder,
    support_reminders,
)
from core.guidance.placement import (
    CONSUMER_ON_WORK,
    GUEST_ON_HOME,
    GUEST_ON_WORK,
    HOME_ON_WORK,
    ROLES,
    WORK_ON_GUEST,
    placement_findings,
)
from core.guidance.plan import ESSENTIALS, ChecklistPlan, checklist_plan
from core.guidance.record_fields import ITEM_FIELDS, field_answer, with_record
from core.guidance.schema import TRACKS, AnswerType, ChecklistItem, Track

__all__ = [
    "CONSUMER_ON_WORK",
    "ESSENTIALS",
    "GUEST_ON_HOME",
    "GUEST_ON_WORK",
    "HOME_ON_WORK",
    "ITEM_FIELDS",
    "ROLES",
    "TRACKS",
    "WORK_ON_GUEST",
    "AnswerType",
    "ChecklistItem",
    "ChecklistPlan",
    "ChecklistProgress",
    "Evidence",
    "Track",
    "answer_findings",
    "checklist_plan",
    "date_answer",
    "evidence_for",
    "field_answer",
    "how_for",
    "is_done",
    "items_for",
    "load_catalog",
    "parse_date",
    "placement_findings",
    "progress",
    "review_reminder",
    "support_reminders",
    "with_record",
]
