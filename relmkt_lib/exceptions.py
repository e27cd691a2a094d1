"""Every warning and error class of the kit, in one place (as ``sklearn.exceptions``).

>>> from relmkt_lib.exceptions import NotFittedError
>>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
True
"""

from __future__ import annotations

__all__ = ["DataWarning", "NotFittedError", "ConvergenceError", "ExerciseCheckError"]


class DataWarning(UserWarning):
    """Rows were dropped, repaired or left out on request; the message says how many."""


class NotFittedError(ValueError, AttributeError):
    """A model's learned values were asked for before ``fit`` was called.

    A subclass of both ``ValueError`` and ``AttributeError``, as scikit-learn's, so code that
    catches either keeps working.
    """


class ConvergenceError(RuntimeError):
    """A maximum-likelihood search did not converge; the message suggests the usual fixes."""


class ExerciseCheckError(AssertionError):
    """Raised by an exercise check that does not pass while strict mode is on."""
