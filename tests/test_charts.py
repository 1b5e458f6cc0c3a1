"""Chart template and figure builders, on small synthetic frames (the model's results are not needed)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

import twosector
from twosector import charts
from twosector.errors import TwosectorError
from twosector.variables import KEY_VARIABLES, units

QUARTERS = pd.period_range("2019Q1", "2030Q4", freq="Q")


def frame(level: float) -> pd.DataFrame:
    steps = np.arange(len(QUARTERS), dtype=float)
    return pd.DataFrame({name: level + 0.1 * steps for name in KEY_VARIABLES}, index=QUARTERS)


RUNS = {"baseline": frame(100.0), "broad_front": frame(95.0), "my_custom": frame(90.0)}


def test_template_is_registered_with_scenario_colours_first():
    assert charts.TEMPLATE in pio.templates
    colorway = list(pio.templates[charts.TEMPLATE].layout.colorway)
    assert colorway[0] == charts.SCENARIO_COLOURS["baseline"]


def test_scenario_colours_are_fixed_and_fallbacks_distinct_and_stable():
    assert charts.scenario_colour("broad_front") == charts.SCENARIO_COLOURS["broad_front"]
    first, second = charts.scenario_colour("user_a"), charts.scenario_colour("user_b")
    assert first != second
    assert first not in charts.SCENARIO_COLOURS.values()
    assert charts.scenario_colour("user_a") == first


def same_history(runs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The runs with the history (to 2024Q4) of the first one, as real scenarios have."""
    first = next(iter(runs.values()))
    return {k: pd.concat([first.loc[:"2024Q4"], v.loc["2025Q1":]]) for k, v in runs.items()}


def test_paths_one_panel_per_variable_one_colour_per_scenario():
    fig = charts.paths(RUNS, ["output_civilian", "key_rate", "strain_index"], title="Paths", boundary=None,
                       observed=False)
    assert len(fig.data) == 3 * 3
    for trace in fig.data:
        assert trace.line.color == charts.scenario_colour(trace.name)
    # one legend entry per scenario
    assert sorted(t.name for t in fig.data if t.showlegend) == sorted(RUNS)
    # periods became timestamps at the start of the quarter
    assert pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2019-01-01")


def test_paths_history_is_the_model_fitted_path_in_grey_and_the_data_as_data():
    runs = same_history(RUNS)
    fig = charts.paths(runs, ["key_rate", "strain_index"])
    fitted = [t for t in fig.data if t.name == "model, fitted"]
    assert len(fitted) == 2  # one history line per panel, shared by the scenarios (their histories agree)
    assert all(t.line.color == charts.HISTORY_COLOURS["model"] for t in fitted)
    assert all(pd.Timestamp(t.x[-1]) == pd.Timestamp("2024-10-01") for t in fitted)
    projected = [t for t in fig.data if t.name in runs]
    assert all(pd.Timestamp(t.x[0]) == pd.Timestamp("2024-10-01") for t in projected)  # joined at 2024Q4
    data = [t for t in fig.data if t.name == "data"]
    assert len(data) == 1 and data[0].mode == "markers"  # the key rate has observations, the strain index none
    observed = twosector.series("key_rate_q")
    assert list(data[0].y) == pytest.approx(observed.loc[:"2024Q4"].to_numpy(float))
    caption = fig.layout.annotations[-1].text
    assert "fitted path" in caption and "Bank of Russia" in caption
    assert "No observed series in the data set for: Strain index" in caption
    # scenarios whose histories differ keep their own history lines
    assert len([t for t in charts.paths(RUNS, ["key_rate"], observed=False).data if t.name == "model, fitted"]) == 3
    assert fig.layout.template.layout.colorway == pio.templates[charts.TEMPLATE].layout.colorway


