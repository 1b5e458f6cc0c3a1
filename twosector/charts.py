"""Plotly charts for the notebooks and reports: one template, one renderer set-up, a few figure builders.

Every figure built here uses the ``"twosector"`` template (registered on import), shows units on its axes,
a source caption under the plot, the boundary between history (to :data:`HISTORY_END`, the data cut-off of
:mod:`twosector.calendar`) and projection (from the quarter after),
and the same colour for a scenario in every chart (:func:`scenario_colour`).

Figure builders take pandas objects (a quarterly ``PeriodIndex`` is converted to timestamps for the x axis)
and return a :class:`plotly.graph_objects.Figure`; they never compute model results themselves.

Examples
--------
>>> from twosector import charts, simulate
>>> runs = {"baseline": simulate("baseline"), "broad_front": simulate("broad_front")}
>>> fig = charts.paths(runs, ["output_civilian", "strain_index"])   # doctest: +SKIP
>>> charts.save(fig, "output/figures/paths")                         # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import NotebookRenderer
from plotly.subplots import make_subplots

from twosector.calendar import DATA_CUTOFF, MODEL_START, PROJECTION_START, parse_quarter
from twosector.errors import TwosectorError, unknown_name
from twosector.files import atomic_write
from twosector.variables import change_unit
from twosector.variables import label as variable_words
from twosector.variables import units as variable_units

__all__ = [
    "TEMPLATE",
    "DEFAULT_RENDERER",
    "HISTORY_END",
    "SCENARIO_COLOURS",
    "MODEL_SOURCE",
    "MODEL_ONLY",
    "PROJECTION_SOURCE",
    "OBSERVED_SERIES",
    "DERIVED_SERIES",
    "HISTORY_COLOURS",
    "HISTORY_RESIMULATED",
    "observed_history",
    "derived_history",
    "set_renderer",
    "scenario_colour",
    "variable_label",
    "paths",
    "divergence",
    "compare_bars",
    "STRAIN_COLOURS",
    "strain_decomposition",
    "history",
    "sources",
    "fit",
    "FIT_SERIES",
    "outcomes_only",
    "DERIVATION_WORDS",
    "fit_figures",
    "backtest_figure",
    "scoreboard_figure",
    "fan",
    "tornado",
    "heatmap",
    "save",
]

TEMPLATE = "twosector"
DEFAULT_RENDERER = "plotly_mimetype+notebook"
#: Last quarter of the data vintage; projections start the quarter after.
HISTORY_END = DATA_CUTOFF
MODEL_SOURCE = (f"Source: twosector model. Lines to {HISTORY_END} are the model's fitted path (grey, 'model, "
                f"fitted'), not data; observed series from data/ are markers labelled 'data' where data exist.")
#: Caption of charts of model results that have no observed counterpart in the data set.
MODEL_ONLY = (f"Source: twosector model. To {HISTORY_END} the model's fitted path, not data: the data set has no "
              f"observed series for these.")
#: Caption of charts of projections only (scenario vs baseline).
PROJECTION_SOURCE = "Source: twosector model projections (no data: scenario vs baseline)."
#: Model column -> the data series (same unit; see ``data/README.md``) drawn as observed history by :func:`paths`.
OBSERVED_SERIES: dict[str, str] = {
    "gdp_growth": "gdp_growth_q",
    "cpi_inflation": "cpi_yoy_q",
    "key_rate": "key_rate_q",
    "unemployment_rate": "unemployment_q",
    "inflation_expectations": "inflation_expectations_q",
    "oil_gas_revenue": "oil_gas_revenue_q",
    "defence_spending_gdp": "milex_sipri_gdp",
    "budget_balance": "budget_balance_q",
    "budget_balance_gdp": "budget_balance_gdp",
    "nwf_liquid": "nwf_liquid",
    "labour_shortage": "labour_shortage",
    "usd_rub": "usd_rub",
    "realised_urals": "urals_price",
}
#: Model column -> (the data series it is derived from, the derivation in words): observed counterparts the data
#: set holds in another form, derived from outcomes only (plans are never drawn as data), drawn as data by
#: :func:`paths` with the derivation and the years left out in the caption.
DERIVED_SERIES: dict[str, tuple[tuple[str, ...], str]] = {
    "defence_spending": (
        ("milex_sipri_usd", "usd_rub_y", "milex_sipri_growth", "cpi_yoy_q"),
        "SIPRI's military expenditure in rubles, the model's measure (exog.military_expenditure): 2024 in current "
        "USD x the year's average RUB per USD, earlier years back to 2021 spliced with SIPRI's real growth and "
        "the average CPI; a quarter of the annual total (trn RUB per quarter)",
    ),
    "real_disposable_income": (
        ("real_disposable_income_growth",),
        "index 2021 = 100 chained from the annual growth of real disposable income (% y/y, all households, "
        "latest estimates)",
    ),
}
#: The legend of the history quarters of a fan chart (:func:`fan`): the model's, re-simulated on each draw.
HISTORY_RESIMULATED = "model, history re-simulated (not the data)"
#: Colour of the model's fitted history and of the observed data in :func:`paths`.
HISTORY_COLOURS = {"model": "#9a9a9a", "data": "#111111"}

#: Fixed colours for the built-in scenarios, so a scenario looks the same in every chart; none is a grey (the
#: colours of the history, :data:`HISTORY_COLOURS`).
SCENARIO_COLOURS: dict[str, str] = {
    "baseline": "#0b3d91",
    "input_sanctions": "#1f77b4",
    "tech_controls": "#9467bd",
    "skilled_emigration": "#2ca02c",
    "oil_price_cap": "#8c564b",
    "secondary_sanctions": "#17becf",
    "broad_front": "#d62728",
    "sudden_shock": "#ff7f0e",
    "ceasefire": "#b8860b",
    "military": "#8b1a1a",
    "civilian": "#1f5fa8",
}
# Colours for any other name, in order of first use (kept distinct from the fixed ones).
_FALLBACK = ["#e377c2", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]
_assigned: dict[str, str] = {}

def _register_template() -> None:
    base = pio.templates["plotly_white"]
    tpl = go.layout.Template(base)
    tpl.layout.update(
        font=dict(family="Arial, Helvetica, sans-serif", size=13, color="#222"),
        title=dict(x=0.01, xanchor="left", xref="container", font=dict(size=17)),
        colorway=list(SCENARIO_COLOURS.values())[:9] + _FALLBACK,
        legend=dict(orientation="v", yanchor="top", y=1.0, xanchor="left", x=1.02),
        margin=dict(l=70, r=30, t=80, b=100),
        hovermode="x unified",
        xaxis=dict(showline=True, linecolor="#888", ticks="outside"),
        yaxis=dict(showline=True, linecolor="#888", ticks="outside", zerolinecolor="#bbb"),
    )
    pio.templates[TEMPLATE] = tpl


_register_template()


_MATHJAX_CDN = re.compile(r"<script[^>]*src=[\"']https?://[^\"']*mathjax[^\"']*[\"'][^>]*></script>", re.I)


class _OfflineNotebookRenderer(NotebookRenderer):
    """plotly's ``notebook`` renderer without the MathJax ``<script src=CDN>`` it adds to every figure.

    plotly hard-codes ``include_mathjax="cdn"`` there; our charts use no LaTeX, and offline the request can
    only fail, so the tag is dropped (plotly.js itself is embedded once by the renderer's activation).
    """

    def to_mimebundle(self, fig_dict: dict) -> dict:
        bundle = super().to_mimebundle(fig_dict)
        if "text/html" in bundle:
            bundle["text/html"] = _MATHJAX_CDN.sub("", bundle["text/html"])
        return bundle


def _use_offline_notebook_renderer() -> None:
    current = pio.renderers["notebook"]
    if not isinstance(current, _OfflineNotebookRenderer):
        pio.renderers["notebook"] = _OfflineNotebookRenderer(config=getattr(current, "config", None))


def set_renderer(renderer: str | None = None) -> str:
    """Make the twosector template the default and choose an offline plotly renderer.

    The default renderer ``"plotly_mimetype+notebook"`` renders in JupyterLab and embeds plotly.js once in
    the notebook, so charts also appear in HTML exported with nbconvert, offline (no CDN).

    Parameters
    ----------
    renderer : str, optional
        A plotly renderer name. Default: the ``PLOTLY_RENDERER`` environment variable if set, else
        ``"plotly_mimetype+notebook"``.

    Returns
    -------
    str
        The renderer now in use.

    Raises
    ------
    TwosectorError
        If a renderer name is unknown to plotly.
    """
    chosen = renderer or os.environ.get("PLOTLY_RENDERER") or DEFAULT_RENDERER
    for part in chosen.split("+"):
        if part not in pio.renderers:
            raise TwosectorError(unknown_name("plotly renderer", part, list(pio.renderers)))
    _use_offline_notebook_renderer()
    pio.templates.default = TEMPLATE
    pio.renderers.default = chosen
    return chosen


def scenario_colour(name: str) -> str:
    """Return the colour of a scenario: fixed for the built-in names, then a stable fallback cycle.

    Parameters
    ----------
    name : str
        A scenario name (built-in or the user's own).

    Returns
    -------
    str
        A CSS colour: fixed for the names in :data:`SCENARIO_COLOURS`; other names get the next colour of
        a fallback cycle on first use and keep it for the session.

    Raises
    ------
    Nothing of its own.
    """
    if name in SCENARIO_COLOURS:
        return SCENARIO_COLOURS[name]
    if name not in _assigned:
        _assigned[name] = _FALLBACK[len(_assigned) % len(_FALLBACK)]
    return _assigned[name]


def variable_label(name: str, unit: str | None = None) -> str:
    """Return a readable axis label with the unit, e.g. ``"Key rate (% per year)"``.

    Parameters
    ----------
    name : str
        A variable name (any string; underscores become spaces).
    unit : str, optional
        The unit; default the catalogue unit (:func:`twosector.variables.units`), none if unknown.

    Returns
    -------
    str
        E.g. ``"Key rate (% per year)"``.

    Raises
    ------
    Nothing of its own.
    """
    unit = unit if unit is not None else variable_units().get(name, "")
    text = variable_words(name).removeprefix("the ")
    text = text[:1].upper() + text[1:]
    return f"{text} ({unit})" if unit else text


def _x(index: pd.Index) -> pd.Index:
    """Periods -> timestamps for a date axis: start of quarter/month/day, middle of a year.

    An index of periods of mixed frequencies (a frame joining quarterly and annual series has one, of dtype
    object) is converted period by period; plotly cannot serialise a ``Period``.
    """
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr.startswith(("Y", "A")):  # annual values (flows, averages) belong mid-year
            return index.to_timestamp() + pd.DateOffset(months=6)
        return index.to_timestamp()
    if index.dtype == object and len(index) and all(isinstance(p, pd.Period) for p in index):
        return pd.DatetimeIndex([_x(pd.PeriodIndex([p]))[0] for p in index])
    return index


def _boundary(fig: go.Figure, boundary: pd.Period | str | None, rows: int = 1, cols: int = 1) -> None:
    """Shade the projection period lightly and draw a dashed line where it starts."""
    if boundary is None:
        return
    start = pd.Period(boundary, freq="Q").to_timestamp() if not isinstance(boundary, pd.Timestamp) else boundary
    grid = dict(row="all", col="all") if rows * cols > 1 else {}
    fig.add_vrect(x0=start, x1=pd.Timestamp("2100-01-01"), fillcolor="#f2f2f2", opacity=0.6,
                  line_width=0, layer="below", **grid)
    fig.add_vline(x=start, line=dict(color="#999", dash="dash", width=1), **grid)
    fig.add_annotation(
        x=start, y=0.0, xref="x", yref="paper", text=" projection \u2192", showarrow=False,
        xanchor="left", yanchor="bottom", font=dict(size=11, color="#777"),
    )


def _caption(fig: go.Figure, text: str | None) -> None:
    if text:
        extra = text.count("<br>")  # room below the plot for every line of a longer caption
        if extra:
            fig.update_layout(margin=dict(b=100 + 15 * extra))
        fig.add_annotation(
            # a fixed pixel offset below the plot area: below tick labels and axis titles at any height
            text=text, xref="paper", yref="paper", x=0.0, y=0.0, yshift=-58, xanchor="left", yanchor="top",
            showarrow=False, align="left", font=dict(size=11, color="#666"),
        )


def _finish(fig: go.Figure, title: str | None, caption: str | None, height: int) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title=title, height=height)
    _caption(fig, caption)
    return fig


def _x_range(frames: Iterable[pd.DataFrame | pd.Series]) -> list[pd.Timestamp] | None:
    starts, ends = [], []
    for frame in frames:
        x = _x(frame.index)
        if len(x) and isinstance(x, pd.DatetimeIndex):
            starts.append(x.min())
            ends.append(x.max())
    if not starts:
        return None
    return [min(starts), max(ends)]


def _check_results(results: Mapping[str, pd.DataFrame] | pd.DataFrame) -> dict[str, pd.DataFrame]:
    if isinstance(results, pd.DataFrame):
        return {"scenario": results}
    if not isinstance(results, Mapping) or not results:
        raise TwosectorError(
            "results must be a DataFrame or a non-empty mapping of scenario name -> DataFrame, "
            f"got {type(results).__name__}"
        )
    return {str(k): v for k, v in results.items()}


def _check_columns(frame: pd.DataFrame, variables: Sequence[str], what: str) -> None:
    for var in variables:
        if var not in frame.columns:
            raise TwosectorError(unknown_name(f"variable in {what}", var, [str(c) for c in frame.columns]))


def _grid(labels: Sequence[str], ncols: int) -> tuple[go.Figure, int, int]:
    """Small-multiples figure: one panel per label, ``ncols`` per row; returns it with its rows and columns."""
    ncols = max(1, min(ncols, len(labels)))
    nrows = -(-len(labels) // ncols)
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=list(labels), shared_xaxes=True,
                        vertical_spacing=0.12 if nrows > 1 else 0.0, horizontal_spacing=0.08)
    return fig, nrows, ncols


def _close_grid(fig: go.Figure, panels: int, shown: Iterable[pd.DataFrame | pd.Series],
                boundary: str | pd.Period | None, nrows: int, ncols: int) -> None:
    """Projection shading, x range pinned to the data (the shading ends at a far sentinel date), panel titles."""
    _boundary(fig, boundary, nrows, ncols)
    fig.update_xaxes(range=_x_range(shown))
    for annotation in fig.layout.annotations[:panels]:
        annotation.font = dict(size=12)


def observed_history(variables: Sequence[str], data: Any = None) -> dict[str, pd.Series]:
    """The observed series of model variables, up to the end of the data (:data:`HISTORY_END`).

    Parameters
    ----------
    variables : sequence of str
        Model columns; those without an entry in :data:`OBSERVED_SERIES` or :data:`DERIVED_SERIES` are skipped.
    data : optional
        The data (see :func:`twosector.estimation.load_inputs`); default the data folder in use. The derived
        series (:func:`derived_history`) are read from a data folder only, not from a mapping of series.

    Returns
    -------
    dict of str to Series
        Model column -> the observed series (its own frequency; ``attrs`` name the publishers, and a derived
        series' ``caption`` its derivation), only for the variables with observations up to :data:`HISTORY_END`
        (later plans and outcomes are cut), in the order of ``variables``.

    Raises
    ------
    DataError
        If the data are missing or invalid.
    """
    from twosector.estimation import load_inputs

    wanted = {v: OBSERVED_SERIES[v] for v in variables if v in OBSERVED_SERIES}
    loaded = load_inputs(data, HISTORY_END, ids=tuple(dict.fromkeys(wanted.values()))) if wanted else {}
    found = {v: loaded[sid] for v, sid in wanted.items() if len(loaded[sid].dropna())}
    if not isinstance(data, Mapping):  # a mapping of series ids holds no derivation's inputs
        found.update({v: derived_history(v, data) for v in variables if v in DERIVED_SERIES and v not in found})
    return {v: found[v] for v in variables if v in found}


def _outcomes(name: str, data: Any) -> pd.Series:
    """An annual series of the data set, outcomes only (no plan rows), to the year of :data:`HISTORY_END`."""
    from twosector import data as tsdata

    s = tsdata.series(name, **({} if data is None else {"path": data}))
    keep = [p for p in s.index if s.attrs["vintages"][str(p)] != "plan" and p.year <= HISTORY_END.year]
    out = s.loc[keep]
    out.attrs = {key: ({str(p): s.attrs[key][str(p)] for p in keep} if isinstance(s.attrs.get(key), Mapping)
                       else s.attrs.get(key)) for key in ("source_publisher", "verified", "vintages", "unit")}
    return out


def derived_history(variable: str, data: Any = None) -> pd.Series:
    """The observed counterpart of a :data:`DERIVED_SERIES` variable, derived from the data set's outcomes.

    Parameters
    ----------
    variable : str
        ``"defence_spending"`` (the model's measure, :func:`twosector.exog.military_expenditure`, / 4, the
        years 2021 to the data's end) or
        ``"real_disposable_income"`` (2021 = 100, chained from ``real_disposable_income_growth`` up to
        its first missing year).
    data : path-like, optional
        The data folder (default: the one in use); ``defence_spending`` is computed from it as the model computes
        its measure (:func:`twosector.exog.military_expenditure` of that folder).

    Returns
    -------
    pd.Series
        Annual values (``PeriodIndex`` of years) in the model variable's unit, to the year of :data:`HISTORY_END`;
        ``attrs``: ``source_publisher`` and ``verified`` per input and year (keys ``"<series> <year>"``),
        ``caption`` (the derivation, the publishers, the years left out and any unverified input).

    Raises
    ------
    TwosectorError
        For a variable without a derivation (with a did-you-mean).
    DataError
        If the data cannot be read.
    """
    if variable not in DERIVED_SERIES:
        raise TwosectorError(unknown_name("variable with a derived observed series", variable, list(DERIVED_SERIES)))
    ids, how = DERIVED_SERIES[variable]
    parts = {i: _outcomes(i, data) for i in ids}
    notes = []
    if variable == "defence_spending":
        from twosector.exog import military_expenditure

        milex = military_expenditure(data=data)  # outcomes only: the years of the data, not the budget laws
        milex = milex[milex.index <= HISTORY_END.year]
        out = pd.Series(milex.to_numpy() / 4.0, index=pd.PeriodIndex([str(y) for y in milex.index], freq="Y"))
    else:
        growth = parts[ids[0]]
        years = pd.period_range(pd.Period("2022", freq="Y"), pd.Period(str(HISTORY_END.year), freq="Y"), freq="Y")
        steps = growth.reindex(years)
        steps = steps[: int(steps.isna().to_numpy().argmax()) if steps.isna().any() else len(steps)]
        out = pd.concat([pd.Series([100.0], index=pd.PeriodIndex(["2021"], freq="Y")),
                         100.0 * (1.0 + steps / 100.0).cumprod()])
    inputs = {f"{i} {p}": (v.attrs["source_publisher"][str(p)], v.attrs["verified"][str(p)])
              for i, v in parts.items() for p in v.index}
    unverified = [key for key, (_, flag) in inputs.items() if flag != "yes"]
    if unverified:
        notes.append(f"unverified input ({', '.join(unverified)}: see data/README.md)")
    out.name = variable
    out.attrs = {"source_publisher": {k: pub for k, (pub, _) in inputs.items()},
                 "verified": {k: flag for k, (_, flag) in inputs.items()}}
    words = variable_words(variable)
    text = (f"{words[:1].upper()}{words[1:]} (data): {how}" + "".join(f"; {n}" for n in notes)
            + ". " + sources(out))
    out.attrs["caption"] = "<br>".join(textwrap.wrap(text, 150))  # a caption line does not wrap by itself
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.shape == b.shape and a.index.equals(b.index) and np.allclose(a.to_numpy(float), b.to_numpy(float),
                                                                          equal_nan=True)


def _history_split(frame: pd.DataFrame, boundary: str | pd.Period | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fitted history (to the boundary) and the projection (from the last history quarter, so lines join)."""
    if boundary is None or not isinstance(frame.index, pd.PeriodIndex):
        return frame.iloc[0:0], frame
    first = parse_quarter(boundary, "boundary")
    return frame.loc[: first - 1], frame.loc[first - 1:]


def paths(
    results: Mapping[str, pd.DataFrame] | pd.DataFrame,
    variables: Sequence[str],
    *,
    title: str | None = None,
    ncols: int = 2,
    start: str | pd.Period | None = MODEL_START,
    boundary: str | pd.Period | None = PROJECTION_START,
    caption: str | None = None,
    height_per_row: int = 260,
    observed: Mapping[str, pd.Series] | None | bool = True,
) -> go.Figure:
    """Small multiples: one panel per variable, one line per scenario (scenario colours fixed).

    Before ``boundary`` the lines are the model's fitted path, drawn in grey and named ``model, fitted``;
    observed series (``observed``) are drawn over it as markers named ``data``; from ``boundary`` on each
    scenario has its own colour.

    Parameters
    ----------
    results : mapping of str to DataFrame, or DataFrame
        Scenario name -> ``simulate()`` result (quarterly ``PeriodIndex``, one column per variable).
    variables : sequence of str
        Columns to plot, one panel each.
    title : str, optional
        Figure title.
    ncols : int, default 2
        Panels per row.
    start : str or Period, optional
        First quarter shown (default :data:`~twosector.calendar.MODEL_START`); ``None`` shows everything.
    boundary : str or Period, optional
        First projection quarter, marked by a dashed line and shading (default
        :data:`~twosector.calendar.PROJECTION_START`); ``None`` for none (every line in its scenario colour).
    caption : str, optional
        Source caption under the plot; default :data:`MODEL_SOURCE` followed by the publishers of the data drawn
        and the panels without observed data.
    height_per_row : int, default 260
        Pixel height of each row of panels.
    observed : bool or mapping of str to Series, default True
        ``True``: the observed series of :data:`OBSERVED_SERIES` (read with :func:`observed_history`);
        a mapping: variable -> observed series; ``False`` or ``None``: no data drawn.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        If ``results`` is neither a DataFrame nor a non-empty mapping of them, or a variable is not a column
        (with a did-you-mean), or ``variables`` is empty.
    DataError
        If ``observed`` is true and the data cannot be read.
    """
    runs = _check_results(results)
    variables = list(variables)
    if not variables:
        raise TwosectorError("variables must name at least one column to plot, got an empty list")
    for name, frame in runs.items():
        _check_columns(frame, variables, f"results[{name!r}]")
    data_series = (observed_history(variables) if observed is True else
                   {k: v for k, v in dict(observed or {}).items() if k in variables})
    units = variable_units()
    fig, nrows, ncols = _grid([variable_label(v, units.get(v, "")) for v in variables], ncols)
    shown = []
    histories: list[pd.DataFrame] = []  # fitted histories drawn: runs of the same history share one line
    for name, frame in runs.items():
        data = frame.loc[parse_quarter(start, "start"):] if start and isinstance(frame.index, pd.PeriodIndex) else frame
        shown.append(data)
        fitted, projected = _history_split(data, boundary)
        fitted = fitted[variables]
        new_history = len(fitted) > 0 and not any(_same(h, fitted) for h in histories)
        for i, var in enumerate(variables):
            cell = dict(row=i // ncols + 1, col=i % ncols + 1)
            if new_history:
                fig.add_trace(go.Scatter(
                    x=_x(fitted.index), y=fitted[var].to_numpy(dtype=float), name="model, fitted",
                    legendgroup="model, fitted", showlegend=not histories and i == 0, mode="lines",
                    line=dict(color=HISTORY_COLOURS["model"], width=1.8),
                    hovertemplate="model, fitted: %{y:.2f}<extra></extra>"), **cell)
            fig.add_trace(
                go.Scatter(
                    x=_x(projected.index), y=projected[var].to_numpy(dtype=float), name=name, legendgroup=name,
                    showlegend=i == 0, mode="lines",
                    line=dict(color=scenario_colour(name), width=2.2 if name != "baseline" else 1.8,
                              dash="solid" if name != "baseline" else "dot"),
                    hovertemplate=f"{name}: %{{y:.2f}}<extra></extra>",
                ),
                **cell,
            )
        if new_history:
            histories.append(fitted)
    data_shown = False
    for i, var in enumerate(variables):
        if var not in data_series:
            continue
        obs = outcomes_only(data_series[var]).dropna()
        if start is not None and isinstance(obs.index, pd.PeriodIndex):
            obs = obs[obs.index.start_time >= parse_quarter(start, "start").start_time]
        fig.add_trace(go.Scatter(
            x=_data_x(obs.index), y=obs.to_numpy(dtype=float), name="data", legendgroup="data",
            showlegend=not data_shown, mode="markers",
            marker=dict(color=HISTORY_COLOURS["data"], size=6, symbol="circle-open"),
            hovertemplate="data: %{y:.2f}<extra></extra>"), row=i // ncols + 1, col=i % ncols + 1)
        data_shown = True
    _close_grid(fig, len(variables), shown, boundary, nrows, ncols)
    if caption is None:
        caption = _history_caption(variables, data_series)
    return _finish(fig, title, caption, 120 + nrows * height_per_row)


#: derivations of the data set (``source_page`` of a derived row) whose values are not observations of the
#: quarter they are drawn at, in words for a caption (data/README.md documents each)
DERIVATION_WORDS = {
    "interpolate_monthly": "months without an observation interpolated linearly between observed ones (in 2020-21 "
                           "between December anchors), then averaged by quarter",
    "annual_to_quarterly(method='equal')": "annual totals / 4 at each quarter, not quarterly observations",
    "annual_to_quarterly(method='linear')": "annual values interpolated linearly where the monthly data are missing",
    "fill_missing_quarter": "a missing quarter filled by interpolation",
}


def outcomes_only(series: pd.Series) -> pd.Series:
    """A data series without its plan rows (vintage ``plan``): plans are never drawn as data.

    Parameters
    ----------
    series : Series
        From :func:`twosector.series` (``attrs["vintages"]`` by period; a series without it is returned as is).

    Returns
    -------
    Series
        The rows of other vintages, attrs kept.

    Raises
    ------
    Nothing of its own.
    """
    vintages = series.attrs.get("vintages")
    if not isinstance(vintages, Mapping):
        return series
    out = series[[vintages.get(str(p)) != "plan" for p in series.index]]
    out.attrs = series.attrs
    return out


def _data_x(index: pd.Index) -> pd.Index:
    """Like :func:`_x`, but a stock observed at a date is drawn at its quarter.

    There the model's end-of-quarter stock of that quarter is drawn (the NWF observed on the last day of a
    quarter at that quarter).
    """
    if isinstance(index, pd.PeriodIndex) and index.freqstr.startswith("D"):
        return index.asfreq("Q").to_timestamp()
    return _x(index)


def _derivations(data_series: Mapping[str, pd.Series]) -> list[str]:
    """Caption lines for observed series some of whose values are derived rather than observed."""
    lines = []
    for var, series in data_series.items():
        verified, pages = series.attrs.get("verified"), series.attrs.get("source_page")
        if not isinstance(verified, Mapping) or not isinstance(pages, Mapping):
            continue
        used = {str(p) for p in series.index}
        methods = {str(pages.get(p, "")) for p, flag in verified.items() if flag == "derived" and p in used}
        words = [text for key, text in DERIVATION_WORDS.items() if any(key in m for m in methods)]
        if words:
            lines.append(f"{variable_label(var, '')} data: {'; '.join(words)} (data/README.md).")
    return lines


def _history_caption(variables: Sequence[str], data_series: Mapping[str, pd.Series]) -> str:
    """:data:`MODEL_SOURCE`, the data's publishers, how derived values were made, panels without data."""
    lines = [MODEL_SOURCE]
    direct = [v for k, v in data_series.items() if "caption" not in v.attrs]
    if direct:
        lines.append(sources(*direct, prefix="Data", plural="Data"))
    lines += [v.attrs["caption"] for v in data_series.values() if "caption" in v.attrs]
    lines += _derivations(data_series)
    missing = [variable_label(v, "") for v in variables if v not in data_series]
    if missing:
        lines.append(f"No observed series in the data set for: {', '.join(missing)} (model only).")
    return "<br>".join(lines)


def divergence(
    results: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    pairs: Sequence[tuple[str, str]] = (("output_military", "output_civilian"), ("wage_military", "wage_civilian")),
    title: str | None = "The two economies: military vs civilian",
    start: str | pd.Period | None = MODEL_START,
    boundary: str | pd.Period | None = PROJECTION_START,
    caption: str | None = MODEL_ONLY,
) -> go.Figure:
    """Military vs civilian side by side: one panel per (military, civilian) pair of columns.

    The military series is drawn in dark red, the civilian in blue; with several scenarios the line
    style distinguishes them (solid for the first, then dashed, dotted...), named in the legend. With a
    ``boundary``, the scenarios' traces start at the last quarter before it and the history before it (the
    model's fitted path, the same in every run) is drawn once, faint, as "model's fitted history".

    Parameters
    ----------
    results : mapping of str to DataFrame, or DataFrame
        Scenario name -> ``simulate()`` result.
    pairs : sequence of (str, str)
        ``(military column, civilian column)`` per panel.
    title, start, boundary, caption
        As in :func:`paths`.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        If ``results`` is neither a DataFrame nor a non-empty mapping of them, or a variable is not a column
        (with a did-you-mean).
    """
    runs = _check_results(results)
    pairs = [(mil, civ) for mil, civ in pairs]
    cols = [c for p in pairs for c in p]
    for name, frame in runs.items():
        _check_columns(frame, cols, f"results[{name!r}]")
    units = variable_units()
    titles = [variable_label(a.replace("_military", ""), units.get(a, "")) for a, _ in pairs]
    fig = make_subplots(rows=1, cols=len(pairs), subplot_titles=titles, horizontal_spacing=0.08)
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    shown = []
    periods = all(isinstance(frame.index, pd.PeriodIndex) for frame in runs.values())
    cut = parse_quarter(boundary, "boundary") if boundary is not None and periods else None
    for k, (name, frame) in enumerate(runs.items()):
        data = frame.loc[parse_quarter(start, "start"):] if start and isinstance(frame.index, pd.PeriodIndex) else frame
        shown.append(data)
        traces = [(data, name, dashes[k % len(dashes)], 2.2, 1.0)]
        if cut is not None:  # the history is the model's fitted path, the same in every run: drawn once, as such
            traces = [(data.loc[cut - 1:], name, dashes[k % len(dashes)], 2.2, 1.0)]
            if k == 0:
                traces.append((data.loc[:cut - 1], "model's fitted history", "solid", 1.6, 0.45))
        for part, who, dash, width, opacity in traces:
            for i, (mil, civ) in enumerate(pairs):
                for col, sector in ((mil, "military"), (civ, "civilian")):
                    label = sector if len(runs) == 1 and cut is None else f"{sector}, {who}"
                    fig.add_trace(
                        go.Scatter(
                            x=_x(part.index), y=part[col].to_numpy(dtype=float), name=label, legendgroup=label,
                            showlegend=i == 0, mode="lines", opacity=opacity,
                            line=dict(color=SCENARIO_COLOURS[sector], dash=dash, width=width),
                            hovertemplate=f"{label}: %{{y:.1f}}<extra></extra>",
                        ),
                        row=1, col=i + 1,
                    )
    _boundary(fig, boundary, 1, len(pairs))
    fig.update_xaxes(range=_x_range(shown))
    for annotation in fig.layout.annotations[: len(pairs)]:
        annotation.font = dict(size=12)
    return _finish(fig, title, caption, 440)


def compare_bars(
    values: pd.Series | pd.DataFrame,
    *,
    title: str | None = None,
    unit: str = "",
    caption: str | None = PROJECTION_SOURCE,
    orientation: str = "h",
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """Bars per scenario: a Series (scenario -> value) or a DataFrame (scenario rows x measure columns).

    Parameters
    ----------
    values : Series or DataFrame
        Index: scenario names (each bar gets its scenario colour). A DataFrame gives one panel per column.
    title : str, optional
        Figure title.
    unit : str
        Axis label of the values (the unit); for a DataFrame the column names label the panels.
    caption : str, optional
        Source caption.
    orientation : {"h", "v"}
        Horizontal (default, readable with long names) or vertical bars.
    colours : mapping of str to str, optional
        Bar colour per index label (default: :func:`scenario_colour`).

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        For an orientation other than ``"h"`` or ``"v"``, or an empty table.
    """
    if orientation not in ("h", "v"):
        raise TwosectorError(f"orientation must be 'h' or 'v', got {orientation!r}")
    frame = values.to_frame(name=values.name or unit or "value") if isinstance(values, pd.Series) else values
    if frame.empty:
        raise TwosectorError("compare_bars needs at least one value, got an empty table")
    names = [str(i) for i in frame.index]
    colours_ = [(colours or {}).get(n) or scenario_colour(n) for n in names]
    fig = make_subplots(rows=1, cols=frame.shape[1], subplot_titles=[str(c) for c in frame.columns],
                        horizontal_spacing=0.12)
    for i, col in enumerate(frame.columns):
        y = frame[col].to_numpy(dtype=float)
        bar = (go.Bar(y=names, x=y, orientation="h") if orientation == "h" else go.Bar(x=names, y=y))
        hover = "%{y}: %{x:.2f}<extra></extra>" if orientation == "h" else "%{x}: %{y:.2f}<extra></extra>"
        bar.update(marker_color=colours_, showlegend=False, name=str(col), hovertemplate=hover)
        fig.add_trace(bar, row=1, col=i + 1)
    if frame.shape[1] == 1:
        fig.layout.annotations = ()
    if unit:
        (fig.update_xaxes if orientation == "h" else fig.update_yaxes)(title_text=unit)
    if orientation == "h":
        fig.update_yaxes(autorange="reversed")
    height = max(320, 140 + 34 * len(names)) if orientation == "h" else 440
    return _finish(fig, title, caption, height)


#: Fixed colours for the strain components of :func:`strain_decomposition`.
STRAIN_COLOURS: dict[str, str] = {
    "income": "#1f5fa8", "output": "#6baed6", "inflation": "#e6550d", "credit": "#fdae6b",
    "labour": "#31a354", "wage_gap": "#8b1a1a", "fiscal": "#756bb1",
}


def strain_decomposition(
    result: pd.DataFrame,
    baseline: pd.DataFrame | None = None,
    *,
    title: str | None = "Strain index and its components",
    start: str | pd.Period | None = MODEL_START,
    boundary: str | pd.Period | None = PROJECTION_START,
    caption: str | None = MODEL_ONLY,
) -> go.Figure:
    """Stacked contributions of the strain components with the strain index as a line.

    The bars of a quarter add up to the index (``strain_<component>_contribution`` columns, see
    ``docs/model.md``, Strain); positive and negative contributions stack away from zero.

    Parameters
    ----------
    result : DataFrame
        A ``simulate()`` result (quarterly ``PeriodIndex``) with ``strain_index`` and the
        ``strain_<component>_contribution`` columns.
    baseline : DataFrame, optional
        A baseline result of the same layout: the chart then shows ``result`` minus ``baseline`` (what the
        scenario adds to strain, and through which component).
    title, start, boundary, caption
        As in :func:`paths`.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per component (named after it) and one line trace, ``strain index``.

    Raises
    ------
    TwosectorError
        If ``result`` (or ``baseline``) is not a DataFrame with ``strain_index`` and at least one contribution
        column, or ``baseline`` has other contribution columns.
    """
    frames = {"result": result} if baseline is None else {"result": result, "baseline": baseline}
    parts: list[str] = []
    for what, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            raise TwosectorError(f"{what} must be a simulate() DataFrame, got {type(frame).__name__}")
        found = [c for c in frame.columns if re.fullmatch(r"strain_.+_contribution", str(c))]
        _check_columns(frame, ["strain_index"], what)
        if not found:
            raise TwosectorError(f"{what} has no strain_<component>_contribution columns: not a simulate() result")
        if parts and found != parts:
            raise TwosectorError(f"baseline has the strain contributions {found}, the result {parts}")
        parts = found
    cols = [*parts, "strain_index"]
    data = result[cols] if baseline is None else result[cols] - baseline[cols].reindex(result.index)
    if start is not None and isinstance(data.index, pd.PeriodIndex):
        data = data.loc[parse_quarter(start, "start"):]
    x = _x(data.index)
    fig = go.Figure()
    for col in parts:
        name = col.removeprefix("strain_").removesuffix("_contribution")
        fig.add_trace(go.Bar(
            x=x, y=data[col].to_numpy(dtype=float), name=name.replace("_", " "),
            marker_color=STRAIN_COLOURS.get(name, scenario_colour(name)),
            hovertemplate=f"{name}: %{{y:.2f}}<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=x, y=data["strain_index"].to_numpy(dtype=float), name="strain index", mode="lines",
        line=dict(color="#111", width=2.4), hovertemplate="strain index: %{y:.2f}<extra></extra>",
    ))
    _boundary(fig, boundary)
    unit = variable_units().get("strain_index", "")
    label = f"Contribution ({unit})" if baseline is None else f"Contribution vs baseline ({unit})"
    fig.update_layout(barmode="relative", bargap=0.15)
    fig.update_yaxes(title_text=label, zeroline=True, zerolinecolor="#999")
    fig.update_xaxes(range=_x_range([data]))
    return _finish(fig, title, caption, 460)


def sources(*series: pd.Series, prefix: str = "Source", plural: str | None = None) -> str:
    """A caption naming the publishers of data series, from their ``attrs["source_publisher"]``.

    Parameters
    ----------
    *series : Series
        Series from :func:`twosector.series` (their attrs carry the publisher of every value).
    prefix : str, default "Source"
        The caption's first word.
    plural : str, optional
        The first word when there are several publishers; default ``prefix + "s"`` ("Data" stays "Data").

    Returns
    -------
    str
        E.g. ``"Sources: Bank of Russia, Rosstat (data/*.csv; pages in data_summary())."``

    Raises
    ------
    Nothing of its own.
    """
    names: list[str] = []
    for s in series:
        publishers = s.attrs.get("source_publisher", {})
        values = publishers.values() if isinstance(publishers, Mapping) else [publishers]
        for name in values:
            # derived series name their origin in brackets: keep the publisher only
            name = str(name).split(" (")[0].strip()
            if name and name not in names:
                names.append(name)
    if not names:
        return f"{prefix}: twosector data set (data/*.csv)."
    label = (plural or prefix + "s") if len(names) > 1 else prefix
    return f"{label}: {', '.join(sorted(names))} (data/*.csv; pages in data_summary())."


def history(
    data: pd.Series | pd.DataFrame | Mapping[str, pd.Series],
    *,
    title: str | None = None,
    unit: str = "",
    caption: str | None = "Source: twosector data set (data/*.csv); see each series' publisher in data_summary().",
    colours: Mapping[str, str] | None = None,
    markers: bool = False,
    steps: Sequence[str] = (),
) -> go.Figure:
    """Line chart of observed series (quarterly, monthly or annual) in one panel with one unit.

    Parameters
    ----------
    data : Series, DataFrame or mapping of str to Series
        The series to draw; each gets a line named after its column/key.
    title : str, optional
        Figure title.
    unit : str
        The y-axis label (the common unit of the series).
    caption : str, optional
        Source caption.
    colours : mapping of str to str, optional
        Line colour per series name (default: the template's colour cycle).
    markers : bool, default False
        Draw markers too (useful for sparse, e.g. annual, series).
    steps : sequence of str
        Series drawn as steps (a value holds until the next one, e.g. policy-rate decisions).

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        If ``data`` is not a Series, DataFrame or mapping of Series, or holds no series.
    """
    if isinstance(data, pd.Series):
        items = {str(data.name or unit or "value"): data}
    elif isinstance(data, pd.DataFrame):
        items = {str(c): data[c] for c in data.columns}
    elif isinstance(data, Mapping):
        items = {str(k): v for k, v in data.items()}
    else:
        raise TwosectorError(f"data must be a Series, DataFrame or mapping of Series, got {type(data).__name__}")
    if not items:
        raise TwosectorError("history needs at least one series, got none")
    fig = go.Figure()
    for name, s in items.items():
        s = s.dropna()
        line = dict(color=colours[name]) if colours and name in colours else {}
        if name in steps:
            line["shape"] = "hv"
        fig.add_trace(go.Scatter(x=_x(s.index), y=s.to_numpy(dtype=float), name=name,
                                 mode="lines+markers" if markers else "lines", line=line,
                                 hovertemplate=f"{name}: %{{y:.2f}}<extra></extra>"))
    fig.update_yaxes(title_text=unit)
    fig.update_layout(showlegend=True)
    return _finish(fig, title, caption, 420)


def fit(
    model: pd.DataFrame,
    observed: Mapping[str, pd.Series],
    *,
    title: str | None = "Model vs data",
    ncols: int = 2,
    start: str | pd.Period | None = MODEL_START,
    end: str | pd.Period | None = DATA_CUTOFF,
    caption: str | None = "Source: twosector model (calibrated baseline) and the sourced data set (data/*.csv).",
    height_per_row: int = 250,
) -> go.Figure:
    """Model vs data: one panel per variable, the model's path as a line and the observations as markers.

    Parameters
    ----------
    model : DataFrame
        A ``simulate()`` result (quarterly ``PeriodIndex``).
    observed : mapping of str to Series
        Model column -> the observed series to compare with (any frequency; drawn at its own dates).
    title, ncols, start, caption, height_per_row
        As in :func:`paths`.
    end : str or Period, optional
        Last quarter shown (default :data:`~twosector.calendar.DATA_CUTOFF`, the end of the data).

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        If ``observed`` is empty or names a variable that is not a column of ``results``.
    """
    variables = list(observed)
    if not variables:
        raise TwosectorError("fit needs at least one observed series, got none")
    _check_columns(model, variables, "model")
    data = model
    if isinstance(model.index, pd.PeriodIndex):
        data = model.loc[parse_quarter(start, "start") if start else None: parse_quarter(end, "end") if end else None]
    ncols = max(1, min(ncols, len(variables)))
    nrows = -(-len(variables) // ncols)
    units = variable_units()
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[variable_label(v, units.get(v, "")) for v in variables],
                        vertical_spacing=0.14 if nrows > 1 else 0.0, horizontal_spacing=0.08)
    for i, var in enumerate(variables):
        row, col = i // ncols + 1, i % ncols + 1
        fig.add_trace(go.Scatter(x=_x(data.index), y=data[var].to_numpy(dtype=float), name="model", legendgroup="model",
                                 showlegend=i == 0, mode="lines",
                                 line=dict(color=SCENARIO_COLOURS["baseline"], width=2),
                                 hovertemplate="model: %{y:.2f}<extra></extra>"), row=row, col=col)
        obs = outcomes_only(observed[var]).dropna()
        if end is not None and isinstance(obs.index, pd.PeriodIndex):  # nothing after the model's last quarter
            obs = obs[obs.index.start_time <= parse_quarter(end, "end").end_time]
        fig.add_trace(go.Scatter(x=_data_x(obs.index), y=obs.to_numpy(dtype=float), name="data", legendgroup="data",
                                 showlegend=i == 0, mode="markers",
                                 marker=dict(color=SCENARIO_COLOURS["broad_front"], size=7, symbol="circle-open"),
                                 hovertemplate="data: %{y:.2f}<extra></extra>"), row=row, col=col)
    for annotation in fig.layout.annotations[: len(variables)]:
        annotation.font = dict(size=12)
    fig.update_xaxes(range=_x_range([data]))  # the same dates in every panel
    if caption is not None:
        notes = _derivations(observed)
        caption = "<br>".join([caption, "Plans (vintage 'plan') are not drawn as data.", *notes])
    return _finish(fig, title, caption, 120 + nrows * height_per_row)


#: model column -> (data series, title) of the model-vs-data charts of the calibration
FIT_SERIES: dict[str, tuple[str, str]] = {
    "gdp_growth": ("gdp_growth_q", "Real GDP growth"),
    "cpi_inflation": ("cpi_yoy_q", "CPI inflation"),
    "key_rate": ("key_rate_q", "Key rate"),
    "unemployment_rate": ("unemployment_q", "Unemployment rate"),
}


def fit_figures(results: pd.DataFrame, data: Any = None) -> dict[str, go.Figure]:
    """Plotly figures of the calibrated baseline against the data, one per key series.

    Parameters
    ----------
    results : pd.DataFrame
        A baseline simulation (quarterly PeriodIndex).
    data : optional
        The data (see :func:`twosector.estimation.load_inputs`); default the shipped data.

    Returns
    -------
    dict of str to plotly.graph_objects.Figure
        ``fit_<variable>`` for each of :data:`FIT_SERIES`, plus ``fit_annual`` (annual GDP growth,
        unemployment and oil and gas revenue, model vs data).

    Raises
    ------
    DataError
        If the data are missing or invalid (see :func:`twosector.estimation.load_inputs`).
    TwosectorError
        If ``results`` lacks a fitted variable.
    """
    from twosector.estimation import load_inputs

    obs = load_inputs(data, DATA_CUTOFF, ids=tuple(s for s, _ in FIT_SERIES.values())
                      + ("gdp_growth", "unemployment", "oil_gas_revenue"))
    figs: dict[str, go.Figure] = {
        f"fit_{var}": fit(results, {var: obs[sid]}, title=f"{title}: model vs data", end=None)
        for var, (sid, title) in FIT_SERIES.items()
    }
    annual = {
        "GDP growth, % (annual mean of y/y)": (results["gdp_growth"], obs["gdp_growth"], "mean"),
        "Unemployment, % (annual average)": (results["unemployment_rate"], obs["unemployment"], "mean"),
        "Oil and gas revenue, trn RUB": (results["oil_gas_revenue"], obs["oil_gas_revenue"], "sum"),
    }
    fig = go.Figure()
    for k, (label, (m, d, how)) in enumerate(annual.items()):
        m = m[m.index.year <= 2024]
        ma = m.groupby(m.index.year).agg(how)
        colour = SCENARIO_COLOURS[["military", "civilian", "oil_price_cap"][k]]
        fig.add_trace(go.Bar(x=[str(y) for y in ma.index], y=ma.to_numpy(), name=f"model: {label}",
                             marker_color=colour, opacity=0.55))
        fig.add_trace(go.Scatter(x=[str(p.year) for p in d.index], y=d.to_numpy(), name=f"data: {label}",
                                 mode="markers", marker=dict(color=colour, size=10, symbol="diamond")))
    fig.update_layout(template=TEMPLATE, barmode="group", height=450,
                      title="Annual aggregates: calibrated baseline (bars) vs data (diamonds)")
    figs["fit_annual"] = fig
    return figs


def backtest_figure(errors: pd.DataFrame) -> go.Figure:
    """Plotly figure: forecast error by horizon, one panel per variable, one line per cut-off.

    Parameters
    ----------
    errors : pd.DataFrame
        The output of :func:`twosector.backtesting.backtest`.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    Nothing of its own.
    """
    from twosector.backtesting import BACKTEST_VARIABLES

    variables = list(BACKTEST_VARIABLES)
    fig = make_subplots(rows=2, cols=2, subplot_titles=[variable_label(v) for v in variables])
    for k, var in enumerate(variables):
        r, c = divmod(k, 2)
        sub = errors[errors["variable"] == var]
        for cut, part in sub.groupby("cutoff", sort=True):
            fig.add_trace(go.Scatter(
                x=part["h"], y=part["error"], mode="lines+markers", name=f"cut-off {cut}",
                legendgroup=cut, showlegend=(k == 0), line=dict(color=scenario_colour(f"cut-off {cut}")),
            ), row=r + 1, col=c + 1)
        fig.add_hline(y=0, line=dict(color="#999", width=1), row=r + 1, col=c + 1)
        fig.update_xaxes(title_text="quarters ahead", dtick=1, row=r + 1, col=c + 1)
        fig.update_yaxes(title_text="forecast - actual (pp)", row=r + 1, col=c + 1)
    fig.update_layout(template=TEMPLATE, height=650,
                      title="Backtest: forecast errors by horizon (re-estimated and re-calibrated at each cut-off)")
    return fig


def scoreboard_figure(
    board: pd.DataFrame,
    *,
    title: str | None = "Forecast scoreboard: errors of next-year forecasts (forecast - outcome)",
    caption: str | None = ("Source: twosector model re-calibrated at each cut-off; professional forecasts from "
                           "data/forecasts/forecasts.csv, outcomes from the data set in data/ (sources in each "
                           "row; data/README.md)."),
) -> go.Figure:
    """Plotly figure of the forecast scoreboard's errors by variable and target year.

    The model's two rows and the median forecaster as bars, each professional forecaster as a grey marker.

    Parameters
    ----------
    board : pd.DataFrame
        The output of :func:`twosector.scoreboard.forecast_scoreboard`.
    title, caption : str or None
        Figure title and the source caption under the plot.

    Returns
    -------
    plotly.graph_objects.Figure
        One panel per variable (its unit on the y axis), target years on the x axis.

    Raises
    ------
    TwosectorError
        If ``board`` lacks the scoreboard's columns.
    """
    from twosector.data import FORECAST_VARIABLES
    from twosector.scoreboard import (
        INFORMATION_SET,
        MEDIAN_FORECASTER,
        REALISED_EXOGENOUS,
        SCOREBOARD_VARIABLES,
        check_board,
    )

    check_board(board, "scoreboard_figure")
    variables = [v for v in SCOREBOARD_VARIABLES if v in set(board["variable"])]
    ncols = 2 if len(variables) > 1 else 1
    nrows = max(1, -(-len(variables) // ncols))
    fig = make_subplots(rows=nrows, cols=ncols, subplot_titles=[FORECAST_VARIABLES[v][1] for v in variables],
                        vertical_spacing=0.16 if nrows > 1 else 0.0, horizontal_spacing=0.1)
    bars = {INFORMATION_SET: SCENARIO_COLOURS["military"], REALISED_EXOGENOUS: SCENARIO_COLOURS["civilian"],
            MEDIAN_FORECASTER: SCENARIO_COLOURS["baseline"]}
    for i, var in enumerate(variables):
        row, col = i // ncols + 1, i % ncols + 1
        part = board[board["variable"] == var]
        for name, colour in bars.items():
            rows = part[part["forecaster"] == name]
            fig.add_trace(go.Bar(x=rows["target_year"].astype(str), y=rows["error"], name=name, legendgroup=name,
                                 showlegend=i == 0, marker_color=colour,
                                 hovertemplate=f"{name}: %{{y:.2f}}<extra></extra>"), row=row, col=col)
        pro = part[~part["is_model"] & (part["forecaster"] != MEDIAN_FORECASTER)]
        fig.add_trace(go.Scatter(x=pro["target_year"].astype(str), y=pro["error"], name="professional forecasters",
                                 legendgroup="pro", showlegend=i == 0, mode="markers", text=pro["forecaster"],
                                 marker=dict(color="#999", size=8, symbol="diamond-open"),
                                 hovertemplate="%{text}: %{y:.2f}<extra></extra>"), row=row, col=col)
        fig.add_hline(y=0, line=dict(color="#999", width=1), row=row, col=col)
        unit = FORECAST_VARIABLES[var][0]
        fig.update_yaxes(title_text=f"error ({'pp' if unit.startswith('%') else unit})", row=row, col=col)
        fig.update_xaxes(type="category", title_text="target year", row=row, col=col)
    for annotation in fig.layout.annotations[: len(variables)]:
        annotation.font = dict(size=12)
    fig.update_layout(barmode="group")
    return _finish(fig, title, caption, 140 + nrows * 300)


_kaleido_started = False
_kaleido_browser = ""
#: Why the browser at a path cannot export images, found once per process (a hanging browser costs its time limit
#: once, not once per figure).
_browser_failures: dict[str, str] = {}
#: Seconds the first image of a process (a tiny figure, rendered by a child process) may take before the browser
#: is called unusable; a cold Chromium renders it in about 2 s.
SMOKE_TIMEOUT = 45.0
#: Seconds one image may take. Kaleido limits a rendering to 90 s but not the start of its browser.
EXPORT_TIMEOUT = 150.0
_BROWSER_HINT = ("install Debian's chromium (apt-get install -y chromium) or point BROWSER_PATH at a Chromium or "
                 "Chrome, or do not save images (save_figures=False)")
_SMOKE = ("import kaleido; kaleido.calc_fig_sync({'data': [{'type': 'bar', 'y': [1]}], 'layout': {}}, "
          "opts={'format': 'png', 'width': 20, 'height': 20}, kopts={'mathjax': False})")


def _usable_browser() -> str:
    """The Chromium kaleido would use, checked to start (``--version``) within 20 s.

    Without this check a missing or broken browser makes kaleido's server wait forever (a batch hangs until
    its timeout).
    """
    import subprocess

    from choreographer.browsers.chromium import Chromium

    path = os.environ.get("BROWSER_PATH") or Chromium.find_browser(skip_local=False)
    if not path:
        raise TwosectorError(f"saving images needs a Chromium browser and none was found (BROWSER_PATH unset, none on "
                             f"PATH); {_BROWSER_HINT}")
    try:
        done = subprocess.run([path, "--version"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TwosectorError(f"saving images needs a Chromium browser; {path!r} does not start ({exc}); "
                             f"{_BROWSER_HINT}") from None
    if done.returncode != 0:
        raise TwosectorError(f"saving images needs a Chromium browser; {path!r} --version exits with "
                             f"{done.returncode}; {_BROWSER_HINT}")
    return str(path)


def _smoke_render(path: str) -> None:
    """Render a tiny figure with the browser at ``path`` in a child process, within :data:`SMOKE_TIMEOUT`.

    A browser that answers ``--version`` may still hang when asked to render; in a child process it can be
    killed with everything it started (kaleido runs its browser in a session of its own) and nothing is left
    behind.
    """
    import subprocess
    import sys

    from twosector.processes import kill_tree

    proc = subprocess.Popen([sys.executable, "-c", _SMOKE], env={**os.environ, "BROWSER_PATH": path},
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=SMOKE_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.communicate()
        raise TwosectorError(f"saving images needs a Chromium browser; {path!r} starts but renders no image within "
                             f"{SMOKE_TIMEOUT:g} s; {_BROWSER_HINT}") from None
    if proc.returncode != 0:
        lines = [line.strip() for line in err.decode(errors="replace").splitlines() if line.strip()]
        why = lines[-1][:200] if lines else f"exit status {proc.returncode}"
        raise TwosectorError(f"saving images needs a Chromium browser; {path!r} fails to render an image ({why}); "
                             f"{_BROWSER_HINT}")


def _start_kaleido() -> str:
    """Start one kaleido browser for all images of this process (~0.4 s per image instead of ~2.5 s); its path.

    The browser is checked first (:func:`_usable_browser`, :func:`_smoke_render`); a failure is remembered, so
    that every later image of the process fails at once with the same message.
    """
    global _kaleido_started, _kaleido_browser
    key = os.environ.get("BROWSER_PATH", "")
    if key in _browser_failures:
        raise TwosectorError(_browser_failures[key])
    if _kaleido_started:
        return _kaleido_browser
    try:
        browser = _usable_browser()
        _smoke_render(browser)
    except TwosectorError as exc:
        _browser_failures[key] = str(exc)
        raise
    import kaleido

    # plotly.js from the plotly package (offline); no MathJax (it would come from a CDN)
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _kaleido_started, _kaleido_browser = True, browser
    return browser


def _stop_kaleido(browser: str = "") -> None:
    """Kill this process's kaleido browser with everything it started and stop kaleido's server.

    The browser is the child process running choreographer's Chromium wrapper (Linux) or ``browser`` itself.
    """
    global _kaleido_started
    import threading

    import kaleido
    import psutil

    from twosector.processes import kill_tree

    for child in psutil.Process().children():
        try:
            command = child.cmdline()
        except psutil.Error:
            continue
        if any("chromium" in part.lower() or (browser and part == browser) for part in command):
            kill_tree(child.pid)
    # the server's thread ends once its browser is gone; a stuck one must not block this process
    stop = threading.Thread(target=kaleido.stop_sync_server, kwargs=dict(silence_warnings=True), daemon=True)
    stop.start()
    stop.join(10)
    _kaleido_started = False


def _export(fig: go.Figure, opts: dict[str, Any], path: str) -> bytes:
    """One image of ``fig`` from the running kaleido server, within :data:`EXPORT_TIMEOUT`."""
    import threading

    import kaleido

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["image"] = kaleido.calc_fig_sync(fig.to_dict(), opts=opts)
        except Exception as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="kaleido-export", daemon=True)
    thread.start()
    thread.join(EXPORT_TIMEOUT)
    if thread.is_alive():
        _stop_kaleido(path)
        message = (f"saving images needs a Chromium browser; {path!r} rendered no image within {EXPORT_TIMEOUT:g} s "
                   f"and was stopped; {_BROWSER_HINT}")
        _browser_failures[os.environ.get("BROWSER_PATH", "")] = message
        raise TwosectorError(message)
    if "error" in box:
        raise box["error"]
    return bytes(box["image"])


def tornado(result: Any, output: str | None = None, *, top: int = 15, title: str | None = None,
            caption: str | None = None) -> go.Figure:
    """Tornado chart of a sensitivity analysis: the most influential factors of one output, largest on top.

    Parameters
    ----------
    result : twosector.gsa.Sensitivity
        The result of :func:`twosector.sensitivity`.
    output : str, optional
        Default: the first output.
    top : int, default 15
        Factors shown.
    title : str, optional
        Default: the output and what was analysed.
    caption : str, optional
        Default: the method, the runs and how to read the bars.

    Returns
    -------
    plotly.graph_objects.Figure
        Sobol: the total index (bars, with 95% intervals) and the first-order index (thin bars); Morris:
        ``mu_star`` with its interval. Levers in the scenario's colour, parameters grey.

    Raises
    ------
    TwosectorError
        For an output that was not analysed (with a did-you-mean).
    """
    table = result.table(output).head(max(1, int(top))).iloc[::-1]  # plotly draws the first bar at the bottom
    name = output or result.outputs[0]
    colours = [scenario_colour("input_sanctions") if k == "lever" else "#8a8a8a" for k in table["kind"]]
    fig = go.Figure()
    if result.method == "sobol":
        fig.add_trace(go.Bar(y=table.index, x=table["ST"], orientation="h", marker_color=colours, name="total (ST)",
                             error_x=dict(type="data", array=table["ST_conf"], color="#444", thickness=1)))
        fig.add_trace(go.Bar(y=table.index, x=table["S1"], orientation="h", marker_color="#222", width=0.25,
                             name="first order (S1)"))
        axis = "share of the output's variance"
        how = "bars: total index (with interactions), thin bars: first order; whiskers: 95% bootstrap intervals"
    else:
        fig.add_trace(go.Bar(y=table.index, x=table["mu_star"], orientation="h", marker_color=colours,
                             name="mu*", error_x=dict(type="data", array=table["mu_star_conf"], color="#444",
                                                      thickness=1)))
        axis = f"mean |elementary effect| ({change_unit(name) if name in variable_units() else 'output unit'})"
        how = ("bars: mean absolute change of the output as the factor moves from its prior's 12.5% to its 87.5% "
               "quantile (Morris, scaled); whiskers: 95% intervals")
    fig.update_layout(barmode="overlay", bargap=0.25, xaxis_title=axis,
                      legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom"))
    if caption is None:
        caption = (f"Source: twosector sensitivity ({result.method}, {result.runs:,} runs, seed {result.seed}); "
                   f"{how}.<br>Levers coloured, parameters grey.")
    label = variable_words(name) if name in variable_units() else name  # the unit once, after the words
    unit = f" (in {change_unit(name)})" if name in variable_units() else ""
    return _finish(fig, title or f"What drives {label}{unit}: {result.label}", caption, 160 + 26 * len(table))


def heatmap(frame: pd.DataFrame, variable: str, *, x: str | None = None, y: str | None = None,
            quarter: str | None = None, value: str = "effect", title: str | None = None,
            caption: str | None = None) -> go.Figure:
    """Heatmap of a sweep's response surface: one variable over two dimensions of the grid.

    Parameters
    ----------
    frame : pd.DataFrame
        The result of :func:`twosector.sweep`.
    variable : str
        A variable of the sweep.
    x, y : str, optional
        Grid columns (a swept lever, ``start`` or ``ramp``). Default: the first lever across, then the second
        lever, else whichever of ``start`` and ``ramp`` varies.
    quarter : str, optional
        Needed when the sweep reports several quarters.
    value : {"effect", "scenario", "baseline"}, default "effect"
    title, caption : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Effects on a diverging scale centred on zero (red: the variable rises).

    Raises
    ------
    TwosectorError
        For a frame that is not a sweep, an unknown variable, column or value (with a did-you-mean), several
        quarters without ``quarter``, or other grid columns that vary (a surface has two dimensions).
    """
    levers = list(frame.attrs.get("levers", []))
    if not levers or "variable" not in frame:
        raise TwosectorError("frame: not the result of twosector.sweep() (no 'levers' in its attrs)")
    variables = list(dict.fromkeys(frame["variable"]))
    if variable not in variables:
        raise TwosectorError(f"variable: {unknown_name('variable in the sweep', variable, variables)}")
    if value not in ("effect", "scenario", "baseline"):
        raise TwosectorError(f"value: {unknown_name('value', value, ('effect', 'scenario', 'baseline'))}")
    rows = frame[frame["variable"] == variable]
    quarters = list(dict.fromkeys(rows["quarter"]))
    if quarter is None and len(quarters) > 1:
        raise TwosectorError(f"quarter: the sweep reports {len(quarters)} quarters; allowed: one of {quarters[0]} "
                             f"to {quarters[-1]}")
    if quarter is not None:
        if str(quarter) not in quarters:
            raise TwosectorError(f"quarter: {unknown_name('quarter of the sweep', str(quarter), quarters)}")
        rows = rows[rows["quarter"] == str(quarter)]
    dims = levers + ["start", "ramp"]
    varying = [d for d in dims if rows[d].nunique() > 1]
    x = x or levers[0]
    y = y or next((d for d in varying if d != x), levers[-1] if len(levers) > 1 else "start")
    for d in (x, y):
        if d not in dims:
            raise TwosectorError(f"x, y: {unknown_name('grid column', d, dims)}")
    extra = [d for d in varying if d not in (x, y)]
    if extra:
        raise TwosectorError(f"x, y: {', '.join(extra)} also vary in the sweep; allowed: a surface of two of "
                             f"{', '.join(varying)} (select rows of the others first)")
    surface = rows.pivot_table(index=y, columns=x, values=value, aggfunc="first", sort=True)
    unit = variable_units().get(variable, "")
    fig = go.Figure(go.Heatmap(
        z=surface.to_numpy(dtype=float), x=[str(c) for c in surface.columns], y=[str(i) for i in surface.index],
        colorscale="RdBu_r", zmid=0 if value == "effect" else None,
        colorbar=dict(title=("change, " if value == "effect" else "") + unit),
        hovertemplate=f"{x} %{{x}}, {y} %{{y}}: %{{z:.3g}}<extra></extra>"))
    fig.update_xaxes(title=x, type="category")
    fig.update_yaxes(title=y, type="category")
    at = quarter or quarters[0]
    if caption is None:
        caption = (f"Source: twosector sweep against {frame.attrs.get('base', 'the baseline')}, at {at}; "
                   "point projection (parameters at their catalogue values).")
    kind = "Effect on " if value == "effect" else ""
    return _finish(fig, title or f"{kind}{variable_label(variable)}, {at}", caption, 480)


def save(fig: go.Figure, path: str | os.PathLike[str], formats: Sequence[str] = ("png", "svg"),
         width: int = 1100, height: int | None = None, scale: float = 2.0) -> list[Path]:
    """Write a figure as static images (PNG/SVG/PDF) with kaleido and Debian's chromium.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    path : path-like
        Output path without extension (an extension, if given, is replaced per format).
    formats : sequence of str, default ("png", "svg")
        Image formats among ``png``, ``svg``, ``pdf``, ``jpeg``, ``webp``.
    width, height : int
        Image size in CSS pixels (height defaults to the figure's).
    scale : float, default 2.0
        Resolution multiplier for raster formats.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    TwosectorError
        For an unknown image format, or when no usable Chromium is found (``BROWSER_PATH`` or one on ``PATH``
        that answers ``--version`` and renders a tiny figure within :data:`SMOKE_TIMEOUT` seconds); nothing is
        written then. Also when one image takes longer than :data:`EXPORT_TIMEOUT` seconds: the browser is
        killed (with every process it started) and later images of the process fail at once.
    """
    allowed = ("png", "svg", "pdf", "jpeg", "webp")
    for fmt in formats:
        if fmt not in allowed:
            raise TwosectorError(unknown_name("image format", fmt, allowed))
    browser = _start_kaleido()
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = base.with_suffix(f".{fmt}")
        # kaleido directly: plotly's write_image passes options a running server ignores (with a warning)
        opts = dict(format=fmt, width=width, height=height or fig.layout.height or 500, scale=scale)
        atomic_write(target, _export(fig, opts, browser))
        written.append(target)
    return written


def _rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` -> ``rgba(r, g, b, alpha)`` (band fills in a scenario's colour)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def fan(
    quantiles: pd.DataFrame,
    variables: Sequence[str] | None = None,
    *,
    name: str = "scenario",
    effect: bool = False,
    title: str | None = None,
    ncols: int = 2,
    boundary: str | pd.Period | None = PROJECTION_START,
    caption: str | None = None,
    height_per_row: int = 260,
) -> go.Figure:
    """Fan chart: the median and the bands between symmetric quantiles, one panel per variable.

    Parameters
    ----------
    quantiles : pd.DataFrame
        :meth:`twosector.uncertainty.MonteCarlo.quantiles` (quarters x ``(variable, quantile)``; with
        ``run="vs_baseline"`` for scenario effects in the convention of
        :func:`twosector.tables.vs_baseline_unit`, each panel titled with its unit, or ``run="effect"`` for
        differences in the variable's unit). Pairs of quantiles ``q`` and ``1 - q`` become bands, wider ones
        lighter; quantile 0.5 the line. Quarters before ``boundary`` (the year of history a Monte Carlo keeps
        for context) are the model's history re-simulated on each draw, not the data: their median is dotted
        and labelled :data:`HISTORY_RESIMULATED`, and the default caption says so.
    variables : sequence of str, optional
        Default: every variable of ``quantiles``.
    name : str, default "scenario"
        The scenario (its colour, :func:`scenario_colour`).
    effect : bool, default False
        Scenario effects: axes in the unit of the change and a zero line.
    title, ncols, boundary, height_per_row
        As in :func:`paths`.
    caption : str, optional
        Default: the model source, the sources of uncertainty and the number of draws and of implausible draws
        left out (from ``quantiles.attrs``).

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TwosectorError
        If ``quantiles`` is not a quantile frame, has no median, or a variable is not in it (with a did-you-mean).
    """
    if not isinstance(quantiles, pd.DataFrame) or quantiles.columns.nlevels != 2:
        raise TwosectorError("quantiles must be a frame of MonteCarlo.quantiles() (columns (variable, quantile))")
    kept = list(dict.fromkeys(quantiles.columns.get_level_values(0)))
    variables = kept if variables is None else list(variables)
    for v in variables:
        if v not in kept:
            raise TwosectorError(unknown_name("variable in quantiles", v, kept))
    qs = sorted(set(float(q) for q in quantiles.columns.get_level_values(1)))
    if 0.5 not in qs:
        raise TwosectorError(f"quantiles: no median (0.5) among {qs}")
    pairs = sorted([(q, 1 - q) for q in qs if q < 0.5 and any(abs(1 - q - r) < 1e-9 for r in qs)])
    colour = scenario_colour(name)
    units = variable_units()
    if effect and quantiles.attrs.get("run") == "vs_baseline":  # the convention: % of the paired baseline, pp
        from twosector.variables import vs_baseline_unit

        labels = [variable_label(v, f"{vs_baseline_unit(v)} vs baseline") for v in variables]
    else:
        labels = [variable_label(v, ("change, " + units.get(v, "")) if effect else units.get(v, ""))
                  for v in variables]
    fig, nrows, ncols = _grid(labels, ncols)
    x = _x(quantiles.index)
    cut = None if boundary is None else pd.Period(boundary, freq="Q")
    # the history kept for context is the model's, re-simulated on every draw (its parameters vary), not the data
    resimulated = cut is not None and bool((quantiles.index < cut).any()) and bool((quantiles.index >= cut).any())
    ahead = np.asarray(quantiles.index >= cut) if resimulated else np.ones(len(quantiles), dtype=bool)
    for i, v in enumerate(variables):
        cell = dict(row=i // ncols + 1, col=i % ncols + 1)
        frame = quantiles[v]
        frame.columns = [float(c) for c in frame.columns]
        for k, (lo, hi) in enumerate(pairs):  # widest first, so the narrower bands lie on top
            band = f"{100 * lo:g}-{100 * hi:g}%"
            fig.add_trace(go.Scatter(x=x, y=frame[hi].to_numpy(dtype=float), mode="lines", line=dict(width=0),
                                     showlegend=False, legendgroup=band, hoverinfo="skip"), **cell)
            fig.add_trace(go.Scatter(
                x=x, y=frame[lo].to_numpy(dtype=float), mode="lines", line=dict(width=0), fill="tonexty",
                fillcolor=_rgba(colour, 0.15 + 0.2 * k), name=band, legendgroup=band, showlegend=i == 0,
                hoverinfo="skip"), **cell)
        median = frame[0.5].to_numpy(dtype=float)
        if resimulated:  # up to the first projection quarter, so that the two lines join
            back = ~ahead | (np.arange(len(ahead)) == int(ahead.argmax()))
            fig.add_trace(go.Scatter(
                x=x[back], y=median[back], mode="lines", line=dict(color=colour, width=1.6, dash="dot"),
                name=HISTORY_RESIMULATED, legendgroup="history", showlegend=i == 0,
                hovertemplate="model, history re-simulated, median: %{y:.2f}<extra></extra>"), **cell)
        fig.add_trace(go.Scatter(
            x=x[ahead], y=median[ahead], mode="lines", line=dict(color=colour, width=2.2),
            name=f"{name}: median", legendgroup="median", showlegend=i == 0,
            hovertemplate=f"{name} median: %{{y:.2f}}<extra></extra>"), **cell)
        if effect:
            fig.add_hline(y=0, line=dict(color="#999", width=1), **cell)
    _close_grid(fig, len(variables), [quantiles], boundary, nrows, ncols)
    if caption is None:
        draws, bad = quantiles.attrs.get("draws"), quantiles.attrs.get("implausible", 0)
        counted = f" {draws:,} draws; {bad:,} implausible draws left out." if draws else ""
        sources = ", ".join(quantiles.attrs.get("sources", [])) or "none"
        caption = f"Source: twosector Monte Carlo; uncertainty from: {sources}.{counted}"
        if resimulated:
            caption += (f"<br>Before {cut}: the model's history re-simulated on each draw (its parameters vary), "
                        "not the observed data.")
    return _finish(fig, title, caption, 120 + nrows * height_per_row)
