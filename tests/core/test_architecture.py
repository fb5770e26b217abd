"""Architecture rules: core/ never imports Qt, and every module says its one job on top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


# -- how gui/ uses core/, and import cycles
GUI_ALLOWED_CORE_MODULES = frozenset({"core", "core.models", "core.errors", "core.paths",
                                      "core.cancel", "core.secrets", "core.store", "core.logs",
                                      "core.files"})
GUI_FORBIDDEN_LIBRARIES = ("zeroconf", "scapy", "sqlite_utils", "keyring")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(*folders: str) -> dict[str, Path]:
    return {_module_name(path): path for folder in folders for path in _python_files(folder)}


def _all_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import, module or function level, `if TYPE_CHECKING:` ones too: a cycle only a
    type checker sees still ties two modules together."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imported_names(path: Path, module: str) -> list[tuple[str, str]]:
    """(module, name) for every import; name is "" for `import module`."""
    pairs: list[tuple[str, str]] = []
    for node in _all_imports(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            pairs.extend((alias.name, "") for alias in node.names)
        else:
            base = _absolute(node, module, path.name == "__init__.py")
            pairs.extend((base, alias.name) for alias in node.names)
    return pairs


def _public_names(package: Path) -> set[str] | None:
    """A core package's __all__ (None when it declares none)."""
    tree = ast.parse((package / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return None


def _core_use_offence(module: str, name: str) -> str:
    """Why `from module import name` reaches past core's public surface ("" when it does not)."""
    core = _modules("core")
    if name and f"{module}.{name}" in core:  # `from core import errors`, `from core.x import y`
        module, name = f"{module}.{name}", ""
    if module not in core:
        return f"{module} is not a core module"
    is_package = core[module].name == "__init__.py"
    if not is_package and module not in GUI_ALLOWED_CORE_MODULES:
        return f"{module} is a module inside a core package"
    if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
        return f"{name} is private"
    public = _public_names(core[module].parent) if is_package else None
    if name and public is not None and name not in public:
        return f"{name} is not in {module}.__all__"
    return ""


def test_gui_uses_only_the_public_surface_of_core() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: from {module} import {name}: {why}"
        for gui_module, path in _modules("gui").items()
        for module, name in _imported_names(path, gui_module)
        if (module == "core" or module.startswith("core."))
        and (why := _core_use_offence(module, name))
    ]
    assert offenders == []


@pytest.mark.parametrize(("module", "name", "allowed"), [
    ("core.discovery", "list_interfaces", True),
    ("core", "errors", True),
    ("core", "store", True),
    ("core.store", "Store", True),
    ("core.discovery", "netif", False),
    ("core.discovery.netif", "list_interfaces", False),
    ("core.discovery", "_private", False),
    ("core.assessment", "not_exported_name", False),
    ("core", "__main__", False),
])
def test_the_core_surface_rule(module: str, name: str, allowed: bool) -> None:
    assert (_core_use_offence(module, name) == "") is allowed


def test_gui_never_imports_the_network_or_storage_libraries() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _python_files("gui")
        for name in _imported_modules(path)
        if name.split(".")[0] in GUI_FORBIDDEN_LIBRARIES
    ]
    assert offenders == []


def _import_graph(*folders: str) -> dict[str, set[str]]:
    modules = _modules(*folders)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for base, name in _imported_names(path, module):
            for target in (base, f"{base}.{name}" if name else base):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != module and not module.startswith(target + "."):
                    graph[module].add(target)  # a module's own parent packages are not edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_in_core_or_gui() -> None:
    assert [" <-> ".join(cycle) for cycle in _cycles(_import_graph("core", "gui"))] == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
