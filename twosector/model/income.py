"""Wages, household incomes and GDP (real and nominal).

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``. Wages and incomes are real (deflated by the CPI), in model units that the
post-processing turns into indices (2021 = 100).
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["wages", "gdp"]

Value = Any  # float or np.ndarray of shape (n,)


def wages(
    *, wage_prev: Value, premium_prev: Value, output_civilian: Value, employment_civilian: Value,
    employment_military: Value, output_military: Value, procurement: Value, unmet_military: Value,
    army: Value, unemployment_share: Value, inflation_q: Value, expected: Value, trend: Value, l_bar: Value,
    wage_trend: Value, transfers: Value, income_trend: Value, trend_wage_growth: Value, u_nat: Value,
    p: Any, B: Backend,
) -> dict[str, Value]:
    """[W1]-[W5] the civilian real wage, the military wage premium and household incomes.

    ``unemployment_share`` and ``u_nat`` are shares (not %); ``income_trend`` is the no-war household income
    path that defines ``income_gap`` (100 × log deviation, an input of next quarter's demand [D2]).
    """
    prod_rel = (output_civilian / (100 * trend)) / B.maximum(employment_civilian / l_bar, 1e-9)
    wage_gap = 100 * B.log(wage_prev / (wage_trend * prod_rel))
    wc = wage_prev * B.exp((trend_wage_growth / 4 + p.wage_tightness * 100 * (u_nat - unemployment_share)
                            - p.wage_correction * wage_gap
                            - p.wage_erosion * (inflation_q - expected) / 4) / 100)
    target = (p.wage_premium_base + p.wage_premium_unmet * unmet_military / B.maximum(employment_military, 1e-9)
              + p.wage_premium_spend * B.log(B.maximum(procurement, output_military) / output_military))
    premium = premium_prev + p.wage_premium_speed * (target - premium_prev)
    wm = wc * (1 + premium)
    civilian = wc * employment_civilian + transfers
    household = civilian + wm * employment_military + p.army_pay_ratio * wc * army
    return {
        "wage_civilian": wc, "wage_premium": premium, "wage_military": wm, "civilian_real_income": civilian,
        "household_income": household, "income_gap": 100 * B.log(household / income_trend),
    }


def gdp(
    *, output_civilian: Value, output_military: Value, price: Value, wedge_prev: Value, nominal_anchor: float,
    deflator: float, p: Any,
) -> dict[str, Value]:
    """[G1] real GDP (index level) and [G3] nominal GDP (trn RUB per quarter) with the deflator/CPI wedge."""
    w = p.military_va_share / 100
    real = (1 - w) * output_civilian + w * output_military
    wedge = nominal_anchor * deflator / price + (1 - nominal_anchor) * wedge_prev
    return {"gdp": real, "wedge": wedge, "nominal_gdp": p.nominal_gdp_2021 / 4 * real / 100 * price * wedge}
