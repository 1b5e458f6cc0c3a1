"""Pseudo-out-of-sample backtest: re-estimate and re-calibrate at a cut-off, project, compare with data.

For each cut-off quarter, :func:`backtest` calls :func:`twosector.calibration.calibrate` on the data up to
that quarter (every series is cut at the cut-off before anything is estimated, and only targets whose
period ends by then are used), simulates the baseline with the *actual* exogenous paths of the full data
set (defence spending, Urals price, ruble, mobilisation, recruitment, emigration, sanction wedges are
treated as given, as in a conditional forecast; the key rate follows the data only up to the cut-off and
the re-estimated Taylor rule after it; the calibration fits those same paths,
:func:`twosector.calibration.conditional_fit`), and compares the projection for the next ``horizon`` quarters
with the observed data. A no-change forecast (the last observation before the cut-off) is reported alongside
as a benchmark.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from twosector.calendar import DATA_CUTOFF, PREWAR_END, parse_quarter
from twosector.errors import TwosectorError

__all__ = ["backtest", "backtest_summary", "BACKTEST_VARIABLES", "DEFAULT_CUTOFFS"]

#: model column -> quarterly data series it is compared with
BACKTEST_VARIABLES: dict[str, str] = {
    "gdp_growth": "gdp_growth_q",
    "cpi_inflation": "cpi_yoy_q",
    "key_rate": "key_rate_q",
    "unemployment_rate": "unemployment_q",
}

#: the cut-offs of the backtest in the calibration report and in docs/calibration.md
DEFAULT_CUTOFFS: tuple[str, ...] = ("2022Q4", "2023Q2", "2023Q4")

COLUMNS = ["cutoff", "variable", "h", "quarter", "forecast", "actual", "error", "naive", "naive_error"]


def backtest(
    end: str | Sequence[str] = DEFAULT_CUTOFFS,
    horizon: int = 4,
    data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Forecast errors of the model re-estimated and re-calibrated at one or several cut-offs.

    Parameters
    ----------
    end : str or sequence of str, default ("2022Q4", "2023Q2", "2023Q4")
        Cut-off quarter(s): the last quarter of data used for estimation and calibration.
    horizon : int, default 4
        Quarters ahead to evaluate (1 to 12).
    data : None, folder or mapping
        The data (see :func:`twosector.estimation.load_inputs`); default the shipped data set.

    Returns
    -------
    pd.DataFrame
        One row per cut-off, variable and horizon with an observation: ``cutoff, variable, h, quarter,
        forecast, actual, error`` (forecast - actual) and the no-change benchmark ``naive, naive_error``.
        Quarters without an observation (e.g. GDP 2023Q2-Q4) are left out.

    Raises
    ------
    TwosectorError
        For no cut-off, a cut-off that is not a quarter or lies outside 2021Q4-2024Q3, or a horizon
        outside 1-12.
    DataError
        If the data are missing or invalid.
    """
    from twosector.calibration import conditional_fit
    from twosector.estimation import cut_at, load_inputs
    from twosector.simulation import simulate

    cutoffs = [end] if isinstance(end, str | pd.Period) else list(end)
    if not cutoffs:
        raise TwosectorError("backtest: end must name at least one cut-off quarter, got none")
    if not isinstance(horizon, int | np.integer) or not 1 <= int(horizon) <= 12:
        raise TwosectorError(f"backtest: horizon must be an integer from 1 to 12, got {horizon!r}")
    last = DATA_CUTOFF
    quarters = []
    for c in cutoffs:
        q = parse_quarter(c, "backtest: cut-off")
        if not PREWAR_END <= q < last:
            raise TwosectorError(
                f"backtest: cut-off {c!r} must be between {PREWAR_END} and {last - 1} (data end {last})")
        quarters.append(q)

    actual = load_inputs(data, last, ids=tuple(BACKTEST_VARIABLES.values()))
    rows = []
    for q in quarters:
        # the key rate follows the data only up to the cut-off; afterwards the re-estimated Taylor rule ([R2]);
        # the calibration fits the same paths the forecast runs on
        cal, given = conditional_fit(q, data)
        sim = simulate("baseline", params=cal.params, exog=given, end=str(q + int(horizon)))
        for var, sid in BACKTEST_VARIABLES.items():
            known = cut_at(actual[sid], q).dropna()
            naive = float(known.iloc[-1]) if len(known) else np.nan
            for h in range(1, int(horizon) + 1):
                t = q + h
                obs = actual[sid].get(t, np.nan)
                if t > last or not np.isfinite(obs):
                    continue
                f = float(sim.loc[t, var])
                rows.append({
                    "cutoff": str(q), "variable": var, "h": h, "quarter": str(t), "forecast": f,
                    "actual": float(obs), "error": f - float(obs), "naive": naive,
                    "naive_error": naive - float(obs),
                })
    return pd.DataFrame(rows, columns=COLUMNS)


def backtest_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """Root-mean-square and mean errors by variable and horizon, model vs the no-change benchmark.

    Parameters
    ----------
    errors : pd.DataFrame
        The output of :func:`backtest`.

    Returns
    -------
    pd.DataFrame
        One row per variable and horizon: ``variable, h, n, rmse, mean_error, naive_rmse``.

    Raises
    ------
    Nothing of its own.
    """
    g = errors.groupby(["variable", "h"], sort=True)
    out = pd.DataFrame({
        "n": g["error"].size(),
        "rmse": g["error"].apply(lambda e: float(np.sqrt(np.mean(np.square(e))))),
        "mean_error": g["error"].mean(),
        "naive_rmse": g["naive_error"].apply(lambda e: float(np.sqrt(np.mean(np.square(e))))),
    })
    return out.reset_index()
