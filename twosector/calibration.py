"""Calibrate the model: estimated relations + parameters solved to hit the 2022-2024 targets.

:func:`calibrate` runs :func:`twosector.estimation.estimate` on the data up to a cut-off quarter, maps the
estimates onto the model's parameters (:data:`ESTIMATED`), then solves a few parameters
(:data:`CALIBRATED`) so that the baseline simulation hits the targets of ``twosector/targets.csv`` that
are known by the cut-off (weighted non-linear least squares, deterministic start, bounded by the
catalogue ranges). Every other parameter keeps its catalogue value and source (``data`` or
``literature``).

The shipped defaults in ``twosector/parameters.csv`` are exactly what ``calibrate()`` produces from the
shipped data: ``twosector dev catalogue`` updates the catalogue's value, kind and source for the estimated
and calibrated parameters, and a test recomputes them. The calibration report (figures, tables) is written
by :func:`twosector.reports.write_calibration_report`, the tables of ``docs/calibration.md`` by
:mod:`twosector.docsgen`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twosector.calendar import DATA_CUTOFF, normalisation_positions, parse_quarter
from twosector.errors import TwosectorError
from twosector.estimation import Estimates, estimate
from twosector.files import atomic_write
from twosector.resources import check_writable

__all__ = ["Calibration", "calibrate", "conditional_fit", "global_search", "history_fit", "range_fit", "ESTIMATED",
           "CALIBRATED", "CALIBRATION_KINDS", "RANGE_TOLERANCES", "HISTORY_CHUNK"]


@dataclass(frozen=True)
class Mapped:
    """An estimated model parameter: which equation and coefficient it comes from."""

    equation: str
    coefficient: str
    note: str = ""


#: model parameter -> estimated coefficient
ESTIMATED: dict[str, Mapped] = {
    "phillips_lag": Mapped("phillips", "inflation_lag", "y/y persistence used as the weight of lagged core inflation"),
    "taylor_smoothing": Mapped("taylor", "rho"),
    "taylor_inflation": Mapped("taylor", "phi_pi"),
    "neutral_real_rate": Mapped("taylor", "neutral_real_rate"),
    "oil_revenue_coef": Mapped("oil_revenue", "k_quarter", "annual k / 4 (the model's oil volume index is 1)"),
}

#: parameters the model author marked for estimation that the data cannot identify: they keep their value
#: and are relabelled ``literature`` with the reason
NOT_IDENTIFIED: dict[str, str] = {
    "taylor_gap": "not identified: no demand-gap series in the data set (the key-rate equation omits it)",
}

#: calibrated parameter -> (starting value of the solver, prior the solution is pulled towards). The starting
#: values are the last solution (kept here, not read from the catalogue, so that the result does not depend on
#: what the catalogue holds; the objective has several local minima and the solver refines from there); the
#: priors are the documented literature or assumption values of each parameter's source.
CALIBRATED: dict[str, tuple[float, float]] = {
    "covid_2020q2": (-9.77114, -8),
    "covid_2020q3": (6.60612, 0),
    "covid_2020q4": (-6.16071, 0),
    "covid_2021q1": (6.05193, 0),
    "covid_supply_share": (0.531721, 0.5),
    "hours_min": (0.90095, 0.85),
    "unemployment_floor": (2.47179, 2),
    "pass_through": (0.0491467, 0.1),
    "pass_through_impact": (0.00532641, 0.5),
    "markup_pass_through": (0.392278, 0.4),
    "survey_bias": (2.65738, 4),
    "military_hiring_speed": (0.177152, 0.15),
    "military_price_pressure": (0.0619332, 0.1),
    "military_ramp": (0.0541402, 0.1),
    "military_order_adapt": (0.979741, 0.25),
    "wage_tightness": (0.978053, 0.8),
    "wage_correction": (0.280287, 0.2),
    "wage_erosion": (1, 0.5),
    "preferential_credit_ratio": (1.33275, 1.2),
    "input_elasticity": (0.01, 0.1),
    "substitution_speed": (0.687277, 0.2),
    "substitution_max": (0.97, 0.7),
    "phillips_slope": (0.514262, 0.3),
    "phillips_slack": (0.818611, 0.5),
    "record_speed": (0.05, 0.25),
    "expectations_adapt": (0.119942, 0.2),
    "lending_speed": (0.129999, 0.5),
    "is_fiscal": (0.97521, 0.3),
}

#: the rows of twosector/targets.csv the calibrated parameters are solved for (kinds ``target`` and ``prior``),
#: when known by the cut-off. Facts the model is forced to hit are not among them: in history the key rate
#: follows the data ([R2], ``rate_anchor``) and the liquid NWF is steered to the observed stocks ([B7]).
CALIBRATION_KINDS: tuple[str, ...] = ("target", "prior")

#: the calibration simulates to this quarter: the stability priors look at the decade after the projection
STABILITY_END = "2035Q4"

#: weight of the pull towards the priors, per parameter range: moving a parameter across its whole range
#: costs as much as missing one target by its tolerance. With a weaker pull (0.1, the first v2 calibration)
#: the solver switched mechanisms off to chase single targets (the rate channel of demand, the loss of
#: credibility, the fiscal impulse went to zero in some optima), with projections far from plausible
REGULARISATION = 1.0
#: a parameter range narrowed on the history keeps every calibration target within this many tolerances of its
#: data at either bound (one parameter at a time, :func:`range_fit`)
RANGE_TOLERANCES = 3.0
#: :func:`history_fit` runs this many parameter sets at a time (memory: every output to 2035 for each set)
HISTORY_CHUNK = 1000


@dataclass
class Calibration:
    """The result of :func:`calibrate`.

    Attributes
    ----------
    params : pd.Series
        The full parameter set over the model's parameter names.
    estimates : Estimates
        The estimated equations behind the ``estimated`` parameters.
    report : pd.DataFrame
        One row per parameter: value, previous catalogue value, kind (estimated / calibrated / literature /
        data), source, and whether the estimate had to be clipped to the catalogue range.
    targets : pd.DataFrame
        The targets used by the solver: value, tolerance, model value after calibration.
    end : str
        The cut-off quarter.
    """

    params: pd.Series
    estimates: Estimates
    report: pd.DataFrame
    targets: pd.DataFrame
    end: str
    solver: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        n_est = int((self.report["kind"] == "estimated").sum())
        n_cal = int((self.report["kind"] == "calibrated").sum())
        return f"Calibration(end={self.end!r}, {len(self.params)} parameters: {n_est} estimated, {n_cal} solved)"

    def changed(self) -> pd.DataFrame:
        """Rows of :attr:`report` for the parameters set by this calibration (estimated or solved).

        Returns
        -------
        pd.DataFrame
            The rows of :attr:`report` with ``set_by_calibration``.

        Raises
        ------
        Nothing of its own.
        """
        return self.report[self.report["set_by_calibration"]]

    def write_catalogue(self, path: str | os.PathLike | None = None) -> Path:
        """Write value, kind and source of the estimated and calibrated parameters into the catalogue.

        Other columns and rows are left untouched (byte for byte, apart from the changed cells).

        Parameters
        ----------
        path : path-like, optional
            The catalogue file; default ``twosector/parameters.csv`` (only in a source checkout).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        TwosectorError
            If the target lies inside an installed package (no source checkout): give ``path`` then.

        ``OSError`` for an unreadable or unwritable file propagates (the file is then unchanged).
        """
        from twosector.params import PARAMETERS_FILE

        target = Path(path) if path is not None else PARAMETERS_FILE
        check_writable(target, "writing the parameter catalogue", "another catalogue file (--catalogue FILE)")
        with target.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            fieldnames = list(rows[0].keys()) if rows else []
        changed = self.changed()
        for row in rows:
            name = row["name"]
            if name in changed.index:
                r = changed.loc[name]
                row["value"] = _fmt(float(r["value"]))
                row["kind"] = str(r["kind"])
                row["source"] = str(r["source"])
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write(target, text.getvalue())
        from twosector import params as _params

        _params._table.cache_clear()
        return target

    def draw_params(self, n: int, seed: int | None = 0) -> pd.DataFrame:
        """Parameter draws for a Monte Carlo: the estimated parameters drawn from the estimates' covariance.

        Each draw maps the equations' coefficient draws (:meth:`~twosector.estimation.Estimates.draw`) onto
        the model's parameters exactly as :func:`calibrate` maps the point estimates (clipped to the catalogue
        ranges); all other parameters keep
        their calibrated values.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int or None, default 0
            Seed of the random generator.

        Returns
        -------
        pd.DataFrame
            ``n`` rows, one column per model parameter: ready for ``simulate(params=...)``.

        Raises
        ------
        TwosectorError
            If ``n`` is not a positive integer.
        """
        from twosector.params import param_table

        table = param_table()
        coef = self.estimates.draw(n, seed)
        out = pd.DataFrame(np.broadcast_to(self.params.to_numpy(), (len(coef), len(self.params))).copy(),
                           columns=self.params.index)
        raw = {name: coef[f"{m.equation}.{m.coefficient}"].to_numpy() for name, m in ESTIMATED.items()}
        bounds = {name: (float(table.at[name, "low"]), float(table.at[name, "high"])) for name in raw}
        for name, values in raw.items():
            out[name] = np.clip(values, *bounds[name])
        return out

    def fact_table(self) -> pd.DataFrame:
        """The stylised-fact table of the calibrated baseline (see :func:`twosector.facts.fact_table`).

        Returns
        -------
        pd.DataFrame
            Indexed by fact name (see :func:`twosector.facts.fact_table`).

        Raises
        ------
        Nothing of its own.
        """
        from twosector.facts import fact_table

        return fact_table(None, self.params)

    def simulate(self, **kwargs: Any) -> pd.DataFrame:
        """``simulate("baseline", params=self.params, **kwargs)``.

        Parameters
        ----------
        **kwargs
            Passed to :func:`twosector.simulation.simulate` (``end``, ``variables``, ``exog``, ...).

        Returns
        -------
        pd.DataFrame
            The calibrated baseline.

        Raises
        ------
        ScenarioError
            For bad keyword arguments (see :func:`twosector.simulation.simulate`).
        """
        from twosector.simulation import simulate

        return simulate("baseline", params=self.params, **kwargs)


def _fmt(x: float) -> str:
    """Ten significant digits (the test compares with np.allclose, rtol 1e-6, on re-reading)."""
    return f"{float(x):.10g}"


#: a solved value within this share of its range from a bound counts as at the bound: the solver's bounded
#: steps approach a bound without reaching it exactly, and a value 0.1% inside it says the same as one on it
AT_BOUND_SHARE = 0.01


def _at_bound(value: float, low: float, high: float) -> bool:
    """Whether ``value`` lies within :data:`AT_BOUND_SHARE` of its range from ``low`` or ``high``."""
    return min(value - low, high - value) <= AT_BOUND_SHARE * (high - low)


def _targets(end: pd.Period) -> pd.DataFrame:
    """The calibration targets and priors of ``twosector/targets.csv`` known by the cut-off ``end``."""
    from twosector.facts import targets as target_table

    tt = target_table()
    tt = tt[tt["kind"].isin(CALIBRATION_KINDS)]
    return tt[[_known_by(r, end) for _, r in tt.iterrows()]].reset_index(drop=True)


def _known_by(row: pd.Series, end: pd.Period) -> bool:
    """Whether a target is known at the cut-off.

    An outcome is known once its period has ended; a plan prior about year Y once Y's budget law could be known (by
    the end of year Y - 1); literature priors (the multiplier) and stability priors always.
    """
    period = str(row["period"])
    if row["statistic"] == "param" or period in ("", "nan"):
        return False
    last = period.split(":")[-1]
    p = pd.Period(last, freq="Q") if "Q" in last else pd.Period(last, freq="Y").asfreq("Q", how="end")
    if row["kind"] == "prior":
        return row["statistic"] in ("multiplier", "rms") or p.year - 1 <= end.year
    return p <= end


def _mapped_values(est: Estimates) -> dict[str, float]:
    """Estimated coefficient values on the model's parameter names (before conversion and clipping)."""
    return {name: float(est[m.equation].params[m.coefficient]) for name, m in ESTIMATED.items()}


