"""Execute a template notebook with parameters, show its progress, save it as a notebook and a web page.

The engine of ``relmkt report`` and ``relmkt churn`` (papermill's conventions, on nbclient):

- the template has ONE code cell tagged ``parameters``; :func:`inject_parameters` adds a cell tagged
  ``injected-parameters`` right after it with the user's values as Python literals;
- a code cell whose metadata holds ``{"relmkt": {"step": "Fitting the model"}}`` starts a step: the
  runner prints ``[k/n] Fitting the model`` when it starts and times it (the cells after it, up to the
  next step, belong to it);
- a kernel line on stderr such as ``bootstrap draws: 40/100`` (``\\r`` or ``\\n`` separated) is progress:
  a text bar on a terminal (one line when it completes otherwise), and it is left out of the saved notebook;
- an exception in a cell becomes a :class:`TemplateError` (its name, message and step).

The kernel is this environment's Python (``sys.executable``), whatever kernels Jupyter knows about.
nbclient, nbformat and nbconvert are imported inside the functions, so ``import relmkt_lib`` stays light.
"""

from __future__ import annotations

import ast
import copy
import re
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from ._html_export import notebook_html, notebook_title

__all__ = ["PROGRESS", "RunResult", "TemplateError", "inject_parameters", "run_template", "save_outputs",
           "template_path"]

#: A progress line printed by a template on stderr: "<label>: <i>/<n>".
PROGRESS = re.compile(r"^\s*(?P<label>[^:\r\n]{1,80}): (?P<i>\d+)/(?P<n>\d+)\s*$")
#: Seconds a cell may run before the run stops (a 1-million-row report takes well under this).
CELL_TIMEOUT = 1800
#: Seconds to wait for the kernel to start.
STARTUP_TIMEOUT = 120
#: Width of the console bar, in characters.
BAR_WIDTH = 30
#: The step name of the kernel's start and of the cells before the first step.
SETUP_STEP = "Starting Python"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class TemplateError(Exception):
    """A cell of the template failed: ``ename`` / ``evalue`` are the kernel's exception, ``step`` where it happened.

    ``traceback`` is the kernel's traceback as plain text; ``notebook`` the notebook as far as it ran.
    """

    def __init__(self, message: str, *, step: str | None = None, ename: str = "", evalue: str = "",
                 traceback: str = "", notebook: Any = None) -> None:
        super().__init__(message)
        self.step, self.ename, self.evalue, self.traceback, self.notebook = step, ename, evalue, traceback, notebook


@dataclass
class RunResult:
    """An executed notebook, the seconds each step took (in order; the kernel's start first) and in all."""

    notebook: Any
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def template_path(name: str | Path) -> Path:
    """The path of a template: a name shipped in ``relmkt_lib/templates`` ("report", "churn") or a file."""
    if isinstance(name, Path) or str(name).endswith(".ipynb"):
        path = Path(name)
    else:
        path = Path(str(resources.files("relmkt_lib") / "templates" / f"{name}.ipynb"))
    if not path.is_file():
        raise ValueError(f"template {str(name)!r} not found (looked for {path}); reinstall relmkt "
                         "(pip install -e .) so that its templates are installed")
    return path


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _assigned_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _literal(name: str, value: Any) -> str:
    if isinstance(value, Path):
        value = str(value)
    text = repr(value)
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError):
        same = False
    if not same:
        raise TypeError(f"parameter {name!r} must be a Python literal (str, number, bool, None, list, dict), "
                        f"got {type(value).__name__}")
    return f"{name} = {text}"


def inject_parameters(nb: Any, parameters: dict[str, Any]) -> Any:
    """A copy of ``nb`` with a cell tagged ``injected-parameters`` right after its ``parameters`` cell.

    Every name must be assigned in the ``parameters`` cell (a ValueError otherwise, listing the known
    ones); an earlier injected cell (a notebook run before) is replaced.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in _tags(c)]
    where = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in _tags(c)]
    if len(where) != 1:
        raise ValueError(f"the template must have one code cell tagged 'parameters', it has {len(where)}")
    known = _assigned_names(nb.cells[where[0]].source)
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(f"the template has no parameter {unknown}; its parameters are {sorted(known)}")
    lines = ["# Parameters given on the command line (the cell above holds the defaults)"]
    lines += [_literal(k, v) for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(where[0] + 1, cell)
    return nb


def _step(cell: Any) -> str | None:
    meta = cell.get("metadata", {}).get("relmkt", {})
    return meta.get("step") if isinstance(meta, dict) else None


class _Console:
    """Step lines and progress bars on a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None, bar: bool | None) -> None:
        self.stream = stream
        self.bar = bool(stream is not None and (stream.isatty() if bar is None else bar))
        self.open_bar = False

    def write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text)
            self.stream.flush()

    def end_bar(self) -> None:
        if self.open_bar:
            self.write("\n")
            self.open_bar = False

    def step(self, k: int, n: int, name: str) -> None:
        self.end_bar()
        self.write(f"[{k}/{n}] {name}\n")

    def progress(self, label: str, i: int, n: int) -> None:
        if self.bar:
            done = int(BAR_WIDTH * i / n) if n else BAR_WIDTH
            self.write(f"\r      {label} [{'#' * done}{'-' * (BAR_WIDTH - done)}] {i}/{n}")
            self.open_bar = True
            if i >= n:
                self.end_bar()
        elif i >= n:
            self.write(f"      {label}: {i}/{n}\n")


