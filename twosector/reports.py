"""Report files: the calibration report folder, the batch run's index page and results table, run results.

Presentation: HTML pages are rendered from the Jinja2 templates in ``twosector/templates`` (autoescaped),
tables and figures come from the computation modules and :mod:`twosector.charts`; every file is written
atomically (:mod:`twosector.files`).

- :func:`write_calibration_report`: ``twosector calibrate``'s folder (estimates, facts, backtest, forecast
  scoreboard, fit charts).
- :func:`write_results`: what a notebook saves for the batch runner (its ``results_path`` parameter).
- :func:`results_table`, :func:`write_batch_index`: the batch run's results table (CSV; Parquet when pyarrow
  is installed) with provenance, and ``index.html``.
- :func:`scenario_summary`, :func:`lever_table`, :func:`write_tables`: a scenario report's plain-words box
  (generated from the results), its lever table with units and meanings, and its tables as CSV and XLSX.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from twosector.calendar import DATA_CUTOFF, PROJECTION_START
from twosector.data import data_vintage
from twosector.errors import TwosectorError
from twosector.files import (
    atomic_frame,
    atomic_write,
    check_output_dir,
    file_stem,
    mark_output,
    number_formats,
    replace_dir,
    staged,
)
from twosector.resources import template_folder
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
    "write_plotlyjs",
    "ScenarioSummary",
    "scenario_summary",
    "lever_table",
    "TABLES_KIND",
    "write_tables",
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
        Replace a folder ``out`` of twosector output of another kind (a batch output folder). Never replaced,
        with or without ``force``: a file, a folder holding files twosector did not write there (e.g. your notes
        in a report folder), the current folder or one above it, a folder a batch is writing into
        (:func:`twosector.files.check_replaceable`).

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

    check_output_dir(out, REPORT_KIND, "--out", force, "--force", whole=True)  # before the (slow) calibration

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


def _probabilities(row: pd.Series) -> str:
    """The key threshold probabilities a run saved (``p_*`` key results of 03_scenario's Monte Carlo), as text.

    Each with the baseline's on the same draws (``p_*_baseline``), the draws used and the share left out; above
    :data:`~twosector.uncertainty.NOTE_SHARE` of implausible draws each probability also with its worst-case
    bounds over all draws (:func:`~twosector.uncertainty.worst_case`).
    """
    from twosector.uncertainty import KEY_THRESHOLDS, NOTE_SHARE, probability_key, worst_case

    draws, bad = row.get("mc_draws"), row.get("mc_implausible")
    counted = draws is not None and pd.notna(draws) and bad is not None and pd.notna(bad) and int(draws) > 0
    wide = counted and int(bad) / int(draws) > NOTE_SHARE
    cells = []
    for label, (variable, side, value) in KEY_THRESHOLDS.items():
        key = probability_key(variable, side, value)
        share, base = row.get(key), row.get(f"{key}_baseline")
        if share is not None and pd.notna(share):
            ref = f" (baseline {100 * float(base):.0f}%)" if base is not None and pd.notna(base) else ""
            low, high = worst_case(float(share), int(draws), int(bad)) if wide else (0.0, 0.0)
            span = f" [all draws {100 * low:.0f}-{100 * high:.0f}%]" if wide else ""
            cells.append(f"{label}: {100 * float(share):.0f}%{span}{ref}")
    if cells and counted:
        cells.append(f"{int(draws) - int(bad):,} of {int(draws):,} draws used ({int(bad):,} implausible, "
                     f"{int(bad) / int(draws):.0%}, left out" + ("; the [all draws] bounds count them as not "
                                                               "crossing or as crossing)" if wide else ")"))
    return "; ".join(cells)


def _baseline_probabilities(keyed: pd.DataFrame) -> str:
    """The baseline's key probabilities on the packages' draws: one value, or the range across the packages."""
    from twosector.uncertainty import KEY_THRESHOLDS, probability_key

    cells = []
    for label, (variable, side, value) in KEY_THRESHOLDS.items():
        column = f"{probability_key(variable, side, value)}_baseline"
        if column in keyed and keyed[column].notna().any():
            low, high = (f"{100 * float(v):.0f}" for v in (keyed[column].min(), keyed[column].max()))
            cells.append(f"{label}: {low}%" if low == high else f"{label}: {low}-{high}%")
    return "; ".join(cells) + (" (on each package's plausible draws)" if cells else "")


def _summary_chart(table: pd.DataFrame) -> str:
    """A bar chart of strain vs baseline per scenario (plotly.js loaded from the shared plotly.min.js)."""
    if "strain_index_vs_baseline" not in table or table["strain_index_vs_baseline"].isna().all():
        return ""
    from twosector import charts

    data = table.dropna(subset=["strain_index_vs_baseline"]).set_index("scenario")  # unique names: _scenario_rows
    at = data["at"].iloc[0] if "at" in data else KEY_QUARTER
    fig = charts.compare_bars(data["strain_index_vs_baseline"].rename(f"strain index vs baseline, {at}"),
                              unit="points vs baseline", title=f"Strain index vs baseline in {at}")
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id="summary-chart")


def _scenario_rows(ok: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct scenario (the same definition run by several notebooks): prefer 03_scenario's run.

    A name left on different definitions (e.g. ``05_ceasefire`` with changed parameters keeps the name
    ``ceasefire``) gets its run id, ``ceasefire (cf26)``, so that no two rows of the index read alike.
    """
    keyed = ok[ok["scenario"].astype(str) != ""] if "scenario" in ok else ok.iloc[0:0]
    levers = keyed["scenario_definition"].map(
        lambda text: json.dumps(json.loads(text).get("levers", {}), sort_keys=True))
    preferred = (keyed.assign(_other=keyed["notebook"] != "03_scenario", _levers=levers)
                 .sort_values("_other", kind="stable"))
    rows = keyed.loc[sorted(preferred.drop_duplicates(["scenario", "_levers"]).index)].copy()
    shared = rows["scenario"].duplicated(keep=False)
    rows.loc[shared, "scenario"] = rows.loc[shared, "scenario"].astype(str) + " (" + rows.loc[shared, "run_id"] + ")"
    return rows


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


def write_plotlyjs(out: str | os.PathLike[str]) -> Path:
    """Write ``plotly.min.js`` (the installed plotly's, offline) into the batch folder ``out`` if it differs.

    Parameters
    ----------
    out : path-like
        The batch output folder; the reports of its runs load ``../../plotly.min.js``.

    Returns
    -------
    Path
        The file.

    Raises
    ------
    TwosectorError
        If it cannot be written (the old file is then unchanged).
    """
    import plotly.offline

    js = Path(out) / "plotly.min.js"
    text = plotly.offline.get_plotlyjs()
    if not js.is_file() or js.stat().st_size != len(text.encode()):
        atomic_write(js, text)
    return js


def _baseline_row(at: str, probabilities: str | None) -> dict[str, Any]:
    """The reference row of the index's key-results table.

    The baseline's levels, 0 for its own differences, and its key probabilities (``None``: no such column).
    """
    from twosector.simulation import simulate
    from twosector.tables import key_results

    base = simulate("baseline", end=max(pd.Period(at, freq="Q"), DATA_CUTOFF + 1))
    key = key_results(base, base, at=at)
    return {"scenario": "baseline (reference: levels; 0 vs itself)",
            "cells": [_fmt(key.get(col)) for col in _SUMMARY_COLUMNS] + ([] if probabilities is None
                                                                          else [probabilities]),
            "report": "", "run_id": ""}


#: shown by an index page that shares plotly.js when it is opened away from its batch folder
_INDEX_WITHOUT_PLOTLYJS = (
    "<script>if (typeof Plotly === 'undefined') {document.write(\"<p style='border:1px solid #b3261e;"
    "padding:0.5em;color:#b3261e'>The chart of this page needs plotly.min.js from its batch output folder "
    "(beside it). To share the page on its own, run the batch with --self-contained.</p>\");}</script>")


def _plotlyjs(out: Path, self_contained: bool) -> tuple[str, str]:
    """The index's script tag (plotly.js embedded, or the batch's shared copy) and its note when that is missing."""
    import plotly.offline

    if self_contained:
        return f"<script>{plotly.offline.get_plotlyjs()}</script>", ""
    write_plotlyjs(out)
    return '<script src="plotly.min.js"></script>', _INDEX_WITHOUT_PLOTLYJS


def write_batch_index(out: str | os.PathLike[str], runs: Sequence[Any],
                      status: Mapping[str, Mapping[str, Any]], self_contained: bool = False) -> Path:
    """Write ``results.csv`` (and ``results.parquet`` if pyarrow is installed) and ``index.html``.

    Parameters
    ----------
    out : path-like
        The batch output folder.
    runs : sequence of Run
        The grid's runs (``twosector.batch.Run``).
    status : mapping
        The status records by run id (``status.json``).
    self_contained : bool, default False
        Embed plotly.js in ``index.html`` (it then works when copied alone) instead of loading the batch's one
        copy ``plotly.min.js`` beside it (written here if it is missing or differs).

    Returns
    -------
    Path
        The ``index.html`` written.

    Raises
    ------
    Nothing of its own: ``OSError`` from the file system propagates.
    """
    out = Path(out)
    table = results_table(out, runs, status)
    saved = table.rename(columns=key_labels())  # the unit in every header of the key results
    atomic_frame(saved, out / "results.csv", index=False)
    try:
        import pyarrow  # noqa: F401  (optional: Parquet only when it is installed anyway)
    except ImportError:
        pass
    else:
        atomic_frame(saved, out / "results.parquet", index=False)
    plotly_js, plotly_missing = _plotlyjs(out, self_contained)

    ok = table[table["status"] == "ok"]
    keyed = _scenario_rows(ok)
    shown = len(keyed) and "strain_index" in keyed
    probabilities = [_probabilities(row) for _, row in keyed.iterrows()]
    extra = ["Key probabilities by then (Monte Carlo)"] if any(probabilities) else []  # runs with draws only
    at = _fmt(ok["at"].iloc[0]) if "at" in ok and len(ok) and ok["at"].notna().any() else KEY_QUARTER
    page = render(
        "batch_index.html.j2",
        n_ok=len(ok), n_runs=len(table), at=at,
        vintage=data_vintage(), version=str(table["twosector_version"].iloc[0]),
        columns=[key_labels()[col] for col in _SUMMARY_COLUMNS] + extra,
        scenarios=([_baseline_row(at, _baseline_probabilities(keyed) if extra else None)] + [
            {"scenario": _fmt(row["scenario"]),
             "cells": [_fmt(row.get(col)) for col in _SUMMARY_COLUMNS] + [p for p in [chances] if extra],
             "report": f"runs/{row['run_id']}/report.html", "run_id": row["run_id"]}
            for (_, row), chances in zip(keyed.iterrows(), probabilities, strict=True)]) if shown else [],
        summary_chart=_safe(_summary_chart(keyed)) if shown else "",
        plotly_js=_safe(plotly_js), plotly_missing=_safe(plotly_missing),
        runs=_run_rows(out, runs, status),
        comparisons=[f"runs/{run.run_id}/report.html" for run in runs if run.name == "07_compare"
                     and status.get(run.run_id, {}).get("status") == "ok"],
    )
    return atomic_write(out / "index.html", page)


# ------------------------------------------------------------------------------------ scenario summary box

#: caveats that matter for every scenario report (docs/model.md, section 4)
_CAVEATS = (
    "The baseline itself has a hard landing in 2025-26 that the forecasters of late 2024 did not expect: read the "
    "differences from the baseline, not the levels (docs/model.md, 'What the model gets wrong').",
    "The strain index is a stylised construct of the model, not a measure of political support.",
    "Deliberately small: no banking sector, no regions, no export sector beyond oil and gas revenue, no feedback "
    "from strain to policy.",
)
#: caveats of one lever, shown when the package uses it (docs/model.md, section 4)
_LEVER_CAVEATS = {
    "input_sanctions": "Critical inputs are close to Leontief in the short run but substitutable in the long run "
                       "(substitution_max, the share of missing inputs domestic substitutes can replace): "
                       "substitution eventually fills the gap, which weakens input sanctions over time.",
    "secondary_sanctions": "Import costs and delays act through the same critical-input block as input sanctions, "
                           "with its near-full long-run substitution.",
    "oil_price_cap": "Oil enters through the realised Urals price and the budget's oil and gas revenue only; export "
                     "volumes and the rest of the current account are not modelled.",
    "tech_controls": "Technology controls are a drag on civilian productivity reached by partial adjustment; "
                     "its size (tech_drag_max) is a calibrated choice, not an estimate.",
    "skilled_emigration": "Emigrants leave the labour force with a productivity weight; their return rate and weight "
                          "are parameters with wide ranges.",
    "defence_spending": "Defence spending is an input: the model does not decide it, it traces its consequences.",
    "ceasefire": "Released soldiers and defence workers enter the labour force faster than civilian demand hires "
                 "them, so unemployment rises for about three years before the labour is absorbed.",
}
# the strain components in words
_STRAIN_WORDS = {"income": "household income", "output": "civilian output", "inflation": "inflation",
                 "credit": "the real cost of credit", "labour": "the labour shortage",
                 "wage_gap": "the military-civilian wage gap", "fiscal": "the fiscal buffer"}


@dataclasses.dataclass(frozen=True)
class ScenarioSummary:
    """The plain-words box at the top of a scenario report: one list of sentences per heading.

    Displayed in a notebook (and so in its report) as a framed HTML box; ``str()`` gives Markdown.
    """

    title: str
    sections: dict[str, list[str]]

    def _repr_html_(self) -> str:
        return render("scenario_summary.html.j2", title=self.title, sections=self.sections)

    def __str__(self) -> str:
        parts = [f"## {self.title}"]
        for heading, lines in self.sections.items():
            parts.append(f"\n**{heading}**\n")
            parts += [f"- {line}" for line in lines]
        return "\n".join(parts)


def _num(value: float, unit: str) -> str:
    if abs(value) < 0.005:  # not "-0.00"
        value = 0.0
    sign = "+" if value > 0.005 else ""
    space = "" if unit in ("%", "") else " "
    return f"{sign}{value:,.2f}{space}{unit}"


def lever_table(scenario: Any) -> pd.DataFrame:
    """The levers of a scenario with their units and meanings (for a report, without internal references).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`twosector.load_scenario`).

    Returns
    -------
    pd.DataFrame
        Index ``lever``; columns ``intensity``, ``unit``, ``start``, ``ramp (quarters)``, ``end`` (``"persistent"``
        when none), ``options`` (text) and ``meaning``. Empty (same columns) for a scenario without levers.

    Raises
    ------
    Nothing of its own.
    """
    from twosector.scenarios import LEVERS

    rows = []
    for name, lever in scenario.levers.items():
        spec = LEVERS[name]
        options = ", ".join(f"{k} = {v:g} ({spec.options[k][3]})" for k, v in lever.options.items())
        rows.append({"lever": name, "intensity": lever.intensity, "unit": spec.unit, "start": str(lever.start),
                     "ramp (quarters)": lever.ramp, "end": str(lever.end) if lever.end else "persistent",
                     "options": options, "meaning": spec.description})
    columns = ["lever", "intensity", "unit", "start", "ramp (quarters)", "end", "options", "meaning"]
    return pd.DataFrame(rows, columns=columns).set_index("lever")


#: a difference smaller than this (in its unit) is shown as none: 0.00 at two decimals
_ZERO = 0.005


def _with_values(text: str, values: Mapping[str, float], describe: bool = False) -> str:
    """Model parameters named in a text, followed by their values: ``input_cut_max = 0.5``.

    With ``describe`` also their meaning from the parameter table: ``input_cut_max = 0.5 (share of ...)``.
    """
    meaning = _param_descriptions() if describe else {}

    def named(m: re.Match[str]) -> str:
        if m[0] not in values:
            return m[0]
        return f"{m[0]} = {values[m[0]]:g}" + (f" ({meaning[m[0]]})" if m[0] in meaning else "")

    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", named, text)


@functools.cache
def _param_descriptions() -> dict[str, str]:
    from twosector.params import param_table

    return param_table()["description"].astype(str).to_dict()


def _intensity(unit: str, intensity: float) -> str:
    """A lever's intensity in words.

    Shares as % of full strength, fractional changes as signed %, the oil lever as the extra discount it is
    (not a cap at that price).
    """
    if unit == "share (0-1)":
        return f"at {intensity:.0%} of the lever's full strength"
    if unit.startswith("fractional change of "):
        return f"at {intensity:+.0%} of {unit.removeprefix('fractional change of ')}"
    if unit == "USD/bbl":
        return f"(an extra discount of {intensity:g} USD/bbl on the realised Urals price)"
    return f"at {intensity:g} {unit}"


def _what_it_does(scenario: Any, values: Mapping[str, float]) -> list[str]:
    from twosector.scenarios import LEVERS

    if not scenario.levers:
        return ["No measures beyond the baseline's assumptions: " + (scenario.description or "the baseline") + "."]
    lines = []
    for name, lever in scenario.levers.items():
        spec = LEVERS[name]
        timing = (f"from {lever.start}" + (f", built up over {lever.ramp} quarters" if lever.ramp else ", at once")
                  + (f", until {lever.end}" if lever.end else ", persistent"))
        options = "".join(f"; {spec.options[k][3]}: {v:g}" for k, v in lever.options.items())
        lines.append(f"{name.replace('_', ' ').capitalize()} {_intensity(spec.unit, lever.intensity)} {timing}: "
                     f"{_with_values(spec.description, values, describe=True)}{options}.")
    return lines


def _vs_baseline_words(variables: Sequence[str], values: Mapping[str, float]) -> str:
    """``"civilian output -0.15%, CPI inflation +0.77 pp"``: labels, values and units of differences vs baseline."""
    from twosector.tables import vs_baseline_unit
    from twosector.variables import label

    return ", ".join(f"{label(v)} {_num(values[v], vs_baseline_unit(v))}" for v in variables)


def _income_sign(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period, contribution: float) -> str:
    """Why strain through household income moves as it does, when that is not plain ("" otherwise).

    Not plain: it lowers strain, or civilian households' income moves the other way than the income the strain
    index reads (all households', soldiers' pay included).
    """
    from twosector.tables import vs_baseline

    diff = vs_baseline(result, baseline, ["real_disposable_income", "civilian_real_income"]).loc[q].to_numpy()
    income, civilian = float(diff[0]), float(diff[1])
    apart = civilian * income < 0 and abs(civilian) >= _ZERO
    if income * contribution >= 0 or abs(income) < _ZERO or not (contribution < 0 or apart):
        return ""
    text = (f"Strain through household income {'falls' if contribution < 0 else 'rises'} because the strain index "
            f"reads the real disposable income of all households, soldiers' pay included, which is "
            f"{_num(income, '%')} vs baseline in {q}: {'more' if income > 0 else 'less'} income, "
            f"{'less' if income > 0 else 'more'} strain")
    if apart:
        text += (f" (civilian households' real income moves the other way, {_num(civilian, '%')}: the difference is "
                 "soldiers' pay)")
    return text + "."


def _channels(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period) -> list[str]:
    from twosector.tables import vs_baseline

    shown = ["output_military", "output_civilian", "cpi_inflation", "key_rate", "civilian_real_income"]
    diff = vs_baseline(result, baseline, shown).loc[q]
    lines = [f"Through the two sectors, prices and rates, in {q}: "
             + _vs_baseline_words(shown, dict(zip(shown, diff.to_numpy(), strict=True))) + " vs baseline."]
    parts = {c.removeprefix("strain_").removesuffix("_contribution"): float(result.loc[q, c] - baseline.loc[q, c])
             for c in result.columns if c.startswith("strain_") and c.endswith("_contribution")}
    total = float(result.loc[q, "strain_index"] - baseline.loc[q, "strain_index"])
    ranked = [(k, v) for k, v in sorted(parts.items(), key=lambda kv: -abs(kv[1])) if abs(v) >= _ZERO][:3]
    through = (", mostly through " + ", ".join(f"{_STRAIN_WORDS.get(k, k)} ({_num(v, 'points')})" for k, v in ranked)
               + " (the strain index's own decomposition)") if ranked else ""
    lines.append(f"Strain on the civilian economy {_num(total, 'points')} vs baseline in {q}{through}.")
    income = dict(ranked).get("income")
    if income is not None and (why := _income_sign(result, baseline, q, income)):
        lines.append(why)
    return lines


def _main_results(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period) -> list[str]:
    from twosector.tables import key_results, milestones

    key = key_results(result, baseline, at=str(q))
    shown = {"output_civilian": "output_civilian_vs_baseline_pct",
             "civilian_real_income": "civilian_real_income_vs_baseline_pct",
             "output_military": "output_military_vs_baseline_pct", "strain_index": "strain_index_vs_baseline"}
    lines = [f"In {key['at']}: " + _vs_baseline_words(list(shown), {v: key[k] for v, k in shown.items()})
             + " vs baseline."]
    lines += _turns(result, baseline, q, list(shown))
    lines += _fiscal(result, baseline, q)
    crossed = milestones(result, baseline)
    hits = crossed[~crossed["scenario"].str.startswith("not by")]
    if len(hits):
        lines.append("By when: " + "; ".join(f"{label} in {row['scenario']}" for label, row in hits.iterrows())
                     + ".")
    else:
        lines.append(f"None of the milestone thresholds is crossed by {result.index[-1]}.")
    return lines


def _turns(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period, variables: Sequence[str]) -> list[str]:
    """Results whose sign vs baseline turns in the projection: their extreme of the other sign, and when.

    E.g. a ceasefire's civilian output first falls, then rises above the baseline.
    """
    from twosector.tables import vs_baseline, vs_baseline_unit
    from twosector.variables import label

    diff = vs_baseline(result, baseline, variables).loc[PROJECTION_START:]
    lines = []
    for v, column in zip(variables, diff.columns, strict=True):
        path, now = diff[column].dropna(), float(diff.loc[q, column])
        if not len(path) or abs(now) < _ZERO:
            continue
        worst = path.idxmin() if now > 0 else path.idxmax()
        if float(path[worst]) * now < 0 and abs(float(path[worst])) >= _ZERO:
            unit = vs_baseline_unit(v)
            lines.append(f"{label(v)[:1].upper()}{label(v)[1:]} is {_num(now, unit)} vs baseline in {q} but "
                         f"{_num(float(path[worst]), unit)} at its {'trough' if now > 0 else 'peak'} in {worst}.")
    return lines


#: a fiscal result is among the main results when it moves at least this much vs baseline: the liquid NWF in
#: trn RUB (about a tenth of a month of the 2024 federal spending) or the budget balance in pp of GDP
_FISCAL_MATERIAL = {"nwf_liquid": 0.1, "budget_balance_gdp": 0.1}


def _when(result: pd.DataFrame, q: pd.Period) -> str:
    """``"at the end of the run (2030Q4)"`` or ``"at the key quarter (2027Q4)"``."""
    return f"at the end of the run ({q})" if q == result.index[-1] else f"at the key quarter ({q})"


def _fiscal(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period) -> list[str]:
    """The liquid NWF and the budget balance vs baseline when they move materially, and what moves the NWF.

    The drivers are the budget's own sums vs baseline from ``PROJECTION_START`` to ``q`` (oil and gas revenue,
    non-oil revenue, spending) and the ruble, which revalues the fund's foreign-currency assets; then the fund's
    flows they become (savings from surpluses, draws for deficits, revaluation).
    """
    d = (result - baseline.reindex(result.index)).loc[q]
    if all(abs(float(d[v])) < limit for v, limit in _FISCAL_MATERIAL.items()):
        return []
    nwf, base = float(result.loc[q, "nwf_liquid"]), float(baseline.loc[q, "nwf_liquid"])
    pct = f", {_num(100 * (nwf / base - 1), '%')}" if base > _ZERO else ""
    lines = [f"Budget and the NWF {_when(result, q)}: the NWF's liquid assets {nwf:,.2f} vs {base:,.2f} trn RUB in "
             f"the baseline ({_num(nwf - base, 'trn RUB')}{pct}), the federal budget balance "
             f"{_num(float(d['budget_balance_gdp']), 'pp')} of GDP vs baseline."]
    window = (result.index >= PROJECTION_START) & (result.index <= q)
    gap = (result - baseline.reindex(result.index)).loc[window].sum()
    budget = {"oil and gas revenue": gap["oil_gas_revenue"], "non-oil revenue": gap["non_oil_revenue"],
              "spending": gap["spending"]}
    ranked = ", ".join(f"{k} {_num(float(v), 'trn RUB')}" for k, v in sorted(budget.items(), key=lambda kv: -abs(kv[1]))
                       if abs(v) >= _ZERO)
    lines.append(f"What moves the NWF, summed from {PROJECTION_START} to {q} vs baseline: "
                 + (f"{ranked}, and the ruble at {_num(float(d['usd_rub']), 'RUB per USD')} in {q}; " if ranked else "")
                 + "in the fund (a share of any budget surplus is saved, the rest repays debt; deficits draw on it) "
                 "these become " + ", ".join(_nwf_flows(result, baseline, q)) + ".")
    return lines


def _nwf_flows(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period) -> list[str]:
    """The NWF's flows vs baseline summed from the projection's start to ``q``, largest first, in words."""
    flows = {"savings from budget surpluses": "nwf_save", "draws to finance deficits": "nwf_draw",
             "revaluation of its foreign-currency assets (a weaker ruble)": "nwf_revaluation",
             "other flows": "nwf_other_flows"}
    window = (result.index >= PROJECTION_START) & (result.index <= q)
    gap = (result - baseline.reindex(result.index)).loc[window]
    sums = {label: float(gap[col].sum()) * (-1 if col == "nwf_draw" else 1) for label, col in flows.items()
            if col in gap}
    if sums.get(label := "revaluation of its foreign-currency assets (a weaker ruble)", 0.0) < 0:
        sums["revaluation of its foreign-currency assets (a stronger ruble)"] = sums.pop(label)
    # a draw lowers the fund: fewer draws add to it (+), more draws take from it (-)
    named = {(("smaller " if v >= 0 else "larger ") + label if label.startswith("draws") else label): v
             for label, v in sums.items()}
    return [f"{label} {_num(v, 'trn RUB')}" for label, v in sorted(named.items(), key=lambda kv: -abs(kv[1]))
            if abs(v) > _ZERO]


def _surprises(result: pd.DataFrame, baseline: pd.DataFrame, q: pd.Period) -> list[str]:
    """Results a reader would not expect, explained by the model's own accounting identities."""
    lines = []
    d = (result - baseline.reindex(result.index)).loc[q]
    civilian_down = d["output_civilian"] < 0
    if civilian_down and d["unemployment_rate"] < -0.01:
        other = d["unemployed"] - (d["labour_force"] - d["employment_civilian"] - d["employment_military"])
        lines.append(
            f"Unemployment is lower than in the baseline ({_num(d['unemployment_rate'], 'pp')} in {q}) although "
            f"civilian output is lower: the labour force changes by {_num(d['labour_force'], 'mn')}, civilian "
            f"employment by {_num(d['employment_civilian'], 'mn')} and military employment by "
            f"{_num(d['employment_military'], 'mn')}" + (f" (army and other: {_num(other, 'mn')})"
                                                        if abs(other) > 0.005 else "") + " vs baseline.")
    if d["nwf_liquid"] > 0.005 and (civilian_down or d["strain_index"] > 0):
        ranked = _nwf_flows(result, baseline, q)
        why = "civilian output is lower" if civilian_down else "the strain index is higher"
        lines.append(f"The NWF's liquid assets are higher than in the baseline {_when(result, q)} "
                     f"({_num(d['nwf_liquid'], 'trn RUB')}) although {why}; from {PROJECTION_START} to {q} the "
                     "difference comes from "
                     + ", ".join(ranked) + ".")
    return lines


def scenario_summary(scenario: Any, result: pd.DataFrame, baseline: pd.DataFrame,
                     at: str | pd.Period = KEY_QUARTER, params: Any = None) -> ScenarioSummary:
    """The plain-words box that opens a scenario report, generated from the model's results.

    What the package does (its levers, with units and timing), through which channels (sector effects and the
    strain index's decomposition), the main results with units and dates (key results and the milestones
    crossed), results a reader would not expect explained by the model's accounting (unemployment falling
    while output falls: the labour-market identity; the NWF ending higher: its flows), and the caveats that
    matter (always, and per lever used).

    Parameters
    ----------
    scenario : Scenario
        The package (:func:`twosector.load_scenario`).
    result, baseline : DataFrame
        ``simulate()`` results of the package and of the baseline.
    at : str or Period, default :data:`twosector.tables.KEY_QUARTER`
        The quarter of the main results (the last simulated one if the horizon ends earlier).
    params : optional
        The model parameters of the runs (see :func:`twosector.simulate`; default the calibrated ones): the
        parameters the text names are shown with their values.

    Returns
    -------
    ScenarioSummary
        Shown as a framed box in a notebook; ``str()`` gives Markdown.

    Raises
    ------
    TwosectorError
        If a frame is not a ``simulate()`` result, ``at`` is not a quarter, or the runs end before
        :data:`~twosector.calendar.PROJECTION_START` (nothing projected to describe).
    ParameterError
        For invalid ``params``.
    """
    from twosector.params import resolve_params
    from twosector.tables import key_results

    q = pd.Period(key_results(result, baseline, at=str(at))["at"], freq="Q")
    if q < PROJECTION_START:
        raise TwosectorError(f"result: the run ends in {result.index[-1]}, before the projection starts "
                             f"({PROJECTION_START}); allowed: runs simulated to {PROJECTION_START} or later "
                             "(simulate(..., end=...)), whose projected quarters the summary describes")
    values = resolve_params(params).iloc[0].to_dict()
    caveats = [*(_with_values(_LEVER_CAVEATS[name], values) for name in scenario.levers if name in _LEVER_CAVEATS),
               *_CAVEATS]
    sections = {
        "What the package does": _what_it_does(scenario, values),
        "Through which channels": _channels(result, baseline, q),
        "Main results (vs baseline: % for levels and indices, pp for rates, points for strain)":
            _main_results(result, baseline, q),
    }
    surprises = _surprises(result, baseline, q)
    if surprises:
        sections["Results that need explaining"] = surprises
    sections["Caveats"] = caveats
    return ScenarioSummary(title=f"{scenario.name} in plain words", sections=sections)


# ------------------------------------------------------------------------------------ report tables

#: The kind of output of a folder of report tables and of a folder of figures (the text of their marker).
TABLES_KIND = "twosector report tables"
FIGURES_KIND = "twosector report figures"


def _one_header(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of several levels (e.g. quantity with its unit, package) as one header row: joined by ", "."""
    if frame.columns.nlevels == 1:
        return frame
    return frame.set_axis([", ".join(str(part) for part in column) for column in frame.columns], axis=1)


def write_tables(results_path: str | os.PathLike[str], scenario: str,
                 tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write a report's tables as CSV files and one XLSX workbook into ``tables/`` beside ``results_path``.

    Files: ``tables/<scenario>_<table>.csv`` per table and ``tables/<scenario>_tables.xlsx`` with one sheet
    per table, each written atomically, with one header row (columns of several levels joined, e.g.
    ``"output_civilian (% vs baseline), broad_front"``); the folder carries the marker of :data:`TABLES_KIND`
    and is refused if
    it holds anything else (:func:`twosector.files.check_output_dir`). Nothing is written when
    ``results_path`` is empty (a notebook run by hand).

    Parameters
    ----------
    results_path : path-like
        The notebook's ``results_path`` parameter (the batch sets it to ``runs/<run id>/results.json``).
    scenario : str
        The scenario's name, the first part of every file name.
    tables : mapping of str to DataFrame
        Table name (also the sheet name, at most 31 characters) -> the table as shown in the report.

    Returns
    -------
    list of Path
        The files written (CSV files in the order of ``tables``, then the workbook); empty when nothing is.

    Raises
    ------
    TwosectorError
        If ``tables/`` exists and is not a folder of report tables, or a file cannot be written.
    """
    if not results_path:
        return []
    folder = check_output_dir(Path(results_path).parent / "tables", TABLES_KIND, "results_path")
    mark_output(folder, TABLES_KIND)
    stem = file_stem(scenario)
    tables = {name: _one_header(frame) for name, frame in tables.items()}
    written = [atomic_frame(frame, folder / f"{stem}_{file_stem(name)}.csv") for name, frame in tables.items()]
    book = folder / f"{stem}_tables.xlsx"
    with staged(book) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as excel:
        for name, frame in tables.items():
            frame.to_excel(excel, sheet_name=file_stem(name)[:31])
            number_formats(excel.sheets[file_stem(name)[:31]])  # shown rounded, stored whole
    return [*written, book]
