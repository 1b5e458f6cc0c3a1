"""The parameter catalogue: ``twosector/parameters.csv``.

Every parameter of the model has a value, a unit, a valid range (``low``, ``high``), a kind
(``estimated`` / ``calibrated`` / ``literature`` / ``data``), a block, a source and a description.
:func:`default_params` returns the values, :func:`param_table` the whole catalogue, and
:func:`resolve_params` validates user overrides (a mapping, or a DataFrame with one row per draw).
The equations that use each parameter are in ``docs/model.md``.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from twosector.errors import ParameterError, unknown_name

__all__ = ["default_params", "param_table", "resolve_params", "read_catalogue", "PARAMETERS_FILE"]

PARAMETERS_FILE = Path(__file__).with_name("parameters.csv")
COLUMNS = ["name", "value", "unit", "low", "high", "kind", "block", "source", "description"]
#: how a value was set: estimated with statsmodels, solved by calibrate(), taken from a publication, derived from
#: the data set, or set by the model author's judgement or a rough hand fit (stated in its source)
KINDS = ("estimated", "calibrated", "literature", "data", "assumption")


def read_catalogue(path: str | os.PathLike[str] = PARAMETERS_FILE) -> pd.DataFrame:
    """Read and check a parameter catalogue file (the layout of ``twosector/parameters.csv``).

    Parameters
    ----------
    path : path-like, default ``twosector/parameters.csv``
        The catalogue file.

    Returns
    -------
    pd.DataFrame
        Indexed by parameter name, columns as :func:`param_table`.

    Raises
    ------
    ParameterError
        If the columns are not the expected ones, a kind is unknown or a value lies outside its range.
    """
    file = Path(path)
    table = pd.read_csv(file)
    if list(table.columns) != COLUMNS:
        raise ParameterError(
            f"{file.name}: columns {list(table.columns)} are not the expected {COLUMNS}"
        )
    bad = table.loc[~table["kind"].isin(KINDS), "name"].tolist()
    if bad:
        raise ParameterError(f"{file.name}: parameter(s) {bad} have a kind not in {KINDS}")
    out_of_range = table.loc[(table["value"] < table["low"]) | (table["value"] > table["high"]), "name"]
    if len(out_of_range):
        raise ParameterError(
            f"{file.name}: default value outside [low, high] for {out_of_range.tolist()}"
        )
    return table.set_index("name")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return read_catalogue(PARAMETERS_FILE)


def param_table() -> pd.DataFrame:
    """Return the parameter catalogue.

    Returns
    -------
    pd.DataFrame
        Indexed by parameter name, with columns ``value, unit, low, high, kind, block, source,
        description``.

    Raises
    ------
    ParameterError
        If the shipped catalogue ``twosector/parameters.csv`` is broken (see :func:`read_catalogue`).
    """
    return _table().copy()


def default_params() -> pd.Series:
    """Return the default parameter values.

    Returns
    -------
    pd.Series
        float values indexed by parameter name (named ``"value"``).

    Raises
    ------
    ParameterError
        If the shipped catalogue ``twosector/parameters.csv`` is broken (see :func:`read_catalogue`).

    Examples
    --------
    >>> p = default_params()
    >>> p["inflation_target"]
    np.float64(4.0)
    """
    return _table()["value"].astype(float).copy()


def _check_value(name: str, value: object, where: str = "") -> float:
    table = _table()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(
            f"parameter {name!r}{where}: value {value!r} is not a number; "
            f"allowed: a number in [{table.at[name, 'low']}, {table.at[name, 'high']}] "
            f"({table.at[name, 'unit']})"
        )
    x = float(value)
    low, high = float(table.at[name, "low"]), float(table.at[name, "high"])
    if not (low <= x <= high):  # also rejects NaN
        raise ParameterError(
            f"parameter {name!r}{where}: value {x!r} is outside its valid range [{low}, {high}] "
            f"({table.at[name, 'unit']})"
        )
    return x


def _check_name(name: object) -> str:
    if not isinstance(name, str) or name not in _table().index:
        raise ParameterError(unknown_name("parameter", str(name), _table().index))
    return name


def resolve_params(params: Mapping[str, float] | pd.Series | pd.DataFrame | None = None) -> pd.DataFrame:
    """Validate overrides and return a full parameter frame, one row per draw.

    Parameters
    ----------
    params : mapping, pd.Series, pd.DataFrame or None
        ``None``: the defaults. A mapping or Series: overrides of single values. A DataFrame: one row
        per draw, columns are parameter names; parameters not given keep their default.

    Returns
    -------
    pd.DataFrame
        Shape ``(n_draws, n_parameters)``, columns in catalogue order, float values. The index holds the
        draw labels (``0`` for a single parameter set).

    Raises
    ------
    ParameterError
        For an unknown name (with a did-you-mean), a non-numeric value or a value outside ``[low, high]``.
    """
    defaults = default_params()
    if params is None:
        return defaults.to_frame().T.reset_index(drop=True)
    if isinstance(params, pd.DataFrame):
        if len(params) == 0:
            raise ParameterError("params: the DataFrame of draws has no rows; allowed: one row per draw")
        for col in params.columns:
            _check_name(col)
            values = params[col].to_numpy()
            if not (pd.api.types.is_numeric_dtype(params[col]) and not pd.api.types.is_bool_dtype(params[col])):
                raise ParameterError(
                    f"parameter {col!r}: column of dtype {params[col].dtype} is not numeric; allowed: numbers"
                )
            low, high = _table().at[col, "low"], _table().at[col, "high"]
            bad = ~((values >= low) & (values <= high))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                _check_value(col, float(values[i]), f" (draw {params.index[i]!r})")
        out = pd.DataFrame(
            np.broadcast_to(defaults.to_numpy(), (len(params), len(defaults))).copy(),
            index=params.index, columns=defaults.index,
        )
        for col in params.columns:
            out[col] = params[col].to_numpy(dtype=float)
        out.columns.name = None
        return out
    if isinstance(params, pd.Series):
        params = params.to_dict()
    if not isinstance(params, Mapping):
        raise ParameterError(
            f"params: {type(params).__name__} is not supported; allowed: None, a mapping name -> value, "
            "a pd.Series or a pd.DataFrame with one row per draw"
        )
    values = defaults.copy()
    for name, value in params.items():
        _check_name(name)
        values[name] = _check_value(name, value)
    return values.to_frame().T.reset_index(drop=True)
