"""The engine: the blocks composed into one quarterly step, iterated over time for all draws at once.

:func:`run` takes parameters as arrays of shape ``(n,)``, exogenous and lever paths as arrays of shape
``(T,)``, and returns one ``(n, T)`` array per output. The only Python loop is over time; all draws advance
together (:data:`~.backend.VECTOR`), or, for a single draw, on Python floats (:data:`~.backend.SCALAR`). No
pandas here. Every equation is written out, with its tag, in ``docs/model.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

import numpy as np

from twosector.model import demand, fiscal, income, post, prices, supply
from twosector.model.backend import Backend, backend_for
from twosector.model.catalogue import EXOG, LEVER_KEYS, OUTPUTS

__all__ = ["run", "K_FLOOR"]

K_FLOOR = 0.5  # civilian capital cannot fall below half its pre-war trend


@dataclass(slots=True)
class State:
    """What one quarter hands to the next (floats, or arrays of shape ``(n,)``)."""

    army_w: Any
    lost: Any
    skilled_x: Any
    sub: Any
    drag: Any
    capital: Any
    capacity: Any
    employment_military: Any  # None before the first quarter
    gap: Any
    income_gap: Any
    real_rate: Any
    price: Any
    price_hist: list[Any]  # price levels of the last four quarters, oldest first
    inflation: Any
    adaptive: Any
    key_rate: Any
    wage: Any
    wage_prev: Any
    premium: Any
    import_cost: Any  # None before the first quarter
    nwf: Any
    debt: Any
    nominal_gdp: Any
    wedge: Any


def _constants(f: Mapping[str, np.ndarray], x: Mapping[str, np.ndarray], i2021: np.ndarray, T: int) -> dict[str, Any]:
    """Derived constants and the no-war reference paths [T1] [T2] of one run, as arrays."""
    t_mid = float(np.mean(i2021))  # time of the 2021 base (mid-2021)
    tt = np.arange(T, dtype=float) - t_mid  # quarters from the base
    g_pot, g_lf = f["potential_growth"], f["labour_force_growth"]
    g_w = g_pot - g_lf  # trend real wage (labour productivity) growth, % per year
    u_nat, n_m0 = f["unemployment_natural"] / 100, f["employment_military_2021"]
    trend = np.exp(np.outer(g_pot, tt) / 400)  # pre-war potential path of civilian output (2021 = 1)
    lf_trend = f["labour_force_2021"][:, None] * np.exp(np.outer(g_lf, tt) / 400)
    l_bar = lf_trend * (1 - u_nat[:, None]) - n_m0[:, None]  # no-war civilian employment
    w_trend = np.exp(np.outer(g_w, tt) / 400)  # no-war real wage path (2021 = 1)
    transfers = f["transfer_share"][:, None] * w_trend * l_bar  # real transfers, indexed to trend
    income_trend = w_trend * (l_bar + n_m0[:, None] * (1 + f["wage_premium_base"][:, None])) + transfers
    defence_2021 = float(np.mean(x["defence_spending"][i2021]))
    return {
        "t_mid": t_mid, "g_w": g_w, "u_nat": u_nat, "u_min": f["unemployment_floor"] / 100,
        "rho": (f["input_elasticity"] - 1.0) / f["input_elasticity"],
        "rr_neutral": f["neutral_real_rate"] + f["lending_spread"],  # neutral real civilian lending rate
        "defence_2021": defence_2021, "usd_rub_2021": float(np.mean(x["usd_rub"][i2021])),
        "defence_share_2021": 4 * defence_2021 / f["nominal_gdp_2021"],
        "paths": {"trend": trend, "lf_trend": lf_trend, "l_bar": l_bar, "w_trend": w_trend,
                  "transfers": transfers, "income_trend": income_trend},
    }


def _initial_state(f: Mapping[str, np.ndarray], k: Mapping[str, Any], n: int) -> State:
    """The state before 2019Q1: no war, prices and wages on their target and trend paths."""
    target, g_w = f["inflation_target"], k["g_w"]
    p0 = np.exp(-target * k["t_mid"] / 400)  # price level in the first quarter (2021 = 1 on the target path)
    wage = k["paths"]["w_trend"][:, 0] * np.exp(-g_w / 400)
    zeros = np.zeros(n)
    return State(
        army_w=zeros.copy(), lost=zeros.copy(), skilled_x=zeros.copy(), sub=zeros.copy(), drag=zeros.copy(),
        capital=np.ones(n), capacity=100 * (1 + f["military_spare_capacity"]), employment_military=None,
        gap=zeros.copy(), income_gap=zeros.copy(), real_rate=k["rr_neutral"].copy(),
        price=p0 * np.exp(-target / 400), price_hist=[p0 * np.exp(-target * j / 400) for j in (4, 3, 2, 1)],
        inflation=target.copy(), adaptive=target.copy(),
        key_rate=np.maximum(f["neutral_real_rate"] + target, f["key_rate_floor"]),
        wage=wage, wage_prev=wage * np.exp(-g_w / 400), premium=f["wage_premium_base"].copy(), import_cost=None,
        nwf=f["nwf_liquid_2021"].copy(), debt=zeros.copy(), nominal_gdp=f["nominal_gdp_2021"] / 4 * np.exp(
            -(f["potential_growth"] + target) * (k["t_mid"] + 1) / 400), wedge=np.ones(n),
    )


def _as_scalars(value: Any) -> Any:
    """One-draw arrays as Python floats (lists element-wise; None stays None)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_as_scalars(v) for v in value]
    return float(np.asarray(value).reshape(-1)[0])


