"""Estimate the model's behavioural relations on the shipped data with statsmodels.

Each relation is a small function of named pandas inputs that returns a fitted statsmodels result
(sequence-jacobian style): :func:`phillips_curve`, :func:`taylor_rule`, :func:`okun_law`,
:func:`oil_revenue`. :func:`estimate` assembles their inputs from the data, cut at a chosen quarter
(nothing after the cut-off is ever read), and returns an :class:`Estimates` mapping of
:class:`Equation` objects that keep the point estimates, robust standard errors and covariance
matrices (for the Monte Carlo: :meth:`Estimates.draw`).

The samples are tiny (quarterly 2019-2024, key-rate decisions only 2022-2024, annual fiscal data).
Where the data alone cannot pin a coefficient down it is combined with a cited prior by mixed
(Theil-Goldberger) estimation: the posterior precision is the sum of the data's robust precision and
the prior's, so the data move the estimate only as far as they are informative. The table says which
coefficients carry a prior.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twosector.calendar import DATA_CUTOFF, parse_quarter
from twosector.errors import DataError, TwosectorError, plural, unknown_name

__all__ = [
    "Equation",
    "Estimates",
    "estimate",
    "phillips_curve",
    "taylor_rule",
    "okun_law",
    "oil_revenue",
    "mixed_estimation",
    "hp_gap",
    "cut_at",
    "load_inputs",
]

#: fewest residual degrees of freedom for which the data are used at all (else: priors only)
MIN_DOF = 3

TABLE_COLUMNS = [
    "equation", "coefficient", "estimate", "se", "t", "p", "ols_estimate", "ols_se",
    "prior_mean", "prior_sd", "n", "sample", "method",
]


# ---------------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Prior:
    """A literature prior on one coefficient: mean, standard deviation and its source."""

    mean: float
    sd: float
    source: str


@dataclass(frozen=True)
class Equation:
    """One estimated relation.

    Attributes
    ----------
    name : str
        Short name (``"phillips"``, ``"taylor"``, ``"okun"``, ``"oil_revenue"``).
    spec : str
        The specification in words and symbols.
    result : statsmodels results
        The fitted OLS result with its robust covariance (data only).
    params : pd.Series
        Final coefficients (after combining with priors where there are any).
    cov : pd.DataFrame
        Final covariance matrix of ``params``.
    sample : str
        First and last period used, e.g. ``"2019Q2-2023Q4"``.
    method : str
        Estimator and covariance type, e.g. ``"OLS, HAC(2)"``.
    priors : dict of str to Prior
        Priors combined with the data, by coefficient.
    notes : str
        Caveats (memory-flagged inputs, derived points).
    data_params, data_cov : pd.Series, pd.DataFrame
        The same coefficients from the data alone (before the priors), with their robust covariance.
    """

    name: str
    spec: str
    result: Any
    params: pd.Series
    cov: pd.DataFrame
    sample: str
    method: str
    priors: dict[str, Prior] = field(default_factory=dict)
    notes: str = ""
    data_params: pd.Series | None = None
    data_cov: pd.DataFrame | None = None

    @property
    def n(self) -> int:
        """Number of observations used."""
        return int(self.result.nobs)

    @property
    def se(self) -> pd.Series:
        """Standard errors of the final coefficients."""
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index, name="se")

    def _data_params(self) -> pd.Series:
        if self.data_params is None:
            return pd.Series(np.nan, index=self.params.index)
        return self.data_params.reindex(self.params.index)

    def _data_se(self) -> pd.Series:
        if self.data_cov is None:
            return pd.Series(np.nan, index=self.params.index)
        return pd.Series(np.sqrt(np.diag(self.data_cov.to_numpy())), index=self.data_cov.index).reindex(
            self.params.index)

    def table(self) -> pd.DataFrame:
        """Tidy coefficient table of this equation (see :meth:`Estimates.table`).

        Returns
        -------
        pd.DataFrame
            One row per coefficient, the columns of :meth:`Estimates.table`.

        Raises
        ------
        Nothing of its own.
        """
        from scipy import stats

        se = self.se
        t = self.params / se
        dof = max(self.n - len(self.params), 1)
        p = pd.Series(2 * stats.t.sf(np.abs(t.to_numpy()), dof), index=t.index)
        rows = pd.DataFrame({
            "equation": self.name,
            "coefficient": self.params.index,
            "estimate": self.params.to_numpy(),
            "se": se.to_numpy(),
            "t": t.to_numpy(),
            "p": p.to_numpy(),
            "ols_estimate": self._data_params().to_numpy(),
            "ols_se": self._data_se().to_numpy(),
            "prior_mean": [self.priors[c].mean if c in self.priors else np.nan for c in self.params.index],
            "prior_sd": [self.priors[c].sd if c in self.priors else np.nan for c in self.params.index],
            "n": self.n,
            "sample": self.sample,
            "method": self.method,
        })
        return rows[TABLE_COLUMNS]


class Estimates(Mapping[str, Equation]):
    """The estimated equations, by name, with tables, a text summary and draws for the Monte Carlo.

    Parameters
    ----------
    equations : mapping of str to Equation
    end : str
        The cut-off quarter of the estimation sample.
    """

    def __init__(self, equations: Mapping[str, Equation], end: str) -> None:
        self._eqs = dict(equations)
        self.end = end

    def __getitem__(self, name: str) -> Equation:
        if name not in self._eqs:
            raise TwosectorError(unknown_name("equation", name, self._eqs))
        return self._eqs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._eqs)

    def __len__(self) -> int:
        return len(self._eqs)

    def __repr__(self) -> str:
        return f"Estimates(end={self.end!r}, equations={list(self._eqs)})"

    @property
    def params(self) -> pd.Series:
        """All final coefficients, indexed ``equation.coefficient``."""
        parts = [e.params.rename(lambda c, k=k: f"{k}.{c}") for k, e in self._eqs.items()]
        return pd.concat(parts)

    def cov(self, name: str) -> pd.DataFrame:
        """Covariance matrix of one equation's final coefficients.

        Parameters
        ----------
        name : str
            The equation (``"phillips"``, ``"taylor"``, ``"okun"``, ``"oil_revenue"``, ...).

        Returns
        -------
        pd.DataFrame
            Square, indexed both ways by the coefficient names.

        Raises
        ------
        TwosectorError
            For an unknown equation (with a did-you-mean).
        """
        return self[name].cov

    def table(self) -> pd.DataFrame:
        """Tidy table of the estimates.

        Equation, coefficient, estimate, se, t, p (final, after priors), the pure-data OLS estimate and robust se, the
        prior (if any), n, sample and method.

        Returns
        -------
        pd.DataFrame
            One row per equation and coefficient.

        Raises
        ------
        Nothing of its own.
        """
        return pd.concat([e.table() for e in self._eqs.values()], ignore_index=True)

    def summary(self) -> str:
        """A text summary: one block per equation with specification, sample, method and coefficients.

        Returns
        -------
        str

        Raises
        ------
        Nothing of its own.
        """
        lines = [f"twosector estimates (sample cut-off {self.end})", ""]
        for e in self._eqs.values():
            lines += [f"[{e.name}] {e.spec}", f"  sample {e.sample}, n = {e.n}, {e.method}"]
            if e.notes:
                lines.append(f"  note: {e.notes}")
            tab = e.table()
            for _, r in tab.iterrows():
                prior = (
                    f"  prior {r.prior_mean:.3g} (sd {r.prior_sd:.3g}); data {r.ols_estimate:.3g} ({r.ols_se:.3g})"
                    if np.isfinite(r.prior_mean) else ""
                )
                lines.append(f"  {r.coefficient:<14} {r.estimate:9.4f}  se {r.se:8.4f}  t {r.t:6.2f}{prior}")
            lines.append("")
        return "\n".join(lines)

    def draw(self, n: int, seed: int | None = 0) -> pd.DataFrame:
        """Draw coefficient vectors from the estimates' normal approximation.

        Equations are drawn independently; within an equation the draws follow its covariance matrix.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int or None, default 0
            Seed of the numpy random generator.

        Returns
        -------
        pd.DataFrame
            ``n`` rows, one column per ``equation.coefficient``.

        Raises
        ------
        TwosectorError
            If ``n`` is not a positive integer.
        """
        if int(n) < 1:
            raise TwosectorError(f"draw: n must be a positive integer, got {n!r}")
        rng = np.random.default_rng(seed)
        parts = []
        for name, e in self._eqs.items():
            x = rng.multivariate_normal(e.params.to_numpy(), e.cov.to_numpy(), size=int(n), method="eigh")
            parts.append(pd.DataFrame(x, columns=[f"{name}.{c}" for c in e.params.index]))
        return pd.concat(parts, axis=1)


# ---------------------------------------------------------------------------------------------------
# tools


class _ShortSample(DataError):
    """An estimation sample too short for its coefficients (a DataError; :func:`estimate` names a usable cut-off)."""


def _ols(
    y: pd.Series, X: pd.DataFrame, *, hac_lags: int | None = None, const: bool = True, min_dof: int | None = None
) -> Any:
    """OLS of ``y`` on ``X`` (rows with any missing value dropped) with HAC or HC1 standard errors."""
    import statsmodels.api as sm

    frame = pd.concat([y.rename("y"), X], axis=1).dropna()
    k = X.shape[1] + int(const)
    min_dof = MIN_DOF if min_dof is None else min_dof
    if len(frame) < k + min_dof:
        raise _ShortSample(
            f"estimation sample of {y.name!r}: {plural('observation', len(frame))} for {plural('coefficient', k)}; "
            f"need at least {k + min_dof} (more data before the cut-off)"
        )
    exog = sm.add_constant(frame[X.columns], has_constant="add") if const else frame[X.columns]
    model = sm.OLS(frame["y"], exog)
    if hac_lags:
        return model.fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags, "use_correction": True})
    return model.fit(cov_type="HC1")


def mixed_estimation(
    params: pd.Series, cov: pd.DataFrame, priors: Mapping[str, Prior]
) -> tuple[pd.Series, pd.DataFrame]:
    """Combine data estimates with independent normal priors on some coefficients (Theil-Goldberger).

    ``V = (C^-1 + P)^-1`` and ``b = V (C^-1 b_data + P b_prior)``, with ``P`` the diagonal prior precision
    (zero for coefficients without a prior).

    Parameters
    ----------
    params, cov : pd.Series, pd.DataFrame
        Data estimates and their (robust) covariance.
    priors : mapping of str to Prior
        Priors by coefficient name.

    Returns
    -------
    (pd.Series, pd.DataFrame)
        Posterior coefficients and covariance.

    Raises
    ------
    TwosectorError
        For a prior on a coefficient that is not in ``params`` (with a did-you-mean).
    """
    names = list(params.index)
    for k in priors:
        if k not in names:
            raise TwosectorError(unknown_name("coefficient", k, names))
    c_inv = np.linalg.pinv(cov.loc[names, names].to_numpy())
    prec = np.diag([1.0 / priors[k].sd ** 2 if k in priors else 0.0 for k in names])
    b0 = np.array([priors[k].mean if k in priors else 0.0 for k in names])
    v = np.linalg.inv(c_inv + prec)
    v = (v + v.T) / 2
    b = v @ (c_inv @ params.to_numpy() + prec @ b0)
    return pd.Series(b, index=names), pd.DataFrame(v, index=names, columns=names)


def _sample(index: pd.Index) -> str:
    return f"{index.min()}-{index.max()}"


def _period_end(index: pd.Index) -> pd.DatetimeIndex:
    if isinstance(index, pd.PeriodIndex):
        return index.end_time
    return pd.DatetimeIndex(index)


def cut_at(s: pd.Series, end: str | pd.Period) -> pd.Series:
    """Keep the observations of ``s`` whose period ends no later than the quarter ``end``.

    An annual value counts as known only once its whole year is in the sample, a monthly value once its
    month is; dated observations (key-rate decisions) count from their date.

    Parameters
    ----------
    s : pd.Series
        A series with a PeriodIndex of any frequency.
    end : str or pd.Period
        The last quarter of the sample.

    Returns
    -------
    pd.Series
        The observations known by the end of ``end``.

    Raises
    ------
    TwosectorError
        If ``end`` is not a quarter.
    """
    q = _quarter(end)
    keep = _period_end(s.index) <= q.end_time
    return s[np.asarray(keep)]


def _quarter(end: str | pd.Period) -> pd.Period:
    return parse_quarter(end, "end")


# ---------------------------------------------------------------------------------------------------
# data inputs

DATA_IDS = (
    "cpi_yoy_q", "key_rate_q", "unemployment_q", "gdp_growth_q", "gdp_growth", "unemployment",
    "oil_gas_revenue", "urals_price", "usd_rub",
)


def load_inputs(
    data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
    end: str | pd.Period = DATA_CUTOFF,
    ids: tuple[str, ...] = DATA_IDS,
) -> dict[str, pd.Series]:
    """The data series the estimation uses, each cut at ``end``.

    Parameters
    ----------
    data : None, path or mapping
        ``None``: the shipped data; a folder: data files in that folder (same layout as ``data/``);
        a mapping of series id to ``pd.Series`` (PeriodIndex).
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Last quarter of the sample; later observations are dropped.
    ids : tuple of str
        Series ids to load.

    Returns
    -------
    dict of str to pd.Series
        Series id -> the series cut at ``end``.

    Raises
    ------
    TwosectorError
        If ``end`` is not a quarter.
    DataError
        If a series is missing from the mapping or the data folder, or the data are invalid.
    """
    q = _quarter(end)
    if isinstance(data, Mapping):
        missing = [i for i in ids if i not in data]
        if missing:
            raise DataError(
                f"data: series {missing[0]!r} is missing from the mapping; needed: {', '.join(ids)}"
            )
        raw = {i: data[i] for i in ids}
    else:
        from twosector import data as tsdata

        kw: dict[str, Any] = {} if data is None else {"path": Path(data)}
        raw = {i: tsdata.series(i, **kw) for i in ids}
    return {i: cut_at(s.astype(float), q) for i, s in raw.items()}


# ---------------------------------------------------------------------------------------------------
# the equations: small functions of named pandas inputs returning a statsmodels result


def _quarterly(s: pd.Series) -> pd.Series:
    """Reindex a quarterly series onto consecutive quarters so that ``shift`` means one quarter."""
    if not isinstance(s.index, pd.PeriodIndex) or s.index.freqstr[0] != "Q":
        raise DataError(f"series {s.name!r}: expected a quarterly PeriodIndex, got {type(s.index).__name__}")
    s = s[~s.index.duplicated(keep="last")].sort_index()
    if s.empty:
        raise DataError(f"series {s.name!r}: no observation in the sample")
    full = pd.period_range(s.index.min(), s.index.max(), freq="Q")
    return s.reindex(full)


def phillips_curve(inflation: pd.Series, pressure: pd.Series, *, hac_lags: int = 2) -> Any:
    """Phillips curve: ``pi_t = c + lam * pi_{t-1} + kappa * pressure_t + e_t``.

    Parameters
    ----------
    inflation : pd.Series
        CPI inflation, % y/y, quarterly PeriodIndex.
    pressure : pd.Series
        Demand pressure / labour tightness (e.g. the unemployment gap ``u* - u``, pp), quarterly.
    hac_lags : int, default 2
        Newey-West lags of the HAC covariance (y/y rates overlap).

    Returns
    -------
    statsmodels RegressionResults
        Coefficients ``const``, ``inflation_lag``, ``pressure``.

    Raises
    ------
    DataError
        If ``inflation`` is not quarterly, or the sample has too few observations for the coefficients.
    """
    pi = _quarterly(inflation)
    X = pd.DataFrame({"inflation_lag": pi.shift(1), "pressure": _quarterly(pressure).reindex(pi.index)})
    return _ols(pi.rename("inflation"), X, hac_lags=hac_lags)


def taylor_rule(rate: pd.Series, inflation: pd.Series, *, target: float = 4.0, hac_lags: int = 1) -> Any:
    """Smoothed reaction function: ``i_t = c + rho * i_{t-1} + b * (pi_t - target) + e_t``.

    The structural form ``i_t = rho i_{t-1} + (1 - rho) (i* + phi (pi_t - target))`` has
    ``phi = b / (1 - rho)`` and the neutral nominal rate ``i* = c / (1 - rho)``.

    Parameters
    ----------
    rate : pd.Series
        Key rate, % per year, quarterly average of the decisions.
    inflation : pd.Series
        CPI inflation, % y/y, quarterly.
    target : float, default 4.0
        The Bank of Russia's inflation target, %.

    Returns
    -------
    statsmodels RegressionResults
        Coefficients ``const``, ``rate_lag``, ``inflation_gap``.

    Raises
    ------
    DataError
        If ``rate`` is not quarterly, or the sample has too few observations for the coefficients.
    """
    i = _quarterly(rate)
    X = pd.DataFrame({"rate_lag": i.shift(1), "inflation_gap": _quarterly(inflation).reindex(i.index) - target})
    return _ols(i.rename("rate"), X, hac_lags=hac_lags)


def okun_law(unemployment: pd.Series, growth: pd.Series, *, hac_lags: int | None = 2) -> Any:
    """Okun's law in differences: ``u_t - u_{t-k} = a + beta * g_t + e_t``.

    Quarterly data use the four-quarter change (``k = 4``, matching y/y growth, HAC errors); annual data
    the one-year change (``k = 1``, HC1 errors). Potential growth is ``-a / beta``.

    Parameters
    ----------
    unemployment : pd.Series
        Unemployment rate, %, quarterly or annual PeriodIndex.
    growth : pd.Series
        Real GDP growth, % y/y, same frequency.
    hac_lags : int or None, default 2
        Newey-West lags for quarterly data (ignored for annual data).

    Returns
    -------
    statsmodels RegressionResults
        Coefficients ``const`` and ``growth``.

    Raises
    ------
    DataError
        If the series are neither quarterly nor annual, or the sample has too few observations.
    """
    if isinstance(unemployment.index, pd.PeriodIndex) and unemployment.index.freqstr.startswith("Y"):
        u = unemployment.sort_index()
        if u.empty:
            raise DataError(f"series {u.name!r}: no observation in the sample")
        u = u.reindex(pd.period_range(u.index.min(), u.index.max(), freq=u.index.freq))
        du, hac = u - u.shift(1), None
    else:
        u = _quarterly(unemployment)
        du, hac = u - u.shift(4), hac_lags
    X = pd.DataFrame({"growth": growth.reindex(u.index)})
    return _ols(du.rename("unemployment_change"), X, hac_lags=hac)


def oil_revenue(revenue: pd.Series, urals: pd.Series, usd_rub: pd.Series) -> Any:
    """Oil and gas revenue on the rouble oil price: ``R_t = k * (Urals_t * USDRUB_t / 1000) + e_t``.

    Annual data, no constant (no price, no revenue). ``k`` is trillion RUB of federal oil and gas revenue
    per thousand roubles per barrel, i.e. the product of export volume and the effective tax take.

    Parameters
    ----------
    revenue : pd.Series
        Federal oil and gas revenue, trillion RUB per year.
    urals, usd_rub : pd.Series
        Annual average Urals price (USD/bbl) and USD/RUB rate.

    Returns
    -------
    statsmodels RegressionResults
        One coefficient, ``rub_oil_price`` (``k``).

    Raises
    ------
    DataError
        If fewer than two years have all three series.
    """
    price = (urals * usd_rub / 1000.0).rename("rub_oil_price")
    # a ratio estimate: one residual degree of freedom is enough to have a standard error
    return _ols(revenue.rename("revenue"), price.to_frame(), const=False, min_dof=1)


def hp_gap(s: pd.Series, lamb: float = 1600.0) -> pd.Series:
    """Deviation of a quarterly series from its Hodrick-Prescott trend (statsmodels ``hpfilter``).

    Parameters
    ----------
    s : pd.Series
        Quarterly series (missing values are dropped first).
    lamb : float, default 1600
        Smoothing parameter (1600 for quarterly data).

    Returns
    -------
    pd.Series
        The cycle (series minus trend), same unit and index as ``s`` without its missing values.

    Raises
    ------
    DataError
        If fewer than 3 observations remain (the filter needs a second difference).
    """
    from statsmodels.tsa.filters.hp_filter import hpfilter

    clean = s.dropna()
    if len(clean) < 3:
        raise DataError(f"series {s.name!r}: {len(clean)} observation(s) in the sample; the HP filter needs at least 3")
    cycle, _trend = hpfilter(clean, lamb=lamb)
    return pd.Series(np.asarray(cycle, dtype=float), index=clean.index, name=f"{s.name}_hp_gap")


def delta_method(
    result: Any, transform: Callable[[pd.Series], pd.Series], params: pd.Series | None = None,
    cov: pd.DataFrame | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Apply a smooth transform to coefficients and propagate the covariance (numerical Jacobian)."""
    b = result.params if params is None else params
    c = result.cov_params() if cov is None else cov
    b = b.astype(float)
    g0 = transform(b)
    jac = np.empty((len(g0), len(b)))
    for j in range(len(b)):
        h = 1e-6 * max(1.0, abs(float(b.iloc[j])))
        bp = b.copy()
        bp.iloc[j] += h
        jac[:, j] = (transform(bp).to_numpy() - g0.to_numpy()) / h
    v = jac @ c.loc[b.index, b.index].to_numpy() @ jac.T
    return g0, pd.DataFrame((v + v.T) / 2, index=g0.index, columns=g0.index)


