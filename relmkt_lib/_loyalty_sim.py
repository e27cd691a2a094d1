"""Private engine of :mod:`relmkt_lib.loyalty`: the vectorised week-by-week simulation.

Everything here works on numpy arrays, one entry per customer, and loops only over weeks
(or, for the stamp card, over stamps). The public module validates the inputs and documents
the model; this module only computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import gammaincinv

__all__ = [
    "acceleration",
    "assemble",
    "attractiveness",
    "capture",
    "draw_population",
    "join_probability",
    "poisson_from_uniform",
    "run_stamp_card",
    "run_weeks",
    "wallet_shares",
]

GROUPS = ("control", "non-member", "member")  # group codes 0, 1, 2
#: The simulation's period is a week: the annual discount rate is converted with 52 weeks a year,
#: and tiers look at the spend of the last 52 weeks.
WEEKS_PER_YEAR = 52
#: The CLV tail continues the average net value of the last this-many weeks.
TAIL_WEEKS = 4
#: The rebate rate at which the response parameters are set: a free item for every ten bought
#: (Kivetz, Urminsky & Zheng's cafe card); a reward's attractiveness is 1 there.
REFERENCE_REBATE = 0.10
#: Nunes & Dreze's head start: 2 stamps of 10 given, 20 % of the requirement.
REFERENCE_HEAD_START = 0.20
#: The motivation never captures more than this share of a customer's headroom.
MAX_CAPTURE = 0.95


def draw_population(n: int, b: Any, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Heterogeneous customers: gamma purchase rates, gamma-gamma spend, beta dropout hazards."""
    base_rate = rng.gamma(b.rate_r, 1.0 / b.rate_alpha, n)
    nu = rng.gamma(b.spend_q, 1.0 / b.spend_gamma, n)  # Gamma-Gamma: mean spend = p / nu
    mean_spend = b.spend_p / nu
    dropout = rng.beta(b.dropout_a, b.dropout_b, n)
    return {"base_rate": base_rate, "mean_spend": mean_spend, "dropout": dropout}


def wallet_shares(base_rate: np.ndarray, light: float, heavy: float) -> np.ndarray:
    """Share of its category purchases each customer gives the firm: from ``light`` for the
    lightest buyer to ``heavy`` for the heaviest, linear in the rank of the base rate."""
    n = base_rate.size
    if n == 1:
        return np.full(1, 0.5 * (light + heavy))
    rank = np.empty(n)
    rank[np.argsort(base_rate, kind="stable")] = np.arange(n) / (n - 1)
    return light + (heavy - light) * rank


def attractiveness(rebate: np.ndarray | float, half: float, steepness: float) -> np.ndarray:
    """A reward's pull for a rebate rate rho (reward value per dollar spent to earn it):
    rho**n / (rho**n + half**n), scaled to 1 at :data:`REFERENCE_REBATE`. 0 for a worthless
    reward; a richer reward pulls more, little while it is small next to the spend (n > 1), with
    diminishing returns beyond ``half``."""
    rho = np.asarray(rebate, dtype=float)
    hill = rho ** steepness / (rho ** steepness + half ** steepness)
    ref = REFERENCE_REBATE ** steepness / (REFERENCE_REBATE ** steepness + half ** steepness)
    return hill / ref


def acceleration(b: Any, attract: np.ndarray | float, progress: np.ndarray, head_start: float,
                 endowed: np.ndarray) -> np.ndarray:
    """Share of a card holder's headroom won by the pull of the next reward: attract x (goal
    gradient x progress ** power + points pressure near the reward + endowed progress), the
    endowed term growing with the head start as a share of the requirement up to
    ``endowment_effect`` at 2 of 10, and no further (no evidence beyond it)."""
    extra = np.zeros(np.shape(progress))
    if b.goal_gradient:
        extra += b.goal_gradient * np.clip(progress, 0.0, 1.0) ** b.goal_gradient_power
    if b.points_pressure:
        extra += b.points_pressure * (progress >= 1.0 - b.pressure_window)
    if b.endowment_effect:
        extra += b.endowment_effect * min(head_start / REFERENCE_HEAD_START, 1.0) * endowed
    return attract * extra


