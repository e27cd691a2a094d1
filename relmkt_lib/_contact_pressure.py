"""Contact pressure as data: response and opt-out rates by number of contacts (private; partner of
:mod:`relmkt_lib.contact`).

:func:`pressure_curve` answers a descriptive question: among customers who received k contacts
(e-mails, calls, letters), what share responded, and what share unsubscribed? It is the first table a
marketer draws to look for irritation, and it is biased by construction: who gets more contacts is not
random. Customers who do not answer are contacted again (so response falls with the number of contacts even
if contacts do no harm), and heavy buyers are on more lists (so response rises with contacts even if
contacts do no good). Only a randomised frequency test, where customers are assigned at random to, say, 2, 4
or 8 e-mails a month, shows what a change of frequency *causes*. The function says so every time: a
``descriptive`` column and a :class:`relmkt_lib.exceptions.DataWarning`.

Zhang, Kumar & Cosguner (2017) estimated such effects on a retailer's e-mail program (profit against e-mails
is an inverted U); :func:`relmkt_lib._contact_sim.simulate_contact_policy` is a teaching model of it. The kit
teaches the rules and methods of contact pressure; it is not legal advice.

References
----------
Zhang, X., Kumar, V. & Cosguner, K. (2017). Dynamically managing a profitable email marketing program.
Journal of Marketing Research 54(6), 851-866.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._checks import bad_rows_error, check_dataframe, require_columns
from ._dates import parse_dates
from .exceptions import DataWarning

__all__ = ["PRESSURE_FREQS", "SELECTION_MESSAGE", "pressure_curve"]

#: The period lengths a contact log can be counted by (``freq``): week, month, quarter, year.
PRESSURE_FREQS = ("W", "M", "Q", "Y")
_PERIOD_CODES = {"W": "W", "M": "M", "Q": "Q", "Y": "Y"}
#: The warning every pressure curve gives.
SELECTION_MESSAGE = (
    "pressure_curve: this curve is descriptive, not causal. Who gets more contacts is not random: customers "
    "who do not answer are contacted again (response then falls with contacts even if contacts do no harm), "
    "and heavy buyers get more mail (response then rises with contacts even if contacts do no good). Only a "
    "randomised frequency test (customers assigned at random to, say, 2, 4 or 8 e-mails a month) shows what a "
    "change of frequency causes: the response, opt-outs and profit each frequency brings to comparable customers."
)


def _binary(df: pd.DataFrame, col: str) -> np.ndarray:
    """``df[col]`` as a bool array, from True/False or 1/0, or the kit's bad-rows error."""
    values = df[col]
    missing = values.isna().to_numpy()
    if missing.any():
        raise bad_rows_error(df, missing, col, "are missing",
                             "Fill them with 1 (yes) or 0 (no), or drop those rows first.")
    bad = ~values.isin([0, 1]).to_numpy()
    if bad.any():
        raise bad_rows_error(df, bad, col, "are not 1/0 or True/False",
                             f"Pass one flag per row, for example df[{col!r}] > 0 for a count.")
    return values.to_numpy() == 1


def _contact_counts(df: pd.DataFrame, col: str) -> np.ndarray:
    """``df[col]`` as whole numbers >= 0, or the kit's bad-rows error."""
    values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64")
    for bad, problem, fix in [
        (np.isnan(values), "are missing or not numbers", "Fill them with the number of contacts (0 if none)."),
        (values < 0, "are negative", "A count of contacts is 0 or more."),
        (values != np.round(values), "are not whole numbers", "Pass counts of contacts, not rates."),
    ]:
        bad = np.asarray(bad, dtype=bool)
        if bad.any():
            raise bad_rows_error(df, bad, col, problem, fix)
    return values.astype(np.int64)


def _per_unit(df: pd.DataFrame, response_col: str, optout_col: str | None, customer_col: str, date_col: str,
              freq: str | None) -> pd.DataFrame:
    """A contact log counted per customer (or customer and period): contacts, responded, opted_out."""
    require_columns(df, [customer_col, response_col, optout_col, date_col if freq else None])
    ids = df[customer_col]
    if ids.isna().any():
        raise bad_rows_error(df, ids.isna().to_numpy(), customer_col, "are missing",
                             "Every contact needs the customer it went to; fill or drop those rows.")
    keys = {"customer": ids.to_numpy()}
    if freq:
        keys["period"] = parse_dates(df, date_col).dt.to_period(_PERIOD_CODES[freq]).to_numpy()
    units = pd.DataFrame({**keys, "responded": _binary(df, response_col),
                          "opted_out": _binary(df, optout_col) if optout_col else False})
    grouped = units.groupby(list(keys), sort=False)
    return pd.DataFrame({"contacts": grouped.size().to_numpy(),
                         "responded": grouped["responded"].any().to_numpy(),
                         "opted_out": grouped["opted_out"].any().to_numpy()})