def _real_side(s: State, x: Mapping[str, Any], lv: Mapping[str, float], k: Mapping[str, Any], p: Any,
               B: Backend) -> dict[str, Any]:
    """Labour supply, critical inputs, the military sector, civilian supply, demand and employment."""
    c = lv["ceasefire"]
    unlifted = 1.0 - c * lv["ceasefire_sanction_relief"]  # share of sanctions not lifted [L1]
    v = supply.labour_supply(
        army_w=s.army_w, lost=s.lost, skilled_x=s.skilled_x, lf_trend=x["lf_trend"], mobilised=x["mobilised"],
        recruits=x["contract_recruits"], emigrants=x["emigrants"], ceasefire=c,
        demobilisation=lv["ceasefire_demobilisation"], skilled_emigration=lv["skilled_emigration"], p=p)
    v["unlifted"] = unlifted
    v.update(supply.critical_inputs(
        sub=s.sub, drag=s.drag, availability=x["critical_availability"], input_sanctions=lv["input_sanctions"],
        secondary_sanctions=lv["secondary_sanctions"], tech_controls=lv["tech_controls"], unlifted=unlifted,
        rho=k["rho"], p=p))
    v.update(supply.military(
        defence_path=x["defence_spending"], defence_lever=lv["defence_spending"], ceasefire=c,
        defence_cut=lv["ceasefire_defence_cut"], price_prev=s.price, capacity=s.capacity,
        employment_prev=s.employment_military, m_rho=v["m_rho"], rho=k["rho"], defence_2021=k["defence_2021"],
        p=p, B=B))
    v.update(supply.civilian_supply(
        labour_force=v["labour_force"], employment_military=v["employment_military"],
        skilled_emigrants=v["skilled_emigrants"], capital=s.capital, tech_drag=v["tech_drag"], m_rho=v["m_rho"],
        trend=x["trend"], l_bar=x["l_bar"], u_nat=k["u_nat"], u_min=k["u_min"], rho=k["rho"], p=p, B=B))
    v.update(demand.civilian_demand(
        gap_prev=s.gap, real_rate_prev=s.real_rate, income_gap_prev=s.income_gap, nominal_gdp_prev=s.nominal_gdp,
        defence=v["defence_spending"], preferential_flag=x["preferential_credit"], ceasefire=c,
        demand_shock=x["demand_shock"], potential=v["potential_civilian"], capacity=v["civilian_capacity"],
        trend=x["trend"], rr_neutral=k["rr_neutral"], defence_share_2021=k["defence_share_2021"], p=p, B=B))
    v.update(demand.employment(
        output=v["output_civilian"], demand=v["civilian_demand"], labour_force=v["labour_force"],
        employment_military=v["employment_military"], military_labour_demand=v["military_labour_demand"],
        l_pot=v["l_pot"], n_max=v["n_max"], tech=v["technology"], u_nat=k["u_nat"], p=p, B=B))
    return v


