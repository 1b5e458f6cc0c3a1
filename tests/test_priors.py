"""Tests of the priors: one per catalogue parameter, within the ranges, shapes as documented."""

from __future__ import annotations

import numpy as np
import pytest

import twosector
from twosector import priors
from twosector.calibration import ESTIMATED
from twosector.errors import ParameterError


@pytest.fixture(scope="module")
def sample():
    return priors.draw(np.random.default_rng(11), 20_000)


def test_every_catalogue_parameter_has_a_prior_with_a_reason() -> None:
    t = priors.table()
    assert list(t.index) == list(twosector.param_table().index)
    assert set(t["shape"]) <= set(priors.SHAPES) and t["why"].str.len().min() > 10
    assert set(t.index[t["shape"] == "normal"]) == set(ESTIMATED)


def test_draws_stay_in_the_catalogue_ranges_and_fixed_ones_do_not_move(sample) -> None:
    t = priors.table()
    assert ((sample >= t["low"]) & (sample <= t["high"])).all().all()
    fixed = t.index[t["shape"] == "fixed"]
    assert (sample[fixed].nunique() == 1).all() and np.allclose(sample[fixed].iloc[0], t.loc[fixed, "value"])
    assert (sample[t.index[t["shape"] != "fixed"]].nunique() > 1000).all()


def test_pert_has_its_mode_at_the_value_and_the_pert_mean(sample) -> None:
    a, m, b = 0.05, float(twosector.default_params()["phillips_slope"]), 0.6
    x = sample["phillips_slope"]
    assert x.mean() == pytest.approx((a + 4 * m + b) / 6, abs=0.003)
    counts, edges = np.histogram(x, bins=11, range=(a, b))
    top = counts.argmax()  # the fullest bin is the mode's, or its neighbour when the mode sits near an edge
    assert abs((edges[top] + edges[top + 1]) / 2 - m) <= edges[1] - edges[0]


def test_estimated_parameters_follow_the_estimates_covariance_truncated_to_the_range(sample) -> None:
    names = [n for n, m in ESTIMATED.items() if m.equation == "taylor"]
    coef = [ESTIMATED[n].coefficient for n in names]
    t = priors.table().loc[names]
    cov = priors._covariance("taylor").loc[coef, coef].to_numpy()
    # brute force: the untruncated normal, rows outside the box dropped
    x = np.random.default_rng(5).multivariate_normal(t["value"], cov, size=400_000)
    x = x[((x >= t["low"].to_numpy()) & (x <= t["high"].to_numpy())).all(axis=1)]
    assert np.corrcoef(x[:, 0], x[:, 1])[0, 1] > 0.3  # the estimate ties smoothing and inflation response
    got = sample[names].to_numpy()
    assert np.allclose(np.corrcoef(got.T), np.corrcoef(x.T), atol=0.03)
    assert np.allclose(got.std(axis=0), x.std(axis=0), rtol=0.05)


def test_an_unknown_parameter_in_the_overrides_is_named(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "priors.csv"
    bad.write_text("parameter,shape,why\nphillips_slop,fixed,typo\n")
    monkeypatch.setattr(priors, "PRIORS_FILE", bad)
    priors._overrides.cache_clear()
    try:
        with pytest.raises(ParameterError, match="'phillips_slop'. Did you mean 'phillips_slope'"):
            priors.table()
    finally:
        priors._overrides.cache_clear()
