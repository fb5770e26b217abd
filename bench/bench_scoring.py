"""Times checklist loading, device scores and next best actions on a 250-device site."""

from __future__ import annotations

import random
import statistics
import time

from core.checks.catalog import CATALOG, finding
from core.guidance.checklists import evidence_for, items_for, load_catalog
from core.models import Category, Severity
from core.scoring.score import DeviceInput, device_score, next_best_actions, site_score

DEVICES = 250
PROBLEM_IDS = [fid for fid, entry in CATALOG.items() if entry.severity is not Severity.INFO]


def _site(seed: int = 7) -> list[DeviceInput]:
    rng = random.Random(seed)
    devices = []
    for n in range(DEVICES):
        items = items_for(rng.choice(list(Category)))
        findings = [
            finding(fid, port=rng.choice([None, 23, 80]))
            for fid in rng.sample(PROBLEM_IDS, rng.randint(0, 4))
        ]
        answers = {
            i.id: rng.choice(["yes", "no", "na", "unsure"])
            for i in rng.sample(items, rng.randint(0, len(items)))
        }
        devices.append(DeviceInput(f"device {n}", findings, items, answers, key=str(n)))
    return devices


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main() -> None:
    start = time.perf_counter()
    load_catalog.cache_clear()
    catalog = load_catalog()
    print(f"load_catalog (cold): {_ms(start):.1f} ms, {len(catalog.all_items())} items")
    devices = _site()
    timings = []
    scores = []
    for device in devices:
        start = time.perf_counter()
        scores.append(device_score(device.findings, device.items, device.answers))
        timings.append(_ms(start))
    print(
        f"device_score: median {statistics.median(timings):.2f} ms, "
        f"max {max(timings):.2f} ms over {DEVICES} devices"
    )
    start = time.perf_counter()
    for device in devices:
        for item in device.items:
            evidence_for(item, device.findings, device.answers.get(item.id))
    print(f"evidence_for, every item of every device: {_ms(start):.1f} ms")
    start = time.perf_counter()
    site = site_score(scores)
    print(f"site_score: {_ms(start):.2f} ms -> {site.value}")
    start = time.perf_counter()
    actions = next_best_actions(devices, limit=5)
    print(f"next_best_actions ({DEVICES} devices): {_ms(start):.0f} ms")
    for action in actions:
        print(f"  {action.summary}  site +{action.site_points}")


if __name__ == "__main__":
    main()
