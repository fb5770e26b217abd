"""One logging setup for the app and the CLI: a rotating file in the per-user log folder."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path

from core.files import PRIVATE_FILE_MODE, make_private, own_private_dir
from core.paths import log_dir

LOG_FILE_NAME = "iot-hygiene.log"
_MARKER = "_iot_hygiene_handler"


def log_file() -> Path:
    """Where the log is written."""
    return log_dir() / LOG_FILE_NAME


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first and each after a rollover) is 0600."""

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.baseFilename, flags, PRIVATE_FILE_MODE)
        make_private(Path(self.baseFilename))
        return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "a")), encoding=self.encoding,
                                errors=self.errors, line_buffering=False)


def setup_logging(directory: Path | None = None) -> Path:
    """Send the log to a rotating file, once per process; returns the file path."""
    path = own_private_dir(directory or log_dir()) / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, _MARKER, False):
            return Path(getattr(handler, "baseFilename", path))
    handler = PrivateRotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _MARKER, True)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    return path


def close_logging() -> None:
    """Remove and close the handler setup_logging added (at exit and in tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARKER, False):
            root.removeHandler(handler)
            handler.close()
