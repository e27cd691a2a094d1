"""Build the handouts: one zip per chapter for a student who has the kit installed but not the repository.

    python tools/handouts.py                 # every chapter in notebooks/ -> build/handouts/NN-name.zip
    python tools/handouts.py --chapter 04    # one chapter (repeat --chapter for more)
    python tools/handouts.py --out DIR       # somewhere else

Each zip holds one folder ``NN-name/``:

    NN-name/README.md              what is inside, how to open it, how to check answers
    NN-name/NN-name.html           the chapter, exported from its committed outputs (no re-execution)
    NN-name/student/NN-name.ipynb  the student copy of the exercises (never the master)
    NN-name/checks.py              the checks the student copy loads (``load_checks`` finds it from student/)
    NN-name/datasets/<name>/...    the data files the chapter, the exercises and the checks read, with their data cards

The data are found by scanning the code of the chapter, the exercise master (solutions included) and
checks.py for the kit's loaders (``load_boreal(`` ...); a loader this tool does not know stops the
build rather than ship a zip without its data. CDNOW and the donations come with the lifetimes
package, so they are not copied. The zips are deterministic: sorted entries, fixed timestamps and
permissions, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
import zipfile
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from relmkt_lib._html_export import WIDGET, notebook_html, notebook_title  # noqa: E402
from relmkt_lib._html_export import has_formulas as has_formulas  # noqa: E402  (re-exported for the tests)
from relmkt_lib.datasets import BorealData  # noqa: E402
from relmkt_lib.exercises import student_copy_text, student_path  # noqa: E402

#: Every entry gets this timestamp (the zip format's epoch is 1980) and these permissions.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16

#: The loaders whose data come with the lifetimes package (nothing to copy).
LIFETIMES_LOADERS = frozenset({"load_cdnow", "load_cdnow_summary", "load_cdnow_sample", "cdnow_sample_split",
                               "load_donations"})
#: The loaders that read the kit's datasets/ folder: the (dataset, file) pairs each one reads.
DATASET_LOADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "load_retention_cohorts": (("retention_cohorts", "sbg_fader_hardie_2007.csv"),),
    "load_boreal": tuple(("boreal", f"{f.name}.csv") for f in fields(BorealData)),
    "load_subscriptions": (("subscriptions", "subscribers.csv"),),
    "load_subscription_cohorts": (("subscriptions", "cohort_counts.csv"),),
    "load_retention_offer": (("subscriptions", "retention_offer.csv.gz"),),
    "load_retention_offer(truth=True)": (("subscriptions", "retention_offer_truth.csv.gz"),),
    "load_hillstrom": (("hillstrom", "hillstrom.csv.gz"),),
}
_LOADER_CALL = re.compile(r"\b(load_\w+|cdnow_sample_split)\s*\((\s*truth\s*=\s*True)?")
_NOT_DATA = {"load_checks"}
#: A direct read of the datasets folder, which this tool cannot follow.
_DIRECT_READ = re.compile(r"\bdata_dir\s*\(|datasets/[a-z_]+/[\w.]+\.csv")
#: A live widget's output type (the page builder, shared with the `relmkt` commands, is relmkt_lib/_html_export.py).
_WIDGET = WIDGET


def chapters(root: Path = ROOT) -> list[Path]:
    """Every chapter notebook ``notebooks/NN-name.ipynb``, sorted."""
    return sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _code(path: Path) -> str:
    """The code of a notebook (its code cells) or of a Python file."""
    if path.suffix == ".py":
        return path.read_text(encoding="utf-8")
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def data_files(sources: list[Path]) -> tuple[list[tuple[str, str]], list[str]]:
    """The (dataset, file) pairs read by ``sources``, and the lifetimes loaders they call.

    Raises ValueError on a loader this tool does not know, or on a direct read of the datasets
    folder: a handout without its data must not be built silently.
    """
    files: set[tuple[str, str]] = set()
    lifetimes: set[str] = set()
    for path in sources:
        code = _code(path)
        for name, truth in _LOADER_CALL.findall(code):
            if name in _NOT_DATA:
                continue
            if name in LIFETIMES_LOADERS:
                lifetimes.add(name)
            elif name in DATASET_LOADERS:
                files.update(DATASET_LOADERS[name + ("(truth=True)" if truth else "")])
            else:
                raise ValueError(f"{_shown(path)} calls {name}(), which tools/handouts.py does not "
                                 "know: add the files it reads to DATASET_LOADERS")
        direct = _DIRECT_READ.search(code)
        if direct:
            raise ValueError(f"{_shown(path)} reads the datasets folder directly "
                             f"({direct[0]!r}): add what it reads to tools/handouts.py")
    return sorted(files), sorted(lifetimes)


def chapter_title(nb: dict) -> str:
    """The chapter's first heading, without the # marks."""
    try:
        return notebook_title(nb)
    except ValueError:
        raise ValueError("the chapter has no '# ' title") from None


def export_html(chapter: Path) -> tuple[str, bool]:
    """The chapter as one HTML page from its committed outputs, images embedded; and whether it loads MathJax."""
    import nbformat

    nb = nbformat.read(chapter, as_version=4)
    return notebook_html(nb, title=chapter_title(nb))


