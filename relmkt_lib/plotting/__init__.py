"""Plots for the kit: one style, and ``plot_*(..., ax=None, **kwargs) -> Axes`` functions.

Every plot function validates its input, draws on ``ax`` (or the current Axes), labels the
axes in plain words with units, and returns the Axes so the caller can adjust it. Plots take
results (tables, fitted models) and never compute a model themselves. matplotlib is imported
inside the functions, so ``import relmkt_lib`` stays fast.

One private module per domain (``_metrics``, ``_rfm``, ...); this file only re-exports them.
"""

from ._btyd import *
from ._btyd import __all__ as _btyd_all
from ._churn import *
from ._churn import __all__ as _churn_all
from ._clv import *
from ._clv import __all__ as _clv_all
from ._cohorts import *
from ._cohorts import __all__ as _cohorts_all
from ._contractual import *
from ._contractual import __all__ as _contractual_all
from ._data import *
from ._data import __all__ as _data_all
from ._loyalty import *
from ._loyalty import __all__ as _loyalty_all
from ._metrics import *
from ._metrics import __all__ as _metrics_all
from ._migration import *
from ._migration import __all__ as _migration_all
from ._rfm import *
from ._rfm import __all__ as _rfm_all
from ._style import *
from ._style import __all__ as _style_all

__all__ = [
    *_style_all,
    *_data_all,
    *_metrics_all,
    *_rfm_all,
    *_cohorts_all,
    *_clv_all,
    *_migration_all,
    *_contractual_all,
    *_btyd_all,
    *_loyalty_all,
    *_churn_all,
]
