"""One vocabulary in every public signature (the glossary in CONTRIBUTING.md).

- Everything after a function's data argument(s) is keyword-only: every parameter with a default,
  and every option named like a column, a date bound, a time unit, a horizon, ``rng`` or ``ax``.
- Banned aliases: a word the glossary replaced never comes back in a public signature.
- Plots take ``ax=None`` and return an Axes (the figure-level ``plot_scorecards`` takes ``fig``).
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import relmkt_lib

MODULES = [m for m in relmkt_lib.__all__ if m != "__version__"]

#: Parameters that are always options, hence keyword-only, even without a default.
ALWAYS_KEYWORD = re.compile(r"^(.*_col|observation_end|calibration_end|window_start|window_end|time_unit|freq|"
                            r"horizon|rng|ax|fig)$")

#: Glossary word -> the words it replaced (never to appear as a public parameter name).
BANNED = {
    "observation_end": {"as_of", "end", "end_date", "cutoff_date"},
    "window_start / window_end": {"start", "start_date"},
    "discount_rate (per period) or annual_discount_rate": {"discount", "d", "rate"},
    "se": {"std_error", "stderr", "std_err"},
    "time_unit": {"freq_multiplier", "days_per_period", "unit"},
    "customer_col / date_col / amount_col": {"customer", "id_col", "cust_col", "customer_id_col", "date_column",
                                             "amount_column", "value_col_name"},
    "gamma (Gamma-Gamma scale)": {"v", "spend_v", "scale"},
    "rng": {"seed", "random_state"},
}
BANNED_NAMES = {word: use for use, words in BANNED.items() for word in words}


def _public_callables():
    seen = set()
    for mod_name in MODULES:
        module = importlib.import_module(f"relmkt_lib.{mod_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                if issubclass(obj, BaseException):
                    continue
                members = [(f"{name}.__init__", obj.__init__)] + [
                    (f"{name}.{m}", f) for m, f in vars(obj).items()
                    if not m.startswith("_") and inspect.isfunction(f)]
            elif inspect.isfunction(obj):
                members = [(name, obj)]
            else:
                continue
            for qual, fn in members:
                key = (fn.__module__, fn.__qualname__)
                if key in seen or not fn.__module__.startswith("relmkt_lib"):
                    continue
                seen.add(key)
                yield f"{mod_name}.{qual}", fn


CALLABLES = list(_public_callables())


@pytest.mark.parametrize("qual,fn", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_options_are_keyword_only(qual, fn):
    cls = getattr(inspect.getmodule(fn), qual.split(".")[1], None) if ".__init__" in qual else None
    if cls is not None and hasattr(cls, "__dataclass_fields__"):
        pytest.skip("a frozen dataclass of parameters: fields are its data")
    positional = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("self", "cls")]
    wrong = [p.name for p in positional if p.default is not p.empty or ALWAYS_KEYWORD.match(p.name)]
    assert not wrong, f"{qual}: make {wrong} keyword-only (put them after *)"


@pytest.mark.parametrize("qual,fn", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_no_banned_alias(qual, fn):
    names = set(inspect.signature(fn).parameters)
    bad = {n: BANNED_NAMES[n] for n in names & set(BANNED_NAMES)}
    assert not bad, f"{qual}: use the glossary's words: " + ", ".join(f"{n!r} -> {u}" for n, u in bad.items())


COLUMN_DEFAULTS = {"customer_col": "customer_id", "date_col": "date"}


@pytest.mark.parametrize("qual,fn", CALLABLES, ids=[q for q, _ in CALLABLES])
def test_column_defaults_are_the_same_everywhere(qual, fn):
    params = inspect.signature(fn).parameters
    for name, default in COLUMN_DEFAULTS.items():
        if name in params and params[name].default is not params[name].empty:
            assert params[name].default == default, (
                f"{qual}: {name} defaults to {params[name].default!r}, not {default!r}")
    if "amount_col" in params:
        assert params["amount_col"].default in ("amount", None, inspect.Parameter.empty), (
            f"{qual}: amount_col defaults to 'amount' (required amounts) or None (optional amounts)")


PLOTS = [(q, f) for q, f in CALLABLES if q.startswith("plotting.plot_")]


@pytest.mark.parametrize("qual,fn", PLOTS, ids=[q for q, _ in PLOTS])
def test_plots_take_ax_or_fig(qual, fn):
    params = inspect.signature(fn).parameters
    if qual == "plotting.plot_scorecards":  # the one figure-level plot
        assert "fig" in params and params["fig"].default is None and "ax" not in params
        return
    assert "ax" in params and params["ax"].default is None, f"{qual}: every plot takes ax=None"
    assert "Axes" in str(inspect.signature(fn).return_annotation), f"{qual}: a plot returns its Axes"


def test_the_vocabulary_is_checked_on_enough_functions():
    """Guards against the collection above silently finding nothing."""
    assert len(CALLABLES) > 150 and len(PLOTS) > 25
