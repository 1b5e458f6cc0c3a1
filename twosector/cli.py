"""The ``twosector`` command line.

One sub-command per job; each handler is a thin wrapper over the package API. Any
:class:`~twosector.errors.TwosectorError` is printed as one line and the command exits with status 2,
without a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twosector import __version__
from twosector.calendar import DATA_CUTOFF, DEFAULT_END, ENSEMBLE_END, FIRST_LEVER_QUARTER, PROJECTION_START
from twosector.errors import ImplausibleError, ScenarioError, TwosectorError, TwosectorWarning, unknown_name
from twosector.files import MARKER
from twosector.resources import PACKAGE_DIR

if TYPE_CHECKING:
    from twosector.scenarios import Scenario

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
  twosector montecarlo broad_front --draws 2000 --out mc.parquet   fan-chart draws and threshold probabilities
  twosector sensitivity input_sanctions --method morris --n 10      what drives the effects (SALib)
  twosector sweep input_sanctions tech_controls --intensity 0 0.5 1  response surfaces of a pair of levers
  twosector calibrate --out output/calibration
  twosector batch --workers 2 --out output  run the notebook suite, write output/index.html
  twosector notebooks --copy my-notebooks  copy the notebook suite into a folder of your own
  twosector dev --help                    maintenance: regenerate derived data, catalogue, docs tables

outputs: nothing that exists is replaced unless it is twosector's own output or --force is given. A folder
twosector writes as a whole (a calibration report, a batch output folder) holds a marker file
""" + MARKER + """ naming its kind; only a folder of that kind (or an empty one) is written into, a report is
replaced atomically, and a file where a folder goes (or the reverse) is refused. A folder replaced as a whole
is never one holding files twosector did not write (your notes), the current folder or one above it, or one a
batch is writing into, --force or not. A place that cannot be written is refused before the work starts.
"""

DEV_DESCRIPTION = """\
Maintenance commands for developers: each re-writes files of the source tree from the code and the data,
so that a change of the model or of the data set is carried into the stored outputs (the tests fail until
then). Files are replaced atomically. They need a source checkout (git clone, then pip install -e .):
installed from a wheel, they refuse to write into the installed package unless given files of your own.

examples:
  twosector dev derive                    after editing a source file in data/
  twosector dev search                    new start values of the calibration (minutes; prints code)
  twosector dev catalogue                 after a change of the model, the data or the targets ...
  twosector dev docs                      ... then the tables of docs/calibration.md
  twosector dev catalogue --help          options of one task
"""


def _cmd_data(args: argparse.Namespace) -> int:
    from twosector.data import data_dir, data_summary

    table = data_summary()
    print(f"data folder: {data_dir()}")
    with _wide_pandas():
        print(table.to_string())
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from twosector.scenarios import list_scenarios

    with _wide_pandas():
        print(list_scenarios().to_string())
    return 0


# ------------------------------------------------------------------------------------------- simulate

#: the variables of ``twosector simulate``'s summary table (its quarters: the last data quarter and the year-ends
#: of the horizon, :func:`twosector.tables.year_ends`)
SUMMARY_VARIABLES = (
    "gdp_growth", "output_civilian", "output_military", "cpi_inflation", "key_rate", "unemployment_rate",
    "labour_shortage", "civilian_real_income", "budget_balance_gdp", "nwf_liquid", "strain_index",
)
#: what ``simulate --out`` writes: ``--values`` choice -> description
OUT_VALUES = {"levels": "the scenario's levels", "vs-baseline": "differences vs the baseline",
              "both": "levels and differences vs the baseline"}
OUT_SUFFIXES = (".csv", ".parquet", ".xlsx")
#: the last line of ``sweep``: its effects are differences in the variable's own unit, unlike simulate's "vs baseline"
SWEEP_UNITS = ("effects: scenario minus baseline in the variable's own unit (index points for output and other "
               "indices, pp for rates; twosector.variables.change_unit), not the % vs baseline of simulate and the "
               "batch")


def _bad_suffix(path: Path, given: str, allowed: tuple[str, ...] = OUT_SUFFIXES) -> str:
    """The message for an ``--out`` file of a type that cannot be written (``.csv`` alone is a name, not a type)."""
    if path.name.lower() in allowed:
        return (f"--out {given!r}: {path.name!r} is a hidden file name without a type; give a name before the suffix, "
                f"e.g. results{path.name}")
    return f"--out {given!r}: unsupported file type; allowed: {', '.join(allowed)}"


