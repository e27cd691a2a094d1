"""Builder of the Boreal dataset, a fictional Quebec outdoor and home-goods retailer.

Private module: use ``relmkt_lib.datasets.build_boreal``. The data card
(``datasets/boreal/README.md``) documents every mechanism and true parameter set here.

The simulation runs day by day from 2023-01-01 to 2025-12-31 over all customers at once
(vectorised over customers): acquisitions, dropout (exponential lifetimes with a daily hazard),
purchases (a Poisson process with seasonality), campaign contacts with random hold-out controls,
coupon responses, and the loyalty program's enrolments and points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import as_rng
from ._boreal_campaigns import BOREAL_CAMPAIGNS, Campaign, campaigns_table
from ._boreal_consent import consent_tables

__all__ = ["BOREAL_SEED", "BOREAL_TRUTH", "BOREAL_CAMPAIGNS", "build_boreal"]

BOREAL_SEED = 20230101
START = np.datetime64("2023-01-01")
N_DAYS = 1096  # 2023-01-01 .. 2025-12-31
#: Day number of the "last purchase" of a customer who has not bought yet (long before the start).
NEVER_BOUGHT_DAY = -10_000

#: True parameters of the customer process (rates per week; spend in dollars).
BOREAL_TRUTH = {
    "r": 0.7, "alpha": 12.0,          # purchase rate lambda ~ Gamma(r, rate alpha)
    "s": 1.5, "beta": 50.0,           # dropout rate mu ~ Gamma(s, rate beta)
    "p": 5.0, "q": 4.0, "gamma": 50.0,  # Gamma-Gamma list-price spend, mean p*gamma/(q-1)
    "deal_seeker_rate_mult": 0.5, "deal_seeker_dropout_mult": 2.5,
    "referral_rate_mult": 1.2, "referral_dropout_mult": 0.7,
    "loyalty_rate_mult": 1.05,        # true causal effect of membership on the purchase rate
    "loyalty_launch": "2023-06-01",
}
_DEAL_SHARE = {"store": 0.15, "web": 0.20, "referral": 0.08, "paid_social": 0.30,
               "deep_discount_mailing": 0.70}
_SEASON = np.array([0.70, 0.65, 0.75, 0.85, 1.05, 1.25, 1.25, 1.05, 0.85, 0.85, 1.20, 2.10])
_WEEKDAY = np.array([0.85, 0.85, 0.90, 1.00, 1.10, 1.35, 0.95])  # Monday .. Sunday
_REGIONS = ["Montréal", "Montérégie", "Capitale-Nationale", "Laurentides", "Lanaudière",
            "Estrie", "Outaouais", "Mauricie", "Saguenay–Lac-Saint-Jean", "Bas-Saint-Laurent"]
_REGION_P = [0.27, 0.17, 0.12, 0.10, 0.07, 0.07, 0.06, 0.05, 0.05, 0.04]
_AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
_AGE_P = [0.08, 0.20, 0.22, 0.20, 0.17, 0.13]


def _day(date: str) -> int:
    return int((np.datetime64(date) - START).astype(int))


def _draw_customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Acquisition, profile, consent and the latent traits of every customer."""
    days = np.arange(N_DAYS)
    month = (START + days).astype("datetime64[M]").astype(np.int64) % 12
    weight = _SEASON[month] * (1.0 + 0.3 * days / N_DAYS)
    n_ddm = int(round(0.10 * n))
    org_day = rng.choice(N_DAYS, n - n_ddm, p=weight / weight.sum())
    org_channel = rng.choice(["store", "web", "referral", "paid_social"], n - n_ddm,
                             p=[0.50, 0.28, 0.10, 0.12])
    wave = rng.integers(0, 2, n_ddm)
    wave_day = np.array([_day(BOREAL_CAMPAIGNS[0].start_date), _day(BOREAL_CAMPAIGNS[6].start_date)])
    ddm_day = wave_day[wave] + 3 + np.minimum(rng.exponential(8.0, n_ddm).astype(np.int64), 40)
    acq = np.concatenate([org_day, ddm_day])
    channel = np.concatenate([org_channel, np.full(n_ddm, "deep_discount_mailing")])
    camp = np.concatenate([np.zeros(n - n_ddm, np.int64), np.where(wave == 0, 1, 7)])
    order = np.lexsort((rng.random(n), acq))
    acq, channel, camp = acq[order], channel[order], camp[order]

    age = rng.choice(len(_AGES), n, p=_AGE_P)
    deal = rng.random(n) < pd.Series(channel).map(_DEAL_SHARE).to_numpy()
    p_email = pd.Series(channel).map({"store": 0.55, "web": 0.85, "referral": 0.80,
                                      "paid_social": 0.80, "deep_discount_mailing": 0.45}).to_numpy()
    t = BOREAL_TRUTH
    referral = channel == "referral"
    lam = rng.gamma(t["r"], 1.0 / t["alpha"], n)
    lam *= np.where(deal, t["deal_seeker_rate_mult"], 1.0) * np.where(referral, t["referral_rate_mult"], 1.0)
    mu = rng.gamma(t["s"], 1.0 / t["beta"], n)
    mu *= np.where(deal, t["deal_seeker_dropout_mult"], 1.0) * np.where(referral, t["referral_dropout_mult"], 1.0)
    web_acquired = np.isin(channel, ["web", "paid_social"])
    return pd.DataFrame({
        "acq_day": acq, "channel": channel, "campaign": camp,
        "region": rng.choice(_REGIONS, n, p=_REGION_P), "age": age,
        "consent_email": rng.random(n) < p_email,
        "consent_sms": rng.random(n) < np.where(age <= 1, 0.32, 0.16),
        "consent_phone": rng.random(n) < np.where(age >= 4, 0.28, 0.14),
        "deal": deal, "lam": lam, "mu": mu,
        "nu": rng.gamma(t["q"], 1.0 / t["gamma"], n),
        "web": np.where(web_acquired, rng.beta(3.0, 1.5, n), rng.beta(1.2, 3.5, n)),
        "budget": rng.exponential(1.0, n),  # dropout when the cumulated hazard exceeds it
    })


