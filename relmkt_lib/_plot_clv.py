"""Plots of the `clv` module, re-exported by `relmkt_lib.plotting`."""

from __future__ import annotations

__all__: list[str] = []
