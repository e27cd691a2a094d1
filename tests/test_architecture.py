"""The shape of relmkt_lib: imports flow one way, no cycles, subpackage ``__init__`` files only re-export.

Data flows raw tables -> ``data`` -> a domain module -> ``plotting``. A model owns its formulas:
simulators and loaders import models, never the reverse; plots take results and never import a
domain module to compute. Every import counts, including the lazy ones inside functions (only
``if TYPE_CHECKING:`` blocks are left out). The map of the package is in CONTRIBUTING.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "relmkt_lib"

#: Layer of each top-level module or subpackage, lowest first. A module may import only from its
#: own layer's allowed list (DOMAIN_ALLOWED) or from a lower layer.
LAYERS: dict[str, int] = {
    # 0: the foundation every module may use
    "exceptions": 0, "_checks": 0, "_dates": 0, "_fitting": 0, "_html_export": 0,
    # 1: raw tables -> validated tables and customer summaries
    "data": 1,
    # 2: domain modules (one chapter each); they import one another only as DOMAIN_ALLOWED says
    "clv": 2, "metrics": 2, "rfm": 2, "cohorts": 2, "migration": 2, "contractual": 2, "btyd": 2, "loyalty": 2,
    "churn": 2, "uplift": 2, "contact": 2,
    # 3: loaders and simulators (they import models, never the reverse)
    "datasets": 3, "simulate": 3,
    # 4: plots (they take results)
    "plotting": 4,
    # 5: the exercise checker and student-copy builder
    "exercises": 5,
    # 6: the `relmkt` command and its notebook runner (they may import anything)
    "_cli": 6, "_run_template": 6, "__main__": 6,
}

#: Private partners that belong to a public module's place in the layers.
PARTNERS = {"_scorecards": "metrics", "_campaign_outcomes": "metrics", "_markov": "migration",
            "_loyalty_sim": "loyalty", "_data_checks": "data", "_firm_value": "clv", "_rfm_tables": "rfm",
            "_campaign": "simulate", "_answers": "exercises", "_student_copy": "exercises", "_rates": "metrics",
            "_summary": "data", "_sbg": "contractual", "_campaign_log": "metrics", "_churn_features": "churn",
            "_churn_model": "churn", "_churn_eval": "churn", "_uplift_metrics": "uplift",
            "_consent": "contact", "_contact_rules": "contact", "_contact_pressure": "contact",
            "_contact_sim": "contact", "_grading": "exercises", "_read_csv": "data"}

#: Layers whose modules stay independent of one another (the foundation's helpers may share).
SEPARATE_LAYERS = {2, 3}

#: The only imports allowed between modules of one separate layer: a formula lives once, in the module named here.
DOMAIN_ALLOWED = {
    ("metrics", "clv"),  # CLV and equity formulas live in clv
    ("cohorts", "clv"),  # firm value and the levers live in clv
    ("simulate", "datasets"),  # simulate re-exports the dataset builders
}

#: Plots take results: they may use the foundation and the data layer, never a domain module or a loader.
RESULTS_ONLY = {"plotting": 1}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, *, top_level_only: bool = False) -> list[tuple[str, int]]:
    """(imported module, line) for every import of a relmkt_lib module in ``path``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = depth + isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if top_level_only and inner:
                continue
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno) for a in child.names if a.name.startswith("relmkt_lib"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                if target.startswith("relmkt_lib"):
                    # "from . import simulate" names a module; "from .x import y" names x (or x.y)
                    if child.module is None:
                        found.extend((f"{target}.{a.name}", child.lineno) for a in child.names)
                    else:
                        found.append((target, child.lineno))
            visit(child, inner)

    visit(tree, 0)
    return found


def _group(module: str) -> str | None:
    """The layer group of a dotted module name (None for the package itself)."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    top = parts[1]
    return PARTNERS.get(top, top)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = sorted({g for p in _modules() if (g := _group(_module_name(p))) and g not in LAYERS})
    assert not missing, f"give these modules a layer in tests/test_architecture.py (and CONTRIBUTING's map): {missing}"


def test_imports_flow_one_way():
    """A module imports only from lower layers (and, within the domain layer, only as DOMAIN_ALLOWED says)."""
    wrong = []
    for path in _modules():
        src = _group(_module_name(path))
        if src is None:
            continue
        for target, line in _imports(path):
            dst = _group(target)
            if dst is None or dst == src:
                continue
            sideways = LAYERS[dst] == LAYERS[src] in SEPARATE_LAYERS and (src, dst) not in DOMAIN_ALLOWED
            upward = LAYERS[dst] > LAYERS[src] or sideways
            if upward or LAYERS[dst] > RESULTS_ONLY.get(src, LAYERS[src]):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {src} (layer {LAYERS[src]}) imports "
                             f"{dst} (layer {LAYERS[dst]})")
    assert not wrong, "imports against the one-way flow:\n" + "\n".join(wrong)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for path in _modules():
        name = _module_name(path)
        graph.setdefault(name, set())
        for target, _ in _imports(path, top_level_only=True):
            graph[name].add(target)
    known = set(graph)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def dfs(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            nxt = nxt if nxt in known else nxt.rpartition(".")[0]  # "from .x import y" with y an attribute
            if nxt not in known:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                dfs(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            dfs(node, [])
    # a package's __init__ importing its own submodules is a re-export, not a cycle
    real = [c for c in cycles if not all(c[0].startswith(n) or n.startswith(c[0]) for n in c)]
    assert not real, "import cycles: " + "; ".join(" -> ".join(c) for c in real)


def test_no_imports_at_the_bottom_of_a_file():
    late = [f"{p.relative_to(PACKAGE.parent)}:{n}" for p in _modules()
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "E402" in line]
    assert not late, f"imports below code (move them to the top, or share the helper another way): {late}"


@pytest.mark.parametrize("package", ["plotting", "btyd", "datasets"])
def test_subpackage_init_only_reexports(package):
    tree = ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        dunder_all = isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__all__"]
        assert docstring or isinstance(node, ast.ImportFrom) or dunder_all, (
            f"relmkt_lib/{package}/__init__.py line {node.lineno}: an __init__ only re-exports; move code to a module")


def test_every_module_declares_all():
    missing = [str(p.relative_to(PACKAGE.parent)) for p in _modules()
               if p.name != "__main__.py" and "__all__" not in p.read_text(encoding="utf-8")]
    assert not missing, f"modules without __all__: {missing}"