def test_paths_draws_observed_series_derived_from_the_data_and_says_how():
    baseline = twosector.simulate("baseline")
    fig = charts.paths({"baseline": baseline}, ["defence_spending", "real_disposable_income", "defence_spending_gdp"])
    data = [t for t in fig.data if t.name == "data"]
    assert len(data) == 3 and all(t.mode == "markers" for t in data)
    usd, fx = twosector.series("milex_sipri_usd"), twosector.series("usd_rub_y")
    # SIPRI's total in rubles, per quarter, 2021-2024 (the outcomes, not the budget laws); 2024 is the latest
    # edition's figure in current USD at the year's average rate
    assert [pd.Timestamp(x).year for x in data[0].x] == [2021, 2022, 2023, 2024]
    assert data[0].y[-1] == pytest.approx(usd["2024"] * fx["2024"] / 4000)
    growth = twosector.series("real_disposable_income_growth")
    assert list(data[1].y) == pytest.approx([100.0, 100 + growth["2022"],
                                             (100 + growth["2022"]) * (1 + growth["2023"] / 100),
                                             (100 + growth["2022"]) * (1 + growth["2023"] / 100)
                                             * (1 + growth["2024"] / 100)])
    # the share of GDP is SIPRI's own series, observed
    assert list(data[2].y) == pytest.approx(list(twosector.series("milex_sipri_gdp").to_numpy()))
    caption = fig.layout.annotations[-1].text.replace("<br>", " ")
    assert "SIPRI's military expenditure in rubles, the model's measure" in caption and "spliced" in caption
    assert "index 2021 = 100 chained from the annual growth of real disposable income" in caption
    # the model's history is the same measure: its yearly totals are the data's
    for year, value in zip((2021, 2022, 2023, 2024), data[0].y, strict=True):
        assert baseline.loc[str(year), "defence_spending"].mean() == pytest.approx(value)


def test_derived_defence_history_reads_the_data_folder_given(doubled_data):
    before = charts.derived_history("defence_spending")
    folder = doubled_data("budget.csv", "milex_sipri_usd", "2024")
    other = charts.derived_history("defence_spending", data=folder)
    # the splice hangs on the latest dollar figure: doubling it doubles every year, in that folder only
    assert other.to_numpy() == pytest.approx(2 * before.to_numpy()) and other.index.equals(before.index)
    pd.testing.assert_series_equal(charts.derived_history("defence_spending"), before)


def test_paths_marks_projection_start_and_units_and_caption():
    fig = charts.paths(RUNS, ["key_rate", "nwf_liquid"])
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert lines and all(pd.Timestamp(s.x0) == pd.Timestamp("2025-01-01") for s in lines)
    texts = [a.text for a in fig.layout.annotations]
    assert any("% per year" in t for t in texts) and any("trn RUB" in t for t in texts)
    assert any(t.startswith("Source:") for t in texts)
    # the shaded projection area must not stretch the axis beyond the data
    assert pd.Timestamp(fig.layout.xaxis.range[1]) == pd.Timestamp("2030-10-01")


def test_paths_start_cuts_history():
    fig = charts.paths(RUNS, ["key_rate"], start="2024Q1", boundary=None)
    assert pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2024-01-01")
    assert not fig.layout.shapes


def test_unknown_variable_is_a_clear_error():
    with pytest.raises(TwosectorError, match="unknown variable.*'key_rte'.*Did you mean 'key_rate'"):
        charts.paths(RUNS, ["key_rte"])
    with pytest.raises(TwosectorError, match="at least one"):
        charts.paths(RUNS, [])


def test_divergence_draws_sectors_in_sector_colours():
    fig = charts.divergence({"baseline": RUNS["baseline"]}, boundary=None)
    colours = {t.name: t.line.color for t in fig.data}
    assert colours["military"] == charts.SCENARIO_COLOURS["military"]
    assert colours["civilian"] == charts.SCENARIO_COLOURS["civilian"]
    assert len(fig.data) == 4  # 2 panels x 2 sectors


