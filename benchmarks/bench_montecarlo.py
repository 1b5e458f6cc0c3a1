"""Benchmark of the Monte Carlo (prints, never asserts).

Run:  .venv/bin/python benchmarks/bench_montecarlo.py [N_DRAWS]

Prints, measured in this one run:

- the time of one ``simulate()`` call of the scenario (best of 30, after a warm-up: with the best of 5 it came out at
  5 ms in some runs and 9 ms in others on the same quiet machine, which made the ratio swing from 88 to 171),
  wall-clock and CPU time of this process (each side of the ratio is timed both ways; on a machine shared with
  other work the CPU time is the cost, the wall-clock time adds the waits for a core);
- the Monte Carlo time per draw (each draw runs the scenario and its baseline) for 10,000 draws (best of 3 runs,
  the first of which also warms the engine's reusable arrays of a full chunk, as the warm-up call warms
  ``simulate()``), and the ratio of one ``simulate()`` call to one draw;
- N draws (default 100,000) and N / 2 draws with a handful of variables kept: time and peak memory
  (tracemalloc), the size of the result itself, and the peak beyond the result, which chunking keeps bounded
  (it should not grow with the number of draws).
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import twosector
from twosector.model.backend import release
from twosector.uncertainty import montecarlo

SCENARIO = "input_sanctions"
VARIABLES = ["output_civilian", "cpi_inflation", "nwf_liquid", "strain_index"]


def _best(f, repeats: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The fastest of ``repeats`` calls: wall-clock time and CPU time of this process (each its own minimum)."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        f()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return min(wall), min(cpu)


def main(n: int) -> None:
    """Print the timings and memory figures for ``n`` draws (and ``n / 2``)."""
    twosector.simulate(SCENARIO)
    montecarlo(SCENARIO, draws=10, variables=VARIABLES)  # warm-up: data, estimates, risk models
    one, one_cpu = _best(lambda: twosector.simulate(SCENARIO), repeats=30)
    print(f"one simulate({SCENARIO!r}) call: {1000 * one:.2f} ms (CPU time {1000 * one_cpu:.2f} ms)")
    k = 10_000
    per, per_cpu = (t / k for t in _best(lambda: montecarlo(SCENARIO, draws=k, variables=VARIABLES), repeats=3))
    print(f"Monte Carlo, {k:,} draws: {1000 * per:.4f} ms per draw (scenario + baseline), "
          f"{1000 * per / 2:.4f} ms per run (CPU time {1000 * per_cpu:.4f} ms per draw)")
    print(f"one simulate() call = {one / per:.0f} draws ({2 * one / per:.0f} runs) in wall-clock time, "
          f"{one_cpu / per_cpu:.0f} draws ({2 * one_cpu / per_cpu:.0f} runs) in CPU time")
    for draws in (n // 2, n):
        release()  # the engine's reusable arrays: allocated again in the run, so that its peak counts them
        tracemalloc.start()
        t = time.perf_counter()
        mc = montecarlo(SCENARIO, draws=draws, variables=VARIABLES)
        elapsed = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result = sum(a.nbytes for run in mc.values.values() for a in run.values())
        print(f"{draws:>9,} draws x {len(VARIABLES)} variables x {len(mc.quarters)} quarters: {elapsed:6.1f} s, "
              f"peak {peak / 2**20:7.1f} MiB, result {result / 2**20:7.1f} MiB, beyond the result "
              f"{(peak - result) / 2**20:6.1f} MiB; implausible {int(mc.implausible.sum()):,}")
        del mc


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
