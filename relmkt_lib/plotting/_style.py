"""The kit's matplotlib style, applied explicitly by ``use_style()``."""

from __future__ import annotations

from importlib.resources import files

__all__ = ["use_style"]

STYLE_FILE = "relmkt.mplstyle"


def use_style() -> None:
    """Apply the kit's matplotlib style (``relmkt_lib/plotting/relmkt.mplstyle``).

    The style is a file shipped with the package, applied explicitly: notebooks call
    ``use_style()`` once in their imports cell.

    Examples
    --------
    >>> use_style()
    >>> import matplotlib.pyplot as plt
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    import matplotlib.pyplot as plt

    plt.style.use(str(files("relmkt_lib.plotting") / STYLE_FILE))
