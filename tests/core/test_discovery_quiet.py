"""Phases end when their answers stop: the Quiet rule, streamed NetBIOS targets, early ends."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from core.cancel import CancelToken
from core.discovery import llmnr, names, netbios, quiet, unicast, wsd
from core.discovery.run import progress_fraction
from core.models import NetbiosInfo
from tests.core.test_discovery_wsd_netbios import LOOPBACK, NAS, _responder, _status_response
from tests.lab.devices import llmnr_responder
from tests.timing import within


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(quiet.time, "monotonic", fake)
    yield fake


def test_quiet_after_the_tail_never_before_the_answer_window(clock: Clock) -> None:
    phase = quiet.Quiet(tail=0.5, not_before=101.0)
    clock.now = 100.6
    assert not phase.is_quiet()  # the tail has passed, but the answer window has not
    clock.now = 101.0
    assert phase.is_quiet()
    phase.heard()
    clock.now = 101.4
    assert not phase.is_quiet()  # an answer 0.4 s ago: the tail starts again
    clock.now = 101.5
    assert phase.is_quiet() and not phase.is_quiet(busy=True)
    phase.wait_until(103.0)
    assert not phase.is_quiet()
    phase.wait_until(102.0)  # an earlier moment never shortens the wait
    clock.now = 102.5
    assert not phase.is_quiet()


def _stub_answers() -> Callable[[bytes], bytes | None]:
    answer = _status_response(NAS, bytes(6))
    return lambda data: answer if data[12:14] == b" C" else None


def test_netbios_asks_targets_as_they_come_and_ends_once_closed() -> None:
    found: list[str] = []
    targets = unicast.Targets()
    for port in _responder(_stub_answers()):
        worker = threading.Thread(target=netbios.query, args=(
            targets, time.monotonic() + 10, CancelToken(),
            lambda ip, info: found.append(ip), port))
        worker.start()
        time.sleep(0.2)
        targets.add("127.0.0.1")  # found by ARP while the query already runs
        time.sleep(0.2)
        assert found == ["127.0.0.1"] and worker.is_alive()  # more may come until closed
        closed = time.monotonic()
        targets.close()
        worker.join(timeout=within(1.0))
        assert not worker.is_alive()
        assert time.monotonic() - closed < within(0.3)  # everyone asked answered: no tail


def test_netbios_stops_waiting_for_silent_hosts_after_its_tail() -> None:
    infos: list[NetbiosInfo] = []
    for port in _responder(lambda data: None):  # nobody answers
        started = time.monotonic()
        netbios.query(["127.0.0.1"], started + 10, CancelToken(),
                      lambda ip, info: infos.append(info), port=port)
        elapsed = time.monotonic() - started
    assert infos == []
    assert unicast.TAIL <= elapsed < within(unicast.TAIL + 0.3)  # not the 10 s deadline


def test_wsd_search_ends_after_its_answer_window_not_at_the_deadline() -> None:
    seen: list[str] = []
    for port in _responder(lambda data: None):
        started = time.monotonic()
        wsd.search("127.0.0.1", LOOPBACK, started + 10, CancelToken(),
                   lambda ip, info: seen.append(ip), target=("127.0.0.1", port))
        elapsed = time.monotonic() - started
    window = wsd.PROBE_AT[-1] + wsd.MAX_DELAY  # no answer at all: no tail after it
    assert seen == [] and window <= elapsed < within(window + 0.3)


def test_llmnr_asks_each_address_for_its_own_name() -> None:
    found: list[tuple[str, str]] = []
    for port in _responder(lambda data: llmnr_responder.answer(data, "127.0.0.1", "WINPC")):
        started = time.monotonic()
        llmnr.query(["127.0.0.1"], started + 10, CancelToken(),
                    lambda ip, name: found.append((ip, name)), port=port)
        elapsed = time.monotonic() - started
    assert found == [("127.0.0.1", "WINPC")]
    assert elapsed < within(0.3)  # everyone asked answered: no tail


def test_llmnr_ignores_answers_about_another_address_or_question() -> None:
    found: list[str] = []
    for port in _responder(lambda data: llmnr_responder.answer(data, "127.0.0.9", "OTHER")):
        llmnr.query(["127.0.0.1"], time.monotonic() + 10, CancelToken(),
                    lambda ip, name: found.append(name), port=port)
    wrong_id = llmnr_responder.answer(names.ptr_query("127.0.0.1", 7, flags=0), "127.0.0.1", "X")
    assert wrong_id is not None and llmnr._name(wrong_id, 8) is None
    assert llmnr._name(wrong_id, 7) == "X"
    assert found == []


def test_progress_rises_steadily_and_never_claims_done() -> None:
    samples = [progress_fraction(t / 10, 3.0) for t in range(0, 200)]
    assert samples[0] == 0.0
    assert all(a <= b for a, b in itertools.pairwise(samples))
    assert progress_fraction(1.8, 3.0) > 0.75  # a typical quiet scan ends well along the bar
    assert max(samples) == 0.99
    assert progress_fraction(-1.0, 3.0) == 0.0