def _nominal_side(v: dict[str, Any], s: State, x: Mapping[str, Any], x_prev: Mapping[str, Any],
                  lv: Mapping[str, float], k: Mapping[str, Any], p: Any, B: Backend) -> None:
    """Prices, rates, wages, GDP and the budget; adds their values to ``v``."""
    c, unlifted = lv["ceasefire"], v["unlifted"]
    v.update(prices.prices(
        usd_rub_path=x["usd_rub"], urals=x["urals_price"], import_markup=x["import_markup"],
        oil_price_cap=lv["oil_price_cap"], input_sanctions=lv["input_sanctions"],
        secondary_sanctions=lv["secondary_sanctions"], unlifted=unlifted, usd_rub_2021=k["usd_rub_2021"],
        import_cost_prev=s.import_cost, wage_prev=s.wage, wage_prev2=s.wage_prev, inflation_prev=s.inflation,
        adaptive_prev=s.adaptive, price_prev=s.price, price_4q_ago=s.price_hist[0], demand_gap=v["demand_gap"],
        trend_wage_growth=k["g_w"], p=p, B=B))
    v.update(prices.rates(
        cpi_inflation=v["cpi_inflation"], demand_gap=v["demand_gap"], key_rate_prev=s.key_rate,
        rate_anchor=x["rate_anchor"], key_rate_data=x["key_rate_data"], debt_prev=s.debt,
        nominal_gdp_prev=s.nominal_gdp, preferential_flag=x["preferential_credit"], ceasefire=c,
        expected=v["inflation_expectations"], p=p, B=B))
    v.update(income.wages(
        wage_prev=s.wage, premium_prev=s.premium, output_civilian=v["output_civilian"],
        employment_civilian=v["employment_civilian"], employment_military=v["employment_military"],
        output_military=v["output_military"], procurement=v["procurement_real"],
        unmet_military=v["unmet_military_demand"], army=v["army_personnel"],
        unemployment_share=v["unemployment_share"], inflation_q=v["inflation_q"],
        expected=v["inflation_expectations"], trend=x["trend"], l_bar=x["l_bar"], wage_trend=x["w_trend"],
        transfers=x["transfers"], income_trend=x["income_trend"], trend_wage_growth=k["g_w"], u_nat=k["u_nat"],
        p=p, B=B))
    v.update(income.gdp(
        output_civilian=v["output_civilian"], output_military=v["output_military"], price=v["price_level"],
        wedge_prev=s.wedge, nominal_anchor=x["nominal_anchor"], deflator=x["gdp_deflator"], p=p))
    v.update(fiscal.budget(
        nominal_gdp=v["nominal_gdp"], defence=v["defence_spending"], usd_rub=v["usd_rub"], usd_rub_path=x["usd_rub"],
        usd_rub_path_prev=x_prev["usd_rub"], urals=x["urals_price"], oil_price_cap=lv["oil_price_cap"],
        unlifted=unlifted, oil_volume=x["oil_volume"], oil_anchor=x["oil_anchor"],
        oil_revenue_data=x["oil_gas_revenue"], fiscal_anchor=x["fiscal_anchor"],
        non_oil_share_data=x["non_oil_revenue_gdp"], other_share_data=x["other_spending_gdp"], war=x["war"],
        quarters_left=x["nwf_quarters_left"], nwf_next=x["nwf_liquid_next"], nwf_prev=s.nwf, debt_prev=s.debt,
        key_rate_prev=s.key_rate, p=p, B=B))


def _advance(s: State, v: Mapping[str, Any], k: Mapping[str, Any], p: Any, B: Backend) -> None:
    """Laws of motion: carry this quarter's values into the state of the next."""
    q, cap = v["procurement_real"], s.capacity
    s.lost = s.lost + p.army_attrition * v["army_w"] * (1 - p.army_return_share)  # [N3]
    s.capacity = cap + p.military_capacity_speed * B.maximum(q - cap, 0.0) \
        - p.military_capacity_decay * B.maximum(cap - q, 0.0)  # [Y3]
    s.capital = B.maximum(s.capital * B.exp(-p.investment_sensitivity * (v["real_rate_civilian"] - k["rr_neutral"])
                                            / 400), K_FLOOR)
    s.army_w, s.skilled_x, s.sub, s.drag = v["army_w"], v["skilled_x"], v["substitution"], v["tech_drag"]
    s.employment_military, s.gap, s.income_gap = v["employment_military"], v["gap"], v["income_gap"]
    s.real_rate, s.inflation, s.adaptive, s.key_rate = (
        v["real_rate_civilian"], v["inflation_q"], v["adaptive_expectations"], v["key_rate"])
    s.price_hist = s.price_hist[1:] + [v["price_level"]]
    s.price, s.wage_prev, s.wage, s.premium = v["price_level"], s.wage, v["wage_civilian"], v["wage_premium"]
    s.import_cost, s.nwf, s.debt = v["import_cost"], v["nwf_liquid"], v["new_debt"]
    s.nominal_gdp, s.wedge = v["nominal_gdp"], v["wedge"]


