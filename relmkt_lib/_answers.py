"""Comparing a learner's answer with the expected one: the rules every exercise check applies.

:mod:`relmkt_lib.exercises` re-exports the public names (``Verdict``, ``approx``, ``same_choice``,
``same_frame``, ``KINDS``, ``facts``) and builds its :class:`~relmkt_lib.exercises.Checker` on
the rest. The rules for a number (:func:`number_verdict`): an answer at most half a unit of the
last decimal the notebook shows away from the expected value passes (so the displayed, rounded
value passes); a known wrong answer (a trap) gets its own message; a slip of scale or of kind
(a percentage for a share, a count for a share, ...) gets a hint by the answer's kind; the right
value rounded too much is told how many decimals to keep; a wrong type never raises.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "KINDS", "Verdict", "approx", "same_choice", "same_frame", "Facts", "facts", "NumberQuestion",
    "number_verdict", "as_verdict", "kind_of", "resolve", "ExpectedValueError",
]

#: The kinds of numeric answer, each with the slip of scale it catches: (factor, hint) means that
#: an answer equal to ``factor`` x the expected value gets that hint.
KINDS: dict[str, tuple[float, str] | None] = {
    "number": None,
    "money": None,
    "count": None,
    "share": (100, "That looks like a percentage: give the share between 0 and 1 (divide by 100)."),
    "share_difference": (100, "That looks like percentage points: give the difference of the shares, "
                              "between -1 and 1 (divide by 100)."),
    "change": (100, "That looks like a percentage: give the change as a share (0.05 for +5 %)."),
    "percent": (0.01, "That looks like a share: give it in percent (for example 2.5 for 2.5 %), not as a share."),
    "points": (0.01, "That looks like a difference of shares: give it in percentage points "
                     "(for example 2.5 for 2.5 points)."),
}
_SHARES = {"share", "share_difference"}  # kinds that lie between -1 and 1
_COUNT_FOR_SHARE = "That looks like a count: divide it by the size of its group to get a share."
_OUT_OF_RANGE = "A share lies between 0 and 1: divide a percentage by 100, or a count by the size of its group."
_SHARE_FOR_COUNT = "That looks like a share; the question asks for a number of customers (or of items), not a share."
_FLOAT_SLACK = 1e-9  # relative slack so that a value rounded exactly half a unit away still passes


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison: ``ok`` and an optional extra hint; truthy when ``ok`` is."""

    ok: bool
    hint: str = ""

    def __bool__(self) -> bool:
        return bool(self.ok)



def kind_of(x: Any) -> str:
    """Name the type of ``x`` the way a learner would say it."""
    kinds = [(pd.DataFrame, "a DataFrame"), (pd.Series, "a Series"), ((bool, np.bool_), "True/False"),
             (numbers.Number, "a number"), (str, "a text (str)"), (type(None), "None")]
    return next((name for cls, name in kinds if isinstance(x, cls)), f"a {type(x).__name__}")


