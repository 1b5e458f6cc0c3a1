"""The one annual -> quarterly routine (twosector.derive.annual_to_quarterly): each method on hand-checked
series, and the exogenous paths built with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twosector import exog
from twosector.calendar import DATA_CUTOFF, quarter_index
from twosector.data import series
from twosector.derive import ANNUAL_METHODS, annual_to_quarterly
from twosector.errors import DataError

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
    defence = series("defence_spending")
    for year, total in defence.items():  # history: the quarters of a year add up to its outcome
        if year.end_time <= x.index[-1].end_time and defence.attrs["vintages"][str(year)] != "plan":
            assert x.loc[x.index.year == year.year, "defence_spending"].sum() == pytest.approx(total)
    for name in ("urals_price", "usd_rub"):  # annual averages known by the cut-off (plans are not history)
        known = series(name)[lambda s: s.index.end_time <= DATA_CUTOFF.end_time]
        expected = annual_to_quarterly(known, "midyear", index=x.index)
        pd.testing.assert_series_equal(x[name], expected, check_names=False, check_freq=False)
