"""Plausibility of simulated paths: the plausibility bounds and the rows that break them.

A result outside these bounds is a failure of the model or of a parameter range, not a forecast: the
command line reports it (:func:`check_plausible`) instead of printing it, and a Monte Carlo can drop or
count the draws that break them (:func:`implausible_draws`). The bounds are wide on purpose: they do not
judge a scenario, they catch blow-ups (an inflation of 10,000%, a strain index of 400,000).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from twosector.errors import ImplausibleError
from twosector.variables import VARIABLES

__all__ = ["BOUNDS", "plausibility", "implausible_draws", "out_of_bounds", "check_plausible"]

#: variable -> (lowest, highest) plausible value, the bounds of the plausibility check: CPI inflation
#: y/y (%), the key rate (% per year), the unemployment rate (%), civilian and military output (index, 2021 =
#: 100) and the strain index. Russia's CPI inflation peaked at 17.8% y/y in 2022 and 84% in 1998-99, its key rate
#: at 21% (2024) and its unemployment at 13% (1998, Rosstat); the output bounds are a fifth and five times the
#: 2021 level. NaN and infinite values are never plausible.
BOUNDS: dict[str, tuple[float, float]] = {
    "cpi_inflation": (-5.0, 60.0),
    "key_rate": (0.0, 40.0),
    "unemployment_rate": (0.5, 20.0),
    "output_civilian": (20.0, 500.0),
    "output_military": (20.0, 500.0),
    "strain_index": (-15.0, 15.0),
}

COLUMNS = ["variable", "quarter", "value", "low", "high"]


def _checked(frame: pd.DataFrame, bounds: Mapping[str, tuple[float, float]] | None) -> dict[str, tuple[float, float]]:
    """The bounds of the variables ``frame`` holds (the top column level for a frame of draws)."""
    names = set(frame.columns.get_level_values(0))
    return {name: b for name, b in (BOUNDS if bounds is None else bounds).items() if name in names}


def plausibility(frame: pd.DataFrame, bounds: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """The values of a simulation outside their plausible bounds, one row each.

    Parameters
    ----------
    frame : pd.DataFrame
        A result of :func:`twosector.simulate`: one column per variable, or a MultiIndex ``(variable, draw)``
        for a frame of draws; quarters as index. Variables without a bound are ignored, bounds of variables
        the frame lacks too.
    bounds : mapping of str -> (float, float), optional
        ``variable -> (low, high)``; default :data:`BOUNDS`. A value is implausible when it is below ``low``,
        above ``high``, NaN or infinite.

    Returns
    -------
    pd.DataFrame
        Columns ``variable, quarter, value, low, high`` (with ``draw`` first for a frame of draws), one row per
        implausible value, ordered by draw, quarter and variable; empty when every value is plausible.

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> import twosector
    >>> twosector.plausibility(twosector.simulate("baseline")).empty
    True
    """
    multi = frame.columns.nlevels > 1
    parts = []
    for name, (low, high) in _checked(frame, bounds).items():
        block = frame[name] if multi else frame[[name]]
        values = block.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values < low) | (values > high)
        rows, cols = np.nonzero(bad)
        part = pd.DataFrame({"variable": name, "quarter": block.index[rows], "value": values[rows, cols],
                             "low": low, "high": high})
        if multi:
            part.insert(0, "draw", block.columns[cols])
        parts.append(part)
    keys = ["draw", "quarter", "variable"] if multi else ["quarter", "variable"]
    if not parts:
        return pd.DataFrame(columns=keys[:1] * multi + COLUMNS)
    out = pd.concat(parts, ignore_index=True).sort_values(keys, kind="stable")
    return out.reset_index(drop=True)


def implausible_draws(frame: pd.DataFrame, bounds: Mapping[str, tuple[float, float]] | None = None) -> pd.Series:
    """Which draws of a Monte Carlo leave the plausible bounds, and where first.

    Parameters
    ----------
    frame : pd.DataFrame
        A result of :func:`twosector.simulate` with a DataFrame of parameter draws (columns ``(variable,
        draw)``), or of a single run (treated as one draw labelled 0).
    bounds : mapping of str -> (float, float), optional
        As in :func:`plausibility`.

    Returns
    -------
    pd.Series
        Boolean, indexed by draw (every draw of ``frame``): True where any bounded variable leaves its bounds
        in any quarter. ``attrs["first"]`` holds the first implausible row of each failing draw (the frame of
        :func:`plausibility`, one row per draw).

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> import pandas as pd, twosector
    >>> draws = pd.DataFrame({"phillips_slope": [0.1, 0.3]})
    >>> twosector.implausible_draws(twosector.simulate("baseline", params=draws)).tolist()
    [False, False]
    """
    if frame.columns.nlevels == 1:
        frame = pd.concat({0: frame}, axis=1).swaplevel(axis=1)
    rows = plausibility(frame, bounds)
    draws = pd.Index(frame.columns.get_level_values(1).unique(), name="draw")
    out = pd.Series(draws.isin(rows["draw"]), index=draws, name="implausible")
    out.attrs["first"] = rows.groupby("draw", sort=False).head(1).reset_index(drop=True)
    return out


def out_of_bounds(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Which draws of an engine run leave the plausibility bounds, variable by variable (the arrays' check).

    Parameters
    ----------
    arrays : dict of str -> array (draws, quarters)
        The engine's outputs (:func:`twosector.simulation.run_draws`), with every variable of :data:`BOUNDS`.

    Returns
    -------
    dict of str -> np.ndarray
        Bounded variable -> boolean ``(draws,)``: not finite, or outside its bounds, in some quarter.

    Raises
    ------
    KeyError
        If a bounded variable is missing.
    """
    out: dict[str, np.ndarray] = {}
    for v, (low, high) in BOUNDS.items():
        a = arrays[v]
        with np.errstate(invalid="ignore"):  # NaN fails both comparisons, infinities one of them
            inside = a >= low
            inside &= a <= high
        out[v] = np.logical_not(inside.all(axis=1))
    return out


