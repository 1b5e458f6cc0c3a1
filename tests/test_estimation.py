"""Tests of twosector.estimation.

The estimators on synthetic data with known coefficients, mixed estimation, the sample cut-off, and the
estimates on the shipped data.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector.errors import DataError, TwosectorError

est = importlib.import_module("twosector.estimation")


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


@pytest.fixture(scope="module")
def shipped():
    return est.estimate()


def test_shipped_estimates_table_and_summary(shipped):
    tab = shipped.table()
    assert list(tab.columns[:7]) == ["equation", "coefficient", "estimate", "se", "t", "p", "ols_estimate"]
    assert set(tab["equation"]) == {"phillips", "phillips_hp", "taylor", "okun", "oil_revenue"}
    assert (tab["se"] > 0).all() and (tab["n"] > 0).all()
    assert np.allclose(tab["t"], tab["estimate"] / tab["se"])
    text = shipped.summary()
    assert "memory" in text  # the USD/RUB caveat is stated in the output
    for name in shipped:
        assert f"[{name}]" in text


def test_shipped_estimates_have_the_signs_theory_predicts(shipped):
    assert shipped["okun"].params["beta"] < 0          # growth lowers unemployment
    assert shipped["phillips"].params["pressure"] > 0   # a tighter labour market raises inflation
    assert 0 < shipped["taylor"].params["rho"] < 1      # a stable, smoothed rule
    assert shipped["taylor"].params["phi_pi"] > 0       # the Taylor principle
    assert shipped["oil_revenue"].params["k"] > 0


def test_priors_only_add_precision(shipped):
    tab = shipped.table().dropna(subset=["prior_sd", "ols_se"])
    assert len(tab) >= 4
    assert (tab["se"] <= tab["ols_se"] + 1e-12).all()
    assert (tab["se"] <= tab["prior_sd"] + 1e-12).all()
    # the posterior lies between the data estimate and the prior (one-coefficient intuition holds here)
    lo = np.minimum(tab["ols_estimate"], tab["prior_mean"]) - 1e-9
    hi = np.maximum(tab["ols_estimate"], tab["prior_mean"]) + 1e-9
    assert ((tab["estimate"] >= lo - 2 * tab["se"]) & (tab["estimate"] <= hi + 2 * tab["se"])).all()


def test_draws_follow_the_covariance(shipped):
    d = shipped.draw(40000, seed=3)
    cols = [c for c in d.columns if c.startswith("taylor.")]
    emp = np.cov(d[cols].to_numpy().T)
    assert np.allclose(emp, shipped.cov("taylor").to_numpy(), rtol=0.05, atol=1e-3)
    assert np.allclose(d.mean().to_numpy(), shipped.params.to_numpy(), atol=0.05)
    assert shipped.draw(5, seed=1).equals(shipped.draw(5, seed=1))
    with pytest.raises(TwosectorError, match="positive"):
        shipped.draw(0)


def test_early_cutoff_falls_back_to_priors():
    e = est.estimate(end="2022Q4")
    assert e["taylor"].n == 0 and e["taylor"].method == "priors only"
    assert e["taylor"].params["rho"] == pytest.approx(est.PRIORS["taylor"]["rho"].mean)
    assert e["phillips"].n > 0  # quarterly CPI from 2020 is enough for the Phillips curve
    with pytest.raises(TwosectorError, match="'okun'"):
        e["okunn"]


def test_inputs_from_a_mapping():
    data = est.load_inputs(None, "2024Q4")
    a = est.estimate(data, "2024Q4")
    b = est.estimate(None, "2024Q4")
    pd.testing.assert_series_equal(a.params, b.params)
    missing = {k: v for k, v in data.items() if k != "urals_price"}
    with pytest.raises(DataError, match="urals_price"):
        est.estimate(missing)


def test_okun_law_annual_uses_one_year_changes():
    idx = pd.period_range("2015", periods=8, freq="Y")
    g = pd.Series([1.0, 3, -2, 4, 0, 2, 5, -1], index=idx)
    u = [5.0]
    for t in range(1, 8):
        u.append(u[-1] + 0.2 - 0.25 * g.iloc[t])
    res = est.okun_law(pd.Series(u, index=idx), g)
    assert res.params["growth"] == pytest.approx(-0.25) and res.params["const"] == pytest.approx(0.2)
    assert res.nobs == 7 and res.cov_type == "HC1"


def test_hp_gap_removes_a_linear_trend():
    idx = _q(40)
    trend = pd.Series(np.linspace(5, 2, 40), index=idx)
    cycle = pd.Series(0.3 * np.sin(np.arange(40) / 2.0), index=idx)
    gap = est.hp_gap(trend + cycle)
    assert np.allclose(est.hp_gap(trend), 0, atol=1e-8)
    assert np.corrcoef(gap, cycle)[0, 1] > 0.9


def test_a_cut_off_with_too_short_a_sample_names_the_earliest_usable_one():
    # the message said only "more data before the cut-off"; found by trial, 2022Q4 is the first that works
    with pytest.raises(DataError, match=r"need at least \d+ .*; the earliest cut-off with enough data is 2022Q4$"):
        twosector.estimate(end="2021Q1")
    twosector.estimate(end="2022Q4")