def test_divergence_draws_history_once_as_the_model_s_and_scenarios_from_the_projection():
    # traces named for a scenario ran over 2019-2030, attributing the model's history to the scenario
    fig = charts.divergence(same_history({"baseline": RUNS["baseline"], "broad_front": RUNS["broad_front"]}))
    last_history = pd.Period("2024Q4", freq="Q").to_timestamp()
    for trace in fig.data:
        x = pd.to_datetime(pd.Series(trace.x))
        if "fitted history" in trace.name:
            assert x.max() == last_history
        else:
            assert x.min() == last_history and trace.name.endswith(("baseline", "broad_front"))
    assert {t.name for t in fig.data if "fitted history" in t.name} == {"military, model's fitted history",
                                                                          "civilian, model's fitted history"}


def test_no_built_in_scenario_is_drawn_in_a_grey():
    # the ceasefire (#7f7f7f) looked like the model's fitted history (#9a9a9a)
    import colorsys

    for name in [*twosector.scenarios._builtin_names(), *charts._FALLBACK]:
        colour = charts.scenario_colour(name) if not name.startswith("#") else name
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        assert colorsys.rgb_to_hsv(*rgb)[1] >= 0.4, (name, colour)  # saturated: not a grey
        assert colour not in charts.HISTORY_COLOURS.values()


def test_compare_bars_colours_follow_scenarios():
    values = pd.Series({"baseline": 0.0, "broad_front": 2.0, "sudden_shock": 1.0}, name="strain")
    fig = charts.compare_bars(values, unit="points")
    assert list(fig.data[0].marker.color) == [charts.scenario_colour(n) for n in values.index]
    assert fig.layout.xaxis.title.text == "points"
    with pytest.raises(TwosectorError, match="orientation"):
        charts.compare_bars(values, orientation="diagonal")


def _strain_frame(scale: float) -> pd.DataFrame:
    steps = np.sin(np.arange(len(QUARTERS), dtype=float))
    parts = {f"strain_{c}_contribution": scale * (k - 3) * steps for k, c in enumerate(charts.STRAIN_COLOURS)}
    out = pd.DataFrame(parts, index=QUARTERS)
    out["strain_index"] = out.sum(axis=1)
    return out


def test_strain_decomposition_stacks_the_contributions_under_the_index_line():
    result = _strain_frame(1.0)
    fig = charts.strain_decomposition(result)
    bars = [t for t in fig.data if t.type == "bar"]
    line = [t for t in fig.data if t.type == "scatter"]
    assert [t.name for t in bars] == [c.replace("_", " ") for c in charts.STRAIN_COLOURS] and len(line) == 1
    assert fig.layout.barmode == "relative"  # negative parts stack below zero, positive above
    # the bars of every quarter add up to the line
    assert np.allclose(np.sum([t.y for t in bars], axis=0), line[0].y)
    assert [t.marker.color for t in bars] == list(charts.STRAIN_COLOURS.values())
    assert "index points" in fig.layout.yaxis.title.text
    assert any(a.text.startswith("Source:") for a in fig.layout.annotations)


def test_strain_decomposition_against_a_baseline_shows_the_differences():
    fig = charts.strain_decomposition(_strain_frame(3.0), _strain_frame(1.0), start="2025Q1")
    line = [t for t in fig.data if t.type == "scatter"][0]
    assert pd.Timestamp(line.x[0]) == pd.Timestamp("2025-01-01")
    expected = (_strain_frame(3.0) - _strain_frame(1.0)).loc["2025Q1":, "strain_index"]
    assert np.allclose(line.y, expected) and "vs baseline" in fig.layout.yaxis.title.text


def test_strain_decomposition_rejects_frames_without_the_contributions():
    with pytest.raises(TwosectorError, match="no strain_<component>_contribution columns"):
        charts.strain_decomposition(RUNS["baseline"])
    with pytest.raises(TwosectorError, match="strain_index"):
        charts.strain_decomposition(_strain_frame(1.0).drop(columns="strain_index"))


