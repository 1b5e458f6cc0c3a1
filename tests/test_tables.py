"""Scenario result tables: key results, "what changed vs baseline, by when", lever pressure, strain summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import tables
from twosector.errors import TwosectorError
from twosector.tables import Milestone

QUARTERS = pd.period_range("2019Q1", "2030Q4", freq="Q")
COLUMNS = ["output_civilian", "output_military", "civilian_real_income", "wage_civilian", "cpi_inflation", "key_rate",
           "nwf_liquid", "budget_balance_gdp", "strain_index"]


def baseline() -> pd.DataFrame:
    frame = pd.DataFrame(100.0, index=QUARTERS, columns=COLUMNS)
    frame["cpi_inflation"], frame["key_rate"], frame["budget_balance_gdp"] = 8.0, 16.0, -2.0
    frame["strain_index"] = 3.0
    frame["nwf_liquid"] = np.linspace(12.0, 0.5, len(QUARTERS))  # runs down to 0.5 by 2030Q4
    return frame


def scenario() -> pd.DataFrame:
    """Civilian output falls 1% a quarter below baseline from 2025Q1; everything else worsens a little."""
    frame = baseline()
    k = np.clip(np.arange(len(QUARTERS)) - QUARTERS.get_loc(pd.Period("2025Q1", freq="Q")) + 1, 0, None)
    frame["output_civilian"] = 100.0 * (1 - 0.01 * k)
    frame["key_rate"] = 16.0 + 0.25 * k
    frame["strain_index"] = 3.0 + 0.2 * k
    frame["nwf_liquid"] = baseline()["nwf_liquid"] - 0.1 * k
    return frame


def test_key_results_levels_and_differences():
    key = tables.key_results(scenario(), baseline(), at="2025Q4")
    # 2025Q4 is the 4th projected quarter: civilian output 4% below, strain 0.8 points, key rate 17%
    assert key["at"] == "2025Q4"
    assert key["output_civilian_vs_baseline_pct"] == pytest.approx(-4.0)
    assert key["strain_index_vs_baseline"] == pytest.approx(0.8)
    assert key["key_rate"] == pytest.approx(17.0)
    assert key["output_military_vs_baseline_pct"] == pytest.approx(0.0)


def test_key_results_fall_back_to_the_last_quarter_of_a_short_run():
    short = scenario().loc[:"2026Q2"]
    assert tables.key_results(short, baseline().loc[:"2026Q2"], at="2027Q4")["at"] == "2026Q2"
    with pytest.raises(TwosectorError, match="^quarter: 'late' is not a quarter"):
        tables.key_results(short, baseline(), at="late")
    with pytest.raises(TwosectorError, match="unknown variable in result 'key_rate'"):
        tables.key_results(short.drop(columns="key_rate"), baseline())


def test_milestones_date_each_threshold():
    table = tables.milestones(scenario(), baseline())
    # 1% below after one quarter (2025Q1), 3% after three (2025Q3)
    assert table.loc["civilian output 1% below baseline", "scenario"] == "2025Q1"
    assert table.loc["civilian output 3% below baseline", "scenario"] == "2025Q3"
    # key rate +1 pp after four quarters; strain +1 point after five
    assert table.loc["key rate 1 pp above baseline", "scenario"] == "2025Q4"
    assert table.loc["strain index 1 point above baseline", "scenario"] == "2026Q1"
    assert table.loc["CPI inflation 1 pp above baseline", "scenario"] == "not by 2030Q4"
    # a level threshold is dated in both; the scenario drains the NWF earlier than the baseline
    nwf = table.loc["NWF liquid assets below 1 trn RUB"]
    assert nwf["baseline"] != "n/a" and nwf["quarters_earlier"] > 0
    assert pd.Period(nwf["scenario"], freq="Q") < pd.Period(nwf["baseline"], freq="Q")
    assert table.loc["civilian output 1% below baseline", "baseline"] == "n/a"
    assert table.loc["civilian output 1% below baseline", "quarters_earlier"] == ""


def test_milestones_ignore_history_and_check_rules():
    early = scenario()
    early.loc[:"2024Q4", "key_rate"] = 30.0  # a crossing before the projection does not count
    assert tables.milestones(early, baseline()).loc["key rate 1 pp above baseline", "scenario"] == "2025Q4"
    with pytest.raises(TwosectorError, match="unknown rule kind 'above'"):
        tables.milestones(scenario(), baseline(), rules=[Milestone("x", "key_rate", "above", 1.0)])


def test_changes_use_percent_for_levels_and_points_for_rates():
    table = tables.changes(scenario(), baseline(), quarters=["2025Q4", "2026Q4", "2035Q4"])
    assert list(table.index) == ["2025Q4", "2026Q4"]  # quarters beyond the horizon are dropped
    assert table.loc["2026Q4", "output_civilian (% vs baseline)"] == pytest.approx(-8.0)
    assert table.loc["2025Q4", "key_rate (pp vs baseline)"] == pytest.approx(1.0)
    assert "strain_index (points vs baseline)" in table
    assert all(c.endswith(" vs baseline)") for c in table.columns)  # the unit in every column header


def test_changes_default_to_the_year_ends_of_the_horizon():
    assert list(tables.changes(scenario(), baseline()).index) == [f"{y}Q4" for y in range(2025, 2031)]
    short = tables.changes(scenario().loc[:"2028Q2"], baseline())
    assert list(short.index) == ["2025Q4", "2026Q4", "2027Q4", "2028Q2"]  # 2029Q4 comes from the horizon, not a list


@pytest.mark.parametrize(("variable", "unit"), [
    ("output_civilian", "%"), ("wage_civilian", "%"), ("nwf_liquid", "%"), ("employment_civilian", "%"),
    ("key_rate", "pp"), ("cpi_inflation", "pp"), ("budget_balance_gdp", "pp"), ("unemployment_rate", "pp"),
    ("credibility", "pp"), ("strain_index", "points"), ("budget_balance", "trn RUB per quarter"),
])
def test_one_convention_for_vs_baseline(variable, unit):
    assert tables.vs_baseline_unit(variable) == unit


def test_vs_baseline_scales_shares_to_points_and_levels_to_percent():
    index = pd.period_range("2025Q1", periods=2, freq="Q")
    base = pd.DataFrame({"credibility": [0.5, 0.6], "nwf_liquid": [10.0, 0.0]}, index=index)
    scen = pd.DataFrame({"credibility": [0.4, 0.6], "nwf_liquid": [9.0, 1.0]}, index=index)
    table = tables.vs_baseline(scen, base)
    assert table["credibility (pp vs baseline)"].tolist() == pytest.approx([-10.0, 0.0])
    # no percent of a zero baseline: a level whose baseline is 0 in a quarter is compared in its own unit
    assert table["nwf_liquid (trn RUB, end of quarter vs baseline)"].tolist() == pytest.approx([-1.0, 1.0])
    with pytest.raises(TwosectorError, match="unknown variable 'nwf_liqid'"):
        tables.vs_baseline_unit("nwf_liqid")


def test_pressure_sums_intensity_over_quarters():
    sudden = {"levers": {"input_sanctions": {"intensity": 0.5, "start": "2025Q1", "ramp": 0, "end": "2025Q4"}}}
    persistent = {"levers": {"input_sanctions": {"intensity": 0.5, "start": "2025Q1", "ramp": 0}}}
    table = tables.pressure({"sudden": sudden, "persistent": persistent})
    assert table.loc["input_sanctions", "sudden"] == pytest.approx(0.5 * 4)  # four quarters at full strength
    assert table.loc["input_sanctions", "persistent"] == pytest.approx(0.5 * 24)  # 2025Q1-2030Q4
    assert tables.pressure(["baseline"]).empty


def test_strain_summary():
    table = tables.strain_summary({"s": scenario()}, baseline())
    row = table.loc["s"]
    assert row["peak_quarter"] == "2030Q4" and row["peak_gap"] == pytest.approx(0.2 * 24)
    assert row["first_above"] == "2026Q1" and row["quarters_above"] == 24 - 4
    assert row["cumulative_gap"] == pytest.approx(0.2 * sum(range(1, 25)))
    assert tables.strain_summary({"s": scenario()}, baseline(), threshold=99).loc["s", "first_above"] == "never"


# ------------------------------------------------------------------------------------ several packages

def test_compare_packages_over_time_with_a_baseline_column_and_milestones_side_by_side():
    import twosector

    over_time, dates = twosector.compare_packages({"front": "broad_front", "shock": "sudden_shock"}, end="2027Q4")
    assert list(over_time.index) == ["2025Q4", "2026Q4", "2027Q4"]
    base, front = twosector.simulate("baseline", end="2027Q4"), twosector.simulate("broad_front", end="2027Q4")
    assert over_time[("strain_index (index points)", "baseline")].tolist() == pytest.approx(
        base.loc[["2025Q4", "2026Q4", "2027Q4"], "strain_index"].tolist())
    same = tables.changes(front, base, variables=["output_civilian", "cpi_inflation"])
    assert over_time[("output_civilian (% vs baseline)", "front")].tolist() == pytest.approx(
        same["output_civilian (% vs baseline)"].tolist())
    assert over_time[("cpi_inflation (pp vs baseline)", "shock")].notna().all()
    assert all(" vs baseline)" in q or p == "baseline" for q, p in over_time.columns)  # units in every header
    assert list(dates.columns) == ["front", "shock", "baseline"]
    assert dates["front"].tolist() == tables.milestones(front, base)["scenario"].tolist()
    assert dates.loc["civilian output 1% below baseline", "baseline"] == "n/a"


def test_compare_packages_errors():
    import twosector

    with pytest.raises(TwosectorError, match="at least one package"):
        twosector.compare_packages([])
    with pytest.raises(TwosectorError, match="'broad_front' is used twice"):
        twosector.compare_packages(["broad_front", "broad_front"])


def test_a_level_whose_baseline_is_zero_is_compared_by_its_difference_in_its_unit() -> None:
    # skilled_emigrants (none in the baseline) came out as an empty column or +554% in exports
    result, base = twosector.simulate("skilled_emigration"), twosector.simulate()
    table = tables.vs_baseline(result, base, ["skilled_emigrants", "output_civilian"])
    assert list(table.columns) == ["skilled_emigrants (mn persons vs baseline)", "output_civilian (% vs baseline)"]
    gap = result["skilled_emigrants"] - base["skilled_emigrants"]
    assert np.allclose(table.iloc[:, 0], gap) and table.iloc[:, 0].notna().all() and gap.iloc[-1] > 0
