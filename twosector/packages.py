"""Sanction packages on one scale: a common measure of pressure, packages of equal pressure, gradual vs sudden.

A lever's **pressure** is the direct loss it imposes on Russia's economy, before any response of the model
(no substitution, no price, wage, rate or budget reaction), in one unit for every lever: **% of 2021 GDP a
year** at the lever's path (intensity x timing profile). It measures the *size* of a package, not its effect:
the effect is what the model says, so effects per unit of pressure compare how hard different levers bite.
Per unit of intensity at full strength (``docs/model.md`` section 2, "Pressure"):

- ``input_sanctions``: the critical inputs stopped plus the markup paid on those still bought, at their cost
  share ``ω̄`` of output (the sectors' ``critical_input_share_*`` weighted by ``military_va_share``):
  ``100 ω̄ (input_cut_max + (1 − input_cut_max) sanction_markup_max / 100)``;
- ``secondary_sanctions``: the same for ``secondary_cut_max`` and ``secondary_markup_max``, plus the settlement
  cost ``secondary_settlement_max`` on all imports and exports (their 2022 shares of GDP, customs data);
- ``tech_controls``: the productivity loss at the lever's target, ``100 tech_drag_max`` weighted by sector
  exposure (the drag builds over years; the pressure counts what the lever imposes, the lag is the response);
- ``skilled_emigration``: the labour lost in a year, ``skilled_productivity`` workers per emigrant, at the
  labour elasticity ``1 − capital_share`` over no-war civilian employment;
- ``oil_price_cap``: the oil-and-gas budget revenue lost per USD/bbl at the 2021 ruble [B1] (exporters' losses
  beyond the taxes are not in the model).

``defence_spending`` and ``ceasefire`` are Russia's own choices, not external pressure: their pressure is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from twosector.calendar import DEFAULT_END, FIRST_LEVER_QUARTER, LAST_QUARTER, PROJECTION_START
from twosector.calendar import parse_quarter as _quarter
from twosector.errors import ScenarioError, TwosectorError

__all__ = [
    "PRESSURE_UNIT", "PRESSURE_LEVERS", "DISCOUNT_RATE", "KEY_OUTPUTS", "pressure_rates", "pressure_path",
    "pressure", "scale_to_pressure", "effects_per_pressure", "gradual_vs_sudden", "PRESSURE_RTOL",
]

PRESSURE_UNIT = "% of 2021 GDP a year"
PRESSURE_LEVERS = ("input_sanctions", "secondary_sanctions", "tech_controls", "skilled_emigration", "oil_price_cap")
#: discount rate of :func:`gradual_vs_sudden` (% a year): the social time preference rate of HM Treasury's
#: Green Book (3.5%), a common public-policy choice; a parameter of the function
DISCOUNT_RATE = 3.5
#: outputs compared by :func:`gradual_vs_sudden` and :func:`effects_per_pressure`, with the sign that means "worse
#: for Russia's economy" (+1: higher is worse): lower output (civilian and military alike), income and GDP, higher
#: strain; for ``output_military`` the worse design is the one that cuts the war economy's output more
KEY_OUTPUTS: dict[str, int] = {"output_civilian": -1, "real_disposable_income": -1, "strain_index": 1, "gdp": -1,
                               "output_military": -1}


#: :func:`gradual_vs_sudden` compares designs of the same cumulative pressure: it refuses two whose pressures over
#: their whole paths differ by more than this share of the larger. Intensities copied with three significant digits
#: (from :func:`scale_to_pressure`'s output into a TOML file) move a package's pressure by under 0.1%; a design
#: really larger or smaller than the other (a package against the baseline's 0) is far outside it
PRESSURE_RTOL = 0.01


def _params(params: Any) -> pd.Series:
    from twosector.params import resolve_params

    table = resolve_params(params)
    if len(table) != 1:
        raise TwosectorError(f"params: {len(table)} draws given; allowed: one set of parameters (a mapping or "
                             "a Series) for the pressure of a package")
    return table.iloc[0]


def _annual(name: str, year: int) -> float:
    """One annual value of the data set (``data/``)."""
    from twosector.data import series

    return float(series(name).loc[str(year)])


def _trade_shares() -> tuple[float, float]:
    """Goods imports and exports as shares of GDP in 2022 (customs data, the 2022 ruble and nominal GDP)."""
    ruble, gdp = _annual("usd_rub", 2022), _annual("gdp_nominal", 2022)
    value = [_annual(name, 2022) * ruble / 1000 / gdp for name in ("imports_usd", "exports_usd")]
    return value[0], value[1]


def pressure_rates(params: Mapping[str, float] | pd.Series | None = None) -> pd.Series:
    """The pressure of each lever per unit of intensity at full strength (% of 2021 GDP a year).

    Parameters
    ----------
    params : mapping or Series, optional
        One set of parameters (default :func:`twosector.default_params`); missing names take their defaults.

    Returns
    -------
    pd.Series
        Indexed by every lever of :data:`twosector.scenarios.LEVERS` (0 for levers that are not pressure).

    Raises
    ------
    ParameterError
        For unknown parameter names or values outside their range.
    TwosectorError
        For more than one draw.
    """
    from twosector.scenarios import LEVERS

    p = _params(params)
    w = p["military_va_share"] / 100
    omega = (1 - w) * p["critical_input_share_civ"] + w * p["critical_input_share_mil"]
    imports, exports = _trade_shares()
    l_bar = p["labour_force_2021"] * (1 - p["unemployment_natural"] / 100) - p["employment_military_2021"]
    ruble_2021 = _annual("usd_rub", 2021)
    def inputs(cut: float, markup: float) -> float:  # critical inputs stopped + the markup on the rest, % of GDP
        return 100 * omega * (cut + (1 - cut) * markup / 100)

    rates = {
        "input_sanctions": inputs(p["input_cut_max"], p["sanction_markup_max"]),
        "secondary_sanctions": inputs(p["secondary_cut_max"], p["secondary_markup_max"])
        + p["secondary_settlement_max"] * (imports + exports),
        "tech_controls": 100 * p["tech_drag_max"] * ((1 - w) + w * p["military_tech_exposure"]),
        "skilled_emigration": 100 * (1 - w) * (1 - p["capital_share"]) * p["skilled_productivity"] / l_bar,
        "oil_price_cap": 100 * 4 * p["oil_revenue_coef"] * ruble_2021 / 1000 / p["nominal_gdp_2021"],
    }
    out = pd.Series({name: float(rates.get(name, 0.0)) for name in LEVERS}, name=PRESSURE_UNIT)
    out.index.name = "lever"
    return out


def pressure_path(scenario: Any, params: Mapping[str, float] | pd.Series | None = None,
                  end: str | pd.Period = DEFAULT_END) -> pd.DataFrame:
    """The pressure of a scenario quarter by quarter, per lever and in total (% of 2021 GDP a year).

    Parameters
    ----------
    scenario : scenario-like
        Anything :func:`twosector.load_scenario` takes.
    params : mapping or Series, optional
        See :func:`pressure_rates`.
    end : str or Period, default :data:`~twosector.calendar.DEFAULT_END`
        Last quarter (the path starts at :data:`~twosector.calendar.FIRST_LEVER_QUARTER`).

    Returns
    -------
    pd.DataFrame
        Index quarters, one column per pressure lever (rate x intensity x profile) and ``total``.

    Raises
    ------
    ScenarioError, ParameterError, TwosectorError
        For a bad scenario, parameters or quarter.
    """
    from twosector.scenarios import lever_paths, load_scenario

    last = _quarter(end, "end", ScenarioError)
    if not FIRST_LEVER_QUARTER <= last <= LAST_QUARTER:
        raise ScenarioError(f"end: {str(last)!r} is not allowed; allowed: a quarter from {FIRST_LEVER_QUARTER} to "
                            f"{LAST_QUARTER}, the quarters a lever may reach")
    index = pd.period_range(FIRST_LEVER_QUARTER, last, freq="Q")
    rates = pressure_rates(params)
    paths = lever_paths(load_scenario(scenario), index)
    out = pd.DataFrame({name: rates[name] * paths[name] for name in PRESSURE_LEVERS}, index=index)
    out["total"] = out.sum(axis=1)
    out.index.name = "quarter"
    return out


def _window(window: Any) -> tuple[pd.Period, pd.Period]:
    """The quarters of a pressure window ``(start, end)``, start not after end."""
    if isinstance(window, (str, bytes)) or not isinstance(window, Sequence) or len(window) != 2:
        raise ScenarioError(f"window: {window!r} is not allowed; allowed: two quarters (start, end), e.g. "
                            "('2025Q1', '2030Q4')")
    start, end = (_quarter(q, f"window[{i}]", ScenarioError) for i, q in enumerate(window))
    if start > end:
        raise ScenarioError(f"window: {tuple(str(q) for q in window)!r} starts after it ends; allowed: (start, end) "
                            f"with start at or before end, e.g. ({str(end)!r}, {str(start)!r})")
    if start < FIRST_LEVER_QUARTER or end > LAST_QUARTER:
        raise ScenarioError(f"window: {tuple(str(q) for q in window)!r} is not allowed; allowed: quarters from "
                            f"{FIRST_LEVER_QUARTER} to {LAST_QUARTER}, the quarters a lever may reach")
    return start, end


def pressure(scenario: Any, params: Mapping[str, float] | pd.Series | None = None,
             window: tuple[str | pd.Period, str | pd.Period] | None = None) -> float:
    """A package's pressure in one number.

    Parameters
    ----------
    scenario : scenario-like
        Anything :func:`twosector.load_scenario` takes.
    params : mapping or Series, optional
        See :func:`pressure_rates`.
    window : (start, end), optional
        Without it, the **first-year pressure**: the average of the total over the four quarters from the
        first start of a pressure lever (% of 2021 GDP a year; 0 without pressure levers). With it, the
        **cumulative pressure** over the window: the total summed over its quarters / 4 (% of 2021 GDP x years).

    Returns
    -------
    float

    Raises
    ------
    ScenarioError
        For a bad scenario or quarter, or a ``window`` that is not two quarters, the first not after the second.
    ParameterError, TwosectorError
        For bad parameters.

    Examples
    --------
    >>> pressure("baseline")
    0.0
    >>> [round(pressure(s, window=("2025Q1", "2030Q4")), 1) for s in ("broad_front", "sudden_shock")]
    [29.2, 29.2]
    """
    from twosector.scenarios import load_scenario

    scn = load_scenario(scenario)
    if window is not None:
        start, end = _window(window)
        path = pressure_path(scn, params, max(end, FIRST_LEVER_QUARTER))["total"]
        return float(path.loc[start:end].sum() / 4)
    starts = [lever.start for name, lever in scn.levers.items() if name in PRESSURE_LEVERS]
    if not starts:
        return 0.0
    first = min(starts)
    path = pressure_path(scn, params, min(first + 3, LAST_QUARTER))["total"]
    return float(path.loc[first:first + 3].mean())


def scale_to_pressure(scenario: Any, target: float, params: Mapping[str, float] | pd.Series | None = None,
                      window: tuple[str | pd.Period, str | pd.Period] | None = None, name: str | None = None) -> Any:
    """Scale every pressure lever of a package by one factor so that its pressure equals ``target``.

    Parameters
    ----------
    scenario : scenario-like
        The package; its timing (start, ramp, end) and other levers are kept.
    target : float
        The pressure wanted, in the unit of :func:`pressure` with the same ``window``.
    params, window
        See :func:`pressure`.
    name : str, optional
        Name of the new scenario (default ``<name>_at_<target>``).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the package has no pressure, the target is negative or not a number, or a scaled intensity leaves
        its lever's range (the message names the lever, the intensity needed and the range).
    """
    from dataclasses import replace

    from twosector.scenarios import load_scenario

    scn = load_scenario(scenario)
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not np.isfinite(target) or target < 0:
        raise ScenarioError(f"target: {target!r} is not allowed; allowed: a pressure >= 0 ({PRESSURE_UNIT})")
    now = pressure(scn, params, window)
    if now <= 0:
        raise ScenarioError(f"scenario {scn.name!r} has no pressure to scale; allowed: a package with one of "
                            f"{', '.join(PRESSURE_LEVERS)}")
    factor = target / now
    for lever in (lv for key, lv in scn.levers.items() if key in PRESSURE_LEVERS):
        scn = scn.with_lever(lever.name, intensity=lever.intensity * factor)
    return replace(scn, name=name or f"{scn.name}_at_{target:g}",
                   description=f"{scn.description} (scaled x{factor:.3g} to a pressure of {target:g})")


def _diffs(scenarios: Mapping[str, Any], variables: Sequence[str], params: Any, end: str) -> dict[str, pd.DataFrame]:
    from twosector.simulation import simulate

    base = simulate("baseline", params, end=end, variables=list(variables))
    return {label: simulate(scn, params, end=end, variables=list(variables)) - base
            for label, scn in scenarios.items()}


def effects_per_pressure(scenarios: Sequence[Any] | Mapping[str, Any], year: int = 2027,
                         variables: Sequence[str] = tuple(KEY_OUTPUTS),
                         params: Mapping[str, float] | pd.Series | None = None) -> pd.DataFrame:
    """Effects of packages vs the baseline in one year, in total and per unit of first-year pressure.

    Parameters
    ----------
    scenarios : sequence or mapping of scenario-like
        The packages (a mapping gives them labels).
    year : int, default 2027
        The year averaged (within the model's horizon, at most 2050).
    variables : sequence of str
        Outputs compared (default :data:`KEY_OUTPUTS`).
    params : mapping or Series, optional
        One set of parameters, used by the model and the pressure.

    Returns
    -------
    pd.DataFrame
        Index scenario; columns ``pressure`` (first-year, % of 2021 GDP a year), then per variable
        ``<variable>`` (the year's average difference vs the baseline, in the variable's unit) and
        ``<variable>_per_pressure`` (that difference / pressure; NaN for packages without pressure).

    Raises
    ------
    ScenarioError, ParameterError, TwosectorError
        For bad scenarios, variables, parameters or year.
    """
    from twosector.scenarios import load_scenario

    items = dict(scenarios) if isinstance(scenarios, Mapping) else {load_scenario(s).name: s for s in scenarios}
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not 2022 <= year <= LAST_QUARTER.year:
        raise TwosectorError(f"year: {year!r} is not allowed; allowed: a whole year 2022-{LAST_QUARTER.year}")
    diffs = _diffs(items, variables, params, f"{max(year, DEFAULT_END.year)}Q4")
    rows = {}
    for label, diff in diffs.items():
        size = pressure(items[label], params)
        row = {"pressure": size}
        for v in variables:
            effect = float(diff[v].loc[str(year)].mean())
            row[v] = effect
            row[f"{v}_per_pressure"] = effect / size if size > 0 else np.nan
        rows[label] = row
    out = pd.DataFrame(rows).T
    out.index.name = "scenario"
    return out


def _same_pressure(designs: Mapping[str, Any], params: Any) -> None:
    """Refuse designs whose cumulative pressures over their whole paths differ beyond :data:`PRESSURE_RTOL`.

    Whole paths, to :data:`~twosector.calendar.LAST_QUARTER`: a package equal to another only up to a horizon
    (one that goes on after it) would let the horizon decide the ranking, which is what the comparison rules out.
    """
    totals = {role: float(pressure_path(scn, params, LAST_QUARTER)["total"].sum() / 4)
              for role, scn in designs.items()}
    low, high = sorted(totals.values())
    if high - low > PRESSURE_RTOL * high:
        g, s = designs["gradual"].name, designs["sudden"].name
        raise ScenarioError(
            f"gradual, sudden: the cumulative pressure of the whole path (to {LAST_QUARTER}) is "
            f"{totals['gradual']:.2f} for {g!r} and {totals['sudden']:.2f} for {s!r} (% of 2021 GDP x years); "
            f"allowed: two designs of the same cumulative pressure, within {PRESSURE_RTOL:.0%} "
            f"(twosector.scale_to_pressure(package, pressure, window=({str(FIRST_LEVER_QUARTER)!r}, "
            f"{str(LAST_QUARTER)!r})) scales a package to it; a package that never ends has more pressure the "
            "longer the model runs)")


def gradual_vs_sudden(gradual: Any = "broad_front", sudden: Any = "sudden_shock",
                      horizons: Sequence[str | pd.Period] = ("2027Q4", "2030Q4", "2035Q4"),
                      rate: float = DISCOUNT_RATE, variables: Sequence[str] = tuple(KEY_OUTPUTS),
                      params: Mapping[str, float] | pd.Series | None = None,
                      start: str | pd.Period = PROJECTION_START) -> pd.DataFrame:
    """Compare a gradual and a sudden package at several horizons and in a discounted sum.

    For each horizon, each design's cumulative difference vs the baseline from ``start`` to the horizon
    (variable's unit x years: quarterly differences summed / 4) and its cumulative pressure over the same
    quarters; the row ``discounted`` sums to the last horizon with weights ``(1 + rate/100)^-(years from
    start)``. ``worse`` names the design that does more harm on each variable (the sign of :data:`KEY_OUTPUTS`:
    lower output, civilian or military, income and GDP, higher strain; "equal" within 1e-9). The two designs must
    put the same cumulative pressure on the economy over their whole paths (to
    :data:`~twosector.calendar.LAST_QUARTER`, within :data:`PRESSURE_RTOL`): they may differ only in timing.

    Parameters
    ----------
    gradual, sudden : scenario-like
        The two designs (default the built-in ``broad_front`` and ``sudden_shock``, equal pressure over
        2025Q1-2030Q4 and none after).
    horizons : sequence of quarters
        Ends of the cumulative sums (at most :data:`~twosector.calendar.LAST_QUARTER`).
    rate : float, default :data:`DISCOUNT_RATE`
        Discount rate, % a year (0 to 20).
    variables : sequence of str
        Outputs compared (default :data:`KEY_OUTPUTS`).
    params : mapping or Series, optional
        One set of parameters.
    start : str or Period, default :data:`~twosector.calendar.PROJECTION_START`
        First quarter summed.

    Returns
    -------
    pd.DataFrame
        Index ``horizon`` (the horizons, then ``discounted``); columns MultiIndex ``(item, design)``: item
        ``pressure`` and each variable with design ``gradual`` / ``sudden``, and ``(variable, "worse")``.

    Raises
    ------
    ScenarioError
        For bad scenarios or quarters, or designs whose cumulative pressures over their whole paths differ by
        more than :data:`PRESSURE_RTOL` (the message names both).
    ParameterError, TwosectorError
        For bad variables, parameters or rate.
    """
    from twosector.scenarios import load_scenario

    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 20:
        raise TwosectorError(f"rate: {rate!r} is not allowed; allowed: a discount rate in [0, 20] (% a year)")
    first = _quarter(start, "start", ScenarioError)
    ends = sorted(_quarter(h, "horizons", ScenarioError) for h in horizons)
    if not ends or ends[0] < first or ends[-1] > LAST_QUARTER:
        raise ScenarioError(f"horizons: {[str(h) for h in ends]} is not allowed; allowed: quarters from "
                            f"{first} to {LAST_QUARTER}")
    designs = {"gradual": load_scenario(gradual), "sudden": load_scenario(sudden)}
    _same_pressure(designs, params)
    diffs = _diffs(designs, variables, params, str(max(ends[-1], DEFAULT_END)))
    years = np.asarray([(q - first).n for q in diffs["gradual"].loc[first:ends[-1]].index]) / 4
    weights = pd.Series((1 + rate / 100) ** -years, index=diffs["gradual"].loc[first:ends[-1]].index)
    rows: dict[str, dict[tuple[str, str], Any]] = {}
    for label, end, w in [(str(e), e, None) for e in ends] + [("discounted", ends[-1], weights)]:
        row: dict[tuple[str, str], Any] = {}
        for design, scn in designs.items():
            path = pressure_path(scn, params, max(end, first))["total"].reindex(weights.index, fill_value=0.0)
            part = diffs[design].loc[first:end]
            scale = w.loc[first:end] if w is not None else 1.0
            row[("pressure", design)] = float((path.loc[first:end] * scale).sum() / 4)
            for v in variables:
                row[(v, design)] = float((part[v] * scale).sum() / 4)
        for v in variables:
            gap = KEY_OUTPUTS.get(v, -1) * (row[(v, "gradual")] - row[(v, "sudden")])
            row[(v, "worse")] = "equal" if abs(gap) < 1e-9 else ("gradual" if gap > 0 else "sudden")
        rows[label] = row
    out = pd.DataFrame(rows).T
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["item", "design"])
    out.index.name = "horizon"
    return out