def _targets(c: Campaign, d: int, k: int, cu: pd.DataFrame, last: np.ndarray) -> np.ndarray:
    """Indices (among the first k customers, acquired by day d) a campaign selects on day d."""
    email = cu["consent_email"].to_numpy()[:k]
    if c.campaign_id == 4:
        return np.flatnonzero((cu["acq_day"].to_numpy()[:k] == d - 3) & email)
    if c.campaign_id == 5:
        return np.flatnonzero(cu["acq_day"].to_numpy()[:k] < _day("2024-04-01"))
    if c.campaign_id == 6:
        return np.flatnonzero(cu["consent_sms"].to_numpy()[:k] & (last[:k] >= d - 365))
    if c.campaign_id in (9, 10):
        phone = cu["consent_phone"].to_numpy()[:k]
        lapsed = last[:k] <= d - 270
        return np.flatnonzero(lapsed & (phone if c.campaign_id == 9 else ~phone))
    return np.flatnonzero(email)


@dataclass
class _State:
    """The customers' evolving state in the daily simulation (one entry per customer)."""

    alive: np.ndarray
    hazard: np.ndarray
    dropout: np.ndarray
    last: np.ndarray
    rate_until: np.ndarray  # per informative campaign: the last day its rate effect lasts
    haz_until: np.ndarray
    pf_until: np.ndarray
    coupon_day: np.ndarray
    coupon_camp: np.ndarray
    member: np.ndarray
    enrol: np.ndarray
    balance: np.ndarray
    last_earn: np.ndarray
    tx: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    points: list = field(default_factory=list)

    @classmethod
    def start(cls, n: int, n_slots: int) -> _State:
        return cls(alive=np.ones(n, bool), hazard=np.zeros(n), dropout=np.full(n, -1),
                   last=np.full(n, NEVER_BOUGHT_DAY), rate_until=np.full((n_slots, n), -1),
                   haz_until=np.full((n_slots, n), -1), pf_until=np.full(n, -1), coupon_day=np.full(n, -1),
                   coupon_camp=np.zeros(n, np.int64), member=np.zeros(n, bool), enrol=np.full(n, -1),
                   balance=np.zeros(n, np.int64), last_earn=np.full(n, -1))


