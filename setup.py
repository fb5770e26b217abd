"""Package list for setuptools (everything else is in pyproject.toml).

`resources/` stays at the repository's top level and is installed as the data-only package
`iot_hygiene_resources` (package_dir maps the name onto the folder; its sub-folders become its
sub-packages), so a wheel carries the checklists, findings, rules, credentials, icons and the
sample office. core.paths.resource() is the only code that locates them.
"""

from pathlib import Path

from setuptools import find_packages, setup

DATA = "iot_hygiene_resources"
HERE = Path(__file__).resolve().parent
data_folders = sorted(p.name for p in (HERE / "resources").iterdir()
                      if p.is_dir() and not p.name.startswith(("_", ".")))

setup(
    packages=[*find_packages(include=["core", "core.*", "gui", "gui.*"]),
              DATA, *(f"{DATA}.{name}" for name in data_folders)],
    package_dir={DATA: "resources"},
    package_data={package: ["*.toml", "*.json", "*.md", "*.svg", "*.png"]
                  for package in (DATA, *(f"{DATA}.{name}" for name in data_folders))},
)
