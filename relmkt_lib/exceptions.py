"""Every warning and error class of the kit, in one place (as ``sklearn.exceptions``).

>>> from relmkt_lib.exceptions import NotFittedError
>>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
True
"""

from __future__ import annotations

__all__ = ["DataWarning", "NotRandomisedWarning", "FitWarning", "NotFittedError", "ConvergenceError",
           "ExerciseCheckError"]


class DataWarning(UserWarning):
    """Rows were dropped, repaired or left out on request; the message says how many."""


class NotRandomisedWarning(DataWarning):
    """A treated-minus-control difference from groups not drawn at random: not a causal (incremental) lift.

    Issued by :func:`relmkt_lib.metrics.incremental_lift` and
    :func:`relmkt_lib.metrics.relationship_scorecard` unless ``randomised=True``; a
    :class:`DataWarning`, so a filter on DataWarning also catches it.
    """


class FitWarning(DataWarning):
    """A model was fitted, but the data cannot pin (some of) its parameters down.

    Nobody churned, a parameter ran to the search's limit, or a parameter is huge with a standard
    error many times its size: the message says which, and what to do (more periods, another
    model, a penalizer). A :class:`DataWarning`, so one filter silences both.
    """


class NotFittedError(ValueError, AttributeError):
    """A model's learned values were asked for before ``fit`` was called.

    A subclass of both ``ValueError`` and ``AttributeError``, as scikit-learn's, so code that
    catches either keeps working.
    """


class ConvergenceError(RuntimeError):
    """A maximum-likelihood search did not converge; the message suggests the usual fixes."""


class ExerciseCheckError(AssertionError):
    """Raised by an exercise check that does not pass while strict mode is on."""