def _contact(rng: np.random.Generator, c: Campaign, d: int, k: int, cu: pd.DataFrame, s: _State,
             slot: dict[int, int]) -> None:
    """One campaign's contacts on day d: random hold-out, then its effects on the treated."""
    idx = _targets(c, d, k, cu, s.last)
    if idx.size == 0:
        return
    treated = rng.random(idx.size) >= c.control_share
    chan = np.full(idx.size, c.channel)
    if c.channel == "direct_mail+email":
        chan = np.where(cu["consent_email"].to_numpy()[idx], c.channel, "direct_mail")
    s.contacts.append((np.full(idx.size, c.campaign_id), idx, np.full(idx.size, d), treated, chan))
    tr = idx[treated]
    if c.campaign_id in slot:
        s.rate_until[slot[c.campaign_id], tr] = d + c.rate_effect[1]
        s.haz_until[slot[c.campaign_id], tr] = d + c.hazard_effect[1]
    if any(c.coupon):
        p = np.asarray(c.coupon)[np.where(s.alive[tr], 0, 2) + cu["deal"].to_numpy()[tr]]
        resp = tr[rng.random(tr.size) < p]
        lag = np.minimum(rng.geometric(0.2, resp.size) - 1, c.response_window_days - 1)
        s.coupon_day[resp], s.coupon_camp[resp] = d + lag, c.campaign_id


def _loyalty(rng: np.random.Generator, d: int, buyers: np.ndarray, amount: np.ndarray, on_web: np.ndarray,
             lam: np.ndarray, s: _State) -> None:
    """Self-selected enrolment (heavier buyers join more), points earned and redeemed on day d."""
    cand = buyers[~s.member[buyers]]
    p_join = np.minimum(0.12 * np.sqrt(lam[cand] / 0.08), 0.6) * np.where(on_web[~s.member[buyers]], 0.6, 1.3)
    join = cand[rng.random(cand.size) < p_join]
    s.member[join], s.enrol[join] = True, d
    is_m = s.member[buyers]
    mb, earned = buyers[is_m], np.floor(amount[is_m]).astype(np.int64)
    s.balance[mb] += earned
    s.last_earn[mb] = d
    s.points.append((mb, np.full(mb.size, d), np.zeros(mb.size, np.int64), earned))
    red = mb[(s.balance[mb] >= 500) & (rng.random(mb.size) < 0.5)]
    spent = s.balance[red] // 500 * 500
    s.balance[red] -= spent
    s.points.append((red, np.full(red.size, d), np.ones(red.size, np.int64), -spent))


def _day_rate(d: int, k: int, lam: np.ndarray, s: _State, rate_m: np.ndarray, season: float, weekday: float,
              norm: float) -> np.ndarray:
    """Purchase rate on day d of the first k customers (season, campaigns, loyalty, pull-forward)."""
    sl = slice(0, k)
    rate = lam[sl] / 7.0 * season * weekday / norm
    rate = rate * np.where(s.rate_until[:, sl] >= d, rate_m, 1.0).prod(axis=0)
    rate = rate * np.where(s.member[sl], BOREAL_TRUTH["loyalty_rate_mult"], 1.0)
    return rate * np.where(s.pf_until[sl] >= d, 0.4, 1.0)  # pull-forward after a coupon purchase


