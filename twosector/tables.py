"""Scenario result tables: key results, "what changed vs baseline, by when", lever pressure, strain over time.

Pandas in, pandas out; no files and no HTML (the batch report and the notebooks present these tables).

- :func:`vs_baseline` and :func:`vs_baseline_unit`: the one convention for "vs baseline" — percent for
  levels and indices, percentage points for rates and shares, points for the strain index, the own unit for
  flows that change sign — used by every table, the index page, the command line and the exports.
- :func:`key_results` and :func:`changes`: a scenario vs the baseline at chosen quarters (by default the
  year-ends of the horizon, :func:`year_ends`).
- :func:`milestones`: the first quarter a threshold is crossed, in the scenario and in the baseline.
- :func:`pressure`: the total lever pressure of scenarios (to compare gradual and sudden ones fairly).
- :func:`strain_summary`: the strain index vs baseline over time, per scenario.
- :func:`projection_assumptions`: annual averages of the exogenous paths the projection assumes.
- :func:`compare_packages`: several packages against one baseline over time, milestones side by side.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from twosector.calendar import DATA_CUTOFF, DEFAULT_END, PROJECTION_START, parse_quarter
from twosector.errors import TwosectorError, unknown_name
from twosector.variables import change_unit, difference, unit, vs_baseline_unit
from twosector.variables import units as variable_units

__all__ = [
    "KEY_QUARTER",
    "CHANGE_VARIABLES",
    "vs_baseline_unit",
    "vs_baseline_label",
    "change_unit",
    "level_label",
    "with_units",
    "vs_baseline",
    "difference",
    "year_ends",
    "Milestone",
    "DEFAULT_MILESTONES",
    "key_results",
    "key_labels",
    "key_table",
    "changes",
    "milestones",
    "pressure",
    "strain_summary",
    "projection_assumptions",
    "COMPARE_VARIABLES",
    "compare_packages",
    "package_tables",
]

#: The quarter of the key-results table: three years after the last data quarter.
KEY_QUARTER = str(DATA_CUTOFF + 12)
#: The variables of :func:`changes` (and of the scenario report's year-end table).
CHANGE_VARIABLES = ("output_civilian", "output_military", "civilian_real_income", "wage_civilian", "cpi_inflation",
                    "key_rate", "budget_balance_gdp", "nwf_liquid", "strain_index")

# (column in results, variable, vs baseline?): the key results per scenario in the summary table
_KEY = [
    ("strain_index", "strain_index", False),
    ("strain_index_vs_baseline", "strain_index", True),
    ("output_civilian_vs_baseline_pct", "output_civilian", True),
    ("output_military_vs_baseline_pct", "output_military", True),
    ("civilian_real_income_vs_baseline_pct", "civilian_real_income", True),
    ("cpi_inflation", "cpi_inflation", False),
    ("key_rate", "key_rate", False),
    ("nwf_liquid", "nwf_liquid", False),
    ("budget_balance_gdp", "budget_balance_gdp", False),
]


def vs_baseline_label(variable: str) -> str:
    """The column header of a variable's difference vs the baseline, e.g. ``"output_civilian (% vs baseline)"``.

    Parameters
    ----------
    variable : str
        A model variable.

    Returns
    -------
    str
        ``"<variable> (<unit> vs baseline)"`` with the unit of :func:`vs_baseline_unit`.

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue.
    """
    return f"{variable} ({vs_baseline_unit(variable)} vs baseline)"


def level_label(variable: str) -> str:
    """The column header of a variable's level with its catalogue unit, e.g. ``"key_rate (% per year)"``.

    Parameters
    ----------
    variable : str
        A model variable.

    Returns
    -------
    str
        ``"<variable> (<unit>)"``.

    Raises
    ------
    TwosectorError
        For a variable not in the catalogue (with a did-you-mean).
    """
    return f"{variable} ({unit(variable)})"


def with_units(frame: pd.DataFrame) -> pd.DataFrame:
    """Levels with the unit in every column header: the catalogue's columns renamed by :func:`level_label`.

    Parameters
    ----------
    frame : DataFrame
        E.g. a ``simulate()`` result.

    Returns
    -------
    DataFrame
        The same values; columns of the catalogue headed ``"<variable> (<unit>)"``, others unchanged.

    Raises
    ------
    Nothing of its own.
    """
    known = variable_units()
    return frame.rename(columns={c: level_label(c) for c in frame.columns if c in known})


def vs_baseline(result: pd.DataFrame, baseline: pd.DataFrame, variables: Sequence[str] | None = None) -> pd.DataFrame:
    """Scenario vs baseline, every quarter, in the one convention of :func:`vs_baseline_unit`.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results of the scenario and of the baseline (quarterly ``PeriodIndex``).
    variables : sequence of str, optional
        The variables (default: every column of ``result`` that is in the catalogue).

    Returns
    -------
    DataFrame
        The quarters of ``result``; one column per variable headed :func:`vs_baseline_label` (e.g.
        ``"output_civilian (% vs baseline)"``): ``100 * (scenario - baseline) / |baseline|`` for ``%`` (NaN where the
        baseline is 0; :func:`twosector.compare`'s ``pct``), scenario minus baseline otherwise (shares x 100).
        A level whose baseline is 0 in any quarter (e.g. ``skilled_emigrants``, none in the baseline) gets the
        difference in its own unit instead, headed ``"<variable> (<unit> vs baseline)"``.

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation or lacks a variable, or a variable is not in the catalogue.
    """
    known = variable_units()
    names = list(variables) if variables is not None else [c for c in result.columns if c in known]
    _check(result, names, "result")
    _check(baseline, names, "baseline")
    base = baseline.reindex(result.index)
    columns = {}
    for v in names:
        if vs_baseline_unit(v) == "%" and (base[v] == 0).any():  # no % of nothing: the difference in its unit
            columns[f"{v} ({unit(v)} vs baseline)"] = result[v].astype(float) - base[v].astype(float)
        else:
            columns[vs_baseline_label(v)] = difference(v, result[v], base[v])
    return pd.DataFrame(columns, index=result.index)


def year_ends(index: pd.PeriodIndex, start: str | pd.Period = PROJECTION_START) -> list[str]:
    """The fourth quarters of the horizon from ``start`` on, and its last quarter if that is not a Q4.

    Parameters
    ----------
    index : PeriodIndex
        The quarters of a simulation.
    start : str or Period, default :data:`~twosector.calendar.PROJECTION_START`
        The first quarter counted.

    Returns
    -------
    list of str
        E.g. ``["2025Q4", ..., "2030Q4"]`` for the default horizon, ``[..., "2027Q4", "2028Q2"]`` for one ending
        in 2028Q2.

    Raises
    ------
    TwosectorError
        If ``start`` is not a quarter.
    """
    first = _quarter(start, "start")
    quarters = [q for q in index if q >= first]
    out = [str(q) for q in quarters if q.quarter == 4]
    if quarters and quarters[-1].quarter != 4:
        out.append(str(quarters[-1]))
    return out


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
    for column, var, relative in _KEY:
        value = result.loc[[q], var]
        out[column] = float(difference(var, value, baseline.loc[[q], var]).iloc[0] if relative else value.iloc[0])
    return out


def key_labels() -> dict[str, str]:
    """The header of each key result (:func:`key_results`), with its unit.

    Returns
    -------
    dict of str to str
        Key -> header: ``"<variable> (<unit> vs baseline)"`` (:func:`vs_baseline_label`) for the differences,
        ``"<variable> (<catalogue unit>)"`` for the levels, e.g. ``"nwf_liquid (trn RUB, end of quarter)"``.

    Raises
    ------
    Nothing of its own.
    """
    return {column: vs_baseline_label(var) if relative else level_label(var) for column, var, relative in _KEY}


def key_table(key: Mapping[str, Any], name: str) -> pd.DataFrame:
    """Key results (:func:`key_results`) as a one-column table whose rows carry their units.

    Parameters
    ----------
    key : mapping
        The output of :func:`key_results`.
    name : str
        The scenario's name.

    Returns
    -------
    pd.DataFrame
        Index ``key result`` (:func:`key_labels`, e.g. ``"output_civilian (% vs baseline)"``), one column
        ``"<name>, <at>"``.

    Raises
    ------
    Nothing of its own.
    """
    labels = key_labels()
    values = {labels[k]: float(v) for k, v in key.items() if k in labels}
    table = pd.Series(values, name=f"{name}, {key.get('at', '')}").to_frame()
    table.index.name = "key result"
    return table


def changes(
    result: pd.DataFrame,
    baseline: pd.DataFrame,
    variables: Sequence[str] = CHANGE_VARIABLES,
    quarters: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Scenario vs baseline at the year-ends: % for levels and indices, pp for rates and shares.

    Parameters
    ----------
    result, baseline : DataFrame
        ``simulate()`` results.
    variables : sequence of str, default :data:`CHANGE_VARIABLES`
        The variables (columns of the table).
    quarters : sequence of str, optional
        The quarters (rows); default :func:`year_ends` of ``result``'s horizon. Quarters beyond the horizon
        are dropped.

    Returns
    -------
    DataFrame
        Index ``quarter`` (text such as ``"2027Q4"``), one column per variable headed with its unit as in
        :func:`vs_baseline` (e.g. ``"key_rate (pp vs baseline)"``).

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation or lacks a variable, or a quarter is malformed.
    """
    table = vs_baseline(result, baseline, variables)
    wanted = year_ends(result.index) if quarters is None else quarters
    qs = [q for q in (_quarter(x, "quarter") for x in wanted) if q in result.index and q in baseline.index]
    out = table.loc[qs]
    out.index = pd.Index([str(q) for q in qs], name="quarter")
    return out


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
        gap reaches ``threshold``, or ``"never"``), ``quarters_above``, ``cumulative_gap`` (point-quarters),
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
            "first_above": str(above[above].index[0]) if above.any() else "never",
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