def check_plausible(frame: pd.DataFrame, overrides: Sequence[str] = (), *,
                    bounds: Mapping[str, tuple[float, float]] | None = None) -> None:
    """Raise if a single run leaves the plausible bounds: name the variable, the first quarter and its value.

    Parameters
    ----------
    frame : pd.DataFrame
        A result of :func:`twosector.simulate` for one parameter set.
    overrides : sequence of str
        What the user changed, as they wrote it (``"--param input_elasticity=0.2"``,
        ``"--set input_sanctions=0.82"``), named in the message.
    bounds : mapping of str -> (float, float), optional
        As in :func:`plausibility`.

    Raises
    ------
    ImplausibleError
        When any value is implausible. The message names the first implausible value (the earliest quarter;
        within it the first variable of :data:`BOUNDS`), its bounds, the other variables that leave theirs and
        the overrides.
    """
    rows = plausibility(frame, bounds)
    if rows.empty:
        return
    order = {name: i for i, name in enumerate(BOUNDS if bounds is None else bounds)}
    rows = rows.assign(rank=rows["variable"].map(order)).sort_values(["quarter", "rank"], kind="stable")
    first = rows.iloc[0]
    others = [v for v in dict.fromkeys(rows["variable"]) if v != first["variable"]]
    also = f"; also out of bounds: {', '.join(others)}" if others else ""
    changed = "; ".join(overrides) if overrides else "none (the shipped parameters and the scenario's levers)"
    unit = VARIABLES[first["variable"]][0] if first["variable"] in VARIABLES else ""
    raise ImplausibleError(
        f"implausible result, not shown: {first['variable']} reaches {first['value']:,.4g} {unit} in "
        f"{first['quarter']}, the first quarter outside its plausible range {first['low']:g} to {first['high']:g}"
        f"{also}. Overrides: {changed}. The model cannot carry this combination of parameters and levers "
        f"(bounds: twosector.plausible.BOUNDS; parameter ranges: twosector.param_table())."
    )