@dataclass
class _Problem:
    """Steps (1)-(2) of :func:`calibrate` done, and the least-squares problem of step (3) set up."""

    table: pd.DataFrame
    params: pd.Series  # catalogue values with the estimates in
    est: Estimates
    clipped: dict[str, float]
    end: pd.Period
    targets: pd.DataFrame  # the rows of targets.csv known by ``end``
    names: list[str]
    low: np.ndarray
    high: np.ndarray
    start: np.ndarray
    prior: np.ndarray
    scale: np.ndarray
    sim: _TargetSim | None  # None when no target is known by ``end``

    def cost(self, xs: np.ndarray) -> np.ndarray:
        """Objective of step (3) for parameter vectors ``xs`` of shape ``(n, len(names))``: shape ``(n,)``."""
        assert self.sim is not None
        r = self.sim.residuals(xs)
        return (r**2).sum(axis=1) + ((REGULARISATION * (xs - self.prior) / self.scale) ** 2).sum(axis=1)


def _problem(
    data: str | os.PathLike | Mapping[str, pd.Series] | None, end: str | pd.Period, exog: pd.DataFrame | None = None,
) -> _Problem:
    """Estimate on the data to ``end``, map the estimates, and set up the calibration problem."""
    from twosector.params import param_table

    table = param_table()
    est = estimate(data, end)
    q = pd.Period(est.end, freq="Q")
    params = table["value"].astype(float).copy()
    clipped: dict[str, float] = {}
    for name, value in _mapped_values(est).items():
        low, high = float(table.at[name, "low"]), float(table.at[name, "high"])
        params[name] = float(np.clip(value, low, high))
        if params[name] != value:
            clipped[name] = value
    tt = _targets(q)
    names = list(CALIBRATED)
    lo = np.array([float(table.at[n, "low"]) for n in names])
    hi = np.array([float(table.at[n, "high"]) for n in names])
    return _Problem(
        table=table, params=params, est=est, clipped=clipped, end=q, targets=tt, names=names, low=lo, high=hi,
        start=np.clip(np.array([CALIBRATED[n][0] for n in names]), lo, hi),
        prior=np.clip(np.array([CALIBRATED[n][1] for n in names]), lo, hi), scale=hi - lo,
        sim=_TargetSim(params, names, tt, q, exog) if len(tt) else None,
    )


