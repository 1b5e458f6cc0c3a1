"""The command line: help that teaches, clean errors, no tracebacks."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twosector.cli import build_parser, main


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("data", "scenarios", "simulate", "calibrate", "batch", "dev"):
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

ROOT = Path(__file__).resolve().parents[1]


def test_dev_help_lists_the_maintenance_tasks_with_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["dev", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for task in ("derive", "catalogue", "docs"):
        assert task in out and f"twosector dev {task}" in out
    assert "examples:" in out
    for task in ("derive", "catalogue", "docs"):
        with pytest.raises(SystemExit):
            main(["dev", task, "--help"])
        assert "examples:" in capsys.readouterr().out


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
    assert [p.name for p in written.parent.iterdir()] == [written.name]  # no temporary file left


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
