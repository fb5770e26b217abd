"""Package layout for setuptools (everything else is in pyproject.toml).

The repository keeps core/, gui/ and resources/ at its top level. In the wheel:
- core/ and gui/ go under iot_hygiene/_app/ (a private folder, not a generic top-level `core`
  or `gui` in site-packages); the entry points in the small `iot_hygiene` package put that folder
  on sys.path before importing them.
- resources/ becomes the data-only package `iot_hygiene_resources` (its sub-folders its
  sub-packages), found by core.paths.resource() through importlib.resources.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
PRIVATE = "iot_hygiene._app"
DATA = "iot_hygiene_resources"
code = find_packages(include=["core", "core.*", "gui", "gui.*"])
data_folders = sorted(p.name for p in (HERE / "resources").iterdir()
                      if p.is_dir() and not p.name.startswith(("_", ".")))
data_packages = [DATA, *(f"{DATA}.{name}" for name in data_folders)]

setup(
    packages=["iot_hygiene", *(f"{PRIVATE}.{name}" for name in code), *data_packages],
    package_dir={f"{PRIVATE}.core": "core", f"{PRIVATE}.gui": "gui", DATA: "resources"},
    package_data={package: ["*"]  # every data file (XML fingerprints, licences, ...)
                  for package in data_packages},
)
