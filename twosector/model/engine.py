"""The engine: the blocks composed into one quarterly step, iterated over time for all draws at once.

:func:`run` takes parameters as arrays of shape ``(n,)``, exogenous and lever paths as arrays of shape
``(T,)``, and returns one ``(n, T)`` array per output. The only Python loop is over time; all draws advance
together (:data:`~.backend.VECTOR`), or, for a single draw, on Python floats (:data:`~.backend.SCALAR`). No
pandas here. Every equation is written out, with its tag, in ``docs/model.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import cache
from operator import itemgetter
from typing import Any

import numpy as np

from twosector.model import demand, fiscal, income, post, prices, supply
from twosector.model.backend import SCALAR, VECTOR, Backend, backend_for, reusable
from twosector.model.catalogue import EXOG, LEVER_KEYS

__all__ = ["run", "run_many", "parameters", "DERIVED", "REPORTED", "K_FLOOR", "COVID_QUARTERS"]

K_FLOOR = 0.5  # civilian capital cannot fall below half its pre-war trend
#: the quarters of the COVID demand shock (positions relative to 2021Q1) and their parameters
COVID_QUARTERS = {-3: "covid_2020q2", -2: "covid_2020q3", -1: "covid_2020q4", 0: "covid_2021q1"}
#: the parameter-only terms of every block (``<module>.DERIVED``) and of the laws of motion, computed once per
#: run: name -> function of the parameters ``p`` and the backend ``B``
DERIVED: dict[str, Any] = {
    **supply.DERIVED, **demand.DERIVED, **prices.DERIVED, **income.DERIVED, **fiscal.DERIVED,
    "army_no_return": lambda p, B: 1 - p.army_return_share,
    "investment_sensitivity_neg": lambda p, B: -p.investment_sensitivity,
    "military_investment_rate_neg": lambda p, B: -p.military_investment_rate,
}


@dataclass(slots=True)
class State:
    """What one quarter hands to the next (floats, or arrays of shape ``(n,)``)."""

    army_w: Any
    lost: Any
    army_out: Any  # the labour force's army deduction (army personnel plus non-returning leavers)
    skilled_x: Any
    substitution: Any
    drag: Any
    capital: Any
    capital_military: Any
    employment_military: Any
    utilisation_military: Any
    orders_expected: Any
    employment_civilian: Any
    labour_force: Any
    price_military: Any
    gap: Any
    real_rate: Any
    income_gap: Any
    income_change: Any
    anchor: Any
    stance_hist: Any  # the fiscal stance of the last four quarters, oldest first (None before the first quarter)
    price: Any
    price_hist: list[Any]  # price levels of the last four quarters, oldest first
    passed_hist: list[Any]  # the sanctions cost passed into prices in the last three quarters, oldest first
    inflation: Any
    core: Any
    imported: Any
    cpi: Any
    adaptive: Any
    record: Any
    key_rate: Any
    lending: Any
    wage: Any
    ulc_gap: Any
    premium: Any
    fx_base: Any
    fx: Any
    priced: Any  # the import-cost index as consumer prices carry it [P3a]
    markup_military: Any  # the markup as military prices carry it [P3a]
    nwf: Any
    debt: Any
    ofz: Any
    spread: Any
    nominal_gdp: Any
    ngdp_hist: list[Any]  # nominal GDP of the last four quarters, oldest first
    wedge: Any
    defence_share: Any
    other_share: Any
    interest: Any


def _constants(f: Mapping[str, np.ndarray], x: Mapping[str, np.ndarray], i2021: np.ndarray, T: int) -> dict[str, Any]:
    """Derived constants, the no-war reference paths [T1] [T2] and the COVID shock of one run, as arrays.

    The paths have shape ``(T, n)``: a contiguous row per quarter, which the loop reads as it is.
    """
    n = f["inflation_target"].shape[0]
    t_mid = float(np.mean(i2021))  # time of the 2021 base (mid-2021)
    tt = np.arange(T, dtype=float) - t_mid  # quarters from the base
    g_pot, g_lf = f["potential_growth"], f["labour_force_growth"]
    g_w = g_pot - g_lf  # trend real wage (labour productivity) growth, % per year
    u_nat, n_m0 = f["unemployment_natural"] / 100, f["employment_military_2021"]
    trend = _growth_path(tt, g_pot)  # pre-war potential path of civilian output (2021 = 1)
    lf_trend = _growth_path(tt, g_lf)
    lf_trend *= f["labour_force_2021"]
    l_bar = np.multiply(lf_trend, 1 - u_nat, out=reusable(lf_trend.shape))  # no-war civilian employment
    l_bar -= n_m0
    w_trend = _growth_path(tt, g_w)  # no-war real wage path (2021 = 1)
    # real transfers, indexed to trend
    transfers = np.multiply(w_trend, f["transfer_share"], out=reusable(w_trend.shape))
    transfers *= l_bar
    income_trend = np.add(l_bar, n_m0 * (1 + f["wage_premium_base"]), out=reusable(l_bar.shape))
    income_trend *= w_trend
    income_trend += transfers
    military_n0 = np.divide(lf_trend, f["labour_force_2021"], out=reusable(lf_trend.shape))
    military_n0 *= n_m0
    covid = reusable((T, n))
    covid.fill(0.0)
    for offset, name in COVID_QUARTERS.items():
        covid[int(i2021[0]) + offset] = f[name]
    defence_2021 = float(np.mean(x["defence_spending"][i2021]))
    return {
        "t_mid": t_mid, "g_w": g_w, "u_nat": u_nat,
        "rr_neutral": f["neutral_real_rate"] + f["lending_spread"],  # neutral real civilian lending rate
        "defence_2021": defence_2021, "procurement_2021": (1 - f["personnel_share_2021"]) * defence_2021,
        "paths": {"trend": trend, "lf_trend": lf_trend, "l_bar": l_bar, "w_trend": w_trend, "military_n0": military_n0,
                  "transfers": transfers, "income_trend": income_trend, "covid": covid},
    }


def _growth_path(tt: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """``exp(outer(tt, growth) / 400)``, shape ``(T, n)``: a path growing at ``growth`` % per year from 1 at ``tt = 0``.

    In a reusable array (:func:`~.backend.reusable`), computed in place (the same operations as the expression).
    """
    path = np.outer(tt, growth, out=reusable((tt.shape[0], growth.shape[0])))
    path /= 400
    return np.exp(path, out=path)


def _initial_state(f: Mapping[str, np.ndarray], k: Mapping[str, Any], x0: Mapping[str, float], n: int) -> State:
    """The state before 2019Q1: no war, prices, wages and output on their target and trend paths."""
    target, g_w, paths = f["inflation_target"], k["g_w"], k["paths"]
    p0 = np.exp(-target * k["t_mid"] / 400)  # price level in the first quarter (2021 = 1 on the target path)
    price = p0 * np.exp(-target / 400)
    wage = paths["w_trend"][0] * np.exp(-g_w / 400)
    key_rate = np.maximum(f["neutral_real_rate"] + target, f["key_rate_floor"])
    zeros = np.zeros(n)
    ngdp0 = f["nominal_gdp_2021"] / 4 * np.exp(-(f["potential_growth"] + target) * (k["t_mid"] + 1) / 400)
    return State(
        army_w=zeros.copy(), lost=zeros.copy(), army_out=zeros.copy(), skilled_x=zeros.copy(),
        substitution=zeros.copy(), drag=zeros.copy(), capital=np.ones(n), capital_military=np.ones(n),
        employment_military=f["employment_military_2021"].copy(), utilisation_military=np.ones(n),
        orders_expected=100 * paths["trend"][0], employment_civilian=paths["l_bar"][0].copy(),
        labour_force=paths["lf_trend"][0] * np.exp(-f["labour_force_growth"] / 400),
        price_military=price.copy(), gap=zeros.copy(), real_rate=k["rr_neutral"].copy(), income_gap=zeros.copy(),
        income_change=zeros.copy(),
        anchor=100 * paths["trend"][0], stance_hist=None, price=price,
        price_hist=[p0 * np.exp(-target * j / 400) for j in (4, 3, 2, 1)], passed_hist=[zeros.copy()] * 3,
        inflation=target.copy(),
        core=target.copy(), imported=zeros.copy(), cpi=target.copy(), adaptive=target.copy(), record=zeros.copy(),
        key_rate=key_rate,
        lending=key_rate + f["lending_spread"], wage=wage, ulc_gap=zeros.copy(),
        premium=f["wage_premium_base"].copy(), fx_base=zeros + x0["usd_rub"], fx=zeros + x0["usd_rub"],
        priced=1 + f["controlled_import_share"] * x0["import_markup"] / 100,
        markup_military=zeros + x0["import_markup"], nwf=f["nwf_liquid_2021"].copy(), debt=zeros.copy(),
        ofz=key_rate + f["ofz_spread"],
        spread=zeros.copy(), wedge=np.ones(n), defence_share=zeros.copy(), other_share=zeros.copy(),
        interest=f["interest_share"] / 400 * f["nominal_gdp_2021"]
        * np.exp(-(f["potential_growth"] + target) * (k["t_mid"] + 1) / 400),
        nominal_gdp=ngdp0,
        ngdp_hist=[ngdp0 * np.exp(-(f["potential_growth"] + target) * j / 400) for j in (3, 2, 1, 0)],
    )


@cache
def _slotted(names: tuple[str, ...]) -> type:
    """A class with one slot per name (one class per set of names)."""
    return type("Parameters", (), {"__slots__": names})


def parameters(values: Mapping[str, Any], B: Backend = SCALAR) -> Any:
    """The parameters as attributes (``p.name``) of a slotted object, with their derived terms.

    The blocks read over a hundred parameters a quarter; a slot is read several times faster than an entry of
    an instance dict (``SimpleNamespace``), which matters on the scalar path. The terms of :data:`DERIVED` are
    computed here once instead of every quarter (each is a numpy call a quarter on the vectorised path).

    Parameters
    ----------
    values : mapping of str -> float or array (n,)
        Parameters by name (a subset is allowed: a derived term whose parameters are missing is left out).
    B : Backend, default SCALAR
        The backend of the values (:data:`~twosector.model.backend.VECTOR` for arrays).

    Returns
    -------
    object
        ``p.<name>`` for every name of ``values`` and of :data:`DERIVED` that could be computed.
    """
    p = _slotted(tuple(dict.fromkeys([*values, *DERIVED])))()
    for name, value in values.items():
        setattr(p, name, value)
    for name, rule in DERIVED.items():
        try:
            setattr(p, name, rule(p, B))
        except AttributeError:  # a parameter it needs is missing
            continue
    return p


def _as_scalars(value: Any) -> Any:
    """One-draw arrays as Python floats (lists element-wise; None stays None)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_as_scalars(v) for v in value]
    return value.item() if isinstance(value, np.ndarray) else float(value)


