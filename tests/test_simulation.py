"""Tests of simulate() and compare(): shape, columns, horizon, custom exogenous paths, draws."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import exog
from twosector.data import series
from twosector.errors import ScenarioError


def test_simulate_returns_the_catalogue_columns_on_a_quarterly_index() -> None:
    out = twosector.simulate()
    assert isinstance(out.index, pd.PeriodIndex) and out.index.freqstr.startswith("Q")
    assert out.index[0] == pd.Period("2019Q1", freq="Q") and out.index[-1] == pd.Period("2030Q4", freq="Q")
    assert list(out.columns) == list(twosector.variable_table().index)  # the brief's columns among them
    assert out.attrs["scenario"] == "baseline"


def test_history_follows_the_data_driven_exogenous_paths(baseline) -> None:
    out = baseline
    x = exog.paths()
    # defence spending in history is military expenditure (SIPRI's total in rubles, spread over the quarters)
    assert np.allclose(out.loc["2022Q1":"2024Q4", "defence_spending"], x.loc["2022Q1":"2024Q4", "defence_spending"])
    milex = exog.military_expenditure()
    for year in (2021, 2022, 2023, 2024):
        assert out.loc[str(year), "defence_spending"].sum() == pytest.approx(milex[year])
    y24 = pd.Period("2024", freq="Y")  # the latest SIPRI figure, in rubles at the year's average rate
    assert milex[2024] == pytest.approx(series("milex_sipri_usd")[y24] * series("usd_rub_y")[y24] / 1000)
    # the 2025 budget-law plan, on the same measure: the chapter times SIPRI / chapter of 2024
    y25 = pd.Period("2025", freq="Y")
    plan_2025 = series("defence_spending", vintage="plan")[y25] * milex[2024] / series("defence_spending")[y24]
    assert out.loc["2025", "defence_spending"].sum() == pytest.approx(plan_2025)
    # the war: army and emigration shrink the labour force, unemployment falls below its 2021 level
    assert out.loc["2024Q4", "labour_force"] < out.loc["2021Q4", "labour_force"] - 1.0
    assert out.loc["2024", "unemployment_rate"].mean() < out.loc["2021", "unemployment_rate"].mean()
    # the military sector outgrows the civilian one (stylised fact 3)
    assert out.loc["2024Q4", "output_military"] > 1.3 * out.loc["2024Q4", "output_civilian"]
    # the war strains civilian firms (shortage, pay gap, buffer) while household income is above its no-war path
    late, prewar = out.loc["2024Q4"], out.loc["2019":"2021"].mean()
    for name in ("strain_labour", "strain_wage_gap", "strain_fiscal"):
        assert late[name] > prewar[name], name
    assert late["strain_income"] < prewar["strain_income"]


def test_horizon_can_be_cut_and_extended() -> None:
    out = twosector.simulate(start="2024Q1", end="2035Q4")
    assert out.index[0] == pd.Period("2024Q1", freq="Q") and out.index[-1] == pd.Period("2035Q4", freq="Q")
    full = twosector.simulate()
    assert np.allclose(out.loc["2024Q1":"2030Q4"].to_numpy(), full.loc["2024Q1":"2030Q4"].to_numpy())
    with pytest.raises(ScenarioError, match="start"):
        twosector.simulate(start="2018Q1")
    with pytest.raises(ScenarioError, match="^end: .2030Q5. is not a quarter"):
        twosector.simulate(end="2030Q5")


def test_every_built_in_scenario_stays_plausible_to_the_last_quarter() -> None:
    # the horizon ends where the model still means something: past 2060 the budget's debt compounds and the
    # paths broke down (NaN from 2099Q3 when the limit was 2100Q4)
    from twosector.calendar import LAST_QUARTER

    for name in twosector.list_scenarios().index:
        out = twosector.simulate(name, end=LAST_QUARTER)
        assert out.index[-1] == LAST_QUARTER and np.isfinite(out.to_numpy(float)).all(), name
        assert twosector.plausibility(out).empty, name
    later = str(LAST_QUARTER + 1)
    with pytest.raises(ScenarioError, match=f"^end: '{later}' is after {LAST_QUARTER}, the last quarter the model "
                                            f"projects .*; allowed: up to {LAST_QUARTER}$"):
        twosector.simulate(end=later)


def test_custom_exogenous_frame_is_used_and_validated() -> None:
    x = exog.paths(end_history="2023Q4")
    out = twosector.simulate(exog=x)
    planned = x["defence_plan"] == 1  # the data and the budget laws known then; afterwards the share of GDP is held
    assert planned.loc["2024"].all() and not planned.loc["2025":].any()
    assert np.allclose(out.loc[planned, "defence_spending"], x.loc[planned, "defence_spending"])
    # [Y1] after the plans, defence is held at its last share of the nominal GDP expected for the quarter [B0]:
    # last quarter's, grown at its average growth over the three quarters before
    last = out["nominal_gdp"].shift()
    share = out["defence_spending"] / (last * (last / out["nominal_gdp"].shift(4)) ** (1 / 3))
    assert np.allclose(share.loc["2025Q1":], share.loc["2024Q4"])
    shocked = x.copy()
    shocked.loc["2026Q1":, "urals_price"] = 40.0
    low_oil = twosector.simulate(exog=shocked)
    assert (low_oil.loc["2026Q1":, "oil_gas_revenue"] < out.loc["2026Q1":, "oil_gas_revenue"]).all()
    with pytest.raises(ScenarioError, match="missing column"):
        twosector.simulate(exog=x.drop(columns="urals_price"))
    with pytest.raises(ScenarioError, match="ends at"):
        twosector.simulate(exog=x.loc[:"2028Q4"])
    bad = x.copy()
    bad.iloc[5, 0] = np.nan
    with pytest.raises(ScenarioError, match="non-finite"):
        twosector.simulate(exog=bad)


def test_draws_give_multiindex_columns() -> None:
    draws = pd.DataFrame({"phillips_slope": [0.1, 0.4]}, index=["low", "high"])
    out = twosector.simulate("input_sanctions", draws)
    assert out.columns.names == ["variable", "draw"]
    assert list(out["cpi_inflation"].columns) == ["low", "high"]
    assert not np.allclose(out[("cpi_inflation", "low")], out[("cpi_inflation", "high")])
    one = twosector.simulate("input_sanctions", draws.iloc[[1]])
    assert one.columns.names == ["variable", "draw"]
    assert np.allclose(one[("cpi_inflation", "high")], out[("cpi_inflation", "high")])
    series = twosector.simulate("input_sanctions", pd.Series({"phillips_slope": 0.4}))
    assert np.allclose(series["cpi_inflation"], out[("cpi_inflation", "high")])


def test_compare_against_another_scenario() -> None:
    c = twosector.compare("sudden_shock", baseline="broad_front")
    assert {k: c.attrs[k] for k in ("scenario", "baseline")} == {"scenario": "sudden_shock", "baseline": "broad_front"}
    assert np.allclose(c[("strain_index", "baseline")], twosector.simulate("broad_front")["strain_index"])


def test_compare_levels_differences_and_percentages() -> None:
    c = twosector.compare("input_sanctions")
    assert c.columns.names == ["variable", "kind"]
    assert list(c["output_civilian"].columns) == ["baseline", "scenario", "diff", "pct", "vs_baseline"]
    # vs_baseline is the one convention: % for levels, pp for rates (pct of CPI inflation is a % of a rate)
    assert c.attrs.pop("vs_baseline_units")["cpi_inflation"] == "pp"
    assert np.allclose(c[("cpi_inflation", "vs_baseline")], c[("cpi_inflation", "diff")])
    assert np.allclose(c[("output_civilian", "vs_baseline")], c[("output_civilian", "pct")])
    assert np.allclose(c[("output_civilian", "vs_baseline")],
                       twosector.tables.vs_baseline(twosector.simulate("input_sanctions"), twosector.simulate(),
                                                    ["output_civilian"]).iloc[:, 0])
    # the columns are the two runs, and the difference and % difference lead from one to the other
    base, scen = twosector.simulate(), twosector.simulate("input_sanctions")
    assert np.allclose(c.xs("baseline", axis=1, level="kind"), base)
    assert np.allclose(c.xs("scenario", axis=1, level="kind"), scen)
    assert np.allclose(c.xs("baseline", axis=1, level="kind") + c.xs("diff", axis=1, level="kind"), scen)
    nonzero = base.columns[(base != 0).all()]  # % of the baseline's size: a rise is positive for negative levels too
    moved = base[nonzero] + base[nonzero].abs() * c.xs("pct", axis=1, level="kind")[nonzero] / 100
    assert np.allclose(moved, scen[nonzero])
    assert (c.xs("pct", axis=1, level="kind").isna() == (base == 0)).all().all()  # undefined where the baseline is 0
    assert c.attrs == {"scenario": "input_sanctions", "baseline": "baseline"}
    draws = pd.DataFrame({"hoarding_speed": [0.05, 0.2]})
    cd = twosector.compare("tech_controls", params=draws)
    assert cd.columns.names == ["variable", "kind", "draw"]
    assert cd[("strain_index", "diff")].shape == (48, 2)


def test_variables_selection_and_chunked_large_ensembles(monkeypatch: pytest.MonkeyPatch) -> None:
    sim_mod = importlib.import_module("twosector.simulation")
    draws = pd.DataFrame({"hoarding_speed": np.linspace(0.02, 0.25, 7)})
    full = twosector.simulate("broad_front", draws)
    monkeypatch.setattr(sim_mod, "CHUNK", 3)  # force three blocks of draws
    part = twosector.simulate("broad_front", draws, variables=["strain_index", "nwf_liquid"])
    assert list(part.columns.get_level_values(0).unique()) == ["strain_index", "nwf_liquid"]
    assert np.allclose(part.to_numpy(), full[["strain_index", "nwf_liquid"]].to_numpy())
    c = twosector.compare("broad_front", variables="strain_index")
    assert list(c.columns.get_level_values(0).unique()) == ["strain_index"]
    with pytest.raises(ScenarioError, match="unknown variable 'strain'. Did you mean .*'strain_index'"):
        twosector.simulate(variables=["strain"])


def test_per_draw_exogenous_paths_enter_draw_by_draw() -> None:
    from twosector.simulation import run_draws

    sc = twosector.load_scenario("baseline")
    x = exog.paths()
    table = twosector.params.resolve_params(pd.DataFrame({"phillips_slope": [0.2, 0.2, 0.2]}))
    plain = run_draws(sc, table, x, ["usd_rub", "cpi_inflation"])
    same = {c: np.tile(x[c].to_numpy(), (3, 1)) for c in ("urals_price", "fx_shock")}
    assert all(np.array_equal(plain[v], run_draws(sc, table, x, ["usd_rub", "cpi_inflation"], same)[v])
               for v in plain)
    shock = same["fx_shock"].copy()
    t = int(np.flatnonzero(x.index == pd.Period("2026Q1", freq="Q"))[0])
    shock[1, t] = 0.1  # draw 1: the ruble rule's rate 10 log points weaker from 2026Q1
    out = run_draws(sc, table, x, ["usd_rub", "cpi_inflation"], {"fx_shock": shock})
    assert np.array_equal(out["usd_rub"][[0, 2]], plain["usd_rub"][[0, 2]])  # the other draws are untouched
    assert np.array_equal(out["usd_rub"][1, :t], plain["usd_rub"][1, :t])
    assert out["usd_rub"][1, t] == pytest.approx(plain["usd_rub"][1, t] * np.exp(0.1))
    assert out["cpi_inflation"][1, t + 1] > plain["cpi_inflation"][1, t + 1]  # pass-through of the weaker ruble
