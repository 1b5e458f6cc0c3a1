"""Tests of sweep(): grid shape, identity at zero intensity, directions theory gives, pairs, engines, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector.errors import ScenarioError, TwosectorError
from twosector.sweeps import COLUMNS, sweep

VARS = ["output_civilian", "strain_index", "nwf_liquid"]


def _effect(frame: pd.DataFrame, variable: str) -> np.ndarray:
    return frame.loc[frame["variable"] == variable, "effect"].to_numpy()


def test_the_grid_is_every_intensity_start_and_ramp_with_a_row_per_variable_and_quarter() -> None:
    s = sweep("input_sanctions", [0.0, 0.5, 1.0], start=["2025Q1", "2026Q1"], ramp=[0, 4], outputs=VARS,
              at=["2026Q4", "2027Q4"])
    assert list(s.columns) == ["input_sanctions", *COLUMNS]
    assert len(s) == 3 * 2 * 2 * len(VARS) * 2
    assert not s.duplicated(["input_sanctions", "start", "ramp", "variable", "quarter"]).any()
    assert set(s["start"]) == {"2025Q1", "2026Q1"} and set(s["ramp"]) == {0, 4}


def test_at_zero_intensity_the_scenario_is_the_baseline_and_points_match_simulate() -> None:
    s = sweep("oil_price_cap", [0.0, 20.0], start="2025Q3", ramp=2, outputs=VARS)
    zero = s[s["oil_price_cap"] == 0.0]
    assert (zero["effect"] == 0.0).all() and (zero["scenario"] == zero["baseline"]).all()
    point = twosector.simulate(twosector.load_scenario("baseline").with_lever(
        "oil_price_cap", intensity=20.0, start="2025Q3", ramp=2), variables=VARS).loc["2027Q4"]
    got = s[s["oil_price_cap"] == 20.0].set_index("variable")["scenario"]
    assert np.allclose(got[VARS].to_numpy(), point[VARS].to_numpy(), rtol=1e-10)


@pytest.mark.parametrize(("lever", "variable", "sign"), [
    ("tech_controls", "output_civilian", -1),  # a TFP drag lowers civilian output
    ("skilled_emigration", "output_civilian", -1),  # fewer skilled workers, less output
    ("tech_controls", "strain_index", 1),
    ("oil_price_cap", "nwf_liquid", -1),  # a lower realised oil price drains the fund
    ("ceasefire", "output_civilian", 1),  # demobilised soldiers return to civilian work
])
def test_responses_are_monotone_where_theory_says_so(lever, variable, sign) -> None:
    s = sweep(lever, outputs=[variable])
    effect = _effect(s, variable)
    assert len(effect) == 11 and effect[0] == 0.0
    assert np.all(sign * np.diff(effect) > 0), effect


def test_a_pair_with_one_lever_off_is_the_single_lever_sweep() -> None:
    pair = sweep(["input_sanctions", "tech_controls"], [0.0, 0.5, 1.0], outputs=["strain_index"])
    one = sweep("input_sanctions", [0.0, 0.5, 1.0], outputs=["strain_index"])
    off = pair[pair["tech_controls"] == 0.0]
    assert np.allclose(off["effect"].to_numpy(), one["effect"].to_numpy(), rtol=1e-12, atol=1e-12)
    surface = pair.pivot(index="input_sanctions", columns="tech_controls", values="effect")
    assert surface.shape == (3, 3) and (surface.diff(axis=1).iloc[:, 1:] > 0).all(axis=None)


def test_chunks_and_the_dask_engine_give_the_same_surface() -> None:
    kwargs = {"intensity": [0.0, 0.3, 0.6, 0.9], "start": ["2025Q1", "2025Q3"], "outputs": ["strain_index"]}
    local = sweep("secondary_sanctions", chunk=100, **kwargs)
    pd.testing.assert_frame_equal(local, sweep("secondary_sanctions", chunk=3, **kwargs))
    pd.testing.assert_frame_equal(local, sweep("secondary_sanctions", chunk=3, engine="dask", **kwargs))


@pytest.mark.parametrize(("args", "kwargs", "error", "words"), [
    (("input_sanction",), {}, TwosectorError, ["lever", "input_sanctions"]),
    ((["input_sanctions", "tech_controls", "ceasefire"],), {}, TwosectorError, ["one lever or a pair"]),
    (("input_sanctions", [0.5, 1.5]), {}, ScenarioError, ["intensity", "1.5", "[0.0, 1.0]"]),
    (("input_sanctions",), {"ramp": [0, 99]}, ScenarioError, ["ramp", "99"]),
    (("input_sanctions",), {"start": "2019Q1"}, ScenarioError, ["start", "2019Q1"]),
    (("input_sanctions",), {"at": "2045Q1"}, ScenarioError, ["at", "2045Q1"]),
    (("input_sanctions",), {"outputs": ["strain"]}, ScenarioError, ["variable", "strain_index"]),
    (("input_sanctions",), {"outputs": []}, ScenarioError, ["outputs: the list is empty"]),
    (("input_sanctions",), {"intensity": {"tech_controls": [0.1]}}, TwosectorError, ["swept lever"]),
    (("input_sanctions",), {"start": "2050Q1"}, ScenarioError, ["start", "'2050Q1'", "2022Q1 to 2027Q4", "2035Q4"]),
    (("input_sanctions",), {"start": ["2025Q1", "2028Q1"], "at": ["2026Q4", "2027Q4"]}, ScenarioError,
     ["'2028Q1'", "2022Q1 to 2027Q4"]),
])
def test_bad_arguments_raise_one_error_naming_them(args, kwargs, error, words) -> None:
    with pytest.raises(error) as err:
        sweep(*args, **kwargs)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_a_start_at_the_last_quarter_reported_acts_there() -> None:
    s = sweep("input_sanctions", [1.0], start="2027Q4", ramp=0, outputs=["output_civilian"], at="2027Q4")
    assert s["effect"].iloc[0] < 0  # the lever acts in its first quarter: the edge of the allowed range is useful


def test_a_grid_too_large_for_the_memory_is_refused_before_it_runs(monkeypatch) -> None:
    from twosector import sweeps

    monkeypatch.setattr(sweeps, "available_memory", lambda: 10_000)  # bytes: room for 25 points of 2 outputs
    monkeypatch.setattr(sweeps, "map_chunks", lambda *a, **k: pytest.fail("the grid ran"))
    with pytest.raises(TwosectorError) as err:
        sweep("input_sanctions", [0.1 * i for i in range(11)], start=["2025Q1", "2026Q1"], ramp=[0, 2, 4])
    assert str(err.value) == (
        "intensity, start, ramp: a grid of 11 x 2 x 3 = 66 points x 2 output(s) x 1 quarter(s) makes 132 rows, about "
        "0.0 GiB, more than this machine's 0.0 GiB available; allowed: at most about 25 grid points here (fewer "
        "outputs or quarters in at allow more)")
    monkeypatch.setattr(sweeps, "available_memory", lambda: 26_400)  # exactly enough
    with pytest.raises(pytest.fail.Exception, match="the grid ran"):
        sweep("input_sanctions", [0.1 * i for i in range(11)], start=["2025Q1", "2026Q1"], ramp=[0, 2, 4])


def test_the_ensembles_share_one_horizon_the_end_of_the_calibrations_stability_window() -> None:
    from twosector import calibration, gsa
    from twosector.calendar import ENSEMBLE_END
    from twosector.uncertainty import montecarlo

    assert str(ENSEMBLE_END) == calibration.STABILITY_END  # past it no prior checks that the model settles
    late = {"sweep": lambda q: sweep("input_sanctions", [0.5], outputs=["strain_index"], at=q)["quarter"].iloc[-1],
            "montecarlo": lambda q: str(montecarlo("input_sanctions", draws=2, variables=["strain_index"],
                                                   end=q).quarters[-1]),
            "sensitivity": lambda q: str(gsa.sensitivity("input_sanctions", method="morris", n=2,
                                                         outputs=["strain_index"], at=q,
                                                         parameters=["input_sanctions", "phillips_slope"]).label[-6:])}
    for name, run in late.items():
        with pytest.raises(ScenarioError, match=r"'2036Q1' is after 2035Q4, the last quarter the calibration checks"):
            run("2036Q1")
        assert run("2035Q4") == "2035Q4", name  # the last quarter allowed runs
