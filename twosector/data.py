"""The sourced data set: read and validate ``data/*.csv``, return tidy pandas objects.

Every CSV file under the data folder (sub-folders included, except ``forecasts/``) holds one observation
per row with the columns in :data:`REQUIRED_COLUMNS`. :func:`load_data` reads and validates them all into
one long frame; :func:`series` returns one series with a proper ``PeriodIndex``; :func:`data_summary` lists
the series. Forecast vintages (forecaster, publication date, range, target year) do not fit that layout:
they live in ``forecasts/*.csv`` with the columns in :data:`FORECAST_COLUMNS` and are read by
:func:`load_forecasts`. The data dictionary is ``data/README.md``.

The folder is, in order of precedence: the ``path`` argument, the ``TWOSECTOR_DATA`` environment variable,
the shipped data set (the repository's ``data/`` in a source checkout, a copy inside the installed package
otherwise; :func:`twosector.resources.data_folder`). The data vintage ends at
:data:`twosector.calendar.DATA_CUTOFF`: later rows must be plans.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import pandas as pd

from twosector.calendar import DATA_CUTOFF as CUTOFF
from twosector.errors import DataError, unknown_name
from twosector.resources import DATA_ENV as ENV_VAR
from twosector.resources import data_folder

__all__ = [
    "DERIVED_FILE",
    "SOURCES_DIGEST",
    "sources_digest",
    "REQUIRED_COLUMNS",
    "UNITS",
    "VERIFIED",
    "VINTAGES",
    "CUTOFF",
    "FORECAST_COLUMNS",
    "FORECAST_VARIABLES",
    "data_dir",
    "data_version",
    "data_vintage",
    "load_data",
    "load_forecasts",
    "series",
    "series_from_frame",
    "data_summary",
    "parse_period",
]

REQUIRED_COLUMNS: tuple[str, ...] = (
    "series", "period", "value", "unit", "source_publisher", "source_page", "verified", "vintage", "note",
)
VERIFIED: tuple[str, ...] = ("yes", "memory", "derived")
# Vintages in the order "oldest estimate" -> "newest estimate"; "plan" is not an outcome.
VINTAGES: tuple[str, ...] = ("plan", "first", "revised", "latest")
#: one row of a CSV file while it is read: column -> text, plus its ``line`` number (int) and, once
#: validated, the parsed fields
Row = dict[str, Any]

# unit -> meaning. Keep it short; a new unit must be added here on purpose.
UNITS: dict[str, str] = {
    "% y/y": "percent change on the same period a year earlier",
    "% m/m": "percent change on the previous month",
    "%": "percent (a rate or a level in percent)",
    "% GDP": "percent of nominal GDP",
    "% of federal spending": "percent of federal budget spending",
    "% of federal revenue": "percent of federal budget revenue",
    "% of NWF": "percent of the National Wealth Fund's total assets",
    "% of firms": "percent of surveyed firms",
    "% of employed": "percent of employed persons",
    "% of workforce": "percent of the workforce",
    "% of income": "percent of household income",
    "% of seaborne crude": "percent of Russia's seaborne crude exports",
    "% of imports": "percent of the imports named in the series",
    "% of 2021 level": "percent of the 2021 level",
    "% vs 2021": "percent change on 2021",
    "% vs Feb 2022": "percent change on February 2022",
    "% vs autumn 2022": "percent change on autumn 2022",
    "% since mid-2022": "percent change since mid-2022",
    "% of respondents": "percent of survey respondents",
    "trn RUB": "trillion rubles",
    "trn RUB per quarter": "trillion rubles per quarter (a flow)",
    "bn USD": "billion US dollars",
    "USD/bbl": "US dollars per barrel",
    "RUB per USD": "rubles per US dollar",
    "RUB per month": "rubles per month",
    "RUB": "rubles",
    "mn RUB per year": "million rubles per year",
    "persons": "number of persons",
    "persons per day": "number of persons per day",
    "mn persons": "million persons",
    "firms": "number of firms",
}

_PERIOD_FORMATS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("Y", re.compile(r"^\d{4}$"), "2023"),
    ("Q", re.compile(r"^\d{4}Q[1-4]$"), "2023Q2"),
    ("M", re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "2023-05"),
    ("D", re.compile(r"^\d{4}-\d{2}-\d{2}$"), "2022-02-28"),
)
_SERIES_ID = re.compile(r"^[a-z][a-z0-9_]*$")
FORECASTS_DIR = "forecasts"  # sub-folder with forecast vintages: read by load_forecasts, never by load_data

FORECAST_COLUMNS: tuple[str, ...] = (
    "forecaster", "release", "published", "variable", "target_year", "value", "low", "high", "unit",
    "source_page", "verified", "note",
)

#: forecast variable -> (unit, meaning, outcome series in the data set or "" if none, outcome period
#: pattern with ``{year}`` = target year). The unit is the outcome series' unit.
FORECAST_VARIABLES: dict[str, tuple[str, str, str, str]] = {
    "gdp_growth": ("% y/y", "real GDP growth, year on year", "gdp_growth", "{year}"),
    "gdp_growth_q4": ("% y/y", "real GDP in Q4 on Q4 a year earlier", "gdp_growth_q_rt", "{year}Q4"),
    "gdp_nominal": ("trn RUB", "nominal GDP", "gdp_nominal", "{year}"),
    "cpi_dec": ("% y/y", "CPI, December on December", "cpi_dec", "{year}"),
    "cpi_avg": ("% y/y", "CPI, annual average on the previous year's average", "", "{year}"),
    "cpi": ("% y/y", "CPI inflation, concept (Dec/Dec or average) not stated by the source", "", "{year}"),
    "key_rate_avg": ("%", "key rate, calendar-day average over the year", "key_rate_avg", "{year}"),
    "unemployment_dec": ("%", "unemployment rate in December (not seasonally adjusted)", "unemployment_end", "{year}"),
    "usd_rub_avg": ("RUB per USD", "USD/RUB, annual average", "usd_rub_y", "{year}"),
    "urals_avg": ("USD/bbl", "Urals price, annual average", "urals_price", "{year}"),
    "federal_revenue": ("trn RUB", "federal budget revenue", "federal_revenue", "{year}"),
    "federal_spending": ("trn RUB", "federal budget spending", "federal_spending", "{year}"),
    "budget_balance": ("trn RUB", "federal budget balance (negative = deficit)", "budget_balance", "{year}"),
    "budget_balance_gdp": ("% GDP", "federal budget balance / GDP", "budget_balance_gdp", "{year}"),
    "consolidated_balance_gdp": ("% GDP", "consolidated (federal + regional) budget balance / GDP", "", "{year}"),
    "credit_growth": ("% y/y", "bank claims on the economy (credit), growth over the year", "", "{year}"),
}
_PUBLISHED = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$")


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: ``path``, else ``$TWOSECTOR_DATA``, else the shipped data set.

    Parameters
    ----------
    path : str or path-like, optional
        A folder holding the CSV files; a relative path is read against the current directory.

    Returns
    -------
    pathlib.Path
        The folder, absolute.

    Returns
    -------
    Path
        The resolved folder.

    Raises
    ------
    DataError
        If the folder does not exist or is a file.
    """
    if path is None:
        path = data_folder()
    folder = Path(path).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise DataError(f"data folder {str(folder)!r} is a file, not a folder; pass path= or set {ENV_VAR} to the "
                        "folder that holds the data files")
    if not folder.is_dir():
        raise DataError(f"data folder {str(folder)!r} does not exist; pass path= or set {ENV_VAR}")
    return folder


