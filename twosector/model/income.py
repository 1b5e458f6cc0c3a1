"""Wages, household incomes and GDP (real and nominal).

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``. Wages and incomes are real (deflated by the CPI), in units of the 2021
average wage times millions of workers; the post-processing turns them into indices (2021 = 100).
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["DERIVED", "wages", "household_income", "average_wage", "gdp"]

Value = Any  # float or np.ndarray of shape (n,)

#: parameter-only terms of these equations, computed once per run and read as ``p.<name>`` (see
#: :data:`twosector.model.engine.DERIVED`)
DERIVED: dict[str, Any] = {
    # annual rates: four quarters; the tightness per pp of unemployment
    "wage_tightness_pp": lambda p, B: 4 * p.wage_tightness * 100,
    "wage_correction_annual": lambda p, B: 4 * p.wage_correction,
    # the value-added weights of the two sectors in real GDP [G1] and 2021 nominal GDP per quarter
    "military_weight": lambda p, B: p.military_va_share / 100,
    "civilian_weight": lambda p, B: 1 - p.military_weight,
    "nominal_gdp_2021_q": lambda p, B: p.nominal_gdp_2021 / 4,
    "average_wage_2021_q": lambda p, B: p.average_wage_2021 / 4,
}


def wages(
    *, wage_prev: Value, premium_prev: Value, output_civilian: Value, employment_civilian: Value,
    employment_military: Value, output_military: Value, procurement: Value, unmet_military: Value,
    unemployment_share: Value, inflation_q: Value, expected: Value, trend: Value, l_bar: Value,
    wage_trend: Value, trend_wage_growth: Value, u_nat: Value, potential: Value, l_pot: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[W1]-[W3] the civilian real wage, the military wage premium and the military wage.

    The civilian real wage grows with trend productivity, faster when unemployment is below its natural
    rate, corrects towards civilian labour productivity, and is eroded by inflation surprises. The real unit
    labour cost gap, the real wage over *potential* labour productivity (``potential`` output per worker at
    ``l_pot``) relative to the no-war path, feeds the Phillips curve [P4] with a lag: wages that outrun what
    the economy can produce per worker raise costs, while the swings of measured productivity over the cycle
    (hoarding, hours) do not. The defence
    industry pays a premium that rises with its unfilled vacancies and with orders it cannot fill (hiring at a
    premium from the one labour pool).
    """
    potential_path = 100 * trend
    prod_rel = (output_civilian / potential_path) / B.maximum(employment_civilian / l_bar, 1e-9)
    wage_gap = 100 * B.log(wage_prev / (wage_trend * prod_rel))
    growth = (trend_wage_growth + p.wage_tightness_pp * (u_nat - unemployment_share)
              - p.wage_correction_annual * wage_gap - p.wage_erosion * (inflation_q - expected))
    wc = wage_prev * B.exp(growth / 400)
    prod_pot = (potential / potential_path) / B.maximum(l_pot / l_bar, 1e-9)
    ulc_gap = 100 * B.log(wc / (wage_trend * prod_pot))  # real unit labour cost relative to its no-war path
    target = (p.wage_premium_base + p.wage_premium_unmet * unmet_military / B.maximum(employment_military, 1e-9)
              + p.wage_premium_spend * B.log(B.maximum(procurement, output_military) / output_military))
    premium = premium_prev + p.wage_premium_speed * (target - premium_prev)
    return {"wage_civilian": wc, "wage_growth": growth, "unit_labour_cost_gap": ulc_gap, "wage_premium": premium,
            "wage_military": wc * (1 + premium)}


def household_income(
    *, wage_civilian: Value, wage_military: Value, employment_civilian: Value, employment_military: Value,
    personnel: Value, price: Value, transfers: Value, income_trend: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[W4]-[W5] real incomes: civilian households, all households and the economy-wide average wage.

    Soldiers' pay (the personnel part of defence spending, trn RUB per quarter) enters household income once,
    converted into wage units with the 2021 average wage and the price level. ``income_gap`` is household
    income relative to its no-war path (100 × log).
    """
    civilian = wage_civilian * employment_civilian + transfers
    soldiers = personnel / (price * p.average_wage_2021_q)
    household = civilian + wage_military * employment_military + soldiers
    return {
        "civilian_real_income": civilian, "soldier_income": soldiers, "household_income": household,
        "real_disposable_income": household, "income_gap": 100 * B.log(household / income_trend),
    }


def average_wage(*, wage_civilian: Value, wage_military: Value, employment_civilian: Value,
                 employment_military: Value) -> Value:
    """[W4] the economy-wide average real wage: the wage bill of the two sectors over their employment.

    Soldiers' pay is household income [W5], not a wage of the two sectors.
    """
    wage_bill = wage_civilian * employment_civilian + wage_military * employment_military
    return wage_bill / (employment_civilian + employment_military)


def gdp(
    *, output_civilian: Value, output_military: Value, price: Value, wedge_prev: Value, nominal_anchor: float,
    deflator: float, p: Any,
) -> dict[str, Value]:
    """[G1] real GDP (index level) and [G3] nominal GDP (trn RUB per quarter) with the deflator/CPI wedge."""
    real = p.civilian_weight * output_civilian + p.military_weight * output_military
    wedge = nominal_anchor * deflator / price + (1 - nominal_anchor) * wedge_prev
    return {"gdp": real, "wedge": wedge, "nominal_gdp": p.nominal_gdp_2021_q * real / 100 * price * wedge}
