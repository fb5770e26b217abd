"""CancelToken: waits end early on cancel, and cancelled work raises a typed error."""

from __future__ import annotations

import threading
import time

import pytest

from core.cancel import CancelToken
from core.errors import ScanCancelledError
from tests.timing import within


def test_wait_returns_early_when_cancelled_from_another_thread() -> None:
    token = CancelToken()
    timer = threading.Timer(0.05, token.cancel)
    timer.start()
    started = time.monotonic()
    assert token.wait(5) is True
    assert time.monotonic() - started < within(1)
    timer.join()


def test_raise_if_cancelled() -> None:
    token = CancelToken()
    token.raise_if_cancelled()
    token.cancel()
    with pytest.raises(ScanCancelledError):
        token.raise_if_cancelled()
