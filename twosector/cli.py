"""The ``twosector`` command line.

One sub-command per job; each handler is a thin wrapper over the package API. Any
:class:`~twosector.errors.TwosectorError` is printed as one line and the command exits with status 2,
without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from twosector import __version__
from twosector.errors import TwosectorError

EXIT_USAGE = 2

DESCRIPTION = """\
twosector: a calibrated two-sector (military vs civilian) model of Russia's war economy,
with sanction scenarios and a notebook suite.

examples:
  twosector data                          list the data set's series (coverage, unit, sources)
  twosector scenarios                     list the built-in scenarios
  twosector simulate broad_front          key results of a scenario vs baseline
  twosector simulate baseline --set input_sanctions=0.5 --set input_sanctions.start=2025Q3
  twosector simulate my_scenario.toml --out results.csv
  twosector calibrate --out output/calibration
  twosector batch --workers 2 --out output  run the notebook suite, write output/index.html
"""


def _cmd_data(args: argparse.Namespace) -> int:
    from twosector.data import data_summary

    table = data_summary()
    with _wide_pandas():
        print(table.to_string())
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from twosector.scenarios import list_scenarios

    with _wide_pandas():
        print(list_scenarios().to_string())
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from twosector.simulation import _cli_simulate

    return _cli_simulate(args)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from twosector.calibration import _cli_calibrate

    return _cli_calibrate(args)


def _cmd_batch(args: argparse.Namespace) -> int:
    from twosector.batch import _cli_batch

    return _cli_batch(args)


class _wide_pandas:
    """Print whole tables, not pandas' truncated view."""

    def __enter__(self) -> None:
        import pandas as pd

        self._ctx = pd.option_context(
            "display.max_rows", 500, "display.max_columns", 50, "display.width", 200,
            "display.max_colwidth", 60,
        )
        self._ctx.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="twosector",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"twosector {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "data",
        help="list the data set's series with coverage, unit and source count",
        description=(
            "List every series in data/: frequency, first and last period, observations, unit, number of\n"
            "sources and how many values are verified / memory / derived. See data/README.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("scenarios", help="list the built-in scenarios with a one-line description")
    p.set_defaults(func=_cmd_scenarios)

    p = sub.add_parser(
        "simulate",
        help="run a scenario and show key results vs baseline (or write them with --out)",
        description="Run a built-in scenario or a scenario file (TOML) and compare it with the baseline.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  twosector simulate input_sanctions\n"
            "  twosector simulate baseline --set tech_controls=0.6 --set tech_controls.ramp=8\n"
            "  twosector simulate scenario.toml --param phillips_slope=0.3 --out results.csv\n"
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO_OR_FILE", help="a built-in scenario name or a .toml file")
    p.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="LEVER[.FIELD]=VALUE",
        help="change a lever: 'lever=intensity' or 'lever.start=2025Q3', 'lever.ramp=4', 'lever.end=2027Q4'",
    )
    p.add_argument(
        "--param", dest="params", action="append", default=[], metavar="NAME=VALUE",
        help="override a model parameter (see the parameter table in docs/model.md)",
    )
    p.add_argument("--out", metavar="FILE", help="write the full results (.csv or .parquet) instead of a summary")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser(
        "calibrate",
        help="estimate and calibrate the model on the shipped data and write the calibration report",
        description=(
            "Estimate the behavioural equations (statsmodels), solve the calibrated parameters against the\n"
            "stylised facts, run the backtest, and write the report: estimation tables, the fact table,\n"
            "backtest errors and fit charts (CSV + HTML). See docs/calibration.md."
        ),
        epilog="examples:\n  twosector calibrate\n  twosector calibrate --end 2023Q4 --out output/calibration-2023",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--end", default="2024Q4", metavar="QUARTER", help="last quarter of the sample (default 2024Q4)")
    p.add_argument("--out", default="output/calibration", metavar="DIR", help="report folder (default output/calibration)")
    p.set_defaults(func=_cmd_calibrate)

    p = sub.add_parser(
        "batch",
        help="run the notebook suite over a grid of scenarios with papermill and write HTML reports",
        description=(
            "Run notebooks x scenarios with papermill in parallel processes. Without GRID_FILE: every built-in\n"
            "scenario through 03_scenario plus each other notebook once. Completed runs are skipped unless --force."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "outputs (in --out): index.html (links, key results per scenario, run status), results.csv\n"
            "(key results + provenance), status.json (failures: run, cell, error), runs/<id>/notebook.ipynb\n"
            "and runs/<id>/report.html (no code cells)\n\n"
            "examples:\n"
            "  twosector batch\n"
            "  twosector batch examples/grid.toml --workers 2 --out output/grid\n"
        ),
    )
    p.add_argument("grid", nargs="?", metavar="GRID_FILE", help="a TOML grid file (see docs/batch.md)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="parallel processes (default 2)")
    p.add_argument("--out", default="output", metavar="DIR", help="output folder (default output)")
    p.add_argument("--force", action="store_true", help="re-run runs that already completed")
    p.add_argument("--timeout", type=float, default=600, metavar="S", help="per-run timeout in seconds, also the limit of any cell (default 600)")
    p.set_defaults(func=_cmd_batch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``twosector`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TwosectorError as exc:
        print(f"twosector {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
