"""Tests of the quarterly derivation methods (twosector.derive).

The one annual -> quarterly routine (each method on hand-checked series, and the exogenous paths built with it)
and the stored derived file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twosector import exog
from twosector.calendar import DATA_CUTOFF, quarter_index
from twosector.data import CUTOFF, REQUIRED_COLUMNS, load_data, series
from twosector.derive import (
    ANNUAL_METHODS,
    DERIVED_FILE,
    annual_to_quarterly,
    build_derived,
    fill_missing_quarter,
    interpolate_monthly,
    monthly_to_quarterly,
    step_average,
    write_derived,
)
from twosector.errors import DataError

REPO_DATA = Path(__file__).resolve().parent.parent / "data"


def _days(*dates: str) -> pd.PeriodIndex:
    return pd.PeriodIndex(list(dates), freq="D")


# --- step_average ---------------------------------------------------------------------------------------


def test_step_average_decision_mid_quarter() -> None:
    # 9.5 from 1 Jan; 20 from 28 Feb 2022: Jan (31) + 1-27 Feb (27) = 58 days at 9.5; 28 Feb + March = 32 days at 20
    events = pd.Series([9.5, 20.0], index=_days("2022-01-01", "2022-02-28"))
    out = step_average(events)
    assert out.index.freqstr == "Q-DEC"
    assert list(out.index.astype(str)) == ["2022Q1"]
    assert out.iloc[0] == pytest.approx((58 * 9.5 + 32 * 20.0) / 90)


def test_step_average_holds_last_level_to_end() -> None:
    events = pd.Series([10.0, 12.0], index=_days("2023-01-01", "2023-03-17"))
    out = step_average(events, end="2023Q3")
    # Q1: 75 days at 10 (1 Jan-16 Mar), 15 at 12; Q2 and Q3: all days at 12
    assert out.tolist() == pytest.approx([(75 * 10 + 15 * 12) / 90, 12.0, 12.0])


def test_step_average_drops_partly_covered_first_quarter() -> None:
    events = pd.Series([5.0, 6.0], index=_days("2022-02-15", "2022-05-01"))
    out = step_average(events)
    assert list(out.index.astype(str)) == ["2022Q2"]  # 2022Q1 is not covered from its first day
    assert out.iloc[0] == pytest.approx((30 * 5 + 61 * 6) / 91)


def test_step_average_accepts_datetime_index_and_months() -> None:
    events = pd.Series([1.0, 3.0], index=pd.DatetimeIndex(["2024-01-01", "2024-01-11"]))
    out = step_average(events, freq="M")
    assert out.iloc[0] == pytest.approx((10 * 1 + 21 * 3) / 31)


def test_step_average_rejects_two_levels_on_one_day() -> None:
    events = pd.Series([1.0, 2.0], index=_days("2024-01-01", "2024-01-01"))
    with pytest.raises(DataError, match="two events on 2024-01-01"):
        step_average(events)


def test_key_rate_q_by_hand_from_decisions() -> None:
    q = series("key_rate_q")
    # 2022Q2 (91 days): 1-7 Apr 20%, 8-28 Apr 17%, 29 Apr-25 May 14%, 26 May-9 Jun 11%, 10-30 Jun 9.5%
    expected = (7 * 20 + 21 * 17 + 27 * 14 + 15 * 11 + 21 * 9.5) / 91
    assert q[pd.Period("2022Q2", freq="Q")] == pytest.approx(expected, abs=1e-4)
    # 2024Q4 (92 days): 1-24 Oct 19%, 25 Oct-31 Dec 21% (the 20 Dec hold changes nothing)
    assert q[pd.Period("2024Q4", freq="Q")] == pytest.approx((24 * 19 + 68 * 21) / 92, abs=1e-4)
    assert q[pd.Period("2024Q1", freq="Q")] == pytest.approx(16.0)
    assert q.index[0] == pd.Period("2022Q1", freq="Q") and q.index[-1] == CUTOFF


# --- monthly and annual to quarterly --------------------------------------------------------------------


def test_monthly_to_quarterly_means_and_min_months() -> None:
    months = pd.period_range("2023-01", "2023-05", freq="M")
    s = pd.Series([1.0, 2.0, 6.0, 4.0, np.nan], index=months)
    assert monthly_to_quarterly(s).tolist() == [3.0]  # 2023Q2 has one observed month only
    loose = monthly_to_quarterly(s, min_months=1)
    assert loose.tolist() == [3.0, 4.0]
    assert list(loose.index.astype(str)) == ["2023Q1", "2023Q2"]


def test_interpolate_monthly_is_linear_between_anchors() -> None:
    anchors = pd.Series([1.0, 4.0, 2.0], index=pd.PeriodIndex(["2022-01", "2022-04", "2022-06"], freq="M"))
    out = interpolate_monthly(anchors)
    assert out.tolist() == pytest.approx([1.0, 2.0, 3.0, 4.0, 3.0, 2.0])
    assert out.index[0] == pd.Period("2022-01", freq="M") and out.index[-1] == pd.Period("2022-06", freq="M")


def test_annual_to_quarterly_equal_and_repeat() -> None:
    annual = pd.Series([8.0, 12.0], index=pd.PeriodIndex(["2023", "2024"], freq="Y"))
    equal = annual_to_quarterly(annual, "equal")
    assert equal.tolist() == [2.0] * 4 + [3.0] * 4
    assert equal.groupby(equal.index.year).sum().tolist() == [8.0, 12.0]
    assert annual_to_quarterly(annual, "repeat").tolist() == [8.0] * 4 + [12.0] * 4
    with pytest.raises(DataError, match="unknown method 'spline'"):
        annual_to_quarterly(annual, "spline")


def test_annual_to_quarterly_linear_preserves_means_and_direction() -> None:
    annual = pd.Series([4.0, 6.0, 5.0], index=pd.PeriodIndex(["2020", "2021", "2022"], freq="Y"))
    q = annual_to_quarterly(annual, "linear")
    assert q.groupby(q.index.year).mean().tolist() == pytest.approx([4.0, 6.0, 5.0])
    year_2021 = q[q.index.year == 2021]
    assert year_2021.iloc[0] < year_2021.iloc[1]  # rising from the 2020 level ...
    assert year_2021.iloc[2] > year_2021.iloc[3]  # ... falling towards the 2022 level


def test_fill_missing_quarter_only_single_gaps() -> None:
    quarterly = pd.Series([5.4, 4.0, 4.5, -1.8],
                          index=pd.PeriodIndex(["2024Q1", "2024Q2", "2024Q4", "2023Q1"], freq="Q"))
    annual = pd.Series([4.1, 4.3], index=pd.PeriodIndex(["2023", "2024"], freq="Y"))
    out = fill_missing_quarter(quarterly, annual)
    assert list(out.index.astype(str)) == ["2024Q3"]  # 2023 misses three quarters: left missing
    assert out.iloc[0] == pytest.approx(4 * 4.3 - 5.4 - 4.0 - 4.5)


# --- the derived series in the data set -----------------------------------------------------------------


def test_cpi_yoy_q_hand_cases() -> None:
    q = series("cpi_yoy_q")
    assert q[pd.Period("2024Q4", freq="Q")] == pytest.approx((8.54 + 8.88 + 9.52) / 3, abs=1e-4)
    # 2023Q1: Dec-2022 = 11.94 (Dec/Dec) and Mar-2023 = 3.51; Jan and Feb linear in between
    jan, feb = 11.94 + (3.51 - 11.94) / 3, 11.94 + 2 * (3.51 - 11.94) / 3
    assert q[pd.Period("2023Q1", freq="Q")] == pytest.approx((jan + feb + 3.51) / 3, abs=1e-4)
    # 2020Q4: Dec-2019 3.04 and Dec-2020 4.91 are the only anchors: Oct, Nov, Dec at 10/12, 11/12, 12/12
    step = (4.91 - 3.04) / 12
    assert q[pd.Period("2020Q4", freq="Q")] == pytest.approx(3.04 + 11 * step, abs=1e-4)
    assert pd.Period("2019Q3", freq="Q") not in q.index  # no anchor before Dec 2019: no extrapolation


def test_unemployment_q_months_then_annual() -> None:
    q = series("unemployment_q")
    assert q[pd.Period("2022Q1", freq="Q")] == pytest.approx((4.4 + 4.1 + 4.1) / 3, abs=1e-4)
    assert q[pd.Period("2024Q4", freq="Q")] == pytest.approx(2.3)  # one observed month (Oct)
    annual = series("unemployment")
    for year in (2019, 2020, 2021):  # no monthly data: quarters average to the annual figure
        assert q[q.index.year == year].mean() == pytest.approx(annual[pd.Period(str(year), freq="Y")], abs=1e-3)


def test_defence_spending_q_sums_to_annual_outcomes_and_plans() -> None:
    q = series("defence_spending_q")
    annual = series("defence_spending")
    for year in range(2021, 2028):
        assert q[q.index.year == year].sum() == pytest.approx(annual[pd.Period(str(year), freq="Y")], abs=1e-3)
    assert q.attrs["vintages"]["2024Q4"] == "latest" and q.attrs["vintages"]["2025Q1"] == "plan"
    assert q.attrs["unit"] == "trn RUB per quarter"


def test_gdp_growth_q_only_documented_fill() -> None:
    q = series("gdp_growth_q")
    assert q.attrs["verified"]["2024Q3"] == "derived"
    assert q[pd.Period("2024Q3", freq="Q")] == pytest.approx(4 * 4.3 - 5.4 - 4.0 - 4.5, abs=1e-4)
    assert pd.Period("2023Q2", freq="Q") not in q.index  # no documented method for a three-quarter gap
    assert {v for k, v in q.attrs["verified"].items() if k != "2024Q3"} == {"yes"}


def test_inflation_expectations_q_is_the_mean_of_the_surveyed_months() -> None:
    q = series("inflation_expectations_q")
    assert q.index.tolist() == [pd.Period("2024Q3", freq="Q"), pd.Period("2024Q4", freq="Q")]
    assert q[pd.Period("2024Q4", freq="Q")] == pytest.approx((13.4 + 13.4 + 13.9) / 3, abs=1e-4)
    assert q[pd.Period("2024Q3", freq="Q")] == pytest.approx(12.5)  # September only
    rows = build_derived()
    notes = rows[rows["series"] == "inflation_expectations_q"].set_index("period")["note"]
    assert "(Sep)" in notes["2024Q3"] and "not surveyed" in notes["2024Q3"]
    assert "(Oct, Nov, Dec)" in notes["2024Q4"] and "not surveyed" not in notes["2024Q4"]


def test_every_derived_row_is_flagged_and_documented() -> None:
    rows = build_derived()
    assert (rows["verified"] == "derived").all()
    assert rows["source_page"].str.startswith("twosector.derive.").all()
    assert rows["source_page"].str.contains("data/README.md#").all()
    late = [pd.Period(p, freq="Q") > CUTOFF for p in rows["period"]]
    assert (rows.loc[late, "vintage"] == "plan").all()
    readme = (REPO_DATA / "README.md").read_text(encoding="utf-8")
    for name in rows["series"].unique():
        assert f"`{name}`" in readme, name


def test_stored_derived_file_equals_build_derived() -> None:
    stored = pd.read_csv(REPO_DATA / DERIVED_FILE, dtype=str, keep_default_na=False)
    built = build_derived(load_data())
    assert list(stored.columns) == list(REQUIRED_COLUMNS)
    assert len(stored) == len(built)
    text_columns = [c for c in REQUIRED_COLUMNS if c != "value"]
    pd.testing.assert_frame_equal(stored[text_columns], built[text_columns].astype(stored[text_columns].dtypes))
    np.testing.assert_allclose(stored["value"].astype(float).to_numpy(), built["value"].to_numpy(), atol=1e-9)


def test_write_derived_roundtrip(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in REPO_DATA.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    target = write_derived(folder)
    assert target == folder / DERIVED_FILE
    assert target.read_bytes() == (REPO_DATA / DERIVED_FILE).read_bytes()


# --- the one annual -> quarterly routine: each method on hand-checked series, the exogenous paths built with it

# 2020 is missing: the methods differ in what they do with a gap
GAPPED = pd.Series([4.0, 8.0, 6.0], index=pd.PeriodIndex(["2019", "2021", "2022"], freq="Y"), name="x")
WIDE = quarter_index("2018Q1", "2023Q4")


def _by_year(s: pd.Series) -> dict[int, list[float]]:
    return {int(y): g.tolist() for y, g in s.groupby(s.index.year)}


def test_equal_splits_flows_so_quarters_sum_to_the_year() -> None:
    q = annual_to_quarterly(GAPPED, "equal", index=WIDE)
    years = _by_year(q)
    assert years[2021] == [2.0] * 4 and sum(years[2022]) == 6.0
    assert np.isnan(years[2020]).all() and np.isnan(years[2018]).all()  # no value, no flow invented


def test_repeat_holds_the_annual_level_in_its_year_only() -> None:
    years = _by_year(annual_to_quarterly(GAPPED, "repeat", index=WIDE))
    assert years[2019] == [4.0] * 4 and years[2022] == [6.0] * 4
    assert np.isnan(years[2020]).all() and np.isnan(years[2023]).all()


def test_steps_interpolates_missing_years_and_holds_the_ends() -> None:
    years = _by_year(annual_to_quarterly(GAPPED, "steps", index=WIDE))
    assert years[2018] == [4.0] * 4 and years[2023] == [6.0] * 4  # held
    assert years[2020] == [6.0] * 4  # halfway between 2019 (4) and 2021 (8), the same in every quarter
    assert years[2021] == [8.0] * 4


def test_midyear_is_linear_between_mid_years_and_flat_beyond() -> None:
    trend = pd.Series([10.0, 12.0, 14.0], index=[2020, 2021, 2022])  # integer years work too
    q = annual_to_quarterly(trend, "midyear", index=quarter_index("2019Q1", "2023Q4"))
    inside = q["2020Q3":"2022Q2"]
    t = inside.index.year + (inside.index.quarter - 0.5) / 4  # the quarter's mid-point in years
    assert inside.to_numpy() == pytest.approx(10.0 + 2.0 * (t - 2020.5))  # on the line through the averages
    assert (q[:"2020Q2"] == 10.0).all() and (q["2022Q3":] == 14.0).all()


def test_linear_keeps_each_annual_average_and_the_midyear_shape() -> None:
    q = annual_to_quarterly(GAPPED, "linear")
    assert sorted(set(q.index.year)) == [2019, 2021, 2022]  # default: the quarters of the years given
    means = q.groupby(q.index.year).mean()
    assert means.tolist() == pytest.approx(GAPPED.tolist())
    shift = q - annual_to_quarterly(GAPPED, "midyear", index=q.index)
    assert shift.groupby(q.index.year).nunique().max() == 1  # one shift per year: the path's shape is kept
    year_2021 = q[q.index.year == 2021]
    assert year_2021.iloc[0] < year_2021.iloc[1] and year_2021.iloc[2] > year_2021.iloc[3]  # peak mid-year


@pytest.mark.parametrize("method", ANNUAL_METHODS)
def test_no_value_gives_nan_quarters(method: str) -> None:
    empty = pd.Series([np.nan], index=pd.PeriodIndex(["2020"], freq="Y"))
    out = annual_to_quarterly(empty, method, index=WIDE)
    assert out.index.equals(WIDE) and out.isna().all()


def test_an_unknown_method_names_the_allowed_ones() -> None:
    with pytest.raises(DataError, match="unknown method 'midyaer'.*midyear"):
        annual_to_quarterly(GAPPED, "midyaer")


def test_the_exogenous_paths_use_the_routine() -> None:
    x = exog.paths()
    defence = exog.military_expenditure()
    for year, total in defence.items():  # the quarters of a year add up to its total (history and plans)
        if year <= x.index[-1].year:
            assert x.loc[x.index.year == year, "defence_spending"].sum() == pytest.approx(total)
    # the Urals price: quarterly averages where the data have them, else the annual averages known by the
    # cut-off placed at mid-year (plans are not history); in projection the budget's assumption, then held
    known = series("urals_price")[lambda s: s.index.end_time <= DATA_CUTOFF.end_time]
    quarterly = series("urals_price_q")
    hist = x.index <= DATA_CUTOFF
    expected = annual_to_quarterly(known, "midyear", index=x.index[hist])
    expected[quarterly.index] = quarterly.to_numpy()
    pd.testing.assert_series_equal(x.loc[hist, "urals_price"], expected, check_names=False, check_freq=False)
    plan = series("urals_price", vintage="plan")
    for year, value in plan.items():
        assert (x.loc[x.index.year == year.year, "urals_price"] == value).all()
    assert (x.loc[x.index.year > plan.index.max().year, "urals_price"] == plan.iloc[-1]).all()
    # the ruble: quarterly averages in history, the end-2024 rate in the first projection quarter
    ruble = series("usd_rub_q")
    pd.testing.assert_series_equal(x.loc[hist, "usd_rub"], ruble, check_names=False, check_freq=False)
    assert x.loc[DATA_CUTOFF + 1, "usd_rub"] == series("usd_rub_end_q")[DATA_CUTOFF]
    assert (x.loc[:DATA_CUTOFF + 1, "fx_anchor"] == 1).all() and (x.loc[DATA_CUTOFF + 2:, "fx_anchor"] == 0).all()


def test_derived_series_whose_sources_changed_are_refused_until_re_derived(tmp_path):
    import shutil

    from twosector.data import SOURCES_DIGEST, data_dir, sources_digest

    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    assert (folder / SOURCES_DIGEST).read_text().strip() == sources_digest(folder)  # the shipped file is current
    rate = pd.read_csv(folder / "key_rate.csv", dtype=str, keep_default_na=False)
    rate.loc[rate["series"] == "key_rate", "value"] = "99"  # every key-rate decision, as in issue 11
    rate.to_csv(folder / "key_rate.csv", index=False)
    message = r"derived/quarterly\.csv in the data folder .* is stale: its source files changed since it was written"
    with pytest.raises(DataError, match=message):
        load_data(folder)
    with pytest.raises(DataError, match=message):
        series("key_rate_q", path=folder)
    write_derived(folder)
    assert series("key_rate_q", path=folder).loc["2024Q4"] == pytest.approx(99.0)
    (folder / SOURCES_DIGEST).unlink()
    with pytest.raises(DataError, match=r"has no record of its sources .* run `twosector dev derive --data "):
        load_data(folder)


def test_a_removed_derived_file_is_named_not_its_series(tmp_path, monkeypatch, capsys):
    import shutil

    from twosector.cli import main
    from twosector.data import DERIVED_FILE, data_dir

    folder = tmp_path / "mydata"
    shutil.copytree(data_dir(), folder)
    (folder / DERIVED_FILE).unlink()
    monkeypatch.setenv("TWOSECTOR_DATA", str(folder))
    assert main(["simulate", "baseline"]) == 2
    assert capsys.readouterr().err == (
        f"twosector simulate: error: derived/quarterly.csv is missing in the data folder {str(folder)!r} (its record "
        f"derived/sources.sha256 is there); run `twosector dev derive --data {folder}` to recompute it\n")
    write_derived(folder)
    assert main(["simulate", "baseline"]) == 0
