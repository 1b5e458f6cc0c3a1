"""Monte Carlo of a scenario against its baseline: fan charts, threshold probabilities, first crossings.

:func:`montecarlo` draws the uncertain inputs, runs the scenario and the baseline on the **same** draws (so
scenario effects are paired, draw by draw) with the vectorised engine, in chunks, and returns a
:class:`MonteCarlo`. Sources of uncertainty (:data:`SOURCES`), each switchable:

- ``parameters``: every parameter from its prior (:mod:`twosector.priors`);
- ``oil``, ``ruble``: stochastic Urals price and ruble paths in projection (:mod:`twosector.risks`).

Reproducibility: draws come in blocks of :data:`BLOCK`; block ``b`` and source ``k`` use the generator seeded
by ``SeedSequence(seed, spawn_key=(b, k))`` (the ``k``-th child of the ``b``-th child of
``SeedSequence(seed)``). A draw therefore depends on the seed, its position and its source only: not on the
chunk size, on the number of draws, nor on which other sources are switched on.

Draws that leave the plausibility bounds (:data:`twosector.plausible.BOUNDS`, in any quarter from 2019Q1, in
the scenario or the baseline) are counted and reported (:attr:`MonteCarlo.implausible`, :meth:`summary`) and left
out of the quantiles, probabilities and crossings, whose results carry the count (``attrs["implausible"]``).
They are not a random subset (a package that strains the economy more pushes more draws past the bounds), so a
probability over the plausible draws may be biased. The probabilities therefore also come with their worst-case
bounds over **all** draws, the implausible ones counted as not crossing (``low = k / N``) or as crossing
(``high = (k + m) / N``), for ``k`` plausible draws beyond the threshold, ``m`` implausible draws and ``N``
draws (:func:`worst_case`, :meth:`MonteCarlo.probability` with ``bounds=True``, the ``by end low`` and ``by end
high`` columns of :meth:`MonteCarlo.probability_table`); above :data:`NOTE_SHARE` of implausible draws
:attr:`MonteCarlo.note` (printed by :meth:`MonteCarlo.summary`) says so.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twosector import exog as _exog
from twosector import priors, risks
from twosector.calendar import DATA_CUTOFF, DEFAULT_END, ENSEMBLE_END, PROJECTION_START, parse_quarter
from twosector.errors import ScenarioError, TwosectorError, unknown_name
from twosector.files import atomic_frame, staged
from twosector.parallel import ENGINES, LOCAL_WORKERS, available_memory, check_count, check_engine, map_chunks
from twosector.params import default_params
from twosector.plausible import BOUNDS, out_of_bounds
from twosector.scenarios import Scenario, load_scenario
from twosector.simulation import ScenarioLike, _check_variables, _horizon, run_draws_together
from twosector.variables import difference, vs_baseline_unit
from twosector.variables import units as _units

__all__ = ["montecarlo", "MonteCarlo", "SOURCES", "BLOCK", "CHUNK", "DEFAULT_VARIABLES", "RUNS", "ENGINES",
           "KEY_THRESHOLDS", "NOTE_SHARE", "TABLE_ROW_BYTES", "DRAW_BYTES", "VARIABLE_BYTES", "METADATA_KEY",
           "check_memory", "chunks_here", "probability_key", "read_metadata", "worst_case"]

SOURCES = ("parameters", "oil", "ruble")
#: draws per seed block (the unit of reproducibility; chunks need not be multiples of it)
BLOCK = 1000
#: draws per engine call by default. Each numpy call of the quarter loop has a fixed cost of about half a microsecond,
#: so larger chunks are cheaper per draw: 5,000 took 15-20% less CPU time per draw than 2,000 (10,000 no less than
#: 5,000), for about 125 MiB of working memory beyond the result instead of about 52 (benchmarks/README.md)
CHUNK = 5000
DEFAULT_VARIABLES = ("output_civilian", "cpi_inflation", "key_rate", "usd_rub", "nwf_liquid", "strain_index")
RUNS = ("scenario", "baseline", "effect", "vs_baseline")
#: the thresholds of :meth:`MonteCarlo.probability_table` by default: label -> (variable, "above" | "below", value).
#: The liquid NWF counts as exhausted below 0.5 trn RUB (about a month of its 2024 outflow); civilian output is an
#: index with 2021 = 100; the strain index is in pre-war standard deviations
KEY_THRESHOLDS: dict[str, tuple[str, str, float]] = {
    "liquid NWF below 0.5 trn RUB": ("nwf_liquid", "below", 0.5),
    "CPI inflation above 10%": ("cpi_inflation", "above", 10.0),
    "civilian output below its 2021 level": ("output_civilian", "below", 100.0),
    "strain index above 1": ("strain_index", "above", 1.0),
}
#: first quarter kept by default: a year of history before the projection, for the fan charts' context
DEFAULT_START = PROJECTION_START - 4
#: the key of a draws Parquet file's metadata that holds :meth:`MonteCarlo.metadata` (JSON)
METADATA_KEY = b"twosector"
#: bytes of memory per row of the long table (:meth:`MonteCarlo.to_frame`) while a file of it is written, on top of
#: the result: the frame and pyarrow's copy for Parquet (measured ~75), the numbers as text for CSV (~300; files.
#: plain_numbers); 3.4 million rows, peak resident memory
TABLE_ROW_BYTES = {"parquet": 80, "csv": 320}
#: the engine's working memory per draw of a chunk, on top of the result: about DRAW_BYTES plus VARIABLE_BYTES per
#: variable kept (the stored quarters of both runs, the reference paths, the post-processing's arrays). Measured with
#: tracemalloc at 2,000 and 5,000 draws a chunk: 25-27 kB a draw with 1-4 variables, 52-56 kB with 20, 100 kB with
#: 50, 180 kB with all 104
DRAW_BYTES = 24_000
VARIABLE_BYTES = 1_500
#: the share of implausible draws above which a result carries a note (:attr:`MonteCarlo.note`): the statistics
#: over the plausible draws may then be biased by more than the sampling noise of a few hundred draws
NOTE_SHARE = 0.05


def worst_case(share: Any, draws: int, implausible: int) -> tuple[Any, Any]:
    """The bounds of a probability over all draws, the implausible draws counted on either side.

    Parameters
    ----------
    share : float or array
        The probability over the plausible draws, ``k / (N - m)`` (NaN stays NaN).
    draws : int
        All draws, ``N``.
    implausible : int
        The implausible draws, ``m``.

    Returns
    -------
    (low, high)
        ``k / N`` (no implausible draw beyond the threshold) and ``(k + m) / N`` (all of them), shapes of
        ``share``; ``(0, 1)`` when every draw is implausible.

    Raises
    ------
    Nothing of its own.

    Examples
    --------
    >>> low, high = worst_case(0.5, 1000, 200)  # 400 of 800 plausible draws cross: 40% to 60% of all draws
    >>> round(low, 6), round(high, 6)
    (0.4, 0.6)
    """
    if draws == implausible:  # no plausible draw: nothing is known
        low = share * 0.0
        low = low.fillna(0.0) if isinstance(low, pd.Series) else np.nan_to_num(low)
        return low, low + 1.0
    low = share * ((draws - implausible) / draws)
    return low, low + implausible / draws


@dataclass
class MonteCarlo:
    """The result of :func:`montecarlo`.

    Attributes
    ----------
    scenario, baseline : str
        Scenario names.
    seed : int
        The seed.
    sources : tuple of str
        The sources of uncertainty switched on.
    quarters : pd.PeriodIndex
        The quarters kept.
    values : dict
        ``{"scenario" | "baseline": {variable: array (draws, quarters)}}``, every draw.
    implausible : np.ndarray
        Boolean ``(draws,)``: the draw leaves the plausibility bounds in the scenario or the baseline.
    reasons : dict of str -> int
        Bounded variable -> number of draws in which it leaves its bounds (in the scenario or the baseline; a
        draw may count under several variables).
    """

    scenario: str
    baseline: str
    seed: int
    sources: tuple[str, ...]
    quarters: pd.PeriodIndex
    values: dict[str, dict[str, np.ndarray]]
    implausible: np.ndarray
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def draws(self) -> int:
        """Number of draws (plausible or not)."""
        return int(self.implausible.shape[0])

    @property
    def variables(self) -> list[str]:
        """The variables kept."""
        return list(self.values["scenario"])

    @property
    def implausible_share(self) -> float:
        """The share of draws that leave the plausibility bounds (in the scenario or the baseline), in [0, 1]."""
        return float(self.implausible.mean())

    @property
    def note(self) -> str:
        """A note on the implausible draws when they are more than :data:`NOTE_SHARE` of all, else ``""``.

        The draws left out are not a random subset, so the statistics over the plausible ones may be biased;
        the note says so and points to the bounds over all draws. Shown by :meth:`summary`, the command line and
        the notebooks (text, not a Python warning).
        """
        if self.implausible_share <= NOTE_SHARE:
            return ""
        top = sorted(((n, v) for v, n in self.reasons.items() if n), reverse=True)[:3]
        why = ", ".join(f"{v} {n:,}" for n, v in top)
        return (f"note: {self.implausible_share:.0%} of the draws ({int(self.implausible.sum()):,} of {self.draws:,}) "
                f"leave the plausibility bounds (mostly {why}) and are left out; they are not a random subset, so "
                "the probabilities over the plausible draws may be biased: the bounds over all draws (by end low / "
                "high) count them as not crossing or as crossing")

    def __repr__(self) -> str:
        return (f"MonteCarlo({self.scenario!r} vs {self.baseline!r}, {self.draws:,} draws, seed {self.seed}, "
                f"sources {list(self.sources)}, {int(self.implausible.sum()):,} implausible)")

    # -------------------------------------------------------------------------------------------- access

    def _check(self, variable: str, run: str) -> None:
        if variable not in self.values["scenario"]:
            raise TwosectorError(f"variable: {unknown_name('variable', str(variable), self.variables)} "
                                 "(only the variables kept by montecarlo(variables=...))")
        if run not in RUNS:
            raise TwosectorError(f"run: {unknown_name('run', str(run), RUNS)}")

    def array(self, variable: str, run: str = "scenario", plausible: bool = True) -> np.ndarray:
        """Draws of one variable as an array.

        Parameters
        ----------
        variable : str
            A variable kept (:attr:`variables`).
        run : {"scenario", "baseline", "effect", "vs_baseline"}, default "scenario"
            ``effect`` is scenario minus baseline, draw by draw (in the variable's unit); ``vs_baseline`` the same
            pairs in the one convention of :func:`twosector.tables.vs_baseline_unit` (% of the paired baseline
            draw for levels and indices, pp for rates and shares).
        plausible : bool, default True
            Only the plausible draws.

        Returns
        -------
        np.ndarray
            Shape ``(draws, quarters)``.

        Raises
        ------
        TwosectorError
            For a variable not kept or an unknown run (with a did-you-mean).
        """
        self._check(variable, run)
        if run == "effect":
            a = self.values["scenario"][variable] - self.values["baseline"][variable]
        elif run == "vs_baseline":
            a = difference(variable, self.values["scenario"][variable], self.values["baseline"][variable])
        else:
            a = self.values[run][variable]
        return a[~self.implausible] if plausible else a

    def _stamp(self, out: Any, run: str | None = None) -> Any:
        if run is not None:
            out.attrs["run"] = run
        out.attrs["implausible"] = int(self.implausible.sum())
        out.attrs["implausible_share"] = self.implausible_share
        out.attrs["draws"] = self.draws
        out.attrs["sources"] = list(self.sources)
        return out

    def frame(self, run: str = "scenario") -> pd.DataFrame:
        """Every draw as a frame in the layout of :func:`twosector.simulate` with draws.

        Parameters
        ----------
        run : {"scenario", "baseline", "effect", "vs_baseline"}, default "scenario"
            ``vs_baseline``: over the draws where it is defined (a % of a baseline of 0 is not).

        Returns
        -------
        pd.DataFrame
            Quarters as index, columns MultiIndex ``(variable, draw)``; implausible draws included (their
            labels are in ``attrs["implausible_draws"]``).

        Raises
        ------
        TwosectorError
            For an unknown run.
        """
        parts = {v: pd.DataFrame(self.array(v, run, plausible=False).T, index=self.quarters)
                 for v in self.variables}
        out = pd.concat(parts, axis=1, names=["variable", "draw"])
        out.attrs["implausible_draws"] = np.flatnonzero(self.implausible).tolist()
        return out

    def to_frame(self) -> pd.DataFrame:
        """The draws as a long (tidy) table.

        Returns
        -------
        pd.DataFrame
            Columns ``variable, draw, quarter`` (categories; quarters as text, e.g. ``"2027Q4"``), ``unit`` (the
            variable's unit from the catalogue, :func:`twosector.variable_table`; a category), ``scenario,
            baseline, effect`` (in that unit; ``effect`` is scenario minus baseline) and ``implausible`` (bool), one
            row per variable, draw and quarter. ``attrs`` is :meth:`metadata`.

        Raises
        ------
        Nothing of its own.
        """
        n, t = self.draws, len(self.quarters)
        labels = list(self.quarters.astype(str))
        quarter = pd.Categorical.from_codes(np.tile(np.arange(t), n), categories=labels)
        catalogue = _units()
        units = list(dict.fromkeys(catalogue.get(v, "") for v in self.variables))
        parts = []
        for v in self.variables:
            s, b = self.values["scenario"][v], self.values["baseline"][v]
            parts.append(pd.DataFrame({
                "variable": pd.Categorical([v] * (n * t), categories=self.variables),
                "draw": np.repeat(np.arange(n), t), "quarter": quarter,
                "unit": pd.Categorical([catalogue.get(v, "")] * (n * t), categories=units),
                "scenario": s.ravel(), "baseline": b.ravel(), "effect": (s - b).ravel(),
                "implausible": np.repeat(self.implausible, t)}))
        out = pd.concat(parts, ignore_index=True)
        out.attrs = self.metadata()
        return out

    def metadata(self) -> dict[str, Any]:
        """What the draws are: the provenance a draws file carries (the Parquet file's key-value metadata).

        Returns
        -------
        dict
            ``scenario``, ``baseline``, ``seed``, ``draws``, ``implausible`` (count), ``sources`` (list),
            ``variables`` (list), ``first_quarter``, ``last_quarter``, ``twosector_version`` and ``data_vintage``
            (:func:`twosector.data.data_vintage`: the data's last quarter and a hash of its files).

        Raises
        ------
        Nothing of its own.
        """
        from twosector import __version__
        from twosector.data import data_vintage

        return {"scenario": self.scenario, "baseline": self.baseline, "seed": self.seed, "draws": self.draws,
                "implausible": int(self.implausible.sum()), "sources": list(self.sources),
                "variables": self.variables, "first_quarter": str(self.quarters[0]),
                "last_quarter": str(self.quarters[-1]), "twosector_version": __version__,
                "data_vintage": data_vintage()}

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to a Parquet file, atomically, with :meth:`metadata` as key-value metadata.

        The metadata is JSON under the file's key :data:`METADATA_KEY` (read it back with
        :func:`read_metadata`, or ``pyarrow.parquet.read_schema(path).metadata``); ``pandas.read_parquet``
        restores it as the frame's ``attrs``.

        Parameters
        ----------
        path : path-like
            The file (replaced if it exists).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        TwosectorError
            For an error of the file system (the old file is then unchanged), or a table that does not fit in the
            memory available (:func:`check_memory`).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        check_memory(self.draws, len(self.variables), len(self.quarters), table="parquet", option="to_parquet",
                     held=True)
        # the provenance under its own key for any Parquet reader; pandas also keeps it as the frame's attrs
        table = pa.Table.from_pandas(self.to_frame(), preserve_index=False)
        ours = {METADATA_KEY: json.dumps(self.metadata()).encode()}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **ours})
        with staged(Path(path)) as tmp:
            pq.write_table(table, tmp)
        return Path(path)

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to a CSV file, atomically.

        Parameters
        ----------
        path : path-like
            The file (replaced if it exists).

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        TwosectorError
            For an error of the file system (the old file is then unchanged), or a table that does not fit in the
            memory available (:func:`check_memory`).
        """
        check_memory(self.draws, len(self.variables), len(self.quarters), table="csv", option="to_csv", held=True)
        return atomic_frame(self.to_frame(), path, fmt="csv", index=False)

    # -------------------------------------------------------------------------------------- statistics

    def quantiles(self, variables: str | Sequence[str] | None = None,
                  q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95), run: str = "scenario") -> pd.DataFrame:
        """Quantiles across the plausible draws, quarter by quarter.

        Parameters
        ----------
        variables : str or list of str, optional
            Default: every variable kept.
        q : sequence of float, default (0.05, 0.25, 0.5, 0.75, 0.95)
            Quantiles in [0, 1].
        run : {"scenario", "baseline", "effect", "vs_baseline"}, default "scenario"
            ``vs_baseline``: over the draws where it is defined (a % of a baseline of 0 is not).

        Returns
        -------
        pd.DataFrame
            Quarters as index, columns MultiIndex ``(variable, quantile)``; ``attrs["implausible"]`` is the number
            of draws left out, ``attrs["draws"]`` the total, ``attrs["run"]`` the run.

        Raises
        ------
        TwosectorError
            For a variable not kept, an unknown run or a quantile outside [0, 1].
        """
        names = self.variables if variables is None else [variables] if isinstance(variables, str) else list(variables)
        qs = [float(v) for v in q]
        if not qs or not all(0.0 <= v <= 1.0 for v in qs):
            raise TwosectorError(f"q: {list(q)!r} must be quantiles in [0, 1]")
        parts = {}
        for v in names:
            a = self.array(v, run)
            with warnings.catch_warnings():  # vs_baseline: % is NaN where the paired baseline is 0 (a run-out NWF)
                warnings.simplefilter("ignore", RuntimeWarning)
                values = (np.nanquantile(a, qs, axis=0).T if len(a)
                          else np.full((len(self.quarters), len(qs)), np.nan))
            parts[v] = pd.DataFrame(values, index=self.quarters, columns=pd.Index(qs, name="quantile"))
        return self._stamp(pd.concat(parts, axis=1, names=["variable", "quantile"]), run)

    def effect(self, variable: str, q: Sequence[float] | None = None) -> pd.DataFrame:
        """The distribution of the scenario's effect (scenario minus baseline on the same draw).

        Parameters
        ----------
        variable : str
            A variable kept.
        q : sequence of float, optional
            Quantiles; default: every plausible draw.

        Returns
        -------
        pd.DataFrame
            Quarters as index; columns the plausible draws' labels, or the quantiles ``q``.
            ``attrs["implausible"]`` is the number of draws left out.

        Raises
        ------
        TwosectorError
            For a variable not kept or a quantile outside [0, 1].
        """
        if q is not None:
            return self._stamp(self.quantiles(variable, q, run="effect")[variable])
        a = self.array(variable, "effect")
        draws = pd.Index(np.flatnonzero(~self.implausible), name="draw")
        return self._stamp(pd.DataFrame(a.T, index=self.quarters, columns=draws))

    def _beyond(self, variable: str, above: object = None, below: object = None, run: str = "scenario",
                caller: str = "probability") -> np.ndarray:
        if (above is None) == (below is None):
            raise TwosectorError(f"{caller}: give exactly one of above= or below= (a threshold in the variable's "
                                 "unit)")
        side, value = ("above", above) if above is not None else ("below", below)
        limit = _threshold(value, side)
        a = self.array(variable, run)
        return a > limit if side == "above" else a < limit

    def probability(self, variable: str, *, above: float | None = None, below: float | None = None,
                    by: str = "quarter", run: str = "scenario", bounds: bool = False) -> pd.Series | pd.DataFrame:
        """Probability that a variable is above (or below) a threshold.

        Parameters
        ----------
        variable : str
            A variable kept.
        above, below : float
            Exactly one: the threshold (strictly above / below), in the variable's unit.
        by : {"quarter", "year", "ever"}, default "quarter"
            ``quarter``: the share of plausible draws beyond it in each quarter; ``year``: in at least one
            quarter of each year; ``ever``: by each quarter, in at least one projection quarter so far
            (cumulative from ``PROJECTION_START``; NaN for the quarters of history kept for the charts).
        run : {"scenario", "baseline", "effect"}, default "scenario"
        bounds : bool, default False
            Also the worst-case bounds over all draws (:func:`worst_case`): the implausible draws, left out of the
            probability, counted as not beyond the threshold (``low``) or as beyond it (``high``).

        Returns
        -------
        pd.Series or pd.DataFrame
            Shares of the plausible draws in [0, 1] by quarter (or year); with ``bounds=True`` a frame of columns
            ``probability``, ``low`` and ``high`` (shares of all draws). ``attrs["implausible"]`` is the number of
            draws left out, ``attrs["implausible_share"]`` their share of all draws.

        Raises
        ------
        TwosectorError
            For a variable not kept, an unknown run or ``by``, not exactly one threshold, or a threshold that is
            not a finite number (a bool, a string, NaN).
        """
        if by not in ("quarter", "year", "ever"):
            raise TwosectorError(f"by: {unknown_name('grouping', str(by), ('quarter', 'year', 'ever'))}")
        hit = self._beyond(variable, above, below, run)
        history = np.asarray(self.quarters < PROJECTION_START)
        if by == "ever":  # crossings in the history kept for the charts do not count
            hit = np.logical_or.accumulate(hit & ~history, axis=1)
        share = hit.mean(axis=0) if len(hit) else np.full(len(self.quarters), np.nan)
        if by == "ever":
            share = np.where(history, np.nan, share)
        out = pd.Series(share, index=self.quarters, name=variable)
        if by == "year":
            years = pd.Index(self.quarters.year, name="year")
            out = pd.DataFrame(hit.T, index=years).groupby(level=0).any().mean(axis=1).rename(variable)
        if bounds:
            low, high = worst_case(out, self.draws, int(self.implausible.sum()))
            out = pd.DataFrame({"probability": out, "low": low, "high": high})
        return self._stamp(out)

    def first_crossing(self, variable: str, *, above: float | None = None, below: float | None = None,
                       run: str = "scenario") -> pd.Series:
        """The first quarter each plausible draw crosses a threshold.

        Parameters
        ----------
        variable : str
            A variable kept.
        above, below : float
            Exactly one: the threshold (strictly above / below), in the variable's unit.
        run : {"scenario", "baseline", "effect"}, default "scenario"

        Returns
        -------
        pd.Series
            Period dtype, indexed by draw label: the first projection quarter (from ``PROJECTION_START``; the
            quarters of history kept for the charts do not count) beyond the threshold, ``NaT`` if never.
            ``.value_counts(normalize=True, dropna=False)`` gives the distribution; ``attrs["implausible"]``
            the number of draws left out.

        Raises
        ------
        TwosectorError
            For a variable not kept, an unknown run, not exactly one threshold, or a threshold that is not a
            finite number (a bool, a string, NaN).

        Examples
        --------
        >>> mc = montecarlo("baseline", draws=20, seed=1, variables=["nwf_liquid"])
        >>> first = mc.first_crossing("nwf_liquid", below=0.5)  # a quarter per draw, NaT if never
        >>> len(first) == mc.draws - int(mc.implausible.sum())  # the plausible draws
        True
        """
        hit = self._beyond(variable, above, below, run, "first_crossing") & np.asarray(
            self.quarters >= PROJECTION_START)
        first = hit.argmax(axis=1)
        ever = hit.any(axis=1)
        values = pd.PeriodIndex(self.quarters[first], freq="Q").where(ever) if len(hit) else self.quarters[:0]
        draws = pd.Index(np.flatnonzero(~self.implausible), name="draw")
        return self._stamp(pd.Series(values, index=draws, name=variable))

    def probability_table(self, thresholds: dict[str, tuple[str, str, float]] | None = None,
                          run: str = "scenario") -> pd.DataFrame:
        """Key threshold probabilities in the projection: by year, by its end, and the median first crossing.

        Only projection quarters count (from ``PROJECTION_START``): the quarters of history kept for the fan
        charts' context are shared by every draw and never count as a crossing.

        Parameters
        ----------
        thresholds : dict, optional
            ``label -> (variable, "above" | "below", value)``; default the :data:`KEY_THRESHOLDS` whose variable
            is kept.
        run : {"scenario", "baseline", "effect"}, default "scenario"

        Returns
        -------
        pd.DataFrame
            One row per threshold: one column per projection year (share of plausible draws beyond the threshold
            in at least one quarter of it), ``by end`` (in at least one projection quarter), ``by end low`` and
            ``by end high`` (its worst-case bounds as shares of all draws, the implausible draws counted as not
            crossing or as crossing: :func:`worst_case`) and ``median first`` (the median first projection
            quarter among the draws that cross at all, ``""`` if none does). For ``run="scenario"`` also
            ``baseline by end`` and ``baseline median first``: the baseline's on the same plausible draws, the
            reference the scenario's probability is judged against. ``attrs["implausible"]`` (draws left out),
            ``attrs["implausible_share"]`` and ``attrs["draws"]`` (all draws) as elsewhere; ``attrs["note"]``
            is :attr:`note`.

        Raises
        ------
        TwosectorError
            For a threshold on a variable not kept, a direction other than above/below, a value that is not a
            finite number, or an unknown run.
        """
        if thresholds is None:
            thresholds = {k: v for k, v in KEY_THRESHOLDS.items() if v[0] in self.values["scenario"]}
        counted = np.asarray(self.quarters >= PROJECTION_START)
        quarters = self.quarters[counted]
        rows = {}
        for label, (variable, side, value) in thresholds.items():
            limit = _limit(label, side, value)
            hit = self._beyond(variable, *limit, run)[:, counted]
            row = pd.DataFrame(hit.T, index=quarters.year).groupby(level=0).any().mean(axis=1).to_dict()
            row.update(_crossing(hit, quarters, self.draws, int(self.implausible.sum())))
            if run == "scenario":
                base = _crossing(self._beyond(variable, *limit, "baseline")[:, counted], quarters)
                row.update({f"baseline {k}": v for k, v in base.items()})
            rows[label] = row
        out = self._stamp(pd.DataFrame.from_dict(rows, orient="index"))
        out.attrs["note"] = self.note
        return out

    def key_probabilities(self, by: str | pd.Period | None = None,
                          thresholds: dict[str, tuple[str, str, float]] | None = None,
                          run: str = "scenario") -> pd.Series:
        """The probability of each key threshold being crossed in the projection, by a quarter.

        Parameters
        ----------
        by : str or Period, optional
            The last quarter counted (default: the last kept); quarters before ``PROJECTION_START`` never count,
            so history the draws share does not.
        thresholds : dict, optional
            As :meth:`probability_table` (default the :data:`KEY_THRESHOLDS` whose variable is kept).
        run : {"scenario", "baseline"}, default "scenario"
            ``baseline``: the baseline's probabilities on the same plausible draws (the reference).

        Returns
        -------
        pd.Series
            Shares of plausible draws in [0, 1], indexed by :func:`probability_key` (e.g.
            ``p_nwf_liquid_below_0.5``); ``attrs["labels"]`` maps each key to its threshold's label,
            ``attrs["by"]`` is the quarter, ``attrs["implausible"]`` as elsewhere.

        Raises
        ------
        TwosectorError
            For a quarter before the projection or not kept, or a threshold as in :meth:`probability_table`.

        Examples
        --------
        >>> mc = montecarlo("baseline", draws=20, seed=1, variables=["nwf_liquid", "cpi_inflation"])
        >>> p = mc.key_probabilities(by="2026Q4")
        >>> list(p.index), bool(p.between(0, 1).all())
        (['p_nwf_liquid_below_0.5', 'p_cpi_inflation_above_10'], True)
        """
        last = self.quarters[-1] if by is None else pd.Period(by, freq="Q")
        if not PROJECTION_START <= last <= self.quarters[-1]:
            raise TwosectorError(f"by: {str(last)!r} is not allowed; allowed: {PROJECTION_START} to "
                                 f"{self.quarters[-1]}")
        if thresholds is None:
            thresholds = {k: v for k, v in KEY_THRESHOLDS.items() if v[0] in self.values["scenario"]}
        counted = np.asarray((self.quarters >= PROJECTION_START) & (self.quarters <= last))
        values, labels = {}, {}
        for label, (variable, side, value) in thresholds.items():
            beyond = self._beyond(variable, *_limit(label, side, value), run)
            key = probability_key(variable, side, value)
            values[key] = float(beyond[:, counted].any(axis=1).mean()) if len(beyond) else np.nan
            labels[key] = label
        out = pd.Series(values, dtype=float, name=f"by {last}")
        out.attrs.update(labels=labels, by=str(last))
        return self._stamp(out)

    def summary(self, quarter: str | pd.Period | None = None) -> str:
        """A text summary: setup, implausible draws (with the bounds they break), and the quantiles at a quarter.

        Parameters
        ----------
        quarter : str or Period, optional
            Default: the last quarter kept.

        Returns
        -------
        str

        Raises
        ------
        TwosectorError
            For a quarter that is not kept.
        """
        q = self.quarters[-1] if quarter is None else pd.Period(quarter, freq="Q")
        if q not in self.quarters:
            raise TwosectorError(f"quarter: {str(q)!r} is not kept; allowed: {self.quarters[0]} to "
                                 f"{self.quarters[-1]}")
        bad = int(self.implausible.sum())
        why = ", ".join(f"{k} {v:,}" for k, v in self.reasons.items() if v)
        note = [f"  {self.note}"] if self.note else []
        lines = [
            f"twosector Monte Carlo: {self.scenario} vs {self.baseline}",
            f"  draws {self.draws:,}, seed {self.seed}, sources {', '.join(self.sources) or 'none'}",
            f"  implausible draws: {bad:,} of {self.draws:,} ({100 * bad / self.draws:.1f}%), left out of the "
            f"statistics" + (f" (leaving bounds: {why})" if why else ""),
            *note,
            f"  quantiles at {q} (5% / 50% / 95%), plausible draws; the effect vs baseline on the same draw in "
            "% for levels and indices, pp for rates and shares",
            f"  {'variable':<22}{'scenario':>28}  {'unit':<24}{'vs baseline':>28}  unit",
        ]
        i = self.quarters.get_loc(q)
        for v in self.variables:
            cells = []
            for run in ("scenario", "vs_baseline"):
                a = self.array(v, run)[:, i]
                cells.append(" ".join(f"{x:9.3g}" for x in np.nanquantile(a, [0.05, 0.5, 0.95]))
                             if len(a) and not np.isnan(a).all() else "n/a")
            lines.append(f"  {v:<22}{cells[0]:>28}  {_units().get(v, ''):<24}{cells[1]:>28}  {vs_baseline_unit(v)}")
        return "\n".join(lines)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The provenance of a draws file written by :meth:`MonteCarlo.to_parquet` (:meth:`MonteCarlo.metadata`).

    Parameters
    ----------
    path : path-like
        The Parquet file.

    Returns
    -------
    dict
        As :meth:`MonteCarlo.metadata`.

    Raises
    ------
    TwosectorError
        For a file that cannot be read as Parquet, or one without twosector's metadata.
    """
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, ValueError) as exc:
        raise TwosectorError(f"path: cannot read {str(path)!r} as a Parquet file ({exc})") from None
    if METADATA_KEY not in meta:
        raise TwosectorError(f"path: {str(path)!r} has no twosector metadata; allowed: a file written by "
                             "MonteCarlo.to_parquet (twosector montecarlo --out FILE.parquet)")
    return dict(json.loads(meta[METADATA_KEY]))


def _crossing(hit: np.ndarray, quarters: pd.PeriodIndex, draws: int | None = None,
              implausible: int = 0) -> dict[str, Any]:
    """``by end``, ``median first`` and, with ``draws``, ``by end low`` and ``by end high`` of a threshold.

    ``by end``: the share of draws that cross in any quarter; ``median first``: their median first quarter; the
    bounds: :func:`worst_case`.
    """
    ever = hit.any(axis=1)
    share = float(ever.mean()) if len(hit) else np.nan
    out: dict[str, Any] = {"by end": share}
    if draws is not None:
        out["by end low"], out["by end high"] = worst_case(share, draws, implausible)
    first = quarters.asi8[hit.argmax(axis=1)][ever] if len(hit) else []
    middle = int(np.quantile(first, 0.5, method="lower")) if len(first) else None
    out["median first"] = "" if middle is None else str(pd.Period(ordinal=middle, freq="Q"))
    return out


def _threshold(value: object, field: str) -> float:
    """Validate a threshold: a finite real number in the variable's unit.

    Parameters
    ----------
    value : object
        The value given.
    field : str
        Its name, for the message (``above``, ``below``, ``thresholds['<label>']``).

    Returns
    -------
    float

    Raises
    ------
    TwosectorError
        For anything but a finite real number (a bool, a string, NaN or an infinity are refused).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TwosectorError(f"{field}: {value!r} is not allowed; allowed: a finite number in the variable's unit "
                             "(e.g. above=10.0 for CPI inflation in %)")
    return float(value)


def _limit(label: str, side: object, value: object) -> tuple[float | None, float | None]:
    """One threshold of a table as the ``above, below`` of :meth:`MonteCarlo.probability` (one of them None)."""
    if side not in ("above", "below"):
        raise TwosectorError(f"thresholds[{label!r}]: direction {side!r}; allowed: 'above', 'below'")
    limit = _threshold(value, f"thresholds[{label!r}]")
    return (limit, None) if side == "above" else (None, limit)


def probability_key(variable: str, side: str, value: float) -> str:
    """The name of a threshold probability among key results, e.g. ``p_nwf_liquid_below_0.5``.

    Parameters
    ----------
    variable : str
    side : {"above", "below"}
    value : float

    Returns
    -------
    str

    Raises
    ------
    Nothing of its own.
    """
    return f"p_{variable}_{side}_{float(value):g}"


def _sources(sources: str | Sequence[str]) -> tuple[str, ...]:
    names = [sources] if isinstance(sources, str) else list(sources)
    for s in names:
        if s not in SOURCES:
            raise TwosectorError(f"sources: {unknown_name('source', str(s), SOURCES)}")
    return tuple(s for s in SOURCES if s in names)


def chunks_here(engine: str = "local", scheduler: object = None) -> int:
    """How many chunks an ensemble holds in this process's memory at once.

    One on the local engine; :data:`~twosector.parallel.LOCAL_WORKERS` with ``engine="dask"`` and no scheduler (the
    workers of the call's LocalCluster are threads of this process); none with a scheduler (the chunks run on its
    workers, whose memory this process cannot see).

    Parameters
    ----------
    engine : {"local", "dask"}, default "local"
        The engine (:data:`ENGINES`).
    scheduler : str or distributed.Client, optional
        The Dask scheduler, if any.

    Returns
    -------
    int
        0, 1 or :data:`~twosector.parallel.LOCAL_WORKERS`.

    Raises
    ------
    Nothing of its own.
    """
    if engine != "dask":
        return 1
    return LOCAL_WORKERS if scheduler is None else 0


def _size(n: float) -> str:
    for unit, power in (("GiB", 30), ("MiB", 20)):
        if n >= 2**power:
            return f"{n / 2**power:,.1f} {unit}"
    return f"{n / 2**10:,.1f} KiB"


def _draws(k: int) -> str:
    return f"{k:,} draw" + ("" if k == 1 else "s")


def check_memory(draws: int, variables: int, quarters: int, *, table: str | None = None,
                 option: str = "out", held: bool = False, chunk: int = CHUNK, at_once: int = 1) -> None:
    """Refuse a Monte Carlo, and the long table to be written from it, that cannot fit in the memory available.

    Parameters
    ----------
    draws, variables, quarters : int
        The size of the result (the kept paths of the scenario and the baseline, float64).
    table : {"parquet", "csv"}, optional
        The format of the long table (:meth:`MonteCarlo.to_frame`) written after the run: it needs about
        :data:`TABLE_ROW_BYTES` per row on top of the result.
    option : str, default "out"
        The name of the option or argument that writes the table, for the message (``"--out"`` on the command
        line).
    held : bool, default False
        The result is in memory already (only the table is still to come).
    chunk : int, default :data:`CHUNK`
        Draws per engine call: the run needs about ``DRAW_BYTES + VARIABLE_BYTES × variables`` per draw of a chunk
        on top of the result (:data:`DRAW_BYTES`, :data:`VARIABLE_BYTES`; not counted when ``held``).
    at_once : int, default 1
        Chunks held in this process at once (:func:`chunks_here`).

    Returns
    -------
    None

    Raises
    ------
    TwosectorError
        Naming ``option`` when the run fits but its table does not; else ``chunk`` when the result fits but the
        engine's working memory does not, with the largest chunk that fits; else ``draws``, with the most draws that
        fit in the memory available now (:func:`twosector.parallel.available_memory`).
    """
    per_draw = 0 if held else 2 * variables * quarters * 8  # the result
    per_row = TABLE_ROW_BYTES[table] if table else 0
    written = draws * variables * quarters * per_row
    one_chunk = 0 if held else DRAW_BYTES + VARIABLE_BYTES * variables  # per draw of a chunk
    per_chunk_draw = at_once * one_chunk  # smaller chunks, as advised, may run at once
    at_once = min(at_once, -(-draws // chunk))  # a run of one chunk holds one chunk, whatever the engine
    working = min(draws, chunk) * at_once * one_chunk
    free = available_memory()
    if draws * per_draw + written + working <= free:
        return

    def fitting(row_bytes: int) -> int:  # the most draws that fit with a table of row_bytes a row
        unit = per_draw + variables * quarters * row_bytes  # each draw's share of the result and the table
        if chunk * (unit + per_chunk_draw) <= free:  # a whole chunk fits: more draws add only their results
            return chunk + int((free - chunk * (unit + per_chunk_draw)) // max(unit, 1))
        return int(free // (unit + per_chunk_draw))

    most = fitting(per_row)
    smallest = f"at most about {_draws(most)} here" if most >= 1 else \
        "not even one draw fits in the memory available now"
    if table and draws * per_draw + working <= free:
        cheaper = ""
        if table == "csv":  # a Parquet file needs a quarter of the memory
            parquet = fitting(TABLE_ROW_BYTES["parquet"])
            if parquet >= draws:
                cheaper = ", or a .parquet file (a quarter of the memory of a .csv)"
            elif parquet > most:
                cheaper = f", or about {_draws(parquet)} with a .parquet file"
        run = "" if held else f" on top of the {_size(draws * per_draw + working)} of the run"
        raise TwosectorError(f"{option}: writing the draws as {table.upper()} ({draws * variables * quarters:,} rows "
                             f"of variable x draw x quarter) needs about {_size(written)}{run}, more than this "
                             f"machine's {_size(free)} available; allowed: {smallest} with {option}{cheaper} (fewer "
                             "variables or a shorter horizon allow more)")
    workers = f", {at_once} chunks at once" if at_once > 1 else ""
    what = (f"{_size(draws * per_draw)} for the result" + (f", {_size(written)} for the table of {option}" if table
                                                           else "")
            + (f", {_size(working)} of working memory at {_draws(min(draws, chunk))} a chunk{workers}" if working
               else ""))
    largest = int((free - draws * per_draw - written) // per_chunk_draw) if per_chunk_draw else 0
    if largest >= 1:  # the result fits: a smaller chunk runs every draw
        raise TwosectorError(f"chunk: {_draws(chunk)} a chunk with {_draws(draws)} of {variables} variable(s) over "
                             f"{quarters} quarters need about {_size(draws * per_draw + written + working)} ({what}), "
                             f"more than this machine's {_size(free)} available; allowed: at most about "
                             f"{_draws(largest)} a chunk here (the draws are the same whatever the chunk)")
    raise TwosectorError(f"draws: {_draws(draws)} of {variables} variable(s) over {quarters} quarters need about "
                         f"{_size(draws * per_draw + written + working)} ({what}), more than this machine's "
                         f"{_size(free)} available; allowed: {smallest} (fewer variables or a shorter horizon allow "
                         "more)")


def _streams(seed: int, block: int) -> dict[str, np.random.Generator]:
    """One generator per source for a block of draws: child ``(block, k)`` of ``SeedSequence(seed)``."""
    return {s: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, k)))
            for k, s in enumerate(SOURCES)}


def _block(seed: int, block: int, sources: tuple[str, ...], x: pd.DataFrame, defaults: pd.Series,
           models: dict[str, risks.RiskModel]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Parameter sets ``(BLOCK, parameters)`` and per-draw exogenous paths of one block (``models``: the risks')."""
    rngs = _streams(seed, block)
    if "parameters" in sources:
        params = priors.draw(rngs["parameters"], BLOCK)[defaults.index].to_numpy(dtype=float)
    else:
        params = np.broadcast_to(defaults.to_numpy(dtype=float), (BLOCK, len(defaults)))
    return params, risks.draw_paths(x, PROJECTION_START, tuple(models), rngs, BLOCK, models)


def montecarlo(
    scenario: ScenarioLike,
    *,
    draws: int = 1000,
    seed: int = 0,
    sources: str | Sequence[str] = SOURCES,
    variables: Sequence[str] | None = DEFAULT_VARIABLES,
    baseline: ScenarioLike = "baseline",
    start: str | pd.Period = DEFAULT_START,
    end: str | pd.Period = DEFAULT_END,
    chunk: int = CHUNK,
    engine: str = "local",
    scheduler: Any = None,
    progress: Callable[[int], Any] | None = None,
) -> MonteCarlo:
    """Run a scenario and its baseline on the same random draws of the uncertain inputs.

    Parameters
    ----------
    scenario : str, path, mapping or Scenario
        As :func:`twosector.simulate`.
    draws : int, default 1000
        Number of draws.
    seed : int, default 0
        Seed (a non-negative integer); the same seed gives the same draws whatever ``chunk`` and ``draws``
        (the first ``k`` draws of a larger run are those of a run of ``k`` draws).
    sources : str or sequence of str, default all of :data:`SOURCES`
        Sources of uncertainty switched on (``()``: none, every draw is the point projection).
    variables : sequence of str, optional
        Variables kept (default :data:`DEFAULT_VARIABLES`; ``None``: every variable, memory permitting).
    baseline : scenario-like, default "baseline"
        The scenario the effects are measured against.
    start, end : str or Period, default 2024Q1 (a year of history), :data:`~twosector.calendar.DEFAULT_END`
        Quarters kept (the model always runs from 2019Q1; plausibility is checked over the whole run); ``end``
        from ``PROJECTION_START`` to :data:`~twosector.calendar.ENSEMBLE_END` (2035Q4, the end of the
        calibration's stability window).
    chunk : int, default :data:`CHUNK`
        Draws per engine call: bounds the memory of the run (not of the result, ``draws x quarters x
        variables x 2`` floats), never changes a number.
    engine : {"local", "dask"}, default "local"
        Where the chunks run (:mod:`twosector.parallel`): in this process, or on a Dask cluster; the numbers are
        the same.
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: the cluster's scheduler address (default: a LocalCluster for the call).
    progress : callable, optional
        Called with the number of draws finished after each chunk (e.g. ``tqdm.update``).

    Returns
    -------
    MonteCarlo

    Raises
    ------
    TwosectorError
        For a bad ``draws``, ``seed``, ``chunk``, ``engine`` or ``scheduler``, an unknown source or variable (with a
        did-you-mean), or a scheduler that cannot be reached.
    ScenarioError, ParameterError, DataError
        For bad scenarios or quarters (as :func:`twosector.simulate`; an ``end`` before ``PROJECTION_START``) or
        data that cannot be estimated.

    Examples
    --------
    >>> mc = montecarlo("input_sanctions", draws=40, seed=1, variables=["strain_index"])
    >>> band = mc.effect("strain_index", q=[0.05, 0.5, 0.95]).loc["2027Q4"]  # index points vs baseline
    >>> bool(band.is_monotonic_increasing)
    True
    """
    n, size, seed = check_count(draws, "draws"), check_count(chunk, "chunk"), check_count(seed, "seed", 0)
    check_engine(engine, scheduler)
    on = _sources(sources)
    names = _check_variables(variables)
    if (e := parse_quarter(end, "end", ScenarioError)) < PROJECTION_START:  # the risks start with the projection
        raise ScenarioError(f"end: {str(e)!r} is before the projection's first quarter {PROJECTION_START}; allowed: "
                            f"{PROJECTION_START} to {ENSEMBLE_END}")
    if e > ENSEMBLE_END:
        raise ScenarioError(f"end: {str(e)!r} is after {ENSEMBLE_END}, the last quarter the calibration checks that "
                            f"the model settles; allowed: {PROJECTION_START} to {ENSEMBLE_END}")
    s, e = _horizon(start, end)
    sc, base = load_scenario(scenario), load_scenario(baseline)
    x = _exog.paths(end=max(e, DATA_CUTOFF))
    x = x.loc[x.index <= e]
    keep = np.asarray(x.index >= s)
    check_memory(n, len(names), int(keep.sum()), chunk=size, at_once=chunks_here(engine, scheduler))
    shared = {"seed": seed, "sources": on, "x": x, "runs": (sc, base), "names": names, "keep": keep}
    bounds = [(a, min(n, a + size)) for a in range(0, n, size)]
    out = {run: {v: np.empty((n, int(keep.sum()))) for v in names} for run in ("scenario", "baseline")}
    bad = {v: np.zeros(n, dtype=bool) for v in BOUNDS}

    def collect(i: int, part: tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]) -> None:
        a, b = bounds[i]  # each chunk goes where it belongs at once: memory for one chunk, not all of them
        for run in out:
            for v in names:
                out[run][v][a:b] = part[0][run][v]
        for v in bad:
            bad[v][a:b] = part[1][v]

    map_chunks(_chunk, shared, [{"first": a, "stop": b} for a, b in bounds], engine=engine, scheduler=scheduler,
               progress=progress, sizes=[b - a for a, b in bounds], collect=collect)
    implausible = np.logical_or.reduce(list(bad.values()))
    reasons = {v: int(b.sum()) for v, b in bad.items()}
    return MonteCarlo(sc.name, base.name, seed, on, x.index[keep], out, implausible, reasons)


def _chunk(seed: int, sources: tuple[str, ...], x: pd.DataFrame, runs: tuple[Scenario, Scenario], names: list[str],
           keep: np.ndarray, first: int, stop: int) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    """Draws ``first`` to ``stop - 1`` of a Monte Carlo: kept values by run and variable, implausible by bound."""
    defaults = default_params()
    blocks = range(first // BLOCK, (stop - 1) // BLOCK + 1)
    models = {s: risks.fit(s) for s in sources if s in risks.RISKS}  # once a chunk, not once a block
    made = [_block(seed, k, sources, x, defaults, models) for k in blocks]
    rows = slice(first - blocks[0] * BLOCK, stop - blocks[0] * BLOCK)
    params = np.concatenate([m[0] for m in made])[rows]
    paths = {c: np.concatenate([m[1][c] for m in made])[rows] for c in made[0][1]}
    n = stop - first
    table = pd.DataFrame(params, columns=defaults.index)
    engine_keep = list(dict.fromkeys(names + list(BOUNDS)))
    values: dict[str, dict[str, np.ndarray]] = {}
    bad = {v: np.zeros(n, dtype=bool) for v in BOUNDS}
    for run, arrays in zip(("scenario", "baseline"), run_draws_together(runs, table, x, engine_keep, paths),
                           strict=True):
        for v, hit in out_of_bounds(arrays).items():
            bad[v] |= hit
        values[run] = {v: arrays[v][:, keep] for v in names}
    return values, bad