def pressure_curve(df: pd.DataFrame, *, contacts_col: str | None = None, response_col: str,
                   optout_col: str | None = None, customer_col: str = "customer_id", date_col: str = "date",
                   freq: str | None = None, max_contacts: int | None = None) -> pd.DataFrame:
    """Response (and opt-out) rate by number of contacts: a descriptive curve of contact pressure.

    Two layouts are read:

    - a **contact log** (``contacts_col=None``): one row per contact, with ``customer_col`` and the
      flags ``response_col`` (this contact brought a response) and optionally ``optout_col`` (the
      customer unsubscribed from it). The function counts each customer's contacts over the whole log,
      or per customer and calendar period with ``freq`` (``"W"``, ``"M"``, ``"Q"`` or ``"Y"``, read from
      ``date_col``); the unit is then a customer-period. A unit *responded* (opted out) if any of its
      contacts did.
    - a **customer table** (``contacts_col`` given): one row per customer (or customer-period), with its
      number of contacts in ``contacts_col`` (0 allowed) and 1/0 or True/False flags in ``response_col``
      (responded at least once) and ``optout_col``; ``customer_col`` and ``freq`` are not used.

    The curve always comes with a :class:`~relmkt_lib.exceptions.DataWarning` and a ``descriptive``
    column, because who gets more contacts is not random (see the module docstring): read it as a
    description of who was contacted how often, not as the effect of contacting more. A customer with
    more contacts also has more chances to respond, so the share of customers who responded rises with
    contacts even when each contact sells less.

    Parameters
    ----------
    df : DataFrame
        The contact log or the customer table (not modified).
    contacts_col : str, optional
        Column holding each row's number of contacts (customer table); None for a contact log.
    response_col : str
        Column of 1/0 or True/False response flags.
    optout_col : str, optional
        Column of 1/0 or True/False opt-out (unsubscribe) flags; None = no opt-out columns.
    customer_col : str, default "customer_id"
        Customer id column of a contact log.
    date_col : str, default "date"
        Date of each contact in a contact log, read only with ``freq``.
    freq : {"W", "M", "Q", "Y"}, optional
        Count a log's contacts per customer and calendar period; None = over the whole log.
    max_contacts : int, optional
        Pool every unit with this many contacts or more into one row (``or_more`` is True there).

    Returns
    -------
    DataFrame
        One row per number of contacts: ``contacts``, ``customers`` (units: customers, or
        customer-periods with ``freq``), ``responders``, ``response_rate``, ``se`` (its standard error,
        sqrt(p (1 - p) / n)), with ``optout_col``: ``optouts``, ``optout_rate``, ``optout_se``; then
        ``or_more`` and ``descriptive`` (always True: not a causal effect).

    Raises
    ------
    ValueError
        A missing column, a flag that is not 1/0 or True/False, a missing customer id, a count of
        contacts that is negative or not whole, an unknown ``freq``, ``freq`` with ``contacts_col``, or
        a ``max_contacts`` below 1.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": [1, 2, 2, 3, 3, 3],
    ...                     "responded": [1, 0, 1, 0, 0, 0], "unsubscribed": [0, 0, 0, 0, 0, 1]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     curve = pressure_curve(log, response_col="responded", optout_col="unsubscribed")
    >>> curve[["contacts", "customers", "response_rate", "optout_rate", "descriptive"]]
       contacts  customers  response_rate  optout_rate  descriptive
    0         1          1            1.0          0.0         True
    1         2          1            1.0          0.0         True
    2         3          1            0.0          1.0         True
    """
    check_dataframe(df, "df")
    if max_contacts is not None and (isinstance(max_contacts, (bool, np.bool_))
                                     or not isinstance(max_contacts, (int, np.integer)) or max_contacts < 1):
        raise ValueError(f"max_contacts must be None or a whole number >= 1, got {max_contacts!r}; "
                         "pass for example max_contacts=10 to pool 10 contacts or more")
    if freq is not None and freq not in PRESSURE_FREQS:
        raise ValueError(f"freq must be None (the whole log) or one of {list(PRESSURE_FREQS)}, not {freq!r}")
    if contacts_col is None:
        units = _per_unit(df, response_col, optout_col, customer_col, date_col, freq)
    else:
        if freq is not None:
            raise ValueError("freq counts the contacts of a contact log (contacts_col=None); a table with "
                             f"contacts_col={contacts_col!r} already holds its counts: drop freq")
        require_columns(df, [contacts_col, response_col, optout_col])
        units = pd.DataFrame({"contacts": _contact_counts(df, contacts_col),
                              "responded": _binary(df, response_col),
                              "opted_out": _binary(df, optout_col) if optout_col else False})
    pooled = units["contacts"].to_numpy()
    if max_contacts is not None:
        pooled = np.minimum(pooled, max_contacts)
    grouped = units.assign(contacts=pooled).groupby("contacts", sort=True)
    n = grouped.size()
    curve = pd.DataFrame({"contacts": n.index.to_numpy(dtype=np.int64), "customers": n.to_numpy()})
    flags = [("responded", "responders", "response_rate", "se")]
    if optout_col:
        flags.append(("opted_out", "optouts", "optout_rate", "optout_se"))
    for flag, count, rate, se in flags:
        hits = grouped[flag].sum().to_numpy(dtype=np.int64)
        p = hits / curve["customers"].to_numpy()
        curve[count], curve[rate], curve[se] = hits, p, np.sqrt(p * (1 - p) / curve["customers"].to_numpy())
    curve["or_more"] = (curve["contacts"] == max_contacts) if max_contacts is not None else False
    curve["descriptive"] = True
    warnings.warn(SELECTION_MESSAGE, DataWarning, stacklevel=2)
    return curve
