"""Private helpers shared by the plot modules (matplotlib imported lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["get_axes", "money_axis", "percent_axis"]


def get_axes(ax: Axes | None) -> Axes:
    """``ax`` itself, or the current Axes of pyplot."""
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.gca()


def money_axis(ax: Axes, axis: str = "y", decimals: int = 0) -> None:
    """Format an axis as dollars with thousands separators: $1,234."""
    from matplotlib.ticker import StrMethodFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(StrMethodFormatter(f"${{x:,.{decimals}f}}"))


def percent_axis(ax: Axes, axis: str = "y", xmax: float = 1.0, decimals: int = 0) -> None:
    """Format an axis holding shares (0-1 when ``xmax=1``) as percentages."""
    from matplotlib.ticker import PercentFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(PercentFormatter(xmax=xmax, decimals=decimals))
