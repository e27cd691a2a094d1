"""The kit's datasets: loaders (CDNOW, donations, retention cohorts, Boreal, subscriptions) and
the builders of the synthetic ones; nothing is downloaded.

This file only re-exports: loaders in ``_loaders``, the rebuild command in ``_build``, the
Boreal and subscriptions generators in ``_boreal`` and ``_subscriptions``.

>>> cdnow = load_cdnow()
>>> cdnow.shape
(69659, 4)
"""

from ._build import *  # noqa: F403
from ._build import __all__ as _build_all
from ._loaders import *  # noqa: F403
from ._loaders import __all__ as _loaders_all

__all__ = [*_loaders_all, *_build_all]
