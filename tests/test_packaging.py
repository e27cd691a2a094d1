"""The kit's packaging: pins agree everywhere, imports stay light, the commands are wired."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_deps() -> list[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    return [norm(re.match(r"^[A-Za-z0-9_.\-]+", d).group(0)) for d in deps]


def constraint_pins() -> dict[str, dict[str, str]]:
    """{package: {"main": version for 3.11+, "py310": version for 3.10}}."""
    pins: dict[str, dict[str, str]] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)\s*(?:;\s*(.*))?$", line.strip())
        if not m:
            continue
        name, version, marker = norm(m.group(1)), m.group(2), m.group(3) or ""
        slots = ["main", "py310"] if not marker else (["py310"] if '< "3.11"' in marker else ["main"])
        for slot in slots:
            pins.setdefault(name, {})[slot] = version
    return pins


def test_every_dependency_is_pinned_for_every_python():
    pins = constraint_pins()
    for dep in project_deps():
        assert dep in pins, f"{dep} is a dependency in pyproject.toml but has no pin in constraints.txt"
        assert set(pins[dep]) == {"main", "py310"}, f"{dep} lacks a pin for one Python range: {pins[dep]}"


def test_environment_yml_agrees_with_pyproject_and_constraints():
    text = (ROOT / "environment.yml").read_text()
    conda = {norm(m.group(1)): m.group(2) for m in re.finditer(r"^\s+- ([A-Za-z0-9_.\-]+)==(\S+)$", text, re.M)}
    pins = constraint_pins()
    assert set(conda) == set(project_deps()), "environment.yml and pyproject.toml list different packages"
    for name, version in conda.items():
        assert version == pins[name]["main"], (
            f"{name}: environment.yml has {version}, constraints.txt {pins[name]['main']}")
    assert re.search(r"^\s+- -e \.$", text, re.M), "environment.yml must install the library with pip: -e ."


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    pins = constraint_pins()
    slot = "py310" if sys.version_info < (3, 11) else "main"
    for dep in project_deps():
        assert version(dep) == pins[dep][slot], f"{dep} {version(dep)} is installed, {pins[dep][slot]} is pinned"


def test_import_is_light():
    """`import relmkt_lib` (and its data layer) must not pull in the heavy libraries."""
    code = (
        "import sys, relmkt_lib, relmkt_lib.data, relmkt_lib.datasets, relmkt_lib.plotting; "
        "heavy = [m for m in ('matplotlib', 'sklearn', 'lifetimes', 'scipy', 'nbformat') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing relmkt_lib loaded {out.stdout.strip()}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make test$", ci, re.M)
    assert "make test" in readme and "make lab" in readme


def test_licences_present():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "Attribution 4.0 International" in (ROOT / "LICENSE-TEXT").read_text()


# Text that would make a file depend on a folder outside the clone (the team's shared folder, or
# an absolute path on a developer's machine). The pattern is built so this file does not match.
_OUTSIDE = re.compile("|".join([r"\.\./" + "shared", r"/work" + "/", r'"' + "shared" + r'"\s*/']))
_TEXT = {".py", ".ipynb", ".md", ".toml", ".cfg", ".txt", ".yml", ".yaml", ".json", ""}


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [ROOT / p for p in out.splitlines()]
    except (OSError, subprocess.CalledProcessError):  # a download without git: walk the tree
        skip = {".git", ".venv", "build", "node_modules"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_no_file_reads_outside_the_clone():
    """A user's clone has no shared folder beside it: every value a test or notebook needs ships here."""
    offenders = []
    for path in _tracked_files():
        if path.suffix not in _TEXT or not path.is_file() or path.name in {"README.md", "CONTRIBUTING.md"}:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not offenders, ("files that read outside the clone (copy the values into tests/golden/):\n"
                           + "\n".join(offenders))
