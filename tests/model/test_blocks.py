"""Each block of the engine on hand-checked inputs (scalar backend; floats in, floats out)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from twosector.model import demand, fiscal, income, post, prices, supply
from twosector.model.backend import SCALAR, VECTOR

B = SCALAR
approx = pytest.approx


def test_labour_supply_adds_recruits_and_subtracts_army_losses_and_emigrants() -> None:
    p = SimpleNamespace(army_attrition=0.05, emigrant_return_rate=0.02, emigrant_lf_share=0.7, skilled_share=0.15)
    kw = dict(army_w=1.0, lost=0.1, skilled_x=0.02, lf_trend=77.0, mobilised=0.3, recruits=0.1, emigrants=0.5,
              demobilisation=0.5, skilled_emigration=0.4, p=p)
    v = supply.labour_supply(ceasefire=0.0, **kw)
    assert v["army_w"] == approx(1.35)  # 1 x 0.95 + 0.3 + 0.1
    assert v["army_personnel"] == approx(1.35)
    assert v["skilled_x"] == approx(0.1196)  # 0.02 x 0.98 + 0.4 / 4
    assert v["emigrants_lf"] == approx(0.4696)  # 0.7 x 0.5 + 0.1196
    assert v["skilled_emigrants"] == approx(0.1721)  # 0.15 x 0.7 x 0.5 + 0.1196
    assert v["labour_force"] == approx(77 - 1.35 - 0.1 - 0.4696)
    cease = supply.labour_supply(ceasefire=1.0, **kw)
    assert cease["army_w"] == approx(0.95)  # no new recruits
    assert cease["army_personnel"] == approx(0.475)  # half demobilised
    assert cease["labour_force"] > v["labour_force"]


def test_critical_inputs_sanctions_cut_availability_and_substitution_fills_part_of_the_gap() -> None:
    p = SimpleNamespace(input_cut_max=0.5, secondary_cut_max=0.2, substitution_speed=0.2, substitution_max=0.5,
                        tech_adjust=0.1, tech_drag_max=0.05)
    kw = dict(sub=0.1, drag=0.0, availability=0.7, secondary_sanctions=0.0, tech_controls=1.0, rho=-1.0, p=p)
    v = supply.critical_inputs(input_sanctions=0.0, unlifted=1.0, **kw)
    assert v["substitution"] == approx(0.11)  # 0.1 + 0.2 x (0.5 x 0.3 - 0.1)
    assert v["critical_inputs"] == approx(0.81)
    assert v["m_rho"] == approx(1 / 0.81)
    assert v["tech_drag"] == approx(0.005)
    cut = supply.critical_inputs(input_sanctions=1.0, unlifted=1.0, **kw)
    assert cut["critical_inputs"] == approx(0.35 + 0.1 + 0.2 * (0.5 * 0.65 - 0.1))
    lifted = supply.critical_inputs(input_sanctions=1.0, unlifted=0.0, **kw)
    assert lifted["critical_inputs"] >= 1.0 and lifted["tech_drag"] == 0.0


def test_military_output_follows_orders_up_to_capacity_and_the_hiring_limit() -> None:
    p = SimpleNamespace(critical_input_share_mil=0.1, employment_military_2021=4.0, military_labour_elasticity=0.5,
                        military_hiring_max=0.1)
    kw = dict(defence_lever=0.0, ceasefire=0.0, defence_cut=0.3, capacity=120.0, m_rho=1.0, rho=-1.0,
              defence_2021=1.0, p=p, B=B)
    base = supply.military(defence_path=1.0, price_prev=1.0, employment_prev=None, **kw)
    assert base["procurement_real"] == approx(100.0)
    assert base["military_capacity"] == approx(120.0)
    assert base["employment_military"] == approx(4.0)
    assert base["output_military"] == approx(100.0)
    capped = supply.military(defence_path=1.5, price_prev=1.0, employment_prev=None, **kw)
    assert capped["output_military"] == approx(120.0)  # orders of 150 above the capacity of 120
    hiring = supply.military(defence_path=1.0, price_prev=1.0, employment_prev=3.5, **kw)
    assert hiring["employment_military"] == approx(3.6)
    assert hiring["output_military"] == approx(100 * (3.6 / 4.0) ** 2)
    assert supply.military(defence_path=1.0, price_prev=2.0, employment_prev=None, **kw)["procurement_real"] == 50


def _technology(**over: float) -> supply.Technology:
    values = dict(base=100.0, l_bar=70.0, tfp=1.0, skill_loss=0.0, m_rho=1.0, omega=0.08, rho=-1.0, alpha=0.4)
    values.update(over)
    return supply.Technology(**values)


def test_production_at_the_no_war_inputs_is_the_trend_and_require_inverts_it() -> None:
    tech = _technology()
    assert supply.produce(70.0, tech, B) == approx(100.0)
    for workers in (50.0, 68.0, 75.0):
        assert supply.require(supply.produce(workers, tech, B), tech, B) == approx(workers)
    scarce = _technology(m_rho=1 / 0.5)  # half the critical inputs (rho = -1)
    assert supply.produce(70.0, scarce, B) < 100 * 0.5 ** 0.08 * 0.99  # poor substitution amplifies the cut


def test_civilian_supply_capacity_exceeds_potential_when_okun_below_one() -> None:
    p = SimpleNamespace(capital_share=0.4, skilled_productivity=2.0, critical_input_share_civ=0.08, okun_coef=0.5)
    v = supply.civilian_supply(
        labour_force=77.0, employment_military=4.0, skilled_emigrants=0.0, capital=1.0, tech_drag=0.0, m_rho=1.0,
        trend=1.0, l_bar=77 * 0.95 - 4, u_nat=0.05, u_min=0.02, rho=-1.0, p=p, B=B)
    assert v["l_pot"] == approx(77 * 0.95 - 4)
    assert v["n_max"] == approx(77 * 0.98 - 4)
    assert v["potential_civilian"] == approx(100.0)
    assert v["civilian_capacity"] > v["potential_civilian"]


def _demand_params(**over: float) -> SimpleNamespace:
    values = dict(preferential_credit_ratio=0.2, is_persistence=0.5, is_rate=0.1, is_income=0.1,
                  is_quasi_fiscal=0.3, is_defence=0.4, demand_potential_link=0.5)
    values.update(over)
    return SimpleNamespace(**values)


def test_civilian_demand_gap_from_a_shock_and_its_numerical_bound() -> None:
    kw = dict(gap_prev=0.0, real_rate_prev=3.0, income_gap_prev=0.0, nominal_gdp_prev=30.0, defence=0.9,
              preferential_flag=0.0, ceasefire=0.0, potential=100.0, capacity=110.0, trend=1.0, rr_neutral=3.0,
              defence_share_2021=0.03, p=_demand_params(), B=B)
    v = demand.civilian_demand(demand_shock=2.0, **kw)
    assert v["gap"] == approx(2.0)
    assert v["civilian_demand"] == approx(100 * math.exp(0.02))
    assert v["demand_gap"] == approx(2.0)
    assert v["output_civilian"] == v["civilian_demand"]
    boom = demand.civilian_demand(demand_shock=40.0, **kw)
    assert boom["gap"] == demand.GAP_BOUND
    assert boom["output_civilian"] == 110.0  # capacity binds
    assert boom["demand_gap"] > boom["output_gap_civilian"]


def test_employment_at_potential_is_the_natural_rate() -> None:
    tech = _technology()
    p = SimpleNamespace(okun_coef=0.5, vacancies_frictional=2.0, vacancy_tightness=0.3)
    lf, n_m = 78.0, 4.0
    v = demand.employment(output=100.0, demand=100.0, labour_force=lf, employment_military=n_m,
                          military_labour_demand=4.2, l_pot=70.0, n_max=72.0, tech=tech, u_nat=4 / 78, p=p, B=B)
    assert v["employment_civilian"] == approx(70.0)
    assert v["unemployed"] == approx(4.0)
    assert v["unemployment_rate"] == approx(100 * 4 / 78)
    assert v["unmet_military_demand"] == approx(0.2)
    assert v["labour_shortage"] == approx(2.2)
    assert v["employment_civilian"] + v["unemployed"] + n_m == approx(lf)


def _price_params(**over: float) -> SimpleNamespace:
    values = dict(fx_oil_elasticity=50.0, sanction_markup_max=20.0, secondary_markup_max=10.0,
                  controlled_import_share=0.2, expectations_adapt=0.3, expectations_anchor=0.5, inflation_target=4.0,
                  phillips_lag=0.5, phillips_slope=0.2, phillips_import=0.05, phillips_ulc=0.1)
    values.update(over)
    return SimpleNamespace(**values)


def test_prices_stay_on_target_without_gaps_or_shocks() -> None:
    g = 1.8
    kw = dict(usd_rub_path=75.0, urals=70.0, import_markup=0.0, oil_price_cap=0.0, input_sanctions=0.0,
              secondary_sanctions=0.0, unlifted=1.0, usd_rub_2021=75.0, wage_prev=1.0,
              wage_prev2=math.exp(-g / 400), inflation_prev=4.0, adaptive_prev=4.0, price_prev=1.0,
              price_4q_ago=math.exp(-4 / 100), trend_wage_growth=g, p=_price_params(), B=B)
    v = prices.prices(import_cost_prev=1.0, demand_gap=0.0, **kw)
    assert v["import_cost"] == approx(1.0)
    assert v["inflation_q"] == approx(4.0)
    assert v["price_level"] == approx(math.exp(0.01))
    assert v["cpi_inflation"] == approx(100 * (math.exp(0.05) - 1))
    hot = prices.prices(import_cost_prev=1.0, demand_gap=2.0, **kw)
    assert hot["inflation_q"] == approx(4.0 + 0.2 * 2.0)
    capped = prices.prices(import_cost_prev=1.0, demand_gap=0.0, **{**kw, "oil_price_cap": 14.0})
    assert capped["usd_rub"] == approx(75 * (1 + 50 * 14 / 70))
    assert capped["inflation_q"] > 4.0  # a weaker ruble raises import prices


def test_rates_follow_the_taylor_rule_or_the_data() -> None:
    p = SimpleNamespace(inflation_target=4.0, neutral_real_rate=2.0, taylor_inflation=0.5, taylor_gap=0.5,
                        key_rate_floor=1.0, taylor_smoothing=0.5, lending_spread=3.0, debt_spread=0.1,
                        preferential_share=0.5, preferential_rate=3.0)
    kw = dict(demand_gap=0.0, key_rate_prev=6.0, debt_prev=0.0, nominal_gdp_prev=30.0, preferential_flag=1.0,
              ceasefire=0.0, expected=4.0, p=p, B=B)
    v = prices.rates(cpi_inflation=4.0, rate_anchor=0.0, key_rate_data=0.0, **kw)
    assert v["key_rate"] == approx(6.0)
    assert v["lending_rate_civilian"] == approx(9.0)
    assert v["lending_rate_military"] == approx(0.5 * 3.0 + 0.5 * 9.0)
    assert v["real_rate_civilian"] == approx(5.0)
    assert prices.rates(cpi_inflation=8.0, rate_anchor=0.0, key_rate_data=0.0, **kw)["key_rate"] == approx(9.0)
    assert prices.rates(cpi_inflation=8.0, rate_anchor=1.0, key_rate_data=21.0, **kw)["key_rate"] == 21.0


def test_wages_grow_at_trend_in_balance_and_the_premium_adjusts() -> None:
    g = 1.8
    p = SimpleNamespace(wage_tightness=0.5, wage_correction=0.1, wage_erosion=0.5, wage_premium_base=0.1,
                        wage_premium_unmet=1.0, wage_premium_spend=0.5, wage_premium_speed=0.5, army_pay_ratio=2.0)
    v = income.wages(wage_prev=1.0, premium_prev=0.1, output_civilian=100.0, employment_civilian=70.0,
                     employment_military=4.0, output_military=100.0, procurement=100.0, unmet_military=0.0,
                     army=0.5, unemployment_share=0.05, inflation_q=4.0, expected=4.0, trend=1.0, l_bar=70.0,
                     wage_trend=1.0, transfers=10.0, income_trend=100.0, trend_wage_growth=g, u_nat=0.05, p=p, B=B)
    assert v["wage_civilian"] == approx(math.exp(g / 400))
    assert v["wage_premium"] == approx(0.1)
    assert v["wage_military"] == approx(1.1 * math.exp(g / 400))
    assert v["civilian_real_income"] == approx(70 * math.exp(g / 400) + 10)
    assert v["household_income"] == approx(v["civilian_real_income"] + v["wage_military"] * 4 + 2 * v["wage_civilian"] * 0.5)


def test_gdp_weights_and_the_deflator_wedge() -> None:
    p = SimpleNamespace(military_va_share=4.0, nominal_gdp_2021=120.0)
    v = income.gdp(output_civilian=100.0, output_military=200.0, price=1.1, wedge_prev=1.0, nominal_anchor=1.0,
                   deflator=1.21, p=p)
    assert v["gdp"] == approx(104.0)
    assert v["wedge"] == approx(1.1)
    assert v["nominal_gdp"] == approx(30 * 1.04 * 1.21)
    held = income.gdp(output_civilian=100.0, output_military=200.0, price=1.1, wedge_prev=1.05, nominal_anchor=0.0,
                      deflator=1.21, p=p)
    assert held["wedge"] == 1.05


def _budget(**over: float) -> dict[str, float]:
    p = SimpleNamespace(oil_revenue_coef=2.0, non_oil_tax_rate=12.0, interest_share=1.0, other_spending_share=18.0,
                        nwf_fx_share=0.5, nwf_draw_share=0.5, nwf_save_share=1.0)
    kw = dict(nominal_gdp=50.0, defence=3.0, usd_rub=100.0, usd_rub_path=100.0, usd_rub_path_prev=100.0, urals=70.0,
              oil_price_cap=0.0, unlifted=1.0, oil_volume=1.0, oil_anchor=0.0, oil_revenue_data=0.0,
              fiscal_anchor=0.0, non_oil_share_data=0.0, other_share_data=0.0, war=1.0, quarters_left=0.0,
              nwf_next=0.0, nwf_prev=4.0, debt_prev=10.0, key_rate_prev=16.0, p=p, B=B)
    kw.update(over)
    return fiscal.budget(**kw)


def test_budget_identities_and_the_nwf_rule() -> None:
    v = _budget()
    assert v["oil_gas_revenue"] == approx(2 * 70 * 100 / 1000)
    assert v["non_oil_revenue"] == approx(6.0)
    assert v["interest"] == approx(0.5 + 0.4)
    assert v["spending"] == approx(3.0 + 9.0)  # defence + the 18% envelope incl. interest
    assert v["budget_balance"] == approx(14 + 6 - 12)
    assert v["nwf_save"] == approx(8.0) and v["nwf_draw"] == 0.0
    assert v["nwf_liquid"] == approx(12.0)
    assert v["borrowing"] == approx(0.0)
    deficit = _budget(urals=10.0, oil_price_cap=0.0)
    assert deficit["budget_balance"] == approx(2.0 + 6 - 12)
    assert deficit["nwf_draw"] == approx(2.0) and deficit["borrowing"] == approx(2.0)
    assert deficit["new_debt"] == approx(12.0)
    empty = _budget(urals=10.0, nwf_prev=0.5)
    assert empty["nwf_draw"] == approx(0.5) and empty["nwf_liquid"] == approx(0.0)
    steered = _budget(quarters_left=2.0, nwf_next=20.0)
    assert steered["nwf_liquid"] == approx(12 + (20 - 12) / 2)


def test_post_rescales_to_2021_and_standardises_strain() -> None:
    out = {"output_civilian": np.array([[50.0, 100.0, 150.0]]), "potential_civilian": np.array([[50.0, 100.0, 150.0]])}
    post.rescale(out, np.array([1, 2]))
    assert out["output_civilian"][0, 1:].mean() == approx(100.0)
    assert out["potential_civilian"][0, 0] == approx(40.0)
    gdp = np.array([[100 * 1.02 ** (q / 4) for q in range(8)]])
    growth = post.gdp_growth(gdp, np.array([100 * math.log(1.02)]))
    assert growth[0, 4:] == approx([2.0] * 4)
    f = {f"strain_sd_{s}": np.array([2.0]) for s in post.STRAIN.values()}
    f.update({f"strain_weight_{s}": np.array([1.0]) for s in post.STRAIN.values()})
    ind = {name: np.array([[1.0, 1.0, 5.0]]) for name in post.STRAIN}
    z = post.strain(ind, f, np.array([0, 1]))
    assert z["strain_output"][0] == approx([0.0, 0.0, 2.0])
    assert z["strain_index"][0] == approx([0.0, 0.0, 2.0])


def test_backends_agree_on_log_and_clip_edge_cases() -> None:
    assert SCALAR.log(0.0) == -math.inf and math.isnan(SCALAR.log(-1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert VECTOR.log(np.array([0.0]))[0] == -np.inf and np.isnan(VECTOR.log(np.array([-1.0]))[0])
    assert SCALAR.clip(5.0, 0.0, 2.0) == 2.0 and SCALAR.clip(-1.0, 0.0, 2.0) == 0.0