def _supply_side(s: State, x: Mapping[str, Any], lv: Mapping[str, float], k: Mapping[str, Any], p: Any,
                 B: Backend) -> dict[str, Any]:
    """Labour supply, critical inputs, defence spending and the military sector, civilian potential."""
    c = lv["ceasefire"]
    v = supply.labour_supply(
        army_w=s.army_w, lost=s.lost, skilled_x=s.skilled_x, lf_trend=x["lf_trend"], mobilised=x["mobilised"],
        recruits=x["contract_recruits"], emigrants=x["emigrants"], ceasefire=c,
        demobilisation=lv["ceasefire_demobilisation"], skilled_emigration=lv["skilled_emigration"], p=p)
    v["unlifted"] = unlifted = 1.0 - c * lv["ceasefire_sanction_relief"]  # share of sanctions not lifted [L1]
    v.update(supply.critical_inputs(
        stock=s.substitution, drag=s.drag, availability=x["critical_availability"],
        input_sanctions=lv["input_sanctions"], secondary_sanctions=lv["secondary_sanctions"],
        tech_controls=lv["tech_controls"], unlifted=unlifted, p=p, B=B))
    # [B0] budgets are set on the nominal GDP expected for the quarter: last quarter's, grown at its average
    # growth over the last three quarters
    v["nominal_gdp_expected"] = ngdp = s.nominal_gdp * (s.nominal_gdp / s.ngdp_hist[0]) ** (1 / 3)
    # [Y1] the budget's defence path in plan years, its last share of GDP after them; levers scale it
    path = x["defence_spending"] if x["defence_plan"] else s.defence_share * ngdp
    v["defence_spending"] = defence = path * ((1 + lv["defence_spending"]) * (1 - lv["ceasefire_defence_cut"] * c))
    v.update(supply.defence_split(defence=defence, army=v["army_personnel"], price=s.price,
                                  defence_2021=k["defence_2021"], p=p, B=B))
    v.update(supply.military(
        procurement=v["procurement"], price_m_prev=s.price_military, capital=s.capital_military,
        employment_prev=s.employment_military, utilisation_prev=s.utilisation_military,
        expected_prev=s.orders_expected, m_rho=v["m_rho"], drag=v["tech_drag"], trend=x["trend"],
        n0=x["military_n0"], procurement_2021=k["procurement_2021"], wartime=x["war"], p=p, B=B))
    v["preferential_credit"] = p.preferential_credit_ratio * v["procurement"] * (x["preferential_credit"] * (1 - c))
    v.update(supply.civilian_supply(
        labour_force=v["labour_force"], employment_military=v["employment_military"],
        skilled_emigrants=v["skilled_emigrants"], capital=s.capital, tech_drag=v["tech_drag"], m_rho=v["m_rho"],
        trend=x["trend"], lockdown=p.covid_supply_share * x["covid"], l_bar=x["l_bar"], p=p, B=B))
    return v


