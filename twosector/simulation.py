"""simulate() and compare(): scenario + parameters -> engine -> pandas.

:func:`simulate` resolves the scenario (:func:`twosector.load_scenario`), the parameters
(:func:`twosector.params.resolve_params`) and the exogenous paths (:func:`twosector.exog.paths`), runs
the vectorised engine (:func:`twosector.model.run`) once for all draws and returns a DataFrame
indexed by quarter. :func:`compare` runs a scenario and a baseline with the same parameters and
returns levels, differences and percentage differences.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from twosector import exog as _exog
from twosector.calendar import (
    DATA_CUTOFF,
    DEFAULT_END,
    LAST_QUARTER,
    MODEL_START,
    PREWAR_END,
    normalisation_positions,
    parse_quarter,
)
from twosector.errors import ScenarioError, unknown_name
from twosector.model import run_many
from twosector.params import resolve_params
from twosector.scenarios import Scenario, lever_paths, load_scenario
from twosector.variables import VARIABLES, difference, vs_baseline_unit

__all__ = ["simulate", "compare", "run_draws", "run_draws_together", "COMPARE_KINDS"]

CHUNK = 10_000  # draws per engine call for large ensembles

COMPARE_KINDS = ("baseline", "scenario", "diff", "pct", "vs_baseline")

ParamsLike: TypeAlias = Mapping[str, float] | pd.Series | pd.DataFrame | None
ScenarioLike: TypeAlias = str | os.PathLike[str] | Mapping[str, Any] | Scenario


def _horizon(start: str | pd.Period, end: str | pd.Period) -> tuple[pd.Period, pd.Period]:
    s, e = parse_quarter(start, "start", ScenarioError), parse_quarter(end, "end", ScenarioError)
    if s < MODEL_START:
        raise ScenarioError(f"start: {str(s)!r} is before {MODEL_START}; allowed: {MODEL_START} or later")
    if e < max(s, PREWAR_END):
        raise ScenarioError(f"end: {str(e)!r} must be at or after start and {PREWAR_END} (the index base year)")
    if e > LAST_QUARTER:
        raise ScenarioError(f"end: {str(e)!r} is after {LAST_QUARTER}, the last quarter the model projects (its "
                            "assumptions are held flat and the budget has no debt rule); "
                            f"allowed: up to {LAST_QUARTER}")
    return s, e


def _run(
    scenarios: Sequence[Scenario], table: pd.DataFrame, x: pd.DataFrame, keep: list[str] | None = None,
    per_draw: Mapping[str, np.ndarray] | None = None, first_levers: Mapping[str, np.ndarray] | None = None,
) -> list[dict[str, np.ndarray]]:
    idx = x.index
    i2021, i_prewar = normalisation_positions(idx)
    values = table.to_numpy(dtype=float)
    p = {name: values[:, j] for j, name in enumerate(table.columns)}
    xv = x.to_numpy(dtype=float)
    xs: dict[str, np.ndarray] = {name: xv[:, j] for j, name in enumerate(x.columns)}
    lever_sets = [lever_paths(scenario, idx) for scenario in scenarios]
    for name, a in (per_draw or {}).items():
        for levers in lever_sets:
            if name in levers:
                levers[name] = a
        if name not in lever_sets[0]:
            xs[name] = a
    lever_sets[0].update(first_levers or {})
    return run_many(p, xs, lever_sets, i2021=i2021, i_prewar=i_prewar, keep=keep)


def run_draws(
    scenario: Scenario, table: pd.DataFrame, x: pd.DataFrame, keep: list[str],
    per_draw: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Run the engine for a block of draws and return arrays (the fast path of a Monte Carlo).

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`twosector.load_scenario`).
    table : pd.DataFrame
        Full parameter sets, one row per draw (all catalogue columns, values already checked).
    x : pd.DataFrame
        Exogenous paths from ``MODEL_START`` (:func:`twosector.exog.paths`).
    keep : list of str
        Variables to return.
    per_draw : mapping of str -> array (n, T), optional
        Exogenous columns that differ by draw (the risks of :mod:`twosector.risks`), which replace the column of
        ``x``, and lever paths that differ by draw (intensity x profile, a sweep's grid), which replace the
        scenario's path of that lever.

    Returns
    -------
    dict of str -> np.ndarray
        Variable -> array ``(n, T)`` over ``x.index``. A block of one draw runs as two identical draws (the
        engine would run a single draw on Python floats): every draw of an ensemble gets numpy's arithmetic,
        whatever the size of its block.

    Raises
    ------
    KeyError
        For a name in ``keep`` that is not an output.
    """
    return run_draws_together([scenario], table, x, keep, per_draw)[0]


