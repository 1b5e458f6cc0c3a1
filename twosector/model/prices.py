"""Prices and money: the ruble, import costs, expectations, the Phillips curve, the key rate and lending rates.

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags of ``docs/model.md``. Rates and inflation are in % per year.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["prices", "rates"]

Value = Any  # float or np.ndarray of shape (n,)


def prices(
    *, usd_rub_path: float, urals: float, import_markup: float, oil_price_cap: float, input_sanctions: float,
    secondary_sanctions: float, unlifted: float, usd_rub_2021: float, import_cost_prev: Value | None,
    wage_prev: Value, wage_prev2: Value, inflation_prev: Value, adaptive_prev: Value, price_prev: Value,
    price_4q_ago: Value, demand_gap: Value, trend_wage_growth: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[P1]-[P6] exchange rate, import costs, expectations, quarterly and y/y CPI inflation, price level.

    ``adaptive_prev`` is the adaptive part of expectations (πa) of last quarter; ``import_cost_prev`` is None in
    the first quarter (no import inflation then).
    """
    fx = usd_rub_path * (1 + p.fx_oil_elasticity * oil_price_cap * unlifted / urals)
    markup = import_markup * unlifted + (p.sanction_markup_max * input_sanctions
                                         + p.secondary_markup_max * secondary_sanctions) * unlifted
    ic = fx / usd_rub_2021 * (1 + p.controlled_import_share * markup / 100)
    imp = 0.0 if import_cost_prev is None else 400 * B.log(ic / import_cost_prev)
    ulc = 400 * B.log(wage_prev / wage_prev2) - trend_wage_growth
    adaptive = adaptive_prev + p.expectations_adapt * (inflation_prev - adaptive_prev)
    expected = p.expectations_anchor * p.inflation_target + (1 - p.expectations_anchor) * adaptive
    pi = (p.phillips_lag * inflation_prev + (1 - p.phillips_lag) * expected + p.phillips_slope * demand_gap
          + p.phillips_import * imp + p.phillips_ulc * ulc)
    price = price_prev * B.exp(pi / 400)
    return {
        "usd_rub": fx, "import_cost": ic, "adaptive_expectations": adaptive, "inflation_expectations": expected,
        "inflation_q": pi, "price_level": price, "cpi_inflation": 100 * (price / price_4q_ago - 1),
    }


def rates(
    *, cpi_inflation: Value, demand_gap: Value, key_rate_prev: Value, rate_anchor: float, key_rate_data: float,
    debt_prev: Value, nominal_gdp_prev: Value, preferential_flag: float, ceasefire: float, expected: Value,
    p: Any, B: Backend,
) -> dict[str, Value]:
    """[R1]-[R4] the key rate (Taylor rule, or the data where ``rate_anchor`` is 1) and lending rates."""
    target = p.inflation_target
    i_star = p.neutral_real_rate + cpi_inflation + p.taylor_inflation * (cpi_inflation - target) \
        + p.taylor_gap * demand_gap
    i = B.maximum(p.key_rate_floor, p.taylor_smoothing * key_rate_prev + (1 - p.taylor_smoothing) * i_star)
    if rate_anchor:  # [R2] history with key-rate data: the rate follows the data (a conditioning path)
        i = rate_anchor * key_rate_data + (1 - rate_anchor) * i
    debt_gdp = 100 * debt_prev / (4 * nominal_gdp_prev)  # federal debt issued since 2019, % of annual GDP
    r_c = i + p.lending_spread + p.debt_spread * B.maximum(debt_gdp, 0.0)
    pref_share = p.preferential_share * preferential_flag * (1 - ceasefire)
    return {
        "key_rate": i, "lending_rate_civilian": r_c,
        "lending_rate_military": pref_share * p.preferential_rate + (1 - pref_share) * r_c,
        "real_rate_civilian": r_c - expected,
    }
