"""Tests of twosector.estimate: the estimators on synthetic data with known coefficients, mixed
estimation, the sample cut-off, and the estimates on the shipped data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import importlib

est = importlib.import_module("twosector.estimate")
from twosector.errors import DataError, TwosectorError


def _q(n: int, start: str = "2010Q1") -> pd.PeriodIndex:
    return pd.period_range(start, periods=n, freq="Q")


def test_phillips_curve_recovers_known_coefficients():
    rng = np.random.default_rng(1)
    idx = _q(400)
    pressure = pd.Series(rng.normal(0, 1, 400), index=idx)
    pi = np.zeros(400)
    for t in range(1, 400):
        pi[t] = 1.0 + 0.6 * pi[t - 1] + 0.8 * pressure.iloc[t] + rng.normal(0, 0.3)
    res = est.phillips_curve(pd.Series(pi, index=idx), pressure)
    assert res.params["inflation_lag"] == pytest.approx(0.6, abs=0.05)
    assert res.params["pressure"] == pytest.approx(0.8, abs=0.05)
    assert res.cov_type == "HAC"


def test_taylor_rule_structural_transform():
    rng = np.random.default_rng(2)
    idx = _q(300)
    pi = pd.Series(4 + rng.normal(0, 3, 300), index=idx)
    rate = np.zeros(300)
    rate[0] = 8
    # the model's rule: i = rho i_{-1} + (1 - rho) (r* + pi + phi (pi - 4))
    rho, phi, neutral = 0.7, 1.0, 2.5
    for t in range(1, 300):
        p = pi.iloc[t]
        rate[t] = rho * rate[t - 1] + (1 - rho) * (neutral + p + phi * (p - 4)) + rng.normal(0, 0.2)
    res = est.taylor_rule(pd.Series(rate, index=idx), pi)
    b, cov = est.delta_method(res, est._taylor_structural)
    assert b["rho"] == pytest.approx(rho, abs=0.03)
    assert b["phi_pi"] == pytest.approx(phi, abs=0.15)
    assert b["neutral_real_rate"] == pytest.approx(neutral, abs=0.5)
    assert np.all(np.linalg.eigvalsh(cov.to_numpy()) > 0)


def test_okun_law_sign_and_potential_growth():
    rng = np.random.default_rng(3)
    idx = _q(200)
    g = pd.Series(rng.normal(2, 3, 200), index=idx)
    u = np.full(200, 5.0)
    for t in range(4, 200):
        u[t] = u[t - 4] - 0.3 * (g.iloc[t] - 2.0) + rng.normal(0, 0.05)
    res = est.okun_law(pd.Series(u, index=idx), g)
    assert res.params["growth"] == pytest.approx(-0.3, abs=0.03)
    assert -res.params["const"] / res.params["growth"] == pytest.approx(2.0, abs=0.3)


def test_oil_revenue_through_origin():
    idx = pd.period_range("2015", periods=6, freq="Y")
    urals = pd.Series([50, 60, 70, 40, 80, 65.0], index=idx)
    fx = pd.Series([60, 65, 70, 75, 80, 90.0], index=idx)
    rev = 2.0 * urals * fx / 1000 * np.array([1.01, 0.99, 1.0, 1.02, 0.98, 1.0])
    res = est.oil_revenue(rev, urals, fx)
    assert list(res.params.index) == ["rub_oil_price"]
    assert res.params.iloc[0] == pytest.approx(2.0, rel=0.02)


def test_too_few_observations_is_a_data_error():
    idx = _q(3)
    with pytest.raises(DataError, match="observations"):
        est.phillips_curve(pd.Series([1.0, 2, 3], index=idx), pd.Series([0.0, 1, 0], index=idx))


def test_mixed_estimation_limits():
    params = pd.Series({"a": 1.0, "b": 2.0})
    cov = pd.DataFrame([[0.04, 0.01], [0.01, 0.09]], index=["a", "b"], columns=["a", "b"])
    # a vague prior leaves the data estimate; a sharp one imposes the prior
    b, v = est.mixed_estimation(params, cov, {"a": est.Prior(5.0, 1e4, "x")})
    assert b["a"] == pytest.approx(1.0, abs=1e-6) and v.loc["a", "a"] == pytest.approx(0.04, rel=1e-6)
    b, v = est.mixed_estimation(params, cov, {"a": est.Prior(5.0, 1e-4, "x")})
    assert b["a"] == pytest.approx(5.0, abs=1e-4)
    # b moves through its correlation with a: b - 2 = cov_ab / var_a * (a - 1)
    assert b["b"] == pytest.approx(2.0 + 0.01 / 0.04 * 4.0, abs=1e-3)
    # equal precisions average the two
    b, v = est.mixed_estimation(params[["a"]], cov.loc[["a"], ["a"]], {"a": est.Prior(3.0, 0.2, "x")})
    assert b["a"] == pytest.approx(2.0) and v.loc["a", "a"] == pytest.approx(0.02)


def test_mixed_estimation_rejects_unknown_coefficient():
    params = pd.Series({"a": 1.0})
    cov = pd.DataFrame([[1.0]], index=["a"], columns=["a"])
    with pytest.raises(TwosectorError, match="'alpha'"):
        est.mixed_estimation(params, cov, {"alpha": est.Prior(0, 1, "x")})


def test_cut_at_drops_everything_after_the_quarter():
    annual = pd.Series([1.0, 2, 3], index=pd.period_range("2022", periods=3, freq="Y"))
    monthly = pd.Series(range(36), index=pd.period_range("2022-01", periods=36, freq="M"), dtype=float)
    quarterly = pd.Series(range(12), index=pd.period_range("2022Q1", periods=12, freq="Q"), dtype=float)
    assert list(est.cut_at(annual, "2023Q3").index.year) == [2022]
    assert list(est.cut_at(annual, "2023Q4").index.year) == [2022, 2023]
    assert est.cut_at(monthly, "2023Q2").index.max() == pd.Period("2023-06", freq="M")
    assert est.cut_at(quarterly, "2023Q2").index.max() == pd.Period("2023Q2", freq="Q")
    with pytest.raises(TwosectorError, match="quarter"):
        est.cut_at(quarterly, "late 2023")