def test_history_accepts_annual_and_monthly_series():
    annual = pd.Series([2.2, -2.7, 5.9], index=pd.period_range("2019", "2021", freq="Y"), name="gdp")
    monthly = pd.Series([1.0, 2.0], index=pd.period_range("2022-01", "2022-02", freq="M"), name="cpi")
    fig = charts.history({"gdp": annual, "cpi": monthly}, unit="% y/y", markers=True, steps=["cpi"])
    assert fig.data[1].line.shape == "hv" and fig.data[0].line.shape is None
    assert [t.name for t in fig.data] == ["gdp", "cpi"]
    assert pd.Timestamp(fig.data[0].x[2]) == pd.Timestamp("2021-07-01")  # annual values sit mid-year
    assert pd.Timestamp(fig.data[1].x[0]) == pd.Timestamp("2022-01-01")
    assert fig.layout.yaxis.title.text == "% y/y"


def test_variable_label_carries_the_catalogue_unit_of_every_variable():
    for name, unit in units().items():
        label = charts.variable_label(name)
        assert label.endswith(f" ({unit})") and label[0].isupper(), name
    assert charts.variable_label("x", unit="") == "X"
    # the field's abbreviations and the reports' words, not "Usd rub", "Budget balance gdp", "Oil gas revenue"
    assert [charts.variable_label(v, unit="") for v in ("usd_rub", "budget_balance_gdp", "oil_gas_revenue")] == [
        "USD/RUB", "Federal budget balance", "Oil and gas revenue"]