def _path(text: str) -> str:
    """A path option's value: refused at parse time when empty (``--out ''`` would mean "nothing" or ``.``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"empty path {text!r}; give a file or folder name")
    return text


def _parse_value(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _apply_sets(sc: Scenario, sets: list[str]) -> Scenario:
    """The scenario with the --set changes; renamed ``<name>_custom`` and described by them when there are any."""
    from dataclasses import replace

    from twosector.calendar import parse_quarter
    from twosector.scenarios import LEVERS

    if not sets:
        return sc
    original = sc
    for item in sets:
        if "=" not in item:
            raise ScenarioError(f"--set {item!r}: expected 'lever=value' or 'lever.field=value'")
        key, value = item.split("=", 1)
        lever, _, fld = key.strip().partition(".")
        fld = fld or "intensity"
        if lever not in LEVERS:
            raise ScenarioError(f"--set {item!r}: {unknown_name('lever', lever, LEVERS)}")
        if lever not in sc.levers and fld != "intensity":
            if fld in ("start", "end") and value.strip():  # a wrong value first: it is wrong whatever is active
                parse_quarter(value.strip(), f"--set {item!r}: {lever}.{fld}", ScenarioError)
            raise ScenarioError(
                f"--set {item!r}: lever {lever!r} is not active in scenario {sc.name!r}; set its intensity first "
                f"(--set {lever}=VALUE)"
            )
        parsed: Any = value.strip() if fld in ("start", "end") else _parse_value(value.strip())
        sc = sc.with_lever(lever, **{fld: parsed})
    # the base scenario's description ("No new measures" for the baseline) no longer holds
    return replace(sc, name=f"{original.name}_custom", base=original.name,
                   description=f"{original.name} with levers changed on the command line: {' '.join(sets)}")


def _rename(sc: Scenario, name: str) -> Scenario:
    """The scenario under the name given with --name (checked as a scenario file's name)."""
    from dataclasses import replace

    from twosector.scenarios import check_name

    return replace(sc, name=check_name(name, "--name"))


def _parse_params(items: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise TwosectorError(f"--param {item!r}: expected 'name=value'")
        name, value = item.split("=", 1)
        out[name.strip()] = _parse_value(value.strip())
    return out


def _write_results(frame: Any, path: Path, name: str = "") -> None:
    """A quarterly table as CSV, XLSX (quarters as text such as 2019Q1) or Parquet, written atomically.

    An XLSX sheet is named for the run.
    """
    from twosector.files import atomic_frame

    out = frame.copy()
    if path.suffix != ".parquet":
        out.index = out.index.astype(str)
    # Excel allows at most 31 characters and none of []:*?/\ in a sheet name
    sheet = {"sheet_name": re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "results"} if path.suffix == ".xlsx" else {}
    atomic_frame(out, path, **sheet)


def _out_table(sc: Scenario, params: dict[str, Any], values: str, args: argparse.Namespace) -> Any:
    """What ``simulate --out`` writes: levels, differences vs the baseline (units in the headers), or both."""
    import pandas as pd

    from twosector.simulation import simulate
    from twosector.tables import vs_baseline, with_units

    frame = simulate(sc, params)
    if values == "levels":
        _check_results([frame], args)
        return with_units(frame)
    base = simulate("baseline", params)
    _check_results([frame, base], args)
    diff = vs_baseline(frame, base)
    return diff if values == "vs-baseline" else pd.concat([with_units(frame), diff], axis=1)


def _check_results(frames: list[Any], args: argparse.Namespace) -> None:
    """Refuse implausible results (:func:`twosector.plausible.check_plausible`) unless --allow-implausible."""
    from twosector.plausible import check_plausible, plausibility
    from twosector.scenarios import list_scenarios

    if args.allow_implausible:
        count = max(len(plausibility(frame)) for frame in frames)
        if count:
            print(f"warning: {count} values outside the plausibility bounds (twosector.plausible.BOUNDS), "
                  "shown because of --allow-implausible", file=sys.stderr)
        return
    builtin = args.scenario in list_scenarios().index
    overrides = [f"--param {p}" for p in args.params] + [f"--set {s}" for s in args.sets]
    try:
        for frame in frames:
            check_plausible(frame, ([] if builtin else [f"the levers of scenario file {args.scenario}"]) + overrides)
    except ImplausibleError as exc:
        raise ImplausibleError(f"{exc} --allow-implausible shows it anyway.") from None


def _cmd_simulate(args: argparse.Namespace) -> int:
    """``twosector simulate``: key results vs baseline, or the full results into a file."""
    from twosector.files import check_output_file
    from twosector.scenarios import load_scenario
    from twosector.simulation import compare

    sc = load_scenario(args.scenario)
    sc = _apply_sets(sc, list(args.sets or []))
    if args.name is not None:
        sc = _rename(sc, args.name)
    params = _parse_params(list(args.params or []))
    if not args.out:
        _only_with_out(args)
    else:
        out_path = check_output_file(args.out, "--out", force=args.force)
        if out_path.suffix not in OUT_SUFFIXES:
            raise TwosectorError(_bad_suffix(out_path, args.out))
        _check_writer(out_path, args.out)
        values = args.values or "levels"
        table = _out_table(sc, params, values, args)
        _write_results(table, out_path, sc.name)
        print(f"wrote {OUT_VALUES[values]} of scenario {sc.name!r} ({len(table)} quarters x {table.shape[1]} "
              f"columns) to {out_path}")
        return 0
    c = compare(sc, "baseline", params)
    result, base = (c.xs(kind, axis=1, level="kind") for kind in ("scenario", "baseline"))
    _check_results([result, base], args)
    print(summary_table(sc, result, base))
    sys.stdout.flush()
    return 0


def _only_with_out(args: argparse.Namespace) -> None:
    """Refuse the options of ``simulate --out`` without ``--out``: the printed summary would silently ignore them."""
    if args.values is not None:
        raise TwosectorError(f"--values {args.values} only applies with --out FILE (it chooses what the file holds); "
                             "without --out simulate prints both the levels and the differences vs the baseline")
    if args.force:  # as `twosector montecarlo --force` without --out
        raise TwosectorError("--force only applies with --out FILE (it allows replacing that file)")


def _check_writer(path: Path, given: str) -> None:
    import importlib.util

    needs = {".parquet": ("pyarrow", "pyarrow"), ".xlsx": ("openpyxl", "openpyxl")}.get(path.suffix)
    if needs and importlib.util.find_spec(needs[0]) is None:
        raise TwosectorError(f"--out {given!r}: writing {path.suffix} needs {needs[0]} (pip install {needs[1]}); "
                             f"allowed now: .csv")


def summary_table(sc: Scenario, result: Any, base: Any) -> str:
    """The text ``twosector simulate`` prints: the scenario, its levers, and levels and "vs baseline" by year-end.

    Parameters
    ----------
    sc : Scenario
        The scenario run.
    result, base : DataFrame
        Its results and the baseline's.

    Returns
    -------
    str
        A few header lines and a table: per variable of :data:`SUMMARY_VARIABLES` a ``level (<unit>)`` row and a
        ``vs baseline (<unit>)`` row (:func:`twosector.tables.vs_baseline`), at the last data quarter and the
        year-ends of the horizon; numbers with two decimals.

    Raises
    ------
    Nothing of its own.
    """
    import pandas as pd

    from twosector.tables import vs_baseline, year_ends
    from twosector.variables import units

    dates = [str(DATA_CUTOFF), *year_ends(result.index)]
    diff = vs_baseline(result, base, SUMMARY_VARIABLES)
    rows = []
    for var, column in zip(SUMMARY_VARIABLES, diff.columns, strict=True):
        # the header carries the unit: a level whose baseline reaches 0 is compared in its own unit, not in %
        how = column.removeprefix(f"{var} (").removesuffix(" vs baseline)")
        rows.append({"variable": var, "": f"level ({units()[var]})",
                     **{d: float(result.loc[d, var]) for d in dates}})
        rows.append({"variable": var, "": f"vs baseline ({how})", **{d: float(diff[column].loc[d]) for d in dates}})
    table = pd.DataFrame(rows).set_index(["variable", ""]).round(2) + 0.0  # + 0.0: no "-0.00"
    levers = ", ".join(f"{k}={v.intensity:g} from {v.start} ramp {v.ramp}" + (f" to {v.end}" if v.end else "")
                       for k, v in sc.levers.items()) or "none"
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.float_format", "{:,.2f}".format):
        text = table.to_string()
    return (f"scenario {sc.name!r}: {sc.description}\nlevers: {levers}\n{text}\n"
            "vs baseline: % for levels and indices, pp for rates and shares (twosector.tables.vs_baseline_unit)")


def _table_file(args: argparse.Namespace) -> Path | None:
    """The checked ``--out`` of the ensemble commands (.csv or .parquet), or None."""
    from twosector.files import check_output_file

    if not args.out:
        if args.force:  # as `twosector notebooks --force` without --copy
            raise TwosectorError("--force only applies with --out FILE (it allows replacing that file)")
        return None
    out_path = check_output_file(args.out, "--out", force=args.force)
    if out_path.suffix not in (".csv", ".parquet"):
        raise TwosectorError(_bad_suffix(out_path, args.out, (".csv", ".parquet")))
    return out_path


def _ensemble(command: str, total: int, unit: str, run: Callable[..., Any], args: argparse.Namespace) -> Any:
    """Run an ensemble function with a progress bar and the --chunk/--engine/--scheduler options."""
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=command, unit=unit, disable=None, leave=False)
    try:
        return run(chunk=args.chunk, engine=args.engine, scheduler=args.scheduler, progress=bar.update)
    finally:
        bar.close()


def _print_frame(frame: Any, digits: int = 3) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200,
                           "display.float_format", f"{{:.{digits}g}}".format):
        print(frame.to_string())


