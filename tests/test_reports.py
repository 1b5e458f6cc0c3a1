"""Report files: run results as JSON, the batch index page and results table, page templates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from twosector import reports
from twosector.charts import variable_label
from twosector.variables import units

# key results of one scenario, as tables.key_results returns them
KEY = {"at": "2027Q4", "strain_index": 4.2, "strain_index_vs_baseline": 1.2, "output_civilian_vs_baseline_pct": -3.5,
       "output_military_vs_baseline_pct": -1.0, "civilian_real_income_vs_baseline_pct": -2.0, "cpi_inflation": 6.1,
       "key_rate": 15.0, "nwf_liquid": 3.3, "budget_balance_gdp": -2.5}


def test_write_results_json(tmp_path):
    assert reports.write_results("") is None
    path = reports.write_results(tmp_path / "r.json", scenario="x", definition={"levers": {}},
                                 key={"a": float("nan"), "b": np.float64(1.5)},
                                 parameters={"end": "2030Q4", "results_path": "r"})
    saved = json.loads(path.read_text())
    assert saved["key_results"] == {"a": None, "b": 1.5}
    assert saved["parameters"] == {"end": "2030Q4"}
    assert saved["data_vintage"].startswith("data to 2024Q4, sha256:")


def test_write_index_one_row_per_distinct_scenario_and_failures_listed(tmp_path):
    from twosector.batch import NOTEBOOK_DIR, Run

    runs = [Run("00_quickstart", NOTEBOOK_DIR / "00_quickstart.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-broad_front", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "broad_front"}),
            Run("03_scenario-custom", NOTEBOOK_DIR / "03_scenario.ipynb",
                {"scenario": "broad_front", "lever": "tech_controls"}),
            Run("03_scenario-typo", NOTEBOOK_DIR / "03_scenario.ipynb", {"scenario": "brod_front"})]
    for run, levers, strain in ((runs[0], {"a": 1}, 1.0), (runs[1], {"a": 1}, 1.0), (runs[2], {"a": 2}, 2.0)):
        reports.write_results(tmp_path / "runs" / run.run_id / "results.json", scenario="broad_front",
                              definition={"name": "broad_front", "description": run.run_id, "levers": levers},
                              key={**KEY, "strain_index_vs_baseline": strain})
        (tmp_path / "runs" / run.run_id / "report.html").write_text("<html></html>")
    status = {r.run_id: {"status": "ok"} for r in runs[:3]}
    status["03_scenario-typo"] = {"status": "failed", "cell": 5, "error": "ScenarioError",
                                  "message": "unknown scenario 'brod_front' <script>alert(1)</script>"}
    index = reports.write_batch_index(tmp_path, runs, status).read_text()
    # the quickstart ran the same levers as 03_scenario-broad_front: one summary row, linking 03's report
    assert index.count("<td class='l'>broad_front</td>") == 2  # the plain and the changed-lever scenario
    assert "href='runs/03_scenario-broad_front/report.html'" in index
    assert "href='runs/03_scenario-custom/report.html'" in index
    # every value is HTML-escaped by the template (autoescape): text from a run cannot inject markup
    assert "ScenarioError: unknown scenario &#39;brod_front&#39; &lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<script>alert" not in index
    # level columns are labelled with the variable catalogue's units
    for name in ("key_rate", "nwf_liquid"):
        assert f"<th>{variable_label(name)}</th>" in index and f"({units()[name]})</th>" in index
    table = pd.read_csv(tmp_path / "results.csv")
    assert list(table["run_id"]) == [r.run_id for r in runs]
    assert table.set_index("run_id").loc["03_scenario-typo", "status"] == "failed"
    assert table["strain_index_vs_baseline"].tolist()[:3] == [1.0, 1.0, 2.0]


def test_pages_are_rendered_with_autoescape():
    page = reports.render("calibration_index.html.j2", end="2024Q4", n_set=12, facts_passed=3, facts_total=4,
                          claims_passed=2, claims_total=2, figures=["fit_<b>"],
                          estimates_table="<table>raw</table>", facts_table=reports._safe("<table>kept</table>"),
                          scoreboard_summary="", scoreboard_table="")
    assert "fit_&lt;b&gt;" in page and "<b>" not in page
    assert "&lt;table&gt;raw&lt;/table&gt;" in page  # plain text is escaped ...
    assert "<table>kept</table>" in page  # ... only fragments marked safe (pandas, plotly) pass as HTML
