"""The plausibility guard (twosector/plausible.py): the R1 bounds of model-v2 and the rows that break them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import plausible
from twosector.errors import ImplausibleError, TwosectorError


def _frame(**columns: list[float]) -> pd.DataFrame:
    index = pd.period_range("2025Q1", periods=len(next(iter(columns.values()))), freq="Q", name="quarter")
    return pd.DataFrame(columns, index=index)


def test_bounds_are_those_of_check_r1() -> None:
    assert plausible.BOUNDS == {
        "cpi_inflation": (-5.0, 60.0), "key_rate": (0.0, 40.0), "unemployment_rate": (0.5, 20.0),
        "output_civilian": (20.0, 500.0), "output_military": (20.0, 500.0), "strain_index": (-15.0, 15.0),
    }


def test_rows_name_variable_quarter_and_value_including_nan_and_inf() -> None:
    frame = _frame(cpi_inflation=[5.0, 61.0, np.nan], key_rate=[41.0, 10.0, 10.0], gdp_growth=[-99.0, 0, 0],
                   strain_index=[0.0, 0.0, np.inf])
    rows = twosector.plausibility(frame)
    assert list(rows.columns) == ["variable", "quarter", "value", "low", "high"]
    got = [(r.variable, str(r.quarter)) for r in rows.itertuples()]
    assert got == [("key_rate", "2025Q1"), ("cpi_inflation", "2025Q2"), ("cpi_inflation", "2025Q3"),
                   ("strain_index", "2025Q3")]
    assert rows.loc[1, "value"] == 61.0 and rows.loc[1, "high"] == 60.0  # the bound is inclusive: 60 is fine


def test_a_plausible_frame_gives_no_rows_and_bounds_can_be_given() -> None:
    frame = _frame(cpi_inflation=[-5.0, 60.0])
    assert twosector.plausibility(frame).empty
    assert len(twosector.plausibility(frame, {"cpi_inflation": (0.0, 10.0)})) == 2


def test_draws_that_fail_and_where_first() -> None:
    draws = pd.DataFrame({"phillips_slope": [0.1, 0.3, 0.5]})
    frame = twosector.simulate("baseline", params=draws, variables=["cpi_inflation", "key_rate"])
    frame.loc["2026Q3":, ("key_rate", 1)] = 45.0  # draw 1 breaks the key-rate bound from 2026Q3
    bad = twosector.implausible_draws(frame)
    assert bad.tolist() == [False, True, False] and bad.index.name == "draw"
    first = bad.attrs["first"]
    assert first[["draw", "variable"]].values.tolist() == [[1, "key_rate"]] and str(first.at[0, "quarter"]) == "2026Q3"
    assert twosector.plausibility(frame).groupby("draw").size().to_dict() == {1: len(frame.loc["2026Q3":])}


def test_check_plausible_names_the_first_quarter_and_the_overrides() -> None:
    frame = _frame(unemployment_rate=[5.0, 25.0, 30.0], cpi_inflation=[4.0, 4.0, 70.0])
    with pytest.raises(ImplausibleError) as exc:
        plausible.check_plausible(frame, ["--param hours_min=0.6"])
    assert isinstance(exc.value, TwosectorError)
    assert str(exc.value) == (
        "implausible result, not shown: unemployment_rate reaches 25 % of labour force in 2025Q2, the first "
        "quarter outside its plausible range 0.5 to 20; also out of bounds: cpi_inflation. Overrides: --param "
        "hours_min=0.6. The model cannot carry this combination of parameters and levers (bounds: "
        "twosector.plausible.BOUNDS; parameter ranges: twosector.param_table())."
    )
    plausible.check_plausible(_frame(unemployment_rate=[5.0]))  # plausible: nothing raised
