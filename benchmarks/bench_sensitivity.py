"""Benchmark of the global sensitivity analysis (prints, never asserts).

Run:  .venv/bin/python benchmarks/bench_sensitivity.py [N]

Prints, measured in this one run: Sobol indices of the effect of a scenario on the strain index and civilian
output at 2027Q4 to the full set of factors (every parameter with an uncertain prior and the scenario's
levers) with the base sample N (default 1024, i.e. N x (factors + 2) runs of the scenario and the baseline):
the time, the time per run, and the time of one ``simulate()`` call for scale; then the five largest total
indices of each output.
"""

from __future__ import annotations

import sys
import time

import twosector
from twosector.gsa import factors, sensitivity

SCENARIO = "input_sanctions"


def main(n: int) -> None:
    """Print the Sobol timing for a base sample of ``n``."""
    twosector.simulate(SCENARIO)
    sensitivity(SCENARIO, method="morris", n=2, parameters=["input_sanctions", "phillips_slope"])  # warm-up
    t = time.perf_counter()
    twosector.simulate(SCENARIO)
    one = time.perf_counter() - t
    k = len(factors(SCENARIO))
    t = time.perf_counter()
    result = sensitivity(SCENARIO, method="sobol", n=n, seed=0)
    elapsed = time.perf_counter() - t
    print(f"Sobol, {k} factors, N = {n:,}: {result.runs:,} runs (scenario + baseline) in {elapsed:.1f} s, "
          f"{1000 * elapsed / result.runs:.3f} ms per run; one simulate() call {1000 * one:.1f} ms "
          f"(= {one / (elapsed / result.runs):.0f} runs); {result.implausible:,} runs implausible")
    for output in result.outputs:
        top = result.table(output).head(5)
        print(f"  {output}: " + ", ".join(f"{name} ST {row['ST']:.2f} +- {row['ST_conf']:.2f}"
                                          for name, row in top.iterrows()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
