"""Report files: the calibration report folder, the batch run's index page and results table, run results.

Presentation: HTML pages are rendered from the Jinja2 templates in ``twosector/templates`` (autoescaped),
tables and figures come from the computation modules and :mod:`twosector.charts`; every file is written
atomically (:mod:`twosector.files`).

- :func:`write_calibration_report`: ``twosector calibrate``'s folder (estimates, facts, backtest, forecast
  scoreboard, fit charts).
- :func:`write_results`: what a notebook saves for the batch runner (its ``results_path`` parameter).
- :func:`results_table`, :func:`write_batch_index`: the batch run's results table (CSV; Parquet when pyarrow
  is installed) with provenance, and ``index.html``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from twosector.calendar import DATA_CUTOFF
from twosector.files import atomic_frame, atomic_write, check_output_dir, mark_output, replace_dir
from twosector.resources import data_folder, template_folder
from twosector.tables import KEY_QUARTER, key_labels

__all__ = [
    "REPORT_KIND",
    "render",
    "write_calibration_report",
    "scenario_definition",
    "data_vintage",
    "write_results",
    "results_table",
    "write_batch_index",
]

#: The kind of output of a calibration report folder (the text of its :data:`twosector.files.MARKER`).
REPORT_KIND = "twosector calibration report"


@functools.cache
def _templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folder()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render a page template of ``twosector/templates`` (HTML-escaping every value not marked safe).

    Parameters
    ----------
    template : str
        The file name, e.g. ``"batch_index.html.j2"``.
    **context
        The template's variables. Pre-rendered HTML (a pandas or plotly fragment) must be wrapped in
        :class:`markupsafe.Markup`; everything else is escaped.

    Returns
    -------
    str
        The page.

    Raises
    ------
    jinja2.UndefinedError
        If the template uses a variable not given.
    """
    return _templates().get_template(template).render(**context)


def _safe(html_fragment: str) -> Any:
    """Mark HTML made by a trusted library (pandas ``to_html`` escapes cells, plotly builds its own div)."""
    from markupsafe import Markup

    return Markup(html_fragment)


# ------------------------------------------------------------------------------------ calibration report

