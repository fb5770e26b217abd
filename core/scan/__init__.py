"""One whole scan (discovery then checks) and its stable JSON document."""

from core.scan.jsonio import (
    SCHEMA_VERSION,
    device_from_json,
    device_to_json,
    read_scan_file,
    scan_from_json,
    scan_to_json,
)
from core.scan.run import run_scan

__all__ = [
    "SCHEMA_VERSION",
    "device_from_json",
    "device_to_json",
    "read_scan_file",
    "run_scan",
    "scan_from_json",
    "scan_to_json",
]
