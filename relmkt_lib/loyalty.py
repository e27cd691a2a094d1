"""Loyalty programs: a seeded simulator of what a program does to a customer base, and for whom.

A :class:`LoyaltyProgram` is the design the firm chooses (earn rate, reward threshold and value,
endowed points, expiry, tiers, who is invited, running costs). A :class:`Behaviour` is how
customers respond, one parameter per mechanism documented in the research, each of which can be
switched off with 0.

**Headroom.** Each customer gives the firm a share of their category purchases (``wallet_share``):
from ``wallet_share_light`` (15 %) for the lightest buyer to ``wallet_share_heavy`` (70 %) for the
heaviest, in the order of their base rates. A member's purchase rate is ``base_rate x (1 +
headroom x capture)``, where ``headroom = (1 - share) / share`` is what they buy elsewhere per
purchase here and ``capture`` (0 to 0.95) is the share of it the program wins this week. Heavy
buyers, who already buy most of their needs here, collect most of the rewards but can barely buy
more; light and moderate buyers can (Liu 2007).

**Reward attractiveness.** Every response below is scaled by ``attractiveness``, a function of
the rebate rate rho = reward value per dollar spent to earn it (reward_value x points per dollar /
reward_threshold; a visit's points count per dollar of the customer's mean spend; a tier's earn
multiplier raises it): rho**n / (rho**n + h**n) with h = ``reward_half_saturation`` (8 %) and
n = ``reward_steepness`` (2), scaled to 1 at rho = 10 %, the "buy 10, get 1 free" card of
Kivetz, Urminsky & Zheng (2006). A worthless reward (rho = 0) moves nobody; a small rebate is
barely noticed (2 % pulls about a tenth as hard as 10 %); a richer reward moves more, with
diminishing returns beyond h. The response parameters are set at rho = 10 % (the stamp-card
experiments) and the capture of a week is attractiveness x the sum of:

- **goal gradient** (Kivetz, Urminsky & Zheng 2006): ``goal_gradient x progress **
  goal_gradient_power``, progress = points / threshold; with **post-reward reset** the progress
  restarts at 0 after a reward, without it it stays at its peak;
- **points pressure** (Taylor & Neslin 2005): ``points_pressure`` while the balance is within the
  last ``pressure_window`` of a reward;
- **endowed progress** (Nunes & Dreze 2006): given points count as progress and add
  ``endowment_effect x min(head start / 20 %, 1)`` until the first reward, where head start =
  endowed points / threshold: the extra motivation grows with the head start up to Nunes &
  Dreze's 2 stamps of 10 (20 %), the one head start they tested, and the kit assumes no more
  beyond it; one point of 500 does about nothing;
- **membership** (Liu 2007): ``membership_effect``, built up as 1 - exp(-weeks / ``membership_weeks``)
  (Liu saw the largest jump within three months of joining), for members who may be far from any
  reward;
- **rewarded behaviour** (Taylor & Neslin 2005): a lasting ``rewarded_behaviour`` after a first reward;

plus **status** (Dreze & Nunes 2009), not scaled by the reward: a member of a tier captures
``status_effect`` x the share of members below their tier, so status is felt when few share the
tier and a crowded top tier dilutes it.

**Engagement and retention.** A member's weekly dropout hazard is multiplied by
``1 - engagement_retention x engagement``, engagement = attractiveness x progress (1 once
rewarded) + status, capped at 1: members who progress towards a reward, have earned one or hold a
tier leave less often; members who never get near a reward leave as they would without a card.

Customers are heterogeneous: weekly purchase rates ~ Gamma(``rate_r``, ``rate_alpha``), spend per
purchase Gamma-Gamma (``spend_p``, ``spend_q``, ``spend_gamma``: the papers' ``p``, ``q`` and scale
``gamma`` of :class:`relmkt_lib.simulate.GammaGammaParams`, with the prefix of this population's
other parameters), weekly dropout hazards
~ Beta(``dropout_a``, ``dropout_b``). Each week an alive customer buys Poisson(rate) times
and then drops out with her hazard. :func:`simulate_program` splits customers at random into a
program arm and a **control arm** (no program): the difference between arms is the causal effect
of the program. In the program arm, invited customers join at week 0 with a probability that rises
with their base rate (``enrolment_selection``; 0 = no self-selection), so a naive comparison of
members with non-members is biased upwards even when the program does nothing
(:meth:`Behaviour.no_effect`), as Leenheer et al. (2007) found in grocery retailing.

The defaults reproduce the stamp-card experiments of Kivetz et al. and Nunes & Dreze at their own
rich rebates (10 % and 12.5 %), and put the default program (1 point a dollar, 10 $ for 500
points: a 2 % rebate) in the range of field evidence on points programs: a small randomised lift
(about 2 % of revenue per program-arm customer), a naive member / non-member gap several times
the causal effect (Leenheer et al. 2007: seven times), and Liu's pattern by buyer type; the
targets and bands are in ``tests/golden/loyalty_calibration.csv`` and checked by
``tests/test_loyalty_calibration.py``. :meth:`Behaviour.optimistic` applies the cafe's strength to
any reward: an upper bound, not a forecast.

Accounting (all in the program arm unless said otherwise):

- margin = ``margin_rate`` x revenue (revenue at list price, before reward and tier costs);
- incremental revenue / margin = (per-customer value in the program arm - in the control arm)
  x customers in the program arm, with its standard error (``incremental_revenue_se``,
  ``incremental_margin_se``: the randomised difference's sampling noise; two of them either side
  is the noise band); ``lift`` = revenue per customer in the program arm / in the control arm - 1;
- reward cost = rewards x ``reward_value``; program cost = tier discounts (``price_discount`` x
  members' spend) + ``fixed_cost_per_week`` + ``cost_per_member_per_week`` x enrolled members (every account,
  alive or not); total cost = reward cost + program cost; ROI = (incremental margin - total cost) /
  total cost;
- breakage (to date) = 1 - points redeemed / points issued, endowed points included; points still
  outstanding at the end count as not redeemed, so a short horizon overstates final breakage
  (``outstanding_share`` says by how much at most); liability = outstanding points x
  ``reward_value`` / ``reward_threshold`` (dollars);
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
Leenheer, J., van Heerde, H. J., Bijmolt, T. H. A. & Smidts, A. (2007). Do loyalty programs really
enhance behavioral loyalty? International Journal of Research in Marketing 24(1), 31-47.
Dreze, X. & Nunes, J. C. (2009). Feeling superior: the impact of loyalty program structure on
consumers' perceptions of status. Journal of Consumer Research 35(6), 890-905.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import as_rng, check_dataframe, check_positive, check_probability, first_bad_row, require_columns
from ._loyalty_sim import assemble, draw_population, run_stamp_card, run_weeks, wallet_shares

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

    Effects are switched off with 0; :meth:`no_effect` does all at once. Response parameters are
    shares of a member's headroom captured at the reference rebate of 10 %. Rates are per week;
    ``annual_discount_rate`` is a rate per year (converted to weeks).

    >>> Behaviour.no_effect().goal_gradient
    0.0
    """

    goal_gradient: float = 0.6
    goal_gradient_power: float = 1.0
    post_reward_reset: bool = True
    points_pressure: float = 0.05
    pressure_window: float = 0.2
    endowment_effect: float = 0.5
    membership_effect: float = 0.15
    membership_weeks: float = 6.0
    rewarded_behaviour: float = 0.05
    status_effect: float = 0.05
    engagement_retention: float = 0.5
    reward_half_saturation: float = 0.08
    reward_steepness: float = 2.0
    wallet_share_light: float = 0.15
    wallet_share_heavy: float = 0.7
    enrolment_selection: float = 0.15
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
        _nonneg(self, "goal_gradient points_pressure endowment_effect membership_effect membership_weeks "
                      "rewarded_behaviour status_effect enrolment_selection card_abandonment annual_discount_rate",
                positive="goal_gradient_power reward_half_saturation reward_steepness rate_r rate_alpha spend_p "
                         "spend_gamma dropout_a dropout_b")
        check_probability(self.pressure_window, "Behaviour.pressure_window", allow_zero=False)
        check_probability(self.engagement_retention, "Behaviour.engagement_retention")
        check_probability(self.margin_rate, "Behaviour.margin_rate")
        for name in ("wallet_share_light", "wallet_share_heavy"):
            check_probability(getattr(self, name), f"Behaviour.{name}", allow_zero=False, allow_one=False)
        if self.wallet_share_light > self.wallet_share_heavy:
            raise ValueError(f"Behaviour.wallet_share_light ({self.wallet_share_light!r}) must not exceed "
                             f"wallet_share_heavy ({self.wallet_share_heavy!r}): heavy buyers give the firm more")
        if not check_positive(self.spend_q, "Behaviour.spend_q") > 1:
            raise ValueError(f"Behaviour.spend_q must be > 1 (mean spend is finite only then), got {self.spend_q!r}")

    @classmethod
    def no_effect(cls, **changes: float) -> Behaviour:
        """Every behavioural effect off (the program changes nothing); population and selection kept.

        >>> Behaviour.no_effect().engagement_retention
        0.0
        """
        off = {"goal_gradient": 0.0, "endowment_effect": 0.0, "points_pressure": 0.0, "membership_effect": 0.0,
               "rewarded_behaviour": 0.0, "status_effect": 0.0, "engagement_retention": 0.0}
        return cls(**{**off, **changes})

    @classmethod
    def optimistic(cls, **changes: float) -> Behaviour:
        """Customers who respond to any reward as the cafe and car-wash customers did to theirs.

        The response no longer depends on how rich the reward is: any reward worth something is
        as attractive as a free item for every ten bought (a tiny ``reward_half_saturation``
        saturates the attractiveness at any positive rebate; a worthless reward still moves
        nobody). An upper bound for what a points program could do, not a forecast.

        >>> Behaviour.optimistic().reward_half_saturation < 1e-6
        True
        """
        return cls(**{"reward_half_saturation": 1e-9, **changes})


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
    if "wallet_share" in customers.columns:
        share = pd.to_numeric(customers["wallet_share"], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(share) | (share <= 0) | (share >= 1)
        if bad.any():
            label, row = first_bad_row(customers, bad)
            raise ValueError(f"customers.wallet_share must be a share strictly between 0 and 1 (the part of "
                             f"their category purchases the customer gives the firm); row {label!r} has "
                             f"{row['wallet_share']!r}")
        out["wallet_share"] = share
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
        (weekly probability of leaving for good), and optionally wallet_share (the share of their
        category purchases each customer gives the firm; by default from the base rate's rank).
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
    if "wallet_share" not in pop:
        pop["wallet_share"] = wallet_shares(pop["base_rate"], behaviour.wallet_share_light,
                                            behaviour.wallet_share_heavy)
    sim = run_weeks(pop, program, behaviour, int(weeks), rng)
    return ProgramResult(*assemble(ids, pop, sim, program, behaviour, int(weeks)))


def stamp_card_experiment(*, stamps_needed: int = 10, stamps_given: int = 0, n_customers: int = 10_000,
                          weeks: float = 18, behaviour: Behaviour = Behaviour(),
                          rng: None | int | np.random.Generator = None) -> StampCardResult:
    """A one-stamp-per-purchase card given to ``n_customers``: completion and timing by stamp.

    Each customer receives, at day 0, a card holding ``stamps_given`` stamps; the reward comes with
    stamp ``stamps_needed``: a free item for the ``stamps_needed - stamps_given`` purchases still
    needed, a rebate of 1 / (stamps_needed - stamps_given). Purchases follow the customer's rate
    raised by the pull of the reward in ``behaviour`` (goal gradient, points pressure, endowed
    progress, at that rebate; a paper card has no membership effect); since the rate only changes when a
    stamp is added, the time to the next purchase is exactly exponential (continuous time, in
    days). The card is abandoned at an exponential time with weekly hazard ``card_abandonment`` +
    the customer's dropout hazard, lowered by the engagement of the head start (stamps given),
    and only purchases within ``weeks`` count.

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
    share = wallet_shares(pop["base_rate"], b.wallet_share_light, b.wallet_share_heavy)
    hazard = b.card_abandonment + pop["dropout"]
    rebate = 1.0 / (stamps_needed - stamps_given)  # one free item for the purchases still needed
    gaps, done = run_stamp_card(pop["base_rate"], hazard, share, int(stamps_needed), int(stamps_given),
                                weeks, rebate, b, rng)
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