def capture(b: Any, attract: np.ndarray | float, weeks_in: np.ndarray | float, rewarded: np.ndarray,
            status: np.ndarray | float = 0.0) -> np.ndarray:
    """Share of a member's headroom (purchases elsewhere) the program wins: attract x (membership,
    built up over ``membership_weeks``, + rewarded behaviour once rewarded) + status, capped at
    :data:`MAX_CAPTURE`."""
    weeks_in = np.asarray(weeks_in, dtype=float)
    build = 1.0 - np.exp(-weeks_in / b.membership_weeks) if b.membership_weeks > 0 else 1.0
    c = attract * (b.membership_effect * build + b.rewarded_behaviour * rewarded) + status
    return np.minimum(c, MAX_CAPTURE)


def poisson_from_uniform(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson(lam) counts by inverting the CDF at the uniforms ``u``: one uniform per customer
    whatever the rate, so two designs run on the same seed see the same luck (common random
    numbers) and their difference is not buried in sampling noise."""
    k = np.zeros(lam.shape, dtype=np.int64)
    prob = np.exp(-lam)
    cdf = prob.copy()
    idx = np.flatnonzero(u > cdf)
    while idx.size:
        k[idx] += 1
        prob[idx] *= lam[idx] / k[idx]
        cdf[idx] += prob[idx]
        idx = idx[(u[idx] > cdf[idx]) & (prob[idx] > 0)]
    return k


def join_probability(rate: np.ndarray, share: float, selection: float) -> np.ndarray:
    """min(c x rate ** selection, 1), with c set (by bisection) so the probabilities average ``share``."""
    if share >= 1.0:
        return np.ones(rate.size)
    w = rate ** selection
    w = w / w.mean()
    lo, hi = share, share / max(np.minimum(w, 1e300).min(), 1e-12) + 1.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.minimum(mid * w, 1.0).mean() < share else (lo, mid)
    return np.minimum(lo * w, 1.0)


def run_weeks(pop: dict[str, np.ndarray], program: Any, b: Any, weeks: int,
              rng: np.random.Generator) -> dict[str, Any]:
    """Simulate ``weeks`` weeks. ``pop`` holds base_rate, mean_spend, dropout, wallet_share, treated, light."""
    n = pop["base_rate"].size
    base_rate, mean_spend, dropout = pop["base_rate"], pop["mean_spend"], pop["dropout"]
    treated, light = pop["treated"], pop["light"]
    # --- enrolment (week 0): invited by target, self-selection tilted towards heavy buyers
    invited = treated.copy()
    if program.target == "light":
        invited &= light
    elif program.target == "heavy":
        invited &= ~light
    member = np.zeros(n, dtype=bool)
    if invited.any():
        p_join = join_probability(base_rate[invited], program.enrolment_rate, b.enrolment_selection)
        draw = rng.random(n)[invited]  # one draw per customer, whoever is invited: same luck across designs
        member[np.flatnonzero(invited)[draw < p_join]] = True
    group = np.where(treated, np.where(member, 2, 1), 0).astype(np.int8)
    m_idx = np.flatnonzero(member)
    nm = m_idx.size
    m_rate, m_hazard = base_rate[m_idx], dropout[m_idx]
    share = pop["wallet_share"][m_idx]
    headroom = (1.0 - share) / share  # purchases elsewhere per purchase here
    hazard = dropout.copy()
    # --- member state
    thr = float(program.reward_threshold)
    head_start = float(program.endowed_points) / thr
    points_per_dollar = program.earn_per_dollar + program.earn_per_visit / np.maximum(mean_spend[m_idx], 1e-9)
    balance = np.full(nm, float(program.endowed_points))
    endowed = np.full(nm, program.endowed_points > 0)
    rewarded = np.zeros(nm, dtype=bool)
    idle = np.zeros(nm, dtype=np.int32)  # weeks since the last purchase (for expiry)
    tiers = program.tiers
    level = np.zeros(nm, dtype=np.int64)
    if tiers:
        tier_min = np.array([t.min_spend for t in tiers])
        tier_mult = np.r_[1.0, [t.earn_multiplier for t in tiers]]
        tier_disc = np.r_[0.0, [t.price_discount for t in tiers]]
        ring = np.zeros((WEEKS_PER_YEAR, nm), dtype=np.float32) if weeks > WEEKS_PER_YEAR else None
        rolling = np.zeros(nm)
    # --- per-customer totals and weekly panel
    alive = np.ones(n, dtype=bool)
    purchases = np.zeros(n, dtype=np.int64)
    revenue = np.zeros(n)
    m_tot = {k: np.zeros(nm) for k in ("rewards", "issued", "redeemed", "expired")}
    m_tot["issued"] += balance  # endowed points count as issued
    cols = ("customers_alive", "purchases", "revenue", "points_issued", "rewards_redeemed",
            "points_expired", "discount_cost")
    panel = {c: np.zeros((weeks, 3)) for c in cols}
    red_idx, red_week = [], []
    nonm_rate = base_rate * (~member)
    for t in range(weeks):
        panel["customers_alive"][t] = np.bincount(group, weights=alive, minlength=3)
        rate = nonm_rate.copy()
        if nm:
            status = 0.0
            mult = 1.0
            if tiers:
                level = np.searchsorted(tier_min, rolling, side="right")  # 0 = no tier
                mult = tier_mult[level]
                if b.status_effect:
                    # status grows with the share of (alive) members below one's tier (Dreze & Nunes 2009)
                    counts = np.bincount(level[alive[m_idx]], minlength=len(tiers) + 1)
                    below = np.r_[0.0, np.cumsum(counts)[:-1] / max(counts.sum(), 1)]
                    status = b.status_effect * np.where(level > 0, below[level], 0.0)
            attract = attractiveness(program.reward_value * points_per_dollar * mult / thr,
                                     b.reward_half_saturation, b.reward_steepness)
            prog = balance / thr
            if not b.post_reward_reset:
                prog = np.where(rewarded, 1.0, prog)
            won = capture(b, attract, t + 1.0, rewarded, status)
            accel = acceleration(b, attract, prog, head_start, endowed)
            rate[m_idx] = m_rate * (1.0 + headroom * np.minimum(accel + won, MAX_CAPTURE))
            if b.engagement_retention:
                # members engaged with the program (progressing, rewarded, or of a tier) leave less often
                engaged = np.minimum(attract * np.where(rewarded, 1.0, np.minimum(prog, 1.0)) + status, 1.0)
                hazard[m_idx] = m_hazard * (1.0 - b.engagement_retention * engaged)
        rate *= alive
        # common random numbers: a fixed number of uniforms per customer and week (purchases, spend,
        # dropout), so the same seed gives every design the same luck
        u_buy, u_spend, u_stay = rng.random(n), rng.random(n), rng.random(n)
        k = poisson_from_uniform(rate, u_buy)
        buyers = np.flatnonzero(k)
        kb = k[buyers]
        spend = np.zeros(n)
        # the sum of k gamma(p, mean/p) spends is gamma(k p, mean/p), drawn by inverting its CDF
        spend[buyers] = gammaincinv(kb * b.spend_p, u_spend[buyers]) * mean_spend[buyers] / b.spend_p
        purchases += k
        revenue += spend
        panel["purchases"][t] = np.bincount(group[buyers], weights=kb, minlength=3)
        panel["revenue"][t] = np.bincount(group[buyers], weights=spend[buyers], minlength=3)
        if nm:
            km, sm = k[m_idx], spend[m_idx]
            earn = program.earn_per_dollar * sm + program.earn_per_visit * km
            if tiers:
                earn = earn * tier_mult[level]
                panel["discount_cost"][t, 2] = float(tier_disc[level] @ sm)
                rolling += sm
                if ring is not None:
                    rolling -= ring[t % WEEKS_PER_YEAR]
                    ring[t % WEEKS_PER_YEAR] = sm
            balance += earn
            m_tot["issued"] += earn
            n_rew = np.floor(balance / thr)
            got = np.flatnonzero(n_rew)
            if got.size:
                balance[got] -= n_rew[got] * thr
                m_tot["rewards"][got] += n_rew[got]
                m_tot["redeemed"][got] += n_rew[got] * thr
                rewarded[got] = True
                endowed[got] = False
                red_idx.append(np.repeat(m_idx[got], n_rew[got].astype(np.int64)))
                red_week.append(np.full(int(n_rew[got].sum()), t, dtype=np.int32))
            if program.expiry_weeks is not None:
                idle = np.where(km > 0, 0, idle + 1)
                gone = np.flatnonzero((idle >= program.expiry_weeks) & (balance > 0))
                if gone.size:
                    m_tot["expired"][gone] += balance[gone]
                    panel["points_expired"][t, 2] = balance[gone].sum()
                    balance[gone] = 0.0
                    endowed[gone] = False
            panel["points_issued"][t, 2] = earn.sum() + (program.endowed_points * nm if t == 0 else 0.0)
            panel["rewards_redeemed"][t, 2] = n_rew.sum()
        # dropout at the end of the week
        alive &= u_stay >= hazard
    redemptions = pd.DataFrame({
        "customer_id": np.concatenate(red_idx) if red_idx else np.zeros(0, dtype=np.int64),
        "week": np.concatenate(red_week) if red_week else np.zeros(0, dtype=np.int32),
    })
    return {"member": member, "group": group, "alive": alive, "purchases": purchases,
            "revenue": revenue, "m_idx": m_idx, "m_tot": m_tot, "balance": balance,
            "panel": panel, "redemptions": redemptions}


def run_stamp_card(rate: np.ndarray, hazard: np.ndarray, share: np.ndarray, needed: int, given: int,
                   weeks: float, rebate: float, b: Any, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Continuous-time stamp card. Returns intervals (customers x stamps, days; nan if not made)
    and a completed flag.

    Between two purchases the rate is constant (it changes only when a stamp is added), so the
    time to the next purchase is exactly exponential with the current rate. The card is abandoned
    at an exponential time (hazard per week, lowered by the engagement of the head start); a
    purchase after abandonment or after the window does not count.
    """
    n = rate.size
    headroom = (1.0 - share) / share
    attract = float(attractiveness(rebate, b.reward_half_saturation, b.reward_steepness))
    endowed = np.full(n, given > 0)
    engaged = min(attract * given / needed, 1.0)
    abandon_rate = hazard * (1.0 - b.engagement_retention * engaged)
    with np.errstate(divide="ignore"):
        stop = np.minimum(rng.exponential(1.0, n) / abandon_rate, weeks) * 7.0  # days
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    intervals = np.full((n, needed - given), np.nan)
    for j, stamp in enumerate(range(given, needed)):
        # an anonymous paper card: the pull of the reward only (no account, no membership effect)
        accel = acceleration(b, attract, np.full(n, stamp / needed), given / needed, endowed)
        gap = rng.exponential(1.0, n) / (rate * (1.0 + headroom * np.minimum(accel, MAX_CAPTURE))) * 7.0
        clock += gap
        active &= clock <= stop
        intervals[active, j] = gap[active]
    return intervals, active


def assemble(ids: np.ndarray, pop: dict, sim: dict, program: Any, b: Any, weeks: int) -> tuple:
    """The result tables (panel, customers, redemptions, summary) from the raw simulation."""
    n, member, m_idx, m_tot = ids.size, sim["member"], sim["m_idx"], sim["m_tot"]
    rows = {k: v.reshape(-1) for k, v in sim["panel"].items()}
    panel = pd.DataFrame({"week": np.repeat(np.arange(weeks), 3),
                          "arm": np.tile(["control", "program", "program"], weeks),
                          "group": np.tile(GROUPS, weeks), **rows})
    n_members = member.sum()
    panel["margin"] = b.margin_rate * panel["revenue"]
    panel["reward_cost"] = panel["rewards_redeemed"] * program.reward_value
    running = np.tile([0.0, 0.0, program.fixed_cost_per_week + program.cost_per_member_per_week * n_members], weeks)
    panel["program_cost"] = panel["discount_cost"] + running
    int_cols = ["customers_alive", "purchases", "rewards_redeemed"]
    panel[int_cols] = panel[int_cols].astype(np.int64)
    panel = panel[["week", "arm", "group", "customers_alive", "purchases", "revenue", "margin",
                   "points_issued", "rewards_redeemed", "reward_cost", "points_expired",
                   "discount_cost", "program_cost"]]
    panel = panel[(panel["group"] != "member") | (n_members > 0)].reset_index(drop=True)
    full = {}
    for k, name in (("rewards", "rewards"), ("issued", "points_issued"), ("redeemed", "points_redeemed"),
                    ("expired", "points_expired")):
        full[name] = np.zeros(n)
        full[name][m_idx] = m_tot[k]
    full["points_outstanding"] = np.zeros(n)
    full["points_outstanding"][m_idx] = sim["balance"]
    treated = pop["treated"]
    cust = pd.DataFrame({"customer_id": ids, "arm": np.where(treated, "program", "control"), "member": member,
                         "light_buyer": pop["light"], "base_rate": pop["base_rate"],
                         "purchases": sim["purchases"], "revenue": sim["revenue"],
                         "rewards": full["rewards"].astype(np.int64), **{k: full[k] for k in list(full)[1:]},
                         "alive_at_end": sim["alive"]})
    red = sim["redemptions"]
    red["customer_id"] = ids[red["customer_id"].to_numpy()]
    return panel, cust, red, _summary(panel, cust, treated, member, program, b, weeks)


def _summary(panel: pd.DataFrame, cust: pd.DataFrame, treated: np.ndarray, member: np.ndarray,
             program: Any, b: Any, weeks: int) -> pd.Series:
    n_p, n_c = int(treated.sum()), int((~treated).sum())
    rev, alive = cust["revenue"].to_numpy(), cust["alive_at_end"].to_numpy()
    inc_rev = (rev[treated].mean() - rev[~treated].mean()) * n_p
    # standard error of the difference between arms (randomised groups), scaled like inc_rev
    inc_rev_se = np.sqrt(rev[treated].var(ddof=1) / n_p + rev[~treated].var(ddof=1) / n_c) * n_p
    reward_cost = float(panel["reward_cost"].sum())
    discount_cost = float(panel["discount_cost"].sum())
    program_cost = float(panel["program_cost"].sum())
    total = reward_cost + program_cost
    inc_margin = b.margin_rate * inc_rev
    issued = cust["points_issued"].sum()
    redeemed, outstanding = cust["points_redeemed"].sum(), cust["points_outstanding"].sum()
    # CLV per customer: discounted weekly net value over the horizon plus a survival-based tail.
    d = (1 + b.annual_discount_rate) ** (1 / WEEKS_PER_YEAR) - 1  # the rate per week
    disc = (1 + d) ** -np.arange(1, weeks + 1)
    clv = {}
    for arm, size in (("control", n_c), ("program", n_p)):
        cols = ["margin", "reward_cost", "program_cost", "customers_alive"]
        p = panel[panel["arm"] == arm].groupby("week")[cols].sum()
        net = (p["margin"] - p["reward_cost"] - p["program_cost"]).to_numpy() / size
        a = p["customers_alive"].to_numpy()
        last = slice(max(weeks - TAIL_WEEKS, 0), weeks)
        surv = (a[-1] / a[last][0]) ** (1 / max(len(a[last]) - 1, 1)) if a[last][0] > 0 else 0.0
        q = surv / (1 + d)
        clv[arm] = float(net @ disc + net[last].mean() * q / (1 - q) * disc[-1])
    members_rev = rev[member].mean() if member.any() else np.nan
    nonm = treated & ~member
    return pd.Series({
        "customers": n_p + n_c, "program_arm": n_p, "control_arm": n_c, "members": int(member.sum()),
        "enrolled_share": member.sum() / n_p, "weeks": weeks,
        "revenue_per_customer_program": rev[treated].mean(), "revenue_per_customer_control": rev[~treated].mean(),
        "incremental_revenue": inc_rev, "incremental_revenue_se": inc_rev_se,
        "incremental_margin": inc_margin, "incremental_margin_se": b.margin_rate * inc_rev_se,
        "lift": rev[treated].mean() / rev[~treated].mean() - 1 if rev[~treated].mean() > 0 else np.nan,
        "reward_cost": reward_cost, "discount_cost": discount_cost, "running_cost": program_cost - discount_cost,
        "program_cost": program_cost, "total_cost": total, "net_benefit": inc_margin - total,
        "roi": (inc_margin - total) / total if total > 0 else np.nan,
        "rewards": int(cust["rewards"].sum()), "points_issued": issued, "points_redeemed": redeemed,
        "points_expired": cust["points_expired"].sum(), "points_outstanding": outstanding,
        "breakage": 1 - redeemed / issued if issued > 0 else np.nan,
        "outstanding_share": outstanding / issued if issued > 0 else np.nan,
        "liability": outstanding * program.reward_value / program.reward_threshold,
        "retention_program": alive[treated].mean(), "retention_control": alive[~treated].mean(),
        "retention_change": alive[treated].mean() - alive[~treated].mean(),
        "clv_program": clv["program"], "clv_control": clv["control"], "clv_change": clv["program"] - clv["control"],
        "revenue_per_member": members_rev, "revenue_per_nonmember": rev[nonm].mean() if nonm.any() else np.nan,
        "member_vs_nonmember_gap": members_rev - (rev[nonm].mean() if nonm.any() else np.nan),
    })