def write_calibration_report(out: str | os.PathLike[str], end: str | pd.Period = DATA_CUTOFF, data: Any = None,
                             cutoffs: Sequence[str] | None = None, vintages: Sequence[str] | None = None,
                             force: bool = False) -> Path:
    """Write the calibration report into the folder ``out`` (replaced atomically).

    ``out`` must be new, empty or a calibration report written before (it holds the marker
    :data:`twosector.files.MARKER` of :data:`REPORT_KIND`), unless ``force``.

    Contents: ``estimates.csv``, ``parameters.csv`` (the calibration report), ``targets.csv`` (the solver's
    targets), ``facts.csv`` (the stylised-fact table), ``backtest.csv`` (forecast errors), ``scoreboard.csv``
    and ``scoreboard_summary.csv`` (the forecast scoreboard), ``summary.txt`` (estimation summary), figures as
    HTML sharing one ``plotly.min.js``, and ``index.html`` (with the scoreboard's tables).

    Parameters
    ----------
    out : path-like
        The report folder.
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Cut-off of the calibration.
    data : optional
        The data of the calibration and the backtest (default: shipped). The scoreboard reads the data folder in
        use (``$TWOSECTOR_DATA`` or the shipped one) for estimation, exogenous paths, forecasts and outcomes alike.
    cutoffs : sequence of str, optional
        Cut-offs of the backtest (default :data:`twosector.backtesting.DEFAULT_CUTOFFS`).
    vintages : sequence of str, optional
        Cut-offs of the forecast scoreboard (default :data:`twosector.scoreboard.DEFAULT_VINTAGES`).
    force : bool, default False
        Replace a non-empty folder ``out`` that is not a calibration report, and everything in it (a file ``out``
        is refused all the same).

    Returns
    -------
    Path
        The report folder.

    Raises
    ------
    TwosectorError
        For a bad cut-off or data folder, or an ``out`` that is a file or another folder (see above; nothing is
        written then).
    """
    from twosector import backtesting, charts, scoreboard
    from twosector.calibration import calibrate

    check_output_dir(out, REPORT_KIND, "--out", force, "--force")  # before the (slow) calibration

    cal = calibrate(data, end)
    facts = cal.fact_table()
    bt = backtesting.backtest(end=tuple(cutoffs or backtesting.DEFAULT_CUTOFFS), data=data)
    figs = charts.fit_figures(cal.simulate(end=DATA_CUTOFF + 8), data)  # with two projected years
    figs["backtest_errors"] = charts.backtest_figure(bt)
    board = scoreboard.forecast_scoreboard(tuple(vintages or scoreboard.DEFAULT_VINTAGES))
    ambition = scoreboard.scoreboard_summary(board)
    figs["scoreboard_errors"] = charts.scoreboard_figure(board)
    claimed = facts[facts["claimed"]]
    page = render(
        "calibration_index.html.j2", end=cal.end, n_set=len(cal.changed()),
        facts_passed=int(facts["pass"].sum()), facts_total=len(facts),
        claims_passed=int(claimed["pass"].sum()), claims_total=len(claimed), figures=list(figs),
        estimates_table=_safe(cal.estimates.table().round(4).to_html(index=False)),
        facts_table=_safe(facts[["target", "value", "tolerance", "model", "pass", "claimed"]]
                          .round(3).reset_index().to_html(index=False)),
        scoreboard_summary=_safe(ambition.round(2).reset_index().to_html(index=False)),
        scoreboard_table=_safe(board[["target_year", "variable", "forecaster", "release", "published", "value",
                                      "low", "high", "outcome", "error"]].round(2).to_html(index=False, na_rep="")),
    )

    def build(folder: Path) -> None:
        cal.estimates.table().to_csv(folder / "estimates.csv", index=False)
        (folder / "summary.txt").write_text(cal.estimates.summary(), encoding="utf-8")
        cal.report.to_csv(folder / "parameters.csv")
        cal.targets.to_csv(folder / "targets.csv", index=False)
        facts.to_csv(folder / "facts.csv")
        bt.to_csv(folder / "backtest.csv", index=False)
        backtesting.backtest_summary(bt).to_csv(folder / "backtest_summary.csv", index=False)
        board.to_csv(folder / "scoreboard.csv", index=False)
        ambition.to_csv(folder / "scoreboard_summary.csv")
        for name, fig in figs.items():
            fig.write_html(folder / f"{name}.html", include_plotlyjs="directory", full_html=True)
        (folder / "index.html").write_text(page, encoding="utf-8")
        mark_output(folder, REPORT_KIND)

    return replace_dir(out, build)  # files inside the new folder need no atomic writes of their own


# ------------------------------------------------------------------------------------ run results

def scenario_definition(scenario: Any) -> dict[str, Any]:
    """A JSON-ready description of a scenario object or mapping (for provenance).

    Parameters
    ----------
    scenario : Scenario, mapping, dataclass or None
        What to describe; ``None`` gives ``{}``. Objects with ``to_dict()`` are described by it.

    Returns
    -------
    dict
        Plain JSON types only (other values become strings).

    Raises
    ------
    Nothing of its own.
    """
    if scenario is None:
        return {}
    if isinstance(scenario, Mapping):
        data: Any = dict(scenario)
    else:
        for method in ("to_dict", "as_dict", "to_mapping"):
            if callable(getattr(scenario, method, None)):
                data = getattr(scenario, method)()
                break
        else:
            is_instance = dataclasses.is_dataclass(scenario) and not isinstance(scenario, type)
            data = dataclasses.asdict(scenario) if is_instance else {"repr": repr(scenario)}
    return json.loads(json.dumps(data, default=str))


