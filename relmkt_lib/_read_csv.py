"""How ``data.read_table`` reads an exported CSV: encoding, separator and decimal comma (partner of data)."""

from __future__ import annotations

import codecs
import re

import numpy as np
import pandas as pd

__all__ = ["COMMA_SHARE", "COMMA_SHARE_GIVEN", "SAMPLE_BYTES", "SEPARATORS", "comma_decimal_columns",
           "detect_encoding", "sniff_separator"]

#: Bytes read from the top of the file to sniff its encoding and separator.
SAMPLE_BYTES = 64 * 1024
#: Lines of that sample used to choose the separator.
SAMPLE_LINES = 30
#: The separators sniffed, in the order preferred when several fit equally well.
SEPARATORS = (";", "\t", ",")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
#: A number written with a decimal comma: "12,50", "-3,2", "1 234,50", "1.234,50" (spaces or points
#: between thousands), or a whole number ("12") in the same column.
_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:[ .\u00a0\u202f]\d{3})+|\d+)(?:,\d+)?")
_THOUSANDS = re.compile(r"[ .\u00a0\u202f]")
#: Share of a text column's non-blank values that must read as decimal-comma numbers for it to be
#: converted when the decimal mark is detected, and when ``decimal=","`` is given.
COMMA_SHARE = 0.9
COMMA_SHARE_GIVEN = 0.5


def detect_encoding(sample: bytes) -> str:
    """The encoding a byte-order mark announces, else "utf-8" (the file is then read as UTF-8)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def sniff_separator(text: str) -> str:
    """The separator (";", tab or ",") that splits the first lines of ``text`` into the same number of fields.

    Text between double quotes is ignored. Among the separators found the same number of times on
    every line, the most frequent wins (ties: ";", then tab, then ","); when none is regular, the one
    most frequent on the header line; "," when none is found.

    >>> sniff_separator("id;amount\\n1;12,50\\n2;8,00\\n")
    ';'
    >>> sniff_separator('id,name\\n1,"Roy; Anne"\\n2,Tremblay\\n')
    ','
    """
    lines = [_QUOTED.sub("", line) for line in text.splitlines()[:SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","
    counts = {sep: [line.count(sep) for line in lines] for sep in SEPARATORS}
    regular = [sep for sep in SEPARATORS if counts[sep][0] > 0 and len(set(counts[sep])) == 1]
    if regular:
        return max(regular, key=lambda sep: (counts[sep][0], -SEPARATORS.index(sep)))
    best = max(SEPARATORS, key=lambda sep: (counts[sep][0], -SEPARATORS.index(sep)))
    return best if counts[best][0] > 0 else ","


def comma_decimal_columns(df: pd.DataFrame, skip: set, *, given: bool = False) -> dict[str, pd.Series]:
    """The text columns of ``df`` that hold numbers written with a decimal comma, those numbers converted.

    A column qualifies when at least :data:`COMMA_SHARE` of its non-blank values match (``"12,50"``,
    ``"1 234,50"``, ``"7"``; :data:`COMMA_SHARE_GIVEN` when the caller said ``decimal=","``) and at
    least one holds a comma. Matching values become floats, blank strings NaN; the few values that do
    not match (``"gratuit"``, ``"12,50 €"``) are kept as they are, so that the data checks name them
    (row and value) rather than the whole column. Columns in ``skip`` are left as they are.

    >>> df = pd.DataFrame({"amount": ["12,50", "3", "gratuit"] + ["1,5"] * 27, "code": ["A1,2"] * 30})
    >>> out = comma_decimal_columns(df, set())
    >>> list(out), out["amount"].tolist()[:4]
    (['amount'], [12.5, 3.0, 'gratuit', 1.5])
    """
    out: dict[str, pd.Series] = {}
    need = COMMA_SHARE_GIVEN if given else COMMA_SHARE
    for name in df.columns:
        col = df[name]
        if name in skip or not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
            continue
        text = col.dropna()
        if not all(isinstance(v, str) for v in text):
            continue
        text = text.str.strip()
        text = text[text != ""]
        if text.empty or not text.str.contains(",", regex=False).any():
            continue
        fits = text.str.fullmatch(_COMMA_NUMBER.pattern)
        if fits.mean() < need:
            continue
        stripped = col.map(lambda v: v.strip() if isinstance(v, str) else v)
        number = stripped.map(lambda v: isinstance(v, str) and _COMMA_NUMBER.fullmatch(v) is not None)
        values = pd.to_numeric(stripped[number].map(lambda v: _THOUSANDS.sub("", v).replace(",", ".")),
                               errors="coerce").astype("float64")
        others = stripped.map(lambda v: isinstance(v, str) and v != "") & ~number
        if not others.any():
            converted = pd.Series(np.nan, index=col.index, dtype="float64")
            converted[number] = values
        else:  # keep the values that are not numbers, as text, for the checks to name
            converted = stripped.astype(object).where(~stripped.eq(""), np.nan)
            converted[number] = values.astype(object)
        out[name] = converted
    return out
