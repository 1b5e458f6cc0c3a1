"""The notebook suite: stored clean, parameters documented, and every notebook executes with fast settings."""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["00_quickstart", "01_data", "02_calibration", "03_scenario", "04_gradual_vs_sudden", "05_ceasefire",
         "06_uncertainty", "07_compare"]


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.cell_type == "code")


def declared(nb: nbformat.NotebookNode) -> list[str]:
    tree = ast.parse(parameters_cell(nb).source)
    assert all(isinstance(node, ast.AnnAssign) for node in tree.body), "parameters must be typed literals"
    for node in tree.body:
        ast.literal_eval(node.value)  # literals only: papermill cannot override derived values
    return [node.target.id for node in tree.body]


def test_the_suite_is_complete():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs_and_with_the_standard_first_cells(name):
    nb = load(name)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: stored with outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert "validate_notebook_params(globals()" in code[1].source
    params = declared(nb)
    assert {"save_figures", "results_path", "force"} <= set(params)


@pytest.mark.parametrize("name", NAMES)
def test_papermill_documents_every_parameter(name):
    nb = load(name)
    inferred = papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert list(inferred) == declared(nb)
    for pname, info in inferred.items():
        assert info["help"], f"{name}: parameter {pname!r} has no comment"
        assert info["inferred_type_name"] != "None", f"{name}: parameter {pname!r} has no type"


def execute(tmp_path: Path, name: str, **parameters) -> tuple[nbformat.NotebookNode, dict]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    results = tmp_path / "results.json"
    nb = papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"), str(tmp_path / f"{name}.ipynb"),
        parameters={**parameters, "results_path": str(results)}, kernel_name="python3",
        progress_bar=False, cwd=str(tmp_path), request_save_on_cell_execute=False,
        # a kernel slow to start on a loaded machine is not a failure of the notebook (60 s, papermill's default,
        # was missed once with two test workers and other sessions running)
        start_timeout=180,
    )
    return nb, json.loads(results.read_text()) if results.is_file() else {}


