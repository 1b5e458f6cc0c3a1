"""Forecast scoreboard: the model's forecasts with the information of the time against the professionals'.

For each vintage cut-off (the last quarter of a year), :func:`forecast_scoreboard` re-estimates and re-calibrates
the model on the data up to the cut-off (:func:`twosector.calibration.calibrate` with ``end=cutoff``) and
projects the next calendar year twice (``docs/calibration.md``, section 7):

- ``twosector (information set)``: ``exog.paths(end_history=cutoff)``, only what was known at the cut-off: the
  observations whose period has ended, the budget laws adopted by then (:data:`twosector.exog.BUDGET_LAWS`),
  the last observed Urals price and ruble, after which the documented projection assumptions apply (the
  engine's exchange-rate rule, the Taylor rule for the key rate, ...);
- ``twosector (realised exogenous)``: the exogenous inputs of the whole data set (through 2024: defence spending
  outturns, Urals, ruble, recruitment, sanctions, the GDP deflator and NWF anchors, and the households'
  inflation-expectations survey, which is observed data too), with the key rate conditioned on its data only
  up to the cut-off (:func:`twosector.exog.condition_rate`): the key rate is one of the scored variables, so
  the Taylor rule sets it afterwards, as in the backtest. Its parameters are calibrated at the same cut-off on
  these inputs (``calibrate(end=cutoff, exog=...)``): inputs measured only later (the 2022-24 sanctions markup,
  published in 2024) are then in the history it was fitted to as well as in the one it runs on.

The realised-exogenous row's error is the structure's error (with the parameters of the time); the difference
between the two rows is the error of the assumptions. Each is compared with the professional forecasts of the
same vintage (``data/forecasts/``, :func:`twosector.data.load_forecasts`): per forecaster its latest release
published by the cut-off, a range at its midpoint, and the median over forecasters. Outcomes are the series
the forecast table names (``outcome_series`` at ``outcome_period``), first outcome recorded (the rule of
``data/README.md``, "GDP vintages": forecasters are judged on the figure published about a year later), with
the latest outcome alongside.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from twosector.calendar import DATA_CUTOFF, PREWAR_END, parse_quarter
from twosector.errors import TwosectorError

__all__ = ["forecast_scoreboard", "scoreboard_summary", "check_board", "SCOREBOARD_VARIABLES", "DEFAULT_VINTAGES",
           "INFORMATION_SET", "REALISED_EXOGENOUS", "MEDIAN_FORECASTER", "COLUMNS"]

#: forecast variable (:data:`twosector.data.FORECAST_VARIABLES`) -> (model variable, statistic of
#: :func:`twosector.facts.statistic`): the model's counterpart, defined as in ``twosector/targets.csv``
SCOREBOARD_VARIABLES: dict[str, tuple[str, str]] = {
    "gdp_growth": ("gdp", "annual_growth"),  # growth of the annual mean real GDP index
    "cpi_dec": ("cpi_inflation", "q4"),  # Dec/Dec: the fourth quarter's y/y rate
    "key_rate_avg": ("key_rate", "annual_mean"),  # mean of the quarterly averages of the daily rate
    "unemployment_dec": ("unemployment_rate", "q4"),  # December: the fourth quarter's rate
}

#: the vintages of the scoreboard in ``docs/calibration.md``, the calibration notebook and report
DEFAULT_VINTAGES: tuple[str, ...] = ("2022Q4", "2023Q4")

INFORMATION_SET = "twosector (information set)"
REALISED_EXOGENOUS = "twosector (realised exogenous)"
MEDIAN_FORECASTER = "median forecaster"

COLUMNS = ["target_year", "variable", "forecaster", "release", "published", "value", "low", "high", "outcome",
           "error", "outcome_latest", "unit", "is_model", "outcome_series", "outcome_period"]


def _cutoffs(vintages: str | pd.Period | Sequence[str | pd.Period]) -> list[pd.Period]:
    items = [vintages] if isinstance(vintages, str | pd.Period) else list(vintages)
    last = DATA_CUTOFF - 4
    allowed = ", ".join(str(q) for q in pd.period_range(PREWAR_END, last, freq="Q") if q.quarter == 4)
    if not items:
        raise TwosectorError(f"forecast_scoreboard: vintages must name at least one cut-off; allowed: {allowed}")
    out = []
    for v in items:
        try:
            q = parse_quarter(v, "forecast_scoreboard: vintage")
        except TwosectorError as exc:
            raise TwosectorError(f"{exc}; allowed: {allowed}") from None
        if q.quarter != 4 or not PREWAR_END <= q <= last:
            raise TwosectorError(f"forecast_scoreboard: vintage {v!r} must be the fourth quarter of a year whose next "
                                 f"year has outcomes by the data cut-off {DATA_CUTOFF}; allowed: {allowed}")
        if q not in out:
            out.append(q)
    return out


def _outcome(name: str, period: str, vintage: str) -> float:
    """The outcome of a series at a period (``vintage`` "first" or "latest"; never a plan); NaN if none."""
    from twosector.data import series

    if not name:
        return np.nan
    s = series(name, vintage=vintage)
    if s.attrs["vintages"].get(period, "plan") == "plan":
        return np.nan
    return float(dict(zip(map(str, s.index), s, strict=True))[period])


def _model_values(sim: pd.DataFrame, year: int) -> dict[str, float]:
    """The model's value of each scoreboard variable in ``year``."""
    from twosector.facts import statistic

    return {var: float(statistic(sim[col].to_numpy(), sim.index, stat, str(year))[0])
            for var, (col, stat) in SCOREBOARD_VARIABLES.items()}


