"""Tests of twosector.scoreboard.

The rows of the forecast scoreboard, errors against the named outcomes, the
median forecaster, and that the information-set forecast uses nothing after its cut-off while the
realised-exogenous one does see the later exogenous data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twosector.data import FORECAST_VARIABLES, load_forecasts, series
from twosector.errors import TwosectorError
from twosector.scoreboard import (
    COLUMNS,
    DEFAULT_VINTAGES,
    INFORMATION_SET,
    MEDIAN_FORECASTER,
    REALISED_EXOGENOUS,
    SCOREBOARD_VARIABLES,
    forecast_scoreboard,
    scoreboard_summary,
)

MODEL_ROWS = [INFORMATION_SET, REALISED_EXOGENOUS]


def _professional(board: pd.DataFrame) -> pd.DataFrame:
    return board[~board["is_model"] & (board["forecaster"] != MEDIAN_FORECASTER)]


def test_one_row_per_target_year_variable_and_forecaster_with_the_model_rows_first(scoreboard):
    assert list(scoreboard.columns) == COLUMNS
    assert set(SCOREBOARD_VARIABLES) <= set(FORECAST_VARIABLES)
    years = {pd.Period(v, freq="Q").year + 1 for v in DEFAULT_VINTAGES}
    assert set(scoreboard["target_year"]) == years
    assert not scoreboard.duplicated(["target_year", "variable", "forecaster"]).any()
    for (_year, var), part in scoreboard.groupby(["target_year", "variable"], sort=False):
        assert var in SCOREBOARD_VARIABLES
        assert list(part["forecaster"].iloc[:2]) == MODEL_ROWS
        assert part["is_model"].tolist() == [True, True] + [False] * (len(part) - 2)
        pro = _professional(part)
        assert (part["forecaster"] == MEDIAN_FORECASTER).sum() == (1 if len(pro) else 0)
        assert (part["unit"] == FORECAST_VARIABLES[var][0]).all()
    for year in years:  # every variable of the scoreboard for every target year, with finite model values
        assert set(scoreboard.loc[scoreboard["target_year"] == year, "variable"]) == set(SCOREBOARD_VARIABLES)
    assert np.isfinite(scoreboard.loc[scoreboard["is_model"], "value"]).all()


def test_errors_are_value_minus_the_named_first_outcome(scoreboard):
    assert np.allclose(scoreboard["error"], scoreboard["value"] - scoreboard["outcome"], equal_nan=True)
    for row in scoreboard.drop_duplicates(["target_year", "variable"]).itertuples():
        spec = FORECAST_VARIABLES[row.variable]
        name, period = spec[2], spec[3].format(year=row.target_year)
        assert (row.outcome_series, row.outcome_period) == (name, period)
        p = pd.Period(period, freq="Y")
        assert row.outcome == series(name, "first")[p] and row.outcome_latest == series(name)[p]
    # the forecast table names the same outcomes for the professional rows
    f = load_forecasts().set_index(["forecaster", "release", "variable", "target_year"])
    for row in _professional(scoreboard).itertuples():
        named = f.loc[(row.forecaster, row.release, row.variable, row.target_year)]
        assert (named["outcome_series"], named["outcome_period"]) == (row.outcome_series, row.outcome_period)
        assert (named["value"], named["low"], named["high"]) == (row.value, row.low, row.high)
    # GDP is scored against the first estimate (2023: 3.6), not the later revision (4.1)
    gdp = scoreboard[(scoreboard["variable"] == "gdp_growth") & (scoreboard["target_year"] == 2023)].iloc[0]
    assert (gdp["outcome"], gdp["outcome_latest"]) == (3.6, 4.1)


def test_each_forecaster_gives_its_latest_release_of_the_vintage_and_the_median_is_theirs(scoreboard):
    f = load_forecasts()
    for (year, var), part in scoreboard.groupby(["target_year", "variable"]):
        cutoff_end = pd.Timestamp(year=year - 1, month=12, day=31)
        vintage = f[(f["target_year"] == year) & (f["variable"] == var) & (f["published_by"] <= cutoff_end)]
        pro = _professional(part)
        assert sorted(pro["forecaster"]) == sorted(vintage["forecaster"].unique())
        for r in pro.itertuples():
            mine = vintage[vintage["forecaster"] == r.forecaster]
            chosen = mine[mine["release"] == r.release]
            assert chosen["published_by"].iloc[0] == mine["published_by"].max()
        median = part[part["forecaster"] == MEDIAN_FORECASTER]
        if len(pro):
            assert median["value"].iloc[0] == pytest.approx(np.median(pro["value"]))
    # the variables without a model counterpart are left out (e.g. CPI of unstated concept, nominal GDP)
    assert "cpi" not in set(scoreboard["variable"]) and "gdp_nominal" not in set(scoreboard["variable"])
    # a range counts at its midpoint
    ranged = _professional(scoreboard)[lambda d: d["low"] < d["high"]]
    assert len(ranged) and np.allclose(ranged["value"], (ranged["low"] + ranged["high"]) / 2)


def test_the_summary_compares_mean_absolute_errors_over_the_years_with_a_median(scoreboard):
    summary = scoreboard_summary(scoreboard)
    assert list(summary.index) == list(SCOREBOARD_VARIABLES)
    for var, s in summary.iterrows():
        part = scoreboard[scoreboard["variable"] == var]
        years = part.loc[(part["forecaster"] == MEDIAN_FORECASTER) & part["outcome"].notna(), "target_year"]
        assert s["years"] == ", ".join(str(y) for y in sorted(years))
        for column, forecaster in (("information_set", INFORMATION_SET), ("realised_exogenous", REALISED_EXOGENOUS),
                                   ("median_forecaster", MEDIAN_FORECASTER)):
            errors = part.loc[(part["forecaster"] == forecaster) & part["target_year"].isin(years), "error"]
            assert s[column] == pytest.approx(errors.abs().mean()), (var, column)
        assert s["forecasters"] == _professional(part)["target_year"].isin(years).sum()
        assert s["ambition_met"] == (s["information_set"] <= s["median_forecaster"])
    # no professional forecast of unemployment for 2023: that year is not compared
    assert summary.at["unemployment_dec", "years"] == "2024"
    with pytest.raises(TwosectorError, match="lacks column"):
        scoreboard_summary(scoreboard.drop(columns="error"))


def test_the_information_set_forecast_ignores_later_data_the_realised_one_does_not(perturbed_data, scoreboard,
                                                                                    monkeypatch):
    # every observation after 2022Q4 changed (and the budget plans adopted later), the 2023 budget law kept
    folder = perturbed_data("2022Q4", after=True, keep_known_plans=True)
    monkeypatch.setenv("TWOSECTOR_DATA", str(folder))
    blind = forecast_scoreboard("2022Q4")
    seen = scoreboard[scoreboard["target_year"] == 2023].reset_index(drop=True)
    info = blind["forecaster"] == INFORMATION_SET
    assert np.array_equal(blind.loc[info, "value"].to_numpy(), seen.loc[info, "value"].to_numpy())
    realised = blind["forecaster"] == REALISED_EXOGENOUS
    moved = ~np.isclose(blind.loc[realised, "value"].to_numpy(), seen.loc[realised, "value"].to_numpy())
    assert moved.all()
    # the outcomes are read from the same folder (the perturbed 2023 values)
    assert not np.isclose(blind["outcome"], seen["outcome"]).any()


@pytest.mark.parametrize(("vintages", "message"), [
    ((), "at least one cut-off"),
    ("2023Q3", "fourth quarter"),
    ("2024Q4", "allowed: 2021Q4, 2022Q4, 2023Q4"),
    ("end of 2022", "not a quarter"),
])
def test_bad_vintages(vintages, message):
    with pytest.raises(TwosectorError, match=message):
        forecast_scoreboard(vintages)
