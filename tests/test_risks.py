"""Tests of the exogenous risk models: estimates, simulated paths, where they apply."""

from __future__ import annotations

import numpy as np
import pytest

from twosector import exog, risks
from twosector.calendar import PROJECTION_START
from twosector.errors import TwosectorError


def test_the_models_are_estimated_on_the_monthly_data() -> None:
    oil, rub = risks.fit("oil"), risks.fit("ruble")
    assert oil.sample == "2021-03:2024-12" and rub.sample == "2019-01:2024-12" and rub.nobs == 72
    # monthly sd of log changes: Urals ~9%, the ruble ~6.5% (2022 included); AR terms well inside (-1, 1)
    assert 0.05 < oil.sigma < 0.15 and 0.03 < rub.sigma < 0.10
    assert abs(oil.ar) < 0.9 and abs(rub.ar) < 0.9
    with pytest.raises(TwosectorError, match="'oli'. Did you mean 'oil'"):
        risks.fit("oli")


def test_the_model_with_the_lower_bic_is_used_and_momentum_would_widen_the_band() -> None:
    import dataclasses

    for name in risks.RISKS:
        m = risks.fit(name)
        chosen = min(m.candidates, key=lambda c: c[1])
        assert (m.ar, np.isnan(m.ar_se)) == ((0.0, True) if chosen[2] == 0.0 else (chosen[2], False))
    oil = risks.fit("oil")
    assert [c[0] for c in oil.candidates] == ["random walk", "AR(1) change"] and oil.ar == 0.0
    momentum = dataclasses.replace(oil, ar=oil.candidates[1][2])  # the rejected AR(1) of the log change, ~0.33
    width = {}
    for label, model in (("chosen", oil), ("momentum", momentum)):
        end = model.simulate(np.random.default_rng(5), 20_000, 24)[:, -1]  # 2030Q4 with a 2025Q1 start
        width[label] = np.subtract(*np.quantile(end, [0.95, 0.05]))
    assert width["chosen"] < 0.8 * width["momentum"]


def test_deviations_spread_with_the_horizon_around_zero() -> None:
    dev = risks.fit("oil").simulate(np.random.default_rng(0), 20_000, 24)
    sd = dev.std(axis=0)
    assert np.all(np.diff(sd) > 0)  # a random walk: the band widens every quarter
    assert np.median(dev[:, -1]) == pytest.approx(0.0, abs=0.03)  # centred on the assumption
    # first quarter: mean of three months of an AR(1) walk, about sigma x sqrt((1 + 4 + 9) / 9) at ar = 0
    assert 0.8 * risks.fit("oil").sigma < sd[0] < 2.5 * risks.fit("oil").sigma


def test_risks_move_the_projection_only() -> None:
    x = exog.paths()
    rngs = {"oil": np.random.default_rng(1), "ruble": np.random.default_rng(2)}
    paths = risks.draw_paths(x, PROJECTION_START, ("oil", "ruble"), rngs, 50)
    hist = np.asarray(x.index < PROJECTION_START)
    assert set(paths) == {"urals_price", "fx_shock"}
    for column, a in paths.items():
        assert a.shape == (50, len(x))
        assert np.array_equal(a[:, hist], np.broadcast_to(x[column].to_numpy()[hist], (50, int(hist.sum()))))
        assert a[:, ~hist].std(axis=0).min() > 0
    assert (paths["urals_price"] > 0).all()
