"""The papermill batch runner (twosector/batch.py).

Grids, parallel runs, failure records, resume, outputs and provenance, and the report pages it leaves, opened
in a browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import textwrap
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from twosector import batch, pressure
from twosector.batch import Run, default_grid, load_grid, run_batch
from twosector.errors import TwosectorError, TwosectorWarning

# The batch tests below share one run of the notebook suite (tests/conftest.py: notebook_batch): every notebook
# with fast settings, one run that fails in its validation cell (a misspelt scenario), then a re-run of the grid.


@pytest.mark.slow
def test_failure_is_recorded_and_other_runs_are_kept(notebook_batch):
    out, first = notebook_batch.out, notebook_batch.first
    by_id = first.set_index("run_id")
    assert (by_id.drop(index=notebook_batch.failing)["status"] == "ok").all()
    assert by_id.loc[notebook_batch.failing, "status"] == "failed"
    for run_id in notebook_batch.runs.values():
        folder = out / "runs" / run_id
        assert (folder / "notebook.ipynb").is_file() and (folder / "report.html").is_file()
        assert (folder / "results.json").is_file()
    record = json.loads((out / "status.json").read_text())["runs"][notebook_batch.failing]
    assert record["error"] == "ScenarioError"
    assert "'brod_front'" in record["message"] and "Did you mean 'broad_front'" in record["message"]
    # the recorded cell is the one that raised, in the executed notebook kept for inspection
    executed = nbformat.read(out / "runs" / notebook_batch.failing / "notebook.ipynb", as_version=4)
    failing = executed.cells[record["cell"]]
    assert "load_scenario(scenario)" in failing.source
    assert any(o.get("output_type") == "error" for o in failing.outputs)


@pytest.mark.slow
def test_rerun_only_redoes_the_failed_run(notebook_batch):
    out, second, stamps = notebook_batch.out, notebook_batch.second, notebook_batch.stamps
    actions = second.set_index("run_id")["action"].to_dict()
    assert actions == {**{r: "skipped" for r in notebook_batch.runs.values()}, notebook_batch.failing: "ran"}
    after = {p.parent.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*/notebook.ipynb")}
    for run_id in notebook_batch.runs.values():
        assert after[run_id] == stamps[run_id]
    assert after[notebook_batch.failing] > stamps[notebook_batch.failing]
    status_after = json.loads((out / "status.json").read_text())["runs"]
    assert status_after["01_data"] == notebook_batch.status_before["01_data"]


@pytest.mark.slow
def test_report_has_no_code_but_keeps_charts(notebook_batch):
    html = (notebook_batch.folder("00_quickstart") / "report.html").read_text()
    assert "validate_notebook_params" not in html  # code cells are excluded
    assert "The civilian squeeze" in html  # prose and chart titles are there
    assert "Plotly.newPlot" in html or "Plotly.react" in html


@pytest.mark.slow
def test_compare_report_divides_each_package_by_its_own_pressure(notebook_batch):
    folder = notebook_batch.folder("07_compare") / "tables"
    read = {name: pd.read_csv(folder / f"packages_{name}.csv", index_col=0)
            for name in ("vs_baseline_year_ends", "per_pressure")}
    for frame in read.values():  # one header row: "<quantity (unit)>, <package>"
        frame.columns = pd.MultiIndex.from_tuples([tuple(c.rsplit(", ", 1)) for c in frame.columns],
                                                  names=["quantity", "package"])
    effects = read["vs_baseline_year_ends"].drop(columns="baseline", level="package")
    per = read["per_pressure"]
    assert set(per.columns.unique("package")) == {"broad_front", "sudden_shock", "skilled_emigration"}
    for (quantity, package), values in effects.items():
        size = pressure(package)
        assert size > 0
        column = (quantity.replace(" vs baseline)", " vs baseline per unit of pressure)"), package)
        assert per[column].to_numpy() == pytest.approx(values.to_numpy() / size, rel=1e-9)
    assert "Effects per unit of pressure" in (notebook_batch.folder("07_compare") / "report.html").read_text()


@pytest.mark.slow
def test_index_and_results_table_with_provenance(notebook_batch):
    out = notebook_batch.out
    index = (out / "index.html").read_text()
    assert "runs/00_quickstart-input_sanctions/report.html" in index
    assert "<h2>Packages compared over time</h2>" in index and "href='runs/07_compare/report.html'" in index
    assert "brod_front" in index and "ScenarioError" in index and "failed" in index
    assert (out / "plotly.min.js").stat().st_size > 1_000_000  # charts in index.html work offline
    # 03_scenario's Monte Carlo: the key probabilities per scenario
    assert "Key probabilities by then (Monte Carlo)" in index and "CPI inflation above 10%: " in index
    # each with the baseline's on the same draws, the draws used, and the baseline row filled
    assert "% (baseline " in index and re.search(r"draws used \(\d+ implausible, \d+%, left out", index)
    assert "on each package&#39;s plausible draws" in index or "on each package's plausible draws" in index
    table = pd.read_csv(out / "results.csv")
    assert set(table["run_id"]) == set(notebook_batch.first["run_id"])
    for column in ("twosector_version", "param_hash", "data_vintage", "scenario_definition", "parameters"):
        assert column in table
    row = table.set_index("run_id").loc["00_quickstart-input_sanctions"]
    assert row["status"] == "ok" and row["at"] == notebook_batch.end
    definition = json.loads(row["scenario_definition"])
    assert definition["levers"]["input_sanctions"]["intensity"] == 0.5
    assert json.loads(row["parameters"]) == {"end": notebook_batch.end, "scenario": "input_sanctions"}
    assert row["data_vintage"].startswith("data to 2024Q4")
    assert table["param_hash"].is_unique


# ------------------------------------------------------------------------------------------ grid files

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grid.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_grid_file_expands_scenarios_and_applies_defaults_where_declared(tmp_path):
    runs = load_grid(write(tmp_path, """
        [defaults]
        end = "2027Q4"

        [[run]]
        notebook = "03_scenario"
        scenarios = ["broad_front", "sudden_shock"]

        [[run]]
        notebook = "03_scenario"
        id = "tech_strong"
        parameters = { scenario = "baseline", lever = "tech_controls", intensity = 0.9 }

        [[run]]
        notebook = "01_data"
    """))
    assert [r.run_id for r in runs] == ["03_scenario-broad_front", "03_scenario-sudden_shock", "tech_strong", "01_data"]
    assert runs[0].parameters == {"end": "2027Q4", "scenario": "broad_front"}
    assert runs[2].parameters["intensity"] == 0.9
    assert runs[3].parameters == {}  # 01_data has no 'end' parameter: the default does not apply
    assert runs[0].param_hash != runs[1].param_hash


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[run]]\nnotebook = "03_scenaro"\n',
         r"entry 1: field 'notebook': unknown notebook '03_scenaro'. Did you mean '03_scenario'"),
        ('[[run]]\nnotebook = "03_scenario"\nparameters = { scenaro = "x" }\n',
         r"entry 1 \(notebook '03_scenario'\): field 'parameters': unknown parameter 'scenaro'. "
         r"Did you mean 'scenario'"),
        ('[[run]]\nnotebook = "01_data"\n[[run]]\nnotebok = "01_data"\n', r"entry 2: unknown field 'notebok'"),
        ('[[run]]\nnotebook = "01_data"\n[[run]]\nnotebook = "01_data"\n',
         r"entry 2 \(notebook '01_data'\): run id '01_data' is already used"),
        ('[[run]]\nnotebook = "01_data"\nscenarios = ["a"]\n', r"notebook '01_data' has no 'scenario' parameter"),
        ('[[run]]\nnotebook = "03_scenario"\nscenarios = "broad_front"\n',
         r"field 'scenarios' must be a non-empty list"),
        ('[defaults]\nendd = "2027Q4"\n[[run]]\nnotebook = "03_scenario"\n',
         r"\[defaults\]: unknown parameter 'endd'.*Did you mean 'end'"),
        ('[[run]]\nnotebook = "03_scenario"\nparameters = { results_path = "x" }\n',
         r"unknown parameter 'results_path'"),
        ("[[run]\nnotebook = 1\n", r"grid file .*grid.toml: malformed TOML \(.*line 1.*\); see docs/batch.md"),
        ("[defaults]\n", r"needs at least one \[\[run\]\] entry \(it has none\)$"),
        ("run = []\n", r"needs at least one \[\[run\]\] entry \(it has an empty list 'run'\)$"),
        ('[run]\nnotebook = "03_scenario"\n',  # one table where a list of tables ([[run]]) goes
         r"^grid file 'grid.toml': 'run' holds a table \(mapping\) \(\{'notebook': '03_scenario'\}\); allowed: a "
         r"list of runs, each a table: \[\[run\]\] tables in TOML, or in YAML a list under run: with '- ' before "
         r"each run's first field$"),
        ('run = "03_scenario"\n', r"'run' holds a str \('03_scenario'\); allowed: a list of runs"),
        # papermill warned about the suffix before the error (here, its warning became the error)
        ('[[run]]\nnotebook = "/etc/passwd"\n', r"^grid file 'grid.toml': \[\[run\]\] entry 1: field 'notebook' = "
         r"'/etc/passwd' is not a notebook file; allowed: a notebook name such as '03_scenario', or a path to an "
         r"\.ipynb file$"),
        # an id names the run's folder: '.' and '..' would be --out itself or its parent
        ('[[run]]\nnotebook = "01_data"\nid = "."\n', r"field 'id' must be .*, not only dots, .*got '\.'"),
        ('[[run]]\nnotebook = "01_data"\nid = ".."\n', r"field 'id' must be .*, not only dots, .*got '\.\.'"),
        ('[[run]]\nnotebook = "01_data"\nid = "' + "a" * 300 + '"\n',  # a traceback (file name too long)
         r"field 'id' .* at most 100 characters .*got 'a{40}…' \(300 characters\)"),
    ],
)
def test_malformed_grid_names_the_entry_and_field(tmp_path, text, message):
    with pytest.raises(TwosectorError, match=message):
        load_grid(write(tmp_path, text))


def test_missing_grid_file_and_bad_settings(tmp_path):
    with pytest.raises(TwosectorError, match=r"grid file '.*nope.toml' not found"):
        load_grid(tmp_path / "nope.toml")
    grid = {"run": [{"notebook": "01_data"}]}
    with pytest.raises(TwosectorError, match="workers must be a whole number >= 1, got 0"):
        run_batch(grid, out=tmp_path, workers=0)
    for timeout in (-1, 0, float("nan"), float("inf")):  # nan and inf passed and then failed every run
        with pytest.raises(TwosectorError, match="timeout must be a positive finite number"):
            run_batch(grid, out=tmp_path, timeout=timeout)
    assert not any(tmp_path.iterdir())  # nothing ran, nothing was written


def test_default_grid_is_every_builtin_scenario_plus_each_other_notebook():
    from twosector.scenarios import list_scenarios

    runs = default_grid()
    scenario_runs = [r for r in runs if r.name == "03_scenario"]
    expected = set(list_scenarios().index) - {"baseline"}  # the baseline is in every comparison already
    assert {r.parameters["scenario"] for r in scenario_runs} == expected
    others = [r.name for r in runs if r.name != "03_scenario"]
    assert sorted(others) == sorted(p.stem for p in batch.NOTEBOOK_DIR.glob("*.ipynb") if p.stem != "03_scenario")


def test_the_docs_give_the_default_grid_s_size():
    from twosector.scenarios import list_scenarios

    text = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text()
    words = r"With the (\d+) built-in scenarios and (\d+) notebooks that is (\d+) \+ (\d+) = (\d+) runs"
    said = re.search(words.replace(" ", r"\s+"), text)  # across line breaks
    assert said, "docs/batch.md: 'With the <n> built-in scenarios and <m> notebooks that is <a> + <b> = <c> runs'"
    runs = default_grid()
    scenario_runs = sum(r.name == batch.SCENARIO_NOTEBOOK for r in runs)
    expected = (len(list_scenarios()), len(list(batch.NOTEBOOK_DIR.glob("*.ipynb"))), scenario_runs,
                len(runs) - scenario_runs, len(runs))
    assert tuple(int(n) for n in said.groups()) == expected


def test_completed_run_is_redone_when_parameters_or_notebook_change(tmp_path):
    nb = batch.NOTEBOOK_DIR / "01_data.ipynb"
    run = Run("r", nb, {"vintage": "latest"})
    folder = tmp_path / "runs" / "r"
    folder.mkdir(parents=True)
    for name in ("notebook.ipynb", "report.html"):
        (folder / name).write_text("x")
    record = {"status": "ok", "param_hash": run.param_hash, "notebook_hash": batch._file_hash(nb),
              "outputs": batch._outputs(folder)}
    assert batch._is_done(run, record, tmp_path)
    # a report of the other kind (self-contained or sharing plotly.js) is redone
    assert batch._is_done(run, {**record, "self_contained": False}, tmp_path)
    assert not batch._is_done(run, {**record, "self_contained": False}, tmp_path, self_contained=True)
    assert not batch._is_done(run, {**record, "self_contained": True}, tmp_path)
    assert not batch._is_done(Run("r", nb, {"vintage": "first"}), record, tmp_path)
    assert not batch._is_done(run, {**record, "notebook_hash": "old"}, tmp_path)
    assert not batch._is_done(run, {**record, "status": "failed"}, tmp_path)
    assert not batch._is_done(run, {**record, "status": "running"}, tmp_path)
    with pytest.warns(TwosectorWarning, match="status.json says ok, but it lists no outputs"):
        assert not batch._is_done(run, {k: v for k, v in record.items() if k != "outputs"}, tmp_path)
    (folder / "report.html").write_text("y")  # same size, other content
    with pytest.warns(TwosectorWarning, match="report.html is not the file recorded when the run ended"):
        assert not batch._is_done(run, record, tmp_path)
    os.remove(folder / "report.html")
    with pytest.warns(TwosectorWarning, match="'r' is run again: status.json says ok, but report.html is missing"):
        assert not batch._is_done(run, record, tmp_path)


# ------------------------------------------------------------------------------------------ the worker

def test_kernel_start_failure_is_retried_once(tmp_path, tiny_notebook):
    source = tiny_notebook(tmp_path / "nb", "print('hello')")
    calls = []

    def flaky(input_path, output_path, **kwargs):
        calls.append(output_path)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        nbformat.write(nbformat.read(input_path, as_version=4), output_path)

    spec = {"run_id": "t", "notebook": str(source), "parameters": {}, "run_dir": str(tmp_path)}
    record = batch._execute(flaky, spec)
    assert record["status"] == "ok" and record["attempts"] == 2 and "Kernel died" in record["retried"]
    assert (tmp_path / "notebook.ipynb").is_file() and (tmp_path / "report.html").is_file()


def test_a_failing_cell_is_not_retried(tmp_path, tiny_notebook):
    from papermill.exceptions import PapermillExecutionError

    source = tiny_notebook(tmp_path / "nb", "1 / 0")
    calls = []

    def failing(input_path, output_path, **kwargs):
        calls.append(1)
        nb = nbformat.read(input_path, as_version=4)
        nb.cells[2].outputs = [
            nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
        nbformat.write(nb, output_path)
        raise PapermillExecutionError(2, 1, "1 / 0", "ZeroDivisionError", "division by zero", [])

    spec = {"run_id": "t", "notebook": str(source), "parameters": {}, "run_dir": str(tmp_path)}
    record = batch._execute(failing, spec)
    assert len(calls) == 1
    assert (record["status"], record["cell"], record["error"]) == ("failed", 2, "ZeroDivisionError")


def _disk_full_save(input_path, output_path, **kwargs):
    """What a full disk does to papermill's save after a cell: part of the notebook lands, then ENOSPC."""
    import errno

    Path(output_path).write_text(Path(input_path).read_text()[:200])
    try:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError as exc:
        raise RuntimeError("saving the notebook failed") from exc  # however papermill wraps it


