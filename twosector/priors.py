"""Priors of the model's parameters: one documented distribution per parameter of the catalogue.

The rule (:func:`table` shows it parameter by parameter):

- ``normal``: the parameters estimated with statsmodels (:data:`twosector.calibration.ESTIMATED`) are jointly
  normal within each equation, centred on the catalogue value with the covariance of the estimate
  (:func:`twosector.estimation.estimate`: HAC or HC1 standard errors, the structural Taylor coefficients by the
  delta method), truncated to the catalogue range ``[low, high]`` (draws outside it are drawn again).
- ``pert``: every other parameter (calibrated, literature, data, assumption) follows a PERT distribution on its
  sourced range ``[low, high]`` with its mode at the catalogue value: a Beta(1 + 4 (m - a) / (b - a),
  1 + 4 (b - m) / (b - a)) scaled to ``[a, b]``. It is the usual shape for a range and a most likely value given
  by a source or a judgement: bounded where the catalogue bounds the parameter, peaked at the chosen value,
  with a mean ``(a + 4m + b) / 6`` (so the ensemble's centre may differ from the point projection where the
  value sits off-centre in its range).
- ``fixed``: the overrides of ``twosector/priors.csv`` (with the reason for each): definitions (the strain
  index's weights and normalisation), policy facts (the inflation target), precisely measured levels and the
  COVID shocks that shape history only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from twosector.errors import ParameterError

if TYPE_CHECKING:
    from twosector.estimation import Estimates

__all__ = ["SHAPES", "PRIORS_FILE", "table", "draw"]

PRIORS_FILE = Path(__file__).with_name("priors.csv")
SHAPES = ("normal", "pert", "fixed")
#: rounds of redrawing the normal draws outside the range before the rest are clipped to it
REDRAWS = 50


@lru_cache(maxsize=1)
def _overrides() -> pd.DataFrame:
    return pd.read_csv(PRIORS_FILE).set_index("parameter")


def table() -> pd.DataFrame:
    """The prior of every parameter of the catalogue.

    Returns
    -------
    pd.DataFrame
        Indexed by parameter name (catalogue order): ``shape`` (:data:`SHAPES`), ``value`` (mode or centre),
        ``low``, ``high``, ``sd`` (the estimate's standard error for ``normal``, NaN otherwise), ``kind`` and
        ``why`` (the rule or the override's reason).

    Raises
    ------
    ParameterError
        If ``twosector/priors.csv`` names an unknown parameter or shape.

    Examples
    --------
    >>> t = table()
    >>> t.loc["taylor_smoothing", "shape"], t.loc["phillips_slope", "shape"], t.loc["inflation_target", "shape"]
    ('normal', 'pert', 'fixed')
    """
    from twosector.calibration import ESTIMATED
    from twosector.errors import unknown_name
    from twosector.params import param_table

    cat = param_table()
    over = _overrides()
    for name, shape in over["shape"].items():
        if name not in cat.index:
            raise ParameterError(f"priors.csv: {unknown_name('parameter', str(name), cat.index)}")
        if shape not in SHAPES:
            raise ParameterError(f"priors.csv: parameter {name!r}: shape {shape!r} unknown; allowed: {SHAPES}")
    out = cat[["value", "low", "high", "kind"]].copy()
    out["shape"] = "pert"
    out["sd"] = np.nan
    out["why"] = "PERT on the catalogue range, mode at the value"
    for name, m in ESTIMATED.items():
        out.loc[name, ["shape", "why"]] = ["normal", f"estimated: {m.equation}.{m.coefficient}, joint normal, "
                                           "truncated to the range"]
        out.loc[name, "sd"] = float(np.sqrt(_covariance(m.equation).loc[m.coefficient, m.coefficient]))
    out.loc[over.index, "shape"] = over["shape"]
    out.loc[over.index, "why"] = over["why"]
    degenerate = (out["shape"] != "fixed") & (out["low"] >= out["high"])
    out.loc[degenerate, ["shape", "why"]] = ["fixed", "the catalogue range is a single value"]
    return out[["shape", "value", "low", "high", "sd", "kind", "why"]]


@lru_cache(maxsize=1)
def _estimates() -> Estimates:
    from twosector.estimation import estimate

    return estimate()


def _covariance(equation: str) -> pd.DataFrame:
    return _estimates().cov(equation)


def _normal(rng: np.random.Generator, n: int, centre: np.ndarray, cov: np.ndarray, low: np.ndarray,
            high: np.ndarray) -> np.ndarray:
    """Multivariate normal draws truncated to ``[low, high]`` by redrawing (then clipping what is left)."""
    x = rng.multivariate_normal(centre, cov, size=n, method="eigh")
    for _ in range(REDRAWS):
        bad = ((x < low) | (x > high)).any(axis=1)
        if not bad.any():
            break
        x[bad] = rng.multivariate_normal(centre, cov, size=int(bad.sum()), method="eigh")
    return np.clip(x, low, high)


def draw(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Draw full parameter sets from the priors.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream (the draws depend only on it and ``n``).
    n : int
        Number of draws.

    Returns
    -------
    pd.DataFrame
        ``n`` rows, one column per catalogue parameter (fixed ones at their value), every value within its
        catalogue range: ready for ``simulate(params=...)``.

    Raises
    ------
    ParameterError
        If the priors file is invalid (:func:`table`).

    Examples
    --------
    >>> d = draw(np.random.default_rng(0), 500)
    >>> bool((d["phillips_slope"].between(0.05, 0.6)).all()), d["inflation_target"].nunique()
    (True, 1)
    """
    plan = _plan(str(PRIORS_FILE))
    out = np.broadcast_to(plan.value, (n, len(plan.names))).copy()
    for columns, centre, cov, low, high in plan.normal:
        out[:, columns] = _normal(rng, n, centre, cov, low, high)
    a, b = plan.pert_low, plan.pert_high
    out[:, plan.pert] = a + (b - a) * rng.beta(plan.alpha, plan.beta, size=(n, len(plan.pert)))
    return pd.DataFrame(out, columns=plan.names)


@dataclass(frozen=True)
class _Plan:
    """The priors as arrays, for :func:`draw` (built once: the table takes far longer than a block of draws)."""

    names: pd.Index
    value: np.ndarray
    normal: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # columns, centre, cov, low, high
    pert: np.ndarray
    pert_low: np.ndarray
    pert_high: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray


@lru_cache(maxsize=1)
def _plan(priors_file: str) -> _Plan:
    # ``priors_file`` is only part of the cache key (as the overrides, the estimates are read once)
    from twosector.calibration import ESTIMATED

    t = table()
    by_equation: dict[str, list[str]] = {}
    for name, m in ESTIMATED.items():
        if t.at[name, "shape"] == "normal":
            by_equation.setdefault(m.equation, []).append(name)
    normal = []
    for equation, names in by_equation.items():
        coef = [ESTIMATED[name].coefficient for name in names]
        sub = t.loc[names]
        normal.append((t.index.get_indexer(names), sub["value"].to_numpy(dtype=float),
                       _covariance(equation).loc[coef, coef].to_numpy(), sub["low"].to_numpy(dtype=float),
                       sub["high"].to_numpy(dtype=float)))
    pert = t[t["shape"] == "pert"]
    a, b, m = (pert[c].to_numpy(dtype=float) for c in ("low", "high", "value"))
    return _Plan(t.index, t["value"].to_numpy(dtype=float), normal, t.index.get_indexer(pert.index), a, b,
                 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a))