def _demand_side(v: dict[str, Any], s: State, x: Mapping[str, Any], k: Mapping[str, Any], p: Any,
                 B: Backend) -> None:
    """The fiscal stance, civilian demand, employment and output, the labour market; adds to ``v``."""
    v["tax_rate"] = p.non_oil_tax_rate + x["tax_package"]
    # [B3] non-defence primary spending: the envelope of the data or the budget law less interest, then held
    if x["other_spending_law"]:  # a budget law's nominal amount
        v["other_planned"] = x["other_spending_law"] - s.interest
    elif x["spending_plan"]:
        v["other_planned"] = x["other_spending_gdp"] / 100 * v["nominal_gdp_expected"] - s.interest
    else:
        v["other_planned"] = s.other_share * v["nominal_gdp_expected"]
    v["fiscal_stance"] = stance = demand.fiscal_stance(
        defence=v["defence_spending"], other_spending=v["other_planned"],
        preferential_credit=v["preferential_credit"], nominal_gdp=v["nominal_gdp_expected"], tax_rate=v["tax_rate"],
        p=p)
    v.update(demand.civilian_demand(
        gap_prev=s.gap, real_rate_prev=s.real_rate, income_change=s.income_change, stance=stance,
        stance_4q_ago=stance if s.stance_hist is None else s.stance_hist[0], shock=x["demand_shock"] + x["covid"],
        anchor=s.anchor, potential=v["potential_civilian"],
        rr_neutral=k["rr_neutral"], p=p, B=B))
    v.update(supply.civilian_employment(
        demand=v["civilian_demand"], employment_prev=s.employment_civilian,
        drift=supply.workforce_drift(labour_force=v["labour_force"], labour_force_prev=s.labour_force,
                                     army_out=v["army_out"], army_out_prev=s.army_out, B=B),
        n_max=v["n_max"],
        tech=v["technology"], p=p, B=B))
    v.update(demand.labour_market(
        labour_force=v["labour_force"], employment_military=v["employment_military"],
        employment_civilian=v["employment_civilian"], labour_needed=v["labour_needed"],
        military_labour_demand=v["military_labour_demand"], u_nat=k["u_nat"], p=p, B=B))


