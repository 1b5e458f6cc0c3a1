"""Shared, expensive objects of the test suite, built once per test session (per xdist worker, except the notebook run).

- ``calibration``: ``twosector.calibrate()`` on the shipped data;
- ``baseline``: ``twosector.simulate("baseline")``;
- ``backtest_errors``: ``twosector.backtest()`` at the default cut-offs;
- ``scoreboard``: ``twosector.forecast_scoreboard()`` at the default vintages;
- ``notebook_batch``: one batch run of the whole notebook suite with fast settings (plus one run that fails on
  purpose), then a re-run of the same grid; reused by the notebook, batch, report and browser tests, and
  executed once per session even with several xdist workers (a file lock in the session's temporary folder).

These objects are shared: a test must not modify them (copy first). ``perturbed_data`` makes a copy of the data
folder with the observations after (or up to) a cut-off changed, for the no-look-ahead tests; ``doubled_data`` a copy
with one observation doubled, for the tests that a result follows the data folder it is given.
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import twosector

#: last projected quarter of the notebook runs (a short horizon keeps each run to a few seconds)
FAST_END = "2025Q4"
#: one run per notebook with fast settings, and ``00_quickstart`` with a misspelt scenario (fails in its
#: validation cell)
SUITE_GRID: dict[str, Any] = {
    "run": [
        {"notebook": "00_quickstart", "scenarios": ["input_sanctions", "brod_front"], "parameters": {"end": FAST_END}},
        {"notebook": "01_data"},
        {"notebook": "02_calibration", "parameters": {"cutoffs": ["2023Q4"], "horizon": 2, "vintages": ["2023Q4"]}},
        {"notebook": "03_scenario", "parameters": {"end": FAST_END}},
        {"notebook": "04_gradual_vs_sudden", "parameters": {"end": FAST_END}},
        {"notebook": "05_ceasefire", "parameters": {"end": FAST_END, "save_figures": True}},
        {"notebook": "06_uncertainty", "parameters": {"end": FAST_END, "draws": 50, "sensitivity_n": 2}},
        {"notebook": "07_compare", "parameters": {"end": FAST_END,
                                                   "packages": ["broad_front", "sudden_shock", "skilled_emigration"]}},
    ],
}
#: run id of each notebook's good run in SUITE_GRID
SUITE_RUNS = {
    "00_quickstart": "00_quickstart-input_sanctions", "01_data": "01_data", "02_calibration": "02_calibration",
    "03_scenario": "03_scenario", "04_gradual_vs_sudden": "04_gradual_vs_sudden", "05_ceasefire": "05_ceasefire",
    "06_uncertainty": "06_uncertainty",
    "07_compare": "07_compare",
}
FAILING_RUN = "00_quickstart-brod_front"


@dataclass(frozen=True)
class SuiteRun:
    """The shared batch run of the notebook suite.

    ``first`` and ``second`` are the tables :func:`twosector.batch.run_batch` returned for the first run and
    for the re-run of the same grid; ``stamps`` and ``status_before`` are the executed notebooks'
    modification times and ``status.json`` between the two.
    """

    out: Path
    first: pd.DataFrame
    second: pd.DataFrame
    stamps: dict[str, int]
    status_before: dict[str, Any]

    #: last projected quarter of the runs
    end = FAST_END
    #: run id of the run that fails (a misspelt scenario)
    failing = FAILING_RUN
    #: run id of each notebook's good run
    runs = SUITE_RUNS

    def folder(self, notebook: str) -> Path:
        """The run folder of a notebook's good run."""
        return self.out / "runs" / SUITE_RUNS[notebook]

    def results(self, notebook: str) -> dict[str, Any]:
        """The results.json the notebook wrote."""
        return json.loads((self.folder(notebook) / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def exploding() -> dict[str, float]:
    """Parameters inside their ranges with which ``sudden_shock`` (and the baseline) explode in 2025.

    A nearly perfect anchor (credibility near 1) makes the survey-implied adaptive forecast of 2024 huge, and a small
    fall of credibility then lifts expectations by hundreds of points (found by a review's uniform draws).
    """
    return {"unemployment_natural": 3.84, "is_rate": 0.228, "phillips_ulc": 0.00436, "credibility_max": 0.9996,
            "credibility_loss": 0.0035, "record_speed": 0.846, "neutral_real_rate": 0.659, "key_rate_floor": 4.24}


@pytest.fixture(scope="session")
def calibration() -> twosector.calibration.Calibration:
    """``twosector.calibrate()`` on the shipped data (about a second)."""
    return twosector.calibrate()


@pytest.fixture(scope="session")
def baseline() -> pd.DataFrame:
    """The baseline scenario with the default parameters, 2019Q1-2030Q4."""
    return twosector.simulate("baseline")


@pytest.fixture(scope="session")
def backtest_errors() -> pd.DataFrame:
    """``twosector.backtest()`` at its default cut-offs and horizon (a few seconds)."""
    return twosector.backtest()


@pytest.fixture(scope="session")
def scoreboard() -> pd.DataFrame:
    """``twosector.forecast_scoreboard()`` at its default vintages, 2022Q4 and 2023Q4 (a calibration each)."""
    return twosector.forecast_scoreboard()


@pytest.fixture
def doubled_data(tmp_path: Path) -> Callable[[str, str, str], Path]:
    """A factory of copies of the data folder with one observation doubled.

    ``doubled_data(file, series, period)`` copies the data folder to ``tmp_path/data``, doubles the value of
    ``series`` at ``period`` in ``file`` (e.g. ``"ruble.csv"``), recomputes the derived series (the loader refuses
    stale ones) and returns the folder.
    """
    from twosector.data import data_dir
    from twosector.derive import write_derived

    def make(file: str, series: str, period: str) -> Path:
        folder = tmp_path / "data"
        shutil.copytree(data_dir(), folder)
        table = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
        row = (table["series"] == series) & (table["period"] == period)
        assert row.sum() == 1, (file, series, period)
        table.loc[row, "value"] = str(2 * float(table.loc[row, "value"].iloc[0]))
        table.to_csv(folder / file, index=False)
        write_derived(folder)
        return folder

    return make


@pytest.fixture()
def perturbed_data(tmp_path: Path) -> Callable[..., Path]:
    """A factory of perturbed copies of the data folder.

    ``perturbed_data(cutoff, after=True, keep_known_plans=False)`` copies the data folder to ``tmp_path/data`` and
    scales (x 1.5 + 1) every value whose period ends after the cut-off quarter (``after=False``: at or before it),
    plans included; with ``keep_known_plans`` the plan rows of a budget law
    adopted by the cut-off (``exog.BUDGET_LAWS``) stay, as information of the time. Returns the folder.
    """
    from twosector.data import SOURCES_DIGEST, data_dir, parse_period, sources_digest
    from twosector.exog import BUDGET_LAWS

    def make(cutoff: str, *, after: bool = True, keep_known_plans: bool = False) -> Path:
        dst = tmp_path / "data"
        shutil.copytree(data_dir(), dst)
        q = pd.Period(cutoff, freq="Q")
        changed = 0
        for path in dst.rglob("*.csv"):
            with path.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
                fields = list(rows[0].keys()) if rows else []
            for row in rows:
                try:
                    _, period = parse_period(row["period"])
                    value = float(row["value"])
                except (ValueError, KeyError):  # forecasts (no period column), empty values
                    continue
                law = BUDGET_LAWS.get(period.year)
                if keep_known_plans and row["vintage"] == "plan" and law is not None and \
                        pd.Period(year=law, quarter=4, freq="Q") <= q:
                    continue
                if (period.end_time > q.end_time) == after:
                    row["value"] = repr(value * 1.5 + 1.0)
                    changed += 1
            with path.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
        assert changed > 0
        # the derived rows were perturbed together with their sources: declare them current
        (dst / SOURCES_DIGEST).write_text(sources_digest(dst) + "\n", encoding="utf-8")
        return dst

    return make


@pytest.fixture(scope="session")
def notebook_batch(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The notebook suite run once through the batch runner, then re-run (which redoes only the failed run).

    Built once per test session: the first xdist worker that needs it runs the batch under a file lock in the
    session's shared temporary folder; the others wait and read the same outputs.
    """
    from filelock import FileLock

    from twosector.batch import run_batch

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder above the workers' own, shared by the whole session
    out, saved = root / "suite" / "out", root / "suite" / "run.pkl"
    with FileLock(str(root / "suite.lock")):
        if not saved.is_file():
            first = run_batch(SUITE_GRID, out=out, workers=2, progress=False)
            stamps = {p.parent.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*/notebook.ipynb")}
            status_before = json.loads((out / "status.json").read_text(encoding="utf-8"))["runs"]
            second = run_batch(SUITE_GRID, out=out, workers=2, progress=False)
            saved.write_bytes(pickle.dumps((first, second, stamps, status_before)))
        return SuiteRun(out, *pickle.loads(saved.read_bytes()))


@pytest.fixture()
def tiny_notebook():
    """Return a factory of tiny notebooks.

    ``tiny_notebook(folder, body)`` writes ``folder/tiny.ipynb`` with a ``seconds: float`` parameter cell and one
    code cell ``body``, and returns its path.
    """
    import nbformat

    def make(folder: Path, body: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("seconds: float = 0.0  # how long to sleep")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), params, nbformat.v4.new_code_cell(body)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = folder / "tiny.ipynb"
        nbformat.write(nb, path)
        return path

    return make


@pytest.fixture()
def read_only_folder(tmp_path: Path):
    """A folder in which no file can be created, for whoever runs the tests.

    A folder of mode 0555; running as root (which ignores modes), ``/sys`` instead, where the kernel refuses
    new files to root as well.
    """
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "trial").touch()
    except PermissionError:
        yield folder
    else:
        (folder / "trial").unlink()
        yield Path("/sys")
    finally:
        folder.chmod(0o755)
