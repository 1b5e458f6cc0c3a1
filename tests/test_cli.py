"""The command line (twosector/cli.py).

Help that teaches, one-line errors with exit status 2, no tracebacks, and what each sub-command writes (`data`,
`simulate`, `calibrate`, `batch`, `dev ...`).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import twosector
from twosector.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("data", "scenarios", "simulate", "montecarlo", "sensitivity", "sweep", "calibrate", "batch", "dev"):
        assert command in out
    assert "examples:" in out


def test_unknown_subcommand_exits_nonzero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["simulat"])
    assert exc.value.code == 2
    assert "simulate" in capsys.readouterr().err


def test_parser_has_documented_defaults():
    args = build_parser().parse_args(["batch"])
    assert args.workers == 2 and args.out == "output" and args.force is False


def test_version_via_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "twosector", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("twosector ")


# ------------------------------------------------------------------------------------------ dev commands


def test_dev_help_lists_the_maintenance_tasks_with_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["dev", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for task in ("derive", "catalogue", "search", "docs"):
        assert task in out and f"twosector dev {task}" in out
    assert "examples:" in out
    for task in ("derive", "catalogue", "search", "docs"):
        with pytest.raises(SystemExit):
            main(["dev", task, "--help"])
        assert "examples:" in capsys.readouterr().out


@pytest.mark.parametrize("end", ["2019Q1", "2020Q4", "2022Q2"])
def test_calibrate_too_early_is_one_line_naming_the_equation(end, tmp_path, capsys):
    assert main(["calibrate", "--end", end, "--out", str(tmp_path / "cal")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and err[0].startswith("twosector calibrate: error: estimation sample of 'revenue'")
    assert not (tmp_path / "cal").exists()


def test_dev_search_prints_the_start_values_as_code(capsys):
    assert main(["dev", "search", "--popsize", "2", "--maxiter", "2", "--seed", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("# global search to 2024Q4: objective ")
    from twosector.calibration import CALIBRATED

    assert [line.split('"')[1] for line in out[1:]] == list(CALIBRATED)


def test_dev_without_a_task_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["dev"])
    assert exc.value.code == 2 and "TASK" in capsys.readouterr().err


def test_dev_derive_rewrites_the_same_file_from_unchanged_data(tmp_path, capsys):
    from twosector.derive import DERIVED_FILE

    for path in (ROOT / "data").glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    assert main(["dev", "derive", "--data", str(tmp_path)]) == 0
    written = tmp_path / DERIVED_FILE
    assert f"wrote {written}" in capsys.readouterr().out
    assert written.read_bytes() == (ROOT / "data" / DERIVED_FILE).read_bytes()
    # the digest of its sources beside it, the same as the shipped one (same sources); no temporary file left
    assert sorted(p.name for p in written.parent.iterdir()) == [written.name, "sources.sha256"]
    assert (written.parent / "sources.sha256").read_bytes() == (ROOT / "data/derived/sources.sha256").read_bytes()


def test_dev_derive_error_is_one_line(tmp_path, capsys):
    assert main(["dev", "derive", "--data", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("twosector dev derive: error: data folder") and err.count("\n") == 1


def test_dev_catalogue_and_docs_reproduce_the_shipped_files(tmp_path, capsys):
    catalogue, model_docs, calibration_docs = (shutil.copy(ROOT / f, tmp_path) for f in
                                               ("twosector/parameters.csv", "docs/model.md", "docs/calibration.md"))
    assert main(["dev", "catalogue", "--catalogue", catalogue, "--model-docs", model_docs]) == 0
    assert main(["dev", "docs", "--file", calibration_docs]) == 0
    before, after = pd.read_csv(ROOT / "twosector/parameters.csv"), pd.read_csv(catalogue)
    pd.testing.assert_frame_equal(after.drop(columns="value"), before.drop(columns="value"))
    assert np.allclose(after["value"], before["value"], rtol=1e-6, atol=1e-9)  # the solver's last digits
    assert Path(model_docs).read_text() == (ROOT / "docs/model.md").read_text()
    assert Path(calibration_docs).read_text() == (ROOT / "docs/calibration.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calibration.md", "model.md", "parameters.csv"]


# ------------------------------------------------------------------------------------------ simulate


def test_simulate_prints_a_summary_vs_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "input_sanctions"]) == 0
    out = capsys.readouterr().out
    assert "input_sanctions" in out and "2027Q4" in out and "strain_index" in out and "vs baseline" in out


def test_set_and_param_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "baseline", "--set", "tech_controls=0.6", "--set", "tech_controls.start=2025Q3",
                 "--set", "tech_controls.ramp=8", "--param", "hoarding_speed=0.2"]) == 0
    out = capsys.readouterr().out
    assert "tech_controls=0.6 from 2025Q3 ramp 8" in out


def test_simulate_summary_uses_one_unit_per_row_and_the_year_ends_of_the_horizon(capsys) -> None:
    assert main(["simulate", "broad_front"]) == 0
    out = capsys.readouterr().out
    assert "vs baseline (%)" in out and "vs baseline (pp)" in out and "level (index 2021 = 100)" in out
    header = next(line for line in out.splitlines() if "2024Q4" in line).split()
    assert header == ["2024Q4", "2025Q4", "2026Q4", "2027Q4", "2028Q4", "2029Q4", "2030Q4"]
    assert "e-0" not in out and "e+0" not in out and "-0.00" not in out


def test_set_renames_the_scenario_and_drops_the_base_description(capsys) -> None:
    assert main(["simulate", "baseline", "--set", "input_sanctions=0.5"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("scenario 'baseline_custom': baseline with levers changed on the command line: "
                     "input_sanctions=0.5")
    assert "No new measures" not in first


def test_name_names_a_custom_run(capsys) -> None:
    assert main(["simulate", "baseline", "--set", "input_sanctions=0.5", "--name", "half_inputs"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("scenario 'half_inputs': baseline with levers changed on the command line")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_out_writes_levels_differences_or_both(tmp_path: Path, suffix: str, capsys) -> None:
    read = {".csv": lambda p: pd.read_csv(p, index_col=0), ".xlsx": lambda p: pd.read_excel(p, index_col=0),
            ".parquet": pd.read_parquet}[suffix]
    tables = {}
    for values in ("levels", "vs-baseline", "both"):
        target = tmp_path / f"{values}{suffix}"
        assert main(["simulate", "broad_front", "--out", str(target), "--values", values]) == 0
        tables[values] = read(target)
    assert "output_civilian (index 2021 = 100)" in tables["levels"]
    assert "nwf_liquid (trn RUB, end of quarter)" in tables["levels"]
    assert all(c.endswith(")") for c in tables["levels"].columns)  # the unit in every header
    assert all(c.endswith(" vs baseline)") for c in tables["vs-baseline"].columns)
    assert list(tables["both"].columns) == list(tables["levels"].columns) + list(tables["vs-baseline"].columns)
    assert len(tables["both"]) == 48
    assert (tables["vs-baseline"]["strain_index (points vs baseline)"].to_numpy()[-1] ==
            pytest.approx(tables["both"]["strain_index (index points)"].to_numpy()[-1]
                          - twosector.simulate("baseline")["strain_index"].to_numpy()[-1]))


def test_out_numbers_are_plain_in_csv_and_whole_in_xlsx(tmp_path: Path, capsys) -> None:
    from openpyxl import load_workbook

    levels = twosector.simulate("broad_front")
    csv, xlsx = tmp_path / "r.csv", tmp_path / "r.xlsx"
    for target in (csv, xlsx):
        assert main(["simulate", "broad_front", "--out", str(target)]) == 0
    text = csv.read_text()
    assert not re.search(r"\d[eE][-+]?\d", text)  # no scientific notation (the model has values below 1e-4)
    assert (levels.abs() < 1e-4).any().any() and (levels.abs() > 0).any().any()
    back = pd.read_csv(csv, index_col=0)
    assert np.allclose(back.to_numpy(), levels.to_numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    cpi = sheet.cell(row=2 + levels.index.get_loc(pd.Period("2022Q4", "Q")),
                     column=1 + header.index("cpi_inflation (% y/y)"))
    assert cpi.value == pytest.approx(levels.loc["2022Q4", "cpi_inflation"], rel=1e-14)  # whole, not rounded
    # one number of decimals for the whole table, not one per column
    formats = {c.number_format for row in sheet.iter_rows(min_row=2, min_col=2) for c in row
               if isinstance(c.value, float)}
    assert formats == {cpi.number_format} and cpi.number_format.startswith("#,##0.00")
    assert sheet.title == "broad_front"  # the run's name, not Sheet1


def test_out_writes_the_full_results_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "results.csv"
    assert main(["simulate", "broad_front", "--out", str(target)]) == 0
    frame = pd.read_csv(target, index_col=0)
    assert len(frame) == 48 and "strain_index (index points)" in frame.columns and frame.index[0] == "2019Q1"
    assert [p.name for p in target.parent.iterdir()] == ["results.csv"]  # no temp file left


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["simulate", "basline"], "unknown scenario 'basline'. Did you mean 'baseline'?"),
        (["simulate", "baseline", "--set", "input_sanction=0.5"], "unknown lever 'input_sanction'"),
        (["simulate", "baseline", "--set", "input_sanctions=2"], "outside the allowed range [0.0, 1.0]"),
        (["simulate", "baseline", "--set", "input_sanctions=0.5", "--set", "input_sanctions.start=2025Q5"],
         "'2025Q5' is not a quarter"),
        (["simulate", "baseline", "--set", "input_sanctions.start=2025Q3"], "is not active"),
        (["simulate", "baseline", "--set", "input_sanctions.start=2025Q0"],  # the value first, active or not
         "--set 'input_sanctions.start=2025Q0': input_sanctions.start: '2025Q0' is not a quarter"),
        (["simulate", "baseline", "--set", "input_sanctions.end=2030"],
         "input_sanctions.end: '2030' is a year; did you mean '2030Q4'?"),
        (["simulate", "baseline", "--set", "input_sanctions=0.5", "--set", "input_sanctions.colour=red"],
         "unknown field 'colour'"),
        (["simulate", "baseline", "--param", "hoarding=0.2"], "unknown parameter 'hoarding'"),
        (["simulate", "baseline", "--param", "hoarding_speed=abc"], "'hoarding_speed': value 'abc' is not a number"),
        (["simulate", "baseline", "--param", "hoarding_speed"], "expected 'name=value'"),
        (["simulate", "baseline", "--out", "results.xls"], "unsupported file type; allowed: .csv, .parquet, .xlsx"),
        (["simulate", "baseline", "--set", "defence_spending=-0.95"], "defence_spending.intensity: -0.95 is outside"),
        (["simulate", "baseline", "--set", "ceasefire=1", "--set", "ceasefire.demobilisation=x"],
         "ceasefire.demobilisation: 'x' is not a number"),
        (["simulate", "missing_file.toml"], "scenario file 'missing_file.toml' not found"),
        (["simulate", "baseline", "--name", " "], "--name: ' ' is not a non-empty text on one line"),
        (["simulate", "baseline", "--name", "a\nb"], "--name: 'a\\nb' is not a non-empty text on one line"),
    ],
)
def test_errors_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_implausible_result_is_an_error_not_a_table(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    # tighter bounds than R1's, so that the observed key rate of 2024Q4 (20.5%, a conditioning path, the same
    # whatever the parameters) breaks them
    from twosector import plausible

    monkeypatch.setitem(plausible.BOUNDS, "key_rate", (0.0, 20.0))
    argv = ["simulate", "baseline", "--param", "phillips_slope=0.3", "--set", "input_sanctions=0.5"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "twosector simulate: error: implausible result, not shown: key_rate reaches 20.48 % per year in 2024Q4, "
        "the first quarter outside its plausible range 0 to 20. Overrides: --param phillips_slope=0.3; --set "
        "input_sanctions=0.5. The model cannot carry this combination of parameters and levers (bounds: "
        "twosector.plausible.BOUNDS; parameter ranges: twosector.param_table()). --allow-implausible shows it "
        "anyway.\n"
    )
    assert main(argv + ["--allow-implausible"]) == 0
    captured = capsys.readouterr()
    assert "key_rate" in captured.out and "shown because of --allow-implausible" in captured.err


def test_an_exploding_run_is_one_error_and_shown_on_request(exploding: dict[str, float],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # one line, no traceback, no numpy warning (pytest turns warnings into errors); on request the table shows a
    # level whose baseline reaches zero against the baseline in its own unit instead of %
    params = [arg for name, value in exploding.items() for arg in ("--param", f"{name}={value}")]
    for name in ("baseline", "sudden_shock"):
        assert main(["simulate", name, *params]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1
        assert captured.err.startswith("twosector simulate: error: implausible result, not shown: cpi_inflation")
    assert main(["simulate", "sudden_shock", *params, "--allow-implausible"]) == 0
    out = capsys.readouterr().out
    assert "vs baseline (index 2021 = 100)" in out and "output_military" in out


def test_an_implausible_result_is_not_written(tmp_path: Path, monkeypatch, capsys) -> None:
    from twosector import plausible

    monkeypatch.setitem(plausible.BOUNDS, "key_rate", (0.0, 20.0))
    scenario = tmp_path / "mine.toml"
    scenario.write_text('base = "baseline"\n[levers.tech_controls]\nintensity = 0.5\n')
    target = tmp_path / "results.csv"
    assert main(["simulate", str(scenario), "--out", str(target)]) == 2
    assert f"Overrides: the levers of scenario file {scenario}." in capsys.readouterr().err
    assert not target.exists()


def test_the_command_of_issue_10_prints_a_plausible_result(capsys: pytest.CaptureFixture[str]) -> None:
    # it printed a strain index of 403,444.79 in 2025Q4 before the R1 work (issue 10)
    assert main(["simulate", "baseline", "--param", "input_elasticity=0.2", "--param", "input_cut_max=1.0",
                 "--set", "input_sanctions=0.82"]) == 0
    out = capsys.readouterr().out
    table = [line.split() for line in out.splitlines() if line.split()[:1] == ["strain_index"]]
    assert table[0][1:4] == ["level", "(index", "points)"]
    assert max(abs(float(v.replace(",", ""))) for v in table[0][4:]) < 15


def test_malformed_file_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[levers.input_sanctions]\nintensity = 0.5\nramp = 'four'\n")
    assert main(["simulate", str(bad)]) == 2
    assert "input_sanctions.ramp: 'four' is not a whole number" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["calibrate", "--end", "2024"], "twosector calibrate: error: end: '2024' is a year; did you mean '2024Q4'?"),
        (["simulate", "baseline", "--set", "input_sanctions=0.5", "--set", "input_sanctions.start=2026"],
         "twosector simulate: error: scenario 'baseline': input_sanctions.start: '2026' is a year; "
         "did you mean '2026Q1'?"),  # a start is offered the year's first quarter, an end its last
    ],
)
def test_a_bare_year_is_refused_with_a_did_you_mean(argv, message, tmp_path, capsys) -> None:
    assert main([*argv, *(["--out", str(tmp_path / "cal")] if argv[0] == "calibrate" else [])]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not (tmp_path / "cal").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'base = "baseline"\n# caf\xe9\n', "not UTF-8 text"), (b"", "nothing in it"), (b"\n", "nothing in it")],
)
def test_a_scenario_file_that_is_not_utf8_or_empty_is_one_line(tmp_path, capsys, content, message) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content)
    assert main(["simulate", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [err[0]] and err[0].startswith(f"twosector simulate: error: scenario file {bad}: {message}")


def test_output_to_a_closed_pipe_is_not_a_traceback() -> None:
    proc = subprocess.run(f"{sys.executable} -m twosector data | head -1", shell=True, capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.startswith("data folder:") and proc.stderr == ""


def test_subprocess_prints_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "twosector", "simulate", "baseline", "--set", "oil_price_cap=99"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "oil_price_cap.intensity: 99.0 is outside the allowed range [0.0, 40.0]" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_parquet_output_or_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.parquet"
    status = main(["simulate", "baseline", "--out", str(target)])
    if importlib.util.find_spec("pyarrow") or importlib.util.find_spec("fastparquet"):
        assert status == 0 and target.exists()
    else:
        assert status == 2 and "needs pyarrow" in capsys.readouterr().err and not target.exists()


# ------------------------------------------------------------------------------------------ data, calibrate


def test_data_lists_every_series_of_the_data_set(capsys: pytest.CaptureFixture[str]) -> None:
    from twosector.data import data_summary

    assert main(["data"]) == 0
    out = capsys.readouterr().out
    for name in data_summary().index:
        assert f"\n{name} " in out, name


def test_calibrate_replaces_the_report_folder_atomically(tmp_path, monkeypatch):
    from twosector.files import _foreign, mark_output
    from twosector.reports import REPORT_KIND

    out = tmp_path / "calib"
    out.mkdir()
    (out / "stale_figure.html").write_text("old")  # of a report written before
    mark_output(out, REPORT_KIND)
    monkeypatch.setattr("twosector.backtesting.DEFAULT_CUTOFFS", ("2023Q4",), raising=True)
    monkeypatch.setattr("twosector.scoreboard.DEFAULT_VINTAGES", ("2023Q4",), raising=True)
    assert main(["calibrate", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "estimates.csv", "facts.csv", "backtest.csv", "parameters.csv", "plotly.min.js",
            "scoreboard.csv", "scoreboard_summary.csv", "scoreboard_errors.html"} <= names
    board = pd.read_csv(out / "scoreboard.csv")
    assert set(board["target_year"]) == {2024} and board["is_model"].sum() == 2 * board["variable"].nunique()
    page = (out / "index.html").read_text()
    assert "Forecast scoreboard" in page and "twosector (information set)" in page and "median forecaster" in page
    assert "stale_figure.html" not in names and ".twosector-output" in names
    assert _foreign(out) == []  # all it writes is listed in OWN_FILES: replacing it again deletes nothing of yours
    assert len(list(out.glob("*.html"))) >= 6
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".calib")]
    html = (out / "fit_cpi_inflation.html").read_text()
    assert 'src="plotly.min.js"' in html
    est = pd.read_csv(out / "estimates.csv")
    assert {"equation", "coefficient", "estimate", "se", "n", "sample"} <= set(est.columns)


# ------------------------------------------------------------------- outputs: nothing the user did not ask to replace


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("argv", [["simulate", "baseline", "--out", ""], ["calibrate", "--out", ""],
                                  ["batch", "--out", " "], ["montecarlo", "baseline", "--out", ""],
                                  ["notebooks", "--copy", ""]])
def test_an_empty_output_path_is_refused_when_the_arguments_are_read(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and list(tmp_path.iterdir()) == []  # nothing written, '.' not taken for ''
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"twosector {argv[0]}: error: argument {argv[-2]}: empty path "), last


@pytest.mark.parametrize(("argv", "allowed"), [(["simulate", "baseline"], ".csv"),
                                               (["montecarlo", "baseline", "--draws", "2"], ".parquet")])
def test_an_output_named_only_by_its_suffix_is_called_a_name_without_a_type(argv, allowed, tmp_path, monkeypatch,
                                                                              capsys):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--out", allowed]) == 2
    assert _one_error(capsys) == (f"twosector {argv[0]}: error: --out {allowed!r}: {allowed!r} is a hidden file name "
                                  f"without a type; give a name before the suffix, e.g. results{allowed}")


@pytest.mark.parametrize("argv", [["simulate", "baseline", "--bogus"], ["dev", "derive", "--bogus"]])
def test_an_unknown_option_is_reported_by_its_command(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    command = " ".join(a for a in argv if not a.startswith("-") and a != "baseline")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"twosector {command}: error: unrecognized arguments: --bogus"


def test_simulate_out_never_replaces_an_existing_file_without_force(tmp_path, capsys):
    target = tmp_path / "results.csv"
    target.write_text("mine")
    assert main(["simulate", "baseline", "--out", str(target)]) == 2
    assert _one_error(capsys) == (f"twosector simulate: error: --out {str(target)!r} already exists; "
                                  "give --force to replace it, or another name")
    assert target.read_text() == "mine"
    assert main(["simulate", "baseline", "--out", str(target), "--force"]) == 0
    assert pd.read_csv(target, index_col=0).index[0] == "2019Q1"
    assert main(["simulate", "baseline", "--out", str(tmp_path), "--force"]) == 2
    assert _one_error(capsys).endswith(f"--out {str(tmp_path)!r} is a folder; give a file name")
    assert main(["simulate", "baseline", "--out", str(target / "below.csv")]) == 2
    assert _one_error(capsys).endswith(f"--out {str(target / 'below.csv')!r}: {str(target)!r} is a file, not a folder")


@pytest.mark.parametrize("argv", [["simulate", "baseline", "--out", "/proc/r.csv"], ["batch", "--out", "/proc/out"],
                                  ["notebooks", "--copy", "/proc/nb"]])
def test_an_output_that_cannot_be_written_is_one_line(argv, capsys):
    assert main(argv) == 2
    message = _one_error(capsys)
    assert f" {argv[-1]!r}: cannot write there (" in message and "tmp" not in message, message


def _must_not_run(*args, **kwargs):
    raise AssertionError("the work ran before the output target was checked")


@pytest.mark.parametrize(("argv", "option", "work"), [
    (["calibrate", "--out", "{ro}/report"], "--out", "twosector.calibration.calibrate"),
    (["calibrate", "--out", "{ro}/new/deeper/report"], "--out", "twosector.calibration.calibrate"),
    (["calibrate", "--out", "{ro}/report", "--force"], "--out", "twosector.calibration.calibrate"),
    (["simulate", "baseline", "--out", "{ro}/results.csv"], "--out", "twosector.simulation.simulate"),
    (["batch", "--out", "{ro}/output"], "--out", "twosector.batch._run_locked"),
    (["notebooks", "--copy", "{ro}/nb"], "copy notebooks to", "twosector.notebook.atomic_write"),
    (["dev", "catalogue", "--catalogue", "{ro}/p.csv", "--model-docs", "{tmp}/m.md"], "--catalogue",
     "twosector.calibration.calibrate"),
    (["dev", "docs", "--file", "{ro}/c.md"], "--file", "twosector.calibration.calibrate"),
], ids=["calibrate", "calibrate-deep", "calibrate-force", "simulate", "batch", "notebooks", "dev-catalogue",
        "dev-docs"])
def test_an_output_place_that_cannot_be_written_is_refused_before_the_work(argv, option, work, read_only_folder,
                                                                            tmp_path, monkeypatch, capsys):
    argv = [a.format(ro=read_only_folder, tmp=tmp_path) for a in argv]
    target = next(a for a in argv if a.startswith(str(read_only_folder)))
    monkeypatch.setattr(work, _must_not_run)
    before = sorted(read_only_folder.iterdir())
    assert main(argv) == 2
    message = _one_error(capsys)
    assert f": error: {option} {target!r}: cannot write there (" in message, message
    assert f": {str(read_only_folder)!r}); give a place you can write to" in message, message
    assert sorted(read_only_folder.iterdir()) == before


def test_calibrate_out_refuses_a_file_and_a_folder_of_other_contents(tmp_path, capsys):
    from twosector.batch import BATCH_KIND
    from twosector.files import mark_output

    text = tmp_path / "f.txt"
    text.write_text("notes")
    assert main(["calibrate", "--out", str(text), "--force"]) == 2
    assert _one_error(capsys) == (f"twosector calibrate: error: --out {str(text)!r} is a file, not a folder; "
                                  "give a new or empty folder")
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    assert main(["calibrate", "--out", str(folder)]) == 2
    assert _one_error(capsys) == (
        f"twosector calibrate: error: --out {str(folder)!r} exists and was not written by twosector (it has no "
        ".twosector-output file), not a twosector calibration report; give a new or empty folder")
    assert main(["calibrate", "--out", str(folder), "--force"]) == 2  # --force never deletes files you added
    assert "exists and was not written by twosector" in _one_error(capsys)
    batch_out = tmp_path / "output"
    batch_out.mkdir()
    mark_output(batch_out, BATCH_KIND)
    (batch_out / "status.json").write_text("{}")
    assert main(["calibrate", "--out", str(batch_out)]) == 2
    assert "exists and holds a twosector batch output, not a twosector calibration report" in _one_error(capsys)
    assert text.read_text() == "notes" and (folder / "thesis.tex").read_text() == "years of work"
    assert (batch_out / "status.json").read_text() == "{}"


@pytest.mark.parametrize("where", [".", ".."])
def test_calibrate_force_into_the_current_folder_is_refused_before_the_work(where, tmp_path, monkeypatch, capsys):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setattr("twosector.calibration.calibrate", _must_not_run)
    assert main(["calibrate", "--out", where, "--force"]) == 2
    what = "the current folder" if where == "." else "a folder above the current folder"
    assert _one_error(capsys) == (f"twosector calibrate: error: --out {where!r} is {what}; a new folder is built and "
                                  "swapped in for it as a whole: give a new folder, e.g. --out report")
    assert list(work.iterdir()) == [] and [p.name for p in (tmp_path / "a").iterdir()] == ["b"]


def test_calibrate_force_keeps_the_files_a_user_added_to_a_report(tmp_path, monkeypatch, capsys):
    from twosector.files import mark_output
    from twosector.reports import REPORT_KIND

    cal1 = tmp_path / "cal1"
    mark_output(cal1, REPORT_KIND)
    (cal1 / "facts.csv").write_text("report")
    (cal1 / "my_notes.txt").write_text("note")
    monkeypatch.setattr("twosector.calibration.calibrate", _must_not_run)
    for force in ([], ["--force"]):
        assert main(["calibrate", "--out", str(cal1), *force]) == 2
        assert _one_error(capsys) == (
            f"twosector calibrate: error: --out {str(cal1)!r} holds 'my_notes.txt' that twosector did not write: "
            "move it out of it or choose another --out (--force never deletes files you added)")
    assert (cal1 / "my_notes.txt").read_text() == "note"


def test_calibrate_force_does_not_replace_a_folder_a_running_batch_writes_into(tmp_path, monkeypatch, capsys):
    import subprocess
    import sys

    from twosector.batch import BATCH_KIND
    from twosector.files import mark_output

    out = tmp_path / "B2"
    mark_output(out, BATCH_KIND)
    (out / "status.json").write_text("{}")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from twosector.files import locked\n"
         "with locked(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        monkeypatch.setattr("twosector.calibration.calibrate", _must_not_run)
        assert main(["calibrate", "--out", str(out), "--force"]) == 2
        message = _one_error(capsys)
    finally:
        holder.kill()
        holder.communicate()
    assert message.startswith(f"twosector calibrate: error: --out {str(out)!r} is in use by another batch (process "
                              f"{holder.pid} on "), message
    assert message.endswith("): wait until it ends or choose another --out")
    assert (out / "status.json").read_text() == "{}"


def test_batch_out_refuses_a_folder_of_other_contents_before_running(tmp_path, capsys):
    from twosector.files import mark_output
    from twosector.reports import REPORT_KIND

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "index.html").write_text("my home page")
    assert main(["batch", "--out", str(folder)]) == 2
    assert _one_error(capsys) == (
        f"twosector batch: error: --out {str(folder)!r} exists and was not written by twosector (it has no "
        ".twosector-output file), not a twosector batch output; give a new or empty folder")
    mark_output(folder, REPORT_KIND)
    assert main(["batch", "--out", str(folder)]) == 2
    assert "holds a twosector calibration report, not a twosector batch output" in _one_error(capsys)
    assert sorted(p.name for p in folder.iterdir()) == [".twosector-output", "index.html"]
    assert (folder / "index.html").read_text() == "my home page"

    legacy = tmp_path / "output"  # written by a twosector from before the marker: taken as a batch folder
    (legacy / "runs").mkdir(parents=True)
    (legacy / "status.json").write_text("{}")
    from twosector.batch import _check_out

    assert _check_out(legacy) == legacy and (legacy / ".twosector-output").read_text() == "twosector batch output\n"


# ------------------------------------------------------------------------------------------ batch


@pytest.mark.slow
def test_batch_prints_where_the_report_is(tmp_path, capsys, tiny_notebook):
    tiny_notebook(tmp_path / "nb", "print(seconds)")
    grid = tmp_path / "grid.toml"
    grid.write_text('notebooks = "nb"\n[[run]]\nnotebook = "tiny"\nparameters = { seconds = 1.5 }\n')
    assert main(["batch", str(grid), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert f"report: {(tmp_path / 'out' / 'index.html').resolve()}" in printed
    assert "1 of 1 runs ok" in printed
    assert (tmp_path / "out" / ".twosector-output").read_text() == "twosector batch output\n"
    assert main(["batch", str(grid), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0  # its own: resumed
    assert main(["batch", str(tmp_path / "missing.toml")]) == 2


def test_montecarlo_prints_the_summary_and_probabilities_and_writes_the_draws(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mc.parquet"
    argv = ["montecarlo", "input_sanctions", "--draws", "40", "--seed", "3", "--variables", "cpi_inflation",
            "nwf_liquid", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "input_sanctions vs baseline" in text and "draws 40, seed 3" in text and "implausible draws:" in text
    assert "CPI inflation above 10%" in text and "liquid NWF below 0.5 trn RUB" in text
    assert "by end low" in text and "by end high" in text  # the bounds over all draws
    back = pd.read_parquet(out)
    assert set(back["variable"]) == {"cpi_inflation", "nwf_liquid"} and back["draw"].nunique() == 40
    from twosector.uncertainty import montecarlo

    mc = montecarlo("input_sanctions", draws=40, seed=3, variables=["cpi_inflation", "nwf_liquid"], chunk=7)
    assert np.array_equal(back.loc[back["variable"] == "nwf_liquid", "scenario"].to_numpy(),
                          mc.values["scenario"]["nwf_liquid"].ravel())  # the file holds the library's draws
    assert main(argv) == 2 and "already exists" in capsys.readouterr().err  # not replaced without --force


@pytest.mark.parametrize("argv, message", [
    (["montecarlo", "baseline", "--sources", "oil", "rubel"], "sources: unknown source 'rubel'. Did you mean 'ruble'?"),
    (["montecarlo", "baseline", "--variables", "cpi_inflaton"], "Did you mean 'cpi_inflation'"),
    (["montecarlo", "baseline", "--seed", "-1"], "seed: -1 is not allowed"),
    (["montecarlo", "baseline", "--out", "draws.xlsx"], "unsupported file type"),
    (["montecarlo", "input_sanction"], "unknown scenario 'input_sanction'"),
])
def test_montecarlo_errors_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(argv + ["--draws", "2"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def _subcommands() -> list[str]:
    import argparse

    from twosector.cli import build_parser

    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help_that_prints(command, capsys):
    # a '%' in a help text made `twosector simulate --help` a TypeError traceback (argparse formats help)
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0 and "usage: twosector" in capsys.readouterr().out


def test_montecarlo_on_the_dask_engine_writes_the_local_engine_s_draws(tmp_path: Path) -> None:
    files = [tmp_path / "local.csv", tmp_path / "dask.csv"]
    base = ["montecarlo", "oil_price_cap", "--draws", "6", "--seed", "2", "--variables", "usd_rub", "--chunk", "4"]
    assert main(base + ["--out", str(files[0])]) == 0
    assert main(base + ["--engine", "dask", "--out", str(files[1])]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(files[0]), pd.read_csv(files[1]))


def test_sensitivity_prints_the_top_factors_and_writes_the_indices(tmp_path: Path, capsys) -> None:
    out = tmp_path / "indices.csv"
    argv = ["sensitivity", "tech_controls", "--method", "morris", "--n", "3", "--outputs", "output_civilian",
            "--parameters", "tech_controls", "tech_drag_max", "phillips_slope", "--top", "2", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "sensitivity (morris): tech_controls vs baseline, effect at 2027Q4" in text and "12 runs" in text
    assert "output_civilian: top 2 by mu_star" in text
    back = pd.read_csv(out)
    assert list(back.columns) == ["output", "factor", "mu_star", "mu_star_conf", "mu", "sigma", "kind"]
    assert len(back) == 3 and back.set_index("factor").at["tech_controls", "kind"] == "lever"


def test_sweep_prints_a_surface_per_variable_and_writes_the_tidy_table(tmp_path: Path, capsys) -> None:
    out = tmp_path / "surface.parquet"
    argv = ["sweep", "input_sanctions", "tech_controls", "--intensity", "0", "1", "--outputs", "strain_index",
            "nwf_liquid", "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "effect on strain_index at 2027Q4 (vs baseline, index points):" in text and "tech_controls" in text
    back = pd.read_parquet(out)
    assert len(back) == 2 * 2 * 2 and set(back["variable"]) == {"strain_index", "nwf_liquid"}
    assert main(argv) == 2  # not replaced without --force


def test_sweep_prints_the_unit_of_its_effects_which_are_not_simulate_s_percent(capsys) -> None:
    from twosector.variables import units

    argv = ["sweep", "tech_controls", "--intensity", "0", "1", "--start", "2025Q1", "--outputs", "output_civilian",
            "cpi_inflation"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "effect on output_civilian at 2027Q4 (vs baseline, index points, index 2021 = 100):" in lines
    assert "effect on cpi_inflation at 2027Q4 (vs baseline, pp):" in lines
    assert lines[-1].startswith("effects: scenario minus baseline in the variable's own unit")
    assert "not the % vs baseline of simulate" in lines[-1]
    # the number printed is the difference in index points, not simulate's % vs baseline
    start = lines.index("effect on output_civilian at 2027Q4 (vs baseline, index points, index 2021 = 100):")
    printed = float(lines[start + 3].split()[1])
    tight = twosector.load_scenario("baseline").with_lever("tech_controls", intensity=1.0, start="2025Q1", ramp=0)
    scenario, base = (twosector.simulate(s).loc["2027Q4", "output_civilian"] for s in (tight, "baseline"))
    assert units()["output_civilian"] == "index 2021 = 100"
    assert printed == pytest.approx(scenario - base, abs=0.0051)
    assert abs(100 * (scenario - base) / base - printed) > 0.01  # the two conventions differ here


@pytest.mark.parametrize("argv, message", [
    (["simulate", "baseline", "--values", "both"], "--values both only applies with --out FILE (it chooses what the "
     "file holds); without --out simulate prints both the levels and the differences vs the baseline"),
    (["simulate", "baseline", "--values", "levels"], "--values levels only applies with --out FILE"),
    (["simulate", "baseline", "--force"], "--force only applies with --out FILE (it allows replacing that file)"),
])
def test_simulate_options_of_out_without_out_are_an_error(argv, message, capsys) -> None:
    assert main(argv) == 2
    assert _one_error(capsys).startswith(f"twosector simulate: error: {message}")


@pytest.mark.parametrize("argv, message", [
    (["sensitivity", "input_sanctions", "--n", "100"], "n: 100 is not allowed for method='sobol'"),
    (["sensitivity", "input_sanctions", "--method", "sobl"], "Did you mean 'sobol'"),
    (["sensitivity", "input_sanctions", "--outputs", "strain"], "Did you mean 'strain_index'"),
    (["sweep", "input_sanction"], "Did you mean 'input_sanctions'"),
    (["sweep", "oil_price_cap", "--intensity", "50"], "oil_price_cap.intensity: 50.0 is outside"),
    (["sweep", "oil_price_cap", "--engine", "dask", "--scheduler", "nowhere"], "scheduler: 'nowhere' is not an"),
    (["montecarlo", "baseline", "--draws", "2", "--engine", "dsak"], "Did you mean 'dask'"),
    (["sweep", "oil_price_cap", "--force"], "--force only applies with --out FILE (it allows replacing that file)"),
    (["montecarlo", "baseline", "--draws", "2", "--force"], "--force only applies with --out FILE"),
    (["sensitivity", "input_sanctions", "--force"], "--force only applies with --out FILE"),
])
def test_sensitivity_and_sweep_errors_exit_2_with_one_line(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("option", ["--baseline", "--base"])
def test_sweep_takes_the_baseline_as_the_other_ensemble_commands_do(option, capsys) -> None:
    argv = ["sweep", "tech_controls", "--intensity", "0.5", "--outputs", "strain_index", option, "input_sanctions"]
    assert main(argv) == 0
    assert "effect on strain_index at 2027Q4 (vs input_sanctions, index points):" in capsys.readouterr().out


def test_the_ensemble_commands_name_the_baseline_option_alike(capsys) -> None:
    for command in ("montecarlo", "sensitivity", "sweep"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "--baseline SCENARIO_OR_FILE" in text and "--base " not in text, command  # --base: a hidden alias


def test_montecarlo_refuses_an_out_table_larger_than_memory_before_the_run(tmp_path: Path, capsys,
                                                                          monkeypatch) -> None:
    import twosector.uncertainty

    monkeypatch.setattr(twosector.uncertainty, "available_memory", lambda: 2**30)  # 1 GiB available
    out = tmp_path / "draws.csv"
    assert main(["montecarlo", "baseline", "--draws", "100000", "--out", str(out)]) == 2
    # 100,000 draws x 6 variables x 28 quarters: the run (0.4 GiB, working memory included) fits, the CSV (5 GiB) not
    assert capsys.readouterr().err.strip() == (
        "twosector montecarlo: error: --out: writing the draws as CSV (16,800,000 rows of variable x draw x quarter) "
        "needs about 5.0 GiB on top of the 413.7 MiB of the run, more than this machine's 1.0 GiB available; "
        "allowed: at most about 16,098 draws here with --out, or about 56,345 draws with a .parquet file (fewer "
        "variables or a shorter horizon allow more)")
    assert not out.exists()


def test_the_ensemble_commands_show_their_horizon_and_plain_defaults_in_their_help(capsys) -> None:
    for command, words in (("sweep", "quarters reported, 2022Q1 to 2035Q4 (default 2027Q4)"),
                           ("montecarlo", "last quarter, 2025Q1 to 2035Q4 (default 2030Q4)")):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert words in text and "['" not in text, command


@pytest.mark.parametrize(("argv", "message"), [
    (["montecarlo", "baseline", "--seed", "1.5"],
     "argument --seed: '1.5' is not allowed; allowed: a non-negative integer"),
    (["sensitivity", "input_sanctions", "--seed", "x"],
     "argument --seed: 'x' is not allowed; allowed: a non-negative"),
    (["sweep", "input_sanctions", "--ramp", "1.5"], "argument --ramp: '1.5' is not allowed; allowed: a non-negative"),
    (["sweep", "input_sanctions", "--intensity", "abc"],
     "argument --intensity: 'abc' is not allowed; allowed: a number in the lever's unit and range"),
])
def test_typed_options_of_the_ensembles_name_the_value_and_what_is_allowed(argv, message, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and message in err and "Traceback" not in err, err
