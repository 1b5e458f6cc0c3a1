"""Exogenous paths of the model: history from ``data/``, documented assumptions afterwards.

:func:`paths` returns one quarterly column per exogenous input (see :data:`COLUMNS`). Up to
``end_history`` every value comes from the data set (:func:`twosector.data.series`); after it, the
projection assumptions below apply. :func:`no_war_paths` is the counterfactual without war, sanction,
mobilisation or emigration events (used to check that the pre-war model is stable).

Projection assumptions (after ``end_history``)
----------------------------------------------
- ``defence_spending``: military expenditure on SIPRI's measure (:func:`military_expenditure`): the budget
  laws known by ``end_history`` (data vintage ``plan``; a law is known from the quarter of its adoption,
  :data:`BUDGET_LAWS`: 13.5 / 12.8 / 13.1 trn RUB for 2025 / 2026 / 2027 in the 2025-27 law, 14.32 / 13.58 /
  13.90 on SIPRI's measure); ``defence_plan`` is 1 while a plan applies and 0 after: the engine then holds
  defence spending at its last share of GDP ([Y1]), so the baseline's defence burden is flat in the long run.
- ``other_spending_gdp``: non-defence federal spending (incl. interest) in % of GDP: the data in history, the
  budget law in its years (2025: (41.47 - 14.32) / 214.6 = 12.65%), held after. ``other_spending_law``: the same
  law in trn RUB per quarter (2025: (41.47 - 14.32) / 4 = 6.79): budget laws are nominal, so in a law year the
  engine spends the law's amount, not its share of the model's GDP.
- ``tax_package``: the 2024 tax package, + 1.21% of GDP of non-oil revenue from 2025 (MinFin estimate, a plan).
- ``urals_price``: quarterly MinFin averages where the data have them, else the annual averages placed at
  mid-year and interpolated; in projection the budget's assumption (69.7 USD/bbl in 2025), then held.
- ``usd_rub``: quarterly averages of the official rate in history; the first projection quarter starts from the
  end-of-quarter rate of the last history quarter (101.7 at end-2024), after which ``fx_anchor`` = 0 and the
  engine's rule moves the ruble ([P1]); ``fx_shock``, a shock to that rule, is 0 (a Monte Carlo draws it:
  :mod:`twosector.risks`).
- ``critical_availability``: sanctions from March 2022 (2022Q1 one third of the 2022 cut), the wiiw
  availability of sanctioned goods (70% of 2021 in 2022, 60% in 2023), held after.
- ``import_markup``: the markup on controlled imports appears with the sanctions (one third in 2022Q1, in full
  from 2022Q2) at the level observed for 2021-2024 (+87%, BOFIT) and stays.
- ``contract_recruits``: the last historical quarterly rate continues; ``mobilised``: no new call-up.
- ``emigrants``: the stock stays at its last value (new outflows come from the ``skilled_emigration`` lever).
- ``inflation_survey`` / ``survey_anchor``: the household survey (CBR/inFOM) in the quarters it is observed by
  ``end_history``; 0 elsewhere (the engine's expectations apply, [P2]).
- ``gdp_deflator`` / ``nominal_anchor``: the deflator is derived (:func:`deflator_path`) for the years whose
  nominal GDP or deflator growth is known by ``end_history``; after the last such year ``nominal_anchor`` is
  0 and the engine holds the terms-of-trade wedge (deflator / CPI) at its last value ([G3]).
- ``nwf_liquid_next`` / ``nwf_quarters_left``: from 2022Q1 to the last liquid-NWF observation known by
  ``end_history`` (:func:`nwf_observations`) the engine adds flows outside the model that steer the stock to
  the observed values ([B7]); afterwards there are none (``nwf_quarters_left`` = 0).
- ``key_rate_data`` / ``rate_anchor``: in the quarters with a key-rate observation up to ``end_history``
  (2022Q1 onwards in the data set) the key rate is conditioned on the data ([R2]); before (no data) and
  after ``end_history`` ``rate_anchor`` is 0 and the smoothed Taylor rule sets it, starting from the last
  observed rate. :func:`condition_rate` moves this switch to another quarter (the backtest uses it).
"""

from __future__ import annotations

import os
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

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
    parse_quarter,
    quarter_index,
)
from twosector.derive import annual_to_quarterly
from twosector.errors import DataError, ScenarioError

__all__ = ["COLUMNS", "paths", "no_war_paths", "validate_exog", "quarter_index", "deflator_path", "nwf_observations",
           "fiscal_shares", "military_expenditure", "condition_rate", "BUDGET_LAWS"]

