"""Scenario sweeps: a lever (or a pair) over a grid of intensity x start x ramp, as a tidy response surface.

:func:`sweep` runs every grid point as one draw of the vectorised engine (the lever paths differ by draw) and the
base scenario on the same parameters, in chunks, locally or on Dask (:mod:`twosector.parallel`). The result is a
tidy frame, one row per grid point, variable and quarter, ready for ``pivot`` and for
:func:`twosector.charts.heatmap`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from twosector import calendar as cal
from twosector import exog as _exog
from twosector.calendar import DATA_CUTOFF, DEFAULT_END, ENSEMBLE_END, FIRST_LEVER_QUARTER, parse_quarter
from twosector.errors import ScenarioError, TwosectorError, unknown_name
from twosector.parallel import available_memory, check_count, check_engine, map_chunks
from twosector.params import resolve_params
from twosector.scenarios import LEVERS, Scenario, load_scenario, make_lever, profile
from twosector.simulation import ParamsLike, ScenarioLike, _check_variables, run_draws

__all__ = ["sweep", "GRID_POINTS", "DEFAULT_OUTPUTS", "DEFAULT_AT", "CHUNK", "COLUMNS"]

#: intensities of a lever by default: evenly spaced over its documented range
GRID_POINTS = 11
DEFAULT_OUTPUTS = ("strain_index", "output_civilian")
DEFAULT_AT = "2027Q4"
#: grid points per engine call
CHUNK = 2000
#: the columns after the levers' intensities
COLUMNS = ["start", "ramp", "variable", "quarter", "scenario", "baseline", "effect"]
#: bytes of memory a row of the result needs while it is built: the frame holds about 91 a row with one lever
#: (measured, pandas' Arrow strings), and the frames of each output and their concatenation are held at once
ROW_BYTES = 200


def _levers(levers: str | Sequence[str]) -> list[str]:
    names = [levers] if isinstance(levers, str) else list(levers)
    if not 1 <= len(names) <= 2 or len(set(names)) != len(names):
        raise TwosectorError(f"levers: {names!r} is not allowed; allowed: one lever or a pair of different levers")
    for name in names:
        if name not in LEVERS:
            raise TwosectorError(f"levers: {unknown_name('lever', str(name), LEVERS)}")
    return names


def _intensities(names: list[str], intensity: Sequence[float] | Mapping[str, Sequence[float]] | None
                 ) -> dict[str, list[float]]:
    out = {}
    for name in names:
        spec = LEVERS[name]
        given = intensity.get(name) if isinstance(intensity, Mapping) else intensity
        if given is None:
            given = np.linspace(spec.low, spec.high, GRID_POINTS).round(10).tolist()
        values: list[Any] = [given] if np.ndim(given) == 0 else list(given)
        if not values:
            raise TwosectorError(f"intensity: no values for {name!r}; allowed: numbers in [{spec.low}, {spec.high}] "
                                 f"({spec.unit})")
        out[name] = [make_lever(name, {"intensity": v}, "sweep: ").intensity for v in values]
    if isinstance(intensity, Mapping):
        for name in intensity:
            if name not in names:
                raise TwosectorError(f"intensity: {unknown_name('swept lever', str(name), names)}")
    return out


def _chunk(runs: tuple[Scenario, Scenario], table: pd.DataFrame, x: pd.DataFrame, names: list[str],
           positions: np.ndarray, levers: list[str], profiles: np.ndarray, intensity: np.ndarray,
           which: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Grid points of one chunk: the scenario and the base run, at the kept quarters (``(points, quarters)``)."""
    n = len(which)
    rows = pd.DataFrame(np.repeat(table.to_numpy(dtype=float), n, axis=0), columns=table.columns)
    paths = {lever: intensity[:, j, None] * profiles[which] for j, lever in enumerate(levers)}
    out = {}
    for run, scenario, per_draw in (("scenario", runs[0], paths), ("baseline", runs[1], None)):
        arrays = run_draws(scenario, rows, x, names, per_draw)
        out[run] = {v: arrays[v][:, positions] for v in names}
    return out


