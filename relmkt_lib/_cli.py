"""The ``relmkt`` command: ``relmkt report`` (a transaction log) and ``relmkt churn`` (a customer table).

Each command reads the CSV and checks it here first (so that common mistakes are reported at once,
in the library's words), then executes its template notebook (``relmkt_lib/templates/``) with the
options as parameters, and writes ``report.ipynb``, ``report.html`` and ``customers.csv`` in ``--out``.
Exit codes: 0 done, 1 bad input (a short message; ``--debug`` adds the traceback), 2 usage.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import relmkt_lib

__all__ = ["main", "build_parser"]

#: Library keywords a message may advise, and the command-line option that sets them.
FLAGS = {"dayfirst=True": "--dayfirst", "dayfirst=False": "--monthfirst", "date_format": "--date-format",
         "observation_end": "--observation-end", "encoding=": "--encoding", "sep=": "--sep",
         "positive=": "--positive", "customer_col": "--customer-col", "amount_col": "--amount-col",
         "cv=": "--cv"}
#: Library options the commands do not offer (they never drop or change rows): what to do instead.
PYTHON_ONLY = {
    "duplicates='drop'": "the command keeps repeated rows (same-day purchases are merged anyway); to remove them, "
                         "delete them in the file, or use Python: validate_transactions(..., duplicates='drop')",
    "drop_missing_ids": "the command does not drop rows: remove them in the file, or use Python: "
                        "validate_transactions(..., drop_missing_ids=True)",
    "drop_returns": "the command does not drop rows: remove the returns in the file, or use Python: "
                    "validate_transactions(..., drop_returns=True)",
    "normalize_ids": "the command does not change ids: correct them in the file, or use Python: "
                     "validate_transactions(..., normalize_ids=True)",
    "use decimal points, not commas": "the file's numbers are read as written (a decimal comma like 12,50 is "
                                      "detected, or pass --decimal ,): correct or remove the values named above "
                                      "in the file (write 0 for a free item, or delete the row)",
}
#: "row 11" in a message about the file read with a plain row index: row N is line N + 2 (after the header).
_ROW = re.compile(r"\b(rows?) (\d+)\b(?! \(line)")


class BadInput(Exception):
    """A problem with the user's file or options, reported in one message (exit code 1)."""


def _common(sub: argparse.ArgumentParser, default_out: str) -> None:
    files = sub.add_argument_group("reading the file")
    files.add_argument("--sep", help="column separator (default: detected among ',', ';' and tab)")
    files.add_argument("--decimal", choices=[".", ","], metavar="MARK", help="decimal mark, '.' or ',' (default: "
                       "a decimal comma is detected in ';' or tab files)")
    files.add_argument("--encoding", help="the file's encoding (default UTF-8; e.g. cp1252 for an Excel export)")
    out = sub.add_argument_group("output")
    out.add_argument("--out", default=default_out, metavar="DIR",
                     help=f"folder for report.ipynb, report.html and customers.csv (default: ./{default_out})")
    out.add_argument("--show-code", action="store_true", help="keep the code in report.html (hidden by default)")
    out.add_argument("--rng", type=int, default=42, metavar="SEED", help="random seed (default 42)")
    out.add_argument("--timeout", type=int, default=1800, metavar="SECONDS",
                     help="stop a step that runs longer than this (default 1800)")
    # also accepted after the command; SUPPRESS keeps the value given before it
    sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show the full traceback of an error")
    sub.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS,
                     help="print only errors and the output files")


