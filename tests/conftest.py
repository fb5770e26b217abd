"""Test-wide settings: offscreen Qt, no leaked threads, and the virtual-LAN fixtures."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KEYRING_PROPERTY", "")

from tests.lab.netlab import Lab, lab_unavailable_reason
from tests.lab.office import Office

pytest_plugins = ["tests.memory_keyring"]  # the `memory_keyring` fixture, for core and gui tests


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data and log folders: never the user's real database."""
    root = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("IOT_HYGIENE_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("IOT_HYGIENE_LOG_DIR", str(root / "log"))
    monkeypatch.delenv("IOT_HYGIENE_DB", raising=False)


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a non-daemon thread running behind it."""
    before = set(threading.enumerate())
    yield
    deadline_threads = []
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(timeout=2)
            if thread.is_alive():
                deadline_threads.append(thread.name)
    assert not deadline_threads, f"test leaked threads: {deadline_threads}"


def require_lab() -> None:
    """Skip (or, under CI=true, fail) when this machine cannot build the virtual LAN."""
    reason = lab_unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"lab test cannot run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture
def lab() -> Iterator[Lab]:
    """An empty virtual LAN (switch + scanner namespace), torn down after the test."""
    require_lab()
    with Lab() as built:
        yield built


@pytest.fixture(scope="module")
def office() -> Iterator[Office]:
    """The standard lab office, shared by a module's tests, torn down at the module's end."""
    require_lab()
    with Lab() as built:
        yield Office(built).build()
