"""Dependencies run one way: every import of geoaid/, web/ and boundaries/, read with ast.

The layering of geoaid's subpackages is written down here (``MAY_IMPORT``): a
subpackage imports only those below it. ``web/`` sits on top of geoaid,
``boundaries/`` is a data package (source registry, loaders, data files) that
any part of the core may read and that imports nothing of geoaid. The command
line (``geoaid.cli``) is the composition root: it may import everything, and
nothing but ``python -m geoaid`` imports it. Imports inside functions count
like any other, and each one says why it is not at module level.
"""

from __future__ import annotations

import ast
import graphlib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geoaid", "web", "boundaries")
COMPOSITION_ROOT = "geoaid.cli"

# Bottom to top. "geoaid" is the package itself (its __version__).
MAY_IMPORT = {
    "geoaid": set(),
    "geoaid.text": {"geoaid"},
    "geoaid.store": {"geoaid", "geoaid.text"},
    "geoaid.analysis": {"geoaid", "geoaid.text", "geoaid.store"},
    # print maps and exports show the analysis
    "geoaid.output": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis"},
    # importers resolve sectors (analysis), write the display geometry and neutralised reports (output)
    "geoaid.imports": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis", "geoaid.output"},
    # the 2025 reform carries the analysis' frames and allocations to 2025 communes
    "geoaid.reform": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis"},
    "geoaid.serving": {"geoaid", "geoaid.text", "geoaid.store"},
    # one pinned workspace version and its memoised analysis, for the CLI and the web app
    "geoaid.snapshot": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis", "geoaid.output",
                        "geoaid.reform"},
    # the demo build joins names (imports), derives 2025 (reform) and writes SAMPLE projects
    "geoaid.demo": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis", "geoaid.imports",
                    "geoaid.reform"},
    # what-if scenarios read candidates as the project importer does and run the analysis on them
    "geoaid.planning": {"geoaid", "geoaid.text", "geoaid.store", "geoaid.analysis", "geoaid.imports"},
}
DATA_PACKAGE = "boundaries"
# Modules being rewritten in parallel work (the boundary importer's split, the views and the word
# catalog): their imports inside functions move to module level there. Each entry must still be
# needed, so the list empties itself.
@dataclass(frozen=True)
class Import:
    importer: str       # module doing the import
    target: str         # module imported (a module of ours, or a third-party name)
    line: int
    in_function: bool
    commented: bool     # a comment on the import's line or the line above it


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _our_modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = importer.split(".")[: len(importer.split(".")) - node.level + (1 if is_package else 0)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    # "from geoaid.imports import boundaries" imports a module; "from web import workspace" a name
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def _imports() -> list[Import]:
    modules = _our_modules()
    found = []
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        inside = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast.walk(f)}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            here = lines[node.lineno - 1: node.end_lineno]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            commented = any("#" in text for text in here) or above.strip().startswith("#")
            for target in _targets(node, name, path.name == "__init__.py", modules):
                found.append(Import(name, target, node.lineno, id(node) in inside, commented))
    return found


def _ours(target: str) -> bool:
    return target.split(".")[0] in PACKAGES


def _part(module: str) -> str:
    """geoaid.analysis.filters → geoaid.analysis; web.api → web; geoaid → geoaid."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "geoaid" and len(parts) > 1 else parts[0]


IMPORTS = _imports()


def _where(imp: Import) -> str:
    return f"{imp.importer}:{imp.line} imports {imp.target}"


def test_the_walk_sees_every_part():
    parts = {_part(i.importer) for i in IMPORTS}
    assert {"web", "boundaries", COMPOSITION_ROOT, *MAY_IMPORT} - {"geoaid"} <= parts
    assert any(i.in_function for i in IMPORTS)  # imports inside functions are walked too


def test_no_import_cycle_between_modules():
    graph: dict[str, set[str]] = {}
    modules = _our_modules()
    for imp in IMPORTS:
        if _ours(imp.target) and imp.target in modules and imp.target != imp.importer:
            graph.setdefault(imp.importer, set()).add(imp.target)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail("import cycle: " + " → ".join(reversed(exc.args[1])), pytrace=False)


def test_the_layering_itself_runs_one_way():
    graph = {part: below - {part} for part, below in MAY_IMPORT.items()}
    tuple(graphlib.TopologicalSorter(graph).static_order())   # raises CycleError


def test_geoaid_subpackages_import_only_the_layers_below():
    wrong = []
    for imp in IMPORTS:
        source, target = _part(imp.importer), _part(imp.target)
        if source not in MAY_IMPORT or not _ours(imp.target) or source == target:
            continue
        if target == DATA_PACKAGE:
            continue    # the data package imports nothing of geoaid: reading it can close no cycle
        if target not in MAY_IMPORT[source]:
            wrong.append(_where(imp))
    assert wrong == []


def test_nothing_in_geoaid_but_the_command_line_imports_web():
    wrong = [_where(i) for i in IMPORTS if _part(i.target) == "web" and i.importer.startswith("geoaid")
             and _part(i.importer) != COMPOSITION_ROOT]
    assert wrong == []


def test_boundaries_is_a_data_package_that_imports_nothing_of_geoaid_or_web():
    wrong = [_where(i) for i in IMPORTS if _part(i.importer) == DATA_PACKAGE
             and i.target.split(".")[0] in ("geoaid", "web")]
    assert wrong == []


def test_only_the_entry_point_imports_the_composition_root():
    wrong = [_where(i) for i in IMPORTS if _part(i.target) == COMPOSITION_ROOT
             and _part(i.importer) != COMPOSITION_ROOT and i.importer != "geoaid.__main__"]
    assert wrong == []


def test_every_import_inside_a_function_says_why():
    unexplained = [i for i in IMPORTS if i.in_function and not i.commented]
    assert [_where(i) for i in unexplained] == []
