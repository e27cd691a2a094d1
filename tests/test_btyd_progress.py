"""bootstrap_intervals(progress=True): the `bootstrap draws: i/n` lines that the relmkt command turns into a bar."""

import re

import pytest

from relmkt_lib import btyd
from relmkt_lib.datasets import load_cdnow_summary


@pytest.fixture(scope="module")
def fitted():
    s = load_cdnow_summary()
    return btyd.BetaGeoModel().fit(s), btyd.GammaGammaModel().fit(s[s["frequency"] > 0]), s


def test_progress_lines_on_stderr(fitted, capsys):
    bg, gg, s = fitted
    btyd.bootstrap_intervals(bg, gg, s, n_draws=40, rng=1, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert all(re.fullmatch(r"bootstrap draws: \d+/40", line) for line in lines)
    counts = [int(line.split(": ")[1].split("/")[0]) for line in lines]
    assert counts == list(range(2, 41, 2))  # every 5 % of the draws, the last one included


def test_progress_ends_at_n_when_n_is_not_a_multiple(fitted, capsys):
    bg, gg, s = fitted
    btyd.bootstrap_intervals(bg, gg, s, n_draws=7, rng=1, progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "bootstrap draws: 7/7"
    assert len(lines) == 7  # 5 % of 7 draws rounds to one draw


def test_silent_by_default_and_same_numbers(fitted, capsys):
    bg, gg, s = fitted
    quiet = btyd.bootstrap_intervals(bg, gg, s, n_draws=10, rng=3)
    assert capsys.readouterr().err == ""
    loud = btyd.bootstrap_intervals(bg, gg, s, n_draws=10, rng=3, progress=True)
    assert quiet.intervals.equals(loud.intervals)
    assert quiet.clv_draws.equals(loud.clv_draws)


def test_draws_match_discounted_clv_and_expected_purchases(fitted):
    # each draw's CLV and total purchases are read from one set of cumulative purchases
    bg, gg, s = fitted
    kw = dict(horizon=52, step=13, annual_discount_rate=0.1, margin=0.3)
    result = btyd.bootstrap_intervals(bg, gg, s, n_draws=5, rng=2, **kw)
    point = btyd.discounted_clv(bg, gg, s, **kw)
    assert result.intervals.loc["total_clv", "point"] == pytest.approx(point.sum())
    assert result.intervals.loc["total_expected_purchases", "point"] == pytest.approx(
        bg.expected_purchases(s, horizon=52).sum())
    spread = result.clv_draws.sub(point, axis=0).abs().max().max()
    assert 0 < spread < point.max()  # the draws vary around the point value