def _nominal_side(v: dict[str, Any], s: State, x: Mapping[str, Any], x_prev: Mapping[str, Any],
                  lv: Mapping[str, float], k: Mapping[str, Any], p: Any, B: Backend) -> None:
    """The ruble, expectations, prices, rates, wages and incomes, GDP and the budget; adds to ``v``."""
    unlifted = v["unlifted"]
    # [L2] secondary sanctions: payment and settlement costs (% of trade value) on all imports and exports
    v["settlement_cost"] = settlement = p.secondary_settlement_max * (lv["secondary_sanctions"] * unlifted)
    v["realised_urals"] = realised = B.maximum(x["urals_price"] - lv["oil_price_cap"] * unlifted, 1.0) \
        * (1 - settlement / 100)
    v.update(prices.exchange_rate(
        fx_data=x["usd_rub"], fx_anchor=x["fx_anchor"], base_prev=s.fx_base, inflation_prev=s.inflation,
        urals=x["urals_price"], urals_prev=x_prev["urals_price"], realised=realised, p=p, B=B, shock=x["fx_shock"]))
    v.update(prices.expectations(
        adaptive_prev=s.adaptive, record_prev=s.record, cpi_prev=s.cpi,
        survey=x["inflation_survey"], survey_flag=x["survey_anchor"], p=p, B=B))
    v["import_markup"] = markup = (x["import_markup"] + p.sanction_markup_max * lv["input_sanctions"]
                                   + p.secondary_markup_max * lv["secondary_sanctions"]) * unlifted
    v.update(prices.prices(
        usd_rub=v["usd_rub"], usd_rub_prev=s.fx, import_markup=markup, settlement=settlement, priced_prev=s.priced,
        inflation_prev=s.inflation, core_prev=s.core, imported_prev=s.imported, expected=v["inflation_expectations"],
        price_prev=s.price, price_4q_ago=s.price_hist[0], demand_gap=v["demand_gap"], ulc_gap_prev=s.ulc_gap,
        p=p, B=B))
    v.update(prices.rates(
        cpi_inflation=v["cpi_inflation"],
        sanctions_passed_4q=s.passed_hist[0] + s.passed_hist[1] + s.passed_hist[2] + v["sanctions_passed"],
        credibility=v["credibility"],
        demand_gap=v["demand_gap"], key_rate_prev=s.key_rate,
        rate_anchor=x["rate_anchor"], key_rate_data=x["key_rate_data"], lending_prev=s.lending,
        sovereign_spread=s.spread, preferential_flag=x["preferential_credit"], ceasefire=lv["ceasefire"],
        expected=v["inflation_expectations"], p=p, B=B))
    v.update(income.wages(
        wage_prev=s.wage, premium_prev=s.premium, output_civilian=v["output_civilian"],
        employment_civilian=v["employment_civilian"], employment_military=v["employment_military"],
        output_military=v["output_military"], procurement=v["procurement_real"],
        unmet_military=v["unmet_military_demand"], unemployment_share=v["unemployment_share"],
        inflation_q=v["inflation_q"], expected=v["inflation_expectations"], trend=x["trend"], l_bar=x["l_bar"],
        wage_trend=x["w_trend"], trend_wage_growth=k["g_w"], u_nat=k["u_nat"], potential=v["potential_civilian"],
        l_pot=v["l_pot"], p=p, B=B))
    v.update(income.household_income(
        wage_civilian=v["wage_civilian"], wage_military=v["wage_military"],
        employment_civilian=v["employment_civilian"], employment_military=v["employment_military"],
        personnel=v["personnel_spending"], price=v["price_level"], transfers=x["transfers"],
        income_trend=x["income_trend"], p=p, B=B))
    v.update(income.gdp(
        output_civilian=v["output_civilian"], output_military=v["output_military"], price=v["price_level"],
        wedge_prev=s.wedge, nominal_anchor=x["nominal_anchor"], deflator=x["gdp_deflator"], p=p))
    v.update(fiscal.budget(
        nominal_gdp=v["nominal_gdp"], defence=v["defence_spending"], other_planned=v["other_planned"],
        tax_rate=v["tax_rate"], usd_rub=v["usd_rub"], usd_rub_prev=s.fx, realised=realised,
        oil_volume=x["oil_volume"], war=x["war"], quarters_left=x["nwf_quarters_left"],
        nwf_next=x["nwf_liquid_next"], nwf_prev=s.nwf, debt_prev=s.debt, ofz_prev=s.ofz, key_rate=v["key_rate"],
        p=p, B=B))