def _disk_full_silently(input_path, output_path, **kwargs):
    Path(output_path).write_text(Path(input_path).read_text()[:200])  # cut short, no error raised


@pytest.mark.parametrize("papermill", [_disk_full_save, _disk_full_silently])
def test_a_full_disk_during_a_run_is_recorded_as_such_not_as_a_broken_notebook(tmp_path, tiny_notebook, monkeypatch,
                                                                                papermill):
    source = tiny_notebook(tmp_path / "nb", "print('hello')")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setattr(batch, "_cannot_write", lambda folder: "No space left on device")
    spec = {"run_id": "t", "notebook": str(source), "parameters": {}, "run_dir": str(run_dir)}
    record = batch._execute(papermill, spec)
    assert (record["status"], record["error"], record["attempts"]) == ("failed", "OSError", 1)
    assert record["message"] in ("cannot write the run's notebook (No space left on device)",
                                 "the run's notebook could not be saved (No space left on device)")
    assert "JSON" not in record["message"] and not (run_dir / "report.html").exists()


def test_a_notebook_cut_short_with_room_on_the_disk_says_what_was_read(tmp_path, tiny_notebook):
    source = tiny_notebook(tmp_path / "nb", "print('hello')")
    spec = {"run_id": "t", "notebook": str(source), "parameters": {}, "run_dir": str(tmp_path)}
    record = batch._execute(_disk_full_silently, spec)
    assert record["status"] == "failed" and record["message"].startswith(
        "the run's notebook could not be saved (NotJSONError: ")


