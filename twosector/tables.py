"""Scenario result tables: key results, "what changed vs baseline, by when", lever pressure, strain over time.

Pandas in, pandas out; no files and no HTML (the batch report and the notebooks present these tables).

- :func:`key_results` and :func:`changes`: a scenario vs the baseline at chosen quarters.
- :func:`milestones`: the first quarter a threshold is crossed, in the scenario and in the baseline.
- :func:`pressure`: the total lever pressure of scenarios (to compare gradual and sudden ones fairly).
- :func:`strain_summary`: the strain index vs baseline over time, per scenario.
- :func:`projection_assumptions`: annual averages of the exogenous paths the projection assumes.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from twosector.calendar import DATA_CUTOFF, DEFAULT_END, PROJECTION_START, parse_quarter
from twosector.errors import TwosectorError, unknown_name
from twosector.variables import units as variable_units

__all__ = [
    "KEY_QUARTER",
    "CHANGE_QUARTERS",
    "Milestone",
    "DEFAULT_MILESTONES",
    "key_results",
    "changes",
    "milestones",
    "pressure",
    "strain_summary",
    "projection_assumptions",
]

#: The quarter of the key-results table: three years after the last data quarter.
KEY_QUARTER = str(DATA_CUTOFF + 12)
#: The quarters of :func:`changes`: one, two and three years after the data, and the end of the horizon.
CHANGE_QUARTERS = tuple(str(q) for q in (DATA_CUTOFF + 4, DATA_CUTOFF + 8, DATA_CUTOFF + 12, DEFAULT_END))

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
    return parse_quarter(value, what)


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
    at : str, default :data:`KEY_QUARTER`
        The quarter; if the horizon ends earlier, its last quarter (the quarter used is returned as ``at``).

    Returns
    -------
    dict
        ``at`` and, e.g., ``strain_index``, ``strain_index_vs_baseline`` (points),
        ``output_civilian_vs_baseline_pct`` (%), ``key_rate`` (% per year), ``nwf_liquid`` (trn RUB).

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation, lacks a key variable, or ``at`` is not a quarter.
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
    quarters: Sequence[str] = CHANGE_QUARTERS,
) -> pd.DataFrame:
    """Scenario minus baseline at a few quarters: % for levels and indices, percentage points for rates.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results.
    variables : sequence of str
        Rows of the table.
    quarters : sequence of str, default :data:`CHANGE_QUARTERS`
        Columns; quarters beyond the horizon are dropped.

    Returns
    -------
    DataFrame
        Index ``variable``, a ``measure`` column (``"% vs baseline"``, ``"pp vs baseline"`` or
        ``"points vs baseline"``), then one column per quarter.

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation or lacks a variable, or a quarter is malformed.
    """
    _check(result, variables, "result")
    _check(baseline, variables, "baseline")
    qs = [q for q in (_quarter(x, "quarter") for x in quarters) if q in result.index and q in baseline.index]
    units = variable_units()
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
        rows[var] = {"measure": measure, **{str(q): float(v) for q, v in zip(qs, values, strict=True)}}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "variable"
    return table


@dataclasses.dataclass(frozen=True)
class Milestone:
    """A threshold question: the first quarter in which a condition holds.

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
    start: str | pd.Period | None = PROJECTION_START,
) -> pd.DataFrame:
    """What changed vs baseline, by when: the first quarter each threshold is crossed.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results of the scenario and the baseline.
    rules : sequence of Milestone
        The thresholds (default :data:`DEFAULT_MILESTONES`).
    start : str or Period, optional
        Only quarters from this one on count (default :data:`~twosector.calendar.PROJECTION_START`, the first
        projected quarter); ``None`` counts all.

    Returns
    -------
    DataFrame
        Index ``milestone``; columns ``variable``, ``scenario`` (first quarter, or ``"not by <end>"``),
        ``baseline`` (for level thresholds; ``"n/a"`` for thresholds relative to the baseline) and
        ``quarters_earlier`` (how many quarters earlier than in the baseline, an int; blank when the
        threshold is relative to the baseline or not crossed in both).

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation or lacks a rule's variable, ``start`` is not a quarter,
        or a rule has an unknown kind.
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
            crossed = operator.le if rule.how == "level_below" else operator.ge
            q = _first(crossed(s, rule.threshold), first)
            base_q = _first(crossed(b, rule.threshold), first) or f"not by {end}"
        earlier: Any = ""  # blank (not <NA>) in memo tables when there is nothing to compare
        if q and base_q not in ("n/a", f"not by {end}"):
            earlier = int((pd.Period(base_q, freq="Q") - pd.Period(q, freq="Q")).n)
        rows.append({"milestone": rule.label, "variable": rule.variable, "scenario": q or f"not by {end}",
                     "baseline": base_q, "quarters_earlier": earlier})
    columns = ["milestone", "variable", "scenario", "baseline", "quarters_earlier"]
    return pd.DataFrame(rows, columns=columns).set_index("milestone")


def pressure(scenarios: Mapping[str, Any] | Sequence[Any], start: str | pd.Period = PROJECTION_START,
             end: str | pd.Period = DEFAULT_END) -> pd.DataFrame:
    """Total lever pressure of scenarios: each lever's intensity x timing profile summed over quarters.

    Comparing a gradual and a sudden scenario is fair when these sums match ("the same total pressure"). The
    sums are in each lever's own unit; :func:`twosector.packages.pressure` puts every lever in one unit (% of
    2021 GDP).

    Parameters
    ----------
    scenarios : mapping of str to scenario, or sequence of scenarios
        Scenario names, files, mappings or Scenario objects (anything :func:`twosector.load_scenario` takes).
    start, end : str or Period
        The quarters summed over (default the projection: :data:`~twosector.calendar.PROJECTION_START` to
        :data:`~twosector.calendar.DEFAULT_END`).

    Returns
    -------
    DataFrame
        Index ``lever`` (levers active in any scenario), one column per scenario: the sum in
        intensity-quarters (the lever's unit x quarters at full strength).

    Raises
    ------
    ScenarioError
        For an invalid scenario (see :func:`twosector.scenarios.load_scenario`).
    TwosectorError
        If ``start`` or ``end`` is not a quarter.
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


def strain_summary(results: Mapping[str, pd.DataFrame], baseline: pd.DataFrame,
                   start: str | pd.Period = PROJECTION_START, threshold: float = 1.0) -> pd.DataFrame:
    """Strain over time vs the baseline, per scenario: peak, when, how long, and the cumulative gap.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Scenario name -> ``simulate()`` result.
    baseline : DataFrame
        The baseline result.
    start : str or Period, default :data:`~twosector.calendar.PROJECTION_START`
        First quarter counted.
    threshold : float, default 1.0
        Gap (strain index points) counted in ``quarters_above``.

    Returns
    -------
    DataFrame
        Index scenario; columns ``peak_gap`` (points), ``peak_quarter``, ``first_above`` (first quarter the
        gap reaches ``threshold``, or ``""``), ``quarters_above``, ``cumulative_gap`` (point-quarters),
        ``gap_at_end`` (points, last quarter).

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation with ``strain_index``, or ``start`` is not a quarter.
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


def projection_assumptions() -> pd.DataFrame:
    """Annual averages of the exogenous paths the baseline uses: the last data year and the projection.

    Returns
    -------
    pd.DataFrame
        One row per exogenous input, one column per year from the year of
        :data:`~twosector.calendar.DATA_CUTOFF` to that of :data:`~twosector.calendar.DEFAULT_END` (defence
        spending and flows summed over the year, prices and stocks averaged).

    Raises
    ------
    Nothing of its own.
    """
    from twosector import exog as _exog

    x = _exog.paths(end=DEFAULT_END)
    x = x[x.index.year >= DATA_CUTOFF.year]
    flows = {"defence_spending", "mobilised", "contract_recruits"}
    out = {c: (x[c].groupby(x.index.year).sum() if c in flows else x[c].groupby(x.index.year).mean())
           for c in x.columns}
    table = pd.DataFrame(out).T
    table.columns = [str(c) for c in table.columns]
    table.index.name = "input"
    return table
