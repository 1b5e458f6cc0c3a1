"""Tests of the engine: accounting identities, stability, lever directions, timing and vectorisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import exog
from twosector.model import OUTPUTS
from twosector.model.post import STRAIN
from twosector.params import default_params, param_table
from twosector.simulation import compare, run_draws, run_draws_together, simulate

SCENARIOS = twosector.list_scenarios().index.tolist()


def _col(frame: pd.DataFrame, name: str) -> np.ndarray:
    """(T, n) array of a variable, for single-draw or MultiIndex frames."""
    v = frame[name]
    return v.to_numpy().reshape(len(frame), -1)


def check_identities(out: pd.DataFrame, params: pd.DataFrame | None = None) -> None:
    c = lambda name: _col(out, name)  # noqa: E731
    for name in out.columns.get_level_values(0).unique():
        assert np.isfinite(c(name)).all(), name
    assert np.allclose(c("employment_military") + c("employment_civilian") + c("unemployed"), c("labour_force"))
    assert np.allclose(c("unemployment_rate"), 100 * c("unemployed") / c("labour_force"))
    assert np.allclose(
        c("labour_force"),
        c("labour_force_trend") - c("army_personnel") - c("army_losses") - c("emigrants_lf"),
    )
    assert (c("unemployed") >= -1e-9).all() and (c("employment_civilian") >= 0).all()
    assert np.allclose(c("revenue"), c("oil_gas_revenue") + c("non_oil_revenue"))
    assert np.allclose(c("spending"), c("defence_spending") + c("other_spending") + c("interest"))
    assert np.allclose(c("budget_balance"), c("revenue") - c("spending"))
    assert np.allclose(c("budget_balance_gdp"), 100 * c("budget_balance") / c("nominal_gdp"))
    assert np.allclose(c("defence_spending_gdp"), 100 * c("defence_spending") / c("nominal_gdp"))
    nwf = c("nwf_liquid")
    assert np.allclose(nwf[1:], nwf[:-1] + c("nwf_revaluation")[1:] + c("nwf_save")[1:] - c("nwf_draw")[1:]
                       + c("nwf_other_flows")[1:])
    assert (nwf >= -1e-9).all()
    assert np.allclose(c("budget_balance") + c("borrowing") + c("nwf_draw") - c("nwf_save"), 0.0)
    assert np.allclose(np.diff(c("new_debt"), axis=0), c("borrowing")[1:])
    def par(name: str) -> float | np.ndarray:
        return twosector.default_params()[name] if params is None else params[name].to_numpy()[None, :]

    w = par("military_va_share") / 100  # 2021 value-added weight
    assert np.allclose(c("gdp"), (1 - w) * c("output_civilian") + w * c("output_military"))
    # defence = personnel + procurement, with the procurement floor; pay once, to households
    assert np.allclose(c("personnel_spending") + c("procurement"), c("defence_spending"))
    assert (c("procurement") >= par("procurement_floor") * c("defence_spending") - 1e-9).all()
    # civilian output is demand unless capacity binds; hours stay in their band; the substitution stock is sunk
    assert np.allclose(c("output_civilian"), np.minimum(c("civilian_demand"), c("civilian_capacity")))
    hours = c("hours_civilian")
    assert (hours >= par("hours_min") - 1e-9).all() and (hours <= par("hours_max") + 1e-9).all()
    assert (c("military_utilisation") <= par("military_utilisation_max") + 1e-9).all()
    assert (np.diff(c("import_substitution"), axis=0) >= -1e-12).all()
    for name in ("output_military", "output_civilian", "wage_civilian", "civilian_real_income"):
        base = c(name)[np.asarray(out.index.year) == 2021].mean(axis=0)
        assert np.allclose(base, 100.0), name
    # [S3] the strain contributions add up to the index exactly and average zero before the war
    parts = [f"strain_{name}_contribution" for name in STRAIN]
    assert np.allclose(sum(c(name) for name in parts), c("strain_index"), rtol=0, atol=1e-12)
    prewar = np.asarray(out.index.year) <= 2021
    for name in parts:
        assert np.allclose(c(name)[prewar].mean(axis=0), 0.0, atol=1e-12), name


@pytest.mark.parametrize("name", SCENARIOS)
def test_identities_hold_for_every_builtin_scenario(name: str) -> None:
    check_identities(simulate(name))


def test_identities_hold_for_random_parameter_draws() -> None:
    table = param_table()
    rng = np.random.default_rng(20260101)
    n = 64
    draws = pd.DataFrame(
        {name: rng.uniform(row.low, row.high, n) for name, row in table.iterrows()}
    )
    for scenario in ("baseline", "broad_front", "ceasefire"):
        out = simulate(scenario, draws)
        assert out.columns.nlevels == 2 and out["gdp"].shape == (len(out), n)
        check_identities(out, draws)


@pytest.fixture(scope="module")
def no_war() -> pd.DataFrame:
    return simulate("baseline", exog=exog.no_war_paths())


def test_prewar_model_without_shocks_is_stable(no_war) -> None:
    late = no_war.loc["2026Q1":"2030Q4"]
    p = twosector.default_params()
    assert late["cpi_inflation"].sub(p["inflation_target"]).abs().max() < 0.75
    assert late["gdp_growth"].sub(p["potential_growth"]).abs().max() < 0.75
    assert late["demand_gap"].abs().max() < 1.0
    assert late["strain_index"].abs().max() < 1.0
    # no drift: the last year looks like the year before
    assert abs(late.loc["2030", "cpi_inflation"].mean() - late.loc["2029", "cpi_inflation"].mean()) < 0.2


def test_prewar_unemployment_returns_to_the_natural_rate(no_war) -> None:
    late = no_war.loc["2026Q1":"2030Q4"]
    p = twosector.default_params()
    assert late["unemployment_rate"].sub(p["unemployment_natural"]).abs().max() < 0.75


def test_prewar_military_sector_is_at_its_2021_normal(no_war) -> None:
    p = twosector.default_params()
    y2021 = no_war.loc["2021"]
    # 1 in 2021 by definition [Y2], up to the within-year profile of spending and the industry's lagged response
    assert y2021["military_utilisation"].mean() == pytest.approx(1.0, abs=0.02)
    assert y2021["price_military"].mean() == pytest.approx(100.0, abs=0.1)  # the index base
    assert y2021["employment_military"].mean() == pytest.approx(p["employment_military_2021"], rel=0.02)


SANCTION_LEVERS = {
    "input_sanctions": (0.3, 0.8),
    "tech_controls": (0.3, 0.8),
    "skilled_emigration": (0.05, 0.2),
    "oil_price_cap": (5.0, 20.0),
    "secondary_sanctions": (0.3, 0.8),
}
WINDOW = slice("2025Q1", "2030Q4")


def _effect(lever: str, intensity: float, ramp: int = 4) -> pd.DataFrame:
    sc = {"name": lever, "levers": {lever: {"intensity": intensity, "start": "2025Q1", "ramp": ramp}}}
    c = compare(sc)
    return c.xs("diff", axis=1, level="kind").loc[WINDOW]


@pytest.mark.parametrize("lever", list(SANCTION_LEVERS))
def test_sanction_levers_raise_strain_and_cut_civilian_output_more_when_stronger(lever: str) -> None:
    weak, strong = (_effect(lever, x) for x in SANCTION_LEVERS[lever])
    for eff in (weak, strong):
        assert eff["strain_index"].mean() > 0
        assert eff["output_civilian"].mean() < 0
    assert strong["strain_index"].mean() > weak["strain_index"].mean()
    assert strong["output_civilian"].mean() < weak["output_civilian"].mean()
    # nothing happens before the lever starts
    before = compare({"levers": {lever: {"intensity": SANCTION_LEVERS[lever][1], "start": "2025Q1"}}})
    assert np.allclose(before.xs("diff", axis=1, level="kind").loc[:"2024Q4"].to_numpy(), 0.0)


def test_ceasefire_cuts_defence_and_military_output_and_releases_labour() -> None:
    d = compare("ceasefire").xs("diff", axis=1, level="kind")
    after = d.loc["2025Q3":"2030Q4"]
    assert (after["defence_spending"] < 0).all()
    assert (after["army_personnel"] < 0).all()
    assert (after["labour_force"] > 0).all()
    # while the cut phases in and the year after, the defence industry produces and employs less. (Later the pay
    # saved on the demobilised army goes to procurement while the baseline's growing army crowds procurement out
    # of a budget held at its share of GDP: from 2028 the ceasefire's military output exceeds the baseline's.)
    transition = d.loc["2025Q3":"2027Q2"]
    assert (transition["output_military"] < 0).all()
    assert (transition["employment_military"] < 0).all()
    # released labour ends up in civilian jobs once the demand shock of the spending cut has passed
    # (the transition dip in civilian employment is documented in docs/model.md)
    assert (d.loc["2029Q1":"2030Q4", "employment_civilian"] > 0).all()
    assert (after["employment_civilian"] + after["unemployed"] > 0).all()
    assert np.allclose(d.loc[:"2025Q2"].to_numpy(), 0.0)


def test_ramp_delays_the_effect_but_not_the_long_run() -> None:
    fast = _effect("input_sanctions", 0.6, ramp=0)["critical_inputs"]
    slow = _effect("input_sanctions", 0.6, ramp=8)["critical_inputs"]
    early = slice("2025Q1", "2025Q4")
    assert slow.loc[early].abs().mean() < 0.6 * fast.loc[early].abs().mean()
    # the lever paths coincide from 2026Q4 on; the effect converges
    # (with substitution_max near 1 the long-run effect itself is nil, hence the absolute floor)
    assert abs(slow.loc["2030Q4"] - fast.loc["2030Q4"]) < 0.1 * abs(fast.loc["2030Q4"]) + 1e-6
    fast_s = _effect("input_sanctions", 0.6, ramp=0)["output_civilian"]
    slow_s = _effect("input_sanctions", 0.6, ramp=8)["output_civilian"]
    assert slow_s.loc[early].abs().mean() < fast_s.loc[early].abs().mean()


def test_vectorised_draws_equal_one_by_one_runs() -> None:
    table = param_table()
    rng = np.random.default_rng(7)
    names = ["phillips_slope", "phillips_slack", "hoarding_speed", "input_elasticity", "is_rate", "nwf_draw_share",
             "fiscal_adjustment", "credibility_loss", "army_attrition"]
    draws = pd.DataFrame({n: rng.uniform(table.at[n, "low"], table.at[n, "high"], 5) for n in names})
    together = simulate("broad_front", draws)
    for i, row in draws.iterrows():
        alone = simulate("broad_front", row.to_dict())
        block = together.xs(i, axis=1, level="draw")
        assert np.allclose(block.to_numpy(), alone[block.columns].to_numpy(), rtol=1e-10, atol=1e-10)


def test_a_single_run_that_explodes_is_reported_by_the_guard_not_raised(exploding: dict[str, float]) -> None:
    # on Python floats the military output falls to zero and a division raises; the run is repeated on numpy's
    # conventions (inf, NaN), the same numbers a run of several draws gives for it
    alone = simulate("sudden_shock", exploding)
    rows = twosector.plausibility(alone)
    assert (rows.at[0, "variable"], str(rows.at[0, "quarter"])) == ("cpi_inflation", "2025Q3")
    with np.errstate(all="ignore"):  # numpy warns of the overflow in the loop, as for any exploding draw
        together = simulate("sudden_shock", pd.DataFrame([exploding, exploding]))
    first = together.xs(0, axis=1, level="draw")["key_rate"]
    finite = np.isfinite(first.to_numpy())
    assert np.array_equal(finite, np.isfinite(alone["key_rate"].to_numpy()))
    assert np.allclose(first.to_numpy()[finite], alone["key_rate"].to_numpy()[finite], rtol=1e-10)


def test_runs_together_equal_runs_one_by_one() -> None:
    # run_many simulates the quarters before the lever sets differ once and continues each set from a copy of
    # the state: a state shared by reference and changed by one set would change the other's numbers
    table = param_table()
    rng = np.random.default_rng(11)
    names = ["phillips_slope", "hoarding_speed", "is_rate", "nwf_draw_share", "army_attrition"]
    draws = pd.DataFrame([default_params()] * 6, index=range(6))
    for n in names:
        draws[n] = rng.uniform(table.at[n, "low"], table.at[n, "high"], 6)
    x = exog.paths().loc[:"2030Q4"]
    risk = {"urals_price": x["urals_price"].to_numpy() * rng.uniform(0.7, 1.3, (6, len(x)))}
    sweep = {"oil_price_cap": rng.uniform(0, 20, (6, 1)) * (x.index >= pd.Period("2026Q1"))}
    runs = [twosector.load_scenario(name) for name in ("ceasefire", "input_sanctions", "baseline")]
    for per_draw in (risk, sweep):
        together = run_draws_together(runs, draws, x, list(OUTPUTS), per_draw)
        for sc, joint in zip(runs, together, strict=True):
            alone = run_draws(sc, draws, x, list(OUTPUTS), per_draw)
            for v in OUTPUTS:
                np.testing.assert_array_equal(joint[v], alone[v], err_msg=f"{sc.name}: {v}")
    assert not np.array_equal(together[0]["gdp"], together[2]["gdp"])


def test_history_is_the_same_in_every_scenario_before_2025() -> None:
    base = simulate("baseline").loc[:"2024Q4"]
    for name in ("broad_front", "sudden_shock", "ceasefire"):
        assert np.allclose(simulate(name).loc[:"2024Q4"].to_numpy(), base.to_numpy())


def test_strain_components_follow_the_signs_the_fact_base_gives_for_2022_2024(baseline) -> None:
    """Directions in history where the fact base gives a sign with a source (docs/model.md, Strain)."""
    q = baseline.loc
    year = lambda name, y: q[str(y), f"strain_{name}"].mean()  # noqa: E731
    prewar = {name: q["2019":"2021", f"strain_{name}"].mean() for name in STRAIN}
    # real disposable income +5.4% (2023), +7.3% (2024), above trend growth (Rosstat via Re:Russia)
    assert year("income", 2022) > year("income", 2023) > year("income", 2024)
    # the GDP trough of 2022Q2 (-4.5% y/y, Rosstat): civilian output below its pre-war normal
    assert q["2022Q2", "strain_output"] > prewar["output"]
    # CPI y/y: the 2022 spike, the 2023Q2 trough (3.4%), the 2024 rebound (9.5% Dec/Dec; Rosstat)
    assert q["2022Q2", "strain_inflation"] > q["2024Q4", "strain_inflation"] > q["2023Q2", "strain_inflation"]
    # key rate 9.95% (2023 average) -> 17.5% (2024); CMASF: firms whose interest exceeds 2/3 of EBIT 10% -> 20%
    assert year("credit", 2024) > year("credit", 2023)
    # ~70% of firms short of staff (CBR, Nov 2024), record-low worker availability (CBR monitoring, 2024Q3)
    assert year("labour", 2024) > prewar["labour"]
    # wages in war-related branches +22-24% vs +13.8% on average in 2023 (Rosstat)
    assert year("wage_gap", 2023) > year("wage_gap", 2021)
    # liquid NWF down to 2.0% of GDP at end-2024 (Finance Ministry), less than a year's deficit
    assert q["2024Q4", "strain_fiscal"] > prewar["fiscal"] + 1.0
    # the war economy as a whole is under strain: the index is above its pre-war normal in 2022-2025
    assert q["2022":"2025", "strain_index"].mean() > 0.2