def _professional(forecasts: pd.DataFrame, cutoff: pd.Period) -> pd.DataFrame:
    """Per forecaster and variable, the latest release published by the end of ``cutoff`` for the next year."""
    f = forecasts[(forecasts["target_year"] == cutoff.year + 1) & forecasts["variable"].isin(SCOREBOARD_VARIABLES)
                  & (forecasts["published_by"] <= cutoff.end_time)]
    f = f.sort_values(["published_by", "file", "line"], kind="stable")
    return f.groupby(["variable", "forecaster"], sort=False).tail(1)


def forecast_scoreboard(vintages: str | Sequence[str] = DEFAULT_VINTAGES) -> pd.DataFrame:
    """The forecast scoreboard: model and professional forecasts of the next year, their outcomes and errors.

    For each cut-off the model is re-estimated and re-calibrated on the data up to it and projects the next
    calendar year twice (the module docstring says how): with the information set of the cut-off and with the
    realised exogenous paths. The professional forecasts are those of ``data/forecasts/`` for that year, one per
    forecaster (its latest release by the cut-off), and their median. Data, forecasts and outcomes come from the
    data folder in use (``$TWOSECTOR_DATA`` or the shipped data set). Runtime: one calibration per cut-off (a
    few seconds to half a minute each).

    Parameters
    ----------
    vintages : str or sequence of str, default ("2022Q4", "2023Q4")
        Cut-off quarters: fourth quarters from 2021Q4 to one year before the data cut-off (2023Q4); the target
        year is the next one.

    Returns
    -------
    pd.DataFrame
        One row per target year, variable and forecaster (:data:`COLUMNS`), in that order with the model's two
        rows (:data:`INFORMATION_SET`, :data:`REALISED_EXOGENOUS`) and the :data:`MEDIAN_FORECASTER` (where the
        vintage has a professional forecast of the variable) first:

        - ``variable``: a key of :data:`SCOREBOARD_VARIABLES` (``gdp_growth`` and ``cpi_dec`` in % y/y,
          ``key_rate_avg`` and ``unemployment_dec`` in %; ``unit``);
        - ``release``, ``published``: the forecast's release and date as in the forecast table; for the model
          the calibration and paths used and the cut-off quarter; for the median the forecasters it is taken
          over;
        - ``value``: the forecast (a range's midpoint; ``low``/``high`` the range, equal to ``value`` for a point
          forecast, NaN for the model and the median);
        - ``outcome``: the first outcome recorded of ``outcome_series`` at ``outcome_period`` (NaN where the data
          set has none), ``outcome_latest`` the latest; ``error = value - outcome``;
        - ``is_model``: True for the model's two rows.

    Raises
    ------
    TwosectorError
        For no vintage, a vintage that is not a fourth quarter from 2021Q4 to 2023Q4.
    DataError
        If the data known at a cut-off lack an exogenous input (:func:`twosector.exog.paths`; e.g. 2021Q4,
        before any share of federal spending in GDP is known), or the data or forecasts are invalid.

    Notes
    -----
    Sources: the forecasts in ``data/forecasts/forecasts.csv`` (each row with its source), the outcomes in the
    data set (``data/``, sources per row), the budget laws in ``data/budget.csv`` and ``data/gdp.csv``
    (vintage ``plan``).
    The model has no filter of its endogenous variables: at the cut-off its state is its own simulated history
    on the data known then.

    Examples
    --------
    >>> SCOREBOARD_VARIABLES["cpi_dec"]  # the model's counterpart of CPI Dec/Dec: its Q4 y/y rate
    ('cpi_inflation', 'q4')
    >>> board = forecast_scoreboard("2023Q4")  # doctest: +SKIP
    >>> board[board["variable"] == "cpi_dec"][["forecaster", "value", "outcome", "error"]]  # doctest: +SKIP
    """
    from twosector import exog
    from twosector.calibration import calibrate, conditional_fit
    from twosector.data import FORECAST_VARIABLES, load_forecasts
    from twosector.simulation import simulate

    cutoffs = _cutoffs(vintages)
    forecasts = load_forecasts()
    rows = []
    for q in cutoffs:
        year, end = q.year + 1, f"{q.year + 1}Q4"
        params = calibrate(end=str(q)).params
        informed = simulate("baseline", params=params, exog=exog.paths(end_history=q, end=end), end=end)
        # the realised row is fitted to the history it runs on (inputs measured later, such as the 2022-24
        # sanctions markup, are in both), so its error is the structure's, not a mismatch of fit and inputs
        cal, given = conditional_fit(q)
        conditioned = simulate("baseline", params=cal.params, exog=given, end=end)
        model = {INFORMATION_SET: (_model_values(informed, year), f"calibrated at {q}, paths known at {q}"),
                 REALISED_EXOGENOUS: (_model_values(conditioned, year),
                                      f"calibrated at {q}, realised paths, key rate by the rule after {q}")}
        pro = _professional(forecasts, q)
        for var in SCOREBOARD_VARIABLES:
            unit, _, outcome_series, period = FORECAST_VARIABLES[var]
            period = period.format(year=year)
            first, latest = (_outcome(outcome_series, period, v) for v in ("first", "latest"))
            common = {"target_year": year, "variable": var, "unit": unit, "outcome": first, "outcome_latest": latest,
                      "outcome_series": outcome_series, "outcome_period": period}
            for name, (values, release) in model.items():
                rows.append({**common, "forecaster": name, "release": release, "published": str(q),
                             "value": values[var], "low": np.nan, "high": np.nan, "is_model": True})
            mine = pro[pro["variable"] == var]
            if len(mine):
                rows.append({**common, "forecaster": MEDIAN_FORECASTER,
                             "release": f"median of {len(mine)}: {', '.join(mine['forecaster'])}",
                             "published": f"by {q.end_time:%Y-%m-%d}", "value": float(np.median(mine["value"])),
                             "low": np.nan, "high": np.nan, "is_model": False})
            for r in mine.itertuples():
                rows.append({**common, "forecaster": r.forecaster, "release": r.release, "published": r.published,
                             "value": float(r.value), "low": float(r.low), "high": float(r.high), "is_model": False})
    board = pd.DataFrame(rows)
    board["error"] = board["value"] - board["outcome"]
    return board[COLUMNS]


