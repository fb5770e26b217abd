"""gui.tasks: work runs off the GUI thread, results, errors and streamed items come back on it."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.errors import InterfaceError
from core.store import Store
from gui.tasks import TaskContext, TaskRunner


def test_results_and_items_arrive_on_the_gui_thread_in_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui_thread = threading.get_ident()
    worker_threads: list[int] = []
    items: list[tuple[int, bool]] = []
    results: list[str] = []

    def work(context: TaskContext) -> str:
        worker_threads.append(threading.get_ident())
        for number in range(50):
            context.item(number)
        return "done"

    handle = runner.start(work, on_result=results.append,
                          on_item=lambda n: items.append((n, threading.get_ident() == gui_thread)))
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)
    assert worker_threads and worker_threads[0] != gui_thread
    assert [n for n, _ in items] == list(range(50))
    assert all(on_gui for _, on_gui in items)
    assert results == ["done"]
    assert not runner.busy
    assert runner.shutdown()


def test_errors_are_handed_back_not_raised(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []

    def work(context: TaskContext) -> None:
        raise InterfaceError("eth9 is down")

    handle = runner.start(work, on_error=errors.append)
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)
    assert len(errors) == 1 and isinstance(errors[0], InterfaceError)
    assert runner.shutdown()


def test_cancel_stops_a_waiting_task(qtbot: QtBot) -> None:
    runner = TaskRunner()
    results: list[bool] = []

    def work(context: TaskContext) -> bool:
        return context.cancel.wait(30)  # True when cancelled early

    handle = runner.start(work, on_result=results.append)
    handle.cancel()
    qtbot.waitUntil(lambda: not handle.running, timeout=5000)
    assert results == [True]
    assert runner.shutdown(timeout_ms=2000)


def test_store_work_on_pool_threads_reuses_their_connections(qtbot: QtBot,
                                                             tmp_path: Path) -> None:
    # A Qt pool thread gets a new Python thread state per task: a connection per
    # threading.local would be opened for every task and never closed (the window grew ~1 MB
    # per reload while watching).
    runner = TaskRunner(max_threads=2)
    results: list[int] = []
    with Store.open(tmp_path / "tasks.sqlite3", daily_backup=False) as store:
        store.create_site("Office", networks=("192.0.2.0/24",))
        for _ in range(20):
            runner.start(lambda _context: len(store.sites()), on_result=results.append)
            qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
        assert results == [1] * 20
        assert store.open_connections() <= 3  # the GUI thread's and one per pool thread
        runner.shutdown()
