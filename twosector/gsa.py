"""Global sensitivity analysis with SALib: Morris screening and Sobol indices of a scenario's effects.

:func:`sensitivity` asks which uncertain inputs drive a result, e.g. the effect of a sanctions package on the
strain index and on civilian output at 2027Q4. Its *factors* (:func:`factors`) are every parameter with an
uncertain prior (:mod:`twosector.priors`) and the intensity of every lever of the scenario. Each factor is
sampled on the unit interval and mapped to its value through the inverse distribution function of its prior:

- ``pert`` parameters: the PERT (scaled Beta) of :mod:`twosector.priors`;
- ``normal`` (estimated) parameters: the normal with the estimate's standard error truncated to the catalogue
  range. The joint covariance of the estimates is dropped: Sobol indices assume independent inputs, and the
  estimated parameters' correlations are moderate;
- ``uniform`` levers: the intensity uniform on the lever's documented range (:data:`twosector.scenarios.LEVERS`;
  narrow it with ``bounds=``), at the scenario's start and ramp. A lever factor moves the scenario only.

Exogenous risk paths (the oil price and the ruble, :mod:`twosector.risks`) stay on their deterministic path:
they are time series, not factors.

Implausible runs (outside :data:`twosector.plausible.BOUNDS` in the scenario or the baseline) are **kept**,
unlike in :func:`twosector.montecarlo`, which leaves such draws out of its statistics: the estimators need every
point of the design. They are counted (:attr:`Sensitivity.implausible`, the first line of
:meth:`Sensitivity.summary`), so the indices and a Monte Carlo's probabilities rest on different sets of runs.

The methods (SALib's samplers and estimators):

- ``morris``: ``n`` trajectories of ``k + 1`` runs on a 4-level grid (Morris 1991, Campolongo et al. 2007) whose
  levels are the midpoints of four equal-probability bins of each prior (the 12.5, 37.5, 62.5 and 87.5%
  quantiles: never a range's end, where some parameters are singular). ``mu_star`` is the mean absolute
  elementary effect, scaled to the grid's span: about the change of the output when the factor moves from its
  12.5% to its 87.5% quantile, with a bootstrap confidence interval; ``sigma`` flags interactions and
  non-linearity. Cheap: a screening of all factors.
- ``sobol``: Saltelli's design, ``n (k + 2)`` runs (``n`` a power of two), first-order (``S1``) and total
  (``ST``) indices with bootstrap confidence intervals (Saltelli et al. 2010, Jansen's total-effect estimator):
  the share of the output's variance due to the factor alone, and with all its interactions.

The model's evaluation is a function (:func:`analyse` takes any), so the same sampling, chunking, engines and
estimators are tested on functions with a known answer (``tests/test_gsa.py``: the Ishigami function).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from twosector import exog as _exog
from twosector import priors
from twosector.calendar import DEFAULT_END, ENSEMBLE_END, parse_quarter
from twosector.errors import ScenarioError, TwosectorError, unknown_name
from twosector.parallel import available_memory, check_count, check_engine, map_chunks
from twosector.params import default_params
from twosector.plausible import BOUNDS, out_of_bounds
from twosector.scenarios import LEVERS, Scenario, load_scenario, profile
from twosector.simulation import ScenarioLike, _check_variables, _horizon, run_draws, run_draws_together

__all__ = ["sensitivity", "analyse", "factors", "Sensitivity", "METHODS", "DISTRIBUTIONS", "DEFAULT_OUTPUTS",
           "DEFAULT_AT", "CHUNK"]

METHODS = ("morris", "sobol")
DISTRIBUTIONS = ("uniform", "pert", "normal")
DEFAULT_OUTPUTS = ("strain_index", "output_civilian")
DEFAULT_AT = "2027Q4"
#: model runs per engine call (each runs the scenario and the baseline)
CHUNK = 2000
#: the columns of the indices of each method
COLUMNS = {"morris": ["mu_star", "mu_star_conf", "mu", "sigma"], "sobol": ["S1", "S1_conf", "ST", "ST_conf"]}
#: levels of the Morris grid
LEVELS = 4
#: the index a method ranks factors by
RANK_BY = {"morris": "mu_star", "sobol": "ST"}


# ----------------------------------------------------------------------------------------------- factors

def factors(scenario: ScenarioLike = "baseline", parameters: Sequence[str] | None = None,
            bounds: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """The factors of a sensitivity analysis of a scenario: uncertain parameters and lever intensities.

    Parameters
    ----------
    scenario : scenario-like, default "baseline"
        Its levers are factors (their intensity).
    parameters : sequence of str, optional
        Only these factors (parameter or lever names); default every parameter whose prior is not ``fixed`` and
        every lever of the scenario.
    bounds : mapping of str -> (low, high), optional
        Narrower ranges for some factors (within their allowed range); a lever keeps a uniform distribution, a
        parameter's prior is truncated to them.

    Returns
    -------
    pd.DataFrame
        Indexed by factor name: ``dist`` (:data:`DISTRIBUTIONS`), ``value`` (mode, centre or the scenario's
        intensity), ``low``, ``high``, ``sd`` (``normal`` only) and ``kind`` (``parameter`` or ``lever``).

    Raises
    ------
    TwosectorError
        For an unknown or fixed factor (with a did-you-mean), or bounds that are not inside the factor's range.
    ScenarioError
        For a bad scenario.

    Examples
    --------
    >>> f = factors("input_sanctions")
    >>> f.at["input_sanctions", "dist"], float(f.at["input_sanctions", "high"]), f.at["phillips_slope", "dist"]
    ('uniform', 1.0, 'pert')
    """
    sc = load_scenario(scenario)
    t = priors.table()
    t = t[t["shape"] != "fixed"]
    table = pd.DataFrame({"dist": t["shape"], "value": t["value"], "low": t["low"], "high": t["high"], "sd": t["sd"],
                          "kind": "parameter"})
    for name, lever in sc.levers.items():
        spec = LEVERS[name]
        table.loc[name] = ["uniform", lever.intensity, spec.low, spec.high, np.nan, "lever"]
    if parameters is not None:
        chosen = [parameters] if isinstance(parameters, str) else list(parameters)
        for name in chosen:
            if name not in table.index:
                if name in LEVERS:
                    levers = ", ".join(repr(k) for k in sc.levers) or "none"
                    raise TwosectorError(f"parameters: {name!r} is a lever that scenario {sc.name!r} does not set; "
                                         f"allowed: its levers ({levers}) or parameters (twosector.gsa.factors()); "
                                         "set the lever in the scenario to vary it")
                fixed = " (its prior is fixed: twosector.priors.table())" if name in priors.table().index else ""
                raise TwosectorError(f"parameters: {unknown_name('factor', str(name), table.index)}{fixed}")
        if not chosen:
            raise TwosectorError("parameters: the list is empty; allowed: parameter and lever names "
                                 "(twosector.gsa.factors())")
        table = table.loc[list(dict.fromkeys(chosen))]
    for name, pair in (bounds or {}).items():
        if name not in table.index:
            raise TwosectorError(f"bounds: {unknown_name('factor', str(name), table.index)}")
        low, high = (float(v) for v in pair)
        if not table.at[name, "low"] <= low < high <= table.at[name, "high"]:
            raise TwosectorError(f"bounds[{name!r}]: ({low:g}, {high:g}) is not allowed; allowed: low < high "
                                 f"within [{table.at[name, 'low']:g}, {table.at[name, 'high']:g}]")
        table.loc[name, ["low", "high"]] = [low, high]
    table.index.name = "factor"
    return table


def values(table: pd.DataFrame, unit: np.ndarray) -> pd.DataFrame:
    """Map points of the unit hypercube to factor values through each factor's inverse distribution function.

    Parameters
    ----------
    table : pd.DataFrame
        Factors (:func:`factors`; ``dist``, ``value``, ``low``, ``high``, ``sd``).
    unit : np.ndarray
        Shape ``(runs, factors)``, values in [0, 1].

    Returns
    -------
    pd.DataFrame
        Shape ``(runs, factors)``, columns the factor names.

    Raises
    ------
    Nothing of its own.
    """
    from scipy import stats  # here, not at import: the command line builds its parser from this module's names

    out = np.empty_like(unit, dtype=float)
    for j, (dist, m, a, b, sd) in enumerate(table[["dist", "value", "low", "high", "sd"]].itertuples(index=False)):
        u = unit[:, j]
        if dist == "pert":
            mode = min(max(m, a), b)
            out[:, j] = a + (b - a) * stats.beta.ppf(u, 1 + 4 * (mode - a) / (b - a), 1 + 4 * (b - mode) / (b - a))
        elif dist == "normal":
            out[:, j] = stats.truncnorm.ppf(u, (a - m) / sd, (b - m) / sd, loc=m, scale=sd)
        else:
            out[:, j] = a + (b - a) * u
    return pd.DataFrame(out, columns=table.index)


# ----------------------------------------------------------------------------------------------- results

@dataclass
class Sensitivity:
    """The result of :func:`sensitivity` (or :func:`analyse`).

    Attributes
    ----------
    method : str
        ``"morris"`` or ``"sobol"``.
    indices : pd.DataFrame
        Index ``(output, factor)``; columns :data:`COLUMNS` of the method (confidence intervals: half-widths at
        95%).
    factors : pd.DataFrame
        The factors (:func:`factors`).
    runs : int
        Model evaluations (each a scenario and a baseline run for :func:`sensitivity`).
    seed : int
        The seed of the design and the bootstrap.
    implausible : int
        Runs that left the plausibility bounds (kept: a design cannot lose points; see :meth:`summary`).
    label : str
        What was analysed (e.g. ``"input_sanctions vs baseline, effect at 2027Q4"``).
    """

    method: str
    indices: pd.DataFrame
    factors: pd.DataFrame
    runs: int
    seed: int
    implausible: int = 0
    label: str = ""

    @property
    def outputs(self) -> list[str]:
        """The outputs analysed."""
        return list(dict.fromkeys(self.indices.index.get_level_values("output")))

    def __repr__(self) -> str:
        return (f"Sensitivity({self.method}, {self.label or 'function'}, {len(self.factors)} factors, "
                f"{self.runs:,} runs, seed {self.seed})")

    def table(self, output: str | None = None) -> pd.DataFrame:
        """The indices of one output, factors ranked by importance.

        Parameters
        ----------
        output : str, optional
            Default: the first output.

        Returns
        -------
        pd.DataFrame
            Indexed by factor, sorted by ``ST`` (Sobol) or ``mu_star`` (Morris), largest first, with a ``kind``
            column (parameter or lever).

        Raises
        ------
        TwosectorError
            For an output that was not analysed (with a did-you-mean).
        """
        name = self.outputs[0] if output is None else output
        if name not in self.outputs:
            raise TwosectorError(f"output: {unknown_name('output', str(name), self.outputs)}")
        out = self.indices.loc[name].sort_values(RANK_BY[self.method], ascending=False)
        kind = self.factors["kind"] if "kind" in self.factors else pd.Series("factor", index=self.factors.index)
        return out.join(kind.rename("kind"))

    def summary(self, top: int = 10) -> str:
        """A text summary: setup, then the ``top`` factors of each output with their indices.

        Parameters
        ----------
        top : int, default 10

        Returns
        -------
        str

        Raises
        ------
        Nothing of its own.
        """
        cols = COLUMNS[self.method]
        lines = [f"twosector sensitivity ({self.method}): {self.label or 'function'}",
                 f"  {len(self.factors)} factors, {self.runs:,} runs, seed {self.seed}"
                 + (f", {self.implausible:,} runs implausible (kept)" if self.implausible else "")]
        for output in self.outputs:
            t = self.table(output).head(top)
            lines.append(f"  {output}: top {len(t)} by {RANK_BY[self.method]} (+- is the 95% interval)")
            for name, row in t.iterrows():
                a, b = cols[0], cols[1]
                rest = "".join(f"  {c} {row[c]:8.3g}" for c in cols[2:] if not c.endswith("_conf"))
                conf = f" +- {row[cols[3]]:.2g}" if self.method == "sobol" else ""
                lines.append(f"    {name:<32}{a} {row[a]:8.3g} +- {row[b]:.2g}{rest}{conf}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------- the engine

def _power_of_two(n: int) -> bool:
    return n >= 2 and n & (n - 1) == 0


def _check_design_memory(method: str, n: int, k: int) -> None:
    """Refuse a design that cannot fit in the memory available now (SALib builds it whole, float64)."""
    rows = n * (k + 2) if method == "sobol" else n * (k + 1)  # Saltelli without second order; Morris trajectories
    need = rows * k * 8 * 2  # the design and the factor values it maps to
    free = available_memory()
    if need > free:
        most = free // ((k + 2) * k * 16)
        hint = f"a power of two up to {1 << max(int(most).bit_length() - 1, 0):,}" if method == "sobol" else \
            f"at most about {most:,}"
        raise TwosectorError(f"n: {n:,} needs a design of {rows:,} runs x {k} factors, about {need / 2**30:,.1f} GiB, "
                             f"more than the {free / 2**30:,.1f} GiB available; allowed here: {hint}")


def _check_acts(sc: Scenario, base: Scenario, quarter: pd.Period, run: str) -> None:
    """Refuse an ``at`` before every lever that sets the scenario apart from its baseline acts: every effect 0."""
    starts = [lever.start for name, lever in sc.levers.items() if base.levers.get(name) != lever]
    if run == "effect" and starts and quarter < min(starts):
        raise ScenarioError(f"at: {str(quarter)!r} is before any lever of scenario {sc.name!r} acts (the first in "
                            f"{min(starts)}), so every effect would be 0; allowed: {min(starts)} to {ENSEMBLE_END}")


def _design(method: str, problem: dict[str, Any], n: int, seed: int) -> np.ndarray:
    from SALib.sample import morris, sobol

    if method == "sobol":
        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    return morris.sample(problem, n, num_levels=LEVELS, seed=seed)


def _evaluate(evaluate: Callable[[pd.DataFrame], pd.DataFrame], table: pd.DataFrame, unit: np.ndarray,
              method: str) -> pd.DataFrame:
    """One chunk: unit points -> factor values -> outputs."""
    if method == "morris":  # the grid's levels at the midpoints of equal-probability bins, never a range's end
        unit = 1 / (2 * LEVELS) + unit * (LEVELS - 1) / LEVELS
    return evaluate(values(table, unit))


def analyse(
    table: pd.DataFrame,
    evaluate: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    method: str = "sobol",
    n: int = 256,
    seed: int = 0,
    chunk: int = CHUNK,
    engine: str = "local",
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
    label: str = "",
) -> Sensitivity:
    """Sensitivity indices of any function of the factors (the machinery of :func:`sensitivity`).

    Parameters
    ----------
    table : pd.DataFrame
        The factors: index names; columns ``dist``, ``value``, ``low``, ``high``, ``sd``, ``kind`` (as
        :func:`factors`).
    evaluate : callable
        ``evaluate(values)`` with a frame of factor values (one row per run) returns a frame of outputs (one
        column per output, the same rows), optionally with a boolean ``implausible`` column (counted). With
        ``engine="dask"`` it must be picklable (a module-level function or a ``functools.partial`` of one).
    method : {"morris", "sobol"}, default "sobol"
    n : int, default 256
        Sobol: the base sample (a power of two; ``n (k + 2)`` runs); Morris: trajectories (at least 2;
        ``n (k + 1)`` runs).
    seed : int, default 0
        Seeds the design and the bootstrap of the confidence intervals: the same seed gives the same indices,
        whatever ``chunk`` and ``engine``.
    chunk : int, default :data:`CHUNK`
        Runs per call of ``evaluate``.
    engine : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        See :mod:`twosector.parallel`.
    progress : callable, optional
        Called with the number of runs finished after each chunk.
    label : str, optional
        What is analysed (shown by :meth:`Sensitivity.summary`).

    Returns
    -------
    Sensitivity

    Raises
    ------
    TwosectorError
        For an unknown method or distribution, a bad ``n``, ``seed``, ``chunk``, engine or scheduler, fewer
        than two factors, or outputs that are not finite.
    """
    from SALib.analyze import morris, sobol

    if method not in METHODS:
        raise TwosectorError(f"method: {unknown_name('method', str(method), METHODS)}")
    n, chunk, seed = check_count(n, "n"), check_count(chunk, "chunk"), check_count(seed, "seed", 0)
    if method == "sobol" and not _power_of_two(n):
        raise TwosectorError(f"n: {n!r} is not allowed for method='sobol'; allowed: a power of two (e.g. 256, 1024)")
    if method == "morris" and n < 2:
        raise TwosectorError(f"n: {n!r} is not allowed for method='morris'; allowed: 2 or more trajectories (the "
                             "spread of the elementary effects needs two)")
    check_engine(engine, scheduler)
    bad = sorted(set(table["dist"]) - set(DISTRIBUTIONS))
    if bad:
        raise TwosectorError(f"factors: {unknown_name('distribution', str(bad[0]), DISTRIBUTIONS)}")
    if len(table) < 2:
        raise TwosectorError(f"factors: {len(table)} factor(s); allowed: at least two (a sensitivity compares them)")
    names = [str(v) for v in table.index]
    _check_design_memory(method, n, len(names))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = _design(method, problem, n, seed)
    cuts = [(a, min(len(unit), a + chunk)) for a in range(0, len(unit), chunk)]
    parts = map_chunks(_evaluate, {"evaluate": evaluate, "table": table, "method": method},
                       [{"unit": unit[a:b]} for a, b in cuts],
                       engine=engine, scheduler=scheduler, progress=progress, sizes=[b - a for a, b in cuts])
    y = pd.concat(parts, ignore_index=True)
    implausible = int(y.pop("implausible").sum()) if "implausible" in y else 0
    rows = {}
    for output in y.columns:
        v = y[output].to_numpy(dtype=float)
        if not np.isfinite(v).all():
            raise TwosectorError(f"outputs: {int((~np.isfinite(v)).sum()):,} of {len(v):,} runs give a non-finite "
                                 f"{output!r}; narrow the factors' ranges (bounds=) or choose another output")
        if np.ptp(v) == 0:
            raise TwosectorError(f"outputs: {output!r} is the same ({v[0]:g}) in every run, so no factor matters "
                                 "(e.g. the effect of a scenario against itself); choose another output or scenario")
        if method == "sobol":
            r = sobol.analyze(problem, v, calc_second_order=False, seed=seed)
        else:
            r = morris.analyze(problem, unit, v, num_levels=LEVELS, seed=seed)
        rows[output] = pd.DataFrame({c: np.asarray(r[c], dtype=float) for c in COLUMNS[method]},
                                    index=pd.Index(names, name="factor"))
    indices = pd.concat(rows, names=["output", "factor"])
    return Sensitivity(method, indices, table, len(unit), seed, implausible, label)


def _model(runs: tuple[Scenario, Scenario], x: pd.DataFrame, outputs: list[str], at: int, effect: bool,
           profiles: dict[str, np.ndarray], values: pd.DataFrame) -> pd.DataFrame:
    """The model as a function of the factors: outputs at one quarter, and whether the run is implausible."""
    defaults = default_params()
    n = len(values)
    table = pd.DataFrame(np.broadcast_to(defaults.to_numpy(dtype=float), (n, len(defaults))), columns=defaults.index)
    parameters = [c for c in values.columns if c in defaults.index]
    table[parameters] = values[parameters].to_numpy()
    levers = {name: values[name].to_numpy()[:, None] * path[None, :] for name, path in profiles.items()}
    keep = list(dict.fromkeys(outputs + list(BOUNDS)))
    with np.errstate(all="ignore"):  # a run that breaks down is implausible (counted), or non-finite (an error)
        return _outputs(runs, table, x, keep, levers, outputs, at, effect)


def _outputs(runs: tuple[Scenario, Scenario], table: pd.DataFrame, x: pd.DataFrame, keep: list[str],
             levers: dict[str, np.ndarray], outputs: list[str], at: int, effect: bool) -> pd.DataFrame:
    if effect:  # the pair on the same rows, their common history simulated once (the numbers of two runs)
        scenario, baseline = run_draws_together(runs, table, x, keep, first_levers=levers)  # levers: scenario only
    else:
        scenario, baseline = run_draws(runs[0], table, x, keep, levers), {}
    out = pd.DataFrame({v: scenario[v][:, at] for v in outputs})
    bad = np.logical_or.reduce(list(out_of_bounds(scenario).values()))
    if effect:
        for v in outputs:
            out[v] -= baseline[v][:, at]
        bad |= np.logical_or.reduce(list(out_of_bounds(baseline).values()))
    out["implausible"] = bad
    return out


def sensitivity(
    scenario: ScenarioLike,
    *,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    at: str | pd.Period = DEFAULT_AT,
    run: str = "effect",
    method: str = "sobol",
    n: int = 256,
    seed: int = 0,
    parameters: Sequence[str] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    baseline: ScenarioLike = "baseline",
    chunk: int = CHUNK,
    engine: str = "local",
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> Sensitivity:
    """Global sensitivity of a scenario's results to every uncertain parameter and lever intensity.

    Parameters
    ----------
    scenario : scenario-like
        As :func:`twosector.simulate`.
    outputs : sequence of str, default ("strain_index", "output_civilian")
        Variables (:func:`twosector.variable_table`), each taken at quarter ``at``.
    at : str or Period, default "2027Q4"
        The quarter of the outputs, up to :data:`~twosector.calendar.ENSEMBLE_END` (2035Q4, the end of the
        calibration's stability window).
    run : {"effect", "scenario"}, default "effect"
        ``effect``: scenario minus baseline on the same factors (lever factors move the scenario only);
        ``scenario``: the level.
    method : {"morris", "sobol"}, default "sobol"
        See the module's documentation.
    n : int, default 256
        Sobol base sample (a power of two) or Morris trajectories; the runs are ``n (k + 2)`` or ``n (k + 1)``
        for ``k`` factors (about 100 with every parameter).
    seed : int, default 0
        The same seed gives the same indices whatever ``chunk`` and ``engine``.
    parameters : sequence of str, optional
        Only these factors (:func:`factors`); the others stay at their catalogue value or the scenario's setting.
    bounds : mapping of str -> (low, high), optional
        Narrower ranges for some factors (:func:`factors`).
    baseline : scenario-like, default "baseline"
    chunk : int, default :data:`CHUNK`
        Runs per engine call (memory), never changes a number.
    engine : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        See :mod:`twosector.parallel`.
    progress : callable, optional
        Called with the number of runs finished after each chunk.

    Returns
    -------
    Sensitivity
        Over every run of the design, implausible ones included (their number in ``implausible``; a Monte Carlo
        leaves such draws out: see the module's documentation).

    Raises
    ------
    TwosectorError
        For a bad method, ``n``, seed, chunk, engine, run, factor or bound (with a did-you-mean where a name is
        unknown), or outputs that are not finite for some runs.
    ScenarioError
        For a bad scenario, variable or quarter.

    Examples
    --------
    >>> s = sensitivity("input_sanctions", method="morris", n=4, parameters=["input_sanctions", "phillips_slope",
    ...                 "input_cut_max"], outputs=["output_civilian"])
    >>> s.runs, list(s.table("output_civilian").columns)  # 4 trajectories of 3 + 1 runs
    (16, ['mu_star', 'mu_star_conf', 'mu', 'sigma', 'kind'])
    """
    if run not in ("effect", "scenario"):
        raise TwosectorError(f"run: {unknown_name('run', str(run), ('effect', 'scenario'))}")
    names = _check_variables(outputs, "outputs")
    quarter = parse_quarter(at, "at", ScenarioError)
    _horizon(quarter, max(quarter, DEFAULT_END))
    if quarter > ENSEMBLE_END:
        raise ScenarioError(f"at: {str(quarter)!r} is after {ENSEMBLE_END}, the last quarter the calibration checks "
                            f"that the model settles; allowed: up to {ENSEMBLE_END}")
    sc, base = load_scenario(scenario), load_scenario(baseline)
    _check_acts(sc, base, quarter, run)
    table = factors(sc, parameters, bounds)
    x = _exog.paths(end=max(quarter, DEFAULT_END))
    x = x.loc[x.index <= max(quarter, DEFAULT_END)]
    profiles = {name: profile(lever, x.index) for name, lever in sc.levers.items() if name in table.index}
    evaluate = functools.partial(_model, (sc, base), x, names, int(x.index.get_loc(quarter)), run == "effect",
                                 profiles)
    label = f"{sc.name}" + (f" vs {base.name}, effect" if run == "effect" else "") + f" at {quarter}"
    return analyse(table, evaluate, method=method, n=n, seed=seed, chunk=chunk, engine=engine, scheduler=scheduler,
                   progress=progress, label=label)