# ---------------------------------------------------------------------------------------------------
# priors (cited) and the assembly


#: Literature priors, by equation and structural coefficient. Each is deliberately wide: it only
#: matters where the 2019-2024 data are uninformative (see docs/calibration.md).
PRIORS: dict[str, dict[str, Prior]] = {
    "phillips": {
        "inflation_lag": Prior(0.6, 0.15, "Berg, Karam & Laxton (IMF WP/06/81, 2006) QPM: lag weight 0.4-0.9 [memory]"),
        "pressure": Prior(0.3, 0.2, "Berg, Karam & Laxton (2006) QPM Phillips-curve slope 0.1-0.5 [memory]"),
    },
    "taylor": {
        "rho": Prior(0.6, 0.2, "Berg, Karam & Laxton (2006) QPM rule: smoothing 0.5-0.8 [memory]"),
        "phi_pi": Prior(1.0, 0.5, "Taylor (1993) 0.5 and BKL (2006) 1.5-2 beyond one-for-one [memory]"),
        "neutral_real_rate": Prior(2.5, 1.0, "Bank of Russia neutral real rate 2-3% before 2024 [memory]"),
    },
    "okun": {
        "beta": Prior(-0.3, 0.15, "low Okun coefficient of the Russian labour market: labour hoarding "
                      "(Kapeliushnikov via Econs); Ball, Leigh & Loungani (2017) -0.2 to -0.5 [memory]"),
    },
}