def _simulate(rng: np.random.Generator, cu: pd.DataFrame):
    """Run the daily process; return transactions, contacts, point events and state."""
    n = len(cu)
    t = BOREAL_TRUTH
    acq, lam, mu, nu = (cu[c].to_numpy() for c in ("acq_day", "lam", "mu", "nu"))
    web, budget, first_camp = cu["web"].to_numpy(), cu["budget"].to_numpy(), cu["campaign"].to_numpy()
    launch = _day(t["loyalty_launch"])
    informative = [c for c in BOREAL_CAMPAIGNS if c.rate_effect[1]]
    slot = {c.campaign_id: i for i, c in enumerate(informative)}  # effects of informative campaigns stack
    rate_m = np.array([c.rate_effect[0] for c in informative])[:, None]
    haz_m = np.array([c.hazard_effect[0] for c in informative])[:, None]
    s = _State.start(n, len(slot))
    welcome = BOREAL_CAMPAIGNS[3]
    by_start: dict[int, list[Campaign]] = {}
    for c in BOREAL_CAMPAIGNS[1:]:
        # the welcome sequence runs every day of its window (below), not once at its start
        if c.objective != "acquisition" and c is not welcome:
            by_start.setdefault(_day(c.start_date), []).append(c)
    w_first, w_last = _day(welcome.start_date), _day(welcome.end_date)
    season = _SEASON[(START + np.arange(N_DAYS)).astype("datetime64[M]").astype(np.int64) % 12]
    weekday = _WEEKDAY[(np.arange(N_DAYS) + 6) % 7]  # 2023-01-01 was a Sunday
    norm = (season * weekday).mean()

    for d in range(N_DAYS):
        k = int(np.searchsorted(acq, d, side="right"))
        for c in by_start.get(d, []) + ([welcome] if w_first <= d <= w_last else []):
            _contact(rng, c, d, k, cu, s, slot)
        sl = slice(0, k)
        h = mu[sl] / 7.0 * np.where(s.haz_until[:, sl] >= d, haz_m, 1.0).prod(axis=0)
        s.hazard[sl] += np.where(s.alive[sl] & (acq[sl] < d), h, 0.0)
        died = s.alive[sl] & (s.hazard[sl] > budget[sl])
        s.alive[sl] &= ~died
        s.dropout[sl][died] = d
        rate = _day_rate(d, k, lam, s, rate_m, season[d], weekday[d], norm)
        organic = s.alive[sl] & (acq[sl] < d) & (rng.random(k) < -np.expm1(-rate))
        first = acq[sl] == d
        coupon = s.coupon_day[sl] == d
        buyers = np.flatnonzero(organic | first | coupon)
        if buyers.size == 0:
            continue
        is_coupon = coupon[buyers]
        camp = np.where(is_coupon, s.coupon_camp[buyers], np.where(first[buyers], first_camp[buyers], 0))
        disc = np.zeros(buyers.size)
        for c in BOREAL_CAMPAIGNS:
            disc[camp == c.campaign_id] = c.price_discount
        list_price = rng.gamma(t["p"], 1.0, buyers.size) / nu[buyers]
        amount = np.maximum(np.round(list_price * (1.0 - disc), 2), 1.0)
        items = 1 + rng.poisson(list_price / 60.0)
        on_web = rng.random(buyers.size) < web[buyers]
        s.tx.append((buyers, np.full(buyers.size, d), amount, on_web, items, disc, camp))
        s.pf_until[buyers[is_coupon]] = d + 60
        s.last[buyers] = d
        if d >= launch:
            _loyalty(rng, d, buyers, amount, on_web, lam, s)
        exp = np.flatnonzero(s.member & (s.balance > 0) & (s.last_earn == d - 365))  # points expire
        s.points.append((exp, np.full(exp.size, d), np.full(exp.size, 2), -s.balance[exp]))
        s.balance[exp] = 0
    state = {"alive": s.alive, "dropout": s.dropout, "member": s.member, "enrol": s.enrol}
    return s.tx, s.contacts, s.points, state


def _dates(day: np.ndarray) -> np.ndarray:
    return (START + np.asarray(day).astype("timedelta64[D]")).astype("datetime64[ns]")


