"""Hygiene scores per device and per site, explained, and the next best actions."""

from core.scoring.actions import Gain, gains
from core.scoring.formula import (
    CHECKLIST_POINTS,
    CRITICAL_CAP,
    FINDINGS_POINTS,
    DeviceScore,
    ScoreLine,
)
from core.scoring.score import (
    SITE_CRITICAL_CAP,
    Action,
    DeviceInput,
    SiteScore,
    device_score,
    next_best_actions,
    site_score,
)

__all__ = [
    "CHECKLIST_POINTS",
    "CRITICAL_CAP",
    "FINDINGS_POINTS",
    "SITE_CRITICAL_CAP",
    "Action",
    "DeviceInput",
    "DeviceScore",
    "Gain",
    "ScoreLine",
    "SiteScore",
    "device_score",
    "gains",
    "next_best_actions",
    "site_score",
]