def test_the_probe_of_a_full_disk_names_the_os_error(tmp_path, monkeypatch):
    import errno
    import tempfile

    assert batch._cannot_write(tmp_path) == "" and list(tmp_path.iterdir()) == []

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    assert batch._cannot_write(tmp_path) == "No space left on device"


@pytest.mark.parametrize(("timeout", "seconds"), [(90.5, 91), (600, 600), (0.2, 1), (None, None)])
def test_a_fractional_timeout_reaches_the_kernel_as_whole_seconds(tmp_path, tiny_notebook, timeout, seconds):
    # nbclient's cell timeout takes whole seconds: `--timeout 90.5` used to pass validation and fail every run
    from nbclient import NotebookClient
    from traitlets import TraitError

    source = tiny_notebook(tmp_path / "nb", "print('hello')")
    seen = {}

    def run(input_path, output_path, **kwargs):
        seen.update(kwargs)
        NotebookClient(nbformat.read(input_path, as_version=4), timeout=kwargs["execution_timeout"])  # the trait
        nbformat.write(nbformat.read(input_path, as_version=4), output_path)

    spec = {"run_id": "t", "notebook": str(source), "parameters": {}, "run_dir": str(tmp_path), "timeout": timeout}
    assert batch._execute(run, spec)["status"] == "ok"
    assert seen["execution_timeout"] == seconds
    with pytest.raises(TraitError):  # what a fractional value did
        NotebookClient(nbformat.v4.new_notebook(), timeout=90.5)


