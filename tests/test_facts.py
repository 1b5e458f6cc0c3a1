"""Tests of twosector.facts.

The targets table, the statistics that map model output onto facts, and the
fact table of the shipped baseline (every fact the model claims must pass).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector.data import series
from twosector.errors import DataError, TwosectorError
from twosector.facts import KINDS, STATISTICS, fact_table, last_quarter, model_value, statistic, targets


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return fact_table()


@pytest.fixture(scope="module")
def long_baseline() -> pd.DataFrame:
    """The baseline over every fact's period (the stability priors look at 2031-2035)."""
    return twosector.simulate("baseline", end=last_quarter(targets()))


def test_targets_table_is_sourced_and_consistent():
    t = targets()
    assert t["id"].is_unique
    assert set(t["kind"]) == set(KINDS)
    assert set(t["statistic"]) <= set(STATISTICS)
    assert (t["tolerance"] > 0).all()
    assert t["source_publisher"].notna().all() and t["source_page"].notna().all()
    assert set(t["verified"]) <= {"yes", "memory", "derived"}


#: targets transcribed from the same publications as a series of the data set: (series, period); a key-rate
#: target is the last decision of its year
FROM_THE_DATA = {
    "milex_gdp_2021": ("milex_sipri_gdp", "2021"), "milex_gdp_2022": ("milex_sipri_gdp", "2022"),
    "milex_gdp_2024": ("milex_sipri_gdp", "2024"), "gdp_growth_2022": ("gdp_growth", "2022"),
    "gdp_growth_2023": ("gdp_growth", "2023"), "gdp_growth_2024": ("gdp_growth", "2024"),
    "gdp_trough_2022q2": ("gdp_growth_q", "2022Q2"), "gdp_2024q1": ("gdp_growth_q", "2024Q1"),
    "cpi_dec_2022": ("cpi_dec", "2022"), "cpi_dec_2023": ("cpi_dec", "2023"), "cpi_dec_2024": ("cpi_dec", "2024"),
    "unemployment_2021": ("unemployment", "2021"), "unemployment_2022": ("unemployment", "2022"),
    "unemployment_2023": ("unemployment", "2023"), "unemployment_2024": ("unemployment", "2024"),
    "real_wage_2023": ("real_wage_growth", "2023"), "real_wage_2024": ("real_wage_growth", "2024"),
    "deficit_2023": ("budget_balance_gdp", "2023"), "deficit_2024": ("budget_balance_gdp", "2024"),
    "oil_gas_2022": ("oil_gas_revenue", "2022"), "oil_gas_2023": ("oil_gas_revenue", "2023"),
    "oil_gas_2024": ("oil_gas_revenue", "2024"), "key_rate_2022": ("key_rate", "2022"),
    "key_rate_2023": ("key_rate", "2023"), "key_rate_2024": ("key_rate", "2024"),
}


@pytest.mark.parametrize("fact", sorted(FROM_THE_DATA))
def test_a_target_agrees_with_the_data_set_and_keeps_its_verification_flag(fact):
    # two transcriptions of one published figure (targets.csv and data/*.csv) must agree, up to rounding
    name, period = FROM_THE_DATA[fact]
    s = series(name)
    if name == "key_rate":
        s = s[s.index.year == int(period)].iloc[[-1]]
    else:
        s = s[[pd.Period(period, freq=s.index.freqstr)]]
    row = targets().set_index("id").loc[fact]
    assert row["value"] == pytest.approx(float(s.iloc[0]), abs=0.05)
    assert row["verified"] == s.attrs["verified"][str(s.index[0])]


def test_targets_kind_filter_and_bad_kind():
    for kind in KINDS:
        assert set(targets(kind)["kind"]) == {kind}
    assert sum(len(targets(kind)) for kind in KINDS) == len(targets())
    with pytest.raises(TwosectorError, match="'facts'"):
        targets("facts")


def test_statistics_on_a_known_path():
    idx = pd.period_range("2021Q1", "2024Q4", freq="Q")
    v = np.arange(len(idx), dtype=float)[None, :] + 1  # 1..16
    assert statistic(v, idx, "annual_mean", "2022")[0] == pytest.approx(np.mean([5, 6, 7, 8]))
    assert statistic(v, idx, "annual_sum", "2021")[0] == pytest.approx(10)
    assert statistic(v, idx, "q4", "2023")[0] == pytest.approx(12)
    assert statistic(v, idx, "quarter", "2022Q2")[0] == pytest.approx(6)
    assert statistic(v, idx, "growth", "2022Q4:2024Q2")[0] == pytest.approx(100 * (14 / 8 - 1))
    assert statistic(v, idx, "annual_growth", "2022")[0] == pytest.approx(100 * (6.5 / 2.5 - 1))
    assert statistic(v, idx, "change", "2022Q4:2024Q2")[0] == pytest.approx(14 - 8)
    assert statistic(v, idx, "sum", "2024Q1:2024Q4")[0] == pytest.approx(13 + 14 + 15 + 16)
    assert statistic(v, idx, "rms", "2024Q3:2024Q4")[0] == pytest.approx(np.sqrt((15**2 + 16**2) / 2))
    assert statistic(-v, idx, "rms", "2024Q3:2024Q4")[0] == statistic(v, idx, "rms", "2024Q3:2024Q4")[0]
    two = np.vstack([v[0], 2 * v[0]])
    assert statistic(two, idx, "q4", "2023").tolist() == [12, 24]
    with pytest.raises(DataError, match="2020"):
        statistic(v, idx, "annual_growth", "2021")
    for stat in ("sum", "rms"):  # a window the results do not cover in full is an error, not a shorter window
        with pytest.raises(DataError, match="2025Q1 is not covered"):
            statistic(v, idx, stat, "2024Q1:2025Q1")


