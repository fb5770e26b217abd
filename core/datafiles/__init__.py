"""Strict readers for the bundled data files; `check.check_data` runs them all over a folder."""
