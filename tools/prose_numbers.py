"""Numbers stated in a notebook's prose that none of its outputs show.

Every percentage, amount of money and decimal with two or more significant digits written in a
markdown cell must appear in an output of the same notebook at the precision the prose shows
(an output 0.3648 supports "36.5 %" and "0.36"), or be an input the notebook's code sets, or
be on the notebook's short list of cited published numbers and assumptions
(`tests/prose_allowed.py`). `tests/test_prose_numbers.py` runs this on every chapter and
exercise master; run it by hand to see what a chapter states without showing:

    python tools/prose_numbers.py notebooks/04-customer-lifetime-value.ipynb
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Stated", "stated_numbers", "shown_numbers", "unsupported"]

_MINUS = "\u2212"
# a number as prose writes it: 1,679,959 / 36.5 / 0.36 / .5 is not used by the kit
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"(?<![\w.])[-{_MINUS}]?({_NUM})\s?%")
_MONEY_AFTER = re.compile(rf"(?<![\w.])[-{_MINUS}]?({_NUM})\s?(k|million)?\s?\$")
_MONEY_BEFORE = re.compile(rf"\$\s?[-{_MINUS}]?({_NUM})\s?(k\b|million\b)?")
_DECIMAL = re.compile(rf"(?<![\w.,])(?:[x\u00d7])?[-{_MINUS}]?(\d+\.\d+)(?!\w|\.\d)")
_OUTPUT_NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SCALE = {None: 1.0, "k": 1e3, "million": 1e6}


@dataclass(frozen=True)
class Stated:
    """One number stated in a markdown cell: its text, value, decimals shown and kind."""

    cell: int
    text: str
    value: float
    decimals: int
    kind: str  # "percent", "money" or "decimal"
    scale: float = 1.0

    def supported_by(self, x: float) -> bool:
        """True if the output value x, read at the prose's precision, is this number."""
        half = 0.5 * 10.0 ** -self.decimals * self.scale * (1 + 1e-9) + 1e-12
        target = abs(self.value) * self.scale
        forms = [abs(x)]
        if self.kind == "percent":
            forms.append(abs(x) * 100)  # a fraction shown as a share
        if self.kind == "decimal":
            forms.append(abs(x) / 100)  # a percentage shown as a fraction
        return any(abs(f - target) <= half for f in forms)


def _clean_markdown(text: str) -> str:
    text = re.sub(r"```.*?```", " ", text, flags=re.S)       # code blocks
    text = re.sub(r"`[^`]*`", " ", text)                      # inline code
    text = text.replace("\\\\$", "$")                          # money, escaped for JupyterLab
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)      # display maths
    text = re.sub(r"\$[^$\n]*[\\^_{][^$\n]*\$", " ", text)    # inline maths
    text = re.sub(r"\]\([^)]*\)", "]", text)                  # link targets
    text = re.sub(r"<[^>]+>", " ", text)                      # html tags
    return text


def _value(token: str) -> tuple[float, int]:
    token = token.replace(",", "")
    decimals = len(token.split(".")[1]) if "." in token else 0
    return float(token), decimals


def _significant_digits(token: str) -> int:
    return len(token.replace(",", "").replace(".", "").lstrip("0"))


def stated_numbers(nb: dict) -> list[Stated]:
    """The percentages, money and decimals stated in the notebook's markdown cells, before its references."""
    found: list[Stated] = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        if source.lstrip().startswith("## References"):
            continue
        text = _clean_markdown(source)
        taken: list[tuple[int, int]] = []

        def add(match, kind, scale=1.0, *, cell=i, taken=taken):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                return
            taken.append((start, end))
            value, decimals = _value(match.group(1))
            found.append(Stated(cell, match.group(0).strip(), value, decimals, kind, scale))

        for m in _PERCENT.finditer(text):
            add(m, "percent")
        for pattern in (_MONEY_AFTER, _MONEY_BEFORE):
            for m in pattern.finditer(text):
                add(m, "money", _SCALE[m.group(2).strip() if m.group(2) else None])
        for m in _DECIMAL.finditer(text):
            if _significant_digits(m.group(1)) >= 2:
                add(m, "decimal")
    return found


def _output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    parts = []
    for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
        if mime in data:
            value = data[mime]
            parts.append("".join(value) if isinstance(value, list) else str(value))
    return html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def _code_inputs(source: str) -> str:
    """A code cell's literals (comments removed): the inputs the notebook sets."""
    return "\n".join(line.split("#", 1)[0] for line in source.splitlines())


def shown_numbers(nb: dict, *, include_code: bool = True) -> list[float]:
    """Every number in the notebook's outputs (and, by default, the literals of its code cells)."""
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        texts.extend(_output_text(o) for o in cell.get("outputs", []))
        if include_code:
            texts.append(_code_inputs("".join(cell["source"])))
    values = []
    for text in texts:
        for m in _OUTPUT_NUMBER.finditer(text):
            try:
                x = float(m.group(0).replace(",", ""))
            except ValueError:
                continue
            if math.isfinite(x):
                values.append(x)
    return values


def unsupported(nb: dict, allowed: dict[str, str] | None = None) -> list[Stated]:
    """Stated numbers that no output or code input supports and that the allow-list does not name."""
    allowed = allowed or {}
    allowed_keys = {_key(k) for k in allowed}
    shown = sorted(set(shown_numbers(nb)))
    missing = []
    for stated in stated_numbers(nb):
        if _key(stated.text) in allowed_keys:
            continue
        if not any(stated.supported_by(x) for x in shown):
            missing.append(stated)
    return missing


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text.replace(_MINUS, "-").lstrip("x\u00d7-")).lower()


def main(paths: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from prose_allowed import ALLOWED

    root = Path(__file__).resolve().parent.parent
    bad = 0
    for path in paths:
        p = Path(path).resolve()
        nb = json.loads(p.read_text())
        rel = str(p.relative_to(root))
        for s in unsupported(nb, ALLOWED.get(rel, {})):
            bad += 1
            print(f"{rel} cell {s.cell}: {s.text!r} ({s.kind}) appears in no output")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