def scoreboard_summary(board: pd.DataFrame) -> pd.DataFrame:
    """The model's ambition per variable: its information-set error against the median forecaster's.

    Absolute errors are averaged over the target years in which the median forecaster exists and the outcome
    is known, for the model's two rows and the median alike, so the three columns compare like with like.

    Parameters
    ----------
    board : pd.DataFrame
        The output of :func:`forecast_scoreboard`.

    Returns
    -------
    pd.DataFrame
        Indexed by variable (order of :data:`SCOREBOARD_VARIABLES`): ``years`` (the target years compared, text),
        ``information_set``, ``realised_exogenous``, ``median_forecaster`` (mean absolute errors, in the
        variable's unit), ``forecasters`` (professional forecasts behind the medians) and ``ambition_met``
        (information-set error no larger than the median forecaster's; False where nothing can be compared).

    Raises
    ------
    TwosectorError
        If ``board`` lacks the scoreboard's columns.
    """
    check_board(board, "scoreboard_summary")
    rows = {}
    for var in SCOREBOARD_VARIABLES:
        part = board[(board["variable"] == var) & board["error"].notna()]
        errors = part.pivot_table(index="target_year", columns="forecaster", values="error", aggfunc="first")
        cols = [INFORMATION_SET, REALISED_EXOGENOUS, MEDIAN_FORECASTER]
        errors = errors.reindex(columns=cols).dropna().abs()
        professional = part[~part["is_model"] & (part["forecaster"] != MEDIAN_FORECASTER)]
        n = int(professional["target_year"].isin(errors.index).sum())
        mae = errors.mean() if len(errors) else pd.Series(np.nan, index=cols)
        rows[var] = {"years": ", ".join(str(y) for y in errors.index), "information_set": mae[INFORMATION_SET],
                     "realised_exogenous": mae[REALISED_EXOGENOUS], "median_forecaster": mae[MEDIAN_FORECASTER],
                     "forecasters": n,
                     "ambition_met": bool(len(errors) and mae[INFORMATION_SET] <= mae[MEDIAN_FORECASTER])}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "variable"
    return out


def check_board(board: pd.DataFrame, what: str) -> None:
    """Check that ``board`` is a scoreboard: a DataFrame with the columns the summary and the chart read.

    Parameters
    ----------
    board : pd.DataFrame
        Presumably the output of :func:`forecast_scoreboard`.
    what : str
        The caller, named in the message.

    Raises
    ------
    TwosectorError
        If ``board`` is not a DataFrame or lacks ``target_year``, ``variable``, ``forecaster``, ``is_model`` or
        ``error``.
    """
    needed = ("target_year", "variable", "forecaster", "is_model", "error")
    missing = [c for c in needed if c not in getattr(board, "columns", ())]
    if not isinstance(board, pd.DataFrame) or missing:
        raise TwosectorError(f"{what}: board lacks column(s) {missing or list(needed)}; "
                             "pass forecast_scoreboard()'s output")