def sweep(
    levers: str | Sequence[str],
    intensity: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    *,
    start: str | Sequence[str] | None = None,
    ramp: int | Sequence[int] | None = None,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    at: str | Sequence[str] = DEFAULT_AT,
    base: ScenarioLike = "baseline",
    params: ParamsLike = None,
    chunk: int = CHUNK,
    engine: str = "local",
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """Response surfaces of one lever or a pair over a grid of intensity x start x ramp.

    Parameters
    ----------
    levers : str or pair of str
        Lever names (:data:`twosector.scenarios.LEVERS`).
    intensity : sequence of float, or mapping lever -> sequence, optional
        The intensities (in each lever's unit and range); a sequence applies to every swept lever. Default:
        :data:`GRID_POINTS` values evenly spaced over each lever's range.
    start : quarter or sequence of quarters, optional
        Start quarters (shared by a pair), from ``FIRST_LEVER_QUARTER`` (a start before ``PROJECTION_START`` is a
        counterfactual history) to the last quarter of ``at``; default the base scenario's start of the (first)
        lever, else ``DEFAULT_LEVER_START``.
    ramp : int or sequence of int, optional
        Ramps in quarters (shared by a pair); default the base scenario's, else 0.
    outputs : sequence of str, default ("strain_index", "output_civilian")
        Variables.
    at : quarter, sequence of quarters or "all", default "2027Q4"
        The quarters reported, from ``FIRST_LEVER_QUARTER`` to ``ENSEMBLE_END`` (2035Q4, the end of the
        calibration's stability window; ``"all"``: every quarter from the first lever quarter to ``DEFAULT_END``).
    base : scenario-like, default "baseline"
        The scenario the swept levers are set in, and the one the effects are measured against. Other fields of
        a swept lever it holds (``end``, options) are kept.
    params : mapping or pd.Series, optional
        Parameter overrides (one set; as :func:`twosector.simulate`).
    chunk : int, default :data:`CHUNK`
        Grid points per engine call (memory), never changes a number.
    engine : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        See :mod:`twosector.parallel`.
    progress : callable, optional
        Called with the number of grid points finished after each chunk.

    Returns
    -------
    pd.DataFrame
        Tidy: one column per swept lever (its intensity), then :data:`COLUMNS` (``start`` and ``quarter`` as
        text, ``effect = scenario - baseline`` in the variable's unit), one row per grid point, variable and
        quarter. ``attrs``: ``levers``, ``base``.

    Raises
    ------
    TwosectorError
        For an unknown lever (with a did-you-mean), more than two, an empty grid, a grid whose result would not
        fit in the memory available (about :data:`ROW_BYTES` a row of grid point x output x quarter), a bad
        chunk, engine or scheduler, or parameters given as draws.
    ScenarioError
        For an intensity, start or ramp a lever does not allow, a start after the last quarter of ``at`` (the
        lever would not act by then: every effect 0), an unknown variable or a bad quarter.

    Examples
    --------
    >>> s = sweep("tech_controls", [0.0, 0.5, 1.0], outputs=["output_civilian"], start=["2025Q1", "2026Q1"])
    >>> e = s.pivot(index="tech_controls", columns="start", values="effect")  # at 2027Q4, vs the baseline
    >>> e.loc[0.0].tolist(), bool((e.diff().iloc[1:] < 0).all(axis=None))  # none at 0, tighter controls cost more
    ([0.0, 0.0], True)
    """
    names = _levers(levers)
    grid = _intensities(names, intensity)
    chunk = check_count(chunk, "chunk")
    check_engine(engine, scheduler)
    variables = _check_variables(outputs, "outputs")
    table = resolve_params(params)
    if len(table) != 1:
        raise TwosectorError("params: a sweep runs one parameter set; allowed: a mapping or a Series of overrides "
                             "(for uncertainty use twosector.montecarlo or twosector.sensitivity)")
    sc = load_scenario(base)
    held = sc.levers.get(names[0])
    starts = [str(start)] if isinstance(start, (str, pd.Period)) else list(start) if start is not None else \
        [str(held.start) if held else None]
    ramps = [ramp] if isinstance(ramp, (int, np.integer)) or ramp is None else list(ramp)
    if not starts or not ramps:
        raise TwosectorError("start, ramp: an empty list; allowed: at least one quarter and one ramp")
    quarters = _quarters(at)
    end = max(DEFAULT_END, *quarters)
    timings, profiles = [], []
    x = _exog.paths(end=max(end, DATA_CUTOFF))
    x = x.loc[x.index <= end]
    for s, r in itertools.product(starts, ramps):
        fields: dict[str, Any] = {} if held is None else held.to_dict()
        fields["intensity"] = LEVERS[names[0]].high
        if s is not None:
            fields["start"] = s
        if r is not None:
            fields["ramp"] = r
        elif held is None:
            fields["ramp"] = 0
        lever = make_lever(names[0], fields, "sweep: ")
        timings.append((str(lever.start), lever.ramp))
        profiles.append(profile(lever, x.index))
    _check_starts(timings, max(quarters))
    positions = np.asarray([x.index.get_loc(q) for q in quarters])
    _check_memory([len(grid[n]) for n in names], len(starts), len(ramps), len(variables), len(quarters))
    points = list(itertools.product(*(grid[n] for n in names), range(len(timings))))
    intens = np.asarray([p[:-1] for p in points], dtype=float).reshape(len(points), len(names))
    which = np.asarray([p[-1] for p in points], dtype=int)
    shared = {"runs": (sc, sc), "table": table, "x": x, "names": variables, "positions": positions,
              "levers": names, "profiles": np.asarray(profiles)}
    cuts = [(a, min(len(points), a + chunk)) for a in range(0, len(points), chunk)]
    parts = map_chunks(_chunk, shared, [{"intensity": intens[a:b], "which": which[a:b]} for a, b in cuts],
                       engine=engine, scheduler=scheduler, progress=progress, sizes=[b - a for a, b in cuts])
    return _tidy(parts, names, intens, [timings[w] for w in which], variables, quarters, sc.name)


def _quarters(at: str | Sequence[str]) -> list[pd.Period]:
    if isinstance(at, str) and at == "all":
        return list(cal.quarter_index(FIRST_LEVER_QUARTER, DEFAULT_END))
    out = [parse_quarter(q, "at", ScenarioError) for q in ([at] if isinstance(at, (str, pd.Period)) else at)]
    for q in out:
        if q < FIRST_LEVER_QUARTER:
            raise ScenarioError(f"at: {str(q)!r} is before the first quarter a lever can act, {FIRST_LEVER_QUARTER}, "
                                f"so every effect would be 0; allowed: {FIRST_LEVER_QUARTER} to {ENSEMBLE_END} or "
                                "'all'")
        if q > ENSEMBLE_END:
            raise ScenarioError(f"at: {str(q)!r} is after {ENSEMBLE_END}, the last quarter the calibration checks that "
                                f"the model settles; allowed: {FIRST_LEVER_QUARTER} to {ENSEMBLE_END} or 'all'")
    if not out:
        raise ScenarioError("at: no quarter; allowed: a quarter, a list of quarters or 'all'")
    return out


def _check_starts(timings: list[tuple[str, int]], last: pd.Period) -> None:
    """Refuse a start after the last quarter reported: the lever would not act there, every effect would be 0."""
    for start, _ in timings:
        if pd.Period(start, freq="Q") > last:
            later = f" (or a later 'at', up to {ENSEMBLE_END})" if last < ENSEMBLE_END else ""
            raise ScenarioError(f"start: {start!r} is after the last quarter reported, {last}, so every effect would "
                                f"be 0; allowed: {FIRST_LEVER_QUARTER} to {last}{later}")


def _check_memory(intensities: list[int], starts: int, ramps: int, outputs: int, quarters: int) -> None:
    """Refuse a grid whose result cannot fit in the memory available now (:data:`ROW_BYTES` a row)."""
    points = int(np.prod(intensities)) * starts * ramps
    rows = points * outputs * quarters
    need, free = rows * ROW_BYTES, available_memory()
    if need <= free:
        return
    sizes = " x ".join(f"{n:,}" for n in [*intensities, starts, ramps])
    most = max(free // (outputs * quarters * ROW_BYTES), 1)
    raise TwosectorError(f"intensity, start, ramp: a grid of {sizes} = {points:,} points x {outputs} output(s) x "
                         f"{quarters} quarter(s) makes {rows:,} rows, about {need / 2**30:,.1f} GiB, more than this "
                         f"machine's {free / 2**30:,.1f} GiB available; allowed: at most about {most:,} grid points "
                         "here (fewer outputs or quarters in at allow more)")


def _tidy(parts: list[dict[str, dict[str, np.ndarray]]], levers: list[str], intensity: np.ndarray,
          timings: list[tuple[str, int]], variables: list[str], quarters: list[pd.Period], base: str) -> pd.DataFrame:
    """The chunks' arrays as a tidy frame (grid point, variable, quarter)."""
    n, t = len(intensity), len(quarters)
    frames = []
    for v in variables:
        s = np.concatenate([p["scenario"][v] for p in parts])
        b = np.concatenate([p["baseline"][v] for p in parts])
        cols: dict[str, Any] = {name: np.repeat(intensity[:, j], t) for j, name in enumerate(levers)}
        cols.update({"start": np.repeat([s_ for s_, _ in timings], t), "ramp": np.repeat([r for _, r in timings], t),
                     "variable": v, "quarter": np.tile([str(q) for q in quarters], n),
                     "scenario": s.ravel(), "baseline": b.ravel(), "effect": (s - b).ravel()})
        frames.append(pd.DataFrame(cols))
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update({"levers": levers, "base": base})
    return out
