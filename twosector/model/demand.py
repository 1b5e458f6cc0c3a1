"""Civilian demand (IS curve) and the labour market: employment, unemployment and the labour shortage.

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend
from twosector.model.supply import Technology, require

__all__ = ["GAP_BOUND", "civilian_demand", "employment"]

Value = Any  # float or np.ndarray of shape (n,)

GAP_BOUND = 25.0  # bound of the demand gap d (% of the anchor), a guard against explosive draws


def civilian_demand(
    *, gap_prev: Value, real_rate_prev: Value, income_gap_prev: Value, nominal_gdp_prev: Value, defence: Value,
    preferential_flag: float, ceasefire: float, demand_shock: float, potential: Value, capacity: Value,
    trend: Value, rr_neutral: Value, defence_share_2021: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[D1]-[D4] quasi-fiscal credit, the demand gap, civilian demand and output.

    ``gap_prev`` is last quarter's demand gap ``d`` (% of the anchor), ``income_gap_prev`` last quarter's
    household income relative to its no-war path (100 × log), ``real_rate_prev`` last quarter's real civilian
    lending rate (% per year).
    """
    pref = p.preferential_credit_ratio * defence * preferential_flag * (1 - ceasefire)
    d = (p.is_persistence * gap_prev - p.is_rate * (real_rate_prev - rr_neutral)
         + p.is_income * income_gap_prev + p.is_quasi_fiscal * 100 * pref / nominal_gdp_prev
         + p.is_defence * 100 * (defence / nominal_gdp_prev - defence_share_2021)
         + demand_shock)
    d = B.clip(d, -GAP_BOUND, GAP_BOUND)  # numerical guard (documented), inactive in the baseline
    kappa = p.demand_potential_link
    demand = (100 * trend) ** (1 - kappa) * potential**kappa * B.exp(d / 100)
    y_c = B.minimum(demand, capacity)
    return {
        "preferential_credit": pref, "gap": d, "civilian_demand": demand, "output_civilian": y_c,
        "output_gap_civilian": 100 * B.log(y_c / potential), "demand_gap": 100 * B.log(demand / potential),
    }


def employment(
    *, output: Value, demand: Value, labour_force: Value, employment_military: Value,
    military_labour_demand: Value, l_pot: Value, n_max: Value, tech: Technology, u_nat: Value, p: Any,
    B: Backend,
) -> dict[str, Value]:
    """[E1]-[E5] civilian employment, unemployment and unfilled vacancies (mn persons)."""
    okun = p.okun_coef
    n_c = B.clip(l_pot + okun * (require(output, tech, B) - l_pot), 0.0, n_max)
    unemployed = labour_force - employment_military - n_c
    u = unemployed / labour_force
    unmet_c = B.maximum(l_pot + okun * (require(demand, tech, B) - l_pot) - n_c, 0.0)
    unmet_m = military_labour_demand - employment_military
    shortage = p.vacancies_frictional * B.exp(p.vacancy_tightness * 100 * (u_nat - u)) + unmet_c + unmet_m
    return {
        "employment_civilian": n_c, "unemployed": unemployed, "unemployment_share": u,
        "unemployment_rate": 100 * u, "unmet_civilian_demand": unmet_c, "unmet_military_demand": unmet_m,
        "labour_shortage": shortage,
    }