@pytest.mark.slow
def test_save_writes_png_and_svg(tmp_path):
    fig = charts.paths(RUNS, ["key_rate"])
    written = charts.save(fig, tmp_path / "figs" / "key_rate.html", formats=("png", "svg"))
    assert [p.name for p in written] == ["key_rate.png", "key_rate.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in written[1].read_text()[:500]
    with pytest.raises(TwosectorError, match="unknown image format 'gif'"):
        charts.save(fig, tmp_path / "x", formats=("gif",))


def test_fit_overlays_model_lines_and_data_markers():
    observed = pd.Series([4.0, 5.0], index=pd.period_range("2022Q1", "2022Q2", freq="Q"))
    fig = charts.fit(RUNS["baseline"], {"key_rate": observed, "cpi_inflation": observed}, end="2024Q4")
    modes = [(t.name, t.mode) for t in fig.data]
    assert modes == [("model", "lines"), ("data", "markers")] * 2
    assert pd.Timestamp(fig.data[0].x[-1]) == pd.Timestamp("2024-10-01")  # cut at the end of the data
    with pytest.raises(TwosectorError, match="unknown variable in model 'keyrate'"):
        charts.fit(RUNS["baseline"], {"keyrate": observed})


def test_sources_caption_lists_publishers_once():
    a = pd.Series([1.0, 2.0], index=pd.period_range("2022", "2023", freq="Y"))
    a.attrs["source_publisher"] = {"2022": "Rosstat", "2023": "Rosstat (via Macrobond)"}
    b = pd.Series([3.0])
    b.attrs["source_publisher"] = {"2022Q1": "Bank of Russia (from key_rate)"}
    assert charts.sources(a, b) == "Sources: Bank of Russia, Rosstat (data/*.csv; pages in data_summary())."
    assert charts.sources(a) == "Source: Rosstat (data/*.csv; pages in data_summary())."
    assert charts.sources(pd.Series([1.0])).startswith("Source: twosector data set")


def test_scoreboard_figure_has_a_panel_per_variable_with_the_three_bars_and_the_forecasters():
    from twosector.scoreboard import COLUMNS, INFORMATION_SET, MEDIAN_FORECASTER, REALISED_EXOGENOUS

    rows = []
    for var in ("gdp_growth", "cpi_dec"):
        for name, model in ((INFORMATION_SET, True), (REALISED_EXOGENOUS, True), (MEDIAN_FORECASTER, False),
                            ("IMF", False), ("OECD", False)):
            rows.append({"target_year": 2023, "variable": var, "forecaster": name, "is_model": model,
                         "error": float(len(rows))})
    board = pd.DataFrame(rows).reindex(columns=COLUMNS)
    fig = charts.scoreboard_figure(board)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == [INFORMATION_SET, REALISED_EXOGENOUS, MEDIAN_FORECASTER] * 2
    assert [list(t.y) for t in bars[:3]] == [[0.0], [1.0], [2.0]]
    markers = [t for t in fig.data if t.type == "scatter"]
    assert [list(t.text) for t in markers] == [["IMF", "OECD"]] * 2 and list(markers[1].y) == [8.0, 9.0]
    assert "error (pp)" in {a.title.text for a in (fig.layout.yaxis, fig.layout.yaxis2)}
    assert any("Source" in (a.text or "") for a in fig.layout.annotations)
    with pytest.raises(TwosectorError, match="lacks column"):
        charts.scoreboard_figure(board.drop(columns="error"))


def test_a_frame_joining_quarterly_and_annual_series_can_be_drawn_and_serialised():
    q = pd.Series([1.0, 2.0], index=pd.period_range("2024Q1", periods=2, freq="Q"), name="quarterly")
    a = pd.Series([3.0], index=pd.PeriodIndex(["2024"], freq="Y"), name="annual")
    fig = charts.history(pd.concat([q, a], axis=1))  # the joined index holds Periods of two frequencies
    fig.to_json()  # was: "Object of type Period is not JSON serializable" when shown
    xs = {t.name: pd.to_datetime(list(t.x)) for t in fig.data}
    assert list(xs["quarterly"]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]
    assert list(xs["annual"]) == [pd.Timestamp("2024-07-01")]  # an annual value sits mid-year


@pytest.mark.parametrize("browser", ["/nonexistent/chromium", "/bin/false"])
def test_saving_images_without_a_usable_browser_fails_at_once_with_one_message(tmp_path, monkeypatch, browser):
    # without the check kaleido's server waits forever for a browser (a batch hangs until its timeout)
    monkeypatch.setenv("BROWSER_PATH", browser)
    monkeypatch.setattr(charts, "_kaleido_started", False)
    monkeypatch.setattr(charts, "_browser_failures", {})
    fig = charts.history(pd.Series([1.0, 2.0], index=pd.period_range("2024Q1", periods=2, freq="Q"), name="x"))
    with pytest.raises(TwosectorError, match=r"saving images needs a Chromium browser; .* BROWSER_PATH"):
        charts.save(fig, tmp_path / "fig", formats=("png",))
    assert not list(tmp_path.iterdir())


def _hanging_browser(folder) -> str:
    """A browser that answers --version and then hangs (as a broken Chromium does when asked to render)."""
    path = folder / "hanging-chromium"
    path.write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Chromium 130.0"; exit 0; fi\nexec sleep 600\n')
    path.chmod(0o755)
    return str(path)


def _descendants() -> list:
    import psutil

    return [p for p in psutil.Process().children(recursive=True) if p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.slow
def test_a_browser_that_hangs_on_render_fails_within_the_limit_and_leaves_no_process(tmp_path, monkeypatch):
    import psutil

    monkeypatch.setenv("BROWSER_PATH", _hanging_browser(tmp_path))
    monkeypatch.setattr(charts, "_kaleido_started", False)
    monkeypatch.setattr(charts, "_browser_failures", {})
    monkeypatch.setattr(charts, "SMOKE_TIMEOUT", 8.0)
    before = {p.pid for p in _descendants()}
    fig = charts.history(pd.Series([1.0, 2.0], index=pd.period_range("2024Q1", periods=2, freq="Q"), name="x"))
    started = time.monotonic()
    expected = (r"^saving images needs a Chromium browser; '.*hanging-chromium' starts but renders no image within "
                r"8 s; install Debian's chromium .*BROWSER_PATH")
    with pytest.raises(TwosectorError, match=expected):
        charts.save(fig, tmp_path / "fig", formats=("png",))
    assert time.monotonic() - started < 60
    assert [p.cmdline() for p in _descendants() if p.pid not in before] == []
    # this test's browser only (its path is in this test's tmp_path): other test runs on the machine may be in this test
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(tmp_path) in " ".join(p.info["cmdline"] or [])]
    assert [p.name for p in tmp_path.iterdir()] == ["hanging-chromium"]
    started = time.monotonic()  # the failure is remembered: the next figure fails at once
    with pytest.raises(TwosectorError, match="renders no image within 8 s"):
        charts.save(fig, tmp_path / "fig2", formats=("svg",))
    assert time.monotonic() - started < 5


@pytest.mark.slow
def test_an_export_that_hangs_after_the_check_is_stopped_with_its_browser(tmp_path, monkeypatch):
    import threading

    import psutil
    from choreographer.errors import BrowserFailedError

    hook = threading.excepthook  # kaleido's server thread ends with BrowserFailedError once its browser is killed
    monkeypatch.setattr(threading, "excepthook",
                        lambda args: None if args.exc_type is BrowserFailedError else hook(args))

    monkeypatch.setenv("BROWSER_PATH", _hanging_browser(tmp_path))
    monkeypatch.setattr(charts, "_kaleido_started", False)
    monkeypatch.setattr(charts, "_browser_failures", {})
    monkeypatch.setattr(charts, "_smoke_render", lambda path: None)  # as if the browser hung only later
    monkeypatch.setattr(charts, "EXPORT_TIMEOUT", 6.0)
    charts._stop_kaleido()  # the server an earlier test started, with the real browser
    before = {p.pid for p in _descendants()}
    fig = charts.history(pd.Series([1.0, 2.0], index=pd.period_range("2024Q1", periods=2, freq="Q"), name="x"))
    started = time.monotonic()
    with pytest.raises(TwosectorError, match=r"'.*hanging-chromium' rendered no image within 6 s and was stopped"):
        charts.save(fig, tmp_path / "fig", formats=("png",))
    assert time.monotonic() - started < 60
    assert [p.cmdline() for p in _descendants() if p.pid not in before] == []
    # this test's browser only (its path is in this test's tmp_path): other test runs on the machine may be in this test
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(tmp_path) in " ".join(p.info["cmdline"] or [])]
    assert not (tmp_path / "fig.png").exists()


