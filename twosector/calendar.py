"""The dates of the data vintage and of the model calendar: the one place to change them.

Every default quarter of the package (function arguments, command-line options, chart boundaries,
validation ranges) is one of these constants or is derived from them, so moving the data vintage to a
later quarter means editing :data:`DATA_CUTOFF` here (and adding the data).

- ``DATA_CUTOFF`` (2024Q4): last quarter of the data vintage; no outcome after it (plans may be later);
- ``PROJECTION_START`` (2025Q1): first projected quarter, ``DATA_CUTOFF + 1``;
- ``MODEL_START`` (2019Q1): first quarter the model runs, and the start of the pre-war years;
- ``BASE_YEAR`` (2021): index base (``index 2021 = 100``), the last pre-war year;
- ``PREWAR_END`` (2021Q4): last pre-war quarter; the engine normalises on ``MODEL_START..PREWAR_END``;
- ``WAR_START`` (2022Q1): first quarter of the full-scale war;
- ``PREFERENTIAL_START`` (2022Q3): first quarter of state-directed preferential credit to defence firms;
- ``FIRST_LEVER_QUARTER`` (2022Q1): earliest quarter a scenario lever may act, ``WAR_START``;
- ``DEFAULT_LEVER_START`` (2025Q1): a lever's start when a scenario gives none, ``PROJECTION_START``;
- ``DEFAULT_END`` (2030Q4): last quarter of the default horizon;
- ``ENSEMBLE_END`` (2035Q4): last quarter a Monte Carlo, a sensitivity analysis or a sweep may reach, the end of
  the calibration's stability window (``calibration.STABILITY_END``);
- ``LAST_QUARTER`` (2050Q4): last quarter any simulation or lever may reach.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from twosector.errors import TwosectorError

__all__ = [
    "DATA_CUTOFF",
    "PROJECTION_START",
    "MODEL_START",
    "BASE_YEAR",
    "PREWAR_END",
    "WAR_START",
    "PREFERENTIAL_START",
    "FIRST_LEVER_QUARTER",
    "DEFAULT_LEVER_START",
    "DEFAULT_END",
    "ENSEMBLE_END",
    "LAST_QUARTER",
    "quarter_index",
    "parse_quarter",
    "normalisation_positions",
]


def _q(text: str) -> pd.Period:
    return pd.Period(text, freq="Q")


#: Last quarter of the data vintage: outcomes end here; later rows of ``data/`` are plans.
DATA_CUTOFF = _q("2024Q4")
#: First projected quarter: the exogenous paths follow the projection assumptions from here.
PROJECTION_START = DATA_CUTOFF + 1
#: First quarter the model runs; the pre-war years ``MODEL_START..PREWAR_END`` normalise the strain index.
MODEL_START = _q("2019Q1")
#: Index base year of the model's indices (``index 2021 = 100``), the last pre-war year.
BASE_YEAR = 2021
#: Last pre-war quarter (the end of :data:`BASE_YEAR`).
PREWAR_END = pd.Period(year=BASE_YEAR, quarter=4, freq="Q")
#: First quarter of the full-scale war (the exogenous ``war`` switch; NWF financing rule active).
WAR_START = _q("2022Q1")
#: First quarter of state-directed preferential credit to defence contractors (Kennedy 2025).
PREFERENTIAL_START = _q("2022Q3")
#: Earliest quarter a scenario lever may act: levers act on the war economy.
FIRST_LEVER_QUARTER = WAR_START
#: A lever's start quarter when a scenario does not give one: the first projected quarter.
DEFAULT_LEVER_START = PROJECTION_START
#: Last quarter of the default horizon of simulations, charts and tables.
DEFAULT_END = _q("2030Q4")
#: Last quarter an ensemble (Monte Carlo, sensitivity, sweep) may reach: the end of the calibration's stability
#: window (``calibration.STABILITY_END``). Past it no prior checks that the model settles, and draws over the
#: priors' whole ranges would spread over paths nobody has looked at; a single ``simulate()`` may go further.
ENSEMBLE_END = _q("2035Q4")
#: Last quarter any simulation or lever may reach. The projection holds its assumptions flat (the oil price in
#: dollars, defence as a share of GDP, the labour force's trend) and the budget has no rule that stabilises debt
#: (only a spending cut once the NWF is empty [B6]): the oil revenue's share of GDP falls (6% in 2025, 2.6% in 2050,
#: 0.6% by 2100 in the baseline), deficits reappear from 2044 and, past 2060, interest on the growing debt
#: compounds until the paths break down (NaN from 2099 with the shipped parameters). Through 2050 every built-in
#: scenario stays plausible and the baseline's new debt stays under 2% of GDP.
LAST_QUARTER = _q("2050Q4")

_QUARTER_RE = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")


def quarter_index(start: str | pd.Period, end: str | pd.Period) -> pd.PeriodIndex:
    """Return the quarterly ``PeriodIndex`` from ``start`` to ``end`` (inclusive), named ``"quarter"``.

    Parameters
    ----------
    start, end : str or Period
        Quarters, e.g. ``"2019Q1"`` (read by :func:`parse_quarter`).

    Returns
    -------
    pandas.PeriodIndex
        Quarterly, empty when ``end`` is before ``start``.

    Raises
    ------
    TwosectorError
        If ``start`` or ``end`` is not a quarter (:func:`parse_quarter`).

    Examples
    --------
    >>> list(quarter_index("2024Q3", "2025Q1").astype(str))
    ['2024Q3', '2024Q4', '2025Q1']
    """
    return pd.period_range(parse_quarter(start, "start"), parse_quarter(end, "end"), freq="Q", name="quarter")


def parse_quarter(value: object, where: str = "quarter", error: type[TwosectorError] = TwosectorError) -> pd.Period:
    """Read a quarter strictly: ``"2025Q2"``, ``"2025-Q2"`` or ``"2025q2"``, or a quarterly Period.

    The one reader of quarters given by users, for the whole package. Unlike ``pandas.Period(text, freq="Q")``,
    which reads ``"2025"`` as 2025Q1 without a word, this refuses a year, a date or a quarter 5. The
    did-you-mean of a year is its first quarter for a start (``where`` ending in ``start``) and its fourth
    quarter otherwise (an end, a cut-off, a quarter shown).

    Parameters
    ----------
    value : str or Period
        The text or Period to read.
    where : str, default "quarter"
        The field named in the error message.
    error : subclass of TwosectorError, default TwosectorError
        The error class raised.

    Returns
    -------
    pandas.Period
        Quarterly (``freq="Q"``).

    Raises
    ------
    TwosectorError
        (Or ``error``) naming ``where``, the value and the allowed form; for a year ``"<where>: '2030' is a
        year; did you mean '2030Q4'?"`` (``'2030Q1'`` for a start).

    Examples
    --------
    >>> parse_quarter("2025-Q2")
    Period('2025Q2', 'Q-DEC')
    >>> parse_quarter("2030", "end")
    Traceback (most recent call last):
    ...
    twosector.errors.TwosectorError: end: '2030' is a year; did you mean '2030Q4'?
    >>> parse_quarter("2030", "input_sanctions.start")
    Traceback (most recent call last):
    ...
    twosector.errors.TwosectorError: input_sanctions.start: '2030' is a year; did you mean '2030Q1'?
    """
    if isinstance(value, pd.Period) and value.freqstr.startswith("Q"):
        return value
    year = _year(value)
    if year is not None:
        quarter = 1 if re.search(r"start\W*$", where) else 4
        raise error(f"{where}: {year!r} is a year; did you mean '{year}Q{quarter}'?")
    m = _QUARTER_RE.match(value.strip()) if isinstance(value, str) else None
    if m is None:
        raise error(f"{where}: {value!r} is not a quarter; allowed: text like '2025Q2' (year, 'Q', quarter 1-4)")
    return pd.Period(year=int(m.group(1)), quarter=int(m.group(2)), freq="Q")


def _year(value: object) -> str | None:
    """The year ``value`` stands for, if it is one (``"2030"``, ``2030``, a yearly Period), else ``None``."""
    if isinstance(value, pd.Period):
        return str(value.year) if value.freqstr.startswith(("Y", "A")) else None
    if isinstance(value, bool) or not isinstance(value, str | int | np.integer):
        return None
    text = str(value).strip()
    return text if re.fullmatch(r"\d{4}", text) else None


def normalisation_positions(index: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """Positions in a quarterly index of the base-year quarters and of the pre-war quarters.

    The engine normalises its indices on :data:`BASE_YEAR` (``= 100``) and the strain index on the pre-war
    quarters ``MODEL_START..PREWAR_END``.

    Parameters
    ----------
    index : pandas.PeriodIndex
        Quarterly, starting at or before :data:`MODEL_START`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Integer positions of the quarters of :data:`BASE_YEAR` and of ``MODEL_START..PREWAR_END``.

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> base, prewar = normalisation_positions(quarter_index("2019Q1", "2022Q4"))
    >>> base.tolist(), len(prewar)
    ([8, 9, 10, 11], 12)
    """
    years = np.asarray(index.year)
    base = np.flatnonzero(years == BASE_YEAR)
    prewar = np.flatnonzero((years >= MODEL_START.year) & (years <= PREWAR_END.year))
    return base, prewar
