"""Tests of the global sensitivity analysis: known answers on toy functions through the model's code path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twosector import gsa
from twosector.errors import ScenarioError, TwosectorError


def _uniform(names: list[str], low: float, high: float) -> pd.DataFrame:
    return pd.DataFrame({"dist": "uniform", "value": (low + high) / 2, "low": low, "high": high, "sd": np.nan,
                         "kind": "parameter"}, index=pd.Index(names, name="factor"))


def ishigami(values: pd.DataFrame, a: float = 7.0, b: float = 0.1) -> pd.DataFrame:
    x1, x2, x3 = (values[c].to_numpy() for c in ("x1", "x2", "x3"))
    return pd.DataFrame({"y": np.sin(x1) + a * np.sin(x2) ** 2 + b * x3 ** 4 * np.sin(x1)})


def linear(values: pd.DataFrame) -> pd.DataFrame:
    y = 3.0 * values["x1"] + 1.0 * values["x2"] + 0.0 * values["x3"]
    return pd.DataFrame({"y": y, "implausible": values["x1"] > 0.8})


def test_sobol_indices_recover_the_ishigami_function_s_analytical_values() -> None:
    # Ishigami & Homma (1990), a = 7, b = 0.1 on [-pi, pi]^3: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    table = _uniform(["x1", "x2", "x3"], -np.pi, np.pi)
    s = gsa.analyse(table, ishigami, method="sobol", n=4096, seed=3, chunk=5000)
    got = s.indices.loc["y"]
    assert s.runs == 4096 * 5
    assert np.allclose(got["S1"], [0.3139, 0.4424, 0.0], atol=0.03)
    assert np.allclose(got["ST"], [0.5576, 0.4424, 0.2437], atol=0.03)
    assert (got["S1_conf"] > 0).all() and (got["S1_conf"] < 0.1).all()
    assert list(s.table("y").index) == ["x1", "x2", "x3"]  # ranked by the total index


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes() -> None:
    s = gsa.analyse(_uniform(["x1", "x2", "x3"], 0.0, 1.0), linear, method="morris", n=10, seed=1, chunk=7)
    got = s.indices.loc["y"]  # the grid spans the 12.5-87.5% quantiles: 3/4 of each range
    assert np.allclose(got["mu_star"], [2.25, 0.75, 0.0]) and np.allclose(got["sigma"], 0.0, atol=1e-12)
    assert s.runs == 10 * 4 and 0 < s.implausible < s.runs  # the implausible column is counted, not an output
    assert "implausible" not in s.outputs
    # kept, unlike a Monte Carlo's draws: the slopes above are exact over every run, and the summary says so
    assert f"{s.implausible:,} runs implausible (kept)" in s.summary()


def test_factor_values_follow_their_priors() -> None:
    table = gsa.factors("oil_price_cap", parameters=["phillips_slope", "oil_price_cap", "taylor_smoothing"])
    u = np.random.default_rng(0).random((20_000, 3))
    v = gsa.values(table, u)
    a, m, b = table.loc["phillips_slope", ["low", "value", "high"]]
    assert v["phillips_slope"].mean() == pytest.approx((a + 4 * m + b) / 6, rel=0.02)  # the PERT mean
    assert v["oil_price_cap"].between(0, 40).all() and v["oil_price_cap"].mean() == pytest.approx(20, rel=0.02)
    lo, hi = table.loc["taylor_smoothing", ["low", "high"]]
    assert v["taylor_smoothing"].between(lo, hi).all() and table.at["taylor_smoothing", "dist"] == "normal"


def test_the_lever_drives_the_effect_of_its_scenario() -> None:
    chosen = ["input_sanctions", "phillips_slope", "taylor_inflation", "potential_growth"]
    s = gsa.sensitivity("input_sanctions", method="sobol", n=64, seed=2, parameters=chosen)
    assert s.table("strain_index").index[0] == "input_sanctions"
    assert s.table("strain_index").at["input_sanctions", "kind"] == "lever"
    assert "input_sanctions vs baseline, effect at 2027Q4" in s.summary()


def test_the_same_seed_gives_the_same_indices_whatever_the_chunk_and_the_engine() -> None:
    kwargs = {"method": "morris", "n": 3, "seed": 4, "parameters": ["tech_controls", "tech_drag_max", "tech_adjust"],
              "outputs": ["output_civilian"]}
    runs = [gsa.sensitivity("tech_controls", chunk=c, **kwargs) for c in (2, 100)]
    runs.append(gsa.sensitivity("tech_controls", chunk=5, engine="dask", **kwargs))
    for other in runs[1:]:
        pd.testing.assert_frame_equal(runs[0].indices, other.indices)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"n": 100}, ["n:", "100", "power of two"]),
    ({"method": "morris", "n": 1}, ["n:", "morris", "2 or more trajectories"]),
    ({"method": "sobel"}, ["method", "'sobel'", "sobol"]),
    ({"parameters": ["phillips_slop"]}, ["factor", "phillips_slope"]),
    ({"parameters": ["inflation_target", "phillips_slope"]}, ["inflation_target", "fixed"]),
    ({"bounds": {"input_sanctions": (0.5, 2.0)}}, ["bounds['input_sanctions']", "[0, 1]"]),
    ({"run": "efect"}, ["run", "effect"]),
    ({"engine": "dask", "scheduler": "localhost"}, ["scheduler", "tcp://"]),
    ({"n": 2**40}, ["n:", "GiB", "available", "allowed here: a power of two up to"]),  # refused before SALib
    ({"outputs": []}, ["outputs: the list is empty"]),
])
def test_bad_arguments_raise_one_error_naming_them(kwargs, words) -> None:
    with pytest.raises(TwosectorError) as err:
        gsa.sensitivity("input_sanctions", **kwargs)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_an_output_that_never_varies_is_an_error_not_nan() -> None:
    with pytest.raises(TwosectorError, match="same .* in every run"):
        gsa.sensitivity("baseline", method="morris", n=2, parameters=["phillips_slope", "potential_growth"])
    with pytest.raises(ScenarioError, match="at"):
        gsa.sensitivity("input_sanctions", at="2027Q5")


def _separate(runs, table, x, keep, levers, outputs, at, effect):
    """The scenario and its baseline in two engine calls: the numbers the shared run must reproduce."""
    from twosector.plausible import out_of_bounds
    from twosector.simulation import run_draws

    scenario = run_draws(runs[0], table, x, keep, levers)
    out = pd.DataFrame({v: scenario[v][:, at] for v in outputs})
    bad = np.logical_or.reduce(list(out_of_bounds(scenario).values()))
    if effect:
        baseline = run_draws(runs[1], table, x, keep)
        for v in outputs:
            out[v] -= baseline[v][:, at]
        bad |= np.logical_or.reduce(list(out_of_bounds(baseline).values()))
    out["implausible"] = bad
    return out


@pytest.mark.parametrize("scenario, baseline", [("input_sanctions", "baseline"),  # shared history
                                                ("broad_front", "input_sanctions")])  # the baseline holds a lever
def test_the_pair_run_together_gives_the_numbers_of_separate_runs(scenario, baseline, monkeypatch) -> None:
    kwargs = dict(method="morris", n=3, seed=2, outputs=["strain_index", "output_civilian"], baseline=baseline,
                  parameters=["input_sanctions", "phillips_slope", "expectations_adapt", "taylor_inflation"])
    seen = []
    together = gsa.run_draws_together

    def spy(*args, **kw):
        seen.append(1)
        return together(*args, **kw)

    monkeypatch.setattr(gsa, "run_draws_together", spy)
    shared = gsa.sensitivity(scenario, **kwargs)
    assert seen  # one engine call per chunk for the pair
    monkeypatch.setattr(gsa, "_outputs", _separate)
    separate = gsa.sensitivity(scenario, **kwargs)
    pd.testing.assert_frame_equal(shared.indices, separate.indices, check_exact=True)
    assert shared.implausible == separate.implausible
