"""Architecture rules: core/ never imports Qt, and every module says its one job on top."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_qt() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _python_files("core")
        for name in _imported_modules(path)
        if name.split(".")[0] in QT_MODULES
    ]
    assert offenders == []


def test_core_never_imports_gui() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files("core")
        if any(name == "gui" or name.startswith("gui.") for name in _imported_modules(path))
    ]
    assert offenders == []


def test_every_module_has_a_one_line_docstring() -> None:
    missing = []
    for folder in ("core", "gui", "tests", "bench"):
        for path in _python_files(folder):
            text = path.read_text()
            if not text.strip():
                continue  # empty package markers
            doc = ast.get_docstring(ast.parse(text))
            if not doc or "\n" in doc.strip():
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []
