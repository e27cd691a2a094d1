"""Sphinx configuration of the course website (`make site`, built by tools/build_site.py).

The site is built from the committed, tested notebooks: MyST-NB renders their stored outputs and
never executes them. tools/build_site.py stages the sources (chapters, exercise student copies,
data cards, the instructor guide) in build/site-src/ with this file, then runs Sphinx.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "relmkt"
author = "The relmkt team"
copyright = "2026, the relmkt team (code MIT, text CC BY 4.0)"

# githubpages writes the .nojekyll file GitHub Pages needs to serve _static/
extensions = ["myst_nb", "sphinx.ext.githubpages"]
# Never run a notebook: the site shows the outputs that nbval tested.
nb_execution_mode = "off"
# Interactive explorers need a kernel; tools/build_site.py replaces their widget outputs with a note
# and drops the stored widget state, so no page loads widget scripts from a CDN.
nb_render_markdown_format = "myst"
myst_enable_extensions = ["dollarmath", "colon_fence"]
# The chapters write money as "60 $" (Quebec usage): "$ cost 60 $" must stay text, so a dollar
# opens or closes a formula only when it touches it ($x$, $$...$$), never beside a space or digit.
myst_dmath_allow_space = False
myst_dmath_allow_digits = False
# Links between chapters were written for JupyterLab, whose anchors are the heading text with
# spaces turned into hyphens (`00-welcome.ipynb#The-chapter-map`): make the same anchors here.
myst_heading_anchors = 3
myst_heading_slug_func = "site_slug.jupyterlab_slug"

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "relmkt: relationship marketing with data"
html_static_path = ["_static"]
html_css_files = ["relmkt.css"]
html_favicon = "_static/favicon.svg"
# a fixed light theme: pydata-sphinx-theme otherwise logs "invalid theme mode" on a first visit
html_context = {"default_mode": "light"}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
}
# Formulas: MathJax 3's one-file SVG bundle (es5/tex-svg.js) from the django-static-mathjax package,
# copied into _static/mathjax/ by tools/build_site.py: the site loads nothing from the internet (it
# works on a classroom network) and SVG output needs no web font.
mathjax_path = "mathjax/tex-svg.js"