def _cmd_montecarlo(args: argparse.Namespace) -> int:
    """``twosector montecarlo``: a scenario vs baseline on the same draws; summary, probabilities, draws file."""
    from functools import partial

    from twosector.calendar import parse_quarter
    from twosector.errors import ScenarioError
    from twosector.uncertainty import DEFAULT_START, check_memory, chunks_here, montecarlo

    out_path = _table_file(args)
    if out_path is not None:  # the table of --out is refused before the run, not after it
        end = parse_quarter(args.end, "end", ScenarioError)
        quarters = max(end.ordinal - DEFAULT_START.ordinal + 1, 1)
        check_memory(args.draws, len(set(args.variables)), quarters, table=out_path.suffix.lstrip("."),
                     option="--out", chunk=args.chunk, at_once=chunks_here(args.engine, args.scheduler))
    run = partial(montecarlo, args.scenario, draws=args.draws, seed=args.seed, sources=args.sources,
                  variables=args.variables, baseline=args.baseline, end=args.end)
    mc = _ensemble("montecarlo", args.draws, "draw", run, args)
    print(mc.summary())
    table = mc.probability_table()
    if len(table):
        print("\nprobabilities (share of plausible draws beyond the threshold in at least one projection quarter; "
              "by end low / high: shares of all draws, the implausible ones counted as not crossing / crossing):")
        _print_frame(table, 2)
    if out_path is not None:
        (mc.to_parquet if out_path.suffix == ".parquet" else mc.to_csv)(out_path)
        print(f"wrote {mc.draws:,} draws x {len(mc.quarters)} quarters x {len(mc.variables)} variables "
              f"(scenario, baseline, effect) to {out_path}")
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    """``twosector sensitivity``: Morris or Sobol indices of a scenario's effects; the top factors, the indices file."""
    from functools import partial

    from twosector.files import atomic_frame
    from twosector.gsa import factors, sensitivity

    out_path = _table_file(args)
    k = len(factors(args.scenario, args.parameters))
    runs = args.n * (k + 2 if args.method == "sobol" else k + 1)
    run = partial(sensitivity, args.scenario, outputs=args.outputs, at=args.at, run=args.run, method=args.method,
                  n=args.n, seed=args.seed, parameters=args.parameters, baseline=args.baseline)
    result = _ensemble("sensitivity", runs, "run", run, args)
    print(result.summary(top=args.top))
    if out_path is not None:
        atomic_frame(result.indices.join(result.factors["kind"]).reset_index(), out_path, index=False)
        print(f"wrote the {result.method} indices of {len(result.outputs)} output(s) x {len(result.factors)} factors "
              f"to {out_path}")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    """``twosector sweep``: a lever (or a pair) over a grid; the response surfaces, the tidy file."""
    from functools import partial

    from twosector.files import atomic_frame
    from twosector.sweeps import GRID_POINTS, sweep
    from twosector.variables import change_unit

    out_path = _table_file(args)
    sizes = [len(args.intensity or range(GRID_POINTS))] * len(args.levers)
    total = len(args.start or [None]) * len(args.ramp or [None])
    for size in sizes:
        total *= size
    run = partial(sweep, args.levers, args.intensity, start=args.start, ramp=args.ramp, outputs=args.outputs,
                  at=args.at, base=args.baseline)
    frame = _ensemble("sweep", total, "point", run, args)
    grid = [c for c in [*args.levers, "start", "ramp"] if frame[c].nunique() > 1 or c in args.levers]
    across = grid[1] if len(grid) > 1 else None
    for (variable, quarter), rows in frame.groupby(["variable", "quarter"], sort=False):
        print(f"effect on {variable} at {quarter} (vs {frame.attrs['base']}, {change_unit(variable)}):")
        if across is None or len(grid) > 2:
            _print_frame(rows.set_index(grid)["effect"])
        else:
            _print_frame(rows.pivot_table(index=grid[0], columns=across, values="effect", aggfunc="first"))
        print()
    print(SWEEP_UNITS)
    if out_path is not None:
        atomic_frame(frame, out_path, index=False)
        print(f"wrote {len(frame):,} rows (grid point x variable x quarter) to {out_path}")
    return 0


