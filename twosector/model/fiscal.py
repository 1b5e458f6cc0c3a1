"""The federal budget, the National Wealth Fund and federal borrowing (trn RUB per quarter).

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags [B1]-[B8] of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["budget"]

Value = Any  # float or np.ndarray of shape (n,)


def budget(
    *, nominal_gdp: Value, defence: Value, usd_rub: Value, usd_rub_path: float, usd_rub_path_prev: float,
    urals: float, oil_price_cap: float, unlifted: float, oil_volume: float, oil_anchor: float,
    oil_revenue_data: float, fiscal_anchor: float, non_oil_share_data: float, other_share_data: float,
    war: float, quarters_left: float, nwf_next: float, nwf_prev: Value, debt_prev: Value, key_rate_prev: Value,
    p: Any, B: Backend,
) -> dict[str, Value]:
    """[B1]-[B8] revenue, spending, the balance, the NWF and borrowing.

    Where ``oil_anchor`` is 1 the published oil-and-gas revenue is scaled by the oil-price-cap lever's effect on
    the realised price and the ruble; where ``fiscal_anchor`` is 1 the non-oil revenue and non-defence spending
    shares of GDP are the data's. ``usd_rub_path`` is the exogenous ruble (the NWF is revalued with it),
    ``usd_rub`` the model's (with the oil-sanction depreciation).
    """
    realised = B.maximum(urals - oil_price_cap * unlifted, 0.0)
    if oil_anchor:  # [B1]
        oil = oil_revenue_data * realised / urals * usd_rub / usd_rub_path
    else:
        oil = p.oil_revenue_coef * oil_volume * realised * usd_rub / 1000
    non_oil = (fiscal_anchor * non_oil_share_data + (1 - fiscal_anchor) * p.non_oil_tax_rate) / 100 * nominal_gdp
    revenue = oil + non_oil  # [B2]
    interest = p.interest_share / 100 * nominal_gdp + debt_prev * key_rate_prev / 400  # [B3]
    share = fiscal_anchor * other_share_data + (1 - fiscal_anchor) * p.other_spending_share
    other = share / 100 * nominal_gdp - interest
    spending = defence + other + interest  # [B4]
    balance = revenue - spending
    reval = war * nwf_prev * p.nwf_fx_share * (usd_rub_path / usd_rub_path_prev - 1)  # [B5]
    draw = war * B.minimum(p.nwf_draw_share * B.maximum(-balance, 0.0), nwf_prev + reval)
    save = war * p.nwf_save_share * B.maximum(balance, 0.0)
    nwf = nwf_prev + reval + save - draw
    # [B6] flows outside the model (transfers, freezes, conversions) steer the stock to the next observed
    # value: each quarter closes 1/left of the remaining gap, so the stock hits it exactly (0 in projection)
    other_flows = (nwf_next - nwf) / quarters_left if quarters_left > 0 else 0.0
    borrowing = -balance - draw + save  # [B7]
    return {
        "oil_gas_revenue": oil, "non_oil_revenue": non_oil, "revenue": revenue, "interest": interest,
        "other_spending": other, "spending": spending, "budget_balance": balance,
        "budget_balance_gdp": 100 * balance / nominal_gdp, "defence_spending_gdp": 100 * defence / nominal_gdp,
        "nwf_revaluation": reval, "nwf_draw": draw, "nwf_save": save, "nwf_other_flows": other_flows,
        "nwf_liquid": nwf + other_flows, "borrowing": borrowing, "new_debt": debt_prev + borrowing,
    }
