"""The block engine reproduces the engine it replaced (kept in tests/reference/legacy_model.py) to 1e-12.

Every built-in scenario, with the default parameters (the scalar path) and with 64 parameter draws spread over
the documented ranges (the vectorised path). This reference is retired when the model's equations change.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import twosector
from twosector import exog
from twosector.model import run
from twosector.params import param_table, resolve_params
from twosector.scenarios import lever_paths, load_scenario

_spec = importlib.util.spec_from_file_location(
    "legacy_model", Path(__file__).resolve().parents[1] / "reference" / "legacy_model.py")
legacy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(legacy)

SCENARIOS = twosector.list_scenarios().index.tolist()


@pytest.fixture(scope="module")
def inputs():
    x = exog.paths()
    years = np.asarray(x.index.year)
    kw = {"i2021": np.flatnonzero(years == 2021), "i_prewar": np.flatnonzero(years <= 2021)}
    table = param_table()
    rng = np.random.default_rng(8)
    draws = table["value"].astype(float).to_frame().T.iloc[[0] * 64].reset_index(drop=True)
    for name in table.index:
        draws[name] = rng.uniform(float(table.at[name, "low"]), float(table.at[name, "high"]), 64)
    return x, kw, resolve_params(draws)


def _assert_same(new: dict, old: dict) -> None:
    assert list(new) == list(old)
    for name in old:
        np.testing.assert_allclose(new[name], old[name], rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=name)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_block_engine_equals_the_legacy_engine(scenario: str, inputs) -> None:
    x, kw, draws = inputs
    xs = {c: x[c].to_numpy() for c in x.columns}
    lev = lever_paths(load_scenario(scenario), x.index)
    defaults = resolve_params(None)
    for table in (defaults, draws, draws.iloc[:1], draws.iloc[[17]]):
        p = {c: table[c].to_numpy() for c in table.columns}
        with np.errstate(all="ignore"):
            _assert_same(run(p, xs, lev, **kw), legacy.run(p, xs, lev, **kw))
    keep = ["strain_index", "nwf_liquid", "gdp"]
    p = {c: defaults[c].to_numpy() for c in defaults.columns}
    _assert_same(run(p, xs, lev, keep=keep, **kw), legacy.run(p, xs, lev, keep=keep, **kw))