# ------------------------------------------------------------------------------------- calibrate, batch

def _cmd_calibrate(args: argparse.Namespace) -> int:
    """``twosector calibrate``: write the calibration report folder."""
    from twosector.reports import write_calibration_report

    out = write_calibration_report(args.out, end=args.end, force=args.force)
    print(f"calibration report written to {out}/index.html")
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    """``twosector batch``: run the grid, print the run table and where index.html is."""
    import pandas as pd

    from twosector.batch import STATUS_FILE, run_batch

    table = run_batch(args.grid, out=args.out, workers=args.workers, force=args.force, timeout=args.timeout,
                      self_contained=args.self_contained, restore_signals=False)
    shown = table[["run_id", "status", "action", "cell", "error", "message"]].copy()
    shown["message"] = shown["message"].str.slice(0, 70)
    with pd.option_context("display.max_rows", 500, "display.width", 200, "display.max_colwidth", 70):
        print(shown.to_string(index=False))
    failed = int((table["status"] != "ok").sum())
    index = (Path(args.out) / "index.html").resolve()
    failures = f", {failed} failed (see {Path(args.out) / STATUS_FILE})" if failed else ""
    print(f"\n{len(table) - failed} of {len(table)} runs ok{failures}")
    print(f"report: {index}")
    return 1 if failed else 0


# ------------------------------------------------------------------------------------------------ dev

def _print_calibration(cal: Any) -> None:
    with _wide_pandas():
        print(cal.changed()[["value", "catalogue_value", "low", "high", "kind", "clipped"]])
        print(cal.targets)


def _cmd_notebooks(args: argparse.Namespace) -> int:
    """``twosector notebooks``: list the notebook suite, or copy it into a folder."""
    from twosector.notebook import copy_notebooks, notebook_table

    if args.force and not args.copy:
        raise TwosectorError("--force only applies with --copy DIR")
    if args.copy:
        written = copy_notebooks(args.copy, force=args.force)
        print(f"copied {len(written)} notebooks to {Path(args.copy).resolve()}: " + ", ".join(p.name for p in written))
        print(f"open them with: jupyter lab {args.copy}   (pip install 'twosector[lab]')")
        return 0
    table = notebook_table()
    print(f"notebooks in {table.attrs['folder']}:")
    with _wide_pandas():
        print(table.to_string())
    return 0


def _cmd_dev_derive(args: argparse.Namespace) -> int:
    """``twosector dev derive``: recompute data/derived/quarterly.csv from the sourced files."""
    from twosector.derive import write_derived

    print(f"wrote {write_derived(args.data)}")
    return 0


