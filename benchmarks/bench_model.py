"""Benchmark of the model engine (prints, never asserts).

Run:  .venv/bin/python benchmarks/bench_model.py [N_DRAWS]

Prints, measured in this one run:

- the time of one ``simulate()`` call;
- the engine per draw for one draw at a time (the scalar path) and for N draws (default 10,000) at once (the
  vectorised path), and their ratio;
- when the repository's ``tests/reference/legacy_model.py`` is present (the engine before the block
  refactoring of issue 8), the same two timings for it and the ratios new / legacy; the two engines are
  called in turn, call by call, so load on the machine affects both alike, and the fastest call of each is
  kept (the one least disturbed by other processes: on a busy machine the stable estimate);
- the peak memory of the vectorised run (tracemalloc) and a 10 x N-draw Monte Carlo through
  ``simulate(..., variables=[...])`` (blocks of 10,000 draws).
"""

from __future__ import annotations

import importlib.util
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LEGACY = Path(__file__).resolve().parents[1] / "tests" / "reference" / "legacy_model.py"


def _legacy() -> Callable[..., Any] | None:
    if not LEGACY.is_file():
        return None
    spec = importlib.util.spec_from_file_location("legacy_model", LEGACY)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.run


def _seconds(fn: Callable[[], Any]) -> float:
    """The time (s) of one call of ``fn``."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(n_draws: int = 10_000, rounds: int = 7) -> None:
    """Print the timings listed in the module docstring.

    Parameters
    ----------
    n_draws : int
        Draws of the vectorised run.
    rounds : int
        Repeats of each timing; the best is kept.
    """
    import twosector
    from twosector import exog
    from twosector.model import run
    from twosector.params import param_table, resolve_params
    from twosector.scenarios import lever_paths, load_scenario

    twosector.simulate("broad_front")  # warm-up: data, caches, imports
    one_sim = min(_seconds(lambda: twosector.simulate("broad_front")) for _ in range(30))

    table = param_table()
    rng = np.random.default_rng(0)
    names = ["phillips_slope", "hoarding_speed", "input_elasticity", "is_rate", "taylor_inflation", "army_attrition"]
    draws = resolve_params(pd.DataFrame({n: rng.uniform(table.at[n, "low"], table.at[n, "high"], n_draws)
                                         for n in names}))
    x = exog.paths()
    years = np.asarray(x.index.year)
    kw = {"i2021": np.flatnonzero(years == 2021), "i_prewar": np.flatnonzero(years <= 2021)}
    xs = {c: x[c].to_numpy() for c in x.columns}
    lev = lever_paths(load_scenario("broad_front"), x.index)
    many = {c: draws[c].to_numpy() for c in draws.columns}
    one = {c: v[:1] for c, v in many.items()}

    engines = {"blocks": run}
    legacy = _legacy()
    if legacy is not None:
        engines["legacy"] = legacy
    scalar = {name: np.inf for name in engines}
    vector = {name: np.inf for name in engines}
    with np.errstate(all="ignore"):
        for _ in range(rounds):  # the engines in turn, call by call: both see the same load
            for _ in range(40):
                for name, engine in engines.items():
                    scalar[name] = min(scalar[name], _seconds(lambda e=engine: e(one, xs, lev, **kw)))
            for _ in range(3):
                for name, engine in engines.items():
                    vector[name] = min(vector[name], _seconds(lambda e=engine: e(many, xs, lev, **kw)))
        tracemalloc.start()  # separate run: tracing slows allocation down
        run(many, xs, lev, **kw)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        big = pd.DataFrame({n: rng.uniform(table.at[n, "low"], table.at[n, "high"], 10 * n_draws) for n in names})
        t0 = time.perf_counter()
        twosector.simulate("broad_front", big, variables=["strain_index", "nwf_liquid"])
        mc = time.perf_counter() - t0

    print(f"one simulate() call (broad_front, 48 quarters, DataFrame out): {1e3 * one_sim:8.2f} ms")
    for name in engines:
        print(f"{name:7} engine, one draw (scalar path):   {1e6 * scalar[name]:10.1f} us per draw")
        print(f"{name:7} engine, {n_draws:,} draws vectorised: {1e6 * vector[name] / n_draws:10.1f} us per draw"
              f"  (speed-up over one at a time: {scalar[name] * n_draws / vector[name]:.1f} x)")
    if legacy is not None:
        print(f"blocks / legacy, scalar path:      {scalar['blocks'] / scalar['legacy']:10.3f}")
        print(f"blocks / legacy, vectorised path:  {vector['blocks'] / vector['legacy']:10.3f}")
    print(f"peak memory of the vectorised run:  {peak / 2**20:10.1f} MiB (tracemalloc)")
    print(f"Monte Carlo, simulate() with {10 * n_draws:,} draws, 2 variables kept: {mc:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
