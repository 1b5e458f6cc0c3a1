"""Tests of the parameter catalogue and the validation of overrides."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector.errors import ParameterError
from twosector.params import resolve_params


def test_default_params_is_a_float_series_within_the_valid_ranges() -> None:
    p = twosector.default_params()
    table = twosector.param_table()
    assert isinstance(p, pd.Series) and p.dtype == float
    assert list(p.index) == list(table.index)
    assert ((p >= table["low"]) & (p <= table["high"])).all()
    assert p.equals(table["value"].astype(float))  # the catalogue's values, by name
    assert resolve_params(None).iloc[0].equals(p)  # and what simulate() uses without overrides


def test_default_params_is_a_copy() -> None:
    p = twosector.default_params()
    p[:] = 0.0
    assert (twosector.default_params() != 0.0).any()


def test_param_table_has_a_source_unit_kind_and_description_for_every_parameter() -> None:
    table = twosector.param_table()
    assert {"value", "unit", "low", "high", "kind", "block", "source", "description"} <= set(table.columns)
    assert table["unit"].astype(str).str.strip().str.len().gt(0).all()
    for col in ("source", "description", "block"):
        assert table[col].astype(str).str.strip().str.len().gt(3).all(), col
    assert set(table["kind"]) <= {"estimated", "calibrated", "literature", "data", "assumption"}
    assert (table["low"] < table["high"]).all()
    assert table.index.is_unique


def test_overrides_replace_single_values() -> None:
    frame = resolve_params({"phillips_slope": 0.4, "hoarding_speed": 0.2})
    assert frame.shape == (1, len(twosector.default_params()))
    assert frame.at[0, "phillips_slope"] == 0.4 and frame.at[0, "hoarding_speed"] == 0.2
    untouched = frame.iloc[0].drop(["phillips_slope", "hoarding_speed"])
    assert untouched.equals(twosector.default_params().drop(["phillips_slope", "hoarding_speed"]))


def _range(name: str) -> str:
    """The catalogue range of a parameter as the error messages write it, as a regular expression."""
    table = twosector.param_table()
    return re.escape(f"[{table.at[name, 'low']}, {table.at[name, 'high']}]")


def test_unknown_parameter_gets_a_did_you_mean() -> None:
    with pytest.raises(ParameterError, match=r"unknown parameter 'philips_slope'.*Did you mean 'phillips_slope'"):
        resolve_params({"philips_slope": 0.3})


@pytest.mark.parametrize("value", ["high", True, None, [0.3]])
def test_non_numeric_value_is_rejected_with_the_allowed_range(value: object) -> None:
    allowed = r"phillips_slope.*not a number.*allowed: a number in " + _range("phillips_slope")
    with pytest.raises(ParameterError, match=allowed):
        resolve_params({"phillips_slope": value})


@pytest.mark.parametrize("value", [-0.1, 5.0, float("nan")])
def test_out_of_range_value_names_the_range(value: float) -> None:
    with pytest.raises(ParameterError, match=r"'phillips_slope'.*outside its valid range " + _range("phillips_slope")):
        resolve_params({"phillips_slope": value})


def test_draw_frames_are_validated_and_filled_with_defaults() -> None:
    draws = pd.DataFrame({"phillips_slope": [0.1, 0.2, 0.3]}, index=["a", "b", "c"])
    frame = resolve_params(draws)
    assert list(frame.index) == ["a", "b", "c"]
    assert np.allclose(frame["phillips_slope"], [0.1, 0.2, 0.3])
    assert (frame["hoarding_speed"] == twosector.default_params()["hoarding_speed"]).all()
    with pytest.raises(ParameterError, match=r"'phillips_slope' \(draw 'b'\).*outside"):
        resolve_params(pd.DataFrame({"phillips_slope": [0.1, 9.0]}, index=["a", "b"]))
    with pytest.raises(ParameterError, match="unknown parameter 'hoarding'.*Did you mean 'hoarding_speed'"):
        resolve_params(pd.DataFrame({"hoarding": [0.5]}))
    with pytest.raises(ParameterError, match="not numeric"):
        resolve_params(pd.DataFrame({"hoarding_speed": ["x"]}))
    with pytest.raises(ParameterError, match="no rows"):
        resolve_params(pd.DataFrame({"hoarding_speed": []}))


def test_unsupported_params_type_is_rejected() -> None:
    with pytest.raises(ParameterError, match="not supported"):
        resolve_params([("hoarding_speed", 0.2)])  # type: ignore[arg-type]


def test_strain_scales_are_the_dispersions_of_their_data_counterparts() -> None:
    """The ``strain_sd_*`` and ``strain_fiscal_need`` values are what their source texts derive from ``data/``."""
    from twosector.data import load_data, series

    def within(s: pd.Series, first: int, last: int) -> pd.Series:
        return s[(s.index.year >= first) & (s.index.year <= last)]

    gdp = pd.concat([series("gdp_growth_q"), series("gdp_growth_q_rt")])
    gdp = within(gdp[~gdp.index.duplicated(keep="first")], 2019, 2024)
    real_key = (series("key_rate_q") - series("cpi_yoy_q")).dropna()
    branches = sorted(n for n in load_data()["series"].unique()
                      if n.startswith("sector_wage_growth_") and n != "sector_wage_growth_all")
    expected = {
        "strain_sd_income": within(series("real_disposable_income_growth"), 2022, 2024).std(),
        "strain_sd_output": gdp.std(),
        "strain_sd_inflation": within(series("cpi_dec"), 2019, 2024).std(),
        "strain_sd_credit": within(real_key, 2022, 2024).std(),
        "strain_sd_labour": within(series("unemployment_q"), 2019, 2024).std(),
        "strain_sd_wage_gap": pd.Series([series(n).iloc[0] for n in branches]).std(),
        "strain_sd_fiscal": series("nwf_total_gdp").std(),
        "strain_fiscal_need": -within(series("budget_balance_gdp"), 2023, 2024).mean(),
    }
    assert len(gdp) == 24 and len(real_key) == 12 and len(branches) == 8
    p = twosector.default_params()
    for name, value in expected.items():
        assert p[name] == pytest.approx(value, abs=0.006), name