def readme(name: str, title: str, has_exercises: bool, files: list[tuple[str, str]], lifetimes: list[str],
           formulas: bool) -> str:
    """The zip's README.md."""
    datasets = sorted({d for d, _ in files})
    lines = [f"# Handout: {title}", "",
             "This folder goes with the relmkt teaching kit. The chapter's HTML page needs nothing installed. "
             "The exercises need the kit's Python environment: in a copy of the kit, `make lab` creates it "
             "(or `pip install -c constraints.txt .` in that copy, or conda with its `environment.yml`); "
             "then run JupyterLab from this folder as below.", "",
             "## What is inside", "",
             f"- `{name}.html`: the chapter, with its tables and charts, to read in any web browser "
             "(it needs no internet" + ("; only the formulas load MathJax from the internet, and show as "
                                         "plain TeX offline)" if formulas else ")") + "."]
    if has_exercises:
        lines += [f"- `student/{name}.ipynb`: the exercises, to do in JupyterLab.",
                  "- `checks.py`: the checks the exercises run (the notebook finds it by itself; do not move it)."]
    for d in datasets:
        lines.append(f"- `datasets/{d}/`: the data ({', '.join(f for dd, f in files if dd == d)}) and "
                     "its data card, `README.md`.")
    if lifetimes:
        lines.append("- The CDNOW data this chapter uses come with the `lifetimes` package, installed with the kit.")
    lines += ["", "## How to open it", "",
              "1. Unzip the file. Keep the folder's name "
              f"(`{name}`) and what is in it together: the exercises find their checks and data from it.",
              f"2. Open `{name}.html` in a web browser to read the chapter."]
    if has_exercises:
        lines += [f"3. Start JupyterLab (`jupyter lab`) in the `{name}` folder and open `student/{name}.ipynb`.",
                  "   Run the cells from the top.",
                  "", "If a cell says the datasets folder was not found, set the environment variable `RELMKT_DATA` "
                  f"to the path of this folder's `datasets/` before starting JupyterLab, for example "
                  f"`RELMKT_DATA=$PWD/datasets jupyter lab` from the `{name}` folder.",
                  "", "## How to check your answers", "",
                  "Each question has a code cell with a `...` placeholder, followed by a check such as "
                  '`check("q1", answer)`.',
                  "Replace the `...` with your code and run the cell. The check prints one line:", "",
                  "- `✅ q1: correct.`",
                  "- `❌ q1: not yet. Hint: ...`: read the hint and try again.",
                  "- `⏳ q1: not answered yet`: the `...` is still there.", "",
                  "A wrong answer never crashes the notebook. Keep your work in a copy: *File > Save Notebook As...* "
                  f"under a new name in the same `student/` folder (say `student/lastname-firstname_{name[:2]}.ipynb`, "
                  "the name the kit's grader expects unless your instructor says otherwise); "
                  "the checks still work there. Hand in that notebook if your instructor asks for it.", "",
                  "The checks compute the expected answers from the data, so reading `checks.py` can spoil them: "
                  "try first."]
    else:
        lines += ["", "This chapter has no exercises yet."]
    return "\n".join(lines) + "\n"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = FILE_MODE
    info.create_system = 3  # Unix, whatever the building machine
    return info


def build_handout(chapter: Path, out_dir: Path) -> Path:
    """Write ``out_dir/NN-name.zip`` for the chapter notebook ``chapter``; return its path."""
    name = chapter.stem
    master = ROOT / "exercises" / name / f"{name}.ipynb"
    checks = master.parent / "checks.py"
    has_exercises = master.is_file()
    sources = [chapter]
    entries: dict[str, bytes] = {}
    if has_exercises:
        student = student_path(master)
        text = student_copy_text(master)  # stops on a solution marker outside a solution cell
        if not student.is_file() or student.read_text(encoding="utf-8") != text:
            raise ValueError(f"{student.relative_to(ROOT)} is missing or out of date: run `make students`")
        if not checks.is_file():
            raise ValueError(f"{checks.relative_to(ROOT)} is missing")
        entries[f"{name}/student/{name}.ipynb"] = student.read_bytes()
        entries[f"{name}/checks.py"] = checks.read_bytes()
        sources += [master, checks]
    files, lifetimes = data_files(sources)
    for dataset, file in files:
        entries[f"{name}/datasets/{dataset}/{file}"] = (ROOT / "datasets" / dataset / file).read_bytes()
    for dataset in {d for d, _ in files}:
        entries[f"{name}/datasets/{dataset}/README.md"] = (ROOT / "datasets" / dataset / "README.md").read_bytes()
    html, formulas = export_html(chapter)
    entries[f"{name}/{name}.html"] = html.encode("utf-8")
    title = chapter_title(json.loads(chapter.read_text(encoding="utf-8")))
    entries[f"{name}/README.md"] = readme(name, title, has_exercises, files, lifetimes, formulas).encode("utf-8")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for entry in sorted(entries):
            zf.writestr(_entry(entry), entries[entry], compresslevel=9)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    target.write_bytes(buffer.getvalue())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/handouts.py", description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", action="append", metavar="NN",
                        help="build only this chapter (its two-digit number); repeat for more")
    parser.add_argument("--out", default=str(ROOT / "build" / "handouts"), help="where to write the zips")
    args = parser.parse_args(argv)
    selected = chapters()
    if args.chapter:
        wanted = {c.zfill(2) for c in args.chapter}
        selected = [c for c in selected if c.name[:2] in wanted]
        missing = wanted - {c.name[:2] for c in selected}
        if missing:
            parser.error(f"no chapter notebook notebooks/NN-*.ipynb for {', '.join(sorted(missing))}")
    start, failed = time.perf_counter(), []
    for chapter in selected:  # a chapter that cannot be built does not stop the others
        try:
            path = build_handout(chapter, Path(args.out))
        except ValueError as exc:
            print(f"error: {chapter.name}: {exc}", file=sys.stderr)
            failed.append(chapter.stem)
            continue
        print(f"{path}  {path.stat().st_size / 1e6:.2f} MB")
    print(f"{len(selected) - len(failed)} handouts in {time.perf_counter() - start:.1f} s"
          + (f"; not built: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