COLUMNS: dict[str, tuple[str, str]] = {
    "defence_spending": (
        "trn RUB per quarter",
        "military expenditure (SIPRI's total in rubles; exog.military_expenditure): data, then the budget laws' "
        "defence chapter on the same measure (annual, spread over quarters); 0 where no plan applies",
    ),
    "defence_plan": (
        "0/1",
        "1 while defence_spending applies (history and budget-law years); 0 after: the engine holds the last share of"
        " GDP",
    ),
    "other_spending_gdp": (
        "% of GDP",
        "non-defence federal spending incl. interest: data in history, budget law, held after (fiscal_shares)",
    ),
    "other_spending_law": (
        "trn RUB per quarter",
        "non-defence federal spending incl. interest in a budget-law year with a total (annual / 4); 0 elsewhere",
    ),
    "spending_plan": (
        "0/1",
        "1 in the years of other_spending_gdp from data or a budget law (interest is paid within it); 0 after: the "
        "engine holds primary non-defence spending at its last share of GDP",
    ),
    "tax_package": ("% of GDP", "extra non-oil revenue of the 2024 tax package from 2025 (MinFin estimate, a plan)"),
    "urals_price": (
        "USD/bbl",
        "Urals price: quarterly MinFin averages where known, annual averages at mid-year interpolated otherwise",
    ),
    "usd_rub": (
        "RUB per USD",
        "official exchange rate, quarterly averages (the end-of-quarter rate in the first projection quarter)",
    ),
    "fx_anchor": ("0/1", "1 where usd_rub applies; 0 after: the engine's exchange-rate rule ([P1])"),
    "fx_shock": (
        "log points per quarter",
        "shock to the ruble rule in projection ([P1]): 0 here; a draw of the ruble's risk model in a Monte Carlo "
        "(twosector.risks)",
    ),
    "oil_volume": ("index 2021 = 1", "oil and gas export volume (assumption: flat, no volume series in data)"),
    "critical_availability": (
        "share of 2021",
        "availability of sanctioned critical imports (wiiw: 70% 2022, 60% 2023)",
    ),
    "import_markup": (
        "% over 2021",
        "price markup on controlled imports (BOFIT: +87% by 2024), from the sanctions of 2022",
    ),
    "mobilised": ("mn persons per quarter", "mobilisation call-up (318k, placed in 2022Q4)"),
    "contract_recruits": ("mn persons per quarter", "new contract soldiers (2023: 2 x H1; 2024: annual / 4)"),
    "emigrants": ("mn persons", "stock of emigrants since Feb 2022 (RANEPA / The Bell: ~650k)"),
    "war": ("0/1", f"1 from {WAR_START} (the full-scale war; NWF financing rule active)"),
    "preferential_credit": (
        "0/1",
        f"1 from {PREFERENTIAL_START}: state-directed preferential loans to defence contractors (Kennedy 2025)",
    ),
    "demand_shock": ("% of potential", "residual civilian demand shock (zero unless supplied; COVID is a parameter)"),
    "inflation_survey": (
        "% per year",
        "household 12-month inflation expectations (CBR/inFOM), quarterly; 0 where not observed",
    ),
    "survey_anchor": ("0/1", "1 where inflation_survey is observed: expectations follow the survey ([P2])"),
    "gdp_deflator": (
        "index 2021 = 1",
        "GDP deflator derived from nominal GDP, real growth and deflator growth (data); held after the last year "
        "known",
    ),
    "nominal_anchor": (
        "0/1",
        "1 where gdp_deflator is derived from data (nominal GDP follows it, [G3]); 0 after: nominal GDP grows with "
        "the CPI",
    ),
    "nwf_liquid_next": ("trn RUB", "next observed liquid NWF stock (nwf_observations); the last one after it"),
    "nwf_quarters_left": (
        "quarters",
        "quarters until that observation (1 in its quarter; 0 = no anchor: before the war and after the last "
        "observation)",
    ),
    "key_rate_data": (
        "% per year",
        "Bank of Russia key rate, quarterly average of daily rates (data key_rate_q) where rate_anchor = 1; 0 "
        "elsewhere (unused)",
    ),
    "rate_anchor": (
        "0/1",
        "1 in the quarters with key-rate data up to end_history (the key rate follows the data, [R2]); 0 elsewhere: "
        "the Taylor rule",
    ),
}

#: nominal trend growth a year, the 4% inflation target and the 1.8% potential growth of parameters.csv: the first
#: defence level is carried back to 2019-20 at a constant share of trend GDP (no data for those years)
TREND_GROWTH = 1.04 * 1.018
#: plan year -> year whose fourth quarter saw its budget law adopted (a plan is known from then on)
BUDGET_LAWS: dict[int, int] = {2023: 2022, 2024: 2023, 2025: 2024, 2026: 2024, 2027: 2024}



def _quarter(value: str | pd.Period, field: str, where: str) -> pd.Period:
    """A quarter from ``value``, or a ScenarioError naming ``where``, ``field`` and the bad value."""
    return parse_quarter(value, f"{where}: {field}", ScenarioError)