def _rows(columns: Mapping[str, Any], T: int) -> list[dict[str, Any]]:
    """Per-quarter dicts of floats from paths of shape ``(T,)`` (a float is held over all quarters)."""
    lists = [np.asarray(v, dtype=float).tolist() if np.ndim(v) else [float(v)] * T for v in columns.values()]
    return list(map(dict, map(zip, repeat(tuple(columns)), zip(*lists))))


def run(
    p: Mapping[str, np.ndarray],
    x: Mapping[str, np.ndarray],
    levers: Mapping[str, np.ndarray | float],
    *,
    i2021: np.ndarray,
    i_prewar: np.ndarray,
    keep: Collection[str] | None = None,
) -> dict[str, np.ndarray]:
    """Simulate the model for ``n`` parameter draws at once.

    Parameters
    ----------
    p : mapping of str -> array (n,)
        Parameters (every name of ``parameters.csv``).
    x : mapping of str -> array (T,)
        Exogenous paths (:data:`~twosector.model.EXOG`), starting in 2019Q1.
    levers : mapping
        Lever paths ``(T,)`` (intensity x profile) and ceasefire options (floats):
        :data:`~twosector.model.LEVER_KEYS`.
    i2021 : array of int
        Positions of the four quarters of 2021 (the index base: 2021 = 100).
    i_prewar : array of int
        Positions of the pre-war quarters 2019Q1-2021Q4 (the strain-index normalisation).
    keep : collection of str, optional
        Return only these outputs (default: all). Outputs not kept (nor needed for the post-processing)
        are not stored, which saves memory and time for large ensembles.

    Returns
    -------
    dict of str -> array (n, T)
        One array per name in :data:`~twosector.model.OUTPUTS` (or in ``keep``).

    Raises
    ------
    KeyError
        For a name in ``keep`` that is not an output.
    """
    n = int(np.asarray(p["inflation_target"]).shape[0])
    T = int(np.asarray(x["defence_spending"]).shape[0])
    f = {name: np.asarray(v, dtype=float).reshape(n) for name, v in p.items()}
    lever_rows = _rows({name: levers[name] for name in LEVER_KEYS}, T)
    stored = post.stored_outputs(keep)
    B = backend_for(n)
    k = _constants(f, x, i2021, T)
    s = _initial_state(f, k, n)
    if B.name == "scalar":
        params = SimpleNamespace(**{name: float(v[0]) for name, v in f.items()})
        k = {**{name: _as_scalars(v) for name, v in k.items() if name != "paths"}, "paths": k["paths"]}
        for name in State.__slots__:
            setattr(s, name, _as_scalars(getattr(s, name)))
        x_rows = _rows({**{name: x[name] for name in EXOG}, **{name: a[0] for name, a in k["paths"].items()}}, T)
    else:
        params = SimpleNamespace(**f)
        x_rows = _rows({name: x[name] for name in EXOG}, T)
        for t, row in enumerate(x_rows):
            row.update({name: a[:, t] for name, a in k["paths"].items()})
    paths = np.empty((T, len(stored), n))  # one (outputs, draws) slab per quarter
    pick = itemgetter(*stored)
    for t in range(T):
        v = _real_side(s, x_rows[t], lever_rows[t], k, params, B)
        _nominal_side(v, s, x_rows[t], x_rows[t - 1] if t else x_rows[0], lever_rows[t], k, params, B)
        B.store(paths[t], pick(v))
        _advance(s, v, k, params, B)
    out = {name: paths[:, j, :].T for j, name in enumerate(stored)}  # (n, T) views
    return post.finish(out, f, k["paths"], i2021, i_prewar, keep)