def calibrate(
    data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
    end: str | pd.Period = DATA_CUTOFF,
    *,
    exog: pd.DataFrame | None = None,
) -> Calibration:
    """Estimate and calibrate the model on the data up to ``end``.

    Steps: (1) :func:`~twosector.estimation.estimate` on the data up to ``end``; (2) the estimates become the
    :data:`ESTIMATED` parameters (clipped to the catalogue range, and reported when clipped); (3) the
    :data:`CALIBRATED` parameters are solved by bounded weighted least squares so that the baseline
    hits the targets and priors of ``twosector/targets.csv`` known by ``end`` (residuals divided by the
    tolerance; a pull towards the documented priors, weight :data:`REGULARISATION`, keeps the problem well
    posed), starting from the values in :data:`CALIBRATED` (found by :func:`global_search`); (4) all other
    parameters keep their catalogue values.

    Parameters
    ----------
    data : None, folder or mapping
        The data used for estimation (see :func:`twosector.estimation.load_inputs`); default the shipped data.
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Cut-off quarter: no observation or target after it is used.
    exog : pd.DataFrame, optional
        The exogenous paths the calibration simulates (the layout of :func:`twosector.exog.paths`, through
        :data:`STABILITY_END`). Default ``exog.paths(end_history=end, end=STABILITY_END)``: only what was known at
        ``end``. A conditional forecast with the realised paths (the backtest, the scoreboard's realised-exogenous
        row) passes those paths here too, so that the parameters are fitted to the same history the forecast
        runs on: an input measured only later (the sanctions markup of 2022-24, published in 2024) otherwise
        enters the forecast's history but not the fit.

    Returns
    -------
    Calibration

    Raises
    ------
    TwosectorError
        If ``end`` is not a quarter, or ``exog`` does not cover the quarters of the default paths.
    DataError
        If the data are missing or invalid (see :func:`twosector.estimation.estimate`).
    """
    from scipy.optimize import least_squares

    pb = _problem(data, end, exog)
    table, params, est, clipped, q, tt = pb.table, pb.params, pb.est, pb.clipped, pb.end, pb.targets
    names, lo, hi, x0, prior, scale = pb.names, pb.low, pb.high, pb.start, pb.prior, pb.scale
    solver: dict[str, Any] = {"targets": list(tt["id"]), "parameters": names}
    if pb.sim is not None:
        sim = pb.sim

        def resid(x: np.ndarray) -> np.ndarray:
            return np.concatenate([sim.residuals(x[None, :])[0], REGULARISATION * (x - prior) / scale])

        def jac(x: np.ndarray) -> np.ndarray:
            # forward differences, all perturbed parameter vectors in one vectorised run
            h = 1e-6 * scale
            h = np.where(x + h <= hi, h, -h)
            r = sim.residuals(np.vstack([x, x + np.diag(h)]))
            d = (r[1:] - r[0]) / h[:, None]
            return np.vstack([d.T, REGULARISATION * np.diag(1 / scale)])

        sol = least_squares(resid, x0, jac=jac, bounds=(lo, hi), method="trf", x_scale=scale,
                            xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=300)
        x = np.where(np.abs(sol.x - lo) < 1e-9 * scale, lo, np.where(np.abs(sol.x - hi) < 1e-9 * scale, hi, sol.x))
        params[names] = x
        solver.update({"cost": float(sol.cost), "nfev": int(sol.nfev), "status": int(sol.status)})
        tt["model"] = sim.values(x[None, :])[0]
    else:
        params[names] = x0
        tt["model"] = np.nan
    tt["error"] = tt["model"] - tt["value"]
    tt["pass"] = (tt["error"].abs() <= tt["tolerance"] + 1e-9)

    report = _report(table, params, est, clipped, names, tt, str(q))
    return Calibration(params=params, estimates=est, report=report,
                       targets=tt[["id", "target", "period", "value", "tolerance", "model", "error", "pass"]],
                       end=str(q), solver=solver)