#: first quarter of the key-rate sample (after the 2022 emergency episode)
TAYLOR_START = pd.Period("2023Q1", freq="Q")


def _fit(
    name: str, spec: str, fit: Callable[[], Any], transform: Callable[[pd.Series], pd.Series] | None,
    priors: Mapping[str, Prior], method: str, notes: str = "",
    derive: Callable[[pd.Series], pd.Series] | None = None,
) -> Equation:
    """Fit one equation and combine it with its priors.

    Moves to structural coefficients (one-to-one), combines with priors, then appends derived coefficients
    (delta method on the final covariance).

    When the sample is too short to fit at all (early cut-offs in the backtest), the equation falls back
    to its priors and says so in ``method``; an equation without priors then raises.
    """
    try:
        res = fit()
    except DataError as exc:
        if not priors:
            raise
        b = pd.Series({k: p.mean for k, p in priors.items()})
        cov = pd.DataFrame(np.diag([p.sd ** 2 for p in priors.values()]), index=b.index, columns=b.index)
        res, data_b, data_cov, sample = _PriorOnly(), None, None, "-"
        method, notes = "priors only", f"{exc}; the priors are used"
    else:
        data_b, data_cov = delta_method(res, transform) if transform else (res.params, res.cov_params())
        b, cov = data_b, data_cov
        sample = _sample(res.model.data.row_labels)
        if priors:
            b, cov = mixed_estimation(b, cov, priors)
            method += " + priors (mixed estimation)"
    if derive is not None:
        b, cov = _append_derived(b, cov, derive)
        if data_b is not None and data_cov is not None:
            data_b, data_cov = _append_derived(data_b, data_cov, derive)
    return Equation(name, spec, res, b, cov, sample, method, dict(priors), notes, data_b, data_cov)