def _cmd_dev_catalogue(args: argparse.Namespace) -> int:
    """``twosector dev catalogue``: re-calibrate, write the catalogue, then the parameter tables of docs/model.md."""
    from twosector.calibration import calibrate
    from twosector.docsgen import MODEL_DOCS, write_model_docs
    from twosector.files import check_can_write
    from twosector.params import PARAMETERS_FILE, read_catalogue
    from twosector.resources import check_writable

    # before the (slow) calibration: installed from a wheel, the default files are inside the package
    check_writable(args.catalogue or PARAMETERS_FILE, "twosector dev catalogue", "--catalogue FILE")
    check_writable(args.model_docs or MODEL_DOCS, "twosector dev catalogue", "--model-docs FILE")
    check_can_write(args.catalogue or PARAMETERS_FILE, "--catalogue")
    check_can_write(args.model_docs or MODEL_DOCS, "--model-docs")
    cal = calibrate(end=args.end)
    _print_calibration(cal)
    catalogue = cal.write_catalogue(args.catalogue)
    print(f"wrote {catalogue}")
    print(f"wrote {write_model_docs(args.model_docs, read_catalogue(catalogue))} (parameter tables)")
    return 0


def _cmd_dev_search(args: argparse.Namespace) -> int:
    """``twosector dev search``: the global search for the calibration's start values, printed as code."""
    from twosector.calibration import global_search

    found = global_search(end=args.end, seed=args.seed, popsize=args.popsize, maxiter=args.maxiter)
    print(f"# global search to {found.attrs['end']}: objective {found.attrs['cost']:.4f}; "
          "paste into twosector.calibration.CALIBRATED, then run `twosector dev catalogue`")
    for name, row in found.iterrows():
        flag = "  # at a bound" if row["at_bound"] else ""
        print(f'    "{name}": ({row["start"]:.6g}, {row["prior"]:g}),{flag}')
    return 0


def _cmd_dev_docs(args: argparse.Namespace) -> int:
    """``twosector dev docs``: the generated blocks of docs/calibration.md.

    Re-calibrates, backtests, scores the forecasts and writes the blocks.
    """
    from twosector.calibration import calibrate
    from twosector.docsgen import CALIBRATION_DOCS, write_calibration_docs
    from twosector.files import check_can_write
    from twosector.resources import check_writable

    check_writable(args.file or CALIBRATION_DOCS, "twosector dev docs", "--file FILE")
    check_can_write(args.file or CALIBRATION_DOCS, "--file")
    cal = calibrate(end=args.end)
    _print_calibration(cal)
    print(f"wrote {write_calibration_docs(cal, args.file)}")
    return 0


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


def _add_end(p: argparse.ArgumentParser) -> None:
    p.add_argument("--end", default=str(DATA_CUTOFF), metavar="QUARTER",
                   help="last quarter of the sample (default %(default)s, the end of the data)")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser (exposed for documentation and tests).

    Returns
    -------
    argparse.ArgumentParser
        The ``twosector`` parser with every sub-command and the ``dev`` group.

    Raises
    ------
    Nothing of its own.
    """
    parser = argparse.ArgumentParser(
        prog="twosector",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"twosector {__version__} from {PACKAGE_DIR}")
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
        description="Run a built-in scenario or a scenario file (TOML or YAML) and compare it with the baseline.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  twosector simulate input_sanctions\n"
            "  twosector simulate baseline --set tech_controls=0.6 --set tech_controls.ramp=8\n"
            "  twosector simulate scenario.toml --param phillips_slope=0.3 --out results.csv\n"
            "  twosector simulate broad_front --out broad_front.xlsx --values both\n"
            "  twosector simulate baseline --set oil_price_cap=15 --name cap_15\n"
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO_OR_FILE", help="a built-in scenario name or a .toml or .yaml file")
    p.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="LEVER[.FIELD]=VALUE",
        help="change a lever: 'lever=intensity' or 'lever.start=2025Q3', 'lever.ramp=4', 'lever.end=2027Q4'",
    )
    p.add_argument(
        "--param", dest="params", action="append", default=[], metavar="NAME=VALUE",
        help="override a model parameter (see the parameter table in docs/model.md)",
    )
    p.add_argument("--name", metavar="NAME",
                   help="the run's name in the output (default: the scenario's, with '_custom' added by --set)")
    p.add_argument("--out", type=_path, metavar="FILE",
                   help="write the full results (.csv, .parquet or .xlsx) instead of a "
                        "summary; an existing file is replaced only with --force")
    p.add_argument("--values", choices=list(OUT_VALUES),
                   help="with --out: the scenario's levels (default), differences vs the baseline (%% for levels, pp "
                        "for rates; the unit in each column header), or both")
    p.add_argument("--force", action="store_true", help="with --out: replace an existing file")
    p.add_argument(
        "--allow-implausible", action="store_true",
        help="show (or write) a result even where it leaves the plausibility bounds (twosector.plausible.BOUNDS); "
             "by default such a result is an error naming the variable, quarter and value",
    )
    p.set_defaults(func=_cmd_simulate)

    _add_montecarlo(sub)
    _add_sensitivity(sub)
    _add_sweep(sub)

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
    _add_end(p)
    p.add_argument("--out", default="output/calibration", type=_path, metavar="DIR",
                   help="report folder (default output/calibration): new, empty or a calibration report written "
                        f"before (which holds the marker file {MARKER}); replaced as a whole, atomically")
    p.add_argument("--force", action="store_true",
                   help="replace --out even if it is twosector output of another kind (a batch output folder); "
                        "never a folder holding files twosector did not write (refused, naming the first), the "
                        "current folder or one above it, or a folder a batch is writing into")
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
    p.add_argument("grid", nargs="?", metavar="GRID_FILE", help="a TOML or YAML grid file (see docs/batch.md)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="parallel processes (default 2)")
    p.add_argument("--out", default="output", type=_path, metavar="DIR",
                   help=f"output folder (default output): new, empty or a batch output folder written before (which "
                        f"holds the marker file {MARKER}); other folders are refused")
    p.add_argument("--force", action="store_true", help="re-run runs that already completed")
    p.add_argument("--self-contained", action="store_true",
                   help="embed plotly.js (4.8 MB) in every report and in index.html so that each works when copied "
                        "alone (no plotly.min.js is written); by default they all share --out/plotly.min.js")
    p.add_argument("--timeout", type=float, default=600, metavar="S",
                   help="per-run timeout in seconds, also the limit of any cell (default 600)")
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser(
        "notebooks",
        help="list the notebook suite, or copy it into a folder of your own (--copy DIR)",
        description=(
            "List the notebooks shipped with twosector (the folder they are read from and their titles), or\n"
            "copy them into DIR to open, edit and run them there (JupyterLab: pip install 'twosector[lab]').\n"
            "Existing files in DIR are never replaced unless --force."
        ),
        epilog=("examples:\n"
                "  twosector notebooks\n"
                "  twosector notebooks --copy my-notebooks\n"
                "  twosector notebooks --copy my-notebooks --force    replace the copies made before\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--copy", type=_path, metavar="DIR", help="copy the notebooks into DIR (created if missing)")
    p.add_argument("--force", action="store_true", help="with --copy: replace notebooks already in DIR")
    p.set_defaults(func=_cmd_notebooks)

    _add_dev(sub)
    return parser


def _positive(text: str) -> int:
    """An argparse type: a positive integer, or a one-line usage error naming the value."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def _whole(text: str) -> int:
    """An argparse type: an integer (a seed, a ramp), or a usage error naming the value.

    A negative integer passes: the library refuses it with its own one-line message naming the allowed range.
    """
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: a non-negative integer") from None


