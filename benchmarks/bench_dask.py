"""Benchmark of the Dask engine against the local engine (prints, never asserts).

Run:  .venv/bin/python benchmarks/bench_dask.py [N_DRAWS]

Prints, measured in this one run, the time of a Monte Carlo of N draws (default 20,000) on

- the local engine (one process, chunk after chunk);
- ``engine="dask"`` with its default cluster (a LocalCluster of 2 single-threaded workers in this process,
  started and closed by the call: its start-up is included);
- a LocalCluster of 2 worker processes started for the run (start-up and each worker's first loading of the
  data and risk models included: what a default of processes would cost);
- a LocalCluster of 2 worker processes started beforehand and warmed up (``scheduler=client``: start-up
  excluded, the shared inputs are sent to each process);

with the ratios to the local time, and whether the draws are identical (they must be). On a machine whose
two cores are busy with other work, expect no gain.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from twosector.uncertainty import montecarlo

SCENARIO = "input_sanctions"
VARIABLES = ["output_civilian", "cpi_inflation", "nwf_liquid", "strain_index"]


def _timed(**kwargs):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    mc = montecarlo(SCENARIO, variables=VARIABLES, **kwargs)
    return mc, time.perf_counter() - t


def main(n: int) -> None:
    """Print the timings of ``n`` draws on each engine."""
    from distributed import Client, LocalCluster

    montecarlo(SCENARIO, draws=10, variables=VARIABLES)  # warm-up: data, estimates, risk models
    local, t_local = _timed(draws=n)
    print(f"local engine, {n:,} draws: {t_local:.1f} s")
    threads, t_threads = _timed(draws=n, engine="dask")
    same = all(np.array_equal(local.values[r][v], threads.values[r][v]) for r in local.values for v in VARIABLES)
    print(f"dask, default LocalCluster (2 threads in this process, start-up included): {t_threads:.1f} s, "
          f"{t_local / t_threads:.2f}x the local speed; identical draws: {same}")
    t = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        cold, _ = _timed(draws=n, engine="dask", scheduler=client)
    t_cold = time.perf_counter() - t
    same = all(np.array_equal(local.values[r][v], cold.values[r][v]) for r in local.values for v in VARIABLES)
    print(f"dask, LocalCluster of 2 processes started for the run (start-up included): {t_cold:.1f} s, "
          f"{t_local / t_cold:.2f}x the local speed; identical draws: {same}")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        client.run(lambda: montecarlo(SCENARIO, draws=10, variables=VARIABLES))  # warm the workers up
        procs, t_procs = _timed(draws=n, engine="dask", scheduler=client)
    same = all(np.array_equal(local.values[r][v], procs.values[r][v]) for r in local.values for v in VARIABLES)
    print(f"dask, LocalCluster of 2 processes (started beforehand, warm): {t_procs:.1f} s, "
          f"{t_local / t_procs:.2f}x the local speed; identical draws: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