def test_last_quarter_covers_every_period_and_the_multiplier_impulse():
    t = targets()
    assert last_quarter(t) == pd.Period("2035Q4", freq="Q")  # the stability priors (2031-2035)
    rows = pd.DataFrame({"statistic": ["q4", "multiplier", "param"], "period": ["2024", "2025", ""]})
    assert last_quarter(rows.iloc[:1]) == pd.Period("2024Q4", freq="Q")
    assert last_quarter(rows.iloc[1:]) == pd.Period("2026Q4", freq="Q")  # 8 quarters from 2025Q1
    assert last_quarter(rows.iloc[2:]) == pd.Period("2021Q4", freq="Q")


def test_real_wage_is_employment_weighted():
    idx = pd.period_range("2022Q1", "2023Q4", freq="Q")
    res = pd.DataFrame({
        "wage_military": 200.0, "wage_civilian": 100.0, "employment_military": 1.0, "employment_civilian": 3.0,
    }, index=idx)
    res.loc[res.index.year == 2023, "wage_civilian"] = 110.0
    row = pd.Series({"statistic": "annual_growth", "variable": "real_wage", "period": "2023"})
    # (200 + 3 x 110) / 4 = 132.5 vs (200 + 3 x 100) / 4 = 125
    assert model_value(res, pd.Series(dtype=float), row) == pytest.approx(100 * (132.5 / 125 - 1))


def test_fact_table_is_indexed_by_the_fact_names(table):
    assert table.index.name == "name" and list(table.index) == list(targets()["id"])
    assert list(fact_table(kind="fact").index) == list(targets("fact")["id"])


def test_fact_table_columns(table):
    for col in ("target", "value", "tolerance", "low", "high", "model", "error", "pass", "claimed"):
        assert col in table.columns
    assert np.isfinite(table["model"]).all()


@pytest.mark.parametrize(("share", "passes"), [(0.99, True), (1.01, False), (-0.99, True), (-1.01, False)])
def test_a_fact_passes_within_its_tolerance_and_fails_outside(long_baseline, share, passes):
    # CPI Dec/Dec 2024 is the model's Q4 2024 inflation: put it just inside / outside the tolerance band
    row = targets().set_index("id").loc["cpi_dec_2024"]
    moved = long_baseline.copy()
    moved.loc["2024Q4", "cpi_inflation"] = row["value"] + share * row["tolerance"]
    got = fact_table(moved).loc["cpi_dec_2024"]
    assert got["model"] == pytest.approx(row["value"] + share * row["tolerance"])
    assert bool(got["pass"]) is passes


def test_the_default_results_cover_every_fact(table, long_baseline):
    assert np.isfinite(table.loc[["stability_inflation", "stability_demand_gap"], "model"]).all()
    with pytest.raises(DataError, match="2035Q4 is not covered"):  # a baseline to 2030 misses the priors
        fact_table(long_baseline.loc[:"2030Q4"])


#: claimed facts the v2 baseline misses: oil-and-gas revenue is now volume x Urals x ruble (no longer the
#: published figure in history), so these are no longer matched by construction
MISSED_CLAIMS = {
    "deficit_2023": "model-v2: deficit 2023 -0.93% of GDP outside -1.9 ± 0.5; known miss (calibration.md §4)",
    "oil_gas_2022": "model-v2: oil and gas revenue 2022 9.08 trn outside 11.59 ± 1.0; known miss (calibration.md §4)",
    "oil_gas_2023": "model-v2: oil and gas revenue 2023 10.07 trn outside 8.82 ± 1.0; known miss (calibration.md §4)",
}
CLAIMED = targets().loc[lambda t: t["claimed"], "id"].tolist()


def test_the_model_claims_enough_facts():
    assert len(CLAIMED) >= 5
    assert set(MISSED_CLAIMS) <= set(CLAIMED)


@pytest.mark.parametrize("fact", [
    pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=MISSED_CLAIMS[f])) if f in MISSED_CLAIMS else f
    for f in CLAIMED])
def test_claimed_fact_passes(table, fact):
    row = table.loc[fact]
    assert row["pass"], f"{fact}: model {row['model']:.4g} outside {row['value']} ± {row['tolerance']}"


def test_parameter_facts_follow_the_parameters(long_baseline):
    from twosector.params import default_params

    p = default_params()
    p["sanction_markup_max"] = 70.0
    assert fact_table(long_baseline, p).at["import_markup", "model"] == pytest.approx(70.0)


def test_defence_multiplier_is_positive_and_below_the_open_economy_bound(table):
    m = table.at["defence_multiplier", "model"]
    # crowding out by the key rate and capacity limits: below the 1.5 regional multiplier (Nakamura-Steinsson)
    assert 0 < m < 1.5
