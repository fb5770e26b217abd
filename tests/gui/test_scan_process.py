"""The engine's child process: reports relayed in order, typed errors kept, cancel honoured."""

from __future__ import annotations

import threading

import pytest

from core.cancel import CancelToken
from core.errors import NeedsPrivilegesError
from core.models import Device, Progress
from gui.scan_process import run_in_child


def _run(function: str, cancel: CancelToken | None = None
         ) -> tuple[object, list[Device], list[Progress]]:
    devices: list[Device] = []
    progress: list[Progress] = []
    result = run_in_child(f"tests.gui.scan_fakes:{function}", None, cancel or CancelToken(),
                          progress.append, devices.append)
    return result, devices, progress


def test_devices_progress_and_result_come_back() -> None:
    result, devices, progress = _run("three_devices")
    assert [d.mac for d in devices] == ["02:00:00:00:00:01", "02:00:00:00:00:02",
                                        "02:00:00:00:00:03"]
    assert [p.message for p in progress] == ["found 1", "found 2", "found 3"]
    assert result.devices == tuple(devices)  # type: ignore[attr-defined]


def test_a_known_error_keeps_its_kind_and_hint() -> None:
    with pytest.raises(NeedsPrivilegesError) as caught:
        _run("needs_admin")
    assert caught.value.hint == "Use Standard mode."


def test_a_bug_in_the_child_is_reported_with_its_traceback() -> None:
    with pytest.raises(RuntimeError, match="ZeroDivisionError: bug in a check"):
        _run("crashes")


def test_cancel_reaches_the_child() -> None:
    cancel = CancelToken()
    timer = threading.Timer(0.5, cancel.cancel)
    timer.start()
    try:
        result, devices, _ = _run("until_cancelled", cancel)
    finally:
        timer.join()
    assert result.cancelled  # type: ignore[attr-defined]
    assert len(devices) == 1