def _cutoff(value: str | pd.Period, where: str) -> pd.Period:
    """``end_history`` as a quarter no later than the end of the data, or a ScenarioError saying what is allowed."""
    eh = _quarter(value, "end_history", where)
    if eh > DATA_CUTOFF:
        raise ScenarioError(f"{where}: end_history {eh} is after the end of the data ({DATA_CUTOFF}); the data set "
                            f"has no observations later than that: use a quarter up to {DATA_CUTOFF}")
    return eh


def _series(name: str, vintage: str = "latest", path: Path | None = None) -> pd.Series:
    from twosector.data import series

    s = series(name, vintage=vintage, path=path)
    return s.astype(float)


def _hold_after(s: pd.Series, last: pd.Period) -> pd.Series:
    """Keep values up to ``last`` (and fill gaps forward), hold the last known one afterwards."""
    s = s.copy()
    s[s.index > last] = np.nan
    return s.ffill()


def _known(s: pd.Series, end_history: pd.Period) -> pd.Series:
    """Keep the observations whose period has ended by the end of ``end_history`` (no look-ahead).

    A plan is not an observation: where ``series`` fell back on a plan (a period without an outcome, e.g. the
    2023 budget law's nominal GDP) the value is dropped; plans enter only through :func:`_plan`.
    """
    vintages = s.attrs.get("vintages", {})
    keep = [p.end_time <= end_history.end_time and vintages.get(str(p)) != "plan" for p in s.index]
    return s[keep]