def test_fan_chart_draws_bands_between_symmetric_quantiles_and_the_median() -> None:
    mc = twosector.montecarlo("input_sanctions", draws=60, seed=4, variables=["strain_index", "cpi_inflation"])
    q = mc.quantiles(q=[0.05, 0.25, 0.5, 0.75, 0.95])
    fig = charts.fan(q, name="input_sanctions")
    filled = [t for t in fig.data if t.fill == "tonexty"]
    assert len(filled) == 4 and {t.name for t in filled} == {"5-95%", "25-75%"}  # two bands per panel
    medians = [t for t in fig.data if t.name == "input_sanctions: median"]
    projection = q.index >= pd.Period("2025Q1", freq="Q")
    assert np.allclose(medians[0].y, q[("strain_index", 0.5)].to_numpy()[projection])
    # the year of history kept for context is re-simulated on each draw: labelled so, and joined to the projection
    history = [t for t in fig.data if t.name == charts.HISTORY_RESIMULATED]
    assert len(history) == 2 and history[0].line.dash == "dot"
    assert np.allclose(history[0].y, q[("strain_index", 0.5)].loc[:"2025Q1"].to_numpy())
    assert "Before 2025Q1: the model's history re-simulated on each draw" in fig.layout.annotations[-1].text
    no_history = twosector.montecarlo("input_sanctions", draws=5, seed=4, variables=["strain_index"], start="2025Q1")
    plain = charts.fan(no_history.quantiles(), name="input_sanctions")
    assert not [t for t in plain.data if t.name == charts.HISTORY_RESIMULATED]
    assert "re-simulated" not in plain.layout.annotations[-1].text
    assert f"{mc.draws:,} draws; {int(mc.implausible.sum()):,} implausible" in fig.layout.annotations[-1].text
    effect = charts.fan(mc.quantiles(run="effect"), name="input_sanctions", effect=True)
    assert "change" in effect.layout.annotations[0].text and len(effect.layout.shapes) > len(fig.layout.shapes)
    with pytest.raises(TwosectorError, match="'strain_indx'. Did you mean 'strain_index'"):
        charts.fan(q, ["strain_indx"])
    with pytest.raises(TwosectorError, match="no median"):
        charts.fan(mc.quantiles(q=[0.1, 0.9]))