def _number(text: str) -> float:
    """An argparse type: a finite number (an intensity), or a one-line usage error naming the value."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed; allowed: a number in the lever's unit and range")
    return value


def _add_montecarlo(sub: Any) -> None:
    from twosector.uncertainty import CHUNK, DEFAULT_VARIABLES, SOURCES

    p = sub.add_parser(
        "montecarlo",
        help="run a scenario and its baseline on the same random draws: quantiles and threshold probabilities",
        description=(
            "Draw the uncertain parameters from their priors (twosector.priors) and the Urals price and the ruble\n"
            "from their time-series models (twosector.risks), run the scenario and the baseline on the same draws\n"
            "and print quantiles of levels and effects and the probabilities of key thresholds. Draws that leave\n"
            "the plausibility bounds are counted and left out of the statistics; as they are not a random subset,\n"
            "the probabilities also come with their bounds over all draws (by end low / high), and a note is\n"
            "printed when more than 5% of the draws are implausible. The same --seed gives the same draws\n"
            "whatever --chunk."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  twosector montecarlo input_sanctions\n"
            "  twosector montecarlo broad_front --draws 10000 --seed 1 --out mc.parquet\n"
            "  twosector montecarlo ceasefire --sources parameters --variables strain_index nwf_liquid\n"
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO_OR_FILE", help="a built-in scenario name or a .toml or .yaml file")
    p.add_argument("--draws", type=_positive, default=1000, metavar="N", help="number of draws (default 1000)")
    p.add_argument("--seed", type=_whole, default=0, metavar="S", help="seed, a non-negative integer (default 0)")
    p.add_argument("--sources", nargs="*", default=list(SOURCES), metavar="SOURCE",
                   help=f"sources of uncertainty switched on (default all: {' '.join(SOURCES)}; none: --sources)")
    p.add_argument("--variables", nargs="+", default=list(DEFAULT_VARIABLES), metavar="VARIABLE",
                   help=f"variables kept (default {' '.join(DEFAULT_VARIABLES)})")
    p.add_argument("--baseline", default="baseline", metavar="SCENARIO_OR_FILE",
                   help="the scenario the effects are measured against (default baseline)")
    p.add_argument("--end", default=str(DEFAULT_END), metavar="QUARTER",
                   help=f"last quarter, {PROJECTION_START} to {ENSEMBLE_END} (default %(default)s)")
    _add_run_options(p, CHUNK, "draws", "every draw (long format: variable, draw, quarter, unit, scenario, "
                     "baseline, effect, implausible; a .parquet file also holds the run's scenario, seed, sources, "
                     "versions and implausible count as metadata)")
    p.set_defaults(func=_cmd_montecarlo)


def _add_run_options(p: argparse.ArgumentParser, chunk: int, unit: str, written: str) -> None:
    """--chunk, --engine, --scheduler, --out and --force of the ensemble commands."""
    p.add_argument("--chunk", type=_positive, default=chunk, metavar="N",
                   help=f"{unit} per engine call: bounds memory, never changes a number (default %(default)s)")
    p.add_argument("--engine", default="local", metavar="ENGINE",
                   help="where the chunks run: local (this process, the default) or dask (a Dask cluster: a local "
                        "one, or --scheduler); the numbers are the same")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --engine dask: a running scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
                        "cluster of two workers for the run)")
    p.add_argument("--out", type=_path, metavar="FILE",
                   help=f"write {written} as .parquet or .csv; an existing file is replaced "
                        "only with --force")
    p.add_argument("--force", action="store_true", help="with --out: replace an existing file")


def _add_sensitivity(sub: Any) -> None:
    from twosector.gsa import CHUNK, DEFAULT_AT, DEFAULT_OUTPUTS, METHODS

    p = sub.add_parser(
        "sensitivity",
        help="which uncertain parameters and levers drive a scenario's effects: Morris screening or Sobol indices",
        description=(
            "Global sensitivity (SALib) of a scenario's effects at one quarter to every parameter with an uncertain\n"
            "prior (twosector.priors) and the intensity of each of the scenario's levers (uniform on its range).\n"
            "Sobol: first-order and total indices with 95% intervals, N x (factors + 2) runs (N a power of two);\n"
            "Morris: mean absolute elementary effects, N x (factors + 1) runs. Implausible runs are kept (a design\n"
            "cannot lose points) and counted, unlike the draws of a Monte Carlo. See twosector.gsa and\n"
            "docs/uncertainty.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  twosector sensitivity input_sanctions --method morris --n 10\n"
            "  twosector sensitivity broad_front --n 1024 --outputs strain_index nwf_liquid --out indices.csv\n"
            "  twosector sensitivity tech_controls --parameters tech_controls tech_drag_max tech_adjust\n"
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO_OR_FILE", help="a built-in scenario name or a .toml or .yaml file")
    p.add_argument("--method", default="sobol", metavar="METHOD", help=f"{' or '.join(METHODS)} (default sobol)")
    p.add_argument("--n", type=_positive, default=256, metavar="N",
                   help="Sobol base sample (a power of two) or Morris trajectories (default 256)")
    p.add_argument("--seed", type=_whole, default=0, metavar="S", help="seed, a non-negative integer (default 0)")
    p.add_argument("--outputs", nargs="+", default=list(DEFAULT_OUTPUTS), metavar="VARIABLE",
                   help=f"variables (default {' '.join(DEFAULT_OUTPUTS)})")
    p.add_argument("--at", default=DEFAULT_AT, metavar="QUARTER",
                   help=f"the quarter of the outputs, up to {ENSEMBLE_END} (default %(default)s)")
    p.add_argument("--run", default="effect", metavar="RUN",
                   help="effect (scenario minus baseline, the default) or scenario (levels)")
    p.add_argument("--parameters", nargs="+", metavar="FACTOR",
                   help="only these factors (parameter or lever names; default all uncertain ones)")
    p.add_argument("--baseline", default="baseline", metavar="SCENARIO_OR_FILE",
                   help="the scenario the effects are measured against (default baseline)")
    p.add_argument("--top", type=_positive, default=10, metavar="K", help="factors shown per output (default 10)")
    _add_run_options(p, CHUNK, "runs", "the indices (output, factor, indices, kind)")
    p.set_defaults(func=_cmd_sensitivity)


def _add_sweep(sub: Any) -> None:
    from twosector.sweeps import CHUNK, DEFAULT_AT, DEFAULT_OUTPUTS, GRID_POINTS

    p = sub.add_parser(
        "sweep",
        help="a lever (or a pair) over a grid of intensity x start x ramp: the response surfaces",
        description=(
            "Set one lever, or a pair, in the base scenario at every point of a grid of intensities, start quarters\n"
            "and ramps, and print each output's effect against the base scenario (the point projection). See\n"
            "twosector.sweeps; --out writes the tidy table for charts.heatmap."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  twosector sweep input_sanctions\n"
            "  twosector sweep tech_controls --intensity 0 0.5 1 --start 2025Q1 2026Q1 2027Q1\n"
            "  twosector sweep input_sanctions secondary_sanctions --intensity 0 0.25 0.5 0.75 1 --out surface.csv\n"
        ),
    )
    p.add_argument("levers", nargs="+", metavar="LEVER", help="one lever or a pair")
    p.add_argument("--intensity", nargs="+", type=_number, metavar="X",
                   help=f"intensities, in each lever's unit (default {GRID_POINTS} over its range)")
    p.add_argument("--start", nargs="+", metavar="QUARTER",
                   help="start quarters, from 2022Q1 to the last --at quarter (default the lever's)")
    p.add_argument("--ramp", nargs="+", type=_whole, metavar="Q", help="ramps in quarters (default the lever's, or 0)")
    p.add_argument("--outputs", nargs="+", default=list(DEFAULT_OUTPUTS), metavar="VARIABLE",
                   help=f"variables (default {' '.join(DEFAULT_OUTPUTS)})")
    p.add_argument("--at", nargs="+", default=[DEFAULT_AT], metavar="QUARTER",
                   help=f"quarters reported, {FIRST_LEVER_QUARTER} to {ENSEMBLE_END} (default {DEFAULT_AT})")
    p.add_argument("--baseline", default="baseline", metavar="SCENARIO_OR_FILE",
                   help="the scenario the levers are set in and the effects measured against (default baseline)")
    # --base: the option's name before it became --baseline as in montecarlo and sensitivity (scripts may use it)
    p.add_argument("--base", dest="baseline", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    _add_run_options(p, CHUNK, "grid points", "the tidy table (levers, start, ramp, variable, quarter, scenario, "
                     "baseline, effect)")
    p.set_defaults(func=_cmd_sweep)




def _add_dev(sub: Any) -> None:
    """The ``twosector dev`` group: maintenance commands that re-write generated files."""
    dev = sub.add_parser(
        "dev",
        help="maintenance: regenerate the derived data, the calibrated catalogue and the generated docs tables",
        description=DEV_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tasks = dev.add_subparsers(dest="task", metavar="TASK", required=True)

    p = tasks.add_parser(
        "derive",
        help="regenerate data/derived/quarterly.csv from the sourced data files",
        description=(
            "Recompute the derived quarterly series (quarterly averages of dated and monthly series, annual\n"
            "series spread over quarters; methods in data/README.md) and write <data folder>/derived/quarterly.csv\n"
            "atomically. Run it after changing a source file in data/."
        ),
        epilog=("examples:\n"
                "  twosector dev derive\n"
                "  twosector dev derive --data ~/my-data     a copy of the data set (also: TWOSECTOR_DATA)\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data", type=_path, metavar="DIR",
                   help="the data folder (default: $TWOSECTOR_DATA, else the repository's data/)")
    p.set_defaults(func=_cmd_dev_derive)

    p = tasks.add_parser(
        "catalogue",
        help="re-calibrate and re-write twosector/parameters.csv and the parameter tables of docs/model.md",
        description=(
            "Estimate and calibrate the model (as `twosector calibrate`), print the parameters it sets and the\n"
            "targets, then write the value, kind and source of the estimated and calibrated parameters into the\n"
            "parameter catalogue (other cells are left byte for byte) and regenerate the parameter tables of\n"
            "docs/model.md from it. The test suite fails while the catalogue is stale."
        ),
        epilog=("examples:\n"
                "  twosector dev catalogue\n"
                "  twosector dev catalogue --end 2023Q4 --catalogue /tmp/parameters.csv --model-docs /tmp/model.md\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_end(p)
    p.add_argument("--catalogue", type=_path, metavar="FILE",
                   help="the catalogue to update (default twosector/parameters.csv)")
    p.add_argument("--model-docs", type=_path, metavar="FILE", help="the model documentation (default docs/model.md)")
    p.set_defaults(func=_cmd_dev_catalogue)

    p = tasks.add_parser(
        "search",
        help="global search (differential evolution) for the start values of the calibration",
        description=(
            "Search the whole box of the calibrated parameters for the minimum of the calibration objective\n"
            "(twosector.calibration.global_search; minutes with the defaults) and print the start values as the\n"
            "lines of twosector.calibration.CALIBRATED. `twosector calibrate` refines from those values with a\n"
            "local solver; after pasting new ones, run `twosector dev catalogue` and `twosector dev docs`."
        ),
        epilog=("examples:\n"
                "  twosector dev search                      the search with its default settings\n"
                "  twosector dev search --seed 7 --maxiter 50\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_end(p)
    p.add_argument("--seed", type=int, default=3, metavar="N", help="seed of the search (default %(default)s)")
    p.add_argument("--popsize", type=int, default=15, metavar="N",
                   help="population size per parameter (default %(default)s)")
    p.add_argument("--maxiter", type=int, default=300, metavar="N", help="generations (default %(default)s)")
    p.set_defaults(func=_cmd_dev_search)

    p = tasks.add_parser(
        "docs",
        help="regenerate the generated tables of docs/calibration.md (estimates, facts, backtest, scoreboard, ...)",
        description=(
            "Calibrate, compute the stylised-fact table, the backtest and the forecast scoreboard, and re-write\n"
            "the blocks between <!-- BEGIN generated:NAME --> and <!-- END generated:NAME --> in\n"
            "docs/calibration.md. Run it after `twosector dev catalogue`."
        ),
        epilog=("examples:\n"
                "  twosector dev docs\n"
                "  twosector dev docs --file /tmp/calibration.md\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_end(p)
    p.add_argument("--file", type=_path, metavar="FILE", help="the document to update (default docs/calibration.md)")
    p.set_defaults(func=_cmd_dev_docs)


def _one_line_warning(command: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints a :class:`TwosectorWarning` as one line (others as usual)."""
    default = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, TwosectorWarning):
            print(f"twosector {command}: warning: {message}", file=sys.stderr)
        else:
            default(message, category, *args, **kwargs)

    return show


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command (and dev task) that ``args`` chose, for its error messages."""
    for action in parser._actions:  # argparse keeps the sub-parsers only there
        if isinstance(action, argparse._SubParsersAction):
            name = getattr(args, action.dest, None)
            chosen = action.choices.get(name) if isinstance(name, str) else None
            return _command_parser(chosen, args) if chosen is not None else parser
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``twosector`` console script; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``twosector``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for a usage or input error (a :class:`~twosector.errors.TwosectorError`,
        printed as one line on stderr), 128 + the signal number when interrupted (130 for Ctrl-C, 143
        for SIGTERM, 129 for SIGHUP during a batch).

    Raises
    ------
    SystemExit
        From argparse for ``--help``, ``--version`` (status 0) and malformed arguments (status 2).
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # named by the command's own parser: "twosector simulate: error: ...", not "twosector: error: ..."
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    command = " ".join(filter(None, (args.command, getattr(args, "task", None))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", TwosectorWarning)
            warnings.showwarning = _one_line_warning(command)
            return int(args.func(args) or 0)
    except TwosectorError as exc:
        print(f"twosector {command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP during a batch (twosector.batch.Stopped)
        signum = getattr(exc, "signum", signal.SIGINT)
        print("interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}",
              file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:  # the output went to a command that stopped reading (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
