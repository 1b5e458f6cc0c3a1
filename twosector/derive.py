"""Documented methods that turn dated, monthly and annual series into quarterly ones.

The model runs on quarters; many sources give a dated event (key-rate decisions), a month or a year.
Each function here is one small, tested method; :func:`build_derived` applies them to the sourced data
and returns the rows of ``data/derived/quarterly.csv`` (every row ``verified = derived``). The methods
are described, series by series, in ``data/README.md`` ("Derived quarterly series").

Regenerate the stored file after changing a source file::

    twosector dev derive
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from twosector.calendar import DATA_CUTOFF
from twosector.data import (
    DERIVED_FILE,
    REQUIRED_COLUMNS,
    SOURCES_DIGEST,
    data_dir,
    load_data,
    series_from_frame,
    sources_digest,
)
from twosector.errors import DataError, unknown_name
from twosector.files import atomic_frame, atomic_write
from twosector.resources import check_writable

__all__ = [
    "step_average",
    "interpolate_monthly",
    "monthly_to_quarterly",
    "annual_to_quarterly",
    "fill_missing_quarter",
    "build_derived",
    "write_derived",
    "DERIVED_FILE",
]

ANNUAL_METHODS = ("equal", "smooth", "repeat", "steps", "midyear", "linear")
_DOCS = "data/README.md"


def _as_daily(events: pd.Series) -> pd.Series:
    index = events.index
    if isinstance(index, pd.DatetimeIndex):
        index = index.to_period("D")
    if not isinstance(index, pd.PeriodIndex) or index.freqstr != "D":
        raise DataError("step_average: events must be indexed by dates (a daily PeriodIndex or a DatetimeIndex)")
    if index.has_duplicates:
        raise DataError(f"step_average: two events on {index[index.duplicated()][0]}; one level per date")
    return pd.Series(events.to_numpy(dtype="float64"), index=index).sort_index()


def step_average(events: pd.Series, freq: str = "Q", end: pd.Period | str | None = None) -> pd.Series:
    """Time-weighted average of a step function over each period it covers fully.

    Each event sets a new level from its date (inclusive) until the next event; the average weights every
    day of the period equally. Only periods whose first day is on or after the first event are returned.

    Parameters
    ----------
    events : pandas.Series
        Levels indexed by date (daily ``PeriodIndex`` or ``DatetimeIndex``), e.g. key-rate decisions.
    freq : str, default "Q"
        Output frequency (``"Q"``, ``"M"`` or ``"Y"``).
    end : Period or str, optional
        Last output period; the last level is held until its end. Default: the period of the last event.

    Returns
    -------
    pandas.Series
        The averages, indexed by a ``PeriodIndex`` of ``freq``.

    Raises
    ------
    DataError
        If ``events`` is not indexed by dates, or two events fall on one date.

    Examples
    --------
    A rate of 9.5 from 1 Jan and 20 from 28 Feb 2022: 2022Q1 = (58 * 9.5 + 32 * 20) / 90.

    >>> ev = pd.Series([9.5, 20.0], index=pd.PeriodIndex(["2022-01-01", "2022-02-28"], freq="D"))
    >>> round(float(step_average(ev).iloc[0]), 4)
    13.2333
    """
    daily = _as_daily(events)
    if daily.empty:
        raise DataError("step_average: no events")
    last = pd.Period(end, freq=freq) if end is not None else daily.index[-1].asfreq(freq)
    days = pd.period_range(daily.index[0], last.asfreq("D", how="end"), freq="D")
    path = daily.reindex(days).ffill()
    means = path.groupby(days.asfreq(freq)).mean()
    first_full = means.index[0] if means.index[0].asfreq("D", how="start") >= daily.index[0] else means.index[0] + 1
    out = means.loc[first_full:]
    out.index = pd.PeriodIndex(out.index, freq=freq, name="period")
    return out.astype("float64")


def interpolate_monthly(anchors: pd.Series) -> pd.Series:
    """Fill every month between the first and last anchor by linear interpolation.

    Parameters
    ----------
    anchors : pandas.Series
        Observed values indexed by a monthly ``PeriodIndex`` (gaps allowed).

    Returns
    -------
    pandas.Series
        A complete monthly series from the first to the last anchor; anchors are kept unchanged.
        No extrapolation outside the anchors.

    Raises
    ------
    Nothing of its own.
    """
    anchors = anchors.dropna().sort_index()
    months = pd.period_range(anchors.index[0], anchors.index[-1], freq="M")
    pos = np.arange(len(months), dtype="float64")
    at = np.asarray([(p - anchors.index[0]).n for p in anchors.index], dtype="float64")
    return pd.Series(np.interp(pos, at, anchors.to_numpy(dtype="float64")), index=months, name=anchors.name)


def monthly_to_quarterly(s: pd.Series, min_months: int = 3) -> pd.Series:
    """Quarterly mean of monthly values, for quarters with at least ``min_months`` observed months.

    Parameters
    ----------
    s : pandas.Series
        Values indexed by a monthly ``PeriodIndex``; NaN counts as missing.
    min_months : int, default 3
        Quarters with fewer observed months are dropped (3 = complete quarters only).

    Returns
    -------
    pandas.Series
        Means indexed by a quarterly ``PeriodIndex``.

    Raises
    ------
    Nothing of its own.
    """
    s = s.dropna()
    quarters = s.index.asfreq("Q")
    grouped = s.groupby(quarters)
    out = grouped.mean()[grouped.count() >= min_months]
    out.index = pd.PeriodIndex(out.index, freq="Q", name="period")
    return out.astype("float64")


def annual_to_quarterly(s: pd.Series, method: str = "equal", index: pd.PeriodIndex | None = None) -> pd.Series:
    """Turn annual values into quarterly ones: the one routine for every annual series of the package.

    The derived data set (:func:`build_derived`) and the model's exogenous paths
    (:func:`twosector.exog.paths`) both use it; the method depends on what the series measures.

    Parameters
    ----------
    s : pandas.Series
        Annual values indexed by an annual ``PeriodIndex`` or by integer years (gaps allowed; NaN counts as
        missing).
    method : {"equal", "smooth", "repeat", "steps", "midyear", "linear"}, default "equal"
        ``"equal"``: a flow split into four equal quarters, which sum to the annual total (trn RUB a year
        -> trn RUB a quarter); quarters of years without a value are NaN.

        ``"smooth"``: a flow whose quarters sum to the annual total along a smooth path: the cumulative sum
        at year ends is interpolated by a monotone cubic (PCHIP, Fritsch & Carlson 1980) and differenced by
        quarter, so a flow that grows from year to year builds up within the year instead of jumping at New
        Year, and stays positive. Each run of consecutive years is interpolated on its own; quarters of years
        without a value are NaN.

        ``"repeat"``: every quarter takes its year's value (a level or rate that holds all year); quarters
        of years without a value are NaN.

        ``"steps"``: as ``"repeat"`` in the years with a value; in a year between two of them all four
        quarters take the value interpolated linearly between those years; before the first and after the
        last year with a value that value is held.

        ``"midyear"``: an annual average placed at mid-year (between Q2 and Q3), quarters interpolated
        linearly between mid-years, the first and last average held beyond them. A smooth path through the
        averages; its quarters need not average to the annual value.

        ``"linear"``: ``"midyear"``, then shifted within each year with a value so that its four quarters
        average exactly to the annual value (years without a value are not shifted).
    index : pandas.PeriodIndex, optional
        The quarters to return. Default: the four quarters of each year of ``s``.

    Returns
    -------
    pandas.Series
        Quarterly values on ``index`` (named ``"period"`` by default), named as ``s``. All NaN when ``s``
        has no value.

    Raises
    ------
    DataError
        For an unknown method (with a did-you-mean).

    Examples
    --------
    >>> annual = pd.Series([8.0, 12.0], index=pd.PeriodIndex(["2023", "2024"], freq="Y"))
    >>> annual_to_quarterly(annual, "equal").tolist()
    [2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0]
    >>> [round(v, 3) for v in annual_to_quarterly(annual, "smooth").tolist()]  # sums 8 and 12, rising
    [1.644, 1.906, 2.131, 2.319, 2.569, 2.881, 3.156, 3.394]
    >>> annual_to_quarterly(annual, "repeat").tolist()
    [8.0, 8.0, 8.0, 8.0, 12.0, 12.0, 12.0, 12.0]
    >>> annual_to_quarterly(annual, "midyear").tolist()  # 8 at mid-2023, 12 at mid-2024
    [8.0, 8.0, 8.5, 9.5, 10.5, 11.5, 12.0, 12.0]
    >>> annual_to_quarterly(annual, "linear").tolist()  # the same path, each year averaging to its value
    [7.5, 7.5, 8.0, 9.0, 11.0, 12.0, 12.5, 12.5]
    >>> from twosector.calendar import quarter_index
    >>> gap = pd.Series([1.0, 3.0], index=[2022, 2024])
    >>> annual_to_quarterly(gap, "steps", index=quarter_index("2021Q4", "2024Q1")).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0]
    """
    if method not in ANNUAL_METHODS:
        raise DataError(unknown_name("method", method, ANNUAL_METHODS))
    s = s.dropna().sort_index()
    years = np.asarray([p.year if isinstance(p, pd.Period) else int(p) for p in s.index], dtype="int64")
    annual = s.to_numpy(dtype="float64")
    if index is None:
        index = pd.PeriodIndex([pd.Period(year=y, quarter=q, freq="Q") for y in years for q in (1, 2, 3, 4)],
                               freq="Q", name="period")
    q_year = np.asarray(index.year, dtype="int64")
    if len(annual) == 0:
        return pd.Series(np.nan, index=index, name=s.name, dtype="float64")
    if method in ("equal", "repeat"):
        per_year = pd.Series(annual / 4.0 if method == "equal" else annual, index=years)
        values = per_year.reindex(q_year).to_numpy(dtype="float64")
    elif method == "smooth":
        values = _smooth(q_year, np.asarray(index.quarter), years, annual)
    elif method == "steps":
        values = np.interp(q_year.astype("float64"), years.astype("float64"), annual)
    else:
        values = _midyear(np.asarray(index.year), np.asarray(index.quarter), years, annual)
        if method == "linear":
            path = _midyear(np.repeat(years, 4), np.tile(np.arange(1, 5), len(years)), years, annual)
            shift = pd.Series(annual - path.reshape(-1, 4).mean(axis=1), index=years)
            values = values + shift.reindex(q_year).fillna(0.0).to_numpy(dtype="float64")
    return pd.Series(values, index=index, name=s.name)


def _smooth(q_year: np.ndarray, quarter: np.ndarray, years: np.ndarray, annual: np.ndarray) -> np.ndarray:
    """Quarterly flows from annual totals: PCHIP through the cumulative sum at year ends, differenced by quarter."""
    from scipy.interpolate import PchipInterpolator

    values = np.full(len(q_year), np.nan)
    runs = np.split(np.arange(len(years)), np.flatnonzero(np.diff(years) != 1) + 1)
    for run in runs:
        ys, totals = years[run], annual[run]
        if len(ys) == 1:
            cum = lambda t, ys=ys, totals=totals: (t - ys[0]) * totals[0]  # noqa: E731
        else:
            cum = PchipInterpolator(np.append(ys, ys[-1] + 1).astype("float64"), np.append(0.0, np.cumsum(totals)))
        inside = (q_year >= ys[0]) & (q_year <= ys[-1])
        t = q_year[inside] + (quarter[inside] - 1) / 4
        values[inside] = cum(t + 0.25) - cum(t)
    return values


def _midyear(q_year: np.ndarray, quarter: np.ndarray, years: np.ndarray, annual: np.ndarray) -> np.ndarray:
    """Linear interpolation through annual values placed at mid-year; quarter q of year y sits at y + (q - 0.5) / 4."""
    return np.interp(q_year.astype("float64") + (quarter - 0.5) / 4, years.astype("float64") + 0.5, annual)


def fill_missing_quarter(quarterly: pd.Series, annual: pd.Series) -> pd.Series:
    """Fill a year's single missing quarterly y/y rate from the annual rate: ``4 * annual - sum(other three)``.

    Uses the approximation that an annual y/y growth rate is the mean of the four quarterly y/y rates (exact
    when the year-earlier quarters are of equal size). Years with two or more missing quarters stay missing.

    Parameters
    ----------
    quarterly : pandas.Series
        Quarterly y/y rates (quarterly ``PeriodIndex``).
    annual : pandas.Series
        Annual y/y rates (annual ``PeriodIndex``).

    Returns
    -------
    pandas.Series
        Only the filled quarters (possibly empty), quarterly ``PeriodIndex``.

    Raises
    ------
    Nothing of its own.
    """
    filled: dict[pd.Period, float] = {}
    have = set(quarterly.dropna().index)
    for year, rate in annual.dropna().items():
        quarters = [pd.Period(f"{year.year}Q{q}", freq="Q") for q in (1, 2, 3, 4)]
        missing = [q for q in quarters if q not in have]
        if len(missing) == 1:
            filled[missing[0]] = 4.0 * float(rate) - float(sum(quarterly[q] for q in quarters if q in have))
    index = pd.PeriodIndex(list(filled), freq="Q", name="period")
    return pd.Series(list(filled.values()), index=index, dtype="float64", name=quarterly.name)


# ---------------------------------------------------------------------------------------------------------
# The derived data set


def _publishers(data: pd.DataFrame, *names: str) -> str:
    rows = data[data["series"].isin(names)]
    pubs = sorted(set(rows["source_publisher"]))
    return "; ".join(pubs) + " (from " + ", ".join(names) + ")"


def _rows(name: str, values: pd.Series, unit: str, publisher: str, method: str, notes: pd.Series | str,
          vintage: str = "latest") -> pd.DataFrame:
    notes = notes if isinstance(notes, pd.Series) else pd.Series(notes, index=values.index)
    return pd.DataFrame({
        "series": name,
        "period": [str(p) for p in values.index],
        "value": np.round(values.to_numpy(dtype="float64"), 4),
        "unit": unit,
        "source_publisher": publisher,
        "source_page": f"twosector.derive.{method} (docs: {_DOCS}#{name})",
        "verified": "derived",
        "vintage": vintage,
        "note": [str(notes[p]) for p in values.index],
    })


def _until_cutoff(s: pd.Series) -> pd.Series:
    return s[s.index <= DATA_CUTOFF]


def _key_rate_q(data: pd.DataFrame) -> pd.DataFrame:
    events = series_from_frame(data, "key_rate")
    q = step_average(events, "Q", end=DATA_CUTOFF)
    note = "time-weighted mean of the daily key rate; each decision applies from its date"
    return _rows("key_rate_q", q, "%", _publishers(data, "key_rate"), "step_average", note)


def _cpi_yoy_q(data: pd.DataFrame) -> pd.DataFrame:
    monthly = series_from_frame(data, "cpi_yoy")
    dec = series_from_frame(data, "cpi_dec")
    anchors = monthly.copy()
    for year, value in dec.items():
        month = pd.Period(f"{year.year}-12", freq="M")
        if month not in anchors.index:
            anchors.loc[month] = value
    anchors = anchors.sort_index()
    full = interpolate_monthly(anchors)
    q = monthly_to_quarterly(full)
    q = _until_cutoff(q)
    notes = {}
    for quarter in q.index:
        months = pd.period_range(quarter.asfreq("M", how="start"), quarter.asfreq("M", how="end"), freq="M")
        observed = [m.strftime("%b") for m in months if m in monthly.index]
        from_dec = [m.strftime("%b") for m in months if m not in monthly.index and m in anchors.index]
        parts = []
        if observed:
            parts.append("observed " + ", ".join(observed))
        if from_dec:
            parts.append("Dec y/y = Dec/Dec (cpi_dec)")
        n_interp = 3 - len(observed) - len(from_dec)
        if n_interp:
            parts.append(f"{n_interp} month(s) linearly interpolated between anchors")
        notes[quarter] = "mean of monthly y/y: " + "; ".join(parts)
    return _rows("cpi_yoy_q", q, "% y/y", _publishers(data, "cpi_yoy", "cpi_dec"),
                 "interpolate_monthly + monthly_to_quarterly", pd.Series(notes))


def _unemployment_q(data: pd.DataFrame) -> pd.DataFrame:
    monthly = series_from_frame(data, "unemployment_m")
    annual = series_from_frame(data, "unemployment")
    from_months = monthly_to_quarterly(monthly, min_months=1)
    counts = monthly.groupby(monthly.index.asfreq("Q")).count()
    from_annual = annual_to_quarterly(annual, method="linear")
    q = from_annual.copy()
    notes = pd.Series("annual averages (unemployment) interpolated linearly, quarters average to the year",
                      index=q.index)
    for quarter, value in from_months.items():
        q.loc[quarter] = value
        notes.loc[quarter] = f"mean of {int(counts[quarter])} observed month(s) of unemployment_m"
    q = _until_cutoff(q.sort_index())
    return _rows("unemployment_q", q, "%", _publishers(data, "unemployment_m", "unemployment"),
                 "monthly_to_quarterly / annual_to_quarterly(method='linear')", notes)


def _inflation_expectations_q(data: pd.DataFrame) -> pd.DataFrame:
    monthly = series_from_frame(data, "inflation_expectations")
    q = _until_cutoff(monthly_to_quarterly(monthly, min_months=1))
    notes = {}
    for quarter in q.index:
        months = [p.strftime("%b") for p in monthly.index if p.asfreq("Q") == quarter]
        gap = "" if len(months) == 3 else "; the other months of the quarter were not surveyed in the data set"
        notes[quarter] = f"mean of the survey months observed in the quarter ({', '.join(months)}){gap}"
    return _rows("inflation_expectations_q", q, "%", _publishers(data, "inflation_expectations"),
                 "monthly_to_quarterly(min_months=1)", pd.Series(notes))


def _split_flow(data: pd.DataFrame, name: str, target: str) -> pd.DataFrame:
    """An annual trn RUB flow split into equal quarters: outcomes to the data cut-off, plans after it."""
    frames = []
    latest = series_from_frame(data, name)
    outcome = pd.Series({p: v for p, v in latest.items() if latest.attrs["vintages"][str(p)] != "plan"})
    outcome = outcome[[p.year <= DATA_CUTOFF.year for p in outcome.index]]
    q = annual_to_quarterly(pd.Series(outcome.to_numpy(), index=pd.PeriodIndex(outcome.index, freq="Y")), "equal")
    flags = {str(p): latest.attrs["verified"][str(p)] for p in outcome.index}
    notes = pd.Series({qq: f"annual {name} {qq.year} / 4 (equal quarters)"
                       + ("; input is a memory figure, unverified" if flags[str(qq.year)] == "memory" else "")
                       for qq in q.index})
    frames.append(_rows(target, q, "trn RUB per quarter", _publishers(data, name),
                        "annual_to_quarterly(method='equal')", notes))
    try:
        plan = series_from_frame(data, name, "plan")
    except DataError:
        plan = pd.Series(dtype="float64")
    plan = plan[[p.year > DATA_CUTOFF.year for p in plan.index]]
    if not plan.empty:
        qp = annual_to_quarterly(plan, "equal")
        notes = pd.Series({qq: f"plan: annual {name} {qq.year} (budget plan) / 4 (equal quarters)" for qq in qp.index})
        frames.append(_rows(target, qp, "trn RUB per quarter", _publishers(data, name),
                            "annual_to_quarterly(method='equal')", notes, vintage="plan"))
    return pd.concat(frames, ignore_index=True)


def _gdp_growth_q(data: pd.DataFrame) -> pd.DataFrame:
    quarterly = series_from_frame(data, "gdp_growth_q")
    annual = series_from_frame(data, "gdp_growth")
    filled = fill_missing_quarter(quarterly, annual)
    notes = pd.Series({q: f"4 x gdp_growth {q.year} (latest vintage) minus the other three quarters of gdp_growth_q "
                          "(annual rate ~ mean of quarterly y/y rates)" for q in filled.index})
    return _rows("gdp_growth_q", filled, "% y/y", _publishers(data, "gdp_growth", "gdp_growth_q"),
                 "fill_missing_quarter", notes)


_BUILDERS: tuple[Callable[[pd.DataFrame], pd.DataFrame], ...] = (
    _key_rate_q,
    _cpi_yoy_q,
    _unemployment_q,
    _inflation_expectations_q,
    lambda d: _split_flow(d, "defence_spending", "defence_spending_q"),
    lambda d: _split_flow(d, "oil_gas_revenue", "oil_gas_revenue_q"),
    lambda d: _split_flow(d, "federal_spending", "federal_spending_q"),
    lambda d: _split_flow(d, "budget_balance", "budget_balance_q"),
    _gdp_growth_q,
)


def build_derived(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Compute every derived quarterly series from the sourced (non-derived) files.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The output of :func:`twosector.data.load_data`; rows from files under ``derived/`` are ignored.
        Default: the repository's data set.

    Returns
    -------
    pandas.DataFrame
        Rows in the data-file layout (:data:`twosector.data.REQUIRED_COLUMNS`), ``verified = "derived"``,
        values rounded to 4 decimals, sorted by series and period: exactly the content of
        ``data/derived/quarterly.csv``.

    Raises
    ------
    DataError
        If the data set cannot be read (see :func:`twosector.data.load_data`) or a derivation is given
        inconsistent dates.
    """
    if data is None:
        data = load_data()
    sourced = data[~data["file"].str.split("/").str[1].eq(DERIVED_FILE.parts[0])]
    frames = [build(sourced) for build in _BUILDERS]
    out = pd.concat(frames, ignore_index=True)
    out["_order"] = [pd.Period(p, freq="Q") for p in out["period"]]
    out = out.sort_values(["series", "_order", "vintage"]).drop(columns="_order").reset_index(drop=True)
    return out[list(REQUIRED_COLUMNS)]


def write_derived(path: str | os.PathLike[str] | None = None) -> Path:
    """Recompute the derived series and write ``<data folder>/derived/quarterly.csv`` (atomically).

    Also writes the digest of the files they were computed from (:data:`twosector.data.SOURCES_DIGEST`): the
    loader refuses derived series whose sources changed since (:func:`twosector.data.load_data`).

    Parameters
    ----------
    path : str or path-like, optional
        The data folder (see :func:`twosector.data.load_data`).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    DataError
        If the folder does not exist or a data file is invalid; nothing is written then.
    TwosectorError
        If the folder is the data set inside an installed package (no source checkout): give ``path``.

    ``OSError`` from the file system propagates, the old file unchanged.
    """
    folder = data_dir(path)
    check_writable(folder / DERIVED_FILE, "twosector dev derive",
                   "a data folder of your own (--data DIR or TWOSECTOR_DATA)")
    frame = build_derived(load_data(folder, check_derived=False))
    out = atomic_frame(frame, folder / DERIVED_FILE, index=False, float_format="%.4f", lineterminator="\n")
    atomic_write(folder / SOURCES_DIGEST, sources_digest(folder) + "\n")
    return out