def test_tornado_ranks_the_factors_of_a_sensitivity_analysis() -> None:
    s = twosector.sensitivity("input_sanctions", method="sobol", n=32, seed=1, outputs=["strain_index"],
                              parameters=["input_sanctions", "phillips_slope", "potential_growth", "tech_drag_max"])
    fig = charts.tornado(s, top=3)
    bars = fig.data[0]
    assert list(bars.y) == list(s.table().index[:3][::-1])  # the largest total index on top
    assert np.allclose(bars.x, s.table()["ST"].to_numpy()[:3][::-1])
    assert "sobol" in fig.layout.annotations[-1].text
    with pytest.raises(TwosectorError, match="Did you mean 'strain_index'"):
        charts.tornado(s, "strain_indx")


def test_heatmap_shows_a_sweep_s_surface() -> None:
    sweep = twosector.sweep(["input_sanctions", "tech_controls"], [0.0, 0.5, 1.0], outputs=["strain_index"])
    fig = charts.heatmap(sweep, "strain_index")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (3, 3) and z[0, 0] == 0.0 and z[2, 2] == z.max()  # rows tech_controls, columns sanctions
    assert fig.layout.xaxis.title.text == "input_sanctions" and fig.layout.yaxis.title.text == "tech_controls"
    timed = twosector.sweep("oil_price_cap", [0.0, 20.0], start=["2025Q1", "2026Q1"], ramp=[0, 4],
                            outputs=["nwf_liquid"])
    with pytest.raises(TwosectorError, match="ramp also vary"):
        charts.heatmap(timed, "nwf_liquid")
    assert charts.heatmap(timed[timed["ramp"] == 0], "nwf_liquid").layout.yaxis.title.text == "start"


def test_plans_are_not_drawn_as_data_and_derived_values_and_stocks_are_marked_and_placed() -> None:
    # 02_calibration drew the 2025 budget plan of oil and gas revenue as data, annual / 4 as quarterly
    # observations and CPI interpolated between December anchors without a word, and the NWF of 2024-12-31
    # a quarter to the right of the model's 2024Q4 point
    model = twosector.simulate(end="2026Q4")
    revenue = twosector.series("oil_gas_revenue_q")
    assert "plan" in revenue.attrs["vintages"].values()
    fig = charts.fit(model, {"oil_gas_revenue": revenue, "cpi_inflation": twosector.series("cpi_yoy_q")},
                     end="2026Q4")
    data = next(t for t in fig.data if t.name == "data")
    assert pd.to_datetime(pd.Series(data.x)).max() <= pd.Timestamp("2024-10-01")
    caption = fig.layout.annotations[-1].text
    assert "annual totals / 4" in caption and "December anchors" in caption and "not drawn as data" in caption
    fig = charts.paths({"baseline": model}, ["nwf_liquid"])
    nwf = next(t for t in fig.data if t.name == "data")
    model_x = next(t for t in fig.data if t.name != "data" and len(t.x))
    assert pd.Timestamp(nwf.x[-1]) == pd.Period("2024Q4", freq="Q").start_time
    assert pd.Period("2024Q4", freq="Q").start_time in set(pd.to_datetime(pd.Series(model_x.x)))