def conditional_fit(
    end: str | pd.Period, data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
) -> tuple[Calibration, pd.DataFrame]:
    """The fit of a conditional forecast made at ``end``, and the paths it runs on.

    The given paths are the realised exogenous paths of the whole data set with the key rate following its data
    only up to ``end`` (:func:`twosector.exog.condition_rate`); the parameters are :func:`calibrate` at ``end`` on
    those paths. The backtest and the scoreboard's realised-exogenous row both use it; on the shipped data (or
    ``$TWOSECTOR_DATA``) the result is cached per cut-off and data version, so a session running both calibrates
    each cut-off once. The returned objects are shared: read them, do not modify them.

    Parameters
    ----------
    end : str or Period
        The cut-off quarter.
    data : None, folder or mapping
        The data used for estimation, as in :func:`calibrate` (data given here are not cached).

    Returns
    -------
    (Calibration, pd.DataFrame)
        The calibration and the conditioned paths (through :data:`STABILITY_END`).

    Raises
    ------
    TwosectorError, DataError
        As :func:`calibrate`.
    """
    from twosector.data import data_version

    q = str(end)
    return _conditional_fit(q, data_version()) if data is None else _conditional_fit_uncached(q, data)


@lru_cache(maxsize=4)
def _conditional_fit(end: str, version: tuple) -> tuple[Calibration, pd.DataFrame]:
    # ``version`` (twosector.data.data_version) is only part of the cache key: other data, other fit
    return _conditional_fit_uncached(end, None)


