"""Result tables: key results, "what changed vs baseline, by when", lever pressure, strain summary, results JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from twosector import report
from twosector.errors import TwosectorError
from twosector.report import Milestone

QUARTERS = pd.period_range("2019Q1", "2030Q4", freq="Q")
COLUMNS = ["output_civilian", "output_military", "civilian_real_income", "wage_civilian", "cpi_inflation", "key_rate",
           "nwf_liquid", "budget_balance_gdp", "strain_index"]


def baseline() -> pd.DataFrame:
    frame = pd.DataFrame(100.0, index=QUARTERS, columns=COLUMNS)
    frame["cpi_inflation"], frame["key_rate"], frame["budget_balance_gdp"] = 8.0, 16.0, -2.0
    frame["strain_index"] = 3.0
    frame["nwf_liquid"] = np.linspace(12.0, 0.5, len(QUARTERS))  # runs down to 0.5 by 2030Q4
    return frame


def scenario() -> pd.DataFrame:
    """Civilian output falls 1% a quarter below baseline from 2025Q1; everything else worsens a little."""
    frame = baseline()
    k = np.clip(np.arange(len(QUARTERS)) - QUARTERS.get_loc(pd.Period("2025Q1", freq="Q")) + 1, 0, None)
    frame["output_civilian"] = 100.0 * (1 - 0.01 * k)
    frame["key_rate"] = 16.0 + 0.25 * k
    frame["strain_index"] = 3.0 + 0.2 * k
    frame["nwf_liquid"] = baseline()["nwf_liquid"] - 0.1 * k
    return frame


def test_key_results_levels_and_differences():
    key = report.key_results(scenario(), baseline(), at="2025Q4")
    # 2025Q4 is the 4th projected quarter: civilian output 4% below, strain 0.8 points, key rate 17%
    assert key["at"] == "2025Q4"
    assert key["output_civilian_vs_baseline_pct"] == pytest.approx(-4.0)
    assert key["strain_index_vs_baseline"] == pytest.approx(0.8)
    assert key["key_rate"] == pytest.approx(17.0)
    assert key["output_military_vs_baseline_pct"] == pytest.approx(0.0)


def test_key_results_fall_back_to_the_last_quarter_of_a_short_run():
    short = scenario().loc[:"2026Q2"]
    assert report.key_results(short, baseline().loc[:"2026Q2"], at="2027Q4")["at"] == "2026Q2"
    with pytest.raises(TwosectorError, match="quarter such as '2027Q4'"):
        report.key_results(short, baseline(), at="late")
    with pytest.raises(TwosectorError, match="unknown variable in result 'key_rate'"):
        report.key_results(short.drop(columns="key_rate"), baseline())


def test_milestones_date_each_threshold():
    table = report.milestones(scenario(), baseline())
    # 1% below after one quarter (2025Q1), 3% after three (2025Q3)
    assert table.loc["civilian output 1% below baseline", "scenario"] == "2025Q1"
    assert table.loc["civilian output 3% below baseline", "scenario"] == "2025Q3"
    # key rate +1 pp after four quarters; strain +1 point after five
    assert table.loc["key rate 1 pp above baseline", "scenario"] == "2025Q4"
    assert table.loc["strain index 1 point above baseline", "scenario"] == "2026Q1"
    assert table.loc["CPI inflation 1 pp above baseline", "scenario"] == "not by 2030Q4"
    # a level threshold is dated in both; the scenario drains the NWF earlier than the baseline
    nwf = table.loc["NWF liquid assets below 1 trn RUB"]
    assert nwf["baseline"] != "n/a" and nwf["quarters_earlier"] > 0
    assert pd.Period(nwf["scenario"], freq="Q") < pd.Period(nwf["baseline"], freq="Q")
    assert table.loc["civilian output 1% below baseline", "baseline"] == "n/a"
    assert table.loc["civilian output 1% below baseline", "quarters_earlier"] == ""


def test_milestones_ignore_history_and_check_rules():
    early = scenario()
    early.loc[:"2024Q4", "key_rate"] = 30.0  # a crossing before the projection does not count
    assert report.milestones(early, baseline()).loc["key rate 1 pp above baseline", "scenario"] == "2025Q4"
    with pytest.raises(TwosectorError, match="unknown rule kind 'above'"):
        report.milestones(scenario(), baseline(), rules=[Milestone("x", "key_rate", "above", 1.0)])


def test_changes_use_percent_for_levels_and_points_for_rates():
    table = report.changes(scenario(), baseline(), quarters=["2025Q4", "2026Q4", "2035Q4"])
    assert list(table.columns) == ["measure", "2025Q4", "2026Q4"]  # quarters beyond the horizon are dropped
    assert table.loc["output_civilian", "measure"] == "% vs baseline"
    assert table.loc["output_civilian", "2026Q4"] == pytest.approx(-8.0)
    assert table.loc["key_rate", "measure"] == "pp vs baseline"
    assert table.loc["key_rate", "2025Q4"] == pytest.approx(1.0)
    assert table.loc["strain_index", "measure"] == "points vs baseline"


def test_pressure_sums_intensity_over_quarters():
    sudden = {"levers": {"input_sanctions": {"intensity": 0.5, "start": "2025Q1", "ramp": 0, "end": "2025Q4"}}}
    persistent = {"levers": {"input_sanctions": {"intensity": 0.5, "start": "2025Q1", "ramp": 0}}}
    table = report.pressure({"sudden": sudden, "persistent": persistent})
    assert table.loc["input_sanctions", "sudden"] == pytest.approx(0.5 * 4)  # four quarters at full strength
    assert table.loc["input_sanctions", "persistent"] == pytest.approx(0.5 * 24)  # 2025Q1-2030Q4
    assert report.pressure(["baseline"]).empty


def test_strain_summary():
    table = report.strain_summary({"s": scenario()}, baseline())
    row = table.loc["s"]
    assert row["peak_quarter"] == "2030Q4" and row["peak_gap"] == pytest.approx(0.2 * 24)
    assert row["first_above"] == "2026Q1" and row["quarters_above"] == 24 - 4
    assert row["cumulative_gap"] == pytest.approx(0.2 * sum(range(1, 25)))


def test_write_results_json(tmp_path):
    assert report.write_results("") is None
    path = report.write_results(tmp_path / "r.json", scenario="x", definition={"levers": {}},
                                key={"a": float("nan"), "b": np.float64(1.5)}, parameters={"end": "2030Q4", "results_path": "r"})
    saved = json.loads(path.read_text())
    assert saved["key_results"] == {"a": None, "b": 1.5}
    assert saved["parameters"] == {"end": "2030Q4"}
    assert saved["data_vintage"].startswith("data to 2024Q4, sha256:")


def test_write_index_one_row_per_distinct_scenario_and_failures_listed(tmp_path):
    from twosector.batch import NOTEBOOK_DIR, Run

    runs = [Run("00_quickstart", NOTEBOOK_DIR / "00_quickstart.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-broad_front", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-custom", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "broad_front", "lever": "tech_controls"}),
            Run("03_scenario-typo", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "brod_front"})]
    key = report.key_results(scenario(), baseline())
    for run, levers, strain in ((runs[0], {"a": 1}, 1.0), (runs[1], {"a": 1}, 1.0), (runs[2], {"a": 2}, 2.0)):
        report.write_results(tmp_path / "runs" / run.run_id / "results.json", scenario="broad_front",
                             definition={"name": "broad_front", "description": run.run_id, "levers": levers},
                             key={**key, "strain_index_vs_baseline": strain})
        (tmp_path / "runs" / run.run_id / "report.html").write_text("<html></html>")
    status = {r.run_id: {"status": "ok"} for r in runs[:3]}
    status["03_scenario-typo"] = {"status": "failed", "cell": 5, "error": "ScenarioError", "message": "unknown scenario 'brod_front'"}
    index = report.write_index(tmp_path, runs, status).read_text()
    # the quickstart ran the same levers as 03_scenario-broad_front: one summary row, linking 03's report
    assert index.count("<td class='l'>broad_front</td>") == 2  # the plain and the changed-lever scenario
    assert "href='runs/03_scenario-broad_front/report.html'" in index
    assert "href='runs/03_scenario-custom/report.html'" in index
    assert "ScenarioError: unknown scenario &#x27;brod_front&#x27;" in index
    table = pd.read_csv(tmp_path / "results.csv")
    assert list(table["run_id"]) == [r.run_id for r in runs]
    assert table.set_index("run_id").loc["03_scenario-typo", "status"] == "failed"
    assert table["strain_index_vs_baseline"].tolist()[:3] == [1.0, 1.0, 2.0]
