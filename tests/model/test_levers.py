"""The levers' channels (issue 10 item 1): each lever moves the blocks docs/model.md says it moves."""

from __future__ import annotations

import numpy as np
import pytest

from twosector import compare, default_params, simulate


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


def test_the_sanctions_markup_is_a_production_cost_of_weapons() -> None:
    # [Y7]: a markup on controlled inputs raises military prices by its cost at the industry's own
    # critical-input share (cost-plus), whatever share of it the consumer basket carries
    from twosector.model.backend import SCALAR
    from twosector.model.engine import parameters
    from twosector.model.supply import military_price

    def jump(share: float, basket_cost: float) -> float:
        p = parameters({"critical_input_share_mil": share, "markup_pass_through": 0.4, "military_price_pressure": 0.1,
                        "inflation_target": 4.0})
        cpi = 4.0 + 0.4 * basket_cost  # the CPI carries the basket's sanctions cost
        return military_price(price_prev=1.0, inflation_q=cpi, sanctions_cost=basket_cost, markup=50.0,
                              markup_prev=0.0, excess=0.0, war=1.0, p=p, B=SCALAR)

    for basket_cost in (0.0, 20.0):
        assert jump(0.2, basket_cost) == pytest.approx(1.1 * np.exp(4.0 / 400))
        assert jump(0.0, basket_cost) == pytest.approx(np.exp(4.0 / 400))


def test_weapons_cost_more_and_fewer_are_bought_when_they_depend_more_on_controlled_inputs() -> None:
    low = _diff("input_sanctions", ["price_military", "procurement_real"], _params(critical_input_share_mil=0.02))
    high = _diff("input_sanctions", ["price_military", "procurement_real"], _params(critical_input_share_mil=0.26))
    assert high["price_military"].loc["2026Q1"] > low["price_military"].loc["2026Q1"] > 0
    assert high["procurement_real"].loc["2026Q1"] < low["procurement_real"].loc["2026Q1"] < 0


def test_relief_lowers_consumer_and_military_prices_gradually_while_the_sanctions_raised_them_at_once() -> None:
    # [P3a] sudden_shock lifts its package after 2027Q4: the fall of the markup and the settlement cost reaches
    # prices at markup_fall_speed a quarter, in the CPI and (at the industry's own cost share) in military prices
    from twosector import simulate

    names = ["sanctions_cost", "price_level", "price_military"]
    slow, fast = (simulate("sudden_shock", params=_params(markup_fall_speed=speed), variables=names)
                  for speed in (0.25, 0.5))
    assert slow.loc[:"2027Q4"].to_numpy() == pytest.approx(fast.loc[:"2027Q4"].to_numpy())  # the rise: the same
    assert slow.at["2025Q1", "sanctions_cost"] > 10  # (the package's rise passed in its quarter)
    assert fast.at["2028Q1", "sanctions_cost"] < slow.at["2028Q1", "sanctions_cost"] < 0
    assert slow.at["2028Q1", "sanctions_cost"] / fast.at["2028Q1", "sanctions_cost"] == pytest.approx(0.5, abs=0.05)
    assert slow.at["2028Q1", "price_level"] > fast.at["2028Q1", "price_level"]
    # price_military is the index the quarter starts with: relief shows from 2028Q2
    assert slow.at["2028Q2", "price_military"] > fast.at["2028Q2", "price_military"]


def test_input_sanctions_take_civilian_capital_to_build_domestic_substitutes() -> None:
    # [M6] the wider critical-input gap is filled by a larger substitution stock; its domestic part is capacity the
    # civilian sector builds out of its own capital, the more so the larger that part
    names = ["import_substitution", "capital_civilian"]
    d = _diff("input_sanctions", names)
    more = _diff("input_sanctions", names, _params(substitution_domestic_share=0.39))
    assert d["import_substitution"].iloc[-1] > 0.05
    assert d.loc["2026Q1":, "capital_civilian"].max() < 0
    assert (more.loc["2026Q1":, "capital_civilian"] < d.loc["2026Q1":, "capital_civilian"]).all()


def test_the_key_rate_looks_through_the_sanctions_markup_less_when_credibility_is_poor() -> None:
    # [R1] the first-round price effect is looked through in proportion to the target's credibility: with a poorer
    # record (credibility lost faster) the same package raises the key rate by more
    d = _diff("input_sanctions", ["key_rate", "cpi_inflation", "credibility"])
    poor = _diff("input_sanctions", ["key_rate", "cpi_inflation", "credibility"], _params(credibility_loss=1.0))
    assert d.loc["2025Q4", "cpi_inflation"] > 3  # the markup lifts y/y CPI by several points in the first year
    assert d.loc["2025Q4", "key_rate"] < d.loc["2025Q4", "cpi_inflation"]  # ... the rule does not chase all of it
    assert poor.loc["2025Q1":"2025Q4", "key_rate"].max() > d.loc["2025Q1":"2025Q4", "key_rate"].max()


def test_the_rules_inflation_is_below_cpi_only_while_a_sanctions_jump_is_in_the_year_on_year_rate() -> None:
    # the output rule_inflation shows what the rule answers [R1]: y/y CPI less the jump it looks through, which
    # leaves the year-on-year rate four quarters after the package's last step
    r = simulate("sudden_shock")
    below = (r["cpi_inflation"] - r["rule_inflation"]).loc["2025Q1":"2030Q4"]
    assert below.loc["2025Q1":"2025Q4"].min() > 1  # points of the jump looked through in its first year
    assert below.loc["2026Q1":"2027Q4"].abs().max() < 1e-9  # a year after the jump, nothing is left
    assert below.loc["2028Q1":"2028Q4"].max() < -1  # the relief of 2028 is looked through as well
    base = simulate("baseline")
    assert np.allclose(base.loc["2025Q1":, "rule_inflation"], base.loc["2025Q1":, "cpi_inflation"])  # no new package
