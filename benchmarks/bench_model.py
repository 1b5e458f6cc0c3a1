"""Benchmark of the model engine (prints, never asserts).

Run:  .venv/bin/python benchmarks/bench_model.py [N_DRAWS]

Prints the time of one ``simulate()`` call, the engine time per draw for N draws (default 10,000)
run vectorised versus the same draws run one at a time (a subsample, extrapolated), their ratio, the
peak memory of the vectorised run (tracemalloc), and the time of a 10 x N-draw Monte Carlo through
``simulate(..., variables=[...])`` (blocks of 10,000 draws).
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
import pandas as pd


def main(n_draws: int = 10_000, n_single: int = 200) -> None:
    import twosector
    from twosector import exog
    from twosector.model import run
    from twosector.params import param_table, resolve_params
    from twosector.scenarios import lever_paths, load_scenario

    twosector.simulate("broad_front")  # warm-up: data, caches, imports
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        twosector.simulate("broad_front")
    one_sim = (time.perf_counter() - t0) / reps

    table = param_table()
    rng = np.random.default_rng(0)
    names = ["phillips_slope", "okun_coef", "input_elasticity", "is_rate", "taylor_inflation", "army_attrition"]
    draws = pd.DataFrame({n: rng.uniform(table.at[n, "low"], table.at[n, "high"], n_draws) for n in names})
    full = resolve_params(draws)
    x = exog.paths()
    idx = x.index
    years = np.asarray(idx.year)
    kw = {"i2021": np.flatnonzero(years == 2021), "i_prewar": np.flatnonzero(years <= 2021)}
    xs = {c: x[c].to_numpy() for c in x.columns}
    lev = lever_paths(load_scenario("broad_front"), idx)
    p_all = {c: full[c].to_numpy() for c in full.columns}

    with np.errstate(all="ignore"):
        t0 = time.perf_counter()
        run(p_all, xs, lev, **kw)
        vec = time.perf_counter() - t0
        tracemalloc.start()  # separate run: tracing slows allocation down
        run(p_all, xs, lev, **kw)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    m = min(n_single, n_draws)
    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        for i in range(m):
            run({c: v[i:i + 1] for c, v in p_all.items()}, xs, lev, **kw)
    single = (time.perf_counter() - t0) / m

    big = pd.DataFrame({n: rng.uniform(table.at[n, "low"], table.at[n, "high"], 10 * n_draws) for n in names})
    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        twosector.simulate("broad_front", big, variables=["strain_index", "nwf_liquid"])
    mc = time.perf_counter() - t0

    print(f"one simulate() call (broad_front, 48 quarters, DataFrame out): {1e3 * one_sim:8.2f} ms")
    print(f"engine, one draw at a time:            {1e6 * single:10.1f} us per draw (mean of {m} runs)")
    print(f"engine, {n_draws:,} draws vectorised:     {1e6 * vec / n_draws:10.1f} us per draw ({vec:.2f} s in total)")
    print(f"speed-up of the vectorised engine:     {single * n_draws / vec:10.1f} x")
    print(f"peak memory of the vectorised run:     {peak / 2**20:10.1f} MiB (tracemalloc)")
    print(f"Monte Carlo, simulate() with {10 * n_draws:,} draws, 2 variables kept: {mc:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