def _append_derived(
    b: pd.Series, cov: pd.DataFrame, derive: Callable[[pd.Series], pd.Series]
) -> tuple[pd.Series, pd.DataFrame]:
    full = lambda v: pd.concat([v, derive(v)])  # noqa: E731
    return delta_method(None, full, params=b, cov=cov)


class _PriorOnly:
    """Stand-in for a statsmodels result when the data cannot be used at all."""

    nobs = 0


def estimate(
    data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
    end: str | pd.Period = DATA_CUTOFF,
    *,
    natural_rate: float | None = None,
) -> Estimates:
    """Estimate the behavioural relations on the data up to ``end``.

    Equations (details and caveats in ``docs/calibration.md``):

    - ``phillips``: quarterly CPI y/y on its lag and the unemployment gap (``u* - u``), HAC(2);
    - ``taylor``: quarterly key rate (average of decisions) on its lag and the inflation gap, HAC(1),
      turned into the model's smoothing, inflation response and neutral real rate (delta method);
    - ``okun``: annual change in unemployment on annual real GDP growth, HC1: a descriptive relation, not
      mapped onto a parameter (model v2 has no Okun coefficient: employment follows hiring, hoarding and
      hours); compare its slope with the model's simulated one;
    - ``oil_revenue``: annual oil and gas revenue on Urals x USD/RUB / 1000, HC1. The annual USD/RUB
      averages are ``memory`` values in the data set (unverified), so this equation is only as good as they are.

    Every equation is combined with the wide literature priors of :data:`PRIORS` where it has any.

    Parameters
    ----------
    data : None, folder or mapping
        The data (see :func:`load_inputs`); default the shipped data set.
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Last quarter of the sample; nothing later is read.
    natural_rate : float, optional
        ``u*`` of the unemployment gap; default the catalogue value ``unemployment_natural``.

    Returns
    -------
    Estimates

    Raises
    ------
    TwosectorError
        If ``end`` is not a quarter, or is after the last quarter of the data (:data:`DATA_CUTOFF`).
    DataError
        If the data are missing or invalid, or an equation without priors has too short a sample.
    """
    q = _quarter(end)
    if q > DATA_CUTOFF:
        raise TwosectorError(f"end: '{q}' is after the last quarter of the data, {DATA_CUTOFF}; allowed: a cut-off "
                             f"up to {DATA_CUTOFF}")
    try:
        return _estimate(data, q, natural_rate)
    except _ShortSample as exc:
        later = pd.period_range(q + 1, DATA_CUTOFF, freq="Q")
        usable = next((c for c in later if _estimable(data, c, natural_rate)), None)
        hint = f"the earliest cut-off with enough data is {usable}" if usable else "no cut-off has enough data"
        raise DataError(f"{exc}; {hint}") from None


