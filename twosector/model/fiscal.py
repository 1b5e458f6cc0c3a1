"""The federal budget, the National Wealth Fund and federal borrowing (trn RUB per quarter).

Plain functions of named inputs (floats or arrays of shape ``(n,)``), parameters ``p`` and a backend ``B``;
equation tags [B1]-[B8] of ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any

from twosector.model.backend import Backend

__all__ = ["DERIVED", "budget", "share_of_gdp"]

Value = Any  # float or np.ndarray of shape (n,)

#: parameter-only terms of these equations, computed once per run and read as ``p.<name>`` (see
#: :data:`twosector.model.engine.DERIVED`)
DERIVED: dict[str, Any] = {
    "interest_rate_gdp": lambda p, B: p.interest_share / 100,
    "debt_repay_share": lambda p, B: 1 - p.nwf_save_share,
}


def budget(
    *, nominal_gdp: Value, defence: Value, other_planned: Value, tax_rate: Value, usd_rub: Value,
    usd_rub_prev: Value, realised: Value, oil_volume: float, war: float, quarters_left: float, nwf_next: float,
    nwf_prev: Value, debt_prev: Value, ofz_prev: Value, key_rate: Value, p: Any, B: Backend,
) -> dict[str, Value]:
    """[B1]-[B8] revenue, spending, the balance, the NWF, borrowing and the sovereign spread.

    Oil-and-gas revenue is volume × realised Urals price (after any sanctions discount) × the model's ruble;
    non-oil revenue is ``tax_rate`` (% of GDP, incl. the 2025 tax package) of nominal GDP. The NWF finances a
    share of the deficit (``nwf_draw_share``) while it lasts and is revalued with the model's ruble. Once it
    is exhausted, the part of the deficit it would have covered is closed by cutting spending in the share
    ``fiscal_adjustment`` and borrowed otherwise; borrowing costs rise with debt (``debt_spread`` per pp of
    GDP above ``debt_threshold``), and the spread reaches civilian credit [R3].
    """
    oil = p.oil_revenue_coef * oil_volume * realised * usd_rub / 1000  # [B1]
    non_oil = tax_rate / 100 * nominal_gdp  # [B2]
    revenue = oil + non_oil
    interest = p.interest_rate_gdp * nominal_gdp + debt_prev * ofz_prev / 400  # [B3]
    deficit = B.maximum(defence + other_planned + interest - revenue, 0.0)
    # the NWF rule holds from the war's start (war is 0/1)
    reval = nwf_prev * p.nwf_fx_share * (usd_rub / usd_rub_prev - 1) if war else 0.0  # [B5]
    need = p.nwf_draw_share * deficit if war else 0.0
    available = nwf_prev + reval
    draw = B.minimum(need, available)
    cut = p.fiscal_adjustment * (need - draw)  # [B6] the NWF can no longer cover its share
    other = other_planned - cut
    spending = defence + other + interest  # [B4]
    balance = revenue - spending
    surplus = B.maximum(balance, 0.0)
    # a surplus goes to the NWF in the share nwf_save_share, repays debt with the rest; once no debt is left, it
    # all goes to the NWF
    save = surplus - B.minimum(p.debt_repay_share * surplus, B.maximum(debt_prev, 0.0)) if war else 0.0
    nwf = available + save - draw
    # [B7] flows outside the model (transfers, freezes, conversions) steer the stock to the next observed
    # value: each quarter closes 1/left of the remaining gap, so the stock hits it exactly (0 in projection)
    other_flows = (nwf_next - nwf) / quarters_left if quarters_left > 0 else 0.0
    borrowing = -balance - draw + save  # [B8]
    debt = debt_prev + borrowing
    spread = p.debt_spread * B.maximum(25 * debt / nominal_gdp - p.debt_threshold, 0.0)  # debt: % of annual GDP
    return {
        "oil_gas_revenue": oil, "non_oil_revenue": non_oil, "revenue": revenue, "interest": interest,
        "other_spending": other, "spending_cut": cut, "spending": spending, "budget_balance": balance,
        "nwf_revaluation": reval, "nwf_draw": draw, "nwf_save": save, "nwf_other_flows": other_flows,
        "nwf_liquid": nwf + other_flows, "borrowing": borrowing, "new_debt": debt, "sovereign_spread": spread,
        "ofz_rate": key_rate + p.ofz_spread + spread,
    }


def share_of_gdp(flow: Value, nominal_gdp: Value) -> Value:
    """A quarter's budget flow in % of the quarter's nominal GDP (the balance, defence spending)."""
    return 100 * flow / nominal_gdp