@pytest.mark.slow
def test_timeout_stops_the_run_and_names_the_cell(tmp_path, tiny_notebook):
    tiny_notebook(tmp_path / "nb", "import time\ntime.sleep(seconds)")
    grid = {"notebooks": str(tmp_path / "nb"), "run": [{"notebook": "tiny", "parameters": {"seconds": 60.0}}]}
    table = run_batch(grid, out=tmp_path / "out", workers=1, timeout=2, progress=False)
    row = table.iloc[0]
    assert row["status"] == "failed"
    assert "Timeout" in row["error"] or "timed out" in row["message"].lower()
    assert row["cell"] == 3  # the sleeping cell (after the injected-parameters cell)
    assert row["duration"] < 40


def test_two_scenario_files_of_one_name_are_named_with_what_works_instead(tmp_path):
    for folder in ("scen", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mine.toml").write_text("[levers.ceasefire]\nintensity = 1\n")
    grid = tmp_path / "grid.toml"
    grid.write_text('[[run]]\nnotebook = "03_scenario"\nscenarios = ["scen/mine.toml", "b/mine.toml"]\n')
    fix = ("rename one of the files, or give each its own [[run]] entry with parameters.scenario and a unique field "
           "'id' ('id' cannot be combined with 'scenarios')")
    with pytest.raises(TwosectorError) as exc:
        load_grid(grid)
    assert str(exc.value) == (
        "grid file 'grid.toml': [[run]] entry 1 (notebook '03_scenario'): scenarios 'scen/mine.toml' and 'b/mine.toml' "
        f"both give run id '03_scenario-mine' (the notebook and the scenario's name or file name without folder and "
        f"suffix); {fix}")
    grid.write_text('[[run]]\nnotebook = "03_scenario"\nscenarios = ["scen/mine.toml"]\n'
                    '[[run]]\nnotebook = "03_scenario"\nscenarios = ["baseline", "b/mine.toml"]\n')
    with pytest.raises(TwosectorError) as exc:
        load_grid(grid)
    assert str(exc.value) == (
        "grid file 'grid.toml': [[run]] entry 2 (notebook '03_scenario'): scenario 'b/mine.toml' gives run id "
        "'03_scenario-mine', already used by grid file 'grid.toml': [[run]] entry 1 (notebook '03_scenario') "
        f"(scenario 'scen/mine.toml'); {fix}")
    grid.write_text('[[run]]\nnotebook = "03_scenario"\nid = "first"\nparameters = {scenario = "scen/mine.toml"}\n'
                    '[[run]]\nnotebook = "03_scenario"\nid = "second"\nparameters = {scenario = "b/mine.toml"}\n')
    assert [r.run_id for r in load_grid(grid)] == ["first", "second"]  # what the message suggests works


@pytest.mark.parametrize(("grid", "message"), [
    ('[[run]]\nnotebook = "03_scenario"\nparameters = {end = 2030}\n',
     "[[run]] entry 1 (notebook '03_scenario'): parameter 'end': '2030' is a year; did you mean '2030Q4'?"),
    ('[defaults]\nstart = 2026\n[[run]]\nnotebook = "05_ceasefire"\n',
     "[[run]] entry 1 (notebook '05_ceasefire'): parameter 'start': '2026' is a year; did you mean '2026Q1'?"),
    ('[[run]]\nnotebook = "03_scenario"\nparameters = {key_quarter = "2027Q5"}\n',
     "[[run]] entry 1 (notebook '03_scenario'): parameter 'key_quarter': '2027Q5' is not a quarter; allowed: text "
     "like '2025Q2' (year, 'Q', quarter 1-4)"),
    ('[[run]]\nnotebook = "03_scenario"\nparameters = {draws = "many"}\n',
     "[[run]] entry 1 (notebook '03_scenario'): parameter 'draws' must be of type int (the notebook's declaration), "
     "got 'many' (str)"),
    ('[[run]]\nnotebook = "03_scenario"\nparameters = {intensity = true}\n',
     "[[run]] entry 1 (notebook '03_scenario'): parameter 'intensity' must be of type float (the notebook's "
     "declaration), got True (bool)"),
    ('[[run]]\nnotebook = "03_scenario"\nscenarios = ["baseline", "gone.toml"]\n',
     "[[run]] entry 1 (notebook '03_scenario'): parameter 'scenario': scenario file '{tmp}/gone.toml' not found"),
], ids=["year", "default-year", "quarter", "type", "bool", "missing-file"])
def test_a_grid_is_checked_against_the_notebooks_declarations_before_anything_runs(tmp_path, grid, message):
    path = tmp_path / "grid.toml"
    path.write_text(grid)
    with pytest.raises(TwosectorError) as exc:
        load_grid(path)
    assert str(exc.value).startswith("grid file 'grid.toml': " + message.format(tmp=tmp_path)), str(exc.value)


def test_example_grid_is_valid():
    runs = load_grid(Path(__file__).resolve().parents[1] / "examples" / "grid.toml")
    assert len(runs) >= 5 and len({r.run_id for r in runs}) == len(runs)
    assert {r.name for r in runs} >= {"03_scenario", "04_gradual_vs_sudden", "05_ceasefire"}


def test_a_yaml_grid_with_run_as_a_mapping_says_what_it_found_and_the_error_comes_alone(tmp_path, capsys):
    import warnings

    from twosector.cli import main

    grid = tmp_path / "g.yaml"
    grid.write_text("run:\n  notebook: 03_scenario\n")  # '- ' forgotten: one mapping, not a list of them
    with pytest.raises(TwosectorError, match=r"^grid file 'g.yaml': 'run' holds a table \(mapping\) "):
        load_grid(grid)
    other = tmp_path / "g.toml"
    other.write_text(f'[[run]]\nnotebook = "{grid}"\n')  # a file, but not a notebook
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as on the command line: a warning is printed, not raised
        assert main(["batch", str(other), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"twosector batch: error: grid file 'g.toml': [[run]] entry 1: field 'notebook' = {str(grid)!r} is not a "
        "notebook file; allowed: a notebook name such as '03_scenario', or a path to an .ipynb file"]


def test_a_yaml_grid_gives_the_runs_of_its_toml_twin(tmp_path):
    import tomllib

    import yaml

    (tmp_path / "mine.yaml").write_text("levers:\n  ceasefire: 1\n")
    toml = tmp_path / "grid.toml"
    toml.write_text((Path(__file__).resolve().parents[1] / "examples" / "grid.toml").read_text()
                    + '\n[[run]]\nnotebook = "03_scenario"\nscenarios = ["mine.yaml"]\n')
    twin = tmp_path / "grid.yaml"
    twin.write_text(yaml.safe_dump(tomllib.loads(toml.read_text())))
    runs = load_grid(twin)
    assert runs == load_grid(toml) and len(runs) >= 6
    assert runs[-1].run_id == "03_scenario-mine" and runs[-1].parameters["scenario"] == str(tmp_path / "mine.yaml")
    merged = tmp_path / "merged.yaml"  # a run's fields and its parameters, each merged in from an anchor
    merged.write_text("defaults: &defaults {end: 2030Q4, save_figures: false}\n"
                      "run:\n"
                      "  - &oil\n"
                      "    notebook: 03_scenario\n"
                      "    id: oil_and_secondary\n"
                      "    parameters:\n"
                      "      <<: *defaults\n"
                      "      scenario: oil_price_cap\n"
                      "      levers: {secondary_sanctions: {intensity: 0.5, start: 2025Q3, ramp: 4}}\n"
                      "  - <<: *oil\n"
                      "    id: tech_controls_strong_sudden\n"
                      "    parameters: {scenario: baseline, lever: tech_controls, intensity: 0.9, ramp: 0}\n")
    wanted = {r.run_id: r for r in load_grid(toml)}
    assert load_grid(merged) == [wanted["oil_and_secondary"], wanted["tech_controls_strong_sudden"]]
    twin.write_text("run:\n  - notebook: 03_scenario\n    parameters: {scenario: baseline\n")
    with pytest.raises(TwosectorError, match=r"^grid file .*grid.yaml: malformed YAML \(.*\(at line 4, column 1\)\); "
                                             r"see docs/batch.md for the format$"):
        load_grid(twin)


# ------------------------------------------------------------------------------------------ in a browser
# The batch report opened in headless Debian Chromium: the plotly charts really render. Chromium is a test
# requirement (`make test` installs it with `make browser`): without it these tests fail.

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=5000",
]


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "Debian chromium is needed for the browser checks: run `make browser` (apt-get install chromium)"
    return path


def dump_dom(page: Path, profile: Path) -> str:
    result = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_report_charts_render_in_chromium(notebook_batch, tmp_path):
    dom = dump_dom(notebook_batch.folder("00_quickstart") / "report.html", tmp_path / "profile")
    plots = re.findall(r'class="plot-container plotly"', dom)
    assert len(plots) >= 2  # the notebook draws two charts
    assert dom.count('class="main-svg"') >= 2 * len(plots)  # plotly.js ran and drew each chart's SVG layers
    assert "scatterlayer" in dom  # line traces were drawn
    assert "The two economies" in dom


@pytest.mark.slow
def test_index_renders_with_links_and_summary_chart(notebook_batch, tmp_path):
    dom = dump_dom(notebook_batch.out / "index.html", tmp_path / "profile")
    assert 'href="runs/00_quickstart-input_sanctions/report.html"' in dom
    assert 'class="main-svg"' in dom  # the summary chart, drawn by the plotly.js the index embeds
    assert "input_sanctions" in dom


def rendered_charts(dom: str) -> int:
    """The plotly charts plotly.js really drew in a page (each has its SVG layers)."""
    plots = len(re.findall(r'class="plot-container plotly"', dom))
    assert dom.count('class="main-svg"') >= 2 * plots
    return plots


def plotlyjs_inside(text: str) -> bool:
    """Whether a page holds a copy of plotly.js (its first 2,000 characters, a licence header and code)."""
    import plotly.offline

    return plotly.offline.get_plotlyjs()[:2000] in text


@pytest.mark.slow
def test_reports_and_index_share_one_plotlyjs_and_say_so_when_copied_alone(notebook_batch, tmp_path):
    reports = sorted((notebook_batch.out / "runs").glob("*/report.html"))
    assert len(reports) >= 5
    for report in reports:
        text = report.read_text()
        assert report.stat().st_size < 1_000_000 and not plotlyjs_inside(text), report  # no 4.8 MB copy each
        if "Plotly.newPlot" in text:  # a report with charts (not one that failed before its first chart)
            assert '<script src="../../plotly.min.js"></script>' in text
        assert not re.search(r"""<script[^>]*src=["']https?://""", text)  # nothing from a CDN (require.js, MathJax)
    index = notebook_batch.out / "index.html"
    assert index.stat().st_size < 1_000_000 and not plotlyjs_inside(index.read_text())
    assert '<script src="plotly.min.js"></script>' in index.read_text()
    assert plotlyjs_inside((notebook_batch.out / "plotly.min.js").read_text())  # the one copy
    for page in (notebook_batch.folder("03_scenario") / "report.html", index):
        alone = tmp_path / f"alone-{page.parent.name}"
        alone.mkdir()
        shutil.copy(page, alone / page.name)
        dom = dump_dom(alone / page.name, tmp_path / f"profile-{page.parent.name}")
        assert "plotly.min.js from its batch output folder" in dom and "--self-contained" in dom
        assert rendered_charts(dom) == 0


@pytest.mark.slow
def test_index_and_a_self_contained_report_copied_alone_render_their_charts(tmp_path):
    out = tmp_path / "out"
    grid = {"run": [{"notebook": "03_scenario", "scenarios": ["broad_front"], "parameters": {"end": "2025Q4"}}]}
    table = batch.run_batch(grid, out=out, workers=1, progress=False, self_contained=True)
    assert table["status"].tolist() == ["ok"]
    report = out / "runs" / "03_scenario-broad_front" / "report.html"
    for page in (out / "index.html", report):
        assert plotlyjs_inside(page.read_text()) and '<script src="' not in page.read_text()  # plotly.js inside
    assert not (out / "plotly.min.js").exists()  # nothing to share: no separate copy
    for page in (out / "index.html", report):
        alone = tmp_path / f"alone-{page.parent.name}"
        alone.mkdir()  # an empty folder: no plotly.min.js, no runs/
        shutil.copy(page, alone / page.name)
        dom = dump_dom(alone / page.name, tmp_path / f"profile-{page.parent.name}")
        assert rendered_charts(dom) >= 1, page
        assert "plotly.min.js from its batch output folder" not in dom and "broad_front" in dom
    assert "broad_front in plain words" in report.read_text()  # the report opens with the summary box


# ------------------------------------------------------------------------------------------ faults
# Kill, stop, concurrent batches and damaged records, in bounded time: the runs use a fake worker (FAKE_WORKER,
# in place of batch.WORKER) that writes a run's outputs and record like the real one, after sleeping FAKE_SLEEP
# seconds with a child process in its process group (as papermill has its kernel); one test stops real kernels.

FAKE_WORKER = textwrap.dedent("""
    import json, os, subprocess, sys, time
    from pathlib import Path
    from twosector.files import staged
    spec = json.loads(Path(sys.argv[1]).read_text())
    run_dir = Path(spec["run_dir"])
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with staged(run_dir / "notebook.ipynb") as partial:  # as papermill saves the notebook while it runs
        partial.write_text("partial")
        time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
        child.kill()
        partial.write_text(json.dumps({"file": "notebook.ipynb", "run": spec["run_id"], "at": time.time()}))
    for name in ("report.html", "results.json"):
        (run_dir / name).write_text(json.dumps({"file": name, "run": spec["run_id"], "at": time.time()}))
    (run_dir / ".record.json").write_text(json.dumps({"status": "ok", "cell": None, "error": "", "message": "",
                                                      "attempts": 1, "duration": 0.0}))
""")
# runs the command line with the fake worker: python -c DRIVER <worker code> <twosector arguments>
DRIVER = "import sys; from twosector import batch, cli; batch.WORKER = sys.argv[1]; sys.exit(cli.main(sys.argv[2:]))"


@pytest.fixture()
def fake_grid(tmp_path, tiny_notebook, monkeypatch):
    """A grid file of runs 'a', 'b', 'c' of the tiny notebook; batches in this process use FAKE_WORKER."""
    tiny_notebook(tmp_path / "nb", "pass")
    path = tmp_path / "grid.toml"
    path.write_text('notebooks = "nb"\n' + "".join(f'[[run]]\nnotebook = "tiny"\nid = "{r}"\n' for r in "abc"))
    monkeypatch.setattr(batch, "WORKER", FAKE_WORKER)
    monkeypatch.setenv("FAKE_SLEEP", "0")
    yield path
    kill_all_in(tmp_path)  # what a test's SIGKILL or failure left behind


def kill_all_in(folder: Path) -> None:
    """Kill the processes working in ``folder`` with their process groups (never this test's own)."""
    for pid in processes_in(folder):
        try:
            group = os.getpgid(pid)
            os.kill(pid, 9) if group == os.getpgrp() else os.killpg(group, 9)
        except ProcessLookupError:
            pass


def processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is in ``folder`` (the workers and their children run in runs/<id>/)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cwd = Path(os.readlink(proc / "cwd"))
        except OSError:  # not a process, gone, or a zombie
            continue
        if proc.name.isdigit() and (cwd == folder or folder in cwd.parents) and int(proc.name) != os.getpid():
            found.append(int(proc.name))
    return found


def start_batch(grid: Path, out: Path, *args: str, sleep: float) -> subprocess.Popen:
    """``twosector batch GRID --out OUT ARGS`` in a child process with the fake worker, each run taking ``sleep`` s."""
    import sys

    env = dict(os.environ, FAKE_SLEEP=str(sleep))
    return subprocess.Popen([sys.executable, "-c", DRIVER, FAKE_WORKER, "batch", str(grid), "--out", str(out), *args],
                            env=env, cwd=grid.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for(condition, seconds: float = 90, what: str = "") -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def temporary_files(out: Path) -> list[str]:
    """The temporary files of atomic writes (``.notebook.ipynb.tmp-*.ipynb``) anywhere in ``out``."""
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*.tmp-*"))


def records(out: Path) -> dict:
    try:
        return json.loads((out / "status.json").read_text())["runs"]
    except (OSError, ValueError):
        return {}


def test_resume_reruns_a_run_whose_outputs_do_not_match_its_record(fake_grid, tmp_path):
    out = tmp_path / "out"
    assert (run_batch(fake_grid, out=out, progress=False)["status"] == "ok").all()
    (out / "runs" / "a" / "results.json").unlink()
    (out / "runs" / "b" / "report.html").write_text("edited")
    with pytest.warns(TwosectorWarning) as notes:
        table = run_batch(fake_grid, out=out, progress=False)
    assert table.set_index("run_id")["action"].to_dict() == {"a": "ran", "b": "ran", "c": "skipped"}
    assert sorted(str(n.message) for n in notes) == [
        "run 'a' is run again: status.json says ok, but results.json is missing",
        "run 'b' is run again: status.json says ok, but report.html is not the file recorded when the run ended",
    ]
    assert (out / "runs" / "a" / "results.json").is_file()
    assert records(out)["b"]["outputs"] == batch._outputs(out / "runs" / "b")


def test_a_copy_of_a_batch_folder_is_replaced_by_a_report_with_force_but_never_a_file_of_yours(
        fake_grid, tmp_path, monkeypatch, capsys):
    from twosector.cli import main
    from twosector.files import _foreign, replace_dir

    out = tmp_path / "out"
    run_batch(fake_grid, out=out, progress=False)
    assert (out / "results.parquet").is_file() and _foreign(out) == []  # all the batch writes is its own
    (out / ".index.html.tmp-abcd1234.html").write_text("<")  # left by a batch killed while writing index.html
    copy = tmp_path / "oc"
    shutil.copytree(out, copy)  # cp -a output /tmp/oc

    def reached(*args, **kwargs):
        raise TwosectorError("the folder was accepted")

    monkeypatch.setattr("twosector.calibration.calibrate", reached)  # the work starts after the folder is checked
    assert main(["calibrate", "--out", str(copy), "--force"]) == 2
    assert capsys.readouterr().err == "twosector calibrate: error: the folder was accepted\n"
    replace_dir(copy, lambda folder: (folder / "index.html").write_text("report"))  # what calibrate then does
    assert [p.name for p in copy.iterdir()] == ["index.html"]
    (out / "results.parquet.bak").write_text("mine")  # a file the batch did not write: never deleted
    assert main(["calibrate", "--out", str(out), "--force"]) == 2
    assert "holds 'results.parquet.bak' that twosector did not write" in capsys.readouterr().err
    assert (out / "results.parquet.bak").read_text() == "mine"


def test_sigkill_during_force_leaves_no_ok_record_for_removed_outputs(fake_grid, tmp_path):
    out = tmp_path / "out"
    run_batch(fake_grid, out=out, progress=False)
    proc = start_batch(fake_grid, out, "--force", "--workers", "3", sleep=60)
    wait_for(lambda: all(r["status"] == "running" for r in records(out).values())
             and not (out / "runs" / "a" / "results.json").exists(), what="the forced runs to start")
    proc.kill()
    proc.communicate()
    assert {r["status"] for r in records(out).values()} == {"running"}  # none says ok: their outputs are gone
    wait_for(lambda: not processes_in(out), seconds=10, what="the workers to end with the killed batch")
    table = run_batch(fake_grid, out=out, progress=False)
    assert (table["action"] == "ran").all() and (table["status"] == "ok").all()
    assert (out / "runs" / "a" / "results.json").is_file()


@pytest.mark.parametrize("signals", [(2,), (15,), (1,), (1, 15, 15), (2, 2)],
                         ids=["Ctrl-C", "SIGTERM", "SIGHUP", "SIGHUP+SIGTERMx2", "Ctrl-Cx2"])
def test_sigterm_and_sighup_stop_the_batch_like_ctrl_c(fake_grid, tmp_path, signals):
    out = tmp_path / "out"
    proc = start_batch(fake_grid, out, "--workers", "2", sleep=60)
    # two workers, each with its child
    wait_for(lambda: len(processes_in(out)) >= 4 and len(records(out)) == 2, what="two runs to start")
    for signum in signals:  # as a closing terminal may do: further signals do not disturb the clean-up
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    # distinct signals sent back to back may be handled in either order: the one handled first is reported
    signum = proc.returncode - 128
    assert signum in signals
    name = {2: "Ctrl-C", 15: "SIGTERM", 1: "SIGHUP"}[signum]
    assert err.strip().splitlines()[-1] == ("interrupted" if signum == 2 else f"stopped by {name}")
    assert "Traceback" not in err
    wait_for(lambda: not processes_in(out), seconds=10, what="the workers to end")
    stopped = records(out)
    assert {r["status"] for r in stopped.values()} == {"failed"}
    assert {r["message"] for r in stopped.values()} == {f"the batch was stopped ({name}) while this run ran"}
    assert temporary_files(out) == []  # the killed workers' partial notebooks (5 MB each in a real batch)
    table = run_batch(fake_grid, out=out, progress=False)  # the lock is free: the stopped runs are redone
    assert table.set_index("run_id").loc[list(stopped), "action"].eq("ran").all()


def test_a_stop_signal_that_reaches_another_thread_stops_the_batch_at_once(fake_grid, tmp_path, monkeypatch):
    # the system gives a process's signal to any thread that does not block it; Python runs the handler in the main
    # thread, which waited for the runs without a limit, so the batch ignored the signal until a run ended (seen as
    # a hang of SIGHUP+SIGTERM under load). Here the signal goes to a thread of the pool on purpose.
    import signal
    import threading
    import time

    monkeypatch.setenv("FAKE_SLEEP", "60")
    out = tmp_path / "out"

    def send() -> None:
        wait_for(lambda: len(processes_in(out)) >= 4 and len(records(out)) == 2, what="two runs to start")
        pool = next(t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor"))
        signal.pthread_kill(pool.ident, signal.SIGTERM)

    threading.Thread(target=send, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(batch.Stopped) as stopped:
        run_batch(fake_grid, out=out, workers=2, progress=False)
    assert stopped.value.signum == signal.SIGTERM
    assert time.monotonic() - started < 30  # not after the runs' 60 s
    assert {r["error"] for r in records(out).values()} == {"Interrupted"}


def test_the_workers_of_a_batch_killed_by_sigkill_end_with_it(fake_grid, tmp_path):
    out = tmp_path / "out"
    proc = start_batch(fake_grid, out, "--workers", "2", sleep=60)
    # two workers, each with its child (in the worker's process group, like anything a worker starts but its kernel)
    wait_for(lambda: len(processes_in(out)) >= 4 and len(records(out)) == 2, what="two runs to start")
    workers = processes_in(out)
    proc.kill()
    proc.communicate()
    wait_for(lambda: not processes_in(out), seconds=10, what=f"the workers and their children {workers} to end")
    assert {r["status"] for r in records(out).values()} == {"running"}  # and are redone by the next batch
    left = temporary_files(out)
    assert sorted(Path(p).parent.name for p in left) == sorted(records(out))  # a partial notebook per killed run
    run_a = out / "runs" / "a"
    mine = [run_a / "notes.txt", run_a / ".notes.txt.tmp-x.txt", out / ".mine.txt.tmp-abcd1234.txt"]
    for path in mine:  # files that are not temporary files of an atomic write: never removed
        path.write_text("mine")
    (out / ".status.json.tmp-abcd_123.json").write_text("{")  # of the killed batch's own status.json
    table = run_batch(fake_grid, out=out, progress=False)
    assert (table["status"] == "ok").all()
    assert temporary_files(out) == sorted(str(p.relative_to(out)) for p in mine[1:])  # only the files of yours
    assert all(path.read_text() == "mine" for path in mine)


def test_second_batch_into_the_same_folder_is_refused_and_no_record_is_lost(fake_grid, tmp_path, capsys):
    out = tmp_path / "out"
    first = start_batch(fake_grid, out, "--workers", "1", sleep=3)
    wait_for(lambda: len(records(out)) >= 1, what="the first batch to start")
    with pytest.raises(TwosectorError, match=rf"is in use by another batch \(process {first.pid} on .*; lock "
                                             rf".*\.twosector-batch\.lock\): wait until it ends or choose another"):
        run_batch(fake_grid, out=out, progress=False)
    from twosector.cli import main

    assert main(["batch", str(fake_grid), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "in use by another batch" in err
    first.communicate(timeout=90)
    assert first.returncode == 0
    assert {r["status"] for r in records(out).values()} == {"ok"} and len(records(out)) == 3
    other = fake_grid.with_name("other.toml")
    other.write_text('notebooks = "nb"\n[[run]]\nnotebook = "tiny"\nid = "d"\n')
    run_batch(other, out=out, progress=False)
    assert sorted(records(out)) == ["a", "b", "c", "d"]  # the second batch kept the first one's records


@pytest.mark.parametrize("damage", [b"", b"{\"runs\": [1, 2]}", b"{\"runs\": {\"a\": 5}}", b"[]", b"\xff\xfe{",
                                    b"{\"runs\": {\"a\": {\"status\": \"ok\""])
def test_damaged_status_costs_only_rerunning(fake_grid, tmp_path, damage):
    out = tmp_path / "out"
    run_batch(fake_grid, out=out, progress=False)
    (out / "status.json").write_bytes(damage)
    damaged = r"status.json is damaged \(.*\); its runs are redone and it is rewritten"
    with pytest.warns(TwosectorWarning, match=damaged):
        table = run_batch(fake_grid, out=out, progress=False)
    assert (table["action"] == "ran").all() and (table["status"] == "ok").all()
    assert sorted(records(out)) == ["a", "b", "c"]


def test_damaged_status_is_one_line_on_the_command_line(fake_grid, tmp_path, capsys):
    from twosector.cli import main

    out = tmp_path / "out"
    run_batch(fake_grid, out=out, progress=False)
    (out / "status.json").write_text("{")
    assert main(["batch", str(fake_grid), "--out", str(out)]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(err) == 1 and err[0].startswith("twosector batch: warning: ") and "status.json is damaged" in err[0]


@pytest.mark.slow
def test_sigterm_stops_the_real_workers_and_their_kernels(tmp_path, tiny_notebook):
    proc, out = start_real_batch(tmp_path, tiny_notebook)
    try:
        wait_for(lambda: kernel_running(out), seconds=120, what="the kernel to start")
        proc.terminate()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143 and "Traceback" not in err
        wait_for(lambda: not processes_in(out), seconds=20, what="the worker and its kernel to end")
    finally:
        kill_all_in(tmp_path)
    assert records(out)["tiny"]["error"] == "Interrupted"
    assert temporary_files(out) == []  # papermill's partial notebook, written by the killed worker


@pytest.mark.slow
def test_sigkill_of_the_batch_ends_the_real_workers_and_their_kernels(tmp_path, tiny_notebook):
    proc, out = start_real_batch(tmp_path, tiny_notebook)
    try:
        wait_for(lambda: kernel_running(out), seconds=45, what="the kernel to start")
        proc.kill()
        proc.communicate(timeout=10)
        # the worker at once (parent-death signal), its kernel within ipykernel's 1 s look at its parent
        wait_for(lambda: not processes_in(out), seconds=10, what="the worker and its kernel to end")
    finally:
        kill_all_in(tmp_path)
    assert records(out)["tiny"]["status"] == "running"


def start_real_batch(folder: Path, tiny_notebook) -> tuple[subprocess.Popen, Path]:
    """``twosector batch`` in a child process: one run of a notebook that sleeps 120 s in a real kernel."""
    import sys

    tiny_notebook(folder / "nb", "import time\ntime.sleep(seconds)")
    grid = folder / "grid.toml"
    grid.write_text('notebooks = "nb"\n[[run]]\nnotebook = "tiny"\nparameters = { seconds = 120.0 }\n')
    out = folder / "out"
    main = "import sys; from twosector.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", main, "batch", str(grid), "--out", str(out)], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, out


def kernel_running(out: Path) -> bool:
    """True when an ipykernel runs in a run folder of ``out``."""
    for pid in processes_in(out):
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:  # ended meanwhile
            pass
    return False


def test_numpy_values_of_a_grid_built_from_a_frame_reach_the_worker_as_numbers(tmp_path):
    import numpy as np

    grid = pd.DataFrame({"draws": [10, 20], "scale": [0.5, 1.5], "save_figures": [False, True]})
    row = grid.iloc[1]
    run = Run("r", tmp_path / "03_scenario.ipynb", {k: row[k] for k in grid.columns} | {"sizes": np.array([1, 2])})
    assert run.parameters == {"draws": 20, "scale": 1.5, "save_figures": True, "sizes": [1, 2]}
    sent = json.loads(json.dumps(run.parameters))  # what crosses to the worker (was default=str: '20', '1.5')
    assert sent == run.parameters and type(sent["draws"]) is int and type(sent["save_figures"]) is bool


def test_a_relative_scenario_file_in_a_grid_is_found_next_to_the_grid(tmp_path, monkeypatch):
    (tmp_path / "grids").mkdir()
    (tmp_path / "grids" / "mine.toml").write_text('name = "mine"\nbase = "baseline"\n', encoding="utf-8")
    grid = tmp_path / "grids" / "grid.toml"
    grid.write_text('[[run]]\nnotebook = "03_scenario"\nscenarios = ["mine.toml", "baseline"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the grid's folder
    runs = load_grid(grid)
    assert runs[0].parameters["scenario"] == str((tmp_path / "grids" / "mine.toml").resolve())
    assert runs[0].run_id == "03_scenario-mine" and runs[1].parameters["scenario"] == "baseline"


@pytest.mark.parametrize("content", ["{not json", '{"cells": 5}', ""])
def test_a_damaged_notebook_in_a_grid_is_one_error(tmp_path, content):
    (tmp_path / "bad.ipynb").write_text(content, encoding="utf-8")
    grid = write(tmp_path, '[[run]]\nnotebook = "bad.ipynb"\n')
    with pytest.raises(TwosectorError, match=r"notebook '.*bad\.ipynb' cannot be read as a Jupyter notebook \("):
        load_grid(grid)


def test_exported_reports_load_no_script_from_the_network():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("a report")])
    for self_contained in (True, False):
        html = batch._export_html(nb, "t", self_contained=self_contained)
        assert "a report" in html
        assert not re.search(r"""<script[^>]*src=["']https?://""", html)  # nbconvert's template adds two
        assert not re.search(r"""import\s*\(?\s*["']https?://""", html)  # and a mermaid loader importing from cdnjs


@pytest.mark.parametrize("restore", [True, False])
def test_after_a_stop_the_command_line_ignores_further_stop_signals(restore):
    # a second Ctrl-C after the handlers were put back ended the command with a traceback or by the signal
    # (-2) instead of one line and 130; the command line asks not to restore them (it exits next)
    before = {s: signal.getsignal(s) for s in batch.STOP_SIGNALS}
    try:
        with pytest.raises(batch.Stopped), batch._stop_signals(restore):
            signal.raise_signal(signal.SIGINT)
        after = {s: signal.getsignal(s) for s in batch.STOP_SIGNALS}
        assert after == (before if restore else dict.fromkeys(before, signal.SIG_IGN))
        with batch._stop_signals(restore):  # no stop: the handlers are always put back
            pass
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert {s: signal.getsignal(s) for s in batch.STOP_SIGNALS} == before
