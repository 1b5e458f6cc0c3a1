"""Result tables for memos and the batch report: key results, "what changed vs baseline, by when", index.html.

- :func:`key_results` and :func:`changes`: a scenario vs the baseline at chosen quarters.
- :func:`milestones`: the first quarter a threshold is crossed, in the scenario and in the baseline.
- :func:`write_results`: what a notebook saves for the batch runner (its ``results_path`` parameter).
- :func:`results_table`, :func:`write_index`: the batch run's results table (CSV; Parquet when pyarrow is
  installed) with provenance, and ``index.html``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from twosector.errors import TwosectorError, unknown_name

__all__ = [
    "KEY_QUARTER",
    "Milestone",
    "DEFAULT_MILESTONES",
    "key_results",
    "changes",
    "milestones",
    "pressure",
    "strain_summary",
    "scenario_definition",
    "data_vintage",
    "write_results",
    "results_table",
    "write_index",
]

#: The quarter the batch summary reports (mid-horizon: three years after the data vintage).
KEY_QUARTER = "2027Q4"

# (column in results, variable, how): the key results per scenario in the summary table
_KEY = [
    ("strain_index", "strain_index", "level"),
    ("strain_index_vs_baseline", "strain_index", "diff"),
    ("output_civilian_vs_baseline_pct", "output_civilian", "pct"),
    ("output_military_vs_baseline_pct", "output_military", "pct"),
    ("civilian_real_income_vs_baseline_pct", "civilian_real_income", "pct"),
    ("cpi_inflation", "cpi_inflation", "level"),
    ("key_rate", "key_rate", "level"),
    ("nwf_liquid", "nwf_liquid", "level"),
    ("budget_balance_gdp", "budget_balance_gdp", "level"),
]


def _quarter(value: str | pd.Period, what: str) -> pd.Period:
    try:
        return pd.Period(value, freq="Q")
    except (ValueError, TypeError):
        raise TwosectorError(f"{what} must be a quarter such as '2027Q4', got {value!r}") from None


def _at(frame: pd.DataFrame, quarter: str | pd.Period) -> pd.Period:
    """The requested quarter, or the last one simulated if the horizon ends earlier."""
    q = _quarter(quarter, "quarter")
    if q in frame.index:
        return q
    if len(frame.index) and q > frame.index[-1]:
        return frame.index[-1]
    raise TwosectorError(f"quarter {q} is not in the results ({frame.index[0]}..{frame.index[-1]})")


def _check(frame: pd.DataFrame, variables: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.PeriodIndex):
        raise TwosectorError(f"{what} must be a simulate() DataFrame with a quarterly PeriodIndex")
    for var in variables:
        if var not in frame.columns:
            raise TwosectorError(unknown_name(f"variable in {what}", var, [str(c) for c in frame.columns]))


def key_results(result: pd.DataFrame, baseline: pd.DataFrame, at: str = KEY_QUARTER) -> dict[str, Any]:
    """The key results of a scenario at one quarter: levels, and differences vs the baseline.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results of the scenario and of the baseline.
    at : str, default "2027Q4"
        The quarter; if the horizon ends earlier, its last quarter (the quarter used is returned as ``at``).

    Returns
    -------
    dict
        ``at`` and, e.g., ``strain_index``, ``strain_index_vs_baseline`` (points),
        ``output_civilian_vs_baseline_pct`` (%), ``key_rate`` (% per year), ``nwf_liquid`` (trn RUB).
    """
    variables = sorted({v for _, v, _ in _KEY})
    _check(result, variables, "result")
    _check(baseline, variables, "baseline")
    q = _at(result, at)
    out: dict[str, Any] = {"at": str(q)}
    for column, var, how in _KEY:
        value, base = float(result.loc[q, var]), float(baseline.loc[q, var])
        if how == "level":
            out[column] = value
        elif how == "diff":
            out[column] = value - base
        else:
            out[column] = (value / base - 1.0) * 100.0 if base else math.nan
    return out


def _is_rate(unit: str) -> bool:
    return unit.startswith("%")


def changes(
    result: pd.DataFrame,
    baseline: pd.DataFrame,
    variables: Sequence[str] = ("output_civilian", "output_military", "civilian_real_income", "wage_civilian",
                                "cpi_inflation", "key_rate", "budget_balance_gdp", "nwf_liquid", "strain_index"),
    quarters: Sequence[str] = ("2025Q4", "2026Q4", "2027Q4", "2030Q4"),
) -> pd.DataFrame:
    """Scenario minus baseline at a few quarters: % for levels and indices, percentage points for rates.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results.
    variables : sequence of str
        Rows of the table.
    quarters : sequence of str
        Columns; quarters beyond the horizon are dropped.

    Returns
    -------
    DataFrame
        Index ``variable``, a ``measure`` column (``"% vs baseline"``, ``"pp vs baseline"`` or
        ``"points vs baseline"``), then one column per quarter.
    """
    from twosector.charts import _units

    _check(result, variables, "result")
    _check(baseline, variables, "baseline")
    qs = [q for q in (_quarter(x, "quarter") for x in quarters) if q in result.index and q in baseline.index]
    units = _units()
    rows = {}
    for var in variables:
        unit = units.get(var, "")
        s, b = result.loc[qs, var].astype(float), baseline.loc[qs, var].astype(float)
        if _is_rate(unit):
            measure, values = "pp vs baseline", s - b
        elif var == "strain_index" or "index" == unit or (b <= 0).any():
            label = unit.split(",")[0] or "difference"
            measure, values = "points vs baseline" if var == "strain_index" else f"{label} vs baseline", s - b
        else:
            measure, values = "% vs baseline", (s / b - 1.0) * 100.0
        rows[var] = {"measure": measure, **{str(q): float(v) for q, v in zip(qs, values)}}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "variable"
    return table


@dataclasses.dataclass(frozen=True)
class Milestone:
    """A threshold question: in which quarter is it first true?

    ``how`` is ``"pct_below"`` / ``"pct_above"`` (scenario vs baseline in %), ``"diff_above"`` (scenario minus
    baseline, in the variable's unit), or ``"level_below"`` / ``"level_above"`` (the scenario's own level;
    these are also dated in the baseline).
    """

    label: str
    variable: str
    how: str
    threshold: float


DEFAULT_MILESTONES: tuple[Milestone, ...] = (
    Milestone("civilian output 1% below baseline", "output_civilian", "pct_below", 1.0),
    Milestone("civilian output 3% below baseline", "output_civilian", "pct_below", 3.0),
    Milestone("civilian real income 2% below baseline", "civilian_real_income", "pct_below", 2.0),
    Milestone("military output 2% below baseline", "output_military", "pct_below", 2.0),
    Milestone("CPI inflation 1 pp above baseline", "cpi_inflation", "diff_above", 1.0),
    Milestone("key rate 1 pp above baseline", "key_rate", "diff_above", 1.0),
    Milestone("strain index 0.5 points above baseline", "strain_index", "diff_above", 0.5),
    Milestone("strain index 1 point above baseline", "strain_index", "diff_above", 1.0),
    Milestone("budget deficit wider than 3% of GDP", "budget_balance_gdp", "level_below", -3.0),
    Milestone("NWF liquid assets below 1 trn RUB", "nwf_liquid", "level_below", 1.0),
)
_HOWS = ("pct_below", "pct_above", "diff_above", "level_below", "level_above")


def _first(mask: pd.Series, start: pd.Period | None) -> str:
    if start is not None:
        mask = mask[mask.index >= start]
    hit = mask[mask]
    return str(hit.index[0]) if len(hit) else ""


def milestones(
    result: pd.DataFrame,
    baseline: pd.DataFrame,
    rules: Sequence[Milestone] = DEFAULT_MILESTONES,
    start: str | None = "2025Q1",
) -> pd.DataFrame:
    """What changed vs baseline, by when: the first quarter each threshold is crossed.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results of the scenario and the baseline.
    rules : sequence of Milestone
        The thresholds (default :data:`DEFAULT_MILESTONES`).
    start : str, optional
        Only quarters from this one on count (default 2025Q1, the first projected quarter).

    Returns
    -------
    DataFrame
        Index ``milestone``; columns ``variable``, ``scenario`` (first quarter, or ``"not by <end>"``),
        ``baseline`` (for level thresholds; ``"n/a"`` for thresholds relative to the baseline) and
        ``quarters_earlier`` (how many quarters earlier than in the baseline, an int; blank when the
        threshold is relative to the baseline or not crossed in both).
    """
    for rule in rules:
        if rule.how not in _HOWS:
            raise TwosectorError(f"milestone {rule.label!r}: " + unknown_name("rule kind", rule.how, _HOWS))
    _check(result, [r.variable for r in rules], "result")
    _check(baseline, [r.variable for r in rules], "baseline")
    first = _quarter(start, "start") if start else None
    end = str(result.index[-1])
    rows = []
    for rule in rules:
        s = result[rule.variable].astype(float)
        b = baseline[rule.variable].reindex(s.index).astype(float)
        base_q = "n/a"
        if rule.how == "pct_below":
            q = _first((s / b - 1.0) * 100.0 <= -rule.threshold, first)
        elif rule.how == "pct_above":
            q = _first((s / b - 1.0) * 100.0 >= rule.threshold, first)
        elif rule.how == "diff_above":
            q = _first(s - b >= rule.threshold, first)
        else:
            test = (lambda x: x <= rule.threshold) if rule.how == "level_below" else (lambda x: x >= rule.threshold)
            q = _first(test(s), first)
            base_q = _first(test(b), first) or f"not by {end}"
        earlier: Any = ""  # blank (not <NA>) in memo tables when there is nothing to compare
        if q and base_q not in ("n/a", f"not by {end}"):
            earlier = int((pd.Period(base_q, freq="Q") - pd.Period(q, freq="Q")).n)
        rows.append({"milestone": rule.label, "variable": rule.variable, "scenario": q or f"not by {end}",
                     "baseline": base_q, "quarters_earlier": earlier})
    return pd.DataFrame(rows, columns=["milestone", "variable", "scenario", "baseline", "quarters_earlier"]).set_index("milestone")


def pressure(scenarios: Mapping[str, Any] | Sequence[Any], start: str = "2025Q1", end: str = "2030Q4") -> pd.DataFrame:
    """Total lever pressure of scenarios: each lever's intensity x timing profile summed over quarters.

    Comparing a gradual and a sudden scenario is fair when these sums match ("the same total pressure").

    Parameters
    ----------
    scenarios : mapping of str to scenario, or sequence of scenarios
        Scenario names, files, mappings or Scenario objects (anything :func:`twosector.load_scenario` takes).
    start, end : str
        The quarters summed over (default the projection 2025Q1-2030Q4).

    Returns
    -------
    DataFrame
        Index ``lever`` (levers active in any scenario), one column per scenario: the sum in
        intensity-quarters (the lever's unit x quarters at full strength).
    """
    from twosector.scenarios import lever_paths, load_scenario

    items = scenarios.items() if isinstance(scenarios, Mapping) else [(None, s) for s in scenarios]
    index = pd.period_range(_quarter(start, "start"), _quarter(end, "end"), freq="Q")
    columns = {}
    for label, spec in items:
        scn = load_scenario(spec)
        paths = lever_paths(scn, index)
        columns[label or scn.name] = {lever: float(paths[lever].sum()) for lever in scn.levers}
    table = pd.DataFrame(columns).fillna(0.0)
    table.index.name = "lever"
    return table


def strain_summary(results: Mapping[str, pd.DataFrame], baseline: pd.DataFrame, start: str = "2025Q1",
                   threshold: float = 1.0) -> pd.DataFrame:
    """Strain over time vs the baseline, per scenario: peak, when, how long, and the cumulative gap.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Scenario name -> ``simulate()`` result.
    baseline : DataFrame
        The baseline result.
    start : str, default "2025Q1"
        First quarter counted.
    threshold : float, default 1.0
        Gap (strain index points) counted in ``quarters_above``.

    Returns
    -------
    DataFrame
        Index scenario; columns ``peak_gap`` (points), ``peak_quarter``, ``first_above`` (first quarter the
        gap reaches ``threshold``, or ``""``), ``quarters_above``, ``cumulative_gap`` (point-quarters),
        ``gap_at_end`` (points, last quarter).
    """
    first = _quarter(start, "start")
    _check(baseline, ["strain_index"], "baseline")
    rows = {}
    for name, frame in results.items():
        _check(frame, ["strain_index"], f"results[{name!r}]")
        gap = (frame["strain_index"] - baseline["strain_index"].reindex(frame.index)).astype(float)
        gap = gap[gap.index >= first]
        if gap.empty:
            raise TwosectorError(f"results[{name!r}] has no quarters from {first} on")
        above = gap >= threshold
        rows[name] = {
            "peak_gap": float(gap.max()), "peak_quarter": str(gap.idxmax()),
            "first_above": str(above[above].index[0]) if above.any() else "",
            "quarters_above": int(above.sum()), "cumulative_gap": float(gap.sum()),
            "gap_at_end": float(gap.iloc[-1]),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scenario"
    return table


def scenario_definition(scenario: Any) -> dict[str, Any]:
    """A JSON-ready description of a scenario object or mapping (for provenance)."""
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
            data = dataclasses.asdict(scenario) if dataclasses.is_dataclass(scenario) else {"repr": repr(scenario)}
    return json.loads(json.dumps(data, default=str))


def data_vintage() -> str:
    """The data vintage: the last quarter of the data set and a short hash of its files."""
    try:
        from twosector.data import CUTOFF, data_dir

        folder, cutoff = data_dir(), str(CUTOFF)
    except (ImportError, TwosectorError):
        folder, cutoff = Path(__file__).resolve().parents[1] / "data", "2024Q4"
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*.csv")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return f"data to {cutoff}, sha256:{digest.hexdigest()[:12]}"


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
        Key results, e.g. from :func:`key_results`.
    parameters : mapping, optional
        The notebook's parameters (from ``validate_notebook_params``).
    extra : mapping, optional
        Anything else worth keeping (numbers or short strings).

    Returns
    -------
    Path or None
        The file written.
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
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(_jsonable(payload), indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


# ----------------------------------------------------------------------------------------- batch report

def results_table(out: str | os.PathLike[str], runs: Sequence[Any], status: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per run: status, key results (from each run's ``results.json``) and provenance columns.

    Provenance: ``twosector_version``, ``param_hash`` (notebook + parameters), ``data_vintage`` and
    ``scenario_definition`` (JSON) — plus ``parameters`` (JSON) and the notebook's file hash.
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
    return html.escape(str(value))


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em} h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;font-size:0.9em} th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f4f4f4} td.l,th.l{text-align:left} .ok{color:#1a7f37} .failed{color:#b3261e;font-weight:bold}
.note{color:#666;font-size:0.9em} code{background:#f4f4f4;padding:1px 3px}
"""

_SUMMARY_COLUMNS = [
    ("strain_index", "strain index"),
    ("strain_index_vs_baseline", "strain vs baseline (points)"),
    ("output_civilian_vs_baseline_pct", "civilian output vs baseline (%)"),
    ("output_military_vs_baseline_pct", "military output vs baseline (%)"),
    ("key_rate", "key rate (%)"),
    ("cpi_inflation", "CPI inflation (% y/y)"),
    ("nwf_liquid", "NWF liquid (trn RUB)"),
]


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


def write_index(out: str | os.PathLike[str], runs: Sequence[Any], status: Mapping[str, Mapping[str, Any]]) -> Path:
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
    """
    import plotly.offline

    out = Path(out)
    table = results_table(out, runs, status)
    tmp = out / ".results.csv.tmp"
    table.to_csv(tmp, index=False)
    os.replace(tmp, out / "results.csv")
    try:
        import pyarrow  # noqa: F401  (optional: Parquet only when it is installed anyway)
    except ImportError:
        pass
    else:
        table.to_parquet(out / ".results.parquet.tmp", index=False)
        os.replace(out / ".results.parquet.tmp", out / "results.parquet")
    js = out / "plotly.min.js"
    if not js.is_file():
        js.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")

    ok = table[table["status"] == "ok"]
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>twosector batch report</title>"
             f"<style>{_CSS}</style><script src='plotly.min.js'></script></head><body>",
             "<h1>twosector: notebook suite report</h1>",
             f"<p class='note'>{len(ok)} of {len(table)} runs ok. Key results at "
             f"{_fmt(ok['at'].iloc[0]) if 'at' in ok and len(ok) and ok['at'].notna().any() else KEY_QUARTER}; "
             f"{html.escape(data_vintage())}; twosector {html.escape(str(table['twosector_version'].iloc[0]))}. "
             "Full table with provenance: <a href='results.csv'>results.csv</a>.</p>"]
    keyed = ok[ok["scenario"].astype(str) != ""] if "scenario" in ok else ok.iloc[0:0]
    # one row per distinct scenario (the same definition run by several notebooks): prefer 03_scenario's run
    levers = keyed["scenario_definition"].map(lambda text: json.dumps(json.loads(text).get("levers", {}), sort_keys=True))
    preferred = keyed.assign(_other=keyed["notebook"] != "03_scenario", _levers=levers).sort_values("_other", kind="stable")
    keyed = keyed.loc[sorted(preferred.drop_duplicates(["scenario", "_levers"]).index)]
    if len(keyed) and "strain_index" in keyed:
        parts.append("<h2>Key results per scenario</h2><table><tr><th class='l'>scenario</th>"
                     + "".join(f"<th>{html.escape(label)}</th>" for _, label in _SUMMARY_COLUMNS)
                     + "<th class='l'>report</th></tr>")
        for _, row in keyed.iterrows():
            link = f"runs/{row['run_id']}/report.html"
            parts.append(f"<tr><td class='l'>{_fmt(row['scenario'])}</td>"
                         + "".join(f"<td>{_fmt(row.get(col))}</td>" for col, _ in _SUMMARY_COLUMNS)
                         + f"<td class='l'><a href='{link}'>{html.escape(row['run_id'])}</a></td></tr>")
        parts.append("</table>")
        parts.append(_summary_chart(keyed))
    parts.append("<h2>Runs</h2><table><tr><th class='l'>run</th><th class='l'>notebook</th><th class='l'>status</th>"
                 "<th>failed cell</th><th class='l'>error</th><th class='l'>outputs</th></tr>")
    for run in runs:
        rec = status.get(run.run_id, {})
        state = rec.get("status", "not run")
        folder = f"runs/{run.run_id}"
        links = []
        if (out / folder / "report.html").is_file():
            links.append(f"<a href='{folder}/report.html'>report</a>")
        if (out / folder / "notebook.ipynb").is_file():
            links.append(f"<a href='{folder}/notebook.ipynb'>notebook</a>")
        error = ": ".join(x for x in (rec.get("error", ""), rec.get("message", "")) if x)
        parts.append(
            f"<tr><td class='l'>{html.escape(run.run_id)}</td><td class='l'>{html.escape(run.name)}</td>"
            f"<td class='l {html.escape(state)}'>{html.escape(state)}</td>"
            f"<td title='{html.escape(str(rec.get('cell_source', '')), quote=True)}'>{_fmt(rec.get('cell'))}</td>"
            f"<td class='l'>{html.escape(error[:300])}</td><td class='l'>{' · '.join(links)}</td></tr>"
        )
    parts.append("</table><p class='note'>Strain index and the other indicators are model constructs; see "
                 "docs/model.md for definitions and caveats.</p></body></html>")
    target = out / "index.html"
    tmp = out / ".index.html.tmp"
    tmp.write_text("\n".join(parts), encoding="utf-8")
    os.replace(tmp, target)
    return target