def _conditional_fit_uncached(
    end: str, data: str | os.PathLike | Mapping[str, pd.Series] | None,
) -> tuple[Calibration, pd.DataFrame]:
    from twosector import exog as _exog

    given = _exog.condition_rate(_exog.paths(end=STABILITY_END), end)
    return calibrate(data, end, exog=given), given


def global_search(
    data: str | os.PathLike | Mapping[str, pd.Series] | None = None,
    end: str | pd.Period = DATA_CUTOFF,
    *,
    seed: int = 3,
    popsize: int = 15,
    maxiter: int = 300,
) -> pd.DataFrame:
    """Search the whole box of the calibrated parameters for the start values of :func:`calibrate`.

    :func:`calibrate` refines from the start values in :data:`CALIBRATED` with a local solver; the objective
    has several local minima, so those start values come from this global search: differential evolution
    (:func:`scipy.optimize.differential_evolution`, Sobol initialisation, every generation one vectorised
    engine run) over the catalogue ranges of the same objective (squared target residuals over their
    tolerances plus the pull towards the priors, weight :data:`REGULARISATION`). Paste the ``start`` column
    into :data:`CALIBRATED` (``twosector dev search`` prints the lines), then run ``twosector dev catalogue``.
    Takes minutes on one core with the defaults.

    Parameters
    ----------
    data : None, folder or mapping
        The data used for estimation, as in :func:`calibrate`.
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Cut-off quarter, as in :func:`calibrate`.
    seed : int, default 3
        Seed of the search (:class:`numpy.random.Generator` through scipy); the same seed gives the same result.
    popsize, maxiter : int, default 15 and 300
        Population size multiplier and number of generations of the search.

    Returns
    -------
    pd.DataFrame
        One row per calibrated parameter (index ``name``): ``start`` (the search's best point), ``prior``,
        ``low``, ``high``, ``at_bound`` (within :data:`AT_BOUND_SHARE` of a bound); ``attrs["cost"]`` is the
        objective at ``start`` and ``attrs["end"]`` the cut-off.

    Raises
    ------
    TwosectorError
        If ``end`` is not a quarter, no calibration target is known by ``end``, or ``popsize``/``maxiter`` are
        not positive integers.
    DataError
        If the data are missing or invalid (see :func:`twosector.estimation.estimate`).
    """
    from scipy.optimize import Bounds, differential_evolution

    for option, value in (("popsize", popsize), ("maxiter", maxiter)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise TwosectorError(f"global_search: {option}={value!r} is not allowed; allowed: a positive integer")
    pb = _problem(data, end)
    if pb.sim is None:
        raise TwosectorError(f"global_search: no calibration target is known by {pb.end}; allowed: a cut-off "
                             "after the first target period (see twosector/targets.csv)")
    def objective(xt: np.ndarray, /) -> Any:  # vectorised: columns of ``xt`` are the candidates
        return pb.cost(np.asarray(xt).T)

    with np.errstate(all="ignore"):
        res = differential_evolution(
            objective, Bounds(pb.low, pb.high), vectorized=True,
            updating="deferred", popsize=popsize, maxiter=maxiter, seed=seed, tol=1e-10, polish=False,
            init="sobol", mutation=(0.5, 1.0), recombination=0.7)
    out = pd.DataFrame({"start": res.x, "prior": pb.prior, "low": pb.low, "high": pb.high,
                        "at_bound": [_at_bound(*v) for v in zip(res.x, pb.low, pb.high, strict=True)]},
                       index=pd.Index(pb.names, name="name"))
    out.attrs.update(cost=float(res.fun), end=str(pb.end))
    return out


def history_fit(params: Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
                end: str | pd.Period = DATA_CUTOFF) -> pd.DataFrame:
    """How far the history of each parameter set is from the calibration targets.

    The baseline is run over the history with each parameter set (as :func:`twosector.simulate` runs it: the
    calibration is not re-solved) and every target of ``twosector/targets.csv`` known by ``end`` (the kinds of
    :data:`CALIBRATION_KINDS`: data targets and the literature and stability priors) is compared with its value
    in units of its tolerance. :func:`range_fit` applies it to one parameter at a time at each bound; applied to
    the draws of a Monte Carlo (:func:`twosector.priors.draw`) it says which parameter sets the history rejects
    jointly.

    Parameters
    ----------
    params : mapping, pd.Series, pd.DataFrame or None
        As for :func:`twosector.simulate`: ``None`` (the shipped values), overrides, or one row per parameter
        set (columns: parameter names; the others keep their shipped value).
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Cut-off quarter: the targets known by then (the exogenous paths those of that vintage).

    Returns
    -------
    pd.DataFrame
        One row per parameter set (the index of ``params``; ``0`` for a single set), one column per target id
        (columns named ``target``): ``(model - value) / tolerance``, signed. Shape ``(sets, targets)``. A run
        whose statistic is not finite (an exploded path) counts as ±1e6: ``(±1e6 - value) / tolerance``.

    Raises
    ------
    ParameterError
        For an unknown parameter (with a did-you-mean), a non-numeric value or a value outside its range.
    TwosectorError
        If ``end`` is not a quarter.
    DataError, ScenarioError
        If the history's exogenous paths cannot be built with ``end`` as their last quarter of data (before
        2022Q4, or after the data's cut-off :data:`~twosector.calendar.DATA_CUTOFF`).

    Examples
    --------
    >>> fit = history_fit({"hiring_speed": 0.8})
    >>> fit.abs().max(axis=1) <= RANGE_TOLERANCES  # doctest: +SKIP
    """
    from twosector.params import resolve_params

    table = resolve_params(params)
    q = parse_quarter(end, "history_fit: end")
    tt = _targets(q)
    sim = _TargetSim(table.iloc[0], list(table.columns), tt, q)
    xs = table.to_numpy(float)
    res = np.concatenate([sim.residuals(xs[i:i + HISTORY_CHUNK]) for i in range(0, len(xs), HISTORY_CHUNK)])
    index = table.index if isinstance(params, pd.DataFrame) else pd.RangeIndex(1)
    return pd.DataFrame(res, index=index, columns=pd.Index(tt["id"].to_numpy(), name="target"))


def range_fit(names: str | Sequence[str] | None = None, end: str | pd.Period = DATA_CUTOFF) -> pd.DataFrame:
    """How far the calibration targets move when one parameter sits at a bound of its range.

    One parameter at a time at its ``low`` and at its ``high``, every other parameter at its catalogue value
    (the shipped calibration), the baseline is run over the history and the targets of
    ``twosector/targets.csv`` known by ``end`` are compared with their data in units of their tolerance. A range
    narrowed "to the values for which every calibration target stays within 3 tolerances" (the source of such
    parameters says so) claims that both bounds keep every ``residual`` within :data:`RANGE_TOLERANCES`.

    Parameters
    ----------
    names : str or sequence of str, optional
        Parameters of the catalogue with a finite range; default all of them.
    end : str or Period, default :data:`~twosector.calendar.DATA_CUTOFF`
        Cut-off quarter: the targets known by then.

    Returns
    -------
    pd.DataFrame
        Indexed by ``(name, side)``, side ``low`` or ``high``: ``value`` (the bound), ``target`` (the id of the
        target furthest from its data), ``residual`` ((model - data) / tolerance of that target, signed) and
        ``within`` (``|residual| <= RANGE_TOLERANCES``).

    Raises
    ------
    ParameterError
        If a name is not a parameter of the catalogue or its range is open.
    TwosectorError
        If ``end`` is not a quarter.
    DataError, ScenarioError
        If the history's exogenous paths cannot be built with ``end`` as their last quarter of data (before
        2022Q4, or after the data's cut-off :data:`~twosector.calendar.DATA_CUTOFF`).
    """
    from twosector.errors import ParameterError, unknown_name
    from twosector.params import param_table

    table = param_table()
    low, high = (pd.to_numeric(table[side], errors="coerce") for side in ("low", "high"))
    ranged = table.index[np.isfinite(low) & np.isfinite(high)]
    if names is not None and not isinstance(names, str | Sequence):
        raise ParameterError(f"range_fit: names={names!r} is not allowed; allowed: a parameter name or a list of them")
    chosen = list(ranged) if names is None else [names] if isinstance(names, str) else list(names)
    for name in chosen:
        if not isinstance(name, str):
            raise ParameterError(f"range_fit: {name!r} is not a parameter name; allowed: names of "
                                 "twosector/parameters.csv, e.g. 'is_rate'")
        if name not in table.index:
            raise ParameterError(f"range_fit: {unknown_name('parameter', name, table.index)}")
        if name not in ranged:
            raise ParameterError(f"range_fit: parameter {name!r} has an open range; allowed: parameters with a "
                                 "finite low and high (twosector/parameters.csv)")
    q = parse_quarter(end, "range_fit: end")
    rows = [(name, side, float(table.at[name, side])) for name in chosen for side in ("low", "high")]
    sets = pd.DataFrame(np.repeat(table.loc[chosen, "value"].to_numpy(float)[None, :], len(rows), axis=0),
                        columns=chosen)
    for i, (name, _, bound) in enumerate(rows):
        sets.iat[i, chosen.index(name)] = bound
    res = history_fit(sets, q)  # never empty: the literature and stability priors are always known
    worst = res.abs().to_numpy().argmax(axis=1)
    residual = res.to_numpy()[np.arange(len(rows)), worst]
    return pd.DataFrame(
        {"value": [r[2] for r in rows], "target": res.columns.to_numpy()[worst], "residual": residual,
         "within": np.abs(residual) <= RANGE_TOLERANCES},
        index=pd.MultiIndex.from_tuples([(r[0], r[1]) for r in rows], names=["name", "side"]))


class _TargetSim:
    """Evaluate the calibration targets for many parameter vectors in one vectorised engine run.

    Two runs when a target is the defence multiplier, which needs the impulse scenario too.

    The exogenous paths are those known at the cut-off ``end`` (``exog.paths(end_history=end)``): after it
    the projection assumptions of the time apply, so the stability priors and the plan priors see no later
    data either.
    """

    def __init__(self, params: pd.Series, names: Sequence[str], targets: pd.DataFrame, end: pd.Period,
                 exog: pd.DataFrame | None = None) -> None:
        from twosector import exog as _exog
        from twosector.facts import impulse_scenario
        from twosector.scenarios import lever_paths, load_scenario

        self.params, self.names, self.targets = params, list(names), targets
        x = _exog.paths(end_history=end, end=STABILITY_END)
        if exog is not None:
            missing = x.index.difference(exog.index)
            lacking = sorted(set(x.columns) - set(exog.columns))
            if len(missing) or lacking:
                what = f"quarters {missing[0]}..{missing[-1]}" if len(missing) else f"columns {', '.join(lacking[:5])}"
                raise TwosectorError(f"calibrate: exog lacks {what}; allowed: paths in the layout of "
                                     f"twosector.exog.paths(), from {x.index[0]} to {x.index[-1]}")
            x = exog.loc[x.index, x.columns]
        self.index = x.index
        self.i2021, self.i_prewar = normalisation_positions(x.index)
        self.x = {k: x[k].to_numpy(dtype=float) for k in x.columns}
        self.levers = lever_paths(load_scenario("baseline"), x.index)
        self.multiplier_years = sorted({int(r.period) for r in targets.itertuples() if r.statistic == "multiplier"})
        self.impulses = {y: lever_paths(load_scenario(impulse_scenario(y)), x.index) for y in self.multiplier_years}
        self.target_value = targets["value"].to_numpy(dtype=float)
        self.tolerance = targets["tolerance"].to_numpy(dtype=float)

    def values(self, xs: np.ndarray) -> np.ndarray:
        from twosector.facts import multiplier_values, statistic, variable_array
        from twosector.model import run

        n = len(xs)
        p = {k: np.full(n, float(v)) for k, v in self.params.items()}
        for j, name in enumerate(self.names):
            p[name] = np.asarray(xs[:, j], dtype=float)
        kw = {"i2021": self.i2021, "i_prewar": self.i_prewar}
        with np.errstate(all="ignore"):
            out = run(p, self.x, self.levers, **kw)
            shocks = {y: run(p, self.x, lev, keep=("gdp", "nominal_gdp", "defence_spending"), **kw)
                      for y, lev in self.impulses.items()}
        cols = [multiplier_values(out, shocks[int(r.period)], self.index, int(r.period)) if r.statistic == "multiplier"
                else statistic(variable_array(out, r.variable), self.index, r.statistic, str(r.period))
                for r in self.targets.itertuples()]
        return np.nan_to_num(np.column_stack(cols), nan=1e6, posinf=1e6, neginf=-1e6)

    def residuals(self, xs: np.ndarray) -> np.ndarray:
        return (self.values(xs) - self.target_value) / self.tolerance


def _report(
    table: pd.DataFrame, params: pd.Series, est: Estimates, clipped: Mapping[str, float],
    solved: Sequence[str], tt: pd.DataFrame, end: str,
) -> pd.DataFrame:
    rows = []
    tids = ", ".join(tt["id"]) if len(tt) else "none known by the cut-off"
    for name in table.index:
        kind, source = str(table.at[name, "kind"]), str(table.at[name, "source"])
        set_here = False
        if name in ESTIMATED:
            m = ESTIMATED[name]
            e = est[m.equation]
            how = "priors only, too few observations" if e.n == 0 else f"{e.method}, n = {e.n}"
            source = f"estimated ({m.equation} equation, {e.sample}, {how}; twosector.estimation)"
            if m.note:
                source += f"; {m.note}"
            if name in clipped:
                source += f"; estimate {clipped[name]:.4g} outside the catalogue range, set to the bound"
            kind, set_here = "estimated", True
        elif name in solved:
            source = f"calibrated to ({tids}; targets in twosector/targets.csv, sample to {end})"
            if _at_bound(float(params[name]), float(table.at[name, "low"]), float(table.at[name, "high"])):
                source += "; at the bound of the catalogue range"
            kind, set_here = "calibrated", True
        elif name in NOT_IDENTIFIED:
            if not source.startswith("not identified"):
                import re

                original = re.sub(r";?\s*provisional until estimation[^;]*", "", source).strip("; ")
                source = f"{NOT_IDENTIFIED[name]}; value from the literature: {original}"
            kind, set_here = "literature", True
        rows.append({
            "name": name, "value": float(params[name]), "catalogue_value": float(table.at[name, "value"]),
            "low": float(table.at[name, "low"]), "high": float(table.at[name, "high"]), "kind": kind,
            "source": source, "set_by_calibration": set_here, "clipped": name in clipped,
            "raw_estimate": float(clipped.get(name, np.nan)),
            "at_bound": set_here and _at_bound(float(params[name]), float(table.at[name, "low"]),
                                               float(table.at[name, "high"])),
        })
    return pd.DataFrame(rows).set_index("name")
