"""Tests of montecarlo(): reproducibility across chunks, paired runs, statistics against brute force, sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector import uncertainty as mc_module
from twosector.errors import ScenarioError, TwosectorError
from twosector.uncertainty import montecarlo

VARS = ["cpi_inflation", "nwf_liquid", "output_civilian", "usd_rub"]


@pytest.fixture(scope="module")
def ensemble() -> mc_module.MonteCarlo:
    """A small ensemble of a lever scenario with every source on (some draws implausible)."""
    return montecarlo("input_sanctions", draws=1200, seed=5, variables=VARS, start="2025Q1")


def _same(a: mc_module.MonteCarlo, b: mc_module.MonteCarlo, n: int | None = None) -> bool:
    return all(np.array_equal(a.values[r][v][:n], b.values[r][v][:n]) for r in a.values for v in a.variables) and \
        np.array_equal(a.implausible[:n], b.implausible[:n])


def test_the_same_seed_gives_identical_draws_whatever_the_chunk_size(monkeypatch) -> None:
    monkeypatch.setattr(mc_module, "BLOCK", 5)  # small seed blocks, so that chunks straddle them
    runs = [montecarlo("oil_price_cap", draws=12, seed=7, variables=VARS, chunk=c) for c in (1, 3, 5, 12, 100)]
    for other in runs[1:]:
        assert _same(runs[0], other)
    # the first draws of a run are those of a shorter run, and another seed gives other draws
    assert _same(montecarlo("oil_price_cap", draws=7, seed=7, variables=VARS, chunk=4), runs[0], 7)
    other_seed = montecarlo("oil_price_cap", draws=12, seed=8, variables=VARS)
    assert not np.array_equal(other_seed.values["scenario"]["usd_rub"], runs[0].values["scenario"]["usd_rub"])


def test_the_dask_engine_gives_the_local_engine_s_draws() -> None:
    local = montecarlo("oil_price_cap", draws=9, seed=11, variables=VARS, chunk=4)
    seen: list[int] = []
    remote = montecarlo("oil_price_cap", draws=9, seed=11, variables=VARS, chunk=2, engine="dask",
                        progress=seen.append)
    assert _same(local, remote) and remote.reasons == local.reasons
    assert sorted(seen) == [1, 2, 2, 2, 2]  # one report per chunk, whatever the order of completion


def test_scenario_and_baseline_run_on_the_same_draws() -> None:
    a = montecarlo("input_sanctions", draws=30, seed=3, variables=VARS)
    b = montecarlo("baseline", draws=30, seed=3, variables=VARS, baseline="input_sanctions")
    for v in VARS:
        assert np.array_equal(a.values["baseline"][v], b.values["scenario"][v])
        assert np.array_equal(a.values["scenario"][v], b.values["baseline"][v])
    same = montecarlo("baseline", draws=30, seed=3, variables=VARS)
    assert np.all(same.array("usd_rub", "effect", plausible=False) == 0.0)  # paired: no noise in the effect
    assert np.ptp(same.array("usd_rub", plausible=False)[:, -1]) > 10  # while the levels do vary


def test_a_draw_is_the_point_projection_when_every_source_is_off() -> None:
    mc = montecarlo("input_sanctions", draws=3, seed=1, variables=VARS, sources=())
    point = twosector.compare("input_sanctions", variables=VARS).loc["2024Q1":]
    for v in VARS:
        assert np.allclose(mc.values["scenario"][v], point[(v, "scenario")].to_numpy(), rtol=1e-12)
        assert np.allclose(mc.values["baseline"][v], point[(v, "baseline")].to_numpy(), rtol=1e-12)


def test_probabilities_and_first_crossings_agree_with_a_brute_force_count(ensemble) -> None:
    frame = ensemble.frame()  # every draw, quarters x (variable, draw)
    good = [d for d in range(ensemble.draws) if d not in set(frame.attrs["implausible_draws"])]
    cpi = frame["cpi_inflation"][good]
    expected = pd.Series({q: sum(cpi.at[q, d] > 8.0 for d in good) / len(good) for q in cpi.index})
    got = ensemble.probability("cpi_inflation", above=8.0)
    assert np.allclose(got.to_numpy(), expected.to_numpy()) and 0 < got.iloc[-1] < 1
    by_year = ensemble.probability("cpi_inflation", above=8.0, by="year")
    assert by_year[2027] == pytest.approx(np.mean([(cpi.loc["2027", d] > 8.0).any() for d in good]))
    nwf = frame["nwf_liquid"][good]
    first = ensemble.first_crossing("nwf_liquid", below=1.0)
    for d in good:
        hits = [q for q in nwf.index if nwf.at[q, d] < 1.0]
        assert (pd.isna(first[d]) and not hits) or first[d] == hits[0]
    ever = ensemble.probability("nwf_liquid", below=1.0, by="ever")
    assert ever.iloc[-1] == pytest.approx(first.notna().mean()) and 0 < ever.iloc[-1] < 1
    assert got.attrs["implausible"] == first.attrs["implausible"] == ensemble.draws - len(good)


def test_probability_bounds_count_the_implausible_draws_on_either_side(ensemble) -> None:
    frame = ensemble.frame()  # every draw, implausible ones included
    bad = set(frame.attrs["implausible_draws"])
    n, m = ensemble.draws, len(bad)
    assert m > 0
    cpi = frame["cpi_inflation"] > 8.0  # quarters x draws
    plausible = [d not in bad for d in cpi.columns]
    k = cpi.loc[:, plausible].sum(axis=1)
    got = ensemble.probability("cpi_inflation", above=8.0, bounds=True)
    assert list(got.columns) == ["probability", "low", "high"]
    assert np.allclose(got["probability"], k / (n - m))
    assert np.allclose(got["low"], k / n) and np.allclose(got["high"], (k + m) / n)
    assert (got["low"] <= got["probability"]).all() and (got["probability"] <= got["high"]).all()
    # the table's bounds of "by end": any projection quarter, over all draws
    table = ensemble.probability_table({"cpi": ("cpi_inflation", "above", 8.0)})
    crossed = cpi.loc[cpi.index >= pd.Period("2025Q1", freq="Q")].any(axis=0)
    k_end = int(crossed[plausible].sum())
    assert table.at["cpi", "by end"] == pytest.approx(k_end / (n - m))
    assert table.at["cpi", "by end low"] == pytest.approx(k_end / n)
    assert table.at["cpi", "by end high"] == pytest.approx((k_end + m) / n)
    assert table.attrs["implausible_share"] == pytest.approx(m / n)


def test_a_note_says_when_many_draws_are_implausible(ensemble) -> None:
    import dataclasses

    few = np.zeros(ensemble.draws, dtype=bool)
    few[: int(mc_module.NOTE_SHARE * ensemble.draws)] = True  # at the threshold: no note
    quiet = dataclasses.replace(ensemble, implausible=few)
    assert quiet.note == "" and "note:" not in quiet.summary() and quiet.probability_table().attrs["note"] == ""
    many = few.copy()
    many[: int(0.2 * ensemble.draws)] = True
    flagged = dataclasses.replace(ensemble, implausible=many)
    assert flagged.note.startswith(f"note: {flagged.implausible_share:.0%} of the draws ({int(many.sum()):,} of "
                                   f"{ensemble.draws:,}) leave the plausibility bounds")
    assert flagged.note in flagged.summary() and flagged.probability_table().attrs["note"] == flagged.note


def test_crossings_count_from_the_projection_not_the_history_kept_for_the_charts() -> None:
    mc = montecarlo("broad_front", draws=60, seed=2, variables=["cpi_inflation"])  # keeps 2024 for the charts
    assert mc.quarters[0] < pd.Period("2025Q1", freq="Q")
    cpi = mc.array("cpi_inflation")
    assert (cpi[:, mc.quarters < pd.Period("2025Q1", freq="Q")] > 8.0).any()  # history crosses: must not count
    first = mc.first_crossing("cpi_inflation", above=8.0)
    assert (first.dropna() >= pd.Period("2025Q1", freq="Q")).all()
    projection = cpi[:, mc.quarters >= pd.Period("2025Q1", freq="Q")] > 8.0
    ever = mc.probability("cpi_inflation", above=8.0, by="ever")
    assert ever.loc[:"2024Q4"].isna().all() and ever.iloc[-1] == pytest.approx(projection.any(axis=1).mean())
    assert first.notna().mean() == pytest.approx(projection.any(axis=1).mean())


def test_an_end_before_the_projection_is_refused() -> None:
    # the risks start with the projection: an ensemble that keeps no projection quarter has nothing to say
    with pytest.raises(ScenarioError, match=r"end: '2024Q4' is before the projection's first quarter 2025Q1; "
                                            r"allowed: 2025Q1 to 2035Q4"):
        montecarlo("broad_front", draws=10, end="2024Q4")
    with pytest.raises(ScenarioError, match=r"^end: '2020Q1' is before the projection's first quarter 2025Q1; "
                                            r"allowed: 2025Q1 to 2035Q4$"):  # not the rule of simulate()'s start
        montecarlo("broad_front", draws=10, end="2020Q1")


def test_implausible_draws_are_counted_and_left_out_of_the_statistics(ensemble) -> None:
    bad = int(ensemble.implausible.sum())
    assert 0 < bad < ensemble.draws / 5  # the priors' tails reach the plausibility bounds now and then
    assert f"implausible draws: {bad:,} of {ensemble.draws:,}" in ensemble.summary()
    q = ensemble.quantiles("cpi_inflation", q=[0.5])
    manual = np.median(ensemble.values["scenario"]["cpi_inflation"][~ensemble.implausible], axis=0)
    assert np.allclose(q[("cpi_inflation", 0.5)].to_numpy(), manual) and q.attrs["implausible"] == bad
    assert ensemble.effect("usd_rub").shape == (len(ensemble.quarters), ensemble.draws - bad)
    assert sum(ensemble.reasons.values()) >= bad  # every excluded draw has a bound it breaks


def test_switching_a_source_off_narrows_the_band() -> None:
    def band(sources: tuple[str, ...], v: str) -> float:
        mc = montecarlo("baseline", draws=400, seed=2, variables=[v], sources=sources)
        q = mc.quantiles(v, q=[0.05, 0.95]).loc["2030Q4", v]
        return float(q[0.95] - q[0.05])

    assert band(("parameters", "oil", "ruble"), "usd_rub") > 1.2 * band(("parameters", "oil"), "usd_rub")
    assert band(("parameters", "oil", "ruble"), "usd_rub") > 1.2 * band(("parameters", "ruble"), "usd_rub")
    assert band(("parameters", "oil", "ruble"), "output_civilian") > 2 * band(("oil", "ruble"), "output_civilian")


def test_effects_are_paired_differences_and_the_files_round_trip(ensemble, tmp_path) -> None:
    e = ensemble.effect("output_civilian", q=[0.05, 0.5, 0.95])
    assert (e[0.05] <= e[0.5]).all() and (e[0.5] <= e[0.95]).all()
    assert e.loc["2025Q1", 0.5] == pytest.approx(0.0, abs=1e-6)  # the lever starts later: no effect yet
    for path in (ensemble.to_parquet(tmp_path / "mc.parquet"), ensemble.to_csv(tmp_path / "mc.csv")):
        back = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        assert len(back) == len(VARS) * ensemble.draws * len(ensemble.quarters)
        row = back[(back["variable"] == "usd_rub") & (back["draw"] == 17) & (back["quarter"] == "2027Q4")]
        i = ensemble.quarters.get_loc(pd.Period("2027Q4", freq="Q"))
        # the CSV keeps 12 significant digits (twosector.files.plain_numbers)
        assert row["scenario"].item() == pytest.approx(ensemble.values["scenario"]["usd_rub"][17, i], rel=1e-11)
        assert row["effect"].item() == pytest.approx(ensemble.array("usd_rub", "effect", False)[17, i], rel=1e-9)
        # each row says its unit, the catalogue's
        units = back.groupby("variable", observed=True)["unit"].unique()
        assert {v: list(u) for v, u in units.items()} == {v: [twosector.variable_table().at[v, "unit"]] for v in VARS}


def test_the_parquet_draws_file_says_where_its_draws_come_from(tmp_path) -> None:
    from twosector.data import data_vintage

    mc = montecarlo("oil_price_cap", draws=12, seed=4, variables=["cpi_inflation"], sources=("oil", "ruble"))
    path = mc.to_parquet(tmp_path / "draws.parquet")
    meta = mc_module.read_metadata(path)
    assert meta == {"scenario": "oil_price_cap", "baseline": "baseline", "seed": 4, "draws": 12,
                    "implausible": int(mc.implausible.sum()), "sources": ["oil", "ruble"],
                    "variables": ["cpi_inflation"], "first_quarter": "2024Q1", "last_quarter": "2030Q4",
                    "twosector_version": twosector.__version__, "data_vintage": data_vintage()}
    import pyarrow.parquet as pq

    assert pq.read_schema(path).metadata[b"twosector"]  # plain key-value metadata, for any Parquet reader
    assert pd.read_parquet(path).attrs == meta  # and pandas gives it back as the frame's attrs
    mc.to_csv(tmp_path / "draws.csv")
    with pytest.raises(TwosectorError, match="cannot read .* as a Parquet file"):
        mc_module.read_metadata(tmp_path / "draws.csv")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(TwosectorError, match="has no twosector metadata; allowed: a file written by"):
        mc_module.read_metadata(tmp_path / "other.parquet")


@pytest.mark.parametrize("kwargs, words", [
    ({"sources": ("parameters", "oill")}, ["sources", "'oill'", "Did you mean 'oil'"]),
    ({"sources": "rubel"}, ["sources", "'rubel'", "Did you mean 'ruble'"]),
    ({"variables": ["cpi_inflaton"]}, ["variables", "'cpi_inflaton'", "Did you mean 'cpi_inflation'"]),
    ({"engine": "dsak"}, ["engine", "'dsak'", "local"]),
    ({"draws": 0}, ["draws", "positive integer"]),
    ({"chunk": 2.5}, ["chunk", "positive integer"]),
    ({"seed": -1}, ["seed", "non-negative"]),
])
def test_bad_arguments_raise_one_error_naming_them(kwargs, words) -> None:
    with pytest.raises(TwosectorError) as err:
        montecarlo("baseline", draws=kwargs.pop("draws", 2), **kwargs)
    for w in words:
        assert w in str(err.value)


def test_statistics_name_a_variable_that_was_not_kept(ensemble) -> None:
    with pytest.raises(TwosectorError, match="'cpi_inflaton'.*Did you mean 'cpi_inflation'"):
        ensemble.probability("cpi_inflaton", above=10)
    with pytest.raises(TwosectorError, match="exactly one of above= or below="):
        ensemble.probability("cpi_inflation", above=10, below=2)


@pytest.mark.parametrize(("call", "message"), [
    (lambda e: e.probability("cpi_inflation", above="x"),
     "above: 'x' is not allowed; allowed: a finite number in the variable's unit (e.g. above=10.0 for CPI "
     "inflation in %)"),
    (lambda e: e.probability("cpi_inflation", above=float("nan")), "above: nan is not allowed;"),
    (lambda e: e.probability("cpi_inflation", below=True), "below: True is not allowed;"),
    (lambda e: e.first_crossing("nwf_liquid", below=float("-inf")), "below: -inf is not allowed;"),
    (lambda e: e.first_crossing("nwf_liquid"),
     "first_crossing: give exactly one of above= or below= (a threshold in the variable's unit)"),
    (lambda e: e.probability_table({"dear": ("cpi_inflation", "above", "10")}),
     "thresholds['dear']: '10' is not allowed;"),
    (lambda e: e.key_probabilities(thresholds={"dear": ("cpi_inflation", "above", None)}),
     "thresholds['dear']: None is not allowed;"),
])
def test_thresholds_that_are_not_finite_numbers_are_named(ensemble, call, message) -> None:
    with pytest.raises(TwosectorError) as err:
        call(ensemble)
    assert str(err.value).startswith(message), str(err.value)


def test_the_probability_table_gathers_the_key_thresholds(ensemble) -> None:
    table = ensemble.probability_table()
    assert list(table.index) == ["liquid NWF below 0.5 trn RUB", "CPI inflation above 10%",
                                 "civilian output below its 2021 level"]  # the strain index was not kept
    row = table.loc["CPI inflation above 10%"]
    by_year = ensemble.probability("cpi_inflation", above=10.0, by="year")
    assert np.allclose(row[list(by_year.index)].to_numpy(dtype=float), by_year.to_numpy())
    first = ensemble.first_crossing("nwf_liquid", below=0.5).dropna().sort_values()
    assert table.loc["liquid NWF below 0.5 trn RUB", "median first"] == str(first.iloc[(len(first) - 1) // 2])
    assert table.loc["liquid NWF below 0.5 trn RUB", "by end"] == pytest.approx(
        len(first) / (ensemble.draws - ensemble.implausible.sum()))
    with pytest.raises(TwosectorError, match="direction 'over'"):
        ensemble.probability_table({"x": ("cpi_inflation", "over", 1.0)})


def test_the_probability_table_counts_projection_quarters_only_with_the_baseline_on_the_same_draws() -> None:
    mc = montecarlo("ceasefire", draws=40, seed=2, variables=["cpi_inflation", "nwf_liquid"])
    assert mc.quarters[0] < twosector.calendar.PROJECTION_START  # 2024 is kept for the charts' context
    table = mc.probability_table({"CPI above 3%": ("cpi_inflation", "above", 3.0)})  # crossed in 2024 already
    assert twosector.calendar.DATA_CUTOFF.year not in table.columns
    row = table.loc["CPI above 3%"]
    assert pd.Period(row["median first"], freq="Q") >= twosector.calendar.PROJECTION_START
    counted = mc.quarters >= twosector.calendar.PROJECTION_START
    base = mc.array("cpi_inflation", "baseline")[:, counted] > 3.0
    assert row["baseline by end"] == pytest.approx(base.any(axis=1).mean())
    assert mc.key_probabilities(run="baseline")["p_cpi_inflation_above_10"] == pytest.approx(
        (mc.array("cpi_inflation", "baseline")[:, counted] > 10).any(axis=1).mean())
    assert table.attrs["draws"] == 40


def test_a_result_larger_than_memory_is_refused_with_the_most_draws_allowed():
    with pytest.raises(TwosectorError, match=r"draws: 99,999,999,999,999 draws .* chunk\), more than this machine's "
                                             r".* allowed: at most about [\d,]+ draws here"):
        montecarlo("baseline", draws=99_999_999_999_999, variables=["gdp"])


def test_the_engines_working_memory_counts_so_smaller_chunks_fit_where_larger_ones_do_not(monkeypatch) -> None:
    monkeypatch.setattr(mc_module, "available_memory", lambda: 20 * 2**20)  # the result itself is 0.4 MiB
    with pytest.raises(TwosectorError) as refused:
        montecarlo("baseline", draws=1000, chunk=1000, variables=["gdp"])  # about 25 MiB of working memory
    assert str(refused.value) == (
        "chunk: 1,000 draws a chunk with 1,000 draws of 1 variable(s) over 28 quarters need about 24.7 MiB (437.5 KiB "
        "for the result, 24.3 MiB of working memory at 1,000 draws a chunk), more than this machine's 20.0 MiB "
        "available; allowed: at most about 804 draws a chunk here (the draws are the same whatever the chunk)")
    assert montecarlo("baseline", draws=1000, chunk=800, variables=["gdp"]).draws == 1000  # as the message says


def test_the_working_memory_grows_with_the_variables_kept_and_the_chunks_held_at_once(monkeypatch) -> None:
    # measured: about 180 kB a draw of a chunk with all 104 variables kept, 26 kB with one (tracemalloc)
    monkeypatch.setattr(mc_module, "available_memory", lambda: 2**30)
    mc_module.check_memory(10_000, 1, 28)
    with pytest.raises(TwosectorError, match=r"^chunk: 5,000 draws a chunk .* 858\.3 MiB of working memory"):
        mc_module.check_memory(10_000, 104, 28)
    mc_module.check_memory(10_000, 104, 28, at_once=0)  # the chunks run on a cluster's workers
    with pytest.raises(TwosectorError, match=r"5,000 draws a chunk, 2 chunks at once\)"):
        mc_module.check_memory(10_000, 50, 28, at_once=mc_module.chunks_here("dask"))
    assert mc_module.chunks_here("dask", "tcp://host:8786") == 0 and mc_module.chunks_here() == 1
    mc_module.check_memory(4000, 104, 28, at_once=2)  # a run of one chunk holds one, whatever the engine
    monkeypatch.setattr(mc_module, "available_memory", lambda: 2 * 2**30)
    with pytest.raises(TwosectorError, match=r"draws here with --out, or a \.parquet file \(a quarter"):
        mc_module.check_memory(100_000, 6, 28, table="csv", option="--out")  # fits as Parquet, not as CSV
    mc_module.check_memory(100_000, 6, 28, table="parquet", option="--out")
    monkeypatch.setattr(mc_module, "available_memory", lambda: 4 * 10**9)
    with pytest.raises(TwosectorError) as refused:  # neither fits: Parquet is offered with its own count
        mc_module.check_memory(100_000, 20, 48, table="csv", option="--out", chunk=2000)
    assert refused.value.args[0].endswith("with --out, or about 42,230 draws with a .parquet file (fewer variables "
                                          "or a shorter horizon allow more)")
    monkeypatch.setattr(mc_module, "available_memory", lambda: 2**30)
    with pytest.raises(TwosectorError, match=r"\(1\.4 GiB for the result\), more"):  # no working memory here
        mc_module.check_memory(100_000, 20, 48, at_once=0)
    monkeypatch.setattr(mc_module, "available_memory", lambda: 1000)  # bytes
    with pytest.raises(TwosectorError, match=r"^draws: 1 draw of .* allowed: not even one draw fits"):
        mc_module.check_memory(1, 1, 28)


def test_key_probabilities_count_projection_quarters_up_to_the_quarter_only() -> None:
    mc = montecarlo("input_sanctions", draws=80, seed=9, variables=["cpi_inflation", "strain_index"])
    assert mc.quarters[0] < twosector.calendar.PROJECTION_START  # a year of history is kept, but never counted
    p = mc.key_probabilities(by="2026Q4")
    cpi = mc.array("cpi_inflation")
    counted = (mc.quarters >= twosector.calendar.PROJECTION_START) & (mc.quarters <= pd.Period("2026Q4", freq="Q"))
    assert p["p_cpi_inflation_above_10"] == pytest.approx((cpi[:, counted] > 10).any(axis=1).mean())
    assert p.attrs["labels"]["p_strain_index_above_1"] == "strain index above 1" and len(p) == 2
    assert (mc.key_probabilities() >= p).all()  # by a later quarter, at least as likely
    with pytest.raises(TwosectorError, match="by: '2024Q2'"):
        mc.key_probabilities(by="2024Q2")


def test_effects_in_the_convention_are_percent_of_the_paired_baseline_draw_and_pp_for_rates(ensemble) -> None:
    # the effect charts plotted index points of civilian output ("change, index 2021 = 100")
    from twosector import charts

    out = ensemble.array("output_civilian", "vs_baseline")
    scenario, base = ensemble.array("output_civilian"), ensemble.array("output_civilian", "baseline")
    assert np.allclose(out, 100 * (scenario - base) / np.abs(base))
    assert np.allclose(ensemble.array("cpi_inflation", "vs_baseline"), ensemble.array("cpi_inflation", "effect"))
    q = ensemble.quantiles(["output_civilian", "cpi_inflation"], run="vs_baseline")
    titles = [a.text for a in charts.fan(q, effect=True).layout.annotations]
    assert any("% vs baseline" in t for t in titles) and any("pp vs baseline" in t for t in titles)
    assert not any("change, index" in t for t in titles)
    assert "vs baseline" in ensemble.summary() and "  pp" in ensemble.summary()


def test_a_draws_file_larger_than_memory_is_refused_naming_the_writer(tmp_path, monkeypatch) -> None:
    mc = montecarlo("baseline", draws=30, seed=1, variables=["gdp"])
    monkeypatch.setattr(mc_module, "available_memory", lambda: 1000)  # bytes: less than the table's 30 x 28 rows
    for write, fmt in ((mc.to_csv, "CSV"), (mc.to_parquet, "PARQUET")):
        with pytest.raises(TwosectorError, match=rf"^to_{fmt.lower()}: writing the draws as {fmt} \(840 rows"):
            write(tmp_path / f"draws.{fmt.lower()}")
        assert not (tmp_path / f"draws.{fmt.lower()}").exists()
