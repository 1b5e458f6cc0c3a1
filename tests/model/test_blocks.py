"""Each block of the engine on hand-checked inputs (scalar backend; floats in, floats out).

The parameters are round numbers chosen for the arithmetic, not the calibration; the comments give the hand
computation. Where a block carries an economic property (the substitution stock never falls, labour hoarding,
the fiscal impulse, the vertical long-run Phillips curve, ...), the test states the property on inputs where it
could fail.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from twosector.model import demand, fiscal, income, post, prices, supply
from twosector.model.backend import SCALAR, VECTOR, reusable
from twosector.model.engine import parameters

B = SCALAR
approx = pytest.approx


def params(**values: float) -> Any:
    """Parameters as the blocks read them: the given values and the terms derived from them."""
    return parameters(values)


# ------------------------------------------------------------------------------------------------ supply


def test_the_scalar_backend_overflows_to_infinity_like_numpy() -> None:
    # a single run of an explosive draw gives inf (reported by twosector.plausible), not an OverflowError
    with np.errstate(over="ignore"):
        assert SCALAR.exp(1e4) == math.inf == VECTOR.exp(np.array([1e4]))[0]
    assert SCALAR.exp(1.0) == math.exp(1.0)


def test_labour_supply_adds_recruits_and_subtracts_army_losses_and_emigrants() -> None:
    p = params(army_attrition=0.05, emigrant_return_rate=0.02, emigrant_lf_share=0.7, skilled_share=0.15)
    kw = dict(army_w=1.0, lost=0.1, skilled_x=0.02, lf_trend=77.0, mobilised=0.3, recruits=0.1, emigrants=0.5,
              demobilisation=0.5, skilled_emigration=0.4, p=p)
    v = supply.labour_supply(ceasefire=0.0, **kw)
    assert v["army_w"] == approx(1.35)  # 1 x 0.95 + 0.3 + 0.1
    assert v["army_personnel"] == approx(1.35)
    assert v["skilled_x"] == approx(0.1196)  # 0.02 x 0.98 + 0.4 / 4
    assert v["emigrants_lf"] == approx(0.4696)  # 0.7 x 0.5 + 0.1196
    assert v["skilled_emigrants"] == approx(0.1721)  # 0.15 x 0.7 x 0.5 + 0.1196
    assert v["labour_force"] == approx(77 - 1.35 - 0.1 - 0.4696)
    assert v["labour_force"] == approx(v["labour_force_trend"] - v["army_personnel"] - v["army_losses"]
                                       - v["emigrants_lf"])
    cease = supply.labour_supply(ceasefire=1.0, **kw)
    assert cease["army_w"] == approx(0.95)  # no new recruits
    assert cease["army_personnel"] == approx(0.475)  # half demobilised
    assert cease["labour_force"] > v["labour_force"]


def _inputs_params(**over: float) -> Any:
    values = dict(input_cut_max=0.5, secondary_cut_max=0.2, substitution_speed=0.2, substitution_max=0.5,
                  tech_adjust=0.1, tech_drag_max=0.05, input_elasticity=0.5)  # rho = -1
    values.update(over)
    return params(**values)


def test_critical_inputs_sanctions_cut_availability_and_substitution_fills_part_of_the_gap() -> None:
    kw = dict(stock=0.1, drag=0.0, availability=0.7, secondary_sanctions=0.0, tech_controls=1.0,
              p=_inputs_params(), B=B)
    v = supply.critical_inputs(input_sanctions=0.0, unlifted=1.0, **kw)
    assert v["critical_availability"] == approx(0.7)
    assert v["import_substitution"] == approx(0.11)  # 0.1 + 0.2 x (0.5 x 0.3 - 0.1)
    assert v["critical_inputs"] == approx(0.81)
    assert v["m_rho"] == approx(1 / 0.81)
    assert v["tech_drag"] == approx(0.005)  # 0.1 x (0.05 - 0)
    cut = supply.critical_inputs(input_sanctions=1.0, unlifted=1.0, **kw)
    assert cut["critical_availability"] == approx(0.35)  # 0.7 x (1 - 0.5)
    assert cut["import_substitution"] == approx(0.145)  # 0.1 + 0.2 x (0.5 x 0.65 - 0.1): a wider gap, faster
    assert cut["critical_inputs"] == approx(0.495)
    both = supply.critical_inputs(input_sanctions=1.0, unlifted=1.0, **{**kw, "secondary_sanctions": 1.0})
    assert both["critical_availability"] == approx(0.35 * 0.8)
    lifted = supply.critical_inputs(input_sanctions=1.0, unlifted=0.0, **kw)
    assert lifted["critical_availability"] == 1.0 and lifted["critical_inputs"] == 1.0  # at most pre-war use
    assert lifted["tech_drag"] == 0.0


def test_the_substitution_stock_never_falls_when_sanctions_are_lifted() -> None:
    p = _inputs_params()
    stock, drag, path = 0.0, 0.0, []
    for unlifted in [1.0] * 12 + [0.0] * 12:  # three years of sanctions, then a full lift
        v = supply.critical_inputs(stock=stock, drag=drag, availability=0.7, input_sanctions=1.0,
                                   secondary_sanctions=0.0, tech_controls=1.0, unlifted=unlifted, p=p, B=B)
        stock, drag = v["import_substitution"], v["tech_drag"]
        path.append((stock, v["critical_inputs"], drag))
    stocks = np.array([s for s, _, _ in path])
    assert stocks[11] > 0.25 and stocks[11] < 0.5 * 0.65  # built towards substitution_max x the gap
    assert (np.diff(stocks) >= 0).all()  # sunk capacity: never falls, also after the lift
    assert stocks[-1] == stocks[11]  # no gap left to close after the lift: it stays where it was
    assert all(m == 1.0 for _, m, _ in path[12:])  # the lift restores the inputs
    drags = np.array([d for _, _, d in path])
    assert (np.diff(drags[12:]) < 0).all()  # the technology drag decays once controls go


def test_building_domestic_substitutes_takes_civilian_capital_at_their_cost() -> None:
    p = params(critical_input_share_civ=0.05, substitute_cost_premium=0.75, substitution_domestic_share=0.3)
    assert supply.substitution_investment(built=0.0, p=p) == 0.0  # nothing built, nothing taken
    loss = supply.substitution_investment(built=0.1, p=p)
    # a tenth of the critical inputs (5% of output) made at home at +75%, three tenths of it domestic capacity
    assert loss == approx(-0.1 * 0.05 * 1.75 * 0.3)
    dearer = supply.substitution_investment(built=0.1, p=params(critical_input_share_civ=0.05,
                                                                 substitute_cost_premium=0.87,
                                                                 substitution_domestic_share=0.3))
    more_domestic = supply.substitution_investment(built=0.1, p=params(critical_input_share_civ=0.05,
                                                                        substitute_cost_premium=0.75,
                                                                        substitution_domestic_share=0.39))
    assert dearer < loss and more_domestic < loss


def test_defence_split_pays_soldiers_first_and_leaves_a_procurement_floor() -> None:
    p = params(personnel_share_2021=0.4, soldier_pay=2.0, procurement_floor=0.3)
    prewar = supply.defence_split(defence=1.0, army=0.0, price=1.0, defence_2021=1.0, p=p, B=B)
    assert prewar["personnel_spending"] == approx(0.4) and prewar["procurement"] == approx(0.6)
    # 1.1 x (0.4 x 1 + 2.0 mn RUB x 0.5 mn soldiers / 4) = 0.715 trn RUB per quarter
    war = supply.defence_split(defence=2.0, army=0.5, price=1.1, defence_2021=1.0, p=p, B=B)
    assert war["personnel_spending"] == approx(0.715)
    assert war["procurement"] == approx(2.0 - 0.715)
    # pay beyond 70% of the budget is not paid out of procurement: the floor binds
    big = supply.defence_split(defence=2.0, army=3.0, price=1.1, defence_2021=1.0, p=p, B=B)
    assert big["personnel_spending"] == approx(1.4) and big["procurement"] == approx(0.6)


def _military_params(**over: float) -> Any:
    values = dict(critical_input_share_mil=0.1, military_capital_share=0.5, input_elasticity=0.5,  # rho = -1
                  military_tech_exposure=0.5, military_utilisation_normal=1.3, military_utilisation_max=1.6,
                  military_hiring_speed=0.25, military_ramp=1.0, military_order_adapt=1.0)
    values.update(over)
    return params(**values)


def _military(**over: float) -> dict[str, float]:
    kw = dict(procurement=0.6, price_m_prev=1.0, capital=1.0, employment_prev=4.0, utilisation_prev=1.0,
              expected_prev=100.0, m_rho=1.0, drag=0.0, trend=1.0, n0=4.0, procurement_2021=0.6,
              wartime=0.0, p=_military_params(), B=B)
    kw.update(over)
    return supply.military(**kw)


def test_military_before_the_war_produces_its_orders_at_normal_utilisation() -> None:
    v = _military()
    assert v["procurement_real"] == approx(100.0)
    assert v["employment_military"] == approx(4.0) and v["military_labour_demand"] == approx(4.0)
    assert v["output_military"] == approx(100.0) and v["military_utilisation"] == approx(1.0)
    assert v["military_capacity"] == approx(160.0)  # 1.6 x the output at pre-war utilisation
    assert v["military_overload"] == approx(0.0)
    assert _military(price_m_prev=2.0)["procurement_real"] == approx(50.0)  # deflated by the military price
    low = _military(procurement=0.3)
    assert low["output_military"] == approx(50.0)  # output follows orders below capacity...
    assert low["employment_military"] == approx(4 - 0.25 * (4 - 4 * 0.5**2))  # ...and sheds workers slowly


def test_military_orders_beyond_capacity_raise_hiring_utilisation_and_overload() -> None:
    v = _military(procurement=1.2, wartime=1.0)  # orders double
    assert v["procurement_real"] == approx(200.0)
    # hires towards the workforce for min(200, 1.6 x 100) = 160 at the war-time normal utilisation of 1.3:
    # 4 x (160 / 130)^(1 / (1 - 0.5)) = 6.059; a quarter of the gap in one quarter
    assert v["military_labour_demand"] == approx(4 * (160 / 130) ** 2)
    n = 4 + 0.25 * (4 * (160 / 130) ** 2 - 4)
    assert v["employment_military"] == approx(n)
    full = 100 * (n / 4) ** 0.5
    assert v["military_capacity"] == approx(1.6 * full)
    assert v["output_military"] == approx(1.6 * full) and v["output_military"] < 200  # capacity binds
    assert v["military_utilisation"] == approx(1.6)
    assert v["military_overload"] == approx(math.log(200 / (1.3 * full)))


def test_military_normal_utilisation_is_capped_at_the_maximum() -> None:
    # a normal utilisation above the maximum (both within their ranges) would lower the hiring target below
    # last quarter's workforce every quarter, a collapse to nothing under excess orders (issue 10, R1); it
    # counts as the maximum: the industry hires for its orders at full utilisation
    p = _military_params(military_utilisation_normal=1.6, military_utilisation_max=1.2)
    v = _military(procurement=1.2, wartime=1.0, p=p)
    assert v["utilisation_normal"] == approx(1.2)
    assert v["military_labour_demand"] == approx(4.0)  # min(200, 1.2 x 100) = 120 at 1.2: today's workforce
    assert v["employment_military"] == approx(4.0)
    assert _military(procurement=1.2, wartime=1.0)["utilisation_normal"] == approx(1.3)  # below the cap: as set


def test_military_production_has_constant_returns_and_needs_critical_inputs() -> None:
    slow = _military_params(military_hiring_speed=0.0)  # employment stays at last quarter's
    base = _military(procurement=6.0, p=slow)
    double = _military(procurement=6.0, capital=2.0, employment_prev=8.0, p=slow)
    assert double["military_capacity"] == approx(2 * base["military_capacity"])  # K and N doubled
    assert _military(procurement=6.0, capital=2.0, p=slow)["military_capacity"] < 2 * base["military_capacity"]
    # half the critical inputs (rho = -1): factor (0.9 + 0.1 x 2)^-1 = 1 / 1.1
    scarce = _military(procurement=6.0, m_rho=2.0, p=slow)
    assert scarce["military_capacity"] == approx(base["military_capacity"] / 1.1)
    dragged = _military(procurement=6.0, drag=0.1, p=slow)
    assert dragged["military_capacity"] == approx(base["military_capacity"] * (1 - 0.5 * 0.1))
    # productivity on the civilian trend; the no-war workforce grows with the labour force
    assert _military(procurement=6.0, trend=1.1, p=slow)["military_capacity"] == approx(1.1 * base["military_capacity"])
    grown = _military(procurement=6.0, n0=4 * 1.21, employment_prev=4 * 1.21, p=slow)
    assert grown["military_capacity"] == approx(base["military_capacity"])


def test_military_utilisation_ramps_up_and_hiring_plans_on_expected_orders() -> None:
    # utilisation can rise by at most military_ramp a quarter, so a jump in orders is not met at once
    ramp = _military(procurement=1.2, wartime=1.0, p=_military_params(military_ramp=0.1, military_hiring_speed=0.0))
    assert ramp["military_utilisation"] == approx(1.1) and ramp["output_military"] == approx(110.0)
    assert ramp["military_overload"] == approx(math.log(200 / 130))  # undelivered orders press on prices
    # it can fall at once
    fall = _military(procurement=0.3, utilisation_prev=1.5, p=_military_params(military_hiring_speed=0.0))
    assert fall["military_utilisation"] == approx(0.5)
    # expected orders move a quarter of the way: the workforce is planned on 125, not 200
    slow = _military(procurement=1.2, wartime=1.0, p=_military_params(military_order_adapt=0.25))
    assert slow["orders_expected"] == approx(125.0)
    assert slow["military_labour_demand"] == approx(4 * (125 / 130) ** 2)


def _technology(**over: float) -> supply.Technology:
    values: dict[str, Any] = dict(base=100.0, l_bar=70.0, tfp=1.0, skill_loss=0.0, m_rho=1.0,
                                  p=params(critical_input_share_civ=0.08, input_elasticity=0.5, capital_share=0.4))
    values.update(over)  # omega 0.08, rho -1, alpha 0.4
    return supply.Technology(**values)


def test_production_at_the_no_war_inputs_is_the_trend_and_require_inverts_it() -> None:
    tech = _technology()
    assert supply.produce(70.0, tech, B) == approx(100.0)
    for workers in (50.0, 68.0, 75.0):
        assert supply.require(supply.produce(workers, tech, B), tech, B) == approx(workers)
    for tech in (_technology(m_rho=1 / 0.8, skill_loss=0.5, tfp=0.97), _technology(base=105.0, l_bar=68.0)):
        for output in (80.0, 95.0, 101.0):
            assert supply.produce(supply.require(output, tech, B), tech, B) == approx(output)
    scarce = _technology(m_rho=1 / 0.5)  # half the critical inputs (rho = -1)
    assert supply.produce(70.0, scarce, B) < 100 * 0.5 ** 0.08 * 0.99  # poor substitution amplifies the cut


def test_civilian_supply_potential_uses_the_workers_left_at_the_natural_rate() -> None:
    p = params(capital_share=0.4, skilled_productivity=2.0, critical_input_share_civ=0.08, input_elasticity=0.5,
               unemployment_natural=5.0, unemployment_floor=2.0)
    kw = dict(labour_force=77.0, employment_military=4.0, skilled_emigrants=0.0, capital=1.0, tech_drag=0.0,
              m_rho=1.0, trend=1.0, lockdown=0.0, l_bar=77 * 0.95 - 4, p=p, B=B)
    v = supply.civilian_supply(**kw)
    assert v["l_pot"] == approx(77 * 0.95 - 4)
    assert v["n_max"] == approx(77 * 0.98 - 4)
    assert v["potential_civilian"] == approx(100.0)
    tech = v["technology"]
    assert supply.produce(v["l_pot"], tech, B) == v["potential_civilian"]
    more_soldiers = supply.civilian_supply(**{**kw, "employment_military": 5.0})
    assert more_soldiers["l_pot"] == approx(v["l_pot"] - 1)
    assert more_soldiers["potential_civilian"] < v["potential_civilian"]
    lockdown = supply.civilian_supply(**{**kw, "lockdown": -5.0})
    assert lockdown["potential_civilian"] == approx(100 * math.exp(-0.05))
    # skilled emigrants count twice (skilled_productivity = 2): 0.5 of them cost one worker more than their number
    skilled = supply.civilian_supply(**{**kw, "skilled_emigrants": 0.5})
    assert skilled["potential_civilian"] == approx(supply.produce(v["l_pot"] - 0.5, tech, B))


def _employment_params(**over: float) -> Any:
    values = dict(hiring_speed=0.5, hoarding_speed=0.1, hours_min=0.9, hours_max=1.05)
    values.update(over)
    return params(**values)


def _employ(demand_: float, employed: float, tech: supply.Technology | None = None, n_max: float = 72.0,
            drift: float = 1.0) -> dict[str, float]:
    tech = tech or _technology()
    p = _employment_params()
    v = supply.civilian_employment(demand=demand_, employment_prev=employed, drift=drift, n_max=n_max, tech=tech,
                                   p=p, B=B)
    v["hours_civilian"] = supply.civilian_hours(output=v["output_civilian"], employment=v["employment_civilian"],
                                                tech=tech, p=p, B=B)
    return v


def _demand_for(workers: float) -> float:
    """Civilian demand that needs ``workers`` at normal hours, with the critical inputs it needs [C3a]."""
    base, l_bar, tfp, skill_loss, _, p = _technology()
    return base * tfp * ((workers - skill_loss) / l_bar) ** (1 - p.capital_share)


def test_labour_demand_plans_the_critical_inputs_with_the_output() -> None:
    tech = _technology()
    # at the normal level the two inversions agree: the inputs at hand are the inputs the output needs
    assert supply.require_proportional(tech.base, tech) == approx(supply.require(tech.base, tech, B))
    # above it, labour grows with output at the labour elasticity only (no input ceiling)
    assert supply.require_proportional(_demand_for(77.0), tech) == approx(77.0)
    # near-Leontief: fixed normal inputs cap output about 2.6% above normal; past that cap [C3] has no
    # solution (its floor puts the need ~60% above l_bar), while planning the inputs along keeps it smooth
    leontief = tech._replace(p=params(critical_input_share_civ=0.08, input_elasticity=0.01, capital_share=0.4))
    ceiling = tech.base * 0.08 ** (1 / leontief.p.input_rho)  # rho = (0.01 - 1) / 0.01 = -99
    assert supply.require(1.01 * ceiling, leontief, B) > 1.5 * tech.l_bar
    assert supply.require_proportional(1.01 * ceiling, leontief) < 1.1 * tech.l_bar


def test_civilian_employment_hires_fast() -> None:
    v = _employ(100.0, 66.0)  # needs 70
    assert v["labour_needed"] == approx(70.0)
    assert v["employment_civilian"] == approx(68.0)  # half the gap in a quarter
    assert v["output_civilian"] == approx(100.0)  # longer hours fill the rest
    assert v["hours_civilian"] == approx(70 / 68)


def test_civilian_employment_sheds_slowly_within_the_hours_band() -> None:
    v = _employ(_demand_for(66.0), 70.0)  # 4 workers too many; 66 / 70 = 0.94 hours, inside the band
    assert v["employment_civilian"] == approx(70 - 0.1 * 4)  # labour hoarding
    assert v["output_civilian"] == approx(_demand_for(66.0))
    # hours: the labour input that output takes with the critical inputs at hand, per worker
    assert supply.produce(v["hours_civilian"] * 69.6, _technology(), B) == approx(v["output_civilian"])


def test_civilian_employment_sheds_at_once_the_workers_idle_beyond_the_hours_band() -> None:
    v = _employ(_demand_for(60.0), 70.0)  # even at 0.9 hours only 60 / 0.9 = 66.7 workers are busy
    band = 60 / 0.9
    assert v["employment_civilian"] == approx(band + 0.1 * (60 - band))  # the idle go; the rest is hoarded
    assert v["hours_civilian"] >= 0.9


def _drift(lf: float, army_out: float, lf_prev: float = 100.0, army_out_prev: float = 1.0, b=B) -> float:
    return supply.workforce_drift(labour_force=lf, labour_force_prev=lf_prev, army_out=army_out,
                                  army_out_prev=army_out_prev, B=b)


def test_workforce_drift_recruits_vacate_jobs_returning_soldiers_get_theirs_back() -> None:
    # 1 mn recruited, nothing else: the workforce shrinks with the labour force
    assert _drift(99.0, 2.0) == approx(0.99)
    # 1 mn back from the army: reinstated (suspended contracts), the workforce grows with them
    assert _drift(101.0, 0.0) == approx(1.01)
    # 1 mn recruited while 0.5 mn other entrants join: the recruits vacate their jobs, the entrants must be hired
    assert _drift(99.5, 2.0) == approx(0.99)
    # 1 mn back while 0.5 mn retire: both move jobs
    assert _drift(100.5, 0.0) == approx(1.005)
    # a growing labour force with no army flow moves no jobs (entrants are hired, [C5])
    assert _drift(100.5, 1.0) == approx(1.0)
    # one formula for one draw and for many
    many = _drift(np.array([99.0, 101.0, 99.5]), np.array([2.0, 0.0, 2.0]), np.full(3, 100.0), np.ones(3), VECTOR)
    assert many == approx([0.99, 1.01, 0.99])


def test_civilian_employment_follows_a_shrinking_labour_force_and_hoards_only_the_rest() -> None:
    # 1% of the labour force leaves (retirement, the army, emigration): their jobs go with them
    v = _employ(_demand_for(66.0), 70.0, drift=0.99)
    assert v["employment_civilian"] == approx(69.3 - 0.1 * (69.3 - 66.0))
    # when needs shrink with the labour force, nothing is hoarded
    assert _employ(_demand_for(69.3), 70.0, drift=0.99)["employment_civilian"] == approx(69.3)


def test_civilian_employment_capacity_binds_at_the_labour_limit_and_maximum_hours() -> None:
    v = _employ(110.0, 72.0)  # needs more than n_max = 72
    assert v["employment_civilian"] == approx(72.0)
    assert v["civilian_capacity"] == approx(supply.produce(72 * 1.05, _technology(), B))
    assert v["output_civilian"] == approx(v["civilian_capacity"]) and v["output_civilian"] < 110
    assert v["hours_civilian"] == approx(1.05)
    assert _employ(110.0, 68.0)["employment_civilian"] == approx(70.0)  # hiring stops at n_max: 68 + 0.5 x 4


def test_civilian_employment_missing_parts_lower_output_not_labour_demand() -> None:
    scarce = _technology(m_rho=1 / 0.5)  # half the critical inputs
    normal, short = _employ(100.0, 70.0), _employ(100.0, 70.0, tech=scarce)
    assert short["labour_needed"] == approx(normal["labour_needed"])
    assert short["employment_civilian"] == approx(normal["employment_civilian"])
    assert short["civilian_capacity"] < 100 and short["output_civilian"] == approx(short["civilian_capacity"])


# ------------------------------------------------------------------------------------------------ demand


def test_fiscal_stance_is_the_non_oil_primary_deficit_with_quasi_fiscal_credit() -> None:
    p = params(is_quasi_fiscal=0.5)
    # 100 x (1 + 3 + 0.5 x 1) / 30 - 12 = 3 (% of GDP)
    v = demand.fiscal_stance(defence=1.0, other_spending=3.0, preferential_credit=1.0, nominal_gdp=30.0,
                             tax_rate=12.0, p=p)
    assert v == approx(3.0)


def _demand(**over: float) -> dict[str, float]:
    p = params(is_persistence=0.5, is_rate=0.2, is_fiscal=0.4, is_income=0.1)
    kw = dict(gap_prev=0.0, real_rate_prev=3.0, income_change=0.0, stance=3.0, stance_4q_ago=3.0, shock=0.0,
              anchor=100.0, potential=100.0, rr_neutral=3.0, p=p, B=B)
    kw.update(over)
    return demand.civilian_demand(**kw)


def test_civilian_demand_moves_with_the_fiscal_impulse_not_the_level_of_the_stance() -> None:
    calm = _demand()
    assert calm["gap"] == 0.0 and calm["civilian_demand"] == approx(100.0)
    assert _demand(stance=9.0, stance_4q_ago=9.0)["gap"] == 0.0  # a high stance held for a year: no impulse
    rise = _demand(stance=5.0)  # +2 pp over the year: impulse 0.5 a quarter
    assert rise["fiscal_impulse"] == approx(0.5)
    assert rise["gap"] == approx(0.4 * 0.5)
    assert _demand(stance=1.0)["gap"] == approx(-0.4 * 0.5)  # consolidation
    assert _demand(real_rate_prev=5.0)["gap"] == approx(-0.2 * 2)  # tight money
    assert _demand(income_change=3.0)["gap"] == approx(0.1 * 3)
    assert _demand(gap_prev=2.0)["gap"] == approx(1.0)  # persistence


def test_civilian_demand_gap_against_potential_and_its_numerical_bound() -> None:
    v = _demand(shock=2.0, potential=98.0)
    assert v["civilian_demand"] == approx(100 * math.exp(0.02))
    assert v["demand_gap"] == approx(100 * math.log(100 * math.exp(0.02) / 98))  # the anchor lags potential
    boom = _demand(shock=40.0)
    assert boom["gap"] == demand.GAP_BOUND
    assert _demand(shock=-40.0)["gap"] == -demand.GAP_BOUND


def test_labour_market_unemployment_and_the_labour_shortage() -> None:
    p = params(vacancies_frictional=2.0, vacancy_tightness=0.3)
    kw = dict(labour_force=78.0, employment_military=4.0, labour_needed=71.0, military_labour_demand=4.2,
              u_nat=4 / 78, p=p, B=B)
    v = demand.labour_market(employment_civilian=70.0, **kw)
    assert v["unemployed"] == approx(4.0)
    assert v["unemployment_rate"] == approx(100 * 4 / 78)
    assert v["unmet_civilian_demand"] == approx(1.0) and v["unmet_military_demand"] == approx(0.2)
    assert v["labour_shortage"] == approx(2.0 + 1.0 + 0.2)  # frictional vacancies at the natural rate
    tight = demand.labour_market(employment_civilian=71.0, **kw)
    # one point of unemployment below the natural rate: frictional vacancies x exp(0.3 x 100 / 78)
    assert tight["labour_shortage"] == approx(2.0 * math.exp(0.3 * 100 / 78) + 0.2)


# ------------------------------------------------------------------------------------------------ prices


def _fx(**over: float) -> dict[str, float]:
    p = params(world_inflation=2.0, fx_oil_elasticity=0.5)
    kw = dict(fx_data=90.0, fx_anchor=1.0, base_prev=100.0, inflation_prev=6.0, urals=70.0, urals_prev=70.0,
              realised=70.0, p=p, B=B)
    kw.update(over)
    return prices.exchange_rate(**kw)


def test_exchange_rate_is_the_data_in_history() -> None:
    assert _fx()["usd_rub"] == 90.0
    assert _fx(base_prev=50.0, inflation_prev=30.0, urals=40.0, realised=40.0)["usd_rub"] == 90.0
    # a wider sanctions discount weakens the ruble, also in history: 90 x (75 / 60)^0.5
    assert _fx(urals=75.0, realised=60.0)["usd_rub"] == approx(90 * 1.25**0.5)


def test_exchange_rate_in_projection_drifts_with_inflation_and_the_oil_price() -> None:
    ppp = _fx(fx_anchor=0.0)  # 6% at home, 2% abroad: the ruble loses 1% a quarter (constant real rate)
    assert ppp["usd_rub"] == approx(100 * math.exp(0.01))
    assert _fx(fx_anchor=0.0, inflation_prev=2.0)["usd_rub"] == approx(100.0)
    cheap_oil = _fx(fx_anchor=0.0, urals=63.0, realised=63.0)  # oil 10% cheaper: 0.9^-0.5 = +5.4%
    assert cheap_oil["usd_rub"] == approx(100 * math.exp(0.01) * 0.9**-0.5)
    assert cheap_oil["usd_rub_base"] == cheap_oil["usd_rub"]


def _expect_params(**over: float) -> Any:
    values = dict(record_speed=0.5, inflation_target=4.0, credibility_max=0.8, credibility_loss=0.5,
                  expectations_adapt=0.25, survey_bias=3.0)
    values.update(over)
    return params(**values)


def _expect(**over: float) -> dict[str, float]:
    kw = dict(adaptive_prev=4.0, record_prev=0.0, cpi_prev=4.0, survey=0.0, survey_flag=0.0, p=_expect_params(),
              B=B)
    kw.update(over)
    return prices.expectations(**kw)


def test_expectations_at_target_with_a_clean_record() -> None:
    v = _expect()
    assert v["inflation_record"] == 0.0 and v["credibility"] == approx(0.8)
    assert v["inflation_expectations"] == approx(4.0)


def test_credibility_falls_with_the_record_and_expectations_drift_away() -> None:
    v = _expect(cpi_prev=12.0)
    assert v["inflation_record"] == approx(4.0)  # half of the 8 pp miss
    assert v["credibility"] == approx(0.8 / 3)  # 0.8 / (1 + 0.5 x 4)
    # the adaptive forecast learns from y/y inflation (issue 10: from the annualised q/q rate, a one-quarter
    # price jump of 10% entered it as 40% inflation, and a fast-adapting forecast started a spiral)
    assert v["adaptive_expectations"] == approx(6.0)  # 4 + 0.25 x (12 - 4)
    assert v["inflation_expectations"] == approx(0.8 / 3 * 4 + (1 - 0.8 / 3) * 6)
    trusted = _expect(cpi_prev=12.0, p=_expect_params(credibility_loss=0.0))
    assert v["inflation_expectations"] > trusted["inflation_expectations"]  # the lost credibility adds
    assert _expect(cpi_prev=-4.0)["credibility"] == approx(v["credibility"])  # a miss below counts the same
    # the record is smoothed: a good quarter repairs only part of it
    assert _expect(record_prev=4.0)["inflation_record"] == approx(2.0)


def test_expectations_follow_the_household_survey_and_continue_from_it() -> None:
    v = _expect(survey=13.0, survey_flag=1.0, adaptive_prev=5.0)
    assert v["inflation_expectations"] == approx(13.0 - 3.0)  # the survey less the households' usual bias
    # the next quarter without a survey starts from there: with inflation at the adaptive level and the same
    # credibility, expectations stay put
    a = v["adaptive_expectations"]
    nxt = _expect(adaptive_prev=a, cpi_prev=a, p=_expect_params(credibility_loss=0.0))
    assert nxt["inflation_expectations"] == approx(10.0)


def _price_params(**over: float) -> Any:
    values = dict(world_inflation=2.0, controlled_import_share=0.2, pass_through_impact=0.4, pass_through=0.1,
                  markup_pass_through=0.5, phillips_slack=0.5, phillips_lag=0.5, phillips_slope=0.2, phillips_ulc=0.1,
                  markup_fall_speed=0.4)
    values.update(over)
    return params(**values)


def _prices(**over: float) -> dict[str, float]:
    # the ruble loses 0.5% a quarter = (4 - 2) / 400: the real exchange rate is constant at 4% inflation
    kw = dict(usd_rub=100 * math.exp(0.005), usd_rub_prev=100.0, import_markup=0.0, settlement=0.0, priced_prev=1.0,
              inflation_prev=4.0, core_prev=4.0, imported_prev=0.0, expected=4.0, price_prev=1.0,
              price_4q_ago=math.exp(-0.04), demand_gap=0.0, ulc_gap_prev=0.0, p=_price_params(), B=B)
    kw.update(over)
    return prices.prices(**kw)


def test_prices_on_target_without_gaps_or_shocks() -> None:
    v = _prices()
    assert v["imported_inflation"] == approx(0.0)
    assert v["inflation_q"] == approx(4.0)
    assert v["price_level"] == approx(math.exp(0.01))
    assert v["cpi_inflation"] == approx(100 * (math.exp(0.05) - 1))


def test_phillips_curve_is_vertical_in_the_long_run() -> None:
    # from 12% core inflation, with closed gaps, expectations at the target and a constant real exchange rate,
    # inflation returns to the target: the weights on lagged and expected inflation sum to one
    core, pi = 12.0, 12.0
    for _ in range(40):
        v = _prices(core_prev=core, inflation_prev=pi, usd_rub=100 * math.exp((pi - 2) / 400))
        core, pi = v["core_inflation"], v["inflation_q"]
    assert pi == approx(4.0, abs=1e-6)
    # with expectations stuck at 8% inflation settles at 8%, not at the target: expectations anchor the long run
    core = 4.0
    for _ in range(40):
        core = _prices(core_prev=core, expected=8.0)["core_inflation"]
    assert core == approx(8.0, abs=1e-6)


def test_phillips_curve_is_convex() -> None:
    hot, cold = _prices(demand_gap=2.0), _prices(demand_gap=-2.0)
    assert hot["inflation_q"] - 4.0 == approx(0.2 * 2.0)
    assert 4.0 - cold["inflation_q"] == approx(0.5 * 0.2 * 2.0)  # slack lowers inflation half as much


def test_real_unit_labour_costs_above_their_path_raise_inflation() -> None:
    assert _prices(ulc_gap_prev=2.0)["core_inflation"] == approx(4.0 + 0.1 * 2.0)
    assert _prices(ulc_gap_prev=-2.0)["core_inflation"] == approx(4.0 - 0.1 * 2.0)


def test_ruble_depreciation_passes_through_over_two_quarters_and_sanction_markups_are_a_cost_shock() -> None:
    jump = 100 * math.exp(0.005) * 1.1  # a 10% real depreciation on top of the constant real rate
    first = _prices(usd_rub=jump)
    imported = 400 * math.log(1.1)
    assert first["imported_inflation"] == approx(imported)
    assert first["inflation_q"] == approx(4.0 + 0.1 * 0.4 * imported)  # the impact share in the quarter
    second = _prices(imported_prev=first["imported_inflation"])  # the ruble holds its new real level
    assert second["inflation_q"] == approx(4.0 + 0.1 * 0.6 * imported)  # the rest in the next
    # the sanctions markup on controlled imports (+87%, a fifth of the basket) raises prices once, in the quarter
    markup = _prices(import_markup=87.0)
    assert markup["sanctions_cost"] == approx(400 * math.log(1 + 0.2 * 0.87))
    assert markup["inflation_q"] == approx(4.0 + 0.5 * markup["sanctions_cost"])
    assert markup["sanctions_priced"] == approx(1 + 0.2 * 0.87)
    assert _prices(import_markup=87.0, priced_prev=1 + 0.2 * 0.87)["inflation_q"] == approx(4.0)


def _relief(quarters: int, **over: float) -> list[float]:
    """The sanctions cost of the quarters after the +87% markup of a fifth of the basket is lifted."""
    priced, costs = 1 + 0.2 * 0.87, []
    for _ in range(quarters):
        v = _prices(import_markup=0.0, priced_prev=priced, p=_price_params(**over))
        priced = v["sanctions_priced"]
        costs.append(v["sanctions_cost"])
    return costs


def test_a_markup_fall_passes_into_prices_more_slowly_than_a_rise_of_the_same_size() -> None:
    # [P3a] prices rise faster than they fall: the rise passes in its quarter, relief at markup_fall_speed a quarter
    rise = _prices(import_markup=87.0)["sanctions_cost"]
    relief = _relief(40)
    assert -relief[0] < 0.5 * rise  # at most half the fall in its first quarter (Peltzman 2000: at least twice)
    assert relief[0] == approx(400 * math.log(1 - 0.4 * (1 - 1 / (1 + 0.2 * 0.87))))
    assert all(later > earlier for earlier, later in zip(relief, relief[1:], strict=False))  # ever smaller falls
    assert -sum(relief[:3]) < rise  # still not all of it after three quarters
    assert sum(relief) == approx(-rise, rel=1e-6)  # but in the end all of it: the fall is delayed, not kept
    assert _prices(import_markup=0.0, priced_prev=1 + 0.2 * 0.87)["inflation_q"] == approx(4.0 + 0.5 * relief[0])
    # a slower speed spreads the fall further; at speed 1 relief mirrors the rise (the symmetric pass-through)
    assert relief[0] < _relief(1, markup_fall_speed=0.25)[0] < 0
    assert _relief(1, markup_fall_speed=1.0)[0] == approx(-rise)


def test_a_markup_rise_after_a_partial_fall_passes_only_what_prices_do_not_already_carry() -> None:
    # prices still carrying part of an old markup absorb a new rise up to that level: the level is the max of the
    # cost and the gradual fall, never below the cost (prices never undercut what imports cost)
    carried = 1 + 0.2 * 0.5  # prices still carry a +50% markup
    back = _prices(import_markup=87.0, priced_prev=carried)
    assert back["sanctions_priced"] == approx(1 + 0.2 * 0.87)
    assert back["sanctions_cost"] == approx(400 * math.log((1 + 0.2 * 0.87) / carried))
    lower = _prices(import_markup=20.0, priced_prev=carried)  # a smaller markup than prices carry: keeps falling
    assert 1 + 0.2 * 0.2 < lower["sanctions_priced"] < carried


def _rate_params(**over: float) -> Any:
    values = dict(inflation_target=4.0, neutral_real_rate=2.0, taylor_inflation=0.5, taylor_gap=0.5,
                  key_rate_floor=1.0, taylor_smoothing=0.5, lending_spread=3.0, sovereign_crowding=0.5,
                  lending_speed=0.5, preferential_share=0.5, preferential_rate=3.0, credibility_max=0.8)
    values.update(over)
    return params(**values)


def _rates(**over: float) -> dict[str, float]:
    kw = dict(cpi_inflation=4.0, sanctions_passed_4q=0.0, credibility=0.8, demand_gap=0.0, key_rate_prev=6.0,
              rate_anchor=0.0, key_rate_data=0.0, lending_prev=9.0, sovereign_spread=0.0, preferential_flag=1.0,
              ceasefire=0.0, expected=4.0,
              p=_rate_params(), B=B)
    kw.update(over)
    return prices.rates(**kw)


def test_rates_follow_the_taylor_rule_or_the_data() -> None:
    v = _rates()
    assert v["key_rate"] == approx(6.0)
    assert v["lending_rate_civilian"] == approx(9.0)
    assert v["lending_rate_military"] == approx(0.5 * 3.0 + 0.5 * 9.0)  # half at the preferential rate
    assert v["real_rate_civilian"] == approx(5.0)
    # 8% inflation: rule 2 + 8 + 0.5 x 4 = 12, half-way from 6
    assert _rates(cpi_inflation=8.0)["key_rate"] == approx(9.0)
    assert _rates(demand_gap=2.0)["key_rate"] == approx(6.5)
    assert _rates(cpi_inflation=8.0, rate_anchor=1.0, key_rate_data=21.0)["key_rate"] == 21.0
    assert _rates(cpi_inflation=-10.0, key_rate_prev=1.0)["key_rate"] == 1.0  # the floor


def test_the_rule_looks_through_the_sanctions_level_effect_as_far_as_the_target_is_credible() -> None:
    # a markup that lifted prices by 10% over the last year (40% a year for one quarter): y/y CPI 14.4% where it
    # would have been 4%; a fully credible bank answers the 4%, one without credibility the 14.4%
    cpi = 100 * (1.04 * math.exp(0.1) - 1)
    full = _rates(cpi_inflation=cpi, sanctions_passed_4q=40.0)
    assert full["rule_inflation"] == approx(4.0)
    assert full["key_rate"] == approx(_rates()["key_rate"])
    none = _rates(cpi_inflation=cpi, sanctions_passed_4q=40.0, credibility=0.0)
    assert none["rule_inflation"] == approx(cpi)
    assert none["key_rate"] == approx(_rates(cpi_inflation=cpi)["key_rate"])
    half = _rates(cpi_inflation=cpi, sanctions_passed_4q=40.0, credibility=0.4)
    assert full["key_rate"] < half["key_rate"] < none["key_rate"]
    assert half["rule_inflation"] == approx(100 * (1.04 * math.exp(0.05) - 1))
    # relief (prices falling with the markup) is looked through the same way: no cut for the one-off fall
    relief = _rates(cpi_inflation=100 * (1.04 * math.exp(-0.1) - 1), sanctions_passed_4q=-40.0)
    assert relief["key_rate"] == approx(_rates()["key_rate"])
    # demand pressure is not looked through
    assert _rates(sanctions_passed_4q=40.0, cpi_inflation=cpi + 4.0)["key_rate"] > full["key_rate"] + 1


def test_lending_rates_follow_the_key_rate_with_a_lag_and_the_sovereign_spread() -> None:
    hike = _rates(cpi_inflation=8.0)  # key rate 9: target 12, half of the way from 9
    assert hike["lending_rate_civilian"] == approx(10.5)
    assert _rates(sovereign_spread=2.0)["lending_rate_civilian"] == approx(9.0 + 0.5 * 0.5 * 2.0)  # crowding out
    cease = _rates(ceasefire=1.0)
    assert cease["lending_rate_military"] == cease["lending_rate_civilian"]  # no more preferential loans


# ------------------------------------------------------------------------------------------------ income


def _wages(**over: float) -> dict[str, float]:
    p = params(wage_tightness=0.5, wage_correction=0.1, wage_erosion=0.5, wage_premium_base=0.1,
                        wage_premium_unmet=1.0, wage_premium_spend=0.5, wage_premium_speed=0.5)
    kw = dict(wage_prev=1.0, premium_prev=0.1, output_civilian=100.0, employment_civilian=70.0,
              employment_military=4.0, output_military=100.0, procurement=100.0, unmet_military=0.0,
              unemployment_share=0.05, inflation_q=4.0, expected=4.0, trend=1.0, l_bar=70.0, wage_trend=1.0,
              trend_wage_growth=1.8, u_nat=0.05, potential=100.0, l_pot=70.0, p=p, B=B)
    kw.update(over)
    return income.wages(**kw)


def test_wages_grow_at_trend_in_balance() -> None:
    v = _wages()
    assert v["wage_growth"] == approx(1.8)
    assert v["wage_civilian"] == approx(math.exp(1.8 / 400))
    assert v["wage_premium"] == approx(0.1)
    assert v["wage_military"] == approx(1.1 * math.exp(1.8 / 400))


def test_wages_rise_with_a_tight_labour_market_and_fall_with_inflation_surprises() -> None:
    assert _wages(unemployment_share=0.04)["wage_growth"] == approx(1.8 + 4 * 0.5 * 1.0)
    assert _wages(inflation_q=8.0)["wage_growth"] == approx(1.8 - 0.5 * 4.0)
    # a wage 2% above productivity is corrected: 4 x 0.1 x 100 log(1.02) a year
    assert _wages(wage_prev=1.02)["wage_growth"] == approx(1.8 - 0.4 * 100 * math.log(1.02))
    # the same wage with 2% higher labour productivity is not above it
    assert _wages(wage_prev=1.02, output_civilian=102.0)["wage_growth"] == approx(1.8)



def test_the_unit_labour_cost_gap_is_the_real_wage_over_potential_productivity() -> None:
    v = _wages()
    assert v["unit_labour_cost_gap"] == approx(1.8 / 4)  # this quarter's trend growth on a flat path
    high = _wages(wage_prev=1.02)  # 2% above productivity, and corrected a little this quarter
    assert high["unit_labour_cost_gap"] == approx(100 * math.log(1.02) + high["wage_growth"] / 4)
    # potential output per worker 2% higher: the same wage is 2% less of it
    productive = _wages(potential=102.0)
    assert productive["unit_labour_cost_gap"] == approx(1.8 / 4 - 100 * math.log(1.02))
    # measured productivity swings (hoarding, hours) move the wage but not the potential it is measured on
    hoarding = _wages(output_civilian=98.0)
    assert hoarding["unit_labour_cost_gap"] == approx(hoarding["wage_growth"] / 4)


def test_the_military_premium_rises_with_unfilled_vacancies_and_orders() -> None:
    v = _wages(unmet_military=0.4, procurement=120.0)
    target = 0.1 + 1.0 * 0.4 / 4.0 + 0.5 * math.log(1.2)
    assert v["wage_premium"] == approx(0.1 + 0.5 * (target - 0.1))
    assert v["wage_military"] == approx(v["wage_civilian"] * (1 + v["wage_premium"]))


def test_household_income_counts_soldiers_pay_once() -> None:
    p = params(average_wage_2021=0.8)
    v = income.household_income(wage_civilian=1.0, wage_military=1.5, employment_civilian=70.0,
                                employment_military=4.0, personnel=0.5, price=1.25, transfers=10.0,
                                income_trend=80.0, p=p, B=B)
    assert v["civilian_real_income"] == approx(80.0)
    assert v["soldier_income"] == approx(4 * 0.5 / (1.25 * 0.8))  # 2 trn RUB a year at 2021 prices / 2021 wage
    assert v["household_income"] == approx(80.0 + 1.5 * 4 + 2.0)
    assert v["real_disposable_income"] == v["household_income"]
    wage = income.average_wage(wage_civilian=1.0, wage_military=1.5, employment_civilian=70.0, employment_military=4.0)
    assert wage == approx((70 + 6) / 74)  # soldiers' pay is income, not a wage of the two sectors
    assert v["income_gap"] == approx(100 * math.log(88 / 80))


def test_gdp_weights_and_the_deflator_wedge() -> None:
    p = params(military_va_share=4.0, nominal_gdp_2021=120.0)
    v = income.gdp(output_civilian=100.0, output_military=200.0, price=1.1, wedge_prev=1.0, nominal_anchor=1.0,
                   deflator=1.21, p=p)
    assert v["gdp"] == approx(104.0)
    assert v["wedge"] == approx(1.1)
    assert v["nominal_gdp"] == approx(30 * 1.04 * 1.21)
    held = income.gdp(output_civilian=100.0, output_military=200.0, price=1.1, wedge_prev=1.05, nominal_anchor=0.0,
                      deflator=1.21, p=p)
    assert held["wedge"] == 1.05


# ------------------------------------------------------------------------------------------------ budget


def _budget_params(**over: float) -> Any:
    values = dict(oil_revenue_coef=2.0, interest_share=1.0, nwf_fx_share=0.5, nwf_draw_share=0.5,
                  fiscal_adjustment=0.0, nwf_save_share=0.5, debt_spread=0.1, debt_threshold=15.0, ofz_spread=1.0)
    values.update(over)
    return params(**values)


def _budget(**over: float) -> dict[str, float]:
    kw = dict(nominal_gdp=50.0, defence=3.0, other_planned=8.0, tax_rate=12.0, usd_rub=100.0, usd_rub_prev=100.0,
              realised=70.0, oil_volume=1.0, war=1.0, quarters_left=0.0, nwf_next=0.0, nwf_prev=4.0, debt_prev=10.0,
              ofz_prev=16.0, key_rate=16.0, p=_budget_params(), B=B)
    kw.update(over)
    v = fiscal.budget(**kw)
    # identities of every case
    assert v["revenue"] == approx(v["oil_gas_revenue"] + v["non_oil_revenue"])
    assert v["spending"] == approx(kw["defence"] + v["other_spending"] + v["interest"])
    assert v["budget_balance"] == approx(v["revenue"] - v["spending"])
    assert v["budget_balance"] + v["borrowing"] + v["nwf_draw"] - v["nwf_save"] == approx(0.0, abs=1e-12)
    assert v["new_debt"] == approx(kw["debt_prev"] + v["borrowing"])
    assert v["nwf_liquid"] == approx(kw["nwf_prev"] + v["nwf_revaluation"] + v["nwf_save"] - v["nwf_draw"]
                                     + v["nwf_other_flows"])
    assert v["nwf_liquid"] >= 0
    return v


def test_budget_revenue_interest_and_a_surplus() -> None:
    v = _budget()
    assert v["oil_gas_revenue"] == approx(2 * 70 * 100 / 1000)  # volume x realised Urals x ruble
    assert v["non_oil_revenue"] == approx(6.0)
    assert v["interest"] == approx(0.5 + 10 * 16 / 400)
    assert v["spending"] == approx(3.0 + 8.0 + 0.9)
    assert v["budget_balance"] == approx(20.0 - 11.9)
    assert fiscal.share_of_gdp(v["budget_balance"], 50.0) == approx(100 * 8.1 / 50)
    assert fiscal.share_of_gdp(3.0, 50.0) == approx(6.0)


def test_a_surplus_repays_debt_then_saves() -> None:
    v = _budget()  # half of the 8.1 surplus repays debt, half goes to the NWF
    assert v["nwf_save"] == approx(4.05) and v["borrowing"] == approx(-4.05) and v["new_debt"] == approx(5.95)
    little_debt = _budget(debt_prev=1.0)  # repays all of it, saves the rest
    assert little_debt["new_debt"] == approx(0.0, abs=1e-12)
    assert little_debt["nwf_save"] == approx(little_debt["budget_balance"] - 1.0)
    no_debt = _budget(debt_prev=0.0)
    assert no_debt["nwf_save"] == approx(no_debt["budget_balance"]) and no_debt["new_debt"] == 0.0


def test_a_deficit_is_shared_between_the_nwf_and_borrowing() -> None:
    v = _budget(realised=10.0)  # oil revenue 2: deficit 3.9
    assert v["budget_balance"] == approx(-3.9)
    assert v["nwf_draw"] == approx(1.95) and v["borrowing"] == approx(1.95)
    assert v["spending_cut"] == 0.0
    prewar = _budget(realised=10.0, war=0.0)  # no NWF rule before the war: all borrowed
    assert prewar["nwf_draw"] == 0.0 and prewar["borrowing"] == approx(3.9)


@pytest.mark.parametrize("adjustment", [0.0, 0.5, 1.0])
def test_nwf_exhaustion_cuts_spending_in_the_adjustment_share_and_borrows_the_rest(adjustment: float) -> None:
    p = _budget_params(fiscal_adjustment=adjustment)
    full = _budget(realised=10.0, p=p)
    empty = _budget(realised=10.0, nwf_prev=0.5, p=p)  # the NWF covers 0.5 of its 1.95
    assert empty["nwf_draw"] == approx(0.5) and empty["nwf_liquid"] == approx(0.0, abs=1e-12)
    missing = 1.95 - 0.5
    assert empty["spending_cut"] == approx(adjustment * missing)
    assert empty["other_spending"] == approx(8.0 - adjustment * missing)
    assert empty["borrowing"] - full["borrowing"] == approx((1 - adjustment) * missing)


def test_the_nwf_is_revalued_with_the_ruble_and_steered_to_its_observations() -> None:
    v = _budget(usd_rub=110.0)  # half of the fund in currency, the ruble 10% weaker
    assert v["nwf_revaluation"] == approx(4 * 0.5 * 0.1)
    assert _budget(usd_rub=110.0, war=0.0)["nwf_revaluation"] == 0.0
    steered = _budget(quarters_left=2.0, nwf_next=20.0)
    own = _budget()["nwf_liquid"]
    assert steered["nwf_other_flows"] == approx((20 - own) / 2)
    assert _budget(quarters_left=1.0, nwf_next=20.0)["nwf_liquid"] == approx(20.0)  # hits the observation


def test_the_sovereign_spread_rises_with_debt_above_the_threshold() -> None:
    low = _budget()  # debt 5.95 of GDP 200 a year: below 15%
    assert low["sovereign_spread"] == 0.0 and low["ofz_rate"] == approx(17.0)
    high = _budget(debt_prev=40.0, realised=10.0)  # interest 2.1, deficit 5.1, half borrowed: debt 42.55
    assert high["new_debt"] == approx(42.55)
    assert high["sovereign_spread"] == approx(0.1 * (100 * 42.55 / 200 - 15))  # 21.3% of annual GDP
    assert high["ofz_rate"] == approx(16.0 + 1.0 + high["sovereign_spread"])


# ------------------------------------------------------------------------------------------------ post


def test_post_rescales_to_2021_and_grows_at_potential_before_the_start() -> None:
    out = {"output_civilian": np.array([[50.0, 100.0, 150.0]]), "potential_civilian": np.array([[50.0, 100.0, 150.0]])}
    post.rescale(out, np.array([1, 2]))
    assert out["output_civilian"][0, 1:].mean() == approx(100.0)
    assert out["potential_civilian"][0, 0] == approx(40.0)  # with civilian output's factor
    gdp = np.array([[100 * 1.02 ** (q / 4) for q in range(8)]])
    growth = post.gdp_growth(gdp, np.array([100 * math.log(1.02)]))
    assert growth[0] == approx([2.0] * 8)  # the first year against a year earlier at potential growth


def test_post_strain_standardises_on_the_prewar_mean_and_weights_the_components() -> None:
    f = {f"strain_sd_{c}": np.array([2.0]) for c in post.STRAIN}
    f.update({f"strain_weight_{c}": np.array([1.0]) for c in post.STRAIN})
    comp = {c: np.array([[1.0, 1.0, 5.0]]) for c in post.STRAIN}
    z = post.strain(comp, f, np.array([0, 1]))
    n = len(post.STRAIN)
    assert z["strain_output"][0] == approx([1.0, 1.0, 5.0])  # the component itself, in natural units
    assert z["strain_output_contribution"][0] == approx([0.0, 0.0, 2.0 / n])
    assert z["strain_index"][0] == approx([0.0, 0.0, 2.0])
    f["strain_weight_output"] = np.array([3.0])  # output counts three times
    comp["output"] = np.array([[1.0, 1.0, 13.0]])  # z = 6
    z = post.strain(comp, f, np.array([0, 1]))
    assert z["strain_index"][0, 2] == approx((3 * 6 + (n - 1) * 2) / (3 + n - 1))
    assert z["strain_output_contribution"][0, 2] == approx(3 * 6 / (3 + n - 1))
    f.update({f"strain_weight_{c}": np.array([0.0]) for c in post.STRAIN})  # all weights 0: no index, no error
    assert post.strain(comp, f, np.array([0, 1]))["strain_index"][0] == approx([0.0, 0.0, 0.0])


def test_post_strain_fiscal_component_is_bounded_and_keeps_moving_once_the_fund_is_empty() -> None:
    f = {"inflation_target": np.array([4.0]), "strain_fiscal_need": np.array([2.0])}
    gdp = np.full((1, 5), 25.0)  # 100 trn RUB a year
    nwf = np.array([[10.0, 2.0, 0.0, 0.0, 0.0]])  # 10% of GDP, 2%, then empty ...
    debt = np.array([[0.0, 0.0, 0.0, 2.0, 8.0]])  # ... and debt replaces it
    out = {"nwf_liquid": nwf, "new_debt": debt, "nominal_gdp": gdp, "cpi_inflation": np.zeros((1, 5)),
           "real_rate_civilian": np.zeros((1, 5)), "labour_shortage": np.ones((1, 5)),
           "unmet_military_demand": np.zeros((1, 5)), "labour_force": np.full((1, 5), 50.0),
           "wage_premium": np.zeros((1, 5))}
    ones = np.ones((1, 5))
    fiscal = post.strain_components(out, f, ones, ones)["fiscal"][0]
    assert fiscal[0] < 0.01  # an ample buffer: (almost) no strain, and no extra relief from a larger one
    assert np.all(np.diff(fiscal) >= 0) and fiscal[2] == approx(2.0)  # empty fund: one year's need
    assert fiscal[2] < fiscal[3] < fiscal[4] < 4.0  # debt keeps raising it, bounded by 2 x need


def test_backends_agree_on_log_and_clip_edge_cases() -> None:
    assert SCALAR.log(0.0) == -math.inf and math.isnan(SCALAR.log(-1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        assert VECTOR.log(np.array([0.0]))[0] == -np.inf and np.isnan(VECTOR.log(np.array([-1.0]))[0])
    # a high bound below the low one wins, as in np.clip; NaN passes through
    for x, low, high in [(5.0, 0.0, 2.0), (-1.0, 0.0, 2.0), (1.0, 3.0, 2.0), (-5.0, 3.0, 2.0), (math.nan, 0.0, 2.0)]:
        np.testing.assert_equal(SCALAR.clip(x, low, high), VECTOR.clip(np.array([x]), low, high)[0])


def test_reusable_arrays_are_handed_out_again_only_when_nothing_refers_to_them() -> None:
    def address(a: np.ndarray) -> int:
        return int(a.__array_interface__["data"][0])

    shape = (3, 7)  # a shape of its own: no other test's arrays in the way
    first = reusable(shape)
    view = first[1:].T
    held = address(first)
    del first
    second = reusable(shape)
    assert address(second) != held  # a view still refers to the first array
    del view
    third = reusable(shape)
    assert address(third) == held  # nothing refers to it any more: handed out again
    assert address(reusable(shape)) not in (held, address(second))  # both held