def run_draws_together(
    scenarios: Sequence[Scenario], table: pd.DataFrame, x: pd.DataFrame, keep: list[str],
    per_draw: Mapping[str, np.ndarray] | None = None, first_levers: Mapping[str, np.ndarray] | None = None,
) -> list[dict[str, np.ndarray]]:
    """:func:`run_draws` for several scenarios on the same draws (a Monte Carlo's scenario and baseline).

    The same numbers as one :func:`run_draws` call per scenario; the quarters before the scenarios' levers
    first differ (their common history) are simulated once (:func:`twosector.model.run_many`).

    Parameters
    ----------
    scenarios : sequence of Scenario
        Loaded scenarios (:func:`twosector.load_scenario`).
    table, x, keep
        As in :func:`run_draws`.
    per_draw : mapping of str -> array (n, T), optional
        As in :func:`run_draws`, for every scenario: a lever path that differs by draw replaces that lever's path
        in each of them.
    first_levers : mapping of str -> array (n, T), optional
        Lever paths that differ by draw for the first scenario only (a sensitivity's lever factors move the
        scenario, not its baseline).

    Returns
    -------
    list of dict of str -> np.ndarray
        The result of :func:`run_draws` for each scenario, in order.

    Raises
    ------
    KeyError
        For a name in ``keep`` that is not an output.
    """
    if len(table) != 1:
        return _run(scenarios, table, x, keep, per_draw, first_levers)
    twice = pd.concat([table, table], ignore_index=True)
    doubled = {k: np.repeat(np.asarray(a), 2, axis=0) for k, a in (per_draw or {}).items()}
    own = {k: np.repeat(np.asarray(a), 2, axis=0) for k, a in (first_levers or {}).items()}
    return [{k: a[:1] for k, a in arrays.items()} for arrays in _run(scenarios, twice, x, keep, doubled, own)]


def _frame(
    arrays: dict[str, np.ndarray], index: pd.PeriodIndex, draws: pd.Index, keep: slice, multi: bool,
    names: list[str],
) -> pd.DataFrame:
    if not multi:
        block = np.stack([arrays[name][0, keep] for name in names], axis=1)
        return pd.DataFrame(block, index=index[keep], columns=pd.Index(names))
    blocks = np.concatenate([arrays[name][:, keep].T for name in names], axis=1)
    cols = _ordered_product([names, list(draws)], ["variable", "draw"])
    return pd.DataFrame(blocks, index=index[keep], columns=cols)


def _ordered_product(levels: list[list[Any]], names: list[str]) -> pd.MultiIndex:
    """MultiIndex product that keeps the given level order and is lexsorted (fast, warning-free slicing)."""
    sizes = [len(level) for level in levels]
    codes = [np.repeat(np.tile(np.arange(n), int(np.prod(sizes[:i]))), int(np.prod(sizes[i + 1:])))
             for i, n in enumerate(sizes)]
    return pd.MultiIndex(levels=levels, codes=codes, names=names)


def _prepare(exog: pd.DataFrame | None, end: pd.Period) -> pd.DataFrame:
    if exog is None:
        return _exog.paths(end=max(end, DATA_CUTOFF))
    return _exog.validate_exog(exog, end)


