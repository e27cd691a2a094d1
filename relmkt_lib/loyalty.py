"""Loyalty programs: a seeded simulator of what a program does to a customer base, and for whom.

A :class:`LoyaltyProgram` is the design the firm chooses (earn rate, reward threshold and value,
endowed points, expiry, tiers, who is invited, running costs). A :class:`Behaviour` is how
customers respond, one parameter per mechanism documented in the research, each of which can be
switched off:

- **goal gradient** (Kivetz, Urminsky & Zheng 2006): the purchase rate rises as the reward gets
  closer, ``1 + goal_gradient * progress ** goal_gradient_power`` with ``progress`` = points /
  threshold; with **post-reward reset** the rate falls back after a reward (progress restarts at
  0); without it the goal-gradient term stays at its peak;
- **endowed progress** (Nunes & Dreze 2006): given points count as progress *and* add motivation
  (``endowment_effect``: a rate lift, and a card-abandonment hazard divided by the same factor)
  until the first reward;
- **points pressure** and **rewarded behaviour** (Taylor & Neslin 2005): a lift while the balance is
  within the last ``pressure_window`` of a reward, and a lasting lift after a first reward;
- **heterogeneous response** (Liu 2007): every lift above is multiplied by a response weight, light
  buyers' weight being ``1 + light_buyer_response`` times heavy buyers' (light = base rate below the
  median; the two weights average 1);
- **dropout**: members' weekly dropout hazard is multiplied by ``dropout_effect``.

Customers are heterogeneous: weekly purchase rates ~ Gamma(``rate_r``, ``rate_alpha``), spend per
purchase Gamma-Gamma (``spend_p``, ``spend_q``, ``spend_gamma``: the papers' ``p``, ``q`` and scale
``gamma`` of :class:`relmkt_lib.simulate.GammaGammaParams`, with the prefix of this population's
other parameters), weekly dropout hazards
~ Beta(``dropout_a``, ``dropout_b``). Each week an alive customer buys Poisson(rate x lift) times
and then drops out with her hazard. :func:`simulate_program` splits customers at random into a
program arm and a **control arm** (no program): the difference between arms is the causal effect
of the program. In the program arm, invited customers join at week 0 with a probability that rises
with their base rate (``enrolment_selection``; 0 = no self-selection), so a naive comparison of
members with non-members is biased upwards even when the program does nothing
(:meth:`Behaviour.no_effect`).

Accounting (all in the program arm unless said otherwise):

- margin = ``margin_rate`` x revenue (revenue at list price, before reward and tier costs);
- incremental revenue / margin = (per-customer value in the program arm - in the control arm)
  x customers in the program arm;
- reward cost = rewards x ``reward_value``; program cost = tier discounts (``price_discount`` x
  members' spend) + ``fixed_cost_per_week`` + ``cost_per_member_per_week`` x enrolled members (every account,
  alive or not); total cost = reward cost + program cost; ROI = (incremental margin - total cost) /
  total cost;
- breakage (to date) = 1 - points redeemed / points issued, endowed points included; points still
  outstanding at the end count as not redeemed, so a short horizon overstates final breakage
  (``outstanding_share`` says by how much at most); liability = outstanding points x
  ``reward_value`` / ``reward_threshold``;
- clv_change = per-customer difference between arms of (discounted weekly margin - program costs
  over the horizon, plus a tail: the last four weeks' average net value continued for ever at the
  arm's weekly survival rate of those weeks, discounted); a simple, transparent measure. The
  discount rate per week is ``(1 + annual_discount_rate) ** (1 / 52) - 1`` (the simulation's
  period is a week, 52 a year; the rate given is annual, hence its name).

References
----------
Kivetz, R., Urminsky, O. & Zheng, Y. (2006). The goal-gradient hypothesis resurrected. Journal of
Marketing Research 43(1), 39-58.
Nunes, J. C. & Dreze, X. (2006). The endowed progress effect. Journal of Consumer Research 32(4),
504-512.
Taylor, G. A. & Neslin, S. A. (2005). The current and future sales impact of a retail frequency
reward program. Journal of Retailing 81(4), 293-305.
Liu, Y. (2007). The long-term impact of loyalty programs on consumer purchase behavior and loyalty.
Journal of Marketing 71(4), 19-35.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import as_rng, check_dataframe, check_positive, check_probability, first_bad_row, require_columns
from ._loyalty_sim import assemble, draw_population, run_stamp_card, run_weeks

__all__ = ["Tier", "LoyaltyProgram", "Behaviour", "ProgramResult", "StampCardResult",
           "simulate_program", "stamp_card_experiment"]


def _nonneg(obj: object, names: str, *, positive: str = "") -> None:
    for name in names.split():
        check_positive(getattr(obj, name), f"{type(obj).__name__}.{name}", allow_zero=True)
    for name in positive.split():
        check_positive(getattr(obj, name), f"{type(obj).__name__}.{name}")


@dataclass(frozen=True)
class Tier:
    """A status tier: reached with ``min_spend`` dollars over the last 52 weeks (since joining).

    Members of the tier earn ``earn_multiplier`` times the points and pay ``price_discount`` (a
    share, 0.05 for 5 %) less on every purchase.

    >>> Tier("gold", 1000, earn_multiplier=2.0, price_discount=0.05).price_discount
    0.05
    """

    name: str
    min_spend: float
    earn_multiplier: float = 1.0
    price_discount: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"Tier.name must be a non-empty string, got {self.name!r}")
        _nonneg(self, "min_spend", positive="earn_multiplier")
        check_probability(self.price_discount, f"Tier({self.name!r}).price_discount", allow_one=False)


@dataclass(frozen=True)
class LoyaltyProgram:
    """The design of a loyalty program (what the firm decides). Amounts in dollars, time in weeks.

    >>> LoyaltyProgram(earn_per_dollar=0, earn_per_visit=1, reward_threshold=10).reward_threshold
    10
    >>> LoyaltyProgram(reward_threshold=0)
    Traceback (most recent call last):
    ...
    ValueError: LoyaltyProgram.reward_threshold must be a finite number > 0, got 0
    """

    earn_per_dollar: float = 1.0
    earn_per_visit: float = 0.0
    reward_threshold: float = 500
    reward_value: float = 10.0
    endowed_points: float = 0.0
    expiry_weeks: int | None = None
    tiers: tuple[Tier, ...] = ()
    enrolment_rate: float = 0.6
    target: str = "all"
    fixed_cost_per_week: float = 0.0
    cost_per_member_per_week: float = 0.0

    def __post_init__(self) -> None:
        _nonneg(self, "earn_per_dollar earn_per_visit reward_value endowed_points fixed_cost_per_week "
                      "cost_per_member_per_week", positive="reward_threshold")
        if self.earn_per_dollar == 0 and self.earn_per_visit == 0:
            raise ValueError("LoyaltyProgram earns no points: set earn_per_dollar > 0 or earn_per_visit > 0")
        if self.endowed_points >= self.reward_threshold:
            raise ValueError(f"LoyaltyProgram.endowed_points ({self.endowed_points!r}) must be below "
                             f"reward_threshold ({self.reward_threshold!r}), or every member is rewarded at once")
        if self.expiry_weeks is not None and (isinstance(self.expiry_weeks, bool)
                                              or not isinstance(self.expiry_weeks, (int, np.integer))
                                              or self.expiry_weeks < 1):
            raise ValueError(f"LoyaltyProgram.expiry_weeks must be None (no expiry) or a whole number "
                             f"of weeks >= 1, got {self.expiry_weeks!r}")
        check_probability(self.enrolment_rate, "LoyaltyProgram.enrolment_rate")
        if self.target not in ("all", "light", "heavy"):
            raise ValueError(f"LoyaltyProgram.target must be 'all', 'light' or 'heavy', not {self.target!r}")
        tiers = tuple(self.tiers)
        for i, tier in enumerate(tiers):
            if not isinstance(tier, Tier):
                raise TypeError(f"LoyaltyProgram.tiers[{i}] must be a Tier(...), not {type(tier).__name__}")
            if i and tier.min_spend <= tiers[i - 1].min_spend:
                raise ValueError(f"LoyaltyProgram.tiers must have increasing min_spend: tier {tier.name!r} "
                                 f"({tier.min_spend!r}) is not above {tiers[i - 1].name!r} "
                                 f"({tiers[i - 1].min_spend!r}); list the tiers from lowest to highest")
        if len({t.name for t in tiers}) < len(tiers):
            raise ValueError("LoyaltyProgram.tiers must have distinct names")
        object.__setattr__(self, "tiers", tiers)


@dataclass(frozen=True)
class Behaviour:
    """How customers respond to a program, and who they are (see the module docstring).

    Effects are switched off with 0 (``dropout_effect`` with 1.0); :meth:`no_effect` does all at
    once. Rates are per week; ``annual_discount_rate`` is a rate per year (converted to weeks).

    >>> Behaviour.no_effect().goal_gradient
    0.0
    """

    goal_gradient: float = 1.0
    goal_gradient_power: float = 1.0
    post_reward_reset: bool = True
    endowment_effect: float = 0.6
    points_pressure: float = 0.05
    pressure_window: float = 0.2
    rewarded_behaviour: float = 0.05
    light_buyer_response: float = 4.0
    dropout_effect: float = 0.85
    enrolment_selection: float = 0.5
    card_abandonment: float = 0.04
    rate_r: float = 1.2
    rate_alpha: float = 4.0
    spend_p: float = 6.0
    spend_q: float = 4.0
    spend_gamma: float = 15.0
    dropout_a: float = 1.0
    dropout_b: float = 79.0
    margin_rate: float = 0.30
    annual_discount_rate: float = 0.10

    def __post_init__(self) -> None:
        _nonneg(self, "goal_gradient points_pressure endowment_effect rewarded_behaviour light_buyer_response "
                      "dropout_effect enrolment_selection card_abandonment annual_discount_rate",
                positive="goal_gradient_power rate_r rate_alpha spend_p spend_gamma dropout_a dropout_b")
        check_probability(self.pressure_window, "Behaviour.pressure_window", allow_zero=False)
        check_probability(self.margin_rate, "Behaviour.margin_rate")
        if not check_positive(self.spend_q, "Behaviour.spend_q") > 1:
            raise ValueError(f"Behaviour.spend_q must be > 1 (mean spend is finite only then), got {self.spend_q!r}")

    @classmethod
    def no_effect(cls, **changes: float) -> Behaviour:
        """Every behavioural effect off (the program changes nothing); population and selection kept.

        >>> Behaviour.no_effect().dropout_effect
        1.0
        """
        off = {"goal_gradient": 0.0, "endowment_effect": 0.0, "points_pressure": 0.0,
               "rewarded_behaviour": 0.0, "light_buyer_response": 0.0, "dropout_effect": 1.0}
        return cls(**{**off, **changes})


@dataclass(frozen=True)
class ProgramResult:
    """What :func:`simulate_program` returns: ``panel`` (tidy weekly, one row per week and group),
    ``customers`` (one row per customer), ``redemptions`` (one row per reward) and ``summary``."""

    panel: pd.DataFrame
    customers: pd.DataFrame
    redemptions: pd.DataFrame
    summary: pd.Series = field(repr=False)


@dataclass(frozen=True)
class StampCardResult:
    """What :func:`stamp_card_experiment` returns: ``summary`` (Series) and ``by_stamp`` (DataFrame)."""

    summary: pd.Series
    by_stamp: pd.DataFrame


def _population(customers: pd.DataFrame | int, behaviour: Behaviour,
                rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    if isinstance(customers, (int, np.integer)) and not isinstance(customers, bool):
        if customers < 2:
            raise ValueError(f"customers must be at least 2 (one per arm), got {customers!r}")
        return np.arange(int(customers)), draw_population(int(customers), behaviour, rng)
    if not isinstance(customers, pd.DataFrame):
        raise TypeError(f"customers must be a number of customers (int) or a DataFrame, not "
                        f"{type(customers).__name__}")
    check_dataframe(customers, "customers")
    cols = ["customer_id", "base_rate", "mean_spend", "dropout"]
    require_columns(customers, cols, "customers")
    if customers["customer_id"].duplicated().any():
        label, row = first_bad_row(customers, customers["customer_id"].duplicated())
        raise ValueError(f"customers.customer_id must be unique; {row['customer_id']!r} repeats (row {label!r})")
    out = {}
    for col in cols[1:]:
        values = pd.to_numeric(customers[col], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(values) | (values < 0) | ((values > 1) if col == "dropout" else False)
        if bad.any():
            label, row = first_bad_row(customers, bad)
            rule = "a weekly probability in [0, 1]" if col == "dropout" else "a finite number >= 0"
            raise ValueError(f"customers.{col} must be {rule}; row {label!r} has {row[col]!r}")
        out[col] = values.copy()
    return customers["customer_id"].to_numpy(), out


def simulate_program(customers: pd.DataFrame | int, program: LoyaltyProgram, *, weeks: int = 52,
                     behaviour: Behaviour = Behaviour(), control_share: float = 0.5,
                     rng: None | int | np.random.Generator = None) -> ProgramResult:
    """Simulate a loyalty program week by week on a heterogeneous customer base, with a control arm.

    Parameters
    ----------
    customers : int or DataFrame
        A number of customers (drawn from ``behaviour``'s population), or a table with columns
        customer_id, base_rate (purchases per week), mean_spend (dollars per purchase) and dropout
        (weekly probability of leaving for good).
    program : LoyaltyProgram
    weeks : int, default 52
    behaviour : Behaviour, optional
    control_share : float, default 0.5
        Share of customers drawn at random into the control arm (no program); in (0, 1).
    rng : None, int or numpy Generator

    Returns
    -------
    ProgramResult
        ``panel``: week, arm, group, customers_alive, purchases, revenue, margin, points_issued,
        rewards_redeemed, reward_cost, points_expired, discount_cost, program_cost.
        ``customers``: customer_id, arm, member, light_buyer, base_rate, purchases, revenue, rewards,
        points_issued, points_redeemed, points_expired, points_outstanding, alive_at_end.
        ``redemptions``: customer_id, week. ``summary``: see the module docstring.

    Examples
    --------
    >>> res = simulate_program(2000, LoyaltyProgram(), weeks=8, rng=1)
    >>> res.panel.groupby("group").size().to_dict()
    {'control': 8, 'member': 8, 'non-member': 8}
    >>> bool(0 <= res.summary["breakage"] <= 1)
    True
    """
    if not isinstance(program, LoyaltyProgram):
        raise TypeError(f"program must be a LoyaltyProgram(...), not {type(program).__name__}")
    if not isinstance(behaviour, Behaviour):
        raise TypeError(f"behaviour must be a Behaviour(...), not {type(behaviour).__name__}")
    if isinstance(weeks, bool) or not isinstance(weeks, (int, np.integer)) or weeks < 1:
        raise ValueError(f"weeks must be a whole number >= 1, got {weeks!r}")
    control_share = check_probability(control_share, "control_share", allow_zero=False, allow_one=False)
    rng = as_rng(rng)
    ids, pop = _population(customers, behaviour, rng)
    n = ids.size
    pop["treated"] = rng.permutation(n) >= round(control_share * n)
    pop["light"] = pop["base_rate"] < np.median(pop["base_rate"])
    sim = run_weeks(pop, program, behaviour, int(weeks), rng)
    return ProgramResult(*assemble(ids, pop, sim, program, behaviour, int(weeks)))


def stamp_card_experiment(*, stamps_needed: int = 10, stamps_given: int = 0, n_customers: int = 10_000,
                          weeks: float = 18, behaviour: Behaviour = Behaviour(),
                          rng: None | int | np.random.Generator = None) -> StampCardResult:
    """A one-stamp-per-purchase card given to ``n_customers``: completion and timing by stamp.

    Each customer receives, at day 0, a card holding ``stamps_given`` stamps; the reward comes with
    stamp ``stamps_needed``. Purchases follow the customer's rate times the lifts of ``behaviour``;
    since the rate only changes when a stamp is added, the time to the next purchase is exactly
    exponential (continuous time, in days). The card is abandoned at an exponential time with
    weekly hazard ``card_abandonment`` + the customer's dropout hazard x ``dropout_effect`` (divided
    by the endowment factor when stamps were given), and only purchases within ``weeks`` count.

    Returns
    -------
    StampCardResult
        ``summary``: completion_rate, mean_days_to_complete (completers, from day 0),
        days_if_first_rate_continued (completers' first interval x purchases needed),
        completion_time_ratio, first_interval_days, last_interval_days, last_vs_first, ...
        ``by_stamp``: stamp, progress, cards (cards making that purchase), mean_days (among
        completed cards, so every interval averages the same customers).

    Examples
    --------
    >>> r = stamp_card_experiment(stamps_needed=10, stamps_given=0, n_customers=20_000, rng=1)
    >>> bool(r.summary["last_vs_first"] < 0.9)
    True
    """
    if not isinstance(behaviour, Behaviour):
        raise TypeError(f"behaviour must be a Behaviour(...), not {type(behaviour).__name__}")
    for name, value, low in (("stamps_needed", stamps_needed, 1), ("stamps_given", stamps_given, 0),
                             ("n_customers", n_customers, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    if stamps_given >= stamps_needed:
        raise ValueError(f"stamps_given ({stamps_given}) must be below stamps_needed ({stamps_needed})")
    weeks = check_positive(weeks, "weeks")
    b, rng = behaviour, as_rng(rng)
    pop = draw_population(int(n_customers), b, rng)
    light = pop["base_rate"] < np.median(pop["base_rate"])
    hazard = b.card_abandonment + pop["dropout"] * b.dropout_effect
    gaps, done = run_stamp_card(pop["base_rate"], hazard, light, int(stamps_needed), int(stamps_given),
                                weeks, b, rng)
    made = (~np.isnan(gaps)).sum(axis=0)
    comp = gaps[done]
    mean_days = comp.mean(axis=0) if done.any() else np.full(gaps.shape[1], np.nan)
    need = stamps_needed - stamps_given
    total = comp.sum(axis=1).mean() if done.any() else np.nan
    by_stamp = pd.DataFrame({"stamp": np.arange(stamps_given, stamps_needed),
                             "progress": np.arange(stamps_given, stamps_needed) / stamps_needed,
                             "cards": made, "mean_days": mean_days})
    summary = pd.Series({
        "stamps_needed": stamps_needed, "stamps_given": stamps_given, "customers": n_customers,
        "weeks": weeks, "completion_rate": done.mean(), "mean_days_to_complete": total,
        "days_if_first_rate_continued": mean_days[0] * need, "completion_time_ratio": total / (mean_days[0] * need),
        "first_interval_days": mean_days[0], "last_interval_days": mean_days[-1],
        "last_vs_first": mean_days[-1] / mean_days[0],
    })
    return StampCardResult(summary, by_stamp)