def parse_period(text: str) -> tuple[str, pd.Period]:
    """Parse a period string of the data files into ``(freq, Period)``.

    Formats: ``2023`` (annual, ``Y``), ``2023Q2`` (``Q``), ``2023-05`` (``M``), ``2022-02-28`` (``D``,
    a dated event or a stock on a date).

    Parameters
    ----------
    text : str
        The ``period`` cell of a data row.

    Returns
    -------
    (str, pd.Period)
        The frequency code (``Y``, ``Q``, ``M`` or ``D``) and the period.

    Raises
    ------
    ValueError
        If the text matches none of the formats or is not a valid date.
    """
    for freq, pattern, _ in _PERIOD_FORMATS:
        if pattern.match(text):
            return freq, pd.Period(text, freq=freq)
    raise ValueError(text)


def _fail(file: str, line: int, column: str, problem: str) -> DataError:
    return DataError(f"{file}, line {line}, column {column!r}: {problem}")


def _read_rows(path: Path, name: str, required: tuple[str, ...] = REQUIRED_COLUMNS) -> list[Row]:
    """Read one CSV with the csv module, so that line numbers are exact (header = line 1)."""
    try:
        return _parse_rows(path, name, required)
    except UnicodeDecodeError:
        # the text reader's offset is within its buffer: find the byte in the file itself
        raw = path.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise DataError(f"{name}: not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start}, line "
                            f"{line}); save the file as UTF-8 CSV") from None
        raise


