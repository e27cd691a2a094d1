"""The kit's datasets: loaders (CDNOW, donations, retention cohorts, Boreal, subscriptions, the
Hillstrom e-mail test) and
the builders of the synthetic ones; nothing is downloaded.

This file only re-exports: loaders in ``_loaders``, the rebuild command in ``_build``, the
Boreal and subscriptions builders (with their seeds and true parameters) in ``_boreal`` and
``_subscriptions`` (also re-exported by :mod:`relmkt_lib.simulate`).

>>> cdnow = load_cdnow()
>>> cdnow.shape
(69659, 4)
"""

from ._boreal import BOREAL_SEED, BOREAL_TRUTH, build_boreal
from ._build import *
from ._build import __all__ as _build_all
from ._hillstrom import HILLSTROM_ARMS, load_hillstrom
from ._loaders import *
from ._loaders import __all__ as _loaders_all
from ._subscriptions import SUBSCRIPTIONS_SEED, SUBSCRIPTIONS_TRUTH, build_subscriptions

__all__ = [*_loaders_all, *_build_all, "build_boreal", "build_subscriptions", "BOREAL_SEED", "BOREAL_TRUTH",
           "SUBSCRIPTIONS_SEED", "SUBSCRIPTIONS_TRUTH", "load_hillstrom", "HILLSTROM_ARMS"]
