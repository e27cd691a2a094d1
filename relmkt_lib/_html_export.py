"""A notebook as one self-contained HTML page (nbconvert's lab template, nothing from the internet).

Shared by the handouts (``tools/handouts.py``) and the ``relmkt report`` / ``relmkt churn``
commands. Images are embedded (``data:`` URIs); require.js, the widget manager and mermaid are
left out (a live widget becomes a short note, since its static rendering needs scripts from the
internet); MathJax is loaded only when a markdown cell holds TeX math. nbconvert and jinja2 are
imported inside :func:`notebook_html`, so importing this module stays light.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FORMULA", "TEMPLATE", "WIDGET", "WIDGET_NOTE", "has_formulas", "notebook_html", "notebook_title"]

#: Display formulas, TeX-style inline math ($x$, no space inside the dollars) or \( \), outside code spans.
FORMULA = re.compile(r"\$\$.+?\$\$|(?<![\\$\w])\$(?=\S)[^$\n]*?(?<=\S)\$(?!\d)|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("<p><em>An interactive control was here: open the chapter in JupyterLab "
               "(from the kit) to use it.</em></p>")

#: The lab template without its scripts from the internet: require.js (only for widgets, which
#: are replaced), mermaid (no diagrams) and MathJax unless the notebook has formulas.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.relmkt_formulas -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
"""
_TEMPLATE_NAME = "relmkt_page.html.j2"


def _source(cell: Any) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def has_formulas(nb: Any) -> bool:
    """True when a markdown cell holds TeX math (prices like "60 $ ... 80 $" are not formulas).

    >>> has_formulas({"cells": [{"cell_type": "markdown", "source": "It cost 60 $ and 80 $."}]})
    False
    >>> has_formulas({"cells": [{"cell_type": "markdown", "source": "$$V = \\\\sum_t R$$"}]})
    True
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and FORMULA.search(re.sub(r"`[^`\n]*`", "", _source(cell))):
            return True
    return False


def notebook_title(nb: Any) -> str:
    """The notebook's first ``# `` heading, without the # marks; ValueError when it has none.

    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": "# Your customers\\nText"}]})
    'Your customers'
    """
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the notebook has no '# ' title")


def notebook_html(nb: Any, *, title: str, show_code: bool = True) -> tuple[str, bool]:
    """One self-contained HTML page for ``nb`` (an nbformat NotebookNode, modified: pass a copy).

    Parameters
    ----------
    nb : NotebookNode
        The notebook, with its outputs. Live widget outputs are replaced by a note; without formulas,
        money escaped ``\\\\$`` for JupyterLab's MathJax shows as a plain "$".
    title : str
        The page's ``<title>``.
    show_code : bool, default True
        Keep the code cells' input; False shows only the prose and the outputs.

    Returns
    -------
    (str, bool)
        The page, and whether it loads MathJax (the only script it can fetch from the internet).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello")])
    >>> html, formulas = notebook_html(nb, title="Hello")
    >>> "<title>Hello</title>" in html, formulas, "require.js" in html
    (True, False, False)
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET in data:  # a live widget: its static rendering needs scripts from the internet
                data.pop(WIDGET)
                data.pop("text/plain", None)
                data["text/html"] = WIDGET_NOTE
    formulas = has_formulas(nb)
    if not formulas:
        # Money is written `\\$` for JupyterLab's MathJax (tests/test_notebooks.py); without MathJax,
        # markdown's own escape `\$` shows a plain "$".
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = cell.source.replace("\\\\$", "\\$")
    exporter = HTMLExporter(extra_loaders=[DictLoader({_TEMPLATE_NAME: TEMPLATE})], template_file=_TEMPLATE_NAME,
                            embed_images=True, exclude_input=not show_code,
                            exclude_input_prompt=not show_code, exclude_output_prompt=not show_code)
    resources = {"metadata": {"name": title}, "relmkt_formulas": formulas}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body, formulas