def _parse_rows(path: Path, name: str, required: tuple[str, ...]) -> list[Row]:
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{name}: the file is empty; expected a header with {', '.join(required)}") from None
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise _fail(name, 1, missing[0], f"missing from the header; required columns: {', '.join(required)}")
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise _fail(name, 1, dupes[0], "appears twice in the header")
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise DataError(
                    f"{name}, line {line}: {len(fields)} fields but the header has {len(header)} "
                    "(quote fields that contain commas)"
                )
            row: Row = {h: f.strip() for h, f in zip(header, fields, strict=True)}
            row["line"] = line
            rows.append(row)
    return rows


def _validate_row(row: Row, name: str) -> Row:
    line = int(row["line"])
    sid = str(row["series"])
    if not _SERIES_ID.match(sid):
        raise _fail(name, line, "series", f"{sid!r} is not a valid series id (lower-case snake_case, e.g. 'key_rate')")
    text = str(row["period"])
    try:
        freq, period = parse_period(text)
    except ValueError:
        allowed = ", ".join(f"{example} ({f})" for f, _, example in _PERIOD_FORMATS)
        raise _fail(name, line, "period", f"{text!r} is not a period; allowed formats: {allowed}") from None
    raw = str(row["value"])
    try:
        value = float(raw)
    except ValueError:
        raise _fail(name, line, "value", f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _fail(name, line, "value", f"{raw!r} is not a finite number")
    unit = str(row["unit"])
    if unit not in UNITS:
        raise _fail(name, line, "unit", unknown_name("unit", unit, UNITS) + " (add new units to twosector.data.UNITS)")
    for column, allowed_values in (("verified", VERIFIED), ("vintage", VINTAGES)):
        flag = str(row[column])
        if flag not in allowed_values:
            raise _fail(name, line, column, f"{flag!r} is not allowed; allowed: {', '.join(allowed_values)}")
    for column in ("source_publisher", "source_page"):
        if not str(row[column]):
            raise _fail(name, line, column,
                        "is empty; every observation needs its original publisher and the page where it was seen")
    if row["vintage"] != "plan" and period.end_time > CUTOFF.end_time:
        raise _fail(
            name, line, "period",
            f"{text!r} is after {CUTOFF}; only rows with vintage 'plan' (plans published by end-{CUTOFF.year}) "
            "may be later",
        )
    return {**row, "value": value, "freq": freq, "file": name}


def _stamp(files: list[Path], folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of each file; a CSV name that is not a regular file is one DataError.

    A FIFO or a device named ``*.csv`` would block the reader forever or return endless bytes.
    """
    out = []
    for f in sorted(files):
        info = f.stat()
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, socket or device)"
            raise DataError(f"{f.relative_to(folder)}: {what} named *.csv in the data folder {str(folder)!r}; "
                            "allowed: regular CSV files only")
        out.append((str(f), info.st_mtime_ns, info.st_size))
    return tuple(out)


def _file_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The observation files (every CSV under ``folder`` except ``forecasts/``) with their mtime and size."""
    return _stamp([f for f in folder.rglob("*.csv") if f.relative_to(folder).parts[0] != FORECASTS_DIR], folder)


#: the derived quarterly series (written by ``twosector dev derive`` from the other files of the folder)
DERIVED_FILE = Path("derived") / "quarterly.csv"
#: SHA-256 of the files the derived series were computed from, written next to them by ``twosector dev derive``
SOURCES_DIGEST = Path("derived") / "sources.sha256"


def sources_digest(path: str | os.PathLike[str] | None = None) -> str:
    """SHA-256 of the sourced observation files of a data folder: what the derived series are computed from.

    Every CSV except ``derived/`` and ``forecasts/``, by relative path and content, in sorted order.

    Parameters
    ----------
    path : str or path-like, optional
        The data folder; default ``$TWOSECTOR_DATA`` or the shipped data set.

    Returns
    -------
    str
        The hexadecimal digest.

    Raises
    ------
    DataError
        If the folder does not exist.
    """
    folder = data_dir(path)
    digest = hashlib.sha256()
    for f in sorted(folder.rglob("*.csv")):
        rel = f.relative_to(folder)
        if rel.parts[0] in (DERIVED_FILE.parts[0], FORECASTS_DIR) or not f.is_file():
            continue
        digest.update(rel.as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _check_derived(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> None:
    """A derived file whose sources changed since it was written is one DataError, not silently stale data.

    Checked once per state of the CSV files (``stamp``) and of the digest file.
    """
    digest = folder / SOURCES_DIGEST
    _check_derived_at(folder, stamp, digest.stat().st_mtime_ns if digest.is_file() else None)


@functools.lru_cache(maxsize=64)
def _check_derived_at(folder: Path, stamp: tuple[tuple[str, int, int], ...], digest_mtime: int | None) -> None:
    digest = folder / SOURCES_DIGEST
    if not (folder / DERIVED_FILE).exists():
        if digest.is_file():  # it was derived, then removed: its series would be "unknown", far from the cause
            raise DataError(f"{DERIVED_FILE.as_posix()} is missing in the data folder {str(folder)!r} (its record "
                            f"{SOURCES_DIGEST.as_posix()} is there); run `twosector dev derive --data {folder}` to "
                            "recompute it")
        return
    stored = digest.read_text(encoding="utf-8").strip() if digest.is_file() else None
    if stored != sources_digest(folder):
        why = "has no record of its sources" if stored is None else "is stale: its source files changed since"
        raise DataError(f"{DERIVED_FILE.as_posix()} in the data folder {str(folder)!r} {why} it was written "
                        f"({SOURCES_DIGEST.as_posix()}); run `twosector dev derive --data {folder}` to recompute it")


def data_vintage() -> str:
    """The data vintage: the last quarter of the data set and a short hash of its files.

    Returns
    -------
    str
        ``"data to <DATA_CUTOFF>, sha256:<12 hex digits>"`` over the names and bytes of every CSV file of the
        data folder in use (``$TWOSECTOR_DATA`` or the shipped data set).

    Raises
    ------
    Nothing of its own.
    """
    folder = data_folder()
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*.csv")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return f"data to {CUTOFF}, sha256:{digest.hexdigest()[:12]}"


def data_version(path: str | os.PathLike[str] | None = None) -> tuple[Path, tuple[tuple[str, int, int], ...]]:
    """The data folder and the name, modification time and size of each of its observation files.

    A cache key for results computed from the data: it changes when the folder (``path`` or
    ``$TWOSECTOR_DATA``) or any of its files changes.

    Parameters
    ----------
    path : str or path-like, optional
        The data folder; default ``$TWOSECTOR_DATA`` or the shipped data set.

    Returns
    -------
    (Path, tuple)
        The resolved folder and one ``(file, mtime_ns, size)`` per CSV file (``forecasts/`` excluded).

    Raises
    ------
    DataError
        If the folder does not exist.
    """
    folder = data_dir(path)
    return folder, _file_stamp(folder)


@functools.lru_cache(maxsize=8)
def _load(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    if not stamp:
        raise DataError(f"no CSV files in the data folder {str(folder)!r}")
    rows: list[Row] = []
    seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    freq_of: dict[str, tuple[str, str, int]] = {}
    unit_of: dict[str, tuple[str, str, int]] = {}
    for file, _, _ in stamp:
        path = Path(file)
        name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
        for raw in _read_rows(path, name):
            row = _validate_row(raw, name)
            sid, line = str(row["series"]), int(row["line"])
            key = (sid, str(row["period"]), str(row["vintage"]))
            if key in seen:
                first_file, first_line = seen[key]
                where = f"{first_file}, line {first_line}"
                raise _fail(
                    name, line, "period",
                    f"duplicate observation ({sid}, {key[1]}, vintage {key[2]}): already at {where}; "
                    "(series, period, vintage) must be unique",
                )
            seen[key] = (name, line)
            for column, table in (("freq", freq_of), ("unit", unit_of)):
                first = table.setdefault(sid, (str(row[column]), name, line))
                if first[0] != row[column]:
                    what = "period" if column == "freq" else "unit"
                    raise _fail(
                        name, line, what,
                        f"series {sid!r} has {column} {row[column]!r} here but {first[0]!r} at {first[1]}, "
                        f"line {first[2]}; one {column} per series",
                    )
            rows.append(row)
    if not rows:
        raise DataError(f"no observations in the data folder {str(folder)!r} (the CSV files have headers only)")
    frame = pd.DataFrame(rows)
    ordered = [*REQUIRED_COLUMNS, "freq", "file", "line"]
    extra = [c for c in frame.columns if c not in ordered]
    frame = frame[ordered + extra]
    frame["value"] = frame["value"].astype("float64")
    frame["line"] = frame["line"].astype("int64")
    return frame


def load_data(path: str | os.PathLike[str] | None = None, *, check_derived: bool = True) -> pd.DataFrame:
    """Read and validate every observation file of the data set into one long frame.

    The sub-folder ``forecasts/`` is not read (its rows are forecast vintages: :func:`load_forecasts`).

    Parameters
    ----------
    path : str or path-like, optional
        The data folder; default ``$TWOSECTOR_DATA`` or the shipped data set (see :func:`data_dir`).
    check_derived : bool, default True
        Refuse a folder whose derived series (:data:`DERIVED_FILE`) were computed from other versions of its
        files than the present ones (the digest in :data:`SOURCES_DIGEST`); ``twosector dev derive`` itself
        reads the folder without the check.

    Returns
    -------
    pandas.DataFrame
        One row per observation: the columns of :data:`REQUIRED_COLUMNS` (``value`` as float, ``period``
        as text), plus ``freq`` (``Y``, ``Q``, ``M`` or ``D``), ``file`` (e.g. ``data/prices.csv``) and
        ``line`` (the row's line in that file, header = 1).

    Raises
    ------
    DataError
        On the first invalid row, naming the file, the line, the column, the problem and what is allowed.
        Checks: required columns, period format, numeric value, known unit, verified and vintage flags,
        non-empty sources, no period after :data:`CUTOFF` unless ``vintage == "plan"``, unique
        (series, period, vintage), and one frequency and one unit per series. Also when the derived series are
        stale or have no record of their sources (with ``check_derived``): re-run ``twosector dev derive``.

    Examples
    --------
    >>> data = load_data()
    >>> data.loc[data["series"] == "key_rate", ["period", "value"]].tail(1)  # doctest: +SKIP
    """
    return _cached(path, check_derived).copy()


def _cached(path: str | os.PathLike[str] | None, check_derived: bool = True) -> pd.DataFrame:
    """The cached frame itself: read it, never modify it."""
    folder = data_dir(path)
    stamp = _file_stamp(folder)
    if check_derived:
        _check_derived(folder, stamp)
    return _load(folder, stamp)


def _rank(vintage: str) -> int:
    return VINTAGES.index(vintage)


def series(name: str, vintage: str = "latest", path: str | os.PathLike[str] | None = None) -> pd.Series:
    """Return one series of the data set with a ``PeriodIndex`` of its frequency.

    Parameters
    ----------
    name : str
        Series id, e.g. ``"key_rate_q"`` or ``"defence_spending"`` (see ``data/README.md``).
    vintage : {"latest", "first", "revised", "plan"}, default "latest"
        ``"latest"``: per period, the most recent outcome (``latest`` over ``revised`` over ``first``), and
        the plan only where no outcome exists. ``"first"``: per period, the earliest outcome recorded.
        ``"revised"`` and ``"plan"``: only rows of that vintage.
    path : str or path-like, optional
        The data folder (see :func:`load_data`).

    Returns
    -------
    pandas.Series
        Float values indexed by a ``PeriodIndex`` (freq ``Y``, ``Q``, ``M`` or ``D``), sorted, named
        ``name``. ``attrs`` holds ``unit``, ``freq``, ``vintage`` and per-period dicts (keyed by the period
        text) ``vintages``, ``verified``, ``source_publisher``, ``source_page``, plus ``sources``: the
        sorted distinct "publisher | page" strings.

    Raises
    ------
    DataError
        For an unknown series (with a did-you-mean), an unknown vintage, or no rows of that vintage; for derived
        series that are stale (see :func:`load_data`).
    """
    folder = data_dir(path)
    stamp = _file_stamp(folder)
    _check_derived(folder, stamp)
    return _series_cached(folder, stamp, name, vintage).copy(deep=True)


@functools.lru_cache(maxsize=1024)
def _series_cached(folder: Path, stamp: tuple[tuple[str, int, int], ...], name: str, vintage: str) -> pd.Series:
    return series_from_frame(_load(folder, stamp), name, vintage)


def series_from_frame(data: pd.DataFrame, name: str, vintage: str = "latest") -> pd.Series:
    """Like :func:`series`, but select from a frame returned by :func:`load_data` (or a subset of it).

    Parameters
    ----------
    data : pandas.DataFrame
        Rows in the layout of :func:`load_data`.
    name : str
        Series id.
    vintage : {"latest", "first", "revised", "plan"}, default "latest"
        See :func:`series`.

    Returns
    -------
    pandas.Series
        See :func:`series`.

    Raises
    ------
    DataError
        For an unknown series (with a did-you-mean), an unknown vintage, or no rows of that vintage.
    """
    choices = ("latest", "first", "revised", "plan")
    if vintage not in choices:
        raise DataError(unknown_name("vintage", vintage, choices))
    rows = data[data["series"] == name]
    if rows.empty:
        raise DataError(unknown_name("series", name, data["series"].unique()))
    if vintage in ("revised", "plan"):
        keep = [i for i, v in zip(rows.index, rows["vintage"], strict=True) if v == vintage]
    else:
        best: dict[str, tuple[int, object]] = {}
        for i, period, v in zip(rows.index, rows["period"], rows["vintage"], strict=True):
            if vintage == "first" and v == "plan":
                continue
            # "latest": highest rank wins (plan ranks lowest); "first": lowest outcome rank wins
            rank = _rank(v) if vintage == "latest" else -_rank(v)
            if period not in best or rank > best[period][0]:
                best[period] = (rank, i)
        keep = [i for _, i in best.values()]
    chosen = rows.loc[keep]
    if chosen.empty:
        available = ", ".join(sorted(rows["vintage"].unique()))
        raise DataError(f"series {name!r} has no rows for vintage {vintage!r}; its vintages: {available}")
    freq = str(chosen["freq"].iloc[0])
    index = pd.PeriodIndex([pd.Period(p, freq=freq) for p in chosen["period"]], freq=freq, name="period")
    out = pd.Series(chosen["value"].to_numpy(dtype="float64"), index=index, name=name).sort_index()
    keys = [str(p) for p in chosen["period"]]
    out.attrs = {
        "unit": str(chosen["unit"].iloc[0]),
        "freq": freq,
        "vintage": vintage,
        "vintages": dict(zip(keys, chosen["vintage"].astype(str), strict=True)),
        "verified": dict(zip(keys, chosen["verified"].astype(str), strict=True)),
        "source_publisher": dict(zip(keys, chosen["source_publisher"].astype(str), strict=True)),
        "source_page": dict(zip(keys, chosen["source_page"].astype(str), strict=True)),
        "sources": sorted(set(chosen["source_publisher"] + " | " + chosen["source_page"])),
    }
    return out


def data_summary(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per series: frequency, coverage, observations, unit, sources and verification counts.

    Parameters
    ----------
    path : str or path-like, optional
        The data folder (see :func:`load_data`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``series`` (grouped by file, then by name), with columns ``freq``, ``first``, ``last``
        (period text), ``n_obs`` (rows, all vintages), ``unit``, ``n_sources`` (distinct source pages),
        ``yes``, ``memory``, ``derived`` (rows per flag), ``vintages`` and ``file``.

    Raises
    ------
    DataError
        If the data folder is missing or a file is invalid (see :func:`load_data`).
    """
    data = load_data(path)
    data["sort_key"] = [parse_period(p)[1].start_time for p in data["period"]]
    records = []
    for sid, rows in data.groupby("series", sort=False):
        rows = rows.sort_values("sort_key")
        flags = rows["verified"].value_counts()
        records.append({
            "series": sid,
            "freq": rows["freq"].iloc[0],
            "first": rows["period"].iloc[0],
            "last": rows["period"].iloc[-1],
            "n_obs": len(rows),
            "unit": rows["unit"].iloc[0],
            "n_sources": rows["source_page"].nunique(),
            "yes": int(flags.get("yes", 0)),
            "memory": int(flags.get("memory", 0)),
            "derived": int(flags.get("derived", 0)),
            "vintages": ",".join(v for v in VINTAGES if v in set(rows["vintage"])),
            "file": ",".join(sorted(rows["file"].unique())),
        })
    table = pd.DataFrame.from_records(records)
    return table.sort_values(["file", "series"]).set_index("series")


# ---------------------------------------------------------------------------------------------------------
# Forecast vintages (data/forecasts/*.csv)


def _optional_number(row: Row, column: str, name: str) -> float | None:
    raw = str(row[column])
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _fail(name, int(row["line"]), column, f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _fail(name, int(row["line"]), column, f"{raw!r} is not a finite number")
    return value


def _published_by(text: str) -> pd.Timestamp:
    """Last day of the stated publication date: ``2023-10-27`` itself, ``2023-09`` -> 30 Sep, ``2022`` -> 31 Dec."""
    if not _PUBLISHED.match(text):
        raise ValueError(text)
    freq = {4: "Y", 7: "M", 10: "D"}[len(text)]
    return pd.Period(text, freq=freq).end_time.normalize()


def _validate_forecast(row: Row, name: str) -> Row:
    line = int(row["line"])
    for column in ("forecaster", "release"):
        if not str(row[column]):
            raise _fail(name, line, column,
                        "is empty; name the institution and the publication (e.g. 'IMF', 'WEO Oct 2023')")
    text = str(row["published"])
    try:
        published_by = _published_by(text)
    except ValueError:
        allowed = "2023-10-27, 2023-10 (month known) or 2023 (year known)"
        raise _fail(name, line, "published", f"{text!r} is not a date; allowed: {allowed}") from None
    variable = str(row["variable"])
    if variable not in FORECAST_VARIABLES:
        raise _fail(name, line, "variable", unknown_name("variable", variable, FORECAST_VARIABLES)
                    + " (add new variables to twosector.data.FORECAST_VARIABLES)")
    target = str(row["target_year"])
    if not re.fullmatch(r"\d{4}", target):
        raise _fail(name, line, "target_year", f"{target!r} is not a year; use four digits, e.g. 2024")
    deadline = pd.Timestamp(year=int(target) - 1, month=12, day=31)
    if published_by > deadline:
        raise _fail(name, line, "published",
                    f"{text!r} is not before the target year {target}; "
                    f"a forecast must be published by {deadline.date()}")
    if published_by > CUTOFF.end_time:
        raise _fail(name, line, "published", f"{text!r} is after the data cut-off {CUTOFF}")
    value, low, high = (_optional_number(row, c, name) for c in ("value", "low", "high"))
    is_range = value is None
    if value is not None and (low is not None or high is not None):
        raise _fail(name, line, "low" if low is not None else "high",
                    "give either a point forecast in 'value' or a range in 'low' and 'high', not both")
    if value is None:
        if low is None and high is None:
            raise _fail(name, line, "value",
                        "is empty and so are 'low' and 'high'; "
                        "give a point forecast in 'value' or a range in 'low' and 'high'")
        if low is None or high is None:
            missing, given = ("low", "high") if low is None else ("high", "low")
            raise _fail(name, line, missing, f"is empty but '{given}' is given; a range needs both ends")
        if low > high:
            raise _fail(name, line, "low", f"{row['low']!r} is above 'high' {row['high']!r}; low must not exceed high")
        value = (low + high) / 2
    else:
        low = high = value
    unit = str(row["unit"])
    expected = FORECAST_VARIABLES[variable][0]
    if unit != expected:
        raise _fail(name, line, "unit", f"{unit!r} is not the unit of variable {variable!r}; allowed: {expected!r}")
    flag = str(row["verified"])
    if flag not in VERIFIED:
        raise _fail(name, line, "verified", f"{flag!r} is not allowed; allowed: {', '.join(VERIFIED)}")
    if not str(row["source_page"]):
        raise _fail(name, line, "source_page", "is empty; every forecast needs the page where it was seen")
    _, _, outcome, period = FORECAST_VARIABLES[variable]
    return {
        **row, "published_by": published_by, "target_year": int(target), "value": value, "low": low, "high": high,
        "is_range": is_range, "outcome_series": outcome,
        "outcome_period": period.format(year=target) if outcome else "", "file": name,
    }


@functools.lru_cache(maxsize=8)
def _load_forecasts(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    if not stamp:
        raise DataError(f"no CSV files in the forecasts folder {str(folder)!r}")
    rows: list[Row] = []
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    for file, _, _ in stamp:
        path = Path(file)
        name = f"{folder.parent.name}/{path.relative_to(folder.parent).as_posix()}"
        for raw in _read_rows(path, name, FORECAST_COLUMNS):
            row = _validate_forecast(raw, name)
            key = tuple(str(row[c]) for c in ("forecaster", "release", "variable", "target_year"))
            if key in seen:
                raise _fail(
                    name, int(row["line"]), "variable",
                    f"duplicate forecast ({', '.join(key)}): already at {seen[key][0]}, line {seen[key][1]}; "
                    "(forecaster, release, variable, target_year) must be unique",
                )
            seen[key] = (name, int(row["line"]))
            rows.append(row)
    if not rows:
        raise DataError(f"no forecasts in {str(folder)!r} (the CSV files have headers only)")
    columns = ["forecaster", "release", "published", "published_by", "variable", "target_year", "value", "low",
               "high", "is_range", "unit", "source_page", "verified", "note", "outcome_series", "outcome_period",
               "file", "line"]
    frame = pd.DataFrame(rows)[columns]
    for column in ("value", "low", "high"):
        frame[column] = frame[column].astype("float64")
    frame["published_by"] = pd.to_datetime(frame["published_by"])
    frame["target_year"] = frame["target_year"].astype("int64")
    frame["is_range"] = frame["is_range"].astype(bool)
    frame["line"] = frame["line"].astype("int64")
    return frame


def load_forecasts(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and validate the forecast vintages in ``<data folder>/forecasts/*.csv``.

    One row per forecaster, release, variable and target year (schema: ``data/README.md``, "Forecast
    vintages"). Ranges are kept as ``low``/``high``; ``value`` is the point forecast, or the midpoint of
    the range when the source gives a range. The outcome to compare with is named, not copied: it is
    ``series(outcome_series)`` at ``outcome_period`` (an ordinary row of the data set).

    Parameters
    ----------
    path : str or path-like, optional
        The data folder (not the forecasts folder); default ``$TWOSECTOR_DATA`` or the shipped data set.

    Returns
    -------
    pandas.DataFrame
        Columns ``forecaster``, ``release``, ``published`` (text as in the file: day, month or year),
        ``published_by`` (Timestamp, the last day of that date), ``variable`` (a key of
        :data:`FORECAST_VARIABLES`), ``target_year`` (int), ``value``, ``low``, ``high`` (float; for a point
        forecast ``low == high == value``), ``is_range``, ``unit``, ``source_page``, ``verified``, ``note``,
        ``outcome_series`` and ``outcome_period`` (``""`` when the data set holds no outcome for the
        variable), ``file`` and ``line``.

    Raises
    ------
    DataError
        On the first invalid row, naming the file, the line, the column, the bad value and what is allowed:
        required columns, publication date format, known variable, four-digit target year, publication by
        31 Dec of the year before the target year (and by the data cut-off), either a point ``value`` or a
        ``low``/``high`` range with low <= high, the variable's unit, the verified flag, a non-empty source,
        unique (forecaster, release, variable, target_year).

    Examples
    --------
    >>> f = load_forecasts()
    >>> gdp = f[f["variable"] == "gdp_growth"]
    >>> gdp[["forecaster", "published", "target_year", "value"]].head(2)  # doctest: +SKIP
    """
    folder = data_dir(path) / FORECASTS_DIR
    if not folder.is_dir():
        raise DataError(f"forecasts folder {str(folder)!r} does not exist; "
                        f"forecast vintages live in <data folder>/{FORECASTS_DIR}/*.csv")
    stamp = _stamp(list(folder.rglob("*.csv")), folder)
    return _load_forecasts(folder, stamp).copy()
