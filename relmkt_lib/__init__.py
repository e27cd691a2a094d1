"""relmkt_lib: the small library behind the relmkt notebooks.

Modules are named by domain (``data``, ``datasets``, ``simulate``, ``plotting``,
``exercises``, ...). They are imported on first use, so ``import relmkt_lib`` stays fast::

    >>> import relmkt_lib
    >>> relmkt_lib.data.__name__
    'relmkt_lib.data'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "data",
    "datasets",
    "simulate",
    "metrics",
    "rfm",
    "cohorts",
    "clv",
    "migration",
    "contractual",
    "btyd",
    "loyalty",
    "churn",
    "uplift",
    "contact",
    "plotting",
    "exercises",
    "exceptions",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