#: outputs no block and no law of motion reads: computed only when they are stored (``keep``)
REPORTED: dict[str, Any] = {
    "output_gap_civilian": lambda v, p, B: 100 * B.log(v["output_civilian"] / v["potential_civilian"]),
    "hours_civilian": lambda v, p, B: supply.civilian_hours(
        output=v["output_civilian"], employment=v["employment_civilian"], tech=v["technology"], p=p, B=B),
    "real_wage": lambda v, p, B: income.average_wage(
        wage_civilian=v["wage_civilian"], wage_military=v["wage_military"],
        employment_civilian=v["employment_civilian"], employment_military=v["employment_military"]),
    "budget_balance_gdp": lambda v, p, B: fiscal.share_of_gdp(v["budget_balance"], v["nominal_gdp"]),
    "defence_spending_gdp": lambda v, p, B: fiscal.share_of_gdp(v["defence_spending"], v["nominal_gdp"]),
}


def _advance(s: State, v: Mapping[str, Any], x: Mapping[str, Any], k: Mapping[str, Any], p: Any,
             B: Backend) -> None:
    """Laws of motion: carry this quarter's values into the state of the next."""
    s.lost = s.lost + p.army_attrition * v["army_w"] * p.army_no_return  # [N3]
    rate = p.investment_sensitivity_neg * (v["real_rate_civilian"] - k["rr_neutral"]) / 400
    growth = rate + supply.capital_growth(drag=v["tech_drag"], loss=p.renewal_loss_civilian) \
        + supply.substitution_investment(built=v["import_substitution"] - s.substitution, p=p)
    s.capital = B.maximum(s.capital * B.exp(growth), K_FLOOR)  # [C7] [M5] [M6]
    # [Y8] military capital grows while orders exceed output at normal utilisation, faster when credit is cheap
    # (preferential loans at the military lending rate); idle capacity is mothballed slowly
    cost = B.exp(p.military_investment_rate_neg * (v["lending_rate_military"] - v["inflation_expectations"]) / 100)
    excess = B.maximum(v["military_overload"], 0.0)
    idle = B.maximum(1 - v["military_utilisation"], 0.0)
    growth = p.military_investment * excess * cost - p.military_depreciation * idle \
        + supply.capital_growth(drag=v["tech_drag"], loss=p.renewal_loss_military)  # [M5]
    s.capital_military = s.capital_military * B.exp(growth)
    markup = prices.priced(cost=v["import_markup"], priced_prev=s.markup_military, p=p, B=B)  # [P3a]
    s.price_military = supply.military_price(  # [Y7]
        price_prev=s.price_military, inflation_q=v["inflation_q"], sanctions_cost=v["sanctions_cost"],
        markup=markup, markup_prev=s.markup_military, excess=excess, war=x["war"], p=p, B=B)
    s.markup_military = markup
    # [D4] next quarter's demand anchor: this quarter's potential output grown at the trend
    s.anchor = v["potential_civilian"] * x["trend_factor"]
    if x["defence_plan"]:
        s.defence_share = x["defence_spending"] / v["nominal_gdp_expected"]
    if x["spending_plan"]:
        s.other_share = v["other_planned"] / v["nominal_gdp_expected"]
    s.army_w, s.skilled_x = v["army_w"], v["skilled_x"]
    s.army_out = v["army_out"]
    s.substitution, s.drag = v["import_substitution"], v["tech_drag"]
    s.employment_military, s.employment_civilian = v["employment_military"], v["employment_civilian"]
    s.labour_force = v["labour_force"]
    s.utilisation_military, s.orders_expected = v["military_utilisation"], v["orders_expected"]
    s.gap, s.real_rate = v["gap"], v["real_rate_civilian"]
    s.stance_hist = (s.stance_hist or [v["fiscal_stance"]] * 4)[1:] + [v["fiscal_stance"]]
    s.income_change, s.income_gap = v["income_gap"] - s.income_gap, v["income_gap"]
    s.core, s.imported = v["core_inflation"], v["imported_inflation"]
    s.inflation, s.cpi = v["inflation_q"], v["cpi_inflation"]
    s.adaptive, s.record = v["adaptive_expectations"], v["inflation_record"]
    s.key_rate, s.lending = v["key_rate"], v["lending_rate_civilian"]
    s.price_hist = s.price_hist[1:] + [v["price_level"]]
    s.passed_hist = s.passed_hist[1:] + [v["sanctions_passed"]]
    s.price, s.wage, s.premium = v["price_level"], v["wage_civilian"], v["wage_premium"]
    s.ulc_gap = v["unit_labour_cost_gap"]
    s.fx_base, s.fx, s.priced = v["usd_rub_base"], v["usd_rub"], v["sanctions_priced"]
    s.nwf, s.debt, s.ofz, s.spread = v["nwf_liquid"], v["new_debt"], v["ofz_rate"], v["sovereign_spread"]
    s.nominal_gdp, s.wedge, s.interest = v["nominal_gdp"], v["wedge"], v["interest"]
    s.ngdp_hist = s.ngdp_hist[1:] + [v["nominal_gdp"]]


