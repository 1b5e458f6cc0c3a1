"""Exogenous risks of a Monte Carlo: the Urals price and the ruble as stochastic paths.

Each risk is a time-series model estimated with statsmodels on the monthly data of ``data/`` (up to the data
cut-off), simulated month by month over the projection and averaged to quarters. For each risk two models are
fitted by maximum likelihood (:class:`statsmodels.tsa.statespace.sarimax.SARIMAX`) — the monthly log change
as white noise, and with an AR(1) term ("momentum": a change tends to be followed by one of the same sign) —
and the one with the lower Bayesian information criterion is used (:attr:`RiskModel.candidates` keeps both).
On the shipped data the BIC prefers no AR term for both risks: the oil momentum estimate is 0.33 (s.e. 0.23,
26 observed months) and the ruble's 0.08 (s.e. 0.05). The choice matters for the bands: a momentum of 0.33
would widen the long-run band of the log price by 1 / (1 - 0.33) = 1.5 times.

- ``oil``: the log Urals price (``urals_price_m``, Finance Ministry, 2021-03 to 2024-12; the months without an
  observation are missing values of the state-space model, not interpolated) as a random walk, ARIMA(0, 1, 0)
  (or ARIMA(1, 1, 0) if the BIC prefers it). A draw multiplies the projected ``urals_price`` (the budget's
  assumption) by ``exp(L)``, ``L`` the simulated log deviation (0 at the last data month, no drift): the
  median path is the assumption. Over the six projection years the band is wide (the monthly sd is about 9%,
  the 2022 sanctions shock included); no mean reversion is imposed, because 26 observed months cannot
  identify one (an AR(1) in log levels fits no better by the BIC).
- ``ruble``: the monthly log change of the official rate (``usd_rub_m``, Bank of Russia, 2019-01 to 2024-12)
  as white noise with a constant (or an AR(1) with a constant if the BIC prefers it). The constant is not
  simulated (the engine's rule [P1] carries the drift: the inflation differential); a draw adds the quarterly
  change of the simulated log deviation to the rule as ``fx_shock``. The ruble's monthly changes include its
  response to the oil price, so with both sources on the ruble's band is an upper bound (the oil channel
  counted by the rule and partly again in the shock).

The estimated coefficients are taken as known (their standard errors are in :func:`fit`'s result, not drawn).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from twosector.errors import DataError

__all__ = ["RISKS", "RiskModel", "fit", "draw_paths"]

#: risk -> (data series, exogenous column it moves, model)
RISKS: dict[str, tuple[str, str, str]] = {
    "oil": ("urals_price_m", "urals_price", "random walk of log Urals (AR(1) change if the BIC prefers), monthly"),
    "ruble": ("usd_rub_m", "fx_shock", "log change of USD/RUB, white noise with constant (AR(1) if the BIC "
              "prefers), monthly"),
}


@dataclass(frozen=True)
class RiskModel:
    """A fitted risk model.

    Attributes
    ----------
    name : str
        ``"oil"`` or ``"ruble"`` (:data:`RISKS`).
    ar, ar_se : float
        AR(1) coefficient of the monthly log change and its standard error (0 and NaN when the model without
        it is chosen).
    sigma : float
        Standard deviation of the monthly innovation (log points / 100).
    nobs : int
        Months in the sample (with the missing ones for ``oil``).
    sample : str
        First and last month of the sample.
    candidates : tuple of (str, float, float, float)
        Every model fitted: (description, BIC, AR coefficient or 0, its standard error or NaN); the chosen one
        has the lowest BIC.
    """

    name: str
    ar: float
    ar_se: float
    sigma: float
    nobs: int
    sample: str
    candidates: tuple[tuple[str, float, float, float], ...] = ()

    def simulate(self, rng: np.random.Generator, n: int, quarters: int) -> np.ndarray:
        """Quarterly averages of the simulated log deviation from the deterministic path.

        Parameters
        ----------
        rng : numpy.random.Generator
            The random stream (consumed: ``n x 3 quarters`` standard normals).
        n, quarters : int
            Draws and projection quarters.

        Returns
        -------
        np.ndarray
            Shape ``(n, quarters)``: the mean over each quarter's three months of the log deviation (0 at the
            last data month).

        Raises
        ------
        Nothing of its own.
        """
        change = rng.standard_normal((n, 3 * quarters)) * self.sigma  # the shocks
        if self.ar:  # month by month, on contiguous rows (one per month); white noise needs no loop
            months = change.T.copy()
            for m in range(1, months.shape[0]):
                months[m] += self.ar * months[m - 1]
            change = months.T
        months = np.cumsum(change, axis=1).reshape(n, quarters, 3)
        return (months[:, :, 0] + months[:, :, 1] + months[:, :, 2]) / 3  # the mean, as .mean(axis=2) sums it


def _monthly(name: str) -> pd.Series:
    from twosector.data import series

    s = series(name).astype(float)
    index = pd.period_range(s.index.min(), s.index.max(), freq="M")
    return s.reindex(index)


@lru_cache(maxsize=4)
def _fit(name: str, version: tuple) -> RiskModel:
    # ``version`` (twosector.data.data_version) is only part of the cache key: other data, other fit
    import statsmodels.api as sm

    s = _monthly(RISKS[name][0])
    if name == "oil":  # log levels, integrated once
        y, kw, label = np.log(s.to_numpy()), {}, ("random walk", "AR(1) change")
    else:  # log changes, with a constant (the drift, not simulated)
        y, kw, label = np.diff(np.log(s.to_numpy())), {"trend": "c"}, ("white noise", "AR(1)")
    fitted = []
    for p, what in zip((0, 1), label, strict=True):
        res = sm.tsa.SARIMAX(y, order=(p, int(name == "oil"), 0), **kw).fit(disp=False)
        if not res.mle_retvals.get("converged", False):
            raise DataError(f"risks: the {name} model ({what}) did not converge on {RISKS[name][0]}")
        names = list(res.model.param_names)
        ar, ar_se = (float(res.params[names.index("ar.L1")]), float(res.bse[names.index("ar.L1")])) if p else \
            (0.0, float("nan"))
        fitted.append((what, float(res.bic), ar, ar_se, float(np.sqrt(res.params[names.index("sigma2")]))))
    _, _, ar, ar_se, sigma = min(fitted, key=lambda f: f[1])
    return RiskModel(name, ar, ar_se, sigma, len(s), f"{s.index[0]}:{s.index[-1]}",
                     tuple(f[:4] for f in fitted))


def fit(name: str) -> RiskModel:
    """Estimate one risk model on the shipped data (cached).

    Parameters
    ----------
    name : str
        ``"oil"`` or ``"ruble"``.

    Returns
    -------
    RiskModel

    Raises
    ------
    TwosectorError
        For an unknown name (with a did-you-mean).
    DataError
        If the data are missing or the estimation does not converge.

    Examples
    --------
    >>> 0 < fit("oil").sigma < 0.2  # monthly sd of the log Urals price change
    True
    """
    from twosector.data import data_version
    from twosector.errors import TwosectorError, unknown_name

    if name not in RISKS:
        raise TwosectorError(f"risks: {unknown_name('risk', str(name), RISKS)}")
    return _fit(name, data_version())


def draw_paths(x: pd.DataFrame, first: pd.Period, names: tuple[str, ...],
               rngs: dict[str, np.random.Generator], n: int,
               models: Mapping[str, RiskModel] | None = None) -> dict[str, np.ndarray]:
    """Per-draw exogenous paths of the chosen risks.

    Parameters
    ----------
    x : pd.DataFrame
        The deterministic exogenous paths (:func:`twosector.exog.paths`).
    first : Period
        The first projection quarter (the risks move the paths from there on).
    names : tuple of str
        Risks to draw (:data:`RISKS`); the others keep their deterministic path.
    rngs : dict of str -> numpy.random.Generator
        One random stream per risk.
    n : int
        Draws.
    models : mapping of str -> RiskModel, optional
        The risk models by name (:func:`fit`): a caller drawing many blocks fits them once (:func:`fit` checks
        the data files every call).

    Returns
    -------
    dict of str -> np.ndarray
        Exogenous column -> array ``(n, T)`` over ``x.index``, for the columns the risks move.

    Raises
    ------
    DataError
        If a risk model cannot be estimated (:func:`fit`).
    """
    start = int(x.index.searchsorted(first))  # the position of the first projection quarter
    out: dict[str, np.ndarray] = {}
    for name in names:
        column = RISKS[name][1]
        model = fit(name) if models is None else models[name]
        dev = model.simulate(rngs[name], n, len(x) - start)
        base = np.broadcast_to(x[column].to_numpy(dtype=float), (n, len(x))).copy()
        if column == "fx_shock":
            base[:, start:] += np.diff(dev, axis=1, prepend=0.0)
        else:
            base[:, start:] *= np.exp(dev)
        out[column] = base
    return out