def _client_class() -> type:
    from nbclient import NotebookClient

    class ProgressClient(NotebookClient):
        """nbclient's client that turns progress lines on stderr into the console's bars."""

        console: _Console

        def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
            content = msg.get("content", {})
            if msg.get("msg_type") == "stream" and content.get("name") == "stderr":
                kept = _strip_progress(content.get("text", ""), self.console)
                if not kept:
                    return None
                content["text"] = kept
            return super().output(outs, msg, display_id, cell_index)

    return ProgressClient


def _strip_progress(text: str, console: _Console) -> str:
    """``text`` without its progress lines, each reported to ``console``."""
    kept: list[str] = []
    pieces = re.split(r"(\r\n|\r|\n)", text)
    for piece, sep in zip(pieces[::2], [*pieces[1::2], ""]):
        match = PROGRESS.match(piece)
        if match:
            console.progress(match["label"].strip(), int(match["i"]), int(match["n"]))
        elif piece or sep in ("\n", "\r\n"):
            kept.append(piece + ("\n" if sep else ""))
    return "".join(kept)


def _kernel_manager() -> Any:
    """A kernel manager whose "python3" kernel is this interpreter (never another kernelspec's Python)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002 - always this Python
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python 3 (ipykernel)", language="python", resource_dir="")

    return KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())


def run_template(template: str | Path, parameters: dict[str, Any], *, cwd: str | Path | None = None,
                 cell_timeout: int = CELL_TIMEOUT, progress: TextIO | None = sys.stderr,
                 bar: bool | None = None) -> RunResult:
    """Execute a template with ``parameters`` in a fresh kernel of this Python; return it with its step timings.

    Parameters
    ----------
    template : str or Path
        "report", "churn" (shipped with the package) or the path of a notebook.
    parameters : dict
        Values for names of the template's ``parameters`` cell (Python literals; a Path becomes its text).
    cwd : path, optional
        The kernel's working folder (default: the current one).
    cell_timeout : int
        Seconds a cell may run; beyond, the run stops with a :class:`TemplateError`.
    progress : text stream or None
        Where step lines and bars go (None: nowhere).
    bar : bool, optional
        Draw progress as an updating bar (default: when ``progress`` is a terminal).

    Raises
    ------
    TemplateError
        A cell raised (``ename``, ``evalue``, ``step``), timed out, or the kernel could not start or died.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = template_path(template)
    nb = inject_parameters(nbformat.read(path, as_version=4), parameters)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    steps = [s for s in map(_step, nb.cells) if s]
    console = _Console(progress, bar)
    timings: dict[str, float] = {}
    state = {"step": SETUP_STEP, "t": time.perf_counter(), "k": 0}

    def close_step() -> None:
        now = time.perf_counter()
        timings[state["step"]] = timings.get(state["step"], 0.0) + now - state["t"]
        state["t"] = now

    def on_cell_start(cell: Any, cell_index: int) -> None:  # noqa: ARG001 - nbclient's hook signature
        name = _step(cell)
        if name:
            close_step()
            state["k"] += 1
            state["step"] = name
            console.step(state["k"], len(steps), name)

    km = _kernel_manager()
    client = _client_class()(nb, timeout=cell_timeout, startup_timeout=STARTUP_TIMEOUT, kernel_name="python3",
                             km=km, resources={"metadata": {"path": str(cwd or Path.cwd())}},
                             on_cell_start=on_cell_start)
    client.console = console
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        console.end_bar()
        raise TemplateError(f"{exc.ename}: {exc.evalue}", step=state["step"], ename=exc.ename, evalue=exc.evalue,
                            traceback=_ANSI.sub("", str(exc)), notebook=nb) from None
    except CellTimeoutError:
        console.end_bar()
        raise TemplateError(f"the step '{state['step']}' ran longer than {cell_timeout} s and was stopped",
                            step=state["step"], ename="TimeoutError", notebook=nb) from None
    except DeadKernelError as exc:
        console.end_bar()
        raise TemplateError(f"Python stopped during the step '{state['step']}' ({exc}); the data may be too "
                            "large for this computer's memory", step=state["step"], ename="DeadKernelError",
                            notebook=nb) from None
    except RuntimeError as exc:  # the kernel did not start
        console.end_bar()
        raise TemplateError(f"Python could not be started for the notebook ({exc}); check that ipykernel is "
                            f"installed for {sys.executable}", step=SETUP_STEP, ename="RuntimeError") from None
    finally:
        # nbclient shuts down only the kernels it starts itself; this one is ours (else it prints
        # "Parent appears to have exited" when the command ends)
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    console.end_bar()
    close_step()
    for cell in nb.cells:  # no per-run timestamps; no stream left empty by the removed progress lines
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and not o.get("text"))]
    return RunResult(notebook=nb, timings=timings, seconds=time.perf_counter() - start)


def save_outputs(nb: Any, out_dir: str | Path, *, name: str = "report", show_code: bool = False,
                 title: str | None = None) -> tuple[Path, Path]:
    """Write ``out_dir/<name>.ipynb`` (the executed notebook) and ``out_dir/<name>.html`` (self-contained).

    The HTML hides the code unless ``show_code``; its title is the notebook's first heading unless given.
    """
    import nbformat

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ipynb, html = out / f"{name}.ipynb", out / f"{name}.html"
    nbformat.write(nb, ipynb)
    try:
        heading = title or notebook_title(nb)
    except ValueError:
        heading = name
    page, _ = notebook_html(copy.deepcopy(nb), title=heading, show_code=show_code)
    html.write_text(page, encoding="utf-8")
    return ipynb, html
