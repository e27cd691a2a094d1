"""Non-contractual customers: BG/NBD, Pareto/NBD, Gamma-Gamma, P(alive) and CLV (chapter 07).

This file only re-exports: the model classes in ``_models``, the per-customer log-likelihoods
in ``_likelihoods``, the discounted CLV and its bootstrap in ``_clv``, the holdout and tracking
diagnostics in ``_diagnostics`` (shared private helpers are in ``_common``).

Input everywhere: a :func:`relmkt_lib.data.summarize_transactions` table with columns
``frequency`` (repeat purchases x), ``recency`` (t_x), ``T`` and, for spend,
``monetary_value``; times in one unit (weeks in the chapter). The CDNOW data are in
:mod:`relmkt_lib.datasets` (``load_cdnow_summary``, ``load_cdnow_sample``, ``cdnow_sample_split``).
"""

from ._clv import *
from ._clv import __all__ as _clv_all
from ._diagnostics import *
from ._diagnostics import __all__ as _diagnostics_all
from ._likelihoods import *
from ._likelihoods import __all__ as _likelihoods_all
from ._models import *
from ._models import __all__ as _models_all

__all__ = [*_models_all, *_likelihoods_all, *_clv_all, *_diagnostics_all]
