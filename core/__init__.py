"""IoT Hygiene engine: discovery, checks, storage and reports, with no Qt anywhere."""

__version__ = "0.1.0"