def _rows(columns: Mapping[str, Any], T: int) -> list[dict[str, Any]]:
    """Per-quarter dicts of floats from paths of shape ``(T,)`` (a float is held over all quarters)."""
    lists = [np.asarray(v, dtype=float).tolist() if np.ndim(v) else [float(v)] * T for v in columns.values()]
    names = tuple(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True)]


def _lever_rows(levers: Mapping[str, np.ndarray | float], n: int, T: int, B: Backend) -> list[dict[str, Any]]:
    """Per-quarter dicts of lever values: floats, or arrays ``(n,)`` for levers that differ by draw."""
    draws = {name: np.ascontiguousarray(np.transpose(levers[name]), dtype=float)  # (T, n): a row per quarter
             for name in LEVER_KEYS if np.ndim(levers[name]) == 2}
    rows = _rows({name: levers[name] for name in LEVER_KEYS if name not in draws}, T)
    for t, row in enumerate(rows):
        if B.name == "scalar":
            row.update({name: float(a[t, 0]) for name, a in draws.items()})
        else:
            row.update({name: a[t] for name, a in draws.items()})
    return rows


def _same_row(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(a[name] is b[name] or np.array_equal(a[name], b[name]) for name in a)


def _setup(f: Mapping[str, np.ndarray], x: Mapping[str, np.ndarray], i2021: np.ndarray, T: int, B: Backend
           ) -> tuple[Any, dict[str, Any], list[dict[str, Any]], State]:
    """The parameters, constants, per-quarter exogenous rows and initial state of a run, in ``B``'s values."""
    n = f["inflation_target"].shape[0]
    k = _constants(f, x, i2021, T)
    exog = {name: x[name] for name in EXOG}
    per_draw = {name: np.asarray(exog.pop(name), dtype=float) for name in list(exog) if np.ndim(exog[name]) == 2}
    s = _initial_state(f, k, {name: float(np.asarray(v, dtype=float).reshape(-1)[0])
                              for name, v in {**exog, **per_draw}.items()}, n)
    if B.name == "scalar":
        params = parameters({name: float(v[0]) for name, v in f.items()}, B)
        k = {**{name: _as_scalars(v) for name, v in k.items() if name != "paths"}, "paths": k["paths"]}
        for name in State.__slots__:
            setattr(s, name, _as_scalars(getattr(s, name)))
        x_rows = _rows({**exog, **{name: a[0] for name, a in per_draw.items()},
                        **{name: a[:, 0] for name, a in k["paths"].items()}}, T)
    else:
        params = parameters(f, B)
        x_rows = _rows(exog, T)
        # (T, n): a contiguous row per quarter (the paths are built so)
        by_quarter = {**{name: _rows_of(a) for name, a in per_draw.items()}, **k["paths"]}
        for t, row in enumerate(x_rows):
            row.update({name: a[t] for name, a in by_quarter.items()})
    # [D4] the anchor's growth factor, the same every quarter
    trend_factor = B.exp(params.potential_growth / 400)
    for row in x_rows:
        row["trend_factor"] = trend_factor
    return params, k, x_rows, s


def _rows_of(a: np.ndarray) -> np.ndarray:
    """A path ``(n, T)`` as contiguous rows ``(T, n)``, in a reusable array."""
    rows = reusable(a.shape[::-1])
    rows[...] = a.T
    return rows


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
    x : mapping of str -> array (T,) or (n, T)
        Exogenous paths (:data:`~twosector.model.EXOG`), starting in 2019Q1; a path of shape ``(n, T)`` has one
        row per draw (a Monte Carlo's exogenous risks: ``urals_price``, ``usd_rub``, ``fx_shock``; not the 0/1
        switches, which steer the quarter's branches for all draws).
    levers : mapping
        Lever paths ``(T,)`` (intensity x profile) and ceasefire options (floats):
        :data:`~twosector.model.LEVER_KEYS`; a lever path of shape ``(n, T)`` has one row per draw (the grid
        points of a sweep, the lever factors of a sensitivity analysis).
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
    return run_many(p, x, [levers], i2021=i2021, i_prewar=i_prewar, keep=keep)[0]


def run_many(
    p: Mapping[str, np.ndarray],
    x: Mapping[str, np.ndarray],
    lever_sets: Sequence[Mapping[str, np.ndarray | float]],
    *,
    i2021: np.ndarray,
    i_prewar: np.ndarray,
    keep: Collection[str] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Simulate several lever sets on the same draws and exogenous paths: :func:`run` for each, in one pass.

    The quarters before the lever sets first differ are simulated once, and each set continues from there:
    a Monte Carlo's scenario and its baseline share their history. The numbers are those of :func:`run`.

    Parameters
    ----------
    p, x, i2021, i_prewar, keep
        As in :func:`run`.
    lever_sets : sequence of mappings
        One ``levers`` mapping of :func:`run` per simulation.

    Returns
    -------
    list of dict of str -> array (n, T)
        The outputs of :func:`run` for each lever set, in order.

    Raises
    ------
    KeyError
        For a name in ``keep`` that is not an output.
    """
    n = int(np.asarray(p["inflation_target"]).shape[0])
    B = backend_for(n)
    try:
        return _run_many(p, x, lever_sets, i2021, i_prewar, keep, B)
    except ArithmeticError:
        if B is not SCALAR:
            raise
    # a single draw whose paths explode: Python floats raise (a division by a zero output) where numpy's
    # conventions give inf or NaN, which the plausibility guard then reports with the variable and the quarter
    with np.errstate(all="ignore"):
        return _run_many(p, x, lever_sets, i2021, i_prewar, keep, VECTOR)


def _run_many(
    p: Mapping[str, np.ndarray], x: Mapping[str, np.ndarray], lever_sets: Sequence[Mapping[str, np.ndarray | float]],
    i2021: np.ndarray, i_prewar: np.ndarray, keep: Collection[str] | None, B: Backend,
) -> list[dict[str, np.ndarray]]:
    n = int(np.asarray(p["inflation_target"]).shape[0])
    T = int(np.asarray(x["defence_spending"]).shape[0])
    # contiguous: a column of a table of draws is a strided view, which slows every numpy call that reads it
    f = {name: np.ascontiguousarray(v, dtype=float).reshape(n) for name, v in p.items()}
    stored = post.stored_outputs(keep)
    lever_rows = [_lever_rows(levers, n, T, B) for levers in lever_sets]
    params, k, x_rows, s = _setup(f, x, i2021, T, B)
    pick = itemgetter(*stored)
    reported = [(name, rule) for name, rule in REPORTED.items() if name in stored]

    def quarters(s: State, rows: list[dict[str, Any]], slab: np.ndarray, first: int, stop: int) -> None:
        for t in range(first, stop):
            v = _supply_side(s, x_rows[t], rows[t], k, params, B)
            _demand_side(v, s, x_rows[t], k, params, B)
            _nominal_side(v, s, x_rows[t], x_rows[t - 1] if t else x_rows[0], rows[t], k, params, B)
            for name, rule in reported:
                v[name] = rule(v, params, B)
            B.store(slab, t, pick(v))
            _advance(s, v, x_rows[t], k, params, B)

    shared = next((t for t in range(T) if not all(_same_row(rows[t], lever_rows[0][t]) for rows in lever_rows)), T)
    slab = reusable((T, len(stored), n))  # one (outputs, draws) slab per quarter
    quarters(s, lever_rows[0], slab, 0, shared)
    results = []
    for i, rows in enumerate(lever_rows):
        if i == len(lever_rows) - 1:  # the last set takes the shared quarters over
            own = slab
        else:
            own = reusable(slab.shape)
            own[:shared] = slab[:shared]
        quarters(replace(s) if i < len(lever_rows) - 1 else s, rows, own, shared, T)
        out = {name: own[:, j, :].T for j, name in enumerate(stored)}  # (n, T) views
        # a single run's exploded paths (inf, NaN) are the plausibility guard's to report: numpy's warnings would only
        # repeat it (runs of many draws keep them, as the loop does)
        exploded = B is SCALAR and not np.isfinite(own).all()
        with np.errstate(all="ignore") if exploded else nullcontext():
            results.append(post.finish(out, f, k["paths"], i2021, i_prewar, keep))
    return results
