"""Civilian demand (IS curve) and the labour market: unemployment and the labour shortage.

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["DERIVED", "GAP_BOUND", "fiscal_stance", "civilian_demand", "labour_market"]

Value = Any  # float or np.ndarray of shape (n,)

#: parameter-only terms of these equations, computed once per run and read as ``p.<name>`` (see
#: :data:`twosector.model.engine.DERIVED`)
DERIVED: dict[str, Any] = {
    "vacancy_tightness_pp": lambda p, B: p.vacancy_tightness * 100,
}

GAP_BOUND = 25.0  # bound of the demand gap d (% of the anchor), a guard against explosive draws


def fiscal_stance(
    *, defence: Value, other_spending: Value, preferential_credit: Value, nominal_gdp: Value,
    tax_rate: Value, p: Any,
) -> Value:
    """[D1] the fiscal stance: the non-oil primary deficit including quasi-fiscal credit, % of GDP.

    ``(defence + other primary spending + is_quasi_fiscal × preferential credit) / GDP - non-oil tax rate``,
    on the nominal GDP expected for the quarter [B0]. Its change is the fiscal impulse that moves demand [D2].
    """
    flows = defence + other_spending + p.is_quasi_fiscal * preferential_credit
    return 100 * flows / nominal_gdp - tax_rate


def civilian_demand(
    *, gap_prev: Value, real_rate_prev: Value, income_change: Value, stance: Value, stance_4q_ago: Value,
    shock: Value, anchor: Value, potential: Value, rr_neutral: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[D2]-[D3] the demand gap and civilian demand.

    ``d = is_persistence d_prev - is_rate (rr_prev - rr*) + is_fiscal × fiscal impulse + is_income × income
    change + shock``: the fiscal *impulse*, the change of the stance over the last year spread evenly over its
    quarters (budgets are annual), not the stance's level, moves demand, so a permanently high stance does not
    keep the economy overheated; likewise households spend out of changes in
    their real income relative to its no-war path (last quarter's change, 100 × log points), e.g. when a price
    spike erodes real wages. Demand is ``anchor × exp(d/100)``; the anchor follows potential output with
    a lag of one quarter (last quarter's potential grown at the trend): a sudden fall in potential opens a
    positive demand gap at once.
    """
    impulse = (stance - stance_4q_ago) / 4
    d = (p.is_persistence * gap_prev - p.is_rate * (real_rate_prev - rr_neutral) + p.is_fiscal * impulse
         + p.is_income * income_change + shock)
    d = B.clip(d, -GAP_BOUND, GAP_BOUND)  # numerical guard (documented), inactive in the baseline
    demand = anchor * B.exp(d / 100)
    return {"fiscal_impulse": impulse, "gap": d, "civilian_demand": demand,
            "demand_gap": 100 * B.log(demand / potential)}


def labour_market(
    *, labour_force: Value, employment_military: Value, employment_civilian: Value, labour_needed: Value,
    military_labour_demand: Value, u_nat: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[E1]-[E3] unemployment and unfilled vacancies (mn persons)."""
    unemployed = labour_force - employment_military - employment_civilian
    u = unemployed / labour_force
    unmet_c = B.maximum(labour_needed - employment_civilian, 0.0)
    unmet_m = B.maximum(military_labour_demand - employment_military, 0.0)
    shortage = p.vacancies_frictional * B.exp(p.vacancy_tightness_pp * (u_nat - u)) + unmet_c + unmet_m
    return {
        "unemployed": unemployed, "unemployment_share": u, "unemployment_rate": 100 * u,
        "unmet_civilian_demand": unmet_c, "unmet_military_demand": unmet_m, "labour_shortage": shortage,
    }
