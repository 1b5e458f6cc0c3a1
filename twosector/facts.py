"""The stylised facts of 2022-2024 and the calibration targets, compared with the model's baseline.

The targets live in ``twosector/targets.csv`` (one row per fact: value, tolerance, the model variable and
the statistic that maps quarterly model output onto it, ``claimed``, ``constructed`` and the original
publisher with the page where the figure was seen). :func:`fact_table` computes the model's value of each
fact from a simulation and says whether it is within tolerance.

Only some rows are evidence. Targets and priors are fitted by :func:`twosector.calibrate`; a fact is
``constructed`` when the model is forced towards it (the key rate follows its data in history, the NWF is
steered to its observed stocks, a parameter is set from the figure, the figure's numerator is an input or an
estimated coefficient is fitted on it) and the column says how. ``evidence`` marks the rest: facts the model
is neither fitted nor forced to, the only ones a pass count should count.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from twosector.calendar import DEFAULT_END
from twosector.errors import DataError, TwosectorError, unknown_name

__all__ = ["fact_table", "targets", "model_value", "statistic", "defence_multiplier", "last_quarter", "STATISTICS"]

STATISTICS = {
    "annual_mean": "mean of the four quarters of the year",
    "annual_sum": "sum of the four quarters of the year (flows per quarter)",
    "annual_sum_share": ("annual mean of the quarterly share of GDP (equal to the annual share when quarterly GDP "
                         "is even)"),
    "annual_growth": "% change of the annual mean of a level on the previous year",
    "q4": "value in the fourth quarter (Q4 y/y inflation as the counterpart of Dec/Dec; end-year rate or stock)",
    "quarter": "value in the given quarter",
    "growth": "% change of a level between two quarters 'A:B'",
    "change": "change of a level between two quarters 'A:B' (in its unit)",
    "sum": "sum of a flow over the quarters 'A:B' (inclusive)",
    "rms": "root mean square over the quarters 'A:B' (inclusive): the size of a gap's swings",
    "param": "a parameter value of the model (a published estimate the calibration must respect)",
    "multiplier": "cumulative real GDP change / cumulative real defence-spending change over the 8 quarters of "
                  "a +10% defence impulse from Q1 of the year (scenario vs baseline, both at the baseline's "
                  "GDP deflator)",
}

#: target: a calibration target the solver fits; prior: a literature or plan prior it also fits; fact: a
#: stylised fact the model is not fitted to (evidence, unless ``constructed``)
KINDS = ("target", "prior", "fact")

TABLE_COLUMNS = [
    "id", "target", "kind", "period", "value", "tolerance", "low", "high", "model", "error", "pass",
    "claimed", "constructed", "evidence", "unit", "variable", "statistic", "source_publisher", "source_page",
    "verified", "note",
]


@cache
def _read_targets() -> pd.DataFrame:
    path = resources.files("twosector").joinpath("targets.csv")
    with resources.as_file(path) as p:
        t = pd.read_csv(p, dtype={"period": "str", "variable": "str"}, keep_default_na=False, na_values=[""])
    bad = sorted(set(t["statistic"]) - set(STATISTICS))
    if bad:
        raise DataError(f"targets.csv: statistic {bad[0]!r} is not one of {', '.join(STATISTICS)}")
    bad_claim = sorted(set(t["claimed"]) - {"yes", "no"})
    if bad_claim:
        raise DataError(f"targets.csv: claimed {bad_claim[0]!r} must be 'yes' or 'no'")
    t["claimed"] = t["claimed"].eq("yes")
    t["constructed"] = t["constructed"].fillna("").astype(str)
    t["evidence"] = t["kind"].eq("fact") & t["constructed"].eq("")
    t["low"] = t["value"] - t["tolerance"]
    t["high"] = t["value"] + t["tolerance"]
    return t


def targets(kind: str | None = None) -> pd.DataFrame:
    """The targets table (a copy).

    Calibration targets (``kind="target"``) and other stylised facts (``kind="fact"``), with value, tolerance, the
    model variable and statistic, and sources.

    Parameters
    ----------
    kind : {"target", "prior", "fact"} or None
        Filter by kind; ``None`` returns both.

    Returns
    -------
    pd.DataFrame
        One row per fact with an ``id`` column, in the order of ``targets.csv``.

    Raises
    ------
    TwosectorError
        For an unknown ``kind``.
    DataError
        If the shipped ``targets.csv`` names an unknown statistic or claim flag.
    """
    t = _read_targets().copy()
    if kind is not None:
        if kind not in KINDS:
            raise TwosectorError(unknown_name("kind", kind, KINDS))
        t = t[t["kind"] == kind].reset_index(drop=True)
    return t


def last_quarter(table: pd.DataFrame) -> pd.Period:
    """The last quarter any row of a targets table looks at (the end of its period).

    Parameters
    ----------
    table : pd.DataFrame
        Rows of :func:`targets` (columns ``statistic`` and ``period``).

    Returns
    -------
    pd.Period
        Quarterly period; ``2021Q4`` (the index base) when no row has a period.

    Raises
    ------
    ValueError
        For a period that is not a year, a quarter or ``"A:B"`` (``targets()`` checks the shipped table).
    """
    last = pd.Period("2021Q4", freq="Q")
    for stat, period in zip(table["statistic"], table["period"].astype(str), strict=True):
        if stat == "param" or period in ("", "nan"):
            continue
        end = period.split(":")[-1]
        q = pd.Period(end, freq="Q") if "Q" in end else pd.Period(end, freq="Y").asfreq("Q", how="end")
        if stat == "multiplier":  # the impulse lasts IMPULSE_QUARTERS from Q1 of the year
            q = pd.Period(f"{end}Q1", freq="Q") + IMPULSE_QUARTERS - 1
        last = max(last, q)
    return last


def variable_array(out: Mapping[str, np.ndarray], variable: str) -> np.ndarray:
    """A model variable from the engine's arrays.

    Includes the derived ``real_wage`` (employment-weighted real wage of both sectors).
    """
    if variable in out:
        return out[variable]
    if variable == "real_wage":
        em, ec = out["employment_military"], out["employment_civilian"]
        return (out["wage_military"] * em + out["wage_civilian"] * ec) / (em + ec)
    raise DataError(unknown_name("model variable", variable, list(out) + ["real_wage"]))


def _column(results: pd.DataFrame, variable: str) -> pd.Series:
    if variable in results.columns:
        return results[variable]
    if variable == "real_wage":
        # employment-weighted average of the two sectors' real wages (index 2021 = 100)
        em, ec = results["employment_military"], results["employment_civilian"]
        return (results["wage_military"] * em + results["wage_civilian"] * ec) / (em + ec)
    raise DataError(unknown_name("model variable", variable, list(results.columns) + ["real_wage"]))


def statistic(values: np.ndarray, index: pd.PeriodIndex, stat: str, period: str) -> np.ndarray:
    """A target statistic of model paths, vectorised over draws.

    Parameters
    ----------
    values : np.ndarray
        Shape ``(n, T)``: one path per draw.
    index : pd.PeriodIndex
        The ``T`` quarters.
    stat : str
        One of :data:`STATISTICS` except ``"param"``.
    period : str
        The target's period: a year, a quarter, or ``"A:B"`` for ``growth``, ``change``, ``sum`` and ``rms``.

    Returns
    -------
    np.ndarray
        Shape ``(n,)``.

    Raises
    ------
    DataError
        If the results do not cover the period, or ``stat`` is unknown.
    """
    v = np.atleast_2d(np.asarray(values, dtype=float))
    years = np.asarray(index.year)

    def year(y: int) -> np.ndarray:
        pos = np.flatnonzero(years == y)
        if len(pos) != 4:
            raise DataError(f"model results: year {y} is not fully covered (quarters found: {len(pos)})")
        return v[:, pos]

    def at(q: str) -> np.ndarray:
        p = pd.Period(q, freq="Q")
        if p not in index:
            raise DataError(f"model results: quarter {p} is not covered ({index.min()}-{index.max()})")
        return v[:, index.get_loc(p)]

    if stat in ("annual_mean", "annual_sum_share"):
        return year(int(period)).mean(axis=1)
    if stat == "annual_sum":
        return year(int(period)).sum(axis=1)
    if stat == "annual_growth":
        y = int(period)
        return 100 * (year(y).mean(axis=1) / year(y - 1).mean(axis=1) - 1)
    if stat == "q4":
        return at(f"{int(period)}Q4")
    if stat == "quarter":
        return at(period)
    if stat in ("growth", "change"):
        a, b = period.split(":")
        return 100 * (at(b) / at(a) - 1) if stat == "growth" else at(b) - at(a)
    if stat in ("sum", "rms"):
        a, b = (pd.Period(x, freq="Q") for x in period.split(":"))
        at(str(a)), at(str(b))  # the whole window must be covered
        w = v[:, (index >= a) & (index <= b)]
        return w.sum(axis=1) if stat == "sum" else np.sqrt((w**2).mean(axis=1))
    raise DataError(f"targets.csv: statistic {stat!r} is not one of {', '.join(STATISTICS)}")


def model_value(results: pd.DataFrame, params: pd.Series, row: pd.Series) -> float:
    """The model's value of one fact (a row of :func:`targets`).

    Parameters
    ----------
    results : pd.DataFrame
        A simulation (quarterly PeriodIndex), e.g. ``simulate("baseline")``.
    params : pd.Series
        The parameter set used (for ``statistic == "param"`` rows).
    row : pd.Series
        One row of the targets table.

    Returns
    -------
    float

    Raises
    ------
    DataError
        For an unknown model variable or parameter, or a period the results do not cover.
    """
    stat, var, period = row["statistic"], row["variable"], row["period"]
    if stat == "param":
        if var not in params.index:
            raise DataError(unknown_name("parameter", var, params.index))
        return float(params[var])
    if stat == "multiplier":
        return defence_multiplier(params, int(period), results)
    s = _column(results, var).astype(float)
    return float(statistic(s.to_numpy()[None, :], s.index, stat, str(period))[0])


IMPULSE = 0.1  # +10% of the defence path
IMPULSE_QUARTERS = 8  # the impulse lasts two years


def impulse_scenario(year: int) -> dict[str, Any]:
    """The defence impulse of the multiplier: +10% of the defence path for 8 quarters from Q1 of ``year``."""
    end = pd.Period(f"{year}Q1", freq="Q") + IMPULSE_QUARTERS - 1
    return {"name": f"defence_impulse_{year}", "base": "baseline", "levers": {"defence_spending": {
        "intensity": IMPULSE, "start": f"{year}Q1", "ramp": 0, "end": str(end)}}}


def multiplier_values(base: Mapping[str, np.ndarray], shock: Mapping[str, np.ndarray], index: pd.PeriodIndex,
                      year: int) -> np.ndarray:
    """Cumulative defence multiplier from engine arrays of the baseline and the impulse run, per draw.

    ``sum ΔGDP / sum Δdefence`` over the impulse's quarters, real GDP in trn RUB of 2021 (the GDP index times
    2021 nominal GDP) and defence deflated by the baseline's GDP deflator.

    Parameters
    ----------
    base, shock : mapping of str -> array (n, T)
        ``gdp``, ``nominal_gdp`` and ``defence_spending`` of the baseline and of :func:`impulse_scenario`.
    index : pd.PeriodIndex
        The ``T`` quarters.
    year : int
        First year of the impulse.

    Returns
    -------
    np.ndarray
        Shape ``(n,)``.
    """
    years = np.asarray(index.year)
    start = pd.Period(f"{year}Q1", freq="Q")
    w = (index >= start) & (index < start + IMPULSE_QUARTERS)
    n21 = base["nominal_gdp"][:, years == 2021].sum(axis=1, keepdims=True)
    real = {k: o["gdp"] / 100 * n21 / 4 for k, o in (("b", base), ("s", shock))}
    deflator = base["nominal_gdp"] / real["b"]
    d_gdp = (real["s"] - real["b"])[:, w].sum(axis=1)
    d_def = ((shock["defence_spending"] - base["defence_spending"]) / deflator)[:, w].sum(axis=1)
    return d_gdp / d_def


def defence_multiplier(params: pd.Series, year: int, baseline: pd.DataFrame | None = None) -> float:
    """The model's cumulative defence-spending multiplier.

    For +10% defence spending over 8 quarters from Q1 of ``year`` (:func:`multiplier_values`, scenario vs baseline).

    Parameters
    ----------
    params : pd.Series
        The parameter set.
    year : int
        First year of the impulse (a projection year, so that history is unaffected).
    baseline : pd.DataFrame, optional
        The baseline simulated with ``params`` (recomputed when not given or too short).

    Returns
    -------
    float
        Cumulative real GDP change per unit of cumulative real defence-spending change.

    Raises
    ------
    ParameterError, ScenarioError
        For invalid parameters or a year outside the simulated horizon (see
        :func:`twosector.simulation.simulate`).
    """
    from twosector.simulation import simulate

    end = str(pd.Period(f"{year}Q1", freq="Q") + IMPULSE_QUARTERS - 1)
    if baseline is None or pd.Period(end, freq="Q") not in baseline.index:
        baseline = simulate("baseline", params=params, end=end)
    scen = simulate(impulse_scenario(year), params=params, end=end)
    baseline = baseline.loc[:end]
    arrays = [{k: f[k].to_numpy(dtype=float)[None, :] for k in ("gdp", "nominal_gdp", "defence_spending")}
              for f in (baseline, scen)]
    return float(multiplier_values(arrays[0], arrays[1], baseline.index, year)[0])


def fact_table(
    results: pd.DataFrame | None = None,
    params: pd.Series | None = None,
    *,
    kind: str | None = None,
) -> pd.DataFrame:
    """The fact-by-fact table: target, value, tolerance, the model's value and whether it passes.

    Parameters
    ----------
    results : pd.DataFrame, optional
        A simulation with a quarterly PeriodIndex covering every fact's period (:func:`last_quarter`; the
        stability priors look at 2031-2035); default ``simulate("baseline", params)`` to that quarter.
    params : pd.Series, optional
        The parameter set (default: the shipped defaults).
    kind : {"target", "fact"} or None
        Only calibration targets, only other facts, or both (default).

    Returns
    -------
    pd.DataFrame
        Indexed by fact ``name`` (the ``id`` of ``targets.csv``), one row per fact: ``target, kind, period,
        value, tolerance, low, high, model, error, pass, claimed, constructed, evidence, unit, variable,
        statistic``, sources and note. ``pass`` is ``low <= model <= high``; ``claimed`` says whether the model
        claims to reproduce the fact (a test asserts that every claimed fact passes); ``constructed`` says how
        the model is forced towards a fact ("" if it is not); ``evidence`` is True for the facts that are
        neither calibration targets nor constructed.

    Raises
    ------
    TwosectorError
        For an unknown ``kind``.
    DataError
        If ``results`` do not cover a fact's period or variable.
    ParameterError
        For invalid ``params``.

    Examples
    --------
    >>> facts = fact_table()
    >>> facts.loc["milex_gdp_2024", ["value", "tolerance"]].tolist()
    [7.1, 1.0]
    """
    if params is None:
        from twosector.params import default_params

        params = default_params()
    if results is None:
        from twosector.simulation import simulate

        t = targets(kind)
        results = simulate("baseline", params=params, end=max(DEFAULT_END, last_quarter(t)))
    t = targets(kind)
    t["model"] = [model_value(results, params, r) for _, r in t.iterrows()]
    t["error"] = t["model"] - t["value"]
    t["pass"] = (t["model"] >= t["low"] - 1e-9) & (t["model"] <= t["high"] + 1e-9)
    t["pass"] = t["pass"] & np.isfinite(t["model"])
    return t[TABLE_COLUMNS].set_index("id").rename_axis("name")
