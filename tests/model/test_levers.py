"""The levers' channels (issue 10 item 1): each lever moves the blocks docs/model.md says it moves."""

from __future__ import annotations

import numpy as np

from twosector import compare, default_params


def _params(**values: float):
    p = default_params().copy()
    p[list(values)] = list(values.values())
    return p


def _diff(scenario: str, names: list[str], params=None):
    c = compare(scenario, params=params, variables=names)
    return c.xs("diff", axis=1, level="kind").loc["2025Q1":]


def test_tech_controls_slow_capacity_growth_in_both_sectors() -> None:
    d = _diff("tech_controls", ["capital_civilian", "capital_military", "output_military"])
    assert d["capital_civilian"].iloc[-1] < 0 and d["capital_military"].iloc[-1] < 0
    assert (d["capital_civilian"].diff().dropna() <= 1e-12).all()  # the loss of capacity accumulates
    assert (d["output_military"] <= 1e-9).all()


def test_tech_controls_capacity_loss_scales_with_capital_renewal() -> None:
    low = _diff("tech_controls", ["capital_civilian"], _params(capital_renewal=0.05))
    high = _diff("tech_controls", ["capital_civilian"], _params(capital_renewal=0.12))
    assert high["capital_civilian"].iloc[-1] < low["capital_civilian"].iloc[-1] < 0


def test_secondary_sanctions_tax_all_trade_not_only_critical_inputs() -> None:
    # with no cut of critical imports and no markup on controlled goods, secondary sanctions still cost:
    # settlement on all imports (import costs, prices) and on export proceeds (oil revenue, the ruble)
    p = _params(secondary_cut_max=0.0, secondary_markup_max=0.0)
    names = ["settlement_cost", "import_cost", "oil_gas_revenue", "realised_urals", "critical_availability",
             "usd_rub", "price_level"]
    c = compare("secondary_sanctions", params=p, variables=names).loc["2026Q1":]
    d = c.xs("diff", axis=1, level="kind")
    full = c[("settlement_cost", "scenario")].max()
    assert np.isclose(full, 0.5 * p["secondary_settlement_max"])  # intensity 0.5 at full strength
    assert (d["critical_availability"].abs() < 1e-12).all()  # the critical-input channel is off
    assert (d["realised_urals"] < 0).all()
    assert (d["oil_gas_revenue"].loc[:"2026Q4"] < 0).all()  # in rubles: until the weaker ruble makes up for it
    assert (d["usd_rub"] > 0).all() and d["price_level"].iloc[-1] > 0


def test_oil_price_cap_revalues_the_nwf_at_the_ruble_it_moves() -> None:
    c = compare("oil_price_cap", variables=["usd_rub", "nwf_revaluation", "oil_gas_revenue", "realised_urals"])
    first = c.loc["2025Q1"]
    assert first[("realised_urals", "diff")] < 0 and first[("usd_rub", "diff")] > 0
    # the weaker ruble of the lever revalues the fund upwards in the quarter it moves
    assert first[("nwf_revaluation", "diff")] > 0