def _nominal_2021(nominal: dict[int, float], growth: dict[int, float], defl: dict[int, float]) -> float | None:
    """2021 nominal GDP from 2022's nominal GDP, real growth and deflator growth (by year); None if not all known."""
    if not {2022} <= set(nominal) & set(growth) & set(defl):
        return None
    return float(nominal[2022]) / ((1 + growth[2022] / 100) * (1 + defl[2022] / 100))


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

    Raises
    ------
    ScenarioError
        If ``end_history`` is not a quarter, or is after the end of the data (``DATA_CUTOFF``).
    DataError
        If a data file it reads is missing or invalid (:func:`twosector.data.load`).
    """
    eh = _cutoff(end_history, "exog.deflator_path")
    nominal = _known(_series("gdp_nominal"), eh)
    growth = _known(_series("gdp_growth"), eh)
    defl = _known(_series("gdp_deflator_growth"), eh)
    nominal.index = [p.year for p in nominal.index]
    growth.index = [p.year for p in growth.index]
    defl.index = [p.year for p in defl.index]
    n21 = _nominal_2021(nominal.to_dict(), growth.to_dict(), defl.to_dict())
    if n21 is None:
        return pd.Series(dtype=float, index=pd.PeriodIndex([], freq="Y"))
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
    index = pd.PeriodIndex([str(y) for y in years], freq="Y")
    return pd.Series([d[y] for y in years], index=index, name="gdp_deflator")


def nwf_observations(end_history: str | pd.Period = DATA_CUTOFF) -> pd.Series:
    """Observed end-of-quarter liquid NWF stocks (trn RUB) known by ``end_history``.

    - each ``nwf_liquid`` observation (end-2024: 3.81, Finance Ministry via Interfax), at its quarter;
    - the stock a year earlier, derived as that observation minus ``nwf_liquid_change`` of its year
      (end-2023: 3.81 + 1.202 = 5.012), when the change is known.

    The pre-war stock (~140 bn USD) is the parameter ``nwf_liquid_2021``; the liquid shares of 1 Jan 2023/2024
    are not used because the NWF total is not observed on those dates.

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Only observations whose period has ended by then are used.

    Returns
    -------
    pd.Series
        Stock by quarter (quarterly ``PeriodIndex``, sorted); empty if nothing is known.

    Raises
    ------
    ScenarioError
        If ``end_history`` is not a quarter, or is after the end of the data (``DATA_CUTOFF``).
    DataError
        If a data file it reads is missing or invalid (:func:`twosector.data.load`).
    """
    eh = _cutoff(end_history, "exog.nwf_observations")
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


def _annual_known(name: str, end_history: pd.Period, path: Path | None = None) -> dict[int, float]:
    """An annual series by year (int): the observations of years that have ended by ``end_history``."""
    return {p.year: float(v) for p, v in _known(_series(name, path=path), end_history).items()}


def fiscal_shares(end_history: str | pd.Period = DATA_CUTOFF) -> pd.DataFrame:
    """Federal non-oil revenue and non-defence spending in % of nominal GDP, by year, from the data.

    - nominal GDP of year ``y``: ``gdp_nominal`` where published (2024: 200); else the deficit in trn RUB over
      the deficit in % of GDP (2023: 3.24 / 1.9% = 170.5); else ``N21 x R_y x D_y`` of :func:`deflator_path`;
    - ``other_spending_gdp = (federal_spending - defence_spending) / GDP`` (2023: (32.36 - 6.41) / 170.5 = 15.2;
      2024: (40.2 - 13) / 200 = 13.6; 2021: spending 24.8, derived in the data set from the 2024 row's
      '+62% vs 2021', less 3.57 defence, over 2022 nominal GDP / (real growth x deflator growth) = 15.8);
    - ``non_oil_revenue_gdp = (revenue - oil_gas_revenue) / GDP`` with revenue = ``federal_revenue`` or, where
      missing, spending + ``budget_balance`` (2023: (29.12 - 8.82) / 170.5 = 11.9; 2024: (40.2 - 3.5 - 11.13)
      / 200 = 12.8).

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Only annual figures for years that have ended by then are used.

    Returns
    -------
    pd.DataFrame
        Columns ``non_oil_revenue_gdp``, ``other_spending_gdp`` (NaN where a year lacks the inputs); index year (int).

    Raises
    ------
    ScenarioError
        If ``end_history`` is not a quarter, or is after the end of the data (``DATA_CUTOFF``).
    DataError
        If a data file it reads is missing or invalid (:func:`twosector.data.load`).
    """
    eh = _cutoff(end_history, "exog.fiscal_shares")
    annual = partial(_annual_known, end_history=eh)

    nominal, balance, balance_gdp = annual("gdp_nominal"), annual("budget_balance"), annual("budget_balance_gdp")
    spending, revenue, oil = annual("federal_spending"), annual("federal_revenue"), annual("oil_gas_revenue")
    growth, defl = annual("gdp_growth"), annual("gdp_deflator_growth")
    defence = {int(y): float(v) for y, v in military_expenditure(eh).items() if y <= eh.year}
    n21 = _nominal_2021(nominal, growth, defl)
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


def military_expenditure(end_history: str | pd.Period = DATA_CUTOFF,
                         data: str | os.PathLike[str] | None = None) -> pd.Series:
    """Military expenditure (SIPRI definition) in trn RUB by year: the model's defence spending [Y1].

    The federal "National defence" chapter misses a large and varying part of military spending (classified
    lines and military items in other chapters: SIPRI/Cooper 2025, fact base item 11, which recommends SIPRI's
    total as the measure of military demand). Its path is also erratic (3.57 / 5.51 / 6.41 / ~13 trn RUB in
    2021-24: +16% in 2023, +103% in 2024), while SIPRI's total grows steadily. SIPRI revises its series, and the
    data set's dollar figures come from the edition that reported each year (2022 from the 2023 edition, 2023
    from the 2024 one, 2024 from the 2025 one), so they are not one series: converted to rubles, 2022 -> 2023
    would be +57% where SIPRI's own real growth of 2023 (+24%) and CPI make about +31%. The measure is therefore
    one series spliced on the latest level:

    - the latest year with SIPRI's figure in current USD (from 2021): ``milex_sipri_usd × usd_rub_y / 1000``
      (SIPRI converts rubles to current USD at the year's average market rate; this inverts it: 2024 149 ×
      92.565 = 13.79);
    - each earlier year back to 2021: the next year's level over ``(1 + milex_sipri_growth) × (1 + CPI)`` of
      that next year, SIPRI's real growth (reported with the next year's figure) and the annual average CPI
      inflation SIPRI deflates with (the mean of the four quarterly y/y rates of ``cpi_yoy_q``): 2023 9.22,
      2022 7.04, 2021 5.68; the 2024 edition's own 2023 level, 109 × 85.25 = 9.29, is within 1% of the splice.
      The splice puts 2021 at 4.2% of GDP, above the 2023 edition's 3.7%: later editions raised earlier
      levels (the 2024 edition's 2023 level and growth imply 7.1 for 2022, the 2023 edition had 5.92);
    - a year the splice does not reach (an ``end_history`` before SIPRI's figure is known): SIPRI's share of GDP
      times nominal GDP for 2021 (3.7% of ``N21`` of :func:`deflator_path`), else the chapter times the ratio
      of the nearest year with both, or the chapter itself;
    - budget-law years known by ``end_history``: the chapter's plan times the ratio of SIPRI's total to the
      chapter in the last year with both (2024: 13.79 / 13 = 1.061, so the 2025 / 2026 / 2027 laws give 14.32 /
      13.58 / 13.90): the part outside the chapter is assumed to move with it. The ratio is as erratic as the
      chapter (1.59, 1.28, 1.44, 1.06 in 2021-24): at end-2023 the 2024 law's 10.78 becomes 15.6.

    Years before 2021 are left out: the pre-war path is 2021's level at a constant share of trend GDP
    (:func:`paths`). Total federal spending is unchanged by the choice: non-defence spending is total spending
    less this measure (:func:`fiscal_shares`), so the military items of other chapters are not counted twice.

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Only figures for years that have ended by then, and budget laws adopted by then, are used.
    data : path-like, optional
        The data folder (default ``$TWOSECTOR_DATA`` or the shipped data set, :func:`twosector.data.data_dir`).

    Returns
    -------
    pd.Series
        trn RUB per year, index year (int), sorted.

    Raises
    ------
    ScenarioError
        If ``end_history`` is not a quarter, or is after the end of the data (``DATA_CUTOFF``).
    DataError
        If a data file it reads is missing or invalid (:func:`twosector.data.load`), or no defence figure is
        known by ``end_history``.
    """
    from twosector.data import data_version

    eh = _cutoff(end_history, "exog.military_expenditure")
    return pd.Series(dict(_military_expenditure(eh, data_version(data))), dtype=float)


@lru_cache(maxsize=16)
def _military_expenditure(eh: pd.Period, version: tuple[Path, Any]) -> tuple[tuple[int, float], ...]:
    """:func:`military_expenditure` as sorted (year, value) pairs, once per cut-off and data version.

    ``version`` (:func:`twosector.data.data_version`: the folder and its files' stamps) names the folder read and
    is the cache key: :func:`paths` and :func:`fiscal_shares` read the series several times.
    """
    folder = version[0]
    annual = partial(_annual_known, end_history=eh, path=folder)

    usd, fx, growth, share, chapter = (annual(n) for n in (
        "milex_sipri_usd", "usd_rub_y", "milex_sipri_growth", "milex_sipri_gdp", "defence_spending"))
    cpi = _annual_mean_known("cpi_yoy_q", eh, folder)
    first = PREWAR_END.year
    values: dict[int, float] = {}
    dollar = [y for y in usd if y in fx and y >= first]
    if dollar:
        y = max(dollar)
        values[y] = usd[y] * fx[y] / 1000
        while y - 1 >= first and y in growth and y in cpi:
            values[y - 1] = values[y] / ((1 + growth[y] / 100) * (1 + cpi[y] / 100))
            y -= 1
    n21 = _nominal_2021(annual("gdp_nominal"), annual("gdp_growth"), annual("gdp_deflator_growth"))
    if first in share and first not in values and n21 is not None:
        values[first] = share[first] / 100 * n21
    both = sorted(set(values) & set(chapter))

    def ratio(year: int) -> float:
        return values[year] / chapter[year]

    for y in sorted(set(chapter) - set(values)):
        values[y] = chapter[y] * (ratio(min(both, key=lambda b: abs(b - y))) if both else 1.0)
    last = ratio(both[-1]) if both else 1.0
    values.update({y: v * last for y, v in _plan("defence_spending", eh, folder).items()})
    if not values:
        first_year = min(_series("defence_spending", path=folder).index).year
        raise DataError(f"exog.military_expenditure: no defence figure is known by end_history {eh} (the data set's "
                        f"first is for {first_year}); allowed: {first_year}Q4 or later")
    return tuple(sorted(values.items()))


def _annual_mean_known(name: str, end_history: pd.Period, path: Path | None = None) -> dict[int, float]:
    """The annual means of a quarterly series, for the years whose four quarters are known by ``end_history``."""
    s = _known(_series(name, path=path), end_history)
    years = pd.Series(s.to_numpy(dtype=float), index=s.index.year)
    counts = years.groupby(level=0).count()
    return {int(y): float(v) for y, v in years.groupby(level=0).mean().items() if counts[y] == 4}


def _plan(name: str, end_history: pd.Period, path: Path | None = None) -> dict[int, float]:
    """Annual plan values (vintage ``plan``) for years not ended by ``end_history`` whose budget law is known by then.

    A cut-off within a year (``2023Q2``) keeps that year's law: its outturn is not known until the year ends.
    """
    try:
        plan = _series(name, "plan", path)
    except DataError:
        return {}
    return {p.year: float(v) for p, v in plan.items()
            if pd.Period(year=p.year, quarter=4, freq="Q") > end_history and p.year in BUDGET_LAWS
            and pd.Period(year=BUDGET_LAWS[p.year], quarter=4, freq="Q") <= end_history}


def _planned_milex(eh: pd.Period) -> dict[int, float]:
    """Military expenditure of the budget-law years known by ``eh`` (:func:`military_expenditure`)."""
    milex = military_expenditure(eh)
    return {y: float(milex[y]) for y in _plan("defence_spending", eh)}


def _quarterly_or_annual(quarterly: pd.Series, annual: pd.Series, idx: pd.PeriodIndex) -> pd.Series:
    """Quarterly observations where they exist, otherwise annual averages interpolated at mid-year."""
    out = annual_to_quarterly(annual, "midyear", index=idx)
    q = quarterly[quarterly.index.isin(idx)]
    out[q.index] = q.to_numpy(dtype=float)
    return out


def _defence(idx: pd.PeriodIndex, eh: pd.Period) -> tuple[pd.Series, pd.Series]:
    """Defence spending (military expenditure, :func:`military_expenditure`) per quarter and its flag.

    The annual data, then the known plans, spread over quarters along a smooth path through the annual
    levels whose four quarters sum to each year's total (``annual_to_quarterly`` method ``smooth``): spending
    builds up within a year instead of jumping at New Year, as budget execution does (a smooth profile, not
    the observed quarterly one, which the data set lacks). The pre-war years and the war years are two
    separate paths: the 2022 budget does not shape the 2021 quarters.
    """
    annual = {int(y): float(v) for y, v in military_expenditure(eh).items() if y >= int(idx.year.min())}
    first, last = min(annual), max(annual)
    # years before the first observation (2019-20): the first level at a constant share of trend nominal GDP
    for y in range(int(idx.year.min()), first):
        annual[y] = annual[first] / TREND_GROWTH ** (first - y)
    war = pd.Period(WAR_START, freq="Q").year
    parts = [pd.Series({y: v for y, v in annual.items() if (y < war) == before}) for before in (True, False)]
    values = sum(annual_to_quarterly(part, "smooth", index=idx).fillna(0.0) for part in parts)
    return values.rename(None), pd.Series((np.asarray(idx.year) <= last).astype(float), index=idx)


def _other_shares(eh: pd.Period) -> dict[int, float]:
    """Non-defence federal spending in % of GDP by year: the data known by ``eh``, then the budget laws known."""
    shares = fiscal_shares(eh)["other_spending_gdp"].dropna()
    values = {int(y): float(v) for y, v in shares.items()}
    spending, gdp = (_plan(n, eh) for n in ("federal_spending", "gdp_nominal"))
    defence = _planned_milex(eh)
    for y in sorted(set(spending) & set(defence) & set(gdp)):
        values[y] = 100 * (spending[y] - defence[y]) / gdp[y]
    return values


def _other_spending_law(idx: pd.PeriodIndex, eh: pd.Period) -> pd.Series:
    """Non-defence federal spending incl. interest in budget-law years, trn RUB per quarter.

    The budget-law years known by ``eh`` that give total spending (annual total less defence, split equally over the
    quarters), 0 elsewhere.
    """
    spending, defence = _plan("federal_spending", eh), _planned_milex(eh)
    law = {y: (spending[y] - defence[y]) / 4 for y in set(spending) & set(defence)}
    return pd.Series([law.get(int(y), 0.0) for y in idx.year], index=idx, dtype=float)


def _other_spending(idx: pd.PeriodIndex, eh: pd.Period) -> tuple[pd.Series, pd.Series]:
    """Non-defence federal spending in % of GDP, and the flag of the years it is known.

    Data years, then the budget law, held before and after; the flag marks the years up to the last of them.
    """
    values = _other_shares(eh)
    if not values:  # no level to hold, and none may be taken from later data
        ends = [pd.Period(year=y, quarter=4, freq="Q") for y in range(eh.year, DATA_CUTOFF.year + 1)]
        first = next((str(q) for q in ends if q > eh and _other_shares(q)), None)
        allowed = f"{first} or later (the first that knows one)" if first else "none"
        raise DataError(f"exog.paths: end_history {str(eh)!r} knows no non-defence federal spending in % of GDP "
                        f"(no outturn with its year's nominal GDP, nor a budget law, in data/ by then); "
                        f"allowed: {allowed}")
    flag = pd.Series((np.asarray(idx.year) <= max(values)).astype(float), index=idx)
    return annual_to_quarterly(pd.Series(values), "steps", index=idx), flag


def _markup_and_availability(idx: pd.PeriodIndex, eh: pd.Period) -> tuple[pd.Series, pd.Series]:
    """Sanctions as they happened: availability of critical imports and the markup on controlled imports."""
    start = pd.Period(WAR_START, freq="Q")
    years = np.asarray(idx.year)
    sub = {p.year: float(v) / 100 for p, v in _known(_series("substitution_sanctioned_goods"), eh).items()}
    avail = pd.Series(1.0, index=idx)
    if sub:
        last = max(sub)
        for i, (q, y) in enumerate(zip(idx, years, strict=True)):
            if q >= start and q <= eh:
                avail.iloc[i] = sub.get(y, sub[last] if y > last else 1.0)
        avail[idx > eh] = np.nan
        avail = avail.ffill()
        avail[idx == start] = 1 - (1 - avail[idx == start + 1].iloc[0]) / 3
    markup_data = _known(_series("controlled_import_markup"), eh)
    level = float(markup_data.iloc[-1]) if len(markup_data) else 0.0
    markup = pd.Series(np.where(idx >= start + 1, level, 0.0), index=idx)
    markup[idx == start] = level / 3
    if not len(markup_data):
        markup[:] = 0.0
    return avail, markup


def _ruble(idx: pd.PeriodIndex, eh: pd.Period) -> tuple[pd.Series, pd.Series]:
    """Quarterly average ruble in history, the end-of-quarter rate in the first projection quarter."""
    avg = _known(_series("usd_rub_q"), eh)
    fx = pd.Series(np.nan, index=idx)
    fx[avg.index[avg.index.isin(idx)]] = avg[avg.index.isin(idx)].to_numpy(dtype=float)
    anchor = pd.Series((idx <= avg.index.max()).astype(float), index=idx)
    end_q = _known(_series("usd_rub_end_q"), eh)
    nxt = avg.index.max() + 1
    if nxt in idx and avg.index.max() in end_q.index:
        fx[nxt] = float(end_q[avg.index.max()])
        anchor[nxt] = 1.0
    return fx.ffill().bfill(), anchor


@lru_cache(maxsize=16)
def _paths(end_history: pd.Period, start: pd.Period, end: pd.Period, version: tuple) -> pd.DataFrame:
    # ``version`` (twosector.data.data_version) is only part of the cache key: other data, other paths
    idx = quarter_index(min(start, MODEL_START), end)
    hist = idx <= end_history
    out = pd.DataFrame(index=idx)

    def get(name: str) -> pd.Series:
        return _known(_series(name), end_history)

    out["defence_spending"], out["defence_plan"] = _defence(idx, end_history)
    out["other_spending_gdp"], out["spending_plan"] = _other_spending(idx, end_history)
    out["other_spending_law"] = _other_spending_law(idx, end_history)
    package = _plan("tax_package_revenue_gdp", end_history)
    out["tax_package"] = [package.get(y, 0.0) if y in package or not package else
                          (package[max(package)] if y > max(package) else 0.0) for y in idx.year]
    urals = _quarterly_or_annual(get("urals_price_q"), get("urals_price"), idx)
    plan = _plan("urals_price", end_history)
    urals[~hist] = np.nan
    for y, v in plan.items():
        urals[np.asarray(idx.year) == y] = v
    out["urals_price"] = urals.ffill()
    out["usd_rub"], out["fx_anchor"] = _ruble(idx, end_history)
    out["fx_shock"] = 0.0
    out["oil_volume"] = 1.0
    out["critical_availability"], out["import_markup"] = _markup_and_availability(idx, end_history)

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
    survey = get("inflation_expectations_q").reindex(idx)
    out["survey_anchor"] = survey.notna().astype(float)
    out["inflation_survey"] = survey.fillna(0.0)

    defl = deflator_path(end_history)
    if len(defl):
        out["gdp_deflator"] = annual_to_quarterly(defl, "midyear", index=idx)
        last = pd.Period(year=defl.index[-1].year, quarter=4, freq="Q")
        out["nominal_anchor"] = (idx <= min(last, end_history)).astype(float)
    else:  # the 2022 anchor is not known yet: nominal GDP = real GDP x CPI throughout
        out["gdp_deflator"] = 1.0
        out["nominal_anchor"] = 0.0

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
    out = out.loc[(out.index >= start) & (out.index <= end), list(COLUMNS)]
    if out.isna().any().any():
        bad = out.columns[out.isna().any()].tolist()
        raise DataError(f"exogenous paths: missing values in {bad} (check data/ coverage)")
    return out


def paths(
    end_history: str | pd.Period = DATA_CUTOFF, *, start: str | pd.Period = MODEL_START,
    end: str | pd.Period = DEFAULT_END,
) -> pd.DataFrame:
    """Return the exogenous inputs of the model, one quarterly column each.

    Parameters
    ----------
    end_history : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Last quarter taken from the data; later quarters follow the projection assumptions of this
        module's docstring (and ``docs/model.md``).
    start, end : str
        First and last quarter (the engine needs ``MODEL_START..PREWAR_END`` for its pre-war normalisation).

    Returns
    -------
    pd.DataFrame
        Quarterly ``PeriodIndex`` named ``"quarter"``; the columns of :data:`COLUMNS`.

    Raises
    ------
    ScenarioError
        For a bad quarter, ``end`` before ``start``, or ``end_history`` after the end of the data.
    DataError
        If the data known by ``end_history`` lack an input (e.g. no federal spending share before 2022Q4).

    Examples
    --------
    >>> x = paths()
    >>> round(float(x.loc["2025", "defence_spending"].sum()), 2)  # the 2025 law's 13.5 on SIPRI's measure
    14.32
    """
    eh = _cutoff(end_history, "exog.paths")
    s, e = (_quarter(v, field, "exog.paths") for field, v in (("start", start), ("end", end)))
    if not (s <= e):
        raise ScenarioError(f"exog.paths: end {end!r} is before start {start!r}")
    from twosector.data import data_version

    return _paths(eh, s, e, data_version()).copy()


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

    Returns
    -------
    pd.DataFrame
        A copy of ``x`` with ``rate_anchor`` and ``key_rate_data`` set to 0 after ``end_history``.

    Raises
    ------
    ScenarioError
        If ``end_history`` is not a quarter, or is after the end of the data (``DATA_CUTOFF``).
    """
    eh = _cutoff(end_history, "exog.condition_rate")
    x = x.copy()
    after = x.index > eh
    x.loc[after, "rate_anchor"] = 0.0
    x.loc[after, "key_rate_data"] = 0.0
    return x


def no_war_paths(*, start: str | pd.Period = MODEL_START, end: str | pd.Period = DEFAULT_END) -> pd.DataFrame:
    """Return the counterfactual exogenous paths without the war and its shocks.

    Defence spending stays at its 2021 share of GDP from 2022 (``defence_plan`` = 0); non-defence spending at
    its 2021 share; no tax package; oil price and ruble stay at their 2021 averages; no sanctions (availability
    1, no markup), no mobilisation, recruitment or emigration, no war-time financing, no survey conditioning.

    Parameters
    ----------
    start, end : str or Period, default :data:`~twosector.calendar.MODEL_START`, :data:`~twosector.calendar.DEFAULT_END`
        First and last quarter of the paths.

    Returns
    -------
    pd.DataFrame
        Same layout as :func:`paths`.

    Raises
    ------
    ScenarioError
        If ``start`` or ``end`` is not a quarter or the range is invalid (as :func:`paths`).
    DataError
        If the data cannot build the paths (as :func:`paths`).
    """
    x = paths(start=start, end=end)
    base = x.loc[x.index.year == BASE_YEAR]
    after = x.index > PREWAR_END
    x["defence_plan"] = np.where(after, 0.0, 1.0)
    x["other_spending_gdp"] = np.where(after, base["other_spending_gdp"].mean(), x["other_spending_gdp"])
    x["spending_plan"] = 1.0
    x["other_spending_law"] = 0.0
    x["tax_package"] = 0.0
    for name in ("urals_price", "usd_rub"):
        x.loc[after, name] = base[name].mean()
    x["fx_anchor"] = 1.0
    x["fx_shock"] = 0.0
    x["critical_availability"] = 1.0
    x["import_markup"] = 0.0
    for name in ("mobilised", "contract_recruits", "emigrants", "war", "preferential_credit", "demand_shock",
                 "survey_anchor", "inflation_survey"):
        x[name] = 0.0
    # the deflator is anchored to the data up to 2021 only: afterwards nominal GDP grows with the CPI
    x["nominal_anchor"] = np.where(after, 0.0, x["nominal_anchor"])
    x["nwf_quarters_left"] = 0.0
    x["rate_anchor"] = 0.0  # without the war the Taylor rule sets the key rate throughout
    x["key_rate_data"] = 0.0
    return x


def validate_exog(x: pd.DataFrame, end: pd.Period) -> pd.DataFrame:
    """Check a user-supplied exogenous frame and return it cut at ``end``.

    Parameters
    ----------
    x : pd.DataFrame
        Exogenous paths in the layout of :func:`paths` (quarterly ``PeriodIndex``, the columns of :data:`COLUMNS`).
    end : Period
        Last quarter the simulation needs.

    Returns
    -------
    pd.DataFrame
        ``x`` up to ``end``, columns in the order of :data:`COLUMNS`.

    Raises
    ------
    ScenarioError
        If it has no quarterly PeriodIndex, misses columns, does not cover ``MODEL_START..PREWAR_END`` (needed for the
        2021 = 100 normalisation) and ``end``, has gaps or non-finite values, non-positive prices or rates, or
        negative numbers of people leaving the labour force (``mobilised``, ``contract_recruits``, ``emigrants``).
    """
    if not isinstance(x, pd.DataFrame) or not isinstance(x.index, pd.PeriodIndex) or x.index.freqstr[0] != "Q":
        raise ScenarioError("exog: must be a DataFrame with a quarterly PeriodIndex (see twosector.exog.paths())")
    missing = [c for c in COLUMNS if c not in x.columns]
    if missing:
        raise ScenarioError(f"exog: missing column(s) {missing}; allowed/required: {list(COLUMNS)}")
    if x.index[0] > MODEL_START:
        raise ScenarioError(f"exog: starts at {x.index[0]}; it must start at or before {MODEL_START} "
                            "(pre-war normalisation)")
    if x.index[-1] < end:
        raise ScenarioError(f"exog: ends at {x.index[-1]}, before the requested end {end}")
    x = x.loc[x.index <= end, list(COLUMNS)]
    if len(x) != x.index[-1].ordinal - x.index[0].ordinal + 1 or not x.index.is_monotonic_increasing:
        raise ScenarioError("exog: the quarterly index has gaps or is not sorted")
    values = x.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        bad = x.columns[~np.isfinite(values).all(axis=0)].tolist()
        raise ScenarioError(f"exog: non-finite values in column(s) {bad}")
    for name in ("urals_price", "usd_rub", "critical_availability", "gdp_deflator"):
        if (x[name] <= 0).any():
            first = x.index[(x[name] <= 0).to_numpy()][0]
            raise ScenarioError(f"exog: column {name!r} has values <= 0 (first at {first}); allowed: > 0")
    for name in ("mobilised", "contract_recruits", "emigrants"):  # people leaving the labour force
        if (x[name] < 0).any():
            first = x.index[(x[name] < 0).to_numpy()][0]
            raise ScenarioError(f"exog: column {name!r} has negative values (first at {first}, "
                                f"{float(x.loc[first, name]):g}); allowed: >= 0 ({COLUMNS[name][0]})")
    return x
