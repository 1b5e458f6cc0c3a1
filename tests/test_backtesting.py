"""Tests of twosector.backtesting.

Mechanics over several cut-offs, forecast-error arithmetic, and that no observation after a cut-off is used
(perturbing later data in a copy of the data folder moves nothing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twosector.backtesting import BACKTEST_VARIABLES, DEFAULT_CUTOFFS, backtest, backtest_summary
from twosector.charts import backtest_figure
from twosector.errors import TwosectorError
from twosector.estimation import estimate

CUTOFFS = DEFAULT_CUTOFFS


@pytest.fixture(scope="module")
def errors(backtest_errors) -> pd.DataFrame:
    """The backtest at the default cut-offs (2022Q4, 2023Q2, 2023Q4) and horizon 4 (tests/conftest.py)."""
    return backtest_errors


def test_three_cutoffs_every_variable_and_horizon(errors):
    assert set(errors["cutoff"]) == set(CUTOFFS)
    assert set(errors["variable"]) == set(BACKTEST_VARIABLES)
    assert errors["h"].between(1, 4).all()
    q = errors["quarter"].map(lambda s: pd.Period(s, freq="Q"))
    c = errors["cutoff"].map(lambda s: pd.Period(s, freq="Q"))
    assert ((q - c).map(lambda d: d.n) == errors["h"]).all()
    assert (q > c).all()


def test_error_arithmetic_and_actuals_match_the_data(errors):
    assert np.allclose(errors["error"], errors["forecast"] - errors["actual"])
    assert np.allclose(errors["naive_error"], errors["naive"] - errors["actual"])
    from twosector.data import series

    for _, r in errors.sample(8, random_state=0).iterrows():
        observed = series(BACKTEST_VARIABLES[r["variable"]])
        assert r["actual"] == pytest.approx(observed[pd.Period(r["quarter"], freq="Q")])
    # the no-change benchmark is the last observation at or before the cut-off
    k = errors[(errors["cutoff"] == "2023Q4") & (errors["variable"] == "key_rate")]
    assert k["naive"].iloc[0] == pytest.approx(series("key_rate_q")[pd.Period("2023Q4", freq="Q")])


def test_summary_and_figure(errors):
    s = backtest_summary(errors)
    assert {"variable", "h", "n", "rmse", "mean_error", "naive_rmse"} <= set(s.columns)
    assert (s["rmse"] >= s["mean_error"].abs() - 1e-12).all()
    fig = backtest_figure(errors)
    assert len(fig.data) >= len(CUTOFFS)


def test_bad_arguments():
    with pytest.raises(TwosectorError, match="horizon"):
        backtest(end="2023Q4", horizon=0)
    with pytest.raises(TwosectorError, match="2025Q1"):
        backtest(end="2025Q1")
    with pytest.raises(TwosectorError, match="quarter"):
        backtest(end="late 2023")


@pytest.mark.parametrize("cutoff", ["2023Q2", "2023Q4"])
def test_no_look_ahead(perturbed_data, cutoff):
    perturbed = perturbed_data(cutoff, after=True)
    a, b = estimate(end=cutoff), estimate(data=perturbed, end=cutoff)
    pd.testing.assert_series_equal(a.params, b.params)
    for name in a:
        pd.testing.assert_frame_equal(a[name].cov, b[name].cov)


def test_perturbing_data_before_the_cutoff_does_move_the_estimates(perturbed_data):
    # the control for test_no_look_ahead: the same perturbation before the cut-off is seen
    perturbed = perturbed_data("2023Q4", after=False)
    a, b = estimate(end="2023Q4"), estimate(data=perturbed, end="2023Q4")
    assert not np.allclose(a.params.to_numpy(), b.params.to_numpy())


def test_backtest_calibration_ignores_later_data(perturbed_data):
    from twosector.calibration import calibrate

    perturbed = perturbed_data("2023Q2", after=True)
    a, b = calibrate(end="2023Q2"), calibrate(data=perturbed, end="2023Q2")
    pd.testing.assert_series_equal(a.params, b.params)