def data_vintage() -> str:
    """The data vintage: the last quarter of the data set and a short hash of its files.

    Returns
    -------
    str
        ``"data to <DATA_CUTOFF>, sha256:<12 hex digits>"`` over the names and bytes of every CSV file of the
        data folder.

    Raises
    ------
    Nothing of its own.
    """
    folder = data_folder()
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*.csv")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return f"data to {DATA_CUTOFF}, sha256:{digest.hexdigest()[:12]}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def write_results(
    path: str | os.PathLike[str],
    *,
    scenario: str = "",
    definition: Any = None,
    key: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path | None:
    """Save a notebook's key results as JSON for the batch runner (no-op when ``path`` is empty).

    Parameters
    ----------
    path : path-like
        The notebook's ``results_path`` parameter (set by the batch runner); ``""`` writes nothing.
    scenario : str
        The scenario's name.
    definition : Scenario or mapping, optional
        The scenario, stored as JSON (provenance).
    key : mapping, optional
        Key results, e.g. from :func:`twosector.tables.key_results`.
    parameters : mapping, optional
        The notebook's parameters (from ``validate_notebook_params``).
    extra : mapping, optional
        Anything else worth keeping (numbers or short strings).

    Returns
    -------
    Path or None
        The file written.

    Raises
    ------
    Nothing of its own: ``OSError`` from the file system propagates (the old file is then unchanged).
    """
    if not path:
        return None
    from twosector import __version__

    payload = {
        "scenario": scenario,
        "scenario_definition": scenario_definition(definition),
        "key_results": dict(key or {}),
        "parameters": {k: v for k, v in (parameters or {}).items() if k != "results_path"},
        "extra": dict(extra or {}),
        "twosector_version": __version__,
        "data_vintage": data_vintage(),
    }
    return atomic_write(path, json.dumps(_jsonable(payload), indent=1))


# ----------------------------------------------------------------------------------------- batch report

def results_table(out: str | os.PathLike[str], runs: Sequence[Any],
                  status: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per run: status, key results (from each run's ``results.json``) and provenance columns.

    Provenance: ``twosector_version``, ``param_hash`` (notebook + parameters), ``data_vintage`` and
    ``scenario_definition`` (JSON) — plus ``parameters`` (JSON) and the notebook's file hash.

    Parameters
    ----------
    out : path-like
        The batch output folder (``runs/<run id>/results.json`` are read from it).
    runs : sequence of Run
        The grid's runs (``twosector.batch.Run``).
    status : mapping
        The status records by run id (``status.json``).

    Returns
    -------
    pd.DataFrame
        One row per run, in the order of ``runs``.

    Raises
    ------
    Nothing of its own.
    """
    from twosector import __version__

    out = Path(out)
    rows = []
    vintage = data_vintage()
    for run in runs:
        rec = status.get(run.run_id, {})
        path = out / "runs" / run.run_id / "results.json"
        saved: dict[str, Any] = {}
        if rec.get("status") == "ok" and path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
        row: dict[str, Any] = {
            "run_id": run.run_id,
            "notebook": run.name,
            "scenario": saved.get("scenario") or str(run.parameters.get("scenario", "")),
            "status": rec.get("status", "not run"),
            "error": rec.get("error", ""),
            "cell": rec.get("cell"),
        }
        row.update({k: v for k, v in saved.get("key_results", {}).items()})
        row.update({
            "twosector_version": saved.get("twosector_version", __version__),
            "param_hash": run.param_hash,
            "notebook_hash": rec.get("notebook_hash", ""),
            "data_vintage": saved.get("data_vintage", vintage),
            "scenario_definition": json.dumps(saved.get("scenario_definition", {}), sort_keys=True),
            "parameters": json.dumps(run.parameters, sort_keys=True, default=str),
            "finished": rec.get("finished", ""),
        })
        rows.append(row)
    table = pd.DataFrame(rows)
    if "cell" in table:
        table["cell"] = table["cell"].astype("Int64")
    return table


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


#: key results shown per scenario on the index page, in this order (headers: :func:`twosector.tables.key_labels`)
_SUMMARY_COLUMNS = ["strain_index", "strain_index_vs_baseline", "output_civilian_vs_baseline_pct",
                    "output_military_vs_baseline_pct", "key_rate", "cpi_inflation", "nwf_liquid"]


def _summary_chart(table: pd.DataFrame) -> str:
    """A bar chart of strain vs baseline per scenario (plotly.js loaded from the shared plotly.min.js)."""
    if "strain_index_vs_baseline" not in table or table["strain_index_vs_baseline"].isna().all():
        return ""
    from twosector import charts

    data = table.dropna(subset=["strain_index_vs_baseline"]).copy()
    # the same scenario name with different definitions (e.g. changed levers) gets its run id as label
    duplicated = data["scenario"].duplicated(keep=False)
    data.loc[duplicated, "scenario"] = data.loc[duplicated, "run_id"]
    data = data.set_index("scenario")
    at = data["at"].iloc[0] if "at" in data else KEY_QUARTER
    fig = charts.compare_bars(data["strain_index_vs_baseline"].rename(f"strain index vs baseline, {at}"),
                              unit="points vs baseline", title=f"Strain index vs baseline in {at}")
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id="summary-chart")


def _scenario_rows(ok: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct scenario (the same definition run by several notebooks): prefer 03_scenario's run."""
    keyed = ok[ok["scenario"].astype(str) != ""] if "scenario" in ok else ok.iloc[0:0]
    levers = keyed["scenario_definition"].map(
        lambda text: json.dumps(json.loads(text).get("levers", {}), sort_keys=True))
    preferred = (keyed.assign(_other=keyed["notebook"] != "03_scenario", _levers=levers)
                 .sort_values("_other", kind="stable"))
    return keyed.loc[sorted(preferred.drop_duplicates(["scenario", "_levers"]).index)]


def _run_rows(out: Path, runs: Sequence[Any], status: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for run in runs:
        rec = status.get(run.run_id, {})
        folder = f"runs/{run.run_id}"
        links = [(label, f"{folder}/{name}")
                 for label, name in (("report", "report.html"), ("notebook", "notebook.ipynb"))
                 if (out / folder / name).is_file()]
        error = ": ".join(x for x in (rec.get("error", ""), rec.get("message", "")) if x)
        rows.append({"run_id": run.run_id, "notebook": run.name, "status": rec.get("status", "not run"),
                     "cell": _fmt(rec.get("cell")), "cell_source": str(rec.get("cell_source", "")),
                     "error": error[:300], "links": links})
    return rows


def write_batch_index(out: str | os.PathLike[str], runs: Sequence[Any],
                      status: Mapping[str, Mapping[str, Any]]) -> Path:
    """Write ``results.csv`` (and ``results.parquet`` if pyarrow is installed) and ``index.html``.

    Parameters
    ----------
    out : path-like
        The batch output folder.
    runs : sequence of Run
        The grid's runs (``twosector.batch.Run``).
    status : mapping
        The status records by run id (``status.json``).

    Returns
    -------
    Path
        The ``index.html`` written.

    Raises
    ------
    Nothing of its own: ``OSError`` from the file system propagates.
    """
    import plotly.offline

    out = Path(out)
    table = results_table(out, runs, status)
    atomic_frame(table, out / "results.csv", index=False)
    try:
        import pyarrow  # noqa: F401  (optional: Parquet only when it is installed anyway)
    except ImportError:
        pass
    else:
        atomic_frame(table, out / "results.parquet", index=False)
    js = out / "plotly.min.js"
    if not js.is_file():
        atomic_write(js, plotly.offline.get_plotlyjs())

    ok = table[table["status"] == "ok"]
    keyed = _scenario_rows(ok)
    shown = len(keyed) and "strain_index" in keyed
    page = render(
        "batch_index.html.j2",
        n_ok=len(ok), n_runs=len(table),
        at=_fmt(ok["at"].iloc[0]) if "at" in ok and len(ok) and ok["at"].notna().any() else KEY_QUARTER,
        vintage=data_vintage(), version=str(table["twosector_version"].iloc[0]),
        columns=[key_labels()[col] for col in _SUMMARY_COLUMNS],
        scenarios=[{"scenario": _fmt(row["scenario"]), "cells": [_fmt(row.get(col)) for col in _SUMMARY_COLUMNS],
                    "report": f"runs/{row['run_id']}/report.html", "run_id": row["run_id"]}
                   for _, row in keyed.iterrows()] if shown else [],
        summary_chart=_safe(_summary_chart(keyed)) if shown else "",
        runs=_run_rows(out, runs, status),
    )
    return atomic_write(out / "index.html", page)
