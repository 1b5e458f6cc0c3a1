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
    # defence spending in history is the national-defence line of the data set (annual / 4)
    assert np.allclose(out.loc["2022Q1":"2024Q4", "defence_spending"], x.loc["2022Q1":"2024Q4", "defence_spending"])
    plan_2025 = series("defence_spending", vintage="plan")[pd.Period("2025", freq="Y")]
    assert np.isclose(out.loc["2025Q2", "defence_spending"] * 4, plan_2025)  # the 2025 budget-law plan
    # the war: army and emigration shrink the labour force, unemployment falls below its 2021 level
    assert out.loc["2024Q4", "labour_force"] < out.loc["2021Q4", "labour_force"] - 1.0
    assert out.loc["2024", "unemployment_rate"].mean() < out.loc["2021", "unemployment_rate"].mean()
    # the military sector outgrows the civilian one (stylised fact 3)
    assert out.loc["2024Q4", "output_military"] > 1.3 * out.loc["2024Q4", "output_civilian"]
    assert out.loc["2024Q4", "strain_index"] > out.loc["2021", "strain_index"].mean() + 1


def test_horizon_can_be_cut_and_extended() -> None:
    out = twosector.simulate(start="2024Q1", end="2035Q4")
    assert out.index[0] == pd.Period("2024Q1", freq="Q") and out.index[-1] == pd.Period("2035Q4", freq="Q")
    full = twosector.simulate()
    assert np.allclose(out.loc["2024Q1":"2030Q4"].to_numpy(), full.loc["2024Q1":"2030Q4"].to_numpy())
    with pytest.raises(ScenarioError, match="start"):
        twosector.simulate(start="2018Q1")
    with pytest.raises(ScenarioError, match="not quarters"):
        twosector.simulate(end="2030Q5")


def test_custom_exogenous_frame_is_used_and_validated() -> None:
    x = exog.paths(end_history="2022Q4")
    out = twosector.simulate(exog=x)
    assert np.allclose(out["defence_spending"].to_numpy(), x["defence_spending"].to_numpy())
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
    assert c.attrs == {"scenario": "sudden_shock", "baseline": "broad_front"}
    assert np.allclose(c[("strain_index", "baseline")], twosector.simulate("broad_front")["strain_index"])


def test_compare_levels_differences_and_percentages() -> None:
    c = twosector.compare("input_sanctions")
    assert c.columns.names == ["variable", "kind"]
    assert list(c["output_civilian"].columns) == ["baseline", "scenario", "diff", "pct"]
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
    draws = pd.DataFrame({"okun_coef": [0.5, 0.9]})
    cd = twosector.compare("tech_controls", params=draws)
    assert cd.columns.names == ["variable", "kind", "draw"]
    assert cd[("strain_index", "diff")].shape == (48, 2)


def test_exogenous_paths_take_no_data_after_end_history(monkeypatch: pytest.MonkeyPatch) -> None:
    cut = pd.Period("2022Q4", freq="Q")
    honest = exog.paths(end_history=str(cut))
    original = exog._series

    def truncated(name: str, vintage: str = "latest") -> pd.Series:
        s = original(name, vintage)
        if vintage == "plan":  # plans are inputs by design (published by end-2024)
            return s
        return s[[p.end_time <= cut.end_time for p in s.index]]

    monkeypatch.setattr(exog, "_series", truncated)
    exog._paths.cache_clear()
    try:
        blind = exog.paths(end_history=str(cut))
    finally:
        exog._paths.cache_clear()
    pd.testing.assert_frame_equal(honest, blind)
    # and the history itself comes from the data: the 2022 average ruble rate is the data value
    assert np.isclose(honest.loc["2022", "usd_rub"].mean(), original("usd_rub")[pd.Period("2022", freq="Y")], rtol=0.05)


def test_variables_selection_and_chunked_large_ensembles(monkeypatch: pytest.MonkeyPatch) -> None:
    sim_mod = importlib.import_module("twosector.simulation")
    draws = pd.DataFrame({"okun_coef": np.linspace(0.3, 0.9, 7)})
    full = twosector.simulate("broad_front", draws)
    monkeypatch.setattr(sim_mod, "CHUNK", 3)  # force three blocks of draws
    part = twosector.simulate("broad_front", draws, variables=["strain_index", "nwf_liquid"])
    assert list(part.columns.get_level_values(0).unique()) == ["strain_index", "nwf_liquid"]
    assert np.allclose(part.to_numpy(), full[["strain_index", "nwf_liquid"]].to_numpy())
    c = twosector.compare("broad_front", variables="strain_index")
    assert list(c.columns.get_level_values(0).unique()) == ["strain_index"]
    with pytest.raises(ScenarioError, match="unknown variable 'strain'. Did you mean .*'strain_index'"):
        twosector.simulate(variables=["strain"])