def _estimable(data: Any, end: pd.Period, natural_rate: float | None) -> bool:
    try:
        _estimate(data, end, natural_rate)
    except _ShortSample:
        return False
    return True


def _estimate(data: Any, q: pd.Period, natural_rate: float | None) -> Estimates:
    """:func:`estimate` for a checked cut-off ``q``."""
    x = load_inputs(data, q)
    if natural_rate is None:
        from twosector.params import default_params

        natural_rate = float(default_params()["unemployment_natural"])
    eqs: dict[str, Equation] = {}

    infl, unemp = x["cpi_yoy_q"], x["unemployment_q"]
    eqs["phillips"] = _fit(
        "phillips",
        "pi4_t = c + lam * pi4_{t-1} + kappa * (u* - u_t) + e_t   (CPI % y/y, unemployment %, quarterly)",
        lambda: phillips_curve(infl, natural_rate - unemp),
        None, PRIORS["phillips"], "OLS, HAC(2)",
        "2019-2021 quarters of CPI and unemployment are derived (interpolated) from annual data",
    )
    eqs["phillips_hp"] = _fit(
        "phillips_hp",
        "as phillips, with u* the HP trend of unemployment (lambda 1600): a robustness check, not mapped",
        lambda: phillips_curve(infl, -hp_gap(unemp)),
        None, PRIORS["phillips"], "OLS, HAC(2)",
        "two-sided HP filter on the sample up to the cut-off only; the trend follows the 2022-24 fall in "
        "unemployment, so the gap is small and the slope less well determined",
    )
    rate = x["key_rate_q"]
    eqs["taylor"] = _fit(
        "taylor",
        "i_t = rho i_{t-1} + (1 - rho) (r* + pi4_t + phi (pi4_t - 4)) + e_t   (quarterly average key rate)",
        lambda: taylor_rule(rate[rate.index >= TAYLOR_START - 1], infl),
        _taylor_structural, PRIORS["taylor"], "OLS, HAC(1)",
        "decisions from 2022 only; the 2022 emergency hike and its unwinding (Feb-Sep 2022, a ruble and "
        "financial-stability response) are left out, so the sample starts in 2023Q1; the demand-gap term "
        "of the model's rule is not identified (no gap data)",
    )
    u_a, g_a = x["unemployment"], x["gdp_growth"]
    eqs["okun"] = _fit(
        "okun",
        "u_t - u_{t-1} = a + beta g_t   (annual; descriptive, not mapped onto a parameter)",
        lambda: okun_law(u_a, g_a),
        _okun_structural, PRIORS["okun"], "OLS, HC1",
        "annual data, latest GDP vintage (2019-2020 revisions are memory values)",
    )
    eqs["oil_revenue"] = _fit(
        "oil_revenue",
        "R_t = k (Urals_t x USDRUB_t / 1000) + e_t   (annual, trn RUB; model coefficient per quarter = k / 4)",
        lambda: oil_revenue(x["oil_gas_revenue"], x["urals_price"], x["usd_rub"]),
        lambda b: pd.Series({"k": b["rub_oil_price"]}),
        {}, "OLS through the origin, HC1",
        "USD/RUB annual averages 2023 and 2024 in the sample are memory values (unverified; sourced ones in "
        "usd_rub_y); Urals 2024 derived",
        derive=lambda b: pd.Series({"k_quarter": b["k"] / 4}),
    )
    return Estimates(eqs, str(q))


def _okun_structural(b: pd.Series) -> pd.Series:
    return pd.Series({"beta": b["growth"], "const": b["const"]})




def _taylor_structural(b: pd.Series) -> pd.Series:
    # i = c + rho i_{-1} + b (pi - 4) with b = (1 - rho)(1 + phi), c = (1 - rho)(r* + 4)
    rho = b["rate_lag"]
    return pd.Series({
        "rho": rho,
        "phi_pi": b["inflation_gap"] / (1 - rho) - 1,
        "neutral_real_rate": b["const"] / (1 - rho) - 4.0,
    })

