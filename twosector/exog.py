"""Exogenous paths of the model: history from ``data/``, documented assumptions afterwards.

:func:`paths` returns one quarterly column per exogenous input (see :data:`COLUMNS`). Up to
``end_history`` every value comes from the data set (:func:`twosector.data.series`); after it, the
projection assumptions below apply. :func:`no_war_paths` is the counterfactual without war, sanction,
mobilisation or emigration events (used to check that the pre-war model is stable).

Projection assumptions (after ``end_history``)
----------------------------------------------
- ``defence_spending``: the budget-law plan (data vintage ``plan``: 13.5 / 12.8 / 13.1 trn RUB for
  2025 / 2026 / 2027); after the last plan year it grows with the 4% inflation target.
- ``urals_price``, ``usd_rub``: held at the last historical annual average (within the history the annual
  averages are placed at mid-year and interpolated linearly between years).
- ``critical_availability``, ``import_markup``: held at their last historical value.
- ``contract_recruits``: the last historical quarterly rate continues; ``mobilised``: no new call-up.
- ``emigrants``: the stock stays at its last value (new outflows come from the ``skilled_emigration`` lever).
- ``gdp_deflator`` / ``nominal_anchor``: the deflator is derived (:func:`deflator_path`) for the years whose
  nominal GDP or deflator growth is known by ``end_history``; after the last such year ``nominal_anchor`` is
  0 and the engine holds the terms-of-trade wedge (deflator / CPI) at its last value, so nominal GDP grows
  with the model's CPI (equation [G3] of ``docs/model.md``).
- ``non_oil_revenue_gdp``, ``other_spending_gdp``: up to the last year with budget data ``fiscal_anchor`` = 1;
  after it 0, and the parameters ``non_oil_tax_rate`` / ``other_spending_share`` (the 2024 stance) apply.
- ``oil_gas_revenue`` / ``oil_anchor``: 0 after ``end_history`` (the estimated oil revenue equation applies).
- ``nwf_liquid_next`` / ``nwf_quarters_left``: from 2022Q1 to the last liquid-NWF observation known by
  ``end_history`` (:func:`nwf_observations`) the engine adds flows outside the model that steer the stock to
  the observed values ([B6]); afterwards there are none (``nwf_quarters_left`` = 0).
- ``key_rate_data`` / ``rate_anchor``: in the quarters with a key-rate observation up to ``end_history``
  (2022Q1 onwards in the data set) the key rate is conditioned on the data ([R2]); before (no data) and
  after ``end_history`` ``rate_anchor`` is 0 and the smoothed Taylor rule sets it, starting from the last
  observed rate. :func:`condition_rate` moves this switch to another quarter (the backtest uses it).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from twosector.calendar import (
    BASE_YEAR,
    DATA_CUTOFF,
    DEFAULT_END,
    MODEL_START,
    PREFERENTIAL_START,
    PREWAR_END,
    WAR_START,
    quarter_index,
)
from twosector.derive import annual_to_quarterly
from twosector.errors import DataError, ScenarioError

__all__ = ["COLUMNS", "paths", "no_war_paths", "validate_exog", "quarter_index", "deflator_path", "nwf_observations", "fiscal_shares",
           "condition_rate"]

COLUMNS: dict[str, tuple[str, str]] = {
    "defence_spending": ("trn RUB per quarter", "federal 'National defence' spending (annual / 4)"),
    "urals_price": ("USD/bbl", "realised Urals price (annual averages interpolated at mid-year)"),
    "usd_rub": ("RUB per USD", "exchange rate (annual averages interpolated at mid-year)"),
    "oil_volume": ("index 2021 = 1", "oil and gas export volume (assumption: flat, no volume series in data)"),
    "critical_availability": ("share of 2021", "availability of sanctioned critical imports (wiiw: 70% 2022, 60% 2023)"),
    "import_markup": ("% over 2021", f"price markup on controlled imports (BOFIT: +87% by 2024; linear from {PREWAR_END})"),
    "mobilised": ("mn persons per quarter", "mobilisation call-up (318k, placed in 2022Q4)"),
    "contract_recruits": ("mn persons per quarter", "new contract soldiers (2023: 2 x H1; 2024: annual / 4)"),
    "emigrants": ("mn persons", "stock of emigrants since Feb 2022 (RANEPA / The Bell: ~650k)"),
    "war": ("0/1", f"1 from {WAR_START} (the full-scale war; NWF financing rule active)"),
    "preferential_credit": ("0/1", f"1 from {PREFERENTIAL_START}: state-directed preferential loans to defence contractors (Kennedy 2025)"),
    "demand_shock": ("% of potential", "residual civilian demand shock (zero unless supplied, e.g. by calibration)"),
    "gdp_deflator": ("index 2021 = 1", "GDP deflator derived from nominal GDP, real growth and deflator growth (data); held after the last year known"),
    "nominal_anchor": ("0/1", "1 where gdp_deflator is derived from data (nominal GDP follows it, [G3]); 0 after: nominal GDP grows with the CPI"),
    "non_oil_revenue_gdp": ("% of GDP", "federal non-oil revenue (data: revenue - oil & gas, over nominal GDP; fiscal_shares)"),
    "other_spending_gdp": ("% of GDP", "federal non-defence spending incl. interest on the pre-2019 debt (data: spending - defence, over nominal GDP; fiscal_shares)"),
    "oil_gas_revenue": ("trn RUB per quarter", "federal oil and gas revenue (data: annual / 4) in the years it is published; 0 elsewhere (unused)"),
    "oil_anchor": ("0/1", "1 in the years with published oil and gas revenue (the engine uses it, [B1]); 0 elsewhere: the estimated oil revenue equation"),
    "fiscal_anchor": ("0/1", "1 in the years up to the last one with budget data (shares from the data); 0 after and when none is known: the parameters non_oil_tax_rate and other_spending_share apply"),
    "nwf_liquid_next": ("trn RUB", "next observed liquid NWF stock (nwf_observations); the last one after it"),
    "nwf_quarters_left": ("quarters", "quarters until that observation (1 in its quarter; 0 = no anchor: before the war and after the last observation)"),
    "key_rate_data": ("% per year", "Bank of Russia key rate, quarterly average of daily rates (data key_rate_q) where rate_anchor = 1; 0 elsewhere (unused)"),
    "rate_anchor": ("0/1", "1 in the quarters with key-rate data up to end_history (the key rate follows the data, [R2]); 0 elsewhere: the Taylor rule"),
}

TARGET_GROWTH = 1.04  # nominal growth of the defence path after the last plan year (the 4% target)


def _series(name: str, vintage: str = "latest") -> pd.Series:
    from twosector.data import series

    s = series(name, vintage=vintage)
    return s.astype(float)


def _hold_after(s: pd.Series, last: pd.Period) -> pd.Series:
    """Keep values up to ``last`` (and fill gaps forward), hold the last known one afterwards."""
    s = s.copy()
    s[s.index > last] = np.nan
    return s.ffill()


def _known(s: pd.Series, end_history: pd.Period) -> pd.Series:
    """Keep the observations whose period has ended by the end of ``end_history`` (no look-ahead)."""
    keep = [p.end_time <= end_history.end_time for p in s.index]
    return s[keep]


def deflator_path(end_history: str | pd.Period = DATA_CUTOFF) -> pd.Series:
    """Annual GDP deflator (2021 = 1) derived from the data known by ``end_history``.

    Derivation (all inputs from ``data/gdp.csv``, vintage ``latest``):

    1. 2021 nominal GDP ``N21 = gdp_nominal[2022] / ((1 + gdp_growth[2022]/100) (1 + gdp_deflator_growth[2022]/100))``;
    2. real GDP index ``R_y`` (2021 = 1) chained from ``gdp_growth``;
    3. ``D_y = gdp_nominal[y] / (N21 R_y)`` for the years with nominal GDP (2020, 2022, 2024), ``D_2021 = 1``;
    4. years without nominal GDP are chained with ``gdp_deflator_growth`` from a neighbouring known year
       (2023 = D_2024 / (1 + 8.9/100)).

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Only annual figures for years that have ended by then are used (no look-ahead).

    Returns
    -------
    pd.Series
        Deflator by year (annual ``PeriodIndex``); empty if the 2022 anchor (step 1) is not yet known.
    """
    eh = pd.Period(end_history, freq="Q")
    nominal = _known(_series("gdp_nominal"), eh)
    growth = _known(_series("gdp_growth"), eh)
    defl = _known(_series("gdp_deflator_growth"), eh)
    nominal.index = [p.year for p in nominal.index]
    growth.index = [p.year for p in growth.index]
    defl.index = [p.year for p in defl.index]
    if not {2022} <= set(nominal.index) & set(growth.index) & set(defl.index):
        return pd.Series(dtype=float, index=pd.PeriodIndex([], freq="Y"))
    n21 = nominal[2022] / ((1 + growth[2022] / 100) * (1 + defl[2022] / 100))
    real = {2021: 1.0}
    for y in sorted(growth.index):
        if y > 2021 and y - 1 in real:
            real[y] = real[y - 1] * (1 + growth[y] / 100)
    for y in sorted(growth.index, reverse=True):
        if y <= 2021 and y - 1 not in real and y in real:
            real[y - 1] = real[y] / (1 + growth[y] / 100)
    d = {2021: 1.0}
    for y, value in nominal.items():
        if y in real:
            d[y] = float(value) / (n21 * real[y])
    changed = True
    while changed:  # chain the remaining years with the deflator growth figures
        changed = False
        for y, g in defl.items():
            if y - 1 in d and y not in d:
                d[y], changed = d[y - 1] * (1 + g / 100), True
            elif y in d and y - 1 not in d:
                d[y - 1], changed = d[y] / (1 + g / 100), True
    years = sorted(d)
    return pd.Series([d[y] for y in years], index=pd.PeriodIndex([str(y) for y in years], freq="Y"), name="gdp_deflator")


def nwf_observations(end_history: str | pd.Period = DATA_CUTOFF) -> pd.Series:
    """Observed end-of-quarter liquid NWF stocks (trn RUB) known by ``end_history``.

    - each ``nwf_liquid`` observation (end-2024: 3.81, Finance Ministry via Interfax), at its quarter;
    - the stock a year earlier, derived as that observation minus ``nwf_liquid_change`` of its year
      (end-2023: 3.81 + 1.202 = 5.012), when the change is known.

    The pre-war stock (~140 bn USD) is the parameter ``nwf_liquid_2021``; the liquid shares of 1 Jan 2023/2024
    are not used because the NWF total is not observed on those dates.

    Returns
    -------
    pd.Series
        Stock by quarter (quarterly ``PeriodIndex``, sorted); empty if nothing is known.
    """
    eh = pd.Period(end_history, freq="Q")
    stock = _known(_series("nwf_liquid"), eh)
    change = _known(_series("nwf_liquid_change"), eh)
    change.index = [p.year for p in change.index]
    points: dict[pd.Period, float] = {}
    for p, value in stock.items():
        q = p.asfreq("Q")
        points[q] = float(value)
        if q.quarter == 4 and q.year in change.index:
            points[pd.Period(year=q.year - 1, quarter=4, freq="Q")] = float(value) - float(change[q.year])
    keys = sorted(points)
    return pd.Series([points[k] for k in keys], index=pd.PeriodIndex(keys, freq="Q"), name="nwf_liquid", dtype=float)


def fiscal_shares(end_history: str | pd.Period = DATA_CUTOFF) -> pd.DataFrame:
    """Federal non-oil revenue and non-defence spending in % of nominal GDP, by year, from the data.

    - nominal GDP of year ``y``: ``gdp_nominal`` where published (2024: 200); else the deficit in trn RUB over
      the deficit in % of GDP (2023: 3.24 / 1.9% = 170.5); else ``N21 x R_y x D_y`` of :func:`deflator_path`;
    - ``other_spending_gdp = (federal_spending - defence_spending) / GDP`` (2023: (32.36 - 6.41) / 170.5 = 15.2;
      2024: (40.2 - 13) / 200 = 13.6; 2021: spending 40.2 / 1.62 = 24.8, from the note '+62% vs 2021' of the 2024
      row, less 3.57 defence, over 2022 nominal GDP / (real growth x deflator growth) = 15.8);
    - ``non_oil_revenue_gdp = (revenue - oil_gas_revenue) / GDP`` with revenue = ``federal_revenue`` or, where
      missing, spending + ``budget_balance`` (2023: (29.12 - 8.82) / 170.5 = 11.9; 2024: (40.2 - 3.5 - 11.13)
      / 200 = 12.8).

    Only annual figures known by ``end_history`` are used.

    Returns
    -------
    pd.DataFrame
        Columns ``non_oil_revenue_gdp``, ``other_spending_gdp`` (NaN where a year lacks the inputs); index year (int).
    """
    eh = pd.Period(end_history, freq="Q")

    def annual(name: str) -> dict[int, float]:
        s = _known(_series(name), eh)
        return {p.year: float(v) for p, v in s.items()}

    nominal, balance, balance_gdp = annual("gdp_nominal"), annual("budget_balance"), annual("budget_balance_gdp")
    spending, revenue, oil = annual("federal_spending"), annual("federal_revenue"), annual("oil_gas_revenue")
    defence, growth, defl = annual("defence_spending"), annual("gdp_growth"), annual("gdp_deflator_growth")
    d = deflator_path(eh)
    if 2024 in spending and 2021 not in spending and 2024 <= eh.year:
        # the 2024 outturn row says '+62% vs 2021' (Finance Ministry via Briefly; data/budget.csv)
        spending[2021] = spending[2024] / 1.62
    n21 = nominal[2022] / ((1 + growth[2022] / 100) * (1 + defl[2022] / 100)) if {2022} <= set(nominal) & set(growth) & set(defl) else None
    gdp: dict[int, float] = {}
    for y in set(spending) | set(revenue) | set(balance):
        if y in nominal:
            gdp[y] = nominal[y]
        elif y in balance and y in balance_gdp:
            gdp[y] = 100 * balance[y] / balance_gdp[y]
        elif y == 2021 and n21 is not None:
            gdp[y] = n21
    rows = {}
    for y in sorted(gdp):
        rev = revenue.get(y, spending[y] + balance[y] if y in spending and y in balance else np.nan)
        non_oil = 100 * (rev - oil[y]) / gdp[y] if y in oil else np.nan
        other = 100 * (spending[y] - defence[y]) / gdp[y] if y in spending and y in defence else np.nan
        rows[y] = (non_oil, other)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["non_oil_revenue_gdp", "other_spending_gdp"])


@lru_cache(maxsize=16)
def _paths(end_history: pd.Period, start: pd.Period, end: pd.Period) -> pd.DataFrame:
    idx = quarter_index(min(start, MODEL_START), end)
    hist = idx <= end_history
    out = pd.DataFrame(index=idx)

    def get(name: str) -> pd.Series:
        return _known(_series(name), end_history)

    # defence: latest vintage to end_history; later the plan vintage, then +4% a year
    latest = annual_to_quarterly(get("defence_spending"), "equal", index=idx)
    plan = annual_to_quarterly(_series("defence_spending", "plan"), "equal", index=idx)
    d = latest.where(hist)
    d = d.fillna(plan.where(~hist))
    first_obs = latest.first_valid_index()
    d[d.index < first_obs] = latest[first_obs]  # 2019-20 not in the data set: the 2021 level
    for i in range(len(d)):
        if np.isnan(d.iloc[i]):
            d.iloc[i] = d.iloc[i - 4] * TARGET_GROWTH if i >= 4 else d.iloc[i - 1]
    out["defence_spending"] = d

    for name in ("urals_price", "usd_rub"):
        out[name] = annual_to_quarterly(get(name), "midyear", index=idx)
    out["oil_volume"] = 1.0

    avail = pd.Series(np.nan, index=idx)
    avail[idx < pd.Period("2022Q2", freq="Q")] = 1.0
    sub = annual_to_quarterly(get("substitution_sanctioned_goods"), "repeat", index=idx) / 100.0
    avail = avail.fillna(sub.where(idx >= pd.Period("2022Q2", freq="Q")))
    out["critical_availability"] = _hold_after(avail, end_history)

    markup = pd.Series(np.nan, index=idx)
    markup[idx <= PREWAR_END] = 0.0
    mk = get("controlled_import_markup")
    for year, value in mk.items():
        q4 = pd.Period(year=year.year, quarter=4, freq="Q")
        if q4 in markup.index:
            markup[q4] = value
    markup = markup.where(idx <= end_history)
    markup = markup.interpolate(method="linear", limit_area="inside")
    out["import_markup"] = markup.ffill()

    mob = pd.Series(0.0, index=idx)
    for year, value in get("mobilised").items():
        q = pd.Period(year=year.year, quarter=4, freq="Q")  # Sep-Oct 2022 call-up, completed by 28 Oct
        if q in mob.index and q <= end_history:
            mob[q] = value / 1e6
    out["mobilised"] = mob

    rec = pd.Series(np.nan, index=idx)
    rec[idx <= pd.Period("2022Q4", freq="Q")] = 0.0  # no contract-recruitment figure for 2019-2022 in the data
    h1 = get("contract_recruits_h1")
    annual = get("contract_recruits")
    for year in sorted(set(p.year for p in h1.index) | set(p.year for p in annual.index)):
        yp = pd.Period(str(year), freq="Y")
        per_q = annual[yp] / 4 if yp in annual.index else 2 * h1[yp] / 4
        for q in range(1, 5):
            p = pd.Period(year=year, quarter=q, freq="Q")
            if p in rec.index:
                rec[p] = per_q / 1e6
    out["contract_recruits"] = _hold_after(rec, end_history).fillna(0.0)

    em_level = get("emigrants")
    if len(em_level) == 0:  # before the first net estimate: the gross post-mobilisation outflow, if known
        em_level = get("emigrants_after_mobilisation")
    first_level = float(em_level.iloc[0]) / 1e6 if len(em_level) else 0.0
    emig = pd.Series(np.nan, index=idx)
    emig[idx < WAR_START] = 0.0
    # the 2022 waves: about one third in spring (after the invasion), the rest after the Sep-2022
    # mobilisation (IT emigration 35k spring vs 70-80k autumn, The Bell); the level is the first data point
    for q, share in (("2022Q1", 1 / 6), ("2022Q2", 1 / 3), ("2022Q3", 1 / 3), ("2022Q4", 1.0)):
        emig[pd.Period(q, freq="Q")] = share * first_level
    for year, value in em_level.items():
        p = pd.Period(year=year.year, quarter=4, freq="Q")
        if p in emig.index:
            emig[p] = value / 1e6
    emig = emig.where(idx <= end_history).interpolate(limit_area="inside")
    out["emigrants"] = emig.ffill()

    out["war"] = (idx >= WAR_START).astype(float)
    out["preferential_credit"] = (idx >= PREFERENTIAL_START).astype(float)
    out["demand_shock"] = 0.0

    defl = deflator_path(end_history)
    if len(defl):
        out["gdp_deflator"] = annual_to_quarterly(defl, "midyear", index=idx)
        last = pd.Period(year=defl.index[-1].year, quarter=4, freq="Q")
        out["nominal_anchor"] = (idx <= min(last, end_history)).astype(float)
    else:  # the 2022 anchor is not known yet: nominal GDP = real GDP x CPI throughout
        out["gdp_deflator"] = 1.0
        out["nominal_anchor"] = 0.0

    oil = annual_to_quarterly(get("oil_gas_revenue"), "equal", index=idx)
    out["oil_anchor"] = oil.notna().astype(float)
    out["oil_gas_revenue"] = oil.fillna(0.0)

    shares = fiscal_shares(end_history)
    for name in ("non_oil_revenue_gdp", "other_spending_gdp"):
        out[name] = annual_to_quarterly(shares[name], "steps", index=idx).fillna(0.0)  # 0: none known
    known = shares.dropna(how="all")
    last_year = int(known.index.max()) if len(known) else None
    out["fiscal_anchor"] = 0.0 if last_year is None else (np.asarray(idx.year) <= last_year).astype(float)

    obs = nwf_observations(end_history)
    nxt = pd.Series(0.0, index=idx)
    left = pd.Series(0.0, index=idx)
    for q in idx[idx >= WAR_START]:
        later = obs[obs.index >= q]
        if len(later):
            nxt[q] = later.iloc[0]
            left[q] = later.index[0].ordinal - q.ordinal + 1
        elif len(obs):
            nxt[q] = obs.iloc[-1]
    out["nwf_liquid_next"] = nxt
    out["nwf_quarters_left"] = left

    rate = get("key_rate_q").reindex(idx)
    known_rate = rate.notna().to_numpy() & hist
    out["key_rate_data"] = np.where(known_rate, rate.fillna(0.0).to_numpy(), 0.0)
    out["rate_anchor"] = known_rate.astype(float)
    out = out.loc[(out.index >= start) & (out.index <= end)]
    if out.isna().any().any():
        bad = out.columns[out.isna().any()].tolist()
        raise DataError(f"exogenous paths: missing values in {bad} (check data/ coverage)")
    return out


def paths(
    end_history: str | pd.Period = DATA_CUTOFF, *, start: str | pd.Period = MODEL_START, end: str | pd.Period = DEFAULT_END
) -> pd.DataFrame:
    """Return the exogenous inputs of the model, one quarterly column each.

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Last quarter taken from the data; later quarters follow the projection assumptions of this
        module's docstring (and ``docs/model.md``).
    start, end : str or Period, default :data:`~twosector.calendar.MODEL_START`, :data:`~twosector.calendar.DEFAULT_END`
        First and last quarter (the engine needs ``MODEL_START..PREWAR_END`` for its pre-war normalisation).

    Returns
    -------
    pd.DataFrame
        Quarterly ``PeriodIndex`` named ``"quarter"``; the columns of :data:`COLUMNS`.

    Examples
    --------
    >>> x = paths()
    >>> float(x.loc["2025Q1", "defence_spending"])  # 13.5 trn RUB plan / 4
    3.375
    """
    try:
        eh, s, e = (pd.Period(v, freq="Q") for v in (end_history, start, end))
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"exog.paths: bad quarter in end_history={end_history!r}, start={start!r}, end={end!r} ({exc})") from None
    if not (s <= e):
        raise ScenarioError(f"exog.paths: end {end!r} is before start {start!r}")
    return _paths(eh, s, e).copy()


def condition_rate(x: pd.DataFrame, end_history: str | pd.Period) -> pd.DataFrame:
    """Return a copy of exogenous paths whose key rate follows the data only up to ``end_history``.

    After ``end_history`` ``rate_anchor`` is set to 0, so the Taylor rule sets the key rate ([R2]); a
    forecast made at ``end_history`` with the full-data paths then does not see the later key rate.

    Parameters
    ----------
    x : pd.DataFrame
        Exogenous paths (the layout of :func:`paths`).
    end_history : str or Period
        Last quarter in which the key rate follows the data.
    """
    try:
        eh = pd.Period(end_history, freq="Q")
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"exog.condition_rate: bad quarter end_history={end_history!r} ({exc})") from None
    x = x.copy()
    after = x.index > eh
    x.loc[after, "rate_anchor"] = 0.0
    x.loc[after, "key_rate_data"] = 0.0
    return x


def no_war_paths(*, start: str | pd.Period = MODEL_START, end: str | pd.Period = DEFAULT_END) -> pd.DataFrame:
    """Return the counterfactual exogenous paths without the war and its shocks.

    Defence spending stays at its 2021 level and grows with the 4% target from 2022; oil price and
    ruble stay at their 2021 averages; no sanctions (availability 1, no markup), no mobilisation,
    recruitment or emigration, no war-time financing.

    Returns
    -------
    pd.DataFrame
        Same layout as :func:`paths`.
    """
    x = paths(start=start, end=end)
    base = x.loc[x.index.year == BASE_YEAR]
    after = x.index > PREWAR_END
    steps = np.cumsum(after) / 4.0
    x["defence_spending"] = np.where(after, base["defence_spending"].mean() * TARGET_GROWTH**steps, x["defence_spending"])
    for name in ("urals_price", "usd_rub"):
        x.loc[after, name] = base[name].mean()
    x["critical_availability"] = 1.0
    x["import_markup"] = 0.0
    for name in ("mobilised", "contract_recruits", "emigrants", "war", "preferential_credit", "demand_shock"):
        x[name] = 0.0
    # the deflator is anchored to the data up to 2021 only: afterwards nominal GDP grows with the CPI
    x["nominal_anchor"] = np.where(after, 0.0, x["nominal_anchor"])
    x["nwf_quarters_left"] = 0.0
    x["rate_anchor"] = 0.0  # without the war the Taylor rule sets the key rate throughout
    x["key_rate_data"] = 0.0
    x["fiscal_anchor"] = np.where(after, 0.0, x["fiscal_anchor"])
    x["oil_anchor"] = np.where(after, 0.0, x["oil_anchor"])
    return x


def validate_exog(x: pd.DataFrame, end: pd.Period) -> pd.DataFrame:
    """Check a user-supplied exogenous frame and return it cut at ``end``.

    Raises
    ------
    ScenarioError
        If it has no quarterly PeriodIndex, misses columns, does not cover ``MODEL_START..PREWAR_END`` of
        :mod:`twosector.calendar` (needed for the 2021 = 100 normalisation) and ``end``, has gaps or non-finite values.
    """
    if not isinstance(x, pd.DataFrame) or not isinstance(x.index, pd.PeriodIndex) or x.index.freqstr[0] != "Q":
        raise ScenarioError("exog: must be a DataFrame with a quarterly PeriodIndex (see twosector.exog.paths())")
    missing = [c for c in COLUMNS if c not in x.columns]
    if missing:
        raise ScenarioError(f"exog: missing column(s) {missing}; allowed/required: {list(COLUMNS)}")
    if x.index[0] > MODEL_START:
        raise ScenarioError(f"exog: starts at {x.index[0]}; it must start at or before {MODEL_START} (pre-war normalisation)")
    if x.index[-1] < end:
        raise ScenarioError(f"exog: ends at {x.index[-1]}, before the requested end {end}")
    x = x.loc[x.index <= end, list(COLUMNS)]
    if len(x) != x.index[-1].ordinal - x.index[0].ordinal + 1 or not x.index.is_monotonic_increasing:
        raise ScenarioError("exog: the quarterly index has gaps or is not sorted")
    values = x.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        bad = x.columns[~np.isfinite(values).all(axis=0)].tolist()
        raise ScenarioError(f"exog: non-finite values in column(s) {bad}")
    for name in ("urals_price", "usd_rub", "defence_spending", "critical_availability", "gdp_deflator"):
        if (x[name] <= 0).any():
            raise ScenarioError(f"exog: column {name!r} has values <= 0 (first at {x.index[(x[name] <= 0).to_numpy()][0]}); allowed: > 0")
    return x