def simulate(
    scenario: ScenarioLike = "baseline",
    params: ParamsLike = None,
    *,
    exog: pd.DataFrame | None = None,
    start: str | pd.Period = MODEL_START,
    end: str | pd.Period = DEFAULT_END,
    variables: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run a scenario.

    Parameters
    ----------
    scenario : str, path, mapping or Scenario, default "baseline"
        A built-in name, a TOML file, a mapping or a :class:`~twosector.scenarios.Scenario`.
    params : mapping, pd.Series, pd.DataFrame or None
        Parameter overrides (``{"phillips_slope": 0.4}``), or a DataFrame with one row per draw
        (columns = parameter names; others keep their defaults): all draws run at once.
    exog : pd.DataFrame, optional
        Exogenous paths in the layout of :func:`twosector.exog.paths` (e.g. for a backtest with
        ``exog.paths(end_history="2023Q4")``). Default: ``exog.paths()``.
    start, end : str or Period, default :data:`~twosector.calendar.MODEL_START`, :data:`~twosector.calendar.DEFAULT_END`
        Returned horizon (the model always runs from ``MODEL_START``; ``end`` may extend to ``LAST_QUARTER``).
    variables : list of str, optional
        Only these columns (default: all of :func:`twosector.variable_table`). With more than
        10,000 draws the engine runs in blocks of 10,000 and keeps only these variables, so memory stays
        bounded (e.g. 100,000 draws of two variables).

    Returns
    -------
    pd.DataFrame
        Quarterly ``PeriodIndex`` named ``"quarter"``; one column per variable of
        :func:`twosector.variable_table` (units there). With a DataFrame of draws the columns are a
        MultiIndex ``(variable, draw)``.

    Raises
    ------
    ScenarioError, ParameterError
        For bad scenarios, levers, quarters, parameters or exogenous frames.

    Notes
    -----
    The result is what the model computes, plausible or not: some combinations of parameters inside their
    ranges make the paths leave the bounds of :data:`twosector.plausible.BOUNDS` or explode (``inf``, ``NaN``;
    docs/model.md, "Plausibility"). Nothing is raised or warned here; check with
    :func:`twosector.plausibility` (a single run: the offending variables and quarters) or
    :func:`twosector.implausible_draws` (a DataFrame of draws). The CLI and the notebooks refuse such a result
    with one message, and :func:`twosector.montecarlo` leaves such draws out and counts them.

    Examples
    --------
    >>> out = simulate("input_sanctions")
    >>> out.loc["2027Q4", "strain_index"]  # doctest: +SKIP
    """
    s, e = _horizon(start, end)
    names = _check_variables(variables)
    sc = load_scenario(scenario)
    table = resolve_params(params)
    x = _prepare(exog, e)
    x = x.loc[x.index <= e]
    kept = None if variables is None else names
    if len(table) <= CHUNK:
        arrays = _run([sc], table, x, kept)[0]
    else:  # bounded memory: run blocks of draws and keep only the requested variables
        parts = [_run([sc], table.iloc[i:i + CHUNK], x, kept)[0] for i in range(0, len(table), CHUNK)]
        arrays = {v: np.concatenate([part[v] for part in parts], axis=0) for v in names}
    keep = slice(int(np.flatnonzero(x.index == s)[0]) if s in x.index else 0, None)
    draws = table.index if isinstance(params, pd.DataFrame) else pd.RangeIndex(1)
    out = _frame(arrays, x.index, draws, keep, multi=isinstance(params, pd.DataFrame), names=names)
    out.attrs["scenario"] = sc.name
    return out


def _check_variables(variables: Sequence[str] | None, field: str = "variables") -> list[str]:
    if variables is None:
        return list(VARIABLES)
    if isinstance(variables, str):
        variables = [variables]
    names = list(dict.fromkeys(variables))
    for v in names:
        if v not in VARIABLES:
            raise ScenarioError(f"{field}: {unknown_name('variable', str(v), VARIABLES)}")
    if not names:
        raise ScenarioError(f"{field}: the list is empty; allowed: names from twosector.variable_table()")
    return names


def compare(
    scenario: ScenarioLike,
    baseline: ScenarioLike = "baseline",
    params: ParamsLike = None,
    *,
    exog: pd.DataFrame | None = None,
    start: str | pd.Period = MODEL_START,
    end: str | pd.Period = DEFAULT_END,
    variables: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compare a scenario with a baseline run with the same parameters and exogenous paths.

    Parameters
    ----------
    scenario, baseline : scenario-like
        See :func:`simulate`.
    params, exog, start, end, variables
        See :func:`simulate`.

    Returns
    -------
    pd.DataFrame
        Columns MultiIndex ``(variable, kind)`` with kind in ``("baseline", "scenario", "diff", "pct",
        "vs_baseline")``: ``diff = scenario - baseline`` (in the variable's unit, i.e. percentage points for
        rates), ``pct = 100 * diff / |baseline|`` for every variable (NaN where the baseline is 0; for a rate
        it is a % change of the rate, not the pp the reports use), and ``vs_baseline``, the project's one
        convention (:func:`twosector.tables.vs_baseline_unit`: ``pct`` for levels and indices, pp for rates and
        shares, points for the strain index), whose unit per variable is in ``attrs["vs_baseline_units"]``.
        With a DataFrame of draws the columns are ``(variable, kind, draw)``.

    Raises
    ------
    ScenarioError, ParameterError
        For bad scenarios, levers, quarters, parameters, variables or exogenous frames (see
        :func:`simulate`).

    Examples
    --------
    >>> c = compare("broad_front")
    >>> c[("output_civilian", "pct")].loc["2030Q4"]  # doctest: +SKIP
    """
    a = simulate(scenario, params, exog=exog, start=start, end=end, variables=variables)
    b = simulate(baseline, params, exog=exog, start=start, end=end, variables=variables)
    av, bv = a.to_numpy(), b.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # exploded paths (inf - inf) give NaN, not a warning
        diff = av - bv
        pct = np.where(bv != 0, 100 * diff / np.abs(np.where(bv != 0, bv, 1.0)), np.nan)
    variables = list(dict.fromkeys(b.columns.get_level_values(0)))
    n_var = len(variables)
    n_draw = bv.shape[1] // n_var
    names = [c[0] if isinstance(c, tuple) else c for c in b.columns]
    convention = np.stack([difference(v, av[:, j], bv[:, j]) for j, v in enumerate(names)], axis=1)
    stacked = np.stack([bv, av, diff, pct, convention], axis=1)  # (T, kind, variable*draw)
    kinds = len(COMPARE_KINDS)
    stacked = stacked.reshape(len(b), kinds, n_var, n_draw).transpose(0, 2, 1, 3).reshape(len(b), -1)
    if a.columns.nlevels == 1:
        cols = _ordered_product([variables, list(COMPARE_KINDS)], ["variable", "kind"])
    else:
        draws = list(b.columns.levels[1])
        cols = _ordered_product([variables, list(COMPARE_KINDS), draws], ["variable", "kind", "draw"])
    out = pd.DataFrame(stacked, index=b.index, columns=cols)
    out.attrs["scenario"] = a.attrs.get("scenario")
    out.attrs["baseline"] = b.attrs.get("scenario")
    out.attrs["vs_baseline_units"] = {v: vs_baseline_unit(v) for v in variables}
    return out
