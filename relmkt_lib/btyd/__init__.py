"""Non-contractual customers: BG/NBD, Pareto/NBD, Gamma-Gamma, P(alive) and CLV (chapter 07).

This file only re-exports: the models and CLV in ``_models``, the per-customer
log-likelihoods in ``_likelihoods``, the holdout and tracking diagnostics in ``_diagnostics``.
"""

from ._models import *  # noqa: F403
from ._models import __all__