#: The quantities of :func:`compare_packages`: strain, civilian output and income, inflation, the NWF.
COMPARE_VARIABLES = ("strain_index", "output_civilian", "civilian_real_income", "cpi_inflation", "nwf_liquid")


def compare_packages(
    packages: Mapping[str, Any] | Sequence[Any],
    variables: Sequence[str] = COMPARE_VARIABLES,
    *,
    baseline: Any = "baseline",
    params: Any = None,
    end: str | pd.Period = DEFAULT_END,
    quarters: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Several packages against one baseline over time, and their milestones side by side.

    Every package and the baseline are simulated with the same parameters; differences follow the one
    convention of :func:`vs_baseline` (% for levels and indices, pp for rates, points for strain).

    Parameters
    ----------
    packages : mapping of str to scenario, or sequence of scenarios
        Names, files, mappings or Scenario objects (anything :func:`twosector.load_scenario` takes); a mapping
        gives the labels, otherwise each package's name is used.
    variables : sequence of str, default :data:`COMPARE_VARIABLES`
        The quantities compared.
    baseline : scenario-like, default "baseline"
        What the packages are compared with.
    params : optional
        Model parameters (see :func:`twosector.simulate`).
    end : str or Period, default :data:`~twosector.calendar.DEFAULT_END`
        Last simulated quarter.
    quarters : sequence of str, optional
        The quarters of the over-time table (default: :func:`year_ends` of the horizon).

    Returns
    -------
    over_time : DataFrame
        Index ``quarter``; columns MultiIndex ``(quantity, package)``: first a ``baseline`` column per quantity
        with the baseline's level (quantity headed ``"<variable> (<unit>)"``), then one column per package with
        its difference vs the baseline (quantity headed :func:`vs_baseline_label`).
    milestones : DataFrame
        Index ``milestone`` (:data:`DEFAULT_MILESTONES`); one column per package with the first quarter the
        threshold is crossed (``"not by <end>"`` otherwise), and a ``baseline`` column for level thresholds
        (``"n/a"`` for thresholds relative to the baseline).

    Raises
    ------
    ScenarioError, ParameterError
        For an invalid package, baseline, parameter or ``end`` (see :func:`twosector.simulate`).
    TwosectorError
        If ``packages`` is empty, two packages have the same label, or a variable is not in the catalogue.
    """
    from twosector.scenarios import load_scenario
    from twosector.simulation import simulate

    items = list(packages.items()) if isinstance(packages, Mapping) else [(None, p) for p in packages]
    if not items:
        raise TwosectorError("compare_packages needs at least one package, got none")
    scenarios = {}
    for label, spec in items:
        scn = load_scenario(spec)
        name = str(label or scn.name)
        if name in scenarios or name == "baseline":
            raise TwosectorError(f"package label {name!r} is used twice (or is 'baseline'); give the packages "
                                 "as a mapping of distinct labels")
        scenarios[name] = scn
    base = simulate(baseline, params, end=end)
    results = {name: simulate(scn, params, end=end) for name, scn in scenarios.items()}
    return package_tables(results, base, variables, quarters)


def package_tables(results: Mapping[str, pd.DataFrame], baseline: pd.DataFrame,
                   variables: Sequence[str] = COMPARE_VARIABLES,
                   quarters: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables of :func:`compare_packages` from results already simulated.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Package label -> ``simulate()`` result.
    baseline : DataFrame
        The baseline's result.
    variables, quarters
        As in :func:`compare_packages`.

    Returns
    -------
    over_time, milestones : DataFrame
        As in :func:`compare_packages`.

    Raises
    ------
    TwosectorError
        If a frame is not a quarterly simulation, lacks a variable, or a variable is not in the catalogue.
    """
    _check(baseline, variables, "baseline")
    wanted = year_ends(baseline.index) if quarters is None else list(quarters)
    qs = [q for q in (_quarter(x, "quarter") for x in wanted) if q in baseline.index]
    columns: dict[tuple[str, str], pd.Series] = {}
    for var in variables:
        columns[(level_label(var), "baseline")] = baseline.loc[qs, var].astype(float)
        for name, frame in results.items():
            columns[(vs_baseline_label(var), name)] = vs_baseline(frame, baseline, [var]).loc[qs].iloc[:, 0]
    over_time = pd.DataFrame(columns)
    over_time.columns.names = ["quantity", "package"]
    over_time.index = pd.Index([str(q) for q in qs], name="quarter")
    dates = {name: milestones(frame, baseline) for name, frame in results.items()}
    side = pd.DataFrame({name: table["scenario"] for name, table in dates.items()})
    first = next(iter(dates.values()))
    side["baseline"] = first["baseline"]
    return over_time, side