def build_parser() -> argparse.ArgumentParser:
    """The ``relmkt`` argument parser (its subcommands: report, churn)."""
    parser = argparse.ArgumentParser(
        prog="relmkt", description="Your customer data to a report, with the methods of the relmkt kit.",
        epilog="Run 'relmkt report --help' or 'relmkt churn --help' for each command's options.")
    parser.add_argument("--version", action="version", version=f"relmkt {relmkt_lib.__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    parser.add_argument("--quiet", action="store_true", help="print only errors and the output files")
    subs = parser.add_subparsers(dest="command", metavar="{report,churn}", required=True)

    report = subs.add_parser(
        "report", help="a customer-base report from a transaction log (one row per purchase)",
        description="A customer-base report from a transaction log: the log checked, the base at a glance, "
                    "cohorts and retention, RFM segments with actions, a BTYD model chosen on a holdout, "
                    "P(alive), expected purchases and 12-month CLV per customer with intervals, and the "
                    "valuable customers most at risk.",
        epilog="Example: relmkt report sales.csv --customer-col client --date-col date --amount-col total "
               "--dayfirst")
    report.add_argument("transactions", metavar="TRANSACTIONS.csv", help="the transaction log, one row per purchase")
    cols = report.add_argument_group("columns and dates")
    cols.add_argument("--customer-col", default="customer_id", metavar="C",
                      help="customer id column (default customer_id); its values are read as text")
    cols.add_argument("--date-col", default="date", metavar="D", help="purchase date column (default date)")
    cols.add_argument("--amount-col", metavar="A",
                      help="amount column (default: 'amount' if the file has it, else no amounts)")
    dates = cols.add_mutually_exclusive_group()
    dates.add_argument("--date-format", metavar="F", help="strftime format of the dates, e.g. %%d/%%m/%%Y")
    dates.add_argument("--dayfirst", action="store_const", const=True, dest="dayfirst",
                       help="dates are day/month/year (Quebec's JJ/MM/AAAA)")
    dates.add_argument("--monthfirst", action="store_const", const=False, dest="dayfirst",
                       help="dates are month/day/year")
    cols.add_argument("--observation-end", metavar="DAY",
                      help="last observed day, inclusive, e.g. 2024-12-31: later rows are left out and counted "
                           "(default: the last day in the data)")
    report.add_argument("--draws", type=int, default=100, metavar="N",
                        help="bootstrap draws for the CLV intervals (default 100)")
    _common(report, "relmkt-report")

    churn = subs.add_parser(
        "churn", help="a churn model's report from a customer table (one row per customer)",
        description="The chapter 09 churn pipeline on a customer table as exported (ids, a Yes/No target, "
                    "numbers as text with blanks): cross-validated scores, gains table, calibration, what "
                    "drives risk, and a scored customer list.",
        epilog="Example: relmkt churn subscribers.csv --target churned --id-col customer_id")
    churn.add_argument("customers", metavar="CUSTOMERS.csv", help="the customer table, one row per customer")
    model = churn.add_argument_group("model")
    model.add_argument("--target", required=True, metavar="T", help="the outcome column (e.g. churned: Yes/No)")
    model.add_argument("--id-col", metavar="I", help="the customer id column (default: detected); read as text")
    model.add_argument("--positive", metavar="VALUE",
                       help="the target value that is the event (default: Yes, True, 1, churned... detected)")
    model.add_argument("--model", default="logistic", choices=["logistic", "gradient_boosting"],
                       help="the classifier (default logistic)")
    model.add_argument("--cv", type=int, default=5, metavar="K", help="cross-validation folds (default 5)")
    _common(churn, "relmkt-churn")
    return parser


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


def _line(row: Any) -> str:
    """Row label (0 = the first line after the header) as "row 11 (line 13)"."""
    return f"row {row} (line {int(row) + 2})" if isinstance(row, int) else f"row {row!r}"


def _cli_hints(message: str, command: str = "report") -> str:
    """The library's message for the command line: each keyword it advises as the option that sets it (or
    what to do instead), and each row of the file with its line number."""
    message = _ROW.sub(lambda m: f"{m.group(1)} {m.group(2)} (line {int(m.group(2)) + 2})", message)
    flags = {**FLAGS, "customer_col": "--id-col"} if command == "churn" else FLAGS
    hints = [f"{flag} for {word.rstrip('=')}" for word, flag in flags.items() if word in message]
    if hints:
        message += f"\n  On the command line: {', '.join(dict.fromkeys(hints))}."
    for word, instead in PYTHON_ONLY.items():
        if word in message:
            message += f"\n  On the command line, {instead}."
    return message


def _read(path: str, args: argparse.Namespace, id_col: str | None) -> Any:
    from .data import read_table

    df = read_table(path, sep=args.sep, decimal=args.decimal, encoding=args.encoding,
                    dtype={id_col: str} if id_col else None)
    if df.empty:
        raise BadInput(f"file {path!r} has a header line ({', '.join(map(str, df.columns))}) but no data rows; "
                       "export the table again, one line per row after the header")
    info = df.attrs["read_table"]
    comma = f", decimal comma in {info['comma_columns']}" if info["comma_columns"] else ""
    _say(args, f"Read {path}: {len(df):,} rows, {df.shape[1]} columns (separator {info['sep']!r}, "
               f"encoding {info['encoding']}{comma})")
    return df


def _missing_column(df: Any, col: str, flag: str) -> None:
    if col not in df.columns:
        close = [c for c in map(str, df.columns) if c.lower() == col.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise BadInput(f"column {col!r} is not in the file{hint}; its columns are {list(map(str, df.columns))}. "
                       f"Pass {flag} NAME.")


def _check_report(args: argparse.Namespace) -> dict[str, Any]:
    """Read and validate the log here (fast, same messages as the notebook); the template's parameters."""
    from .data import validate_transactions

    df = _read(args.transactions, args, args.customer_col)
    _missing_column(df, args.customer_col, "--customer-col")
    _missing_column(df, args.date_col, "--date-col")
    amount = args.amount_col
    if amount is None and "amount" in df.columns:
        amount = "amount"
        _say(args, "Amounts: column 'amount' (pass --amount-col to choose another)")
    elif amount is None:
        _say(args, "Amounts: none (no column 'amount'; pass --amount-col to give one): no spend or CLV in money")
    else:
        _missing_column(df, amount, "--amount-col")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clean, report = validate_transactions(df, customer_col=args.customer_col, date_col=args.date_col,
                                          amount_col=amount, date_format=args.date_format,
                                          dayfirst=args.dayfirst, return_report=True)
    _say_order(args, df[args.date_col])
    if args.observation_end is not None:  # the command's --observation-end cuts the log there (as the template)
        import pandas as pd

        from ._dates import parse_day

        cut = parse_day(args.observation_end, "--observation-end", dayfirst=args.dayfirst).normalize() \
            + pd.Timedelta(days=1)
        later = int((clean[args.date_col] >= cut).sum())
        if later == len(clean):
            raise BadInput(f"--observation-end {args.observation_end}: every purchase of the file is after it; "
                           "give a later day")
        clean = clean[clean[args.date_col] < cut]
        if later:
            _say(args, f"--observation-end {args.observation_end}: {later:,} row(s) after it left out")
    refusal = _far_dates(df, clean, args.date_col) if args.observation_end is None else None
    for w in caught:
        far = "far after the other dates" in str(w.message)
        if not far or (refusal is None and args.observation_end is None):
            _say(args, f"  note: {_cli_hints(str(w.message))}")
    if refusal is not None:
        raise BadInput(refusal)
    _say(args, f"Checked the log: {len(clean):,} of {report.rows_in:,} rows kept")
    if args.draws < 1:
        raise BadInput(f"--draws must be at least 1, got {args.draws}")
    return {"customer_col": args.customer_col, "date_col": args.date_col, "amount_col": amount,
            "date_format": args.date_format, "dayfirst": args.dayfirst, "observation_end": args.observation_end,
            "n_draws": args.draws}


def _say_order(args: argparse.Namespace, dates: Any) -> None:
    """Say which day/month order was read when the dates themselves settled it (no --dayfirst, --monthfirst)."""
    from ._dates import settled_order

    if args.dayfirst is not None or args.date_format is not None:
        return
    settled = settled_order(dates)
    if settled is not None:
        dayfirst, row, text = settled
        order, other = ("day/month/year", "--monthfirst") if dayfirst else ("month/day/year", "--dayfirst")
        _say(args, f"Dates read as {order}: {text!r} on line {int(row) + 2} settles it; pass {other} if that is wrong")


def _far_dates(raw: Any, clean: Any, date_col: str) -> str | None:
    """The error for dates far after the others (a 2099 typo), or None. On the command line it is an error,
    not a note (as in the library): recency, T and every forecast would be measured to it."""
    import numpy as np
    import pandas as pd

    from ._checks import plain
    from ._data_checks import outlying_days

    days = clean[date_col].to_numpy().astype("datetime64[D]").astype(np.int64)
    late, _ = outlying_days(days)
    if not late.any() or late.all():
        return None
    first = int(np.flatnonzero(late)[0])
    row = clean.index[first]
    value = raw.loc[row, date_col] if row in raw.index else clean[date_col].iloc[first]
    value = value if isinstance(value, str) else str(pd.Timestamp(value).date())
    last = pd.Timestamp(np.datetime64(int(days[~late].max()), "D")).date()
    return (f"column {date_col!r}: {int(late.sum())} row(s) lie far after the other dates, which end on {last}; "
            f"the first is {_line(plain(row))}, {value!r} (read as {pd.Timestamp(clean[date_col].iloc[first]).date()})."
            " A typo? Recency, T and every forecast would be measured to it. Correct the row in the file (or delete "
            "it), or pass --observation-end DAY to analyse the log up to DAY (later rows are left out)")


def _check_churn(args: argparse.Namespace) -> dict[str, Any]:
    """Read the table and check its target here; the template's parameters."""
    from ._churn_model import _encode_target, _plan_columns

    df = _read(args.customers, args, args.id_col)
    _missing_column(df, args.target, "--target")
    if args.id_col is not None:
        _missing_column(df, args.id_col, "--id-col")
    y, positive = _encode_target(df, args.target, args.positive)
    _say(args, f"Target: {args.target!r}, event {positive!r}" + ("" if args.positive else
                                                                   " (detected; pass --positive to choose)"))
    # the template's rule: the given id, else "customer_id" if the table has it, else detected
    id_col = args.id_col or ("customer_id" if "customer_id" in df.columns else None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, roles = _plan_columns(df, args.target, id_col, y)
    ids = [str(c) for c in roles.index[roles["role"] == "id"]]
    for w in caught:
        _say(args, f"  note: {_cli_hints(str(w.message), 'churn')}")
    if args.id_col is not None:
        _say(args, f"Id column: {args.id_col!r} (given)")
    elif ids:
        _say(args, f"Id column: {ids[0]!r} (detected; pass --id-col to choose)"
             + (f"; also left out as identifiers: {ids[1:]}" if len(ids) > 1 else ""))
    else:
        _say(args, "No id column found: rows are numbered; pass --id-col")
    if args.cv < 2:
        raise BadInput(f"--cv must be at least 2 folds, got {args.cv}")
    return {"target": args.target, "id_col": args.id_col, "positive": args.positive, "model": args.model,
            "cv": args.cv}


def _run(args: argparse.Namespace) -> int:
    from ._run_template import run_template, save_outputs

    out = Path(args.out).resolve()
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {args.out} is a file; pass a folder")
    if args.command == "report":
        params = {"transactions_path": str(Path(args.transactions).resolve()), **_check_report(args)}
    else:
        params = {"customers_path": str(Path(args.customers).resolve()), **_check_churn(args)}
    params.update(sep=args.sep, decimal=args.decimal, out_dir=str(out), rng=args.rng)
    if args.encoding is not None:
        params["encoding"] = args.encoding
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = run_template(args.command, params, cwd=out, cell_timeout=args.timeout,
                          progress=None if args.quiet else sys.stderr)
    ipynb, html = save_outputs(result.notebook, out, show_code=args.show_code)
    _say(args, f"Done in {time.perf_counter() - start:.1f} s.")
    for path in (html, ipynb, out / "customers.csv"):
        print(path if path.exists() else f"(missing: {path})")
    _say(args, f"Open {html.name} in a web browser, or continue in JupyterLab: jupyter lab {ipynb}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``relmkt`` command; return its exit code (0 done, 1 bad input, 2 usage)."""
    from ._run_template import TemplateError

    args = build_parser().parse_args(argv)  # exits 2 on a usage error
    try:
        return _run(args)
    except TemplateError as exc:
        if args.debug and exc.traceback:
            print(exc.traceback, file=sys.stderr)
        where = f" in the step '{exc.step}'" if exc.step else ""
        bad = exc.ename in ("ValueError", "TypeError", "KeyError", "FileNotFoundError")
        text = _cli_hints(exc.evalue, args.command) if bad else str(exc)
        print(f"error{where}: {text}", file=sys.stderr)
        if not bad and not args.debug:
            print("  This looks like a problem in relmkt itself: run again with --debug and report the traceback.",
                  file=sys.stderr)
        if args.debug and exc.notebook is not None:
            import nbformat

            failed = Path(args.out).resolve() / "report-failed.ipynb"
            nbformat.write(exc.notebook, failed)
            print(f"  The notebook as far as it ran: {failed}", file=sys.stderr)
        return 1
    except (BadInput, ValueError, TypeError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {_cli_hints(str(exc), args.command)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
