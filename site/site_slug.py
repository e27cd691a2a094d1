"""Heading anchors as JupyterLab makes them, so links written for JupyterLab work on the site."""


def jupyterlab_slug(text: str) -> str:
    """``"The chapter map"`` -> ``"The-chapter-map"`` (JupyterLab keeps case and punctuation)."""
    return text.strip().replace(" ", "-")