def _not_a_number(answer: Any) -> Verdict | None:
    """A "not yet" naming what was expected when ``answer`` is not one real number, else None."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        one = isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1
        extra = " It holds one value: take it out with .item()." * one
        extra += " Remove the quotes." * isinstance(answer, str)
        return Verdict(False, f"Expected a single number, got {kind_of(answer)}.{extra}")
    if math.isnan(float(answer)):
        return Verdict(False, "Your answer is NaN (not a number): look for missing values.")
    return None


def approx(answer: Any, expected: float, *, rel_tol: float = 1e-6, abs_tol: float = 0.0) -> Verdict:
    """Compare a numeric answer with ``expected`` within a tolerance (as ``math.isclose``).

    An answer that is not a single number gives a "not yet" whose hint names what was
    expected, never an error.

    >>> approx(0.6049, 0.6, abs_tol=0.005).ok
    True
    >>> approx(pd.DataFrame({"x": [1]}), 1).hint
    'Expected a single number, got a DataFrame. It holds one value: take it out with .item().'
    """
    wrong_type = _not_a_number(answer)
    if wrong_type is not None:
        return wrong_type
    return Verdict(math.isclose(float(answer), float(expected), rel_tol=rel_tol, abs_tol=abs_tol))


def same_choice(answer: Any, expected: str | Iterable[str], *,
                choices: Iterable[str] | None = None) -> Verdict:
    """Compare a multiple-choice answer with the expected one(s), ignoring case and brackets.

    ``expected`` is one accepted answer or several; ``choices`` (optional) lists the valid
    options, so that an answer outside them gets a hint listing them.

    >>> same_choice(" B) ", "b").ok
    True
    >>> same_choice("d", "b", choices="abc").hint
    "Choose one of 'a', 'b', 'c'."
    """
    options = [str(c) for c in choices] if choices is not None else []
    if not isinstance(answer, str):
        example = repr(options[0]) if options else "'a'"
        return Verdict(False, f"Expected a text answer in quotes, like {example}, got {kind_of(answer)}.")
    accepted = {_norm(e) for e in ([expected] if isinstance(expected, str) else expected)}
    if options and _norm(answer) not in {_norm(o) for o in options}:
        return Verdict(False, "Choose one of " + ", ".join(repr(o) for o in options) + ".")
    return Verdict(_norm(answer) in accepted)


def _norm(text: str) -> str:
    return " ".join(text.strip().strip("()[].:;,!'\" ").lower().split())


def same_frame(answer: Any, expected: pd.DataFrame | pd.Series, *, rel_tol: float = 1e-6) -> Verdict:
    """Compare a DataFrame or Series answer with ``expected``: columns, rows and values.

    Dtypes and names are not compared; numbers are compared within ``rel_tol``.

    >>> want = pd.DataFrame({"n": [1, 2]})
    >>> same_frame(pd.DataFrame({"n": [1.0, 2.0]}), want).ok
    True
    >>> same_frame(pd.DataFrame({"m": [1, 2]}), want).hint
    "Missing column(s) ['n']. Unexpected column(s) ['m']."
    """
    if kind_of(answer) != kind_of(expected):
        return Verdict(False, f"Expected {kind_of(expected)}, got {kind_of(answer)}.")
    if isinstance(expected, pd.DataFrame):
        missing = [c for c in expected.columns if c not in answer.columns]
        extra = [c for c in answer.columns if c not in expected.columns]
        if missing or extra:
            hint = f"Missing column(s) {missing}. " if missing else ""
            return Verdict(False, (hint + (f"Unexpected column(s) {extra}." if extra else "")).strip())
    if len(answer) != len(expected):
        return Verdict(False, f"Expected {len(expected)} rows, got {len(answer)}.")
    frame = isinstance(expected, pd.DataFrame)
    try:
        (pd.testing.assert_frame_equal if frame else pd.testing.assert_series_equal)(
            answer, expected, check_dtype=False, check_exact=False, rtol=rel_tol, check_names=False,
            check_index_type=False)
    except (AssertionError, TypeError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or ["the values differ"])[0]
        return Verdict(False, f"Not the same table: {first}.")
    return Verdict(True)


def as_verdict(outcome: Any) -> Verdict:
    """Turn what a check function returns (bool, Verdict or ``(ok, extra_hint)``) into a Verdict."""
    if isinstance(outcome, tuple) and len(outcome) == 2:
        return Verdict(bool(outcome[0]), str(outcome[1] or ""))
    return outcome if isinstance(outcome, Verdict) else Verdict(bool(outcome))


# --- facts computed once, when a question first needs them ----------------------------------------


class _Fact:
    """A lazy reference to one value of a :class:`Facts` table (call it to get the value)."""

    def __init__(self, table: Facts, key: str) -> None:
        self._table, self._key = table, key

    def __call__(self) -> Any:
        return self._table()[self._key]

    def __repr__(self) -> str:
        return f"<fact {self._key!r} of {self._table.__name__}>"


class Facts:
    """A function that computes named facts, run once when first needed: ``table["key"]`` is lazy.

    Use it as a decorator (:func:`facts`). Calling the table returns its dict (computed on the
    first call, cached after); ``table["key"]`` returns a zero-argument callable that reads one
    value, which :meth:`Checker.number` and :meth:`Checker.choice` accept wherever a value goes.

    >>> @facts
    ... def table():
    ...     return {"n": 2 + 2}
    >>> table["n"]
    <fact 'n' of table>
    >>> table["n"]()
    4
    """

    def __init__(self, compute: Callable[[], Mapping[str, Any]]) -> None:
        self._compute, self._values = compute, None
        self.__name__ = getattr(compute, "__name__", "facts")
        self.__doc__ = compute.__doc__

    def __call__(self) -> Mapping[str, Any]:
        if self._values is None:
            self._values = self._compute()
        return self._values

    def __getitem__(self, key: str) -> Callable[[], Any]:
        return _Fact(self, key)


def facts(compute: Callable[[], Mapping[str, Any]]) -> Facts:
    """Decorate a function that returns a dict of facts: it runs once, when a check first needs it."""
    return Facts(compute)


class ExpectedValueError(Exception):
    """Computing an expected value failed: the data or the checks are wrong, not the learner."""


def resolve(value: Any) -> Any:
    """``value()`` if it is a zero-argument callable (a lazy value), else ``value``."""
    if not callable(value):
        return value
    try:
        return value()
    except Exception as exc:
        raise ExpectedValueError(f"{type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class NumberQuestion:
    """A declared numeric question: its expected value (or a callable), precision, kind and traps."""

    expected: Any
    shown_decimals: int
    kind: str
    traps: tuple[tuple[Any, Any], ...]


def _within(answer: float, target: float, decimals: int) -> bool:
    """True when ``answer`` is at most half a unit of the ``decimals``-th decimal from ``target``."""
    return abs(answer - target) <= 0.5 * 10.0**-decimals + _FLOAT_SLACK * max(1.0, abs(target))


def _scale_hint(x: float, expected: float, spec: NumberQuestion) -> str:
    """The hint for a slip of scale or of kind (a percentage for a share, a count for a share, ...)."""
    scale = KINDS[spec.kind]
    if scale and _within(x / scale[0], expected, spec.shown_decimals):
        return scale[1]
    is_integer = float(x).is_integer()
    if spec.kind in _SHARES and abs(x) > 1:
        return _COUNT_FOR_SHARE if is_integer and abs(x) > 100 else _OUT_OF_RANGE
    if spec.kind == "count" and 0 < abs(x) < 1:
        return _SHARE_FOR_COUNT
    d = spec.shown_decimals
    # the right value, rounded to fewer decimals than the notebook shows (0 is a guess, not a rounding)
    for k in range(max(0, d - 2), d) if x != 0 else ():
        if abs(x - round(x, k)) < _FLOAT_SLACK and _within(x, expected, k):
            return f"Almost: round less, keep {d} decimal{'s' * (d > 1)}."
    return ""


def number_verdict(answer: Any, spec: NumberQuestion) -> Verdict:
    """Judge a numeric answer: its type, then the expected value, the traps, the slips of scale, the rounding."""
    wrong_type = _not_a_number(answer)
    if wrong_type is not None:
        return wrong_type
    x, expected = float(answer), float(resolve(spec.expected))
    if _within(x, expected, spec.shown_decimals):
        return Verdict(True)
    for value, message in spec.traps:
        if _within(x, float(resolve(value)), spec.shown_decimals):
            return Verdict(False, str(resolve(message)))
    return Verdict(False, _scale_hint(x, expected, spec))
