"""Wall-clock bounds in tests: each is multiplied by one slack factor (the machines are shared)."""

from __future__ import annotations

import os

# Bounds here separate "bounded" from "hung" (a 0.8 s bound against a 5 s peer), so doubling them
# keeps every test meaningful; IOT_HYGIENE_TEST_SLACK raises it on a very slow machine.
SLACK = float(os.environ.get("IOT_HYGIENE_TEST_SLACK", "2"))


def within(seconds: float) -> float:
    """The bound a test asserts for work that should take about `seconds`."""
    return seconds * SLACK
