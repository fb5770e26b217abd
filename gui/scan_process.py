"""Runs the scan engine in a child process (no GIL contention with the window) over a pipe."""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from core.cancel import CancelToken
from core.errors import KnownError
from core.models import Device, Progress, ScanResult

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05
ScanFunction = Callable[[object, CancelToken, Callable[[Progress], None], Callable[[Device], None]],
                        ScanResult]


def run_in_child(scan_path: str, plan: object, cancel: CancelToken,
                 on_progress: Callable[[Progress], None],
                 on_device: Callable[[Device], None]) -> ScanResult:
    """Run `scan_path` ("module:function") with `plan` in a fresh process; relay its reports.

    Cancelling stops the child cleanly (it polls the same kind of CancelToken); a child that
    does not stop within a few seconds is killed. KnownErrors keep their class and hint."""
    context = multiprocessing.get_context("spawn")
    events, child_events = context.Pipe(duplex=False)
    child_control, control = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, daemon=True,
                              args=(scan_path, plan, child_events, child_control))
    process.start()
    child_events.close()
    child_control.close()
    try:
        return _relay(process, events, control, cancel, on_progress, on_device)
    finally:
        control.close()
        process.join(timeout=5)
        if process.is_alive():
            log.warning("scan process did not stop; killing it")
            process.kill()
            process.join(timeout=5)
        events.close()


def _relay(process: BaseProcess, events: Connection, control: Connection, cancel: CancelToken,
           on_progress: Callable[[Progress], None],
           on_device: Callable[[Device], None]) -> ScanResult:
    cancel_sent = False
    while True:
        if cancel.cancelled and not cancel_sent:
            control.send("cancel")
            cancel_sent = True
        if not events.poll(POLL_SECONDS):
            if not process.is_alive() and not events.poll(0):
                raise RuntimeError(f"The scan process ended unexpectedly "
                                   f"(exit code {process.exitcode}).")
            continue
        kind, payload = events.recv()
        if kind == "device":
            on_device(payload)
        elif kind == "progress":
            on_progress(payload)
        elif kind == "done":
            result: ScanResult = payload
            return result
        elif kind == "known-error":
            raise _rebuild(*payload)
        else:
            raise RuntimeError(f"The scan process failed:\n{payload}")


def _rebuild(module: str, name: str, message: str, hint: str) -> KnownError:
    kind = getattr(importlib.import_module(module), name, KnownError)
    error = kind(message, hint) if issubclass(kind, KnownError) else KnownError(message, hint)
    return error


def _child_main(scan_path: str, plan: object, events: Connection, control: Connection) -> None:
    """In the child: run the scan; every report goes to the parent through `events`."""
    cancel = CancelToken()
    lock = threading.Lock()

    def send(kind: str, payload: object) -> None:
        with lock:  # reports come from several of the engine's threads
            events.send((kind, payload))

    def watch_control() -> None:
        with contextlib.suppress(EOFError, OSError):
            control.recv()  # "cancel", or EOF when the parent is gone
        cancel.cancel()

    threading.Thread(target=watch_control, daemon=True, name="scan-control").start()
    module, function = scan_path.split(":")
    scan: ScanFunction = getattr(importlib.import_module(module), function)
    try:
        result = scan(plan, cancel, lambda p: send("progress", p), lambda d: send("device", d))
    except KnownError as exc:
        send("known-error", (type(exc).__module__, type(exc).__name__, exc.message, exc.hint))
    except BaseException:
        send("crash", traceback.format_exc())
    else:
        send("done", result)