def outputs(nb, kind):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == kind]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_fast_settings(name, notebook_batch):
    # executed once for the session by the batch runner (tests/conftest.py), with a short horizon
    nb = nbformat.read(notebook_batch.folder(name) / "notebook.ipynb", as_version=4)
    saved = notebook_batch.results(name)
    assert not outputs(nb, "error")
    figures = [o for o in outputs(nb, "display_data") if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert figures, f"{name}: no plotly charts"
    # the offline renderer embeds plotly.js (no CDN) so the charts survive HTML export
    html = [o["data"]["text/html"] for o in outputs(nb, "display_data") if "text/html" in o.get("data", {})]
    assert any("define('plotly'" in h or "Plotly" in h for h in html)
    assert not any(re.search(r"src=[\"']https?://", h) for h in html), "a script is loaded from the network"
    assert saved["twosector_version"] and saved["data_vintage"].startswith("data to 2024Q4")
    if name in ("00_quickstart", "03_scenario", "04_gradual_vs_sudden", "05_ceasefire"):
        key = saved["key_results"]
        assert key["at"] == notebook_batch.end  # the key quarter 2027Q4 lies beyond the fast horizon
        assert all(math.isfinite(v) for k, v in key.items() if k != "at")
        assert saved["scenario_definition"]["levers"]
    if name == "05_ceasefire":
        assert saved["scenario"] == "ceasefire"
        assert saved["scenario_definition"]["levers"]["ceasefire"]["start"] == "2025Q3"
        figures_dir = notebook_batch.folder(name) / "figures"
        assert sorted(p.suffix for p in figures_dir.glob("ceasefire_wind_down.*")) == [".png", ".svg"]
    if name in ("03_scenario", "06_uncertainty"):  # fan charts of the effect and key threshold probabilities
        fans = [f for f in figures if "draws" in json.dumps(f["data"]["application/vnd.plotly.v1+json"]["layout"])]
        assert fans, f"{name}: no fan chart"
        probabilities = {k: v for k, v in saved["key_results"].items() if k.startswith("p_")}
        assert "p_nwf_liquid_below_0.5" in probabilities and all(0 <= v <= 1 for v in probabilities.values())
        report = (notebook_batch.folder(name) / "report.html").read_text()
        assert "vs the baseline: median and bands" in report  # the fan chart of the effect, in the report
    if name == "06_uncertainty":
        tables = [o["data"]["text/html"] for o in outputs(nb, "execute_result") if "text/html" in o.get("data", {})]
        assert any("by end" in t and "median first" in t for t in tables), "no probability table"
        assert "median first" in report and "What drives" in report  # probability table and tornado, reported
        assert saved["extra"]["draws"] == 50 and saved["extra"]["strain_driver"]
    if name == "02_calibration":
        assert 0 < saved["extra"]["facts_pass"] <= saved["extra"]["facts"]
        assert saved["parameters"]["cutoffs"] == ["2023Q4"]
        assert saved["parameters"]["vintages"] == ["2023Q4"]
        assert set(saved["extra"]["scoreboard_ambition_met"]) <= {"gdp_growth", "cpi_dec", "key_rate_avg",
                                                                  "unemployment_dec"}
    if name == "01_data":
        assert saved["extra"]["series"] > 50 and saved["extra"]["verified"] > 0
    if name == "07_compare":
        assert saved["extra"]["packages"] == 3
        book = pd.read_excel(notebook_batch.folder(name) / "tables" / "packages_tables.xlsx", sheet_name="milestones",
                             index_col=0)
        assert list(book.columns) == ["broad_front", "sudden_shock", "skilled_emigration", "baseline"]


@pytest.mark.slow
def test_parameter_override_changes_the_result(tmp_path, notebook_batch):
    default = notebook_batch.results("03_scenario")
    _, stronger = execute(tmp_path, "03_scenario", end=notebook_batch.end, lever="input_sanctions", intensity=1.0,
                          ramp=0)
    lever = stronger["scenario_definition"]["levers"]["input_sanctions"]
    assert (lever["intensity"], lever["ramp"]) == (1.0, 0)
    assert default["scenario"] == "input_sanctions" and stronger["scenario"] == "input_sanctions_custom"
    # full-intensity input sanctions at once hurt civilian output more than half intensity built up over a year
    key = "output_civilian_vs_baseline_pct"
    assert stronger["key_results"][key] < default["key_results"][key] < 0


@pytest.mark.slow
def test_unknown_parameter_fails_with_a_clear_message(tmp_path):
    with pytest.raises(PapermillExecutionError) as err:
        execute(tmp_path, "00_quickstart", scenaro="broad_front")
    assert err.value.ename == "ParameterError"
    assert "unknown notebook parameter 'scenaro'. Did you mean 'scenario'?" in err.value.evalue
    # the cell shows that one line, not a traceback through the package (setup_notebook's error display)
    assert err.value.traceback == [f"ParameterError: {err.value.evalue}"]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "parameters", "message"), [
    ("00_quickstart", {}, "notebook parameter 'results_path' = '{results}' already exists and is not a notebook's"),
    ("03_scenario", {"end": "2024Q4", "draws": 0}, "notebook parameter 'end' = '2024Q4' is not a projected quarter"),
    ("07_compare", {"end": "2024Q4"}, "notebook parameter 'end' = '2024Q4' is not a projected quarter"),
    ("02_calibration", {"cutoffs": []}, "notebook parameter 'cutoffs' = [] is not allowed"),
])
def test_the_validation_cell_stops_bad_parameters_with_one_message(tmp_path, name, parameters, message):
    results = tmp_path / "results.json"
    if name == "00_quickstart":  # a file of the user's where the results would go
        results.write_text('{"mine": 1}\n')
    with pytest.raises(PapermillExecutionError) as err:
        execute(tmp_path, name, **parameters)
    assert err.value.exec_count == 3  # the validation cell (after the injected one), before any work
    assert err.value.evalue.startswith(message.format(results=results))
    assert err.value.traceback == [f"{err.value.ename}: {err.value.evalue}"]
    if name == "00_quickstart":
        assert results.read_text() == '{"mine": 1}\n'