def build_boreal(*, n_customers: int = 6000, rng: None | int | np.random.Generator = None) -> dict[str, pd.DataFrame]:
    """Build the Boreal tables (see ``datasets/boreal/README.md``).

    Parameters
    ----------
    n_customers : int
        Number of customers over the three years (the shipped dataset uses the default).
    rng : None, int or numpy.random.Generator
        The shipped dataset uses ``rng=BOREAL_SEED``.

    Returns
    -------
    dict of DataFrames
        ``customers``, ``transactions``, ``campaigns``, ``contacts``, ``loyalty_members``,
        ``loyalty_points``, ``customer_truth`` (the hidden truth: latent traits, dropout) and the
        consent records ``consent_events``, ``dncl_registry`` and ``phone_calls``.

    Examples
    --------
    >>> tables = build_boreal(n_customers=300, rng=1)
    >>> sorted(tables)[:3]
    ['campaigns', 'consent_events', 'contacts']
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) or n_customers < 50:
        raise ValueError(f"n_customers must be a whole number >= 50, got {n_customers!r}")
    rng = as_rng(rng)
    cu = _draw_customers(rng, int(n_customers))
    tx, contacts, points, state = _simulate(rng, cu)
    ids = np.arange(1, len(cu) + 1)

    cols = [np.concatenate(x) for x in zip(*tx)]
    order = np.lexsort((cols[0], cols[1]))  # by day, then customer
    who, day, amount, on_web, items, disc, camp = (c[order] for c in cols)
    transactions = pd.DataFrame({
        "transaction_id": np.arange(1, who.size + 1), "customer_id": ids[who], "date": _dates(day),
        "amount": amount, "channel": np.where(on_web, "web", "store"), "items": items.astype(np.int64),
        "price_discount": disc, "campaign_id": pd.array(np.where(camp > 0, camp, 0), dtype="Int64"),
    })
    transactions.loc[camp == 0, "campaign_id"] = pd.NA

    # Contacts, and the response: the first purchase within the response window.
    cid, cidx, cday, treated, chan = (np.concatenate(x) for x in zip(*contacts))
    window = np.array([c.response_window_days for c in BOREAL_CAMPAIGNS])[cid - 1]
    key = np.lexsort((day, who))
    tk = who[key] * 10_000 + day[key]
    pos = np.searchsorted(tk, cidx * 10_000 + cday)
    hit = pos < tk.size
    hit[hit] = tk[pos[hit]] < cidx[hit] * 10_000 + cday[hit] + window[hit]
    resp_tx = np.where(hit, key[np.minimum(pos, tk.size - 1)] + 1, 0)
    contacts_df = pd.DataFrame({
        "campaign_id": cid, "customer_id": ids[cidx], "contact_date": _dates(cday),
        "group": np.where(treated, "treatment", "control"), "channel": chan, "responded": hit,
        "response_transaction_id": pd.array(np.where(hit, resp_tx, 0), dtype="Int64"),
    }).sort_values(["campaign_id", "contact_date", "customer_id"], kind="stable", ignore_index=True)
    contacts_df.loc[~contacts_df["responded"], "response_transaction_id"] = pd.NA

    customers = pd.DataFrame({
        "customer_id": ids, "acquisition_date": _dates(cu["acq_day"]),
        "acquisition_channel": cu["channel"].to_numpy(),
        "acquisition_campaign_id": pd.array(cu["campaign"].to_numpy(), dtype="Int64"),
        "region": cu["region"].to_numpy(), "age_band": np.asarray(_AGES)[cu["age"].to_numpy()],
        "consent_email": cu["consent_email"].to_numpy(), "consent_sms": cu["consent_sms"].to_numpy(),
        "consent_phone": cu["consent_phone"].to_numpy(),
    })
    customers.loc[cu["campaign"].to_numpy() == 0, "acquisition_campaign_id"] = pd.NA

    member = state["member"]
    last_year = transactions[transactions["date"] >= pd.Timestamp("2025-01-01")]
    spend12 = last_year.groupby("customer_id")["amount"].sum().reindex(ids, fill_value=0.0).to_numpy()
    tier = np.select([spend12 >= 1200, spend12 >= 500], ["gold", "silver"], "base")
    members = pd.DataFrame({"customer_id": ids[member], "enrol_date": _dates(state["enrol"][member]),
                            "tier": tier[member]})
    members = members.sort_values(["enrol_date", "customer_id"], ignore_index=True)
    pw, pd_, pe, pp = (np.concatenate(x) for x in zip(*points))
    order = np.lexsort((pe, pw, pd_))
    loyalty_points = pd.DataFrame({
        "customer_id": ids[pw[order]], "date": _dates(pd_[order]),
        "event": np.asarray(["earn", "redeem", "expire"])[pe[order]], "points": pp[order],
    })
    dropped = state["dropout"] >= 0
    truth = pd.DataFrame({
        "customer_id": ids, "deal_seeker": cu["deal"].to_numpy(),
        "lambda_week": cu["lam"].to_numpy(), "mu_week": cu["mu"].to_numpy(),
        "mean_spend": BOREAL_TRUTH["p"] / cu["nu"].to_numpy(),
        "alive_at_end": state["alive"],
        "dropout_date": pd.Series(_dates(np.where(dropped, state["dropout"], 0))).where(dropped),
    })
    tables = {"customers": customers, "transactions": transactions, "campaigns": campaigns_table(),
              "contacts": contacts_df, "loyalty_members": members, "loyalty_points": loyalty_points,
              "customer_truth": truth}
    # drawn last, from the same generator: the tables above do not depend on the consent records
    tables.update(consent_tables(rng, customers, contacts_df, tables["campaigns"]))
    return tables
