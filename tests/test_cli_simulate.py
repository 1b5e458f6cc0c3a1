"""Tests of `twosector simulate` (in-process via cli.main, plus one subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from twosector.cli import main


def test_simulate_prints_a_summary_vs_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "input_sanctions"]) == 0
    out = capsys.readouterr().out
    assert "input_sanctions" in out and "2027Q4" in out and "strain_index" in out and "vs baseline" in out


def test_set_and_param_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "baseline", "--set", "tech_controls=0.6", "--set", "tech_controls.start=2025Q3",
                 "--set", "tech_controls.ramp=8", "--param", "okun_coef=0.5"]) == 0
    out = capsys.readouterr().out
    assert "tech_controls=0.6 from 2025Q3 ramp 8" in out


def test_out_writes_the_full_results_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / "results.csv"
    assert main(["simulate", "broad_front", "--out", str(target)]) == 0
    frame = pd.read_csv(target, index_col=0)
    assert len(frame) == 48 and "strain_index" in frame.columns and frame.index[0] == "2019Q1"
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
        (["simulate", "baseline", "--set", "input_sanctions=0.5", "--set", "input_sanctions.colour=red"],
         "unknown field 'colour'"),
        (["simulate", "baseline", "--param", "okun=0.5"], "unknown parameter 'okun'"),
        (["simulate", "baseline", "--param", "okun_coef=abc"], "'okun_coef': value 'abc' is not a number"),
        (["simulate", "baseline", "--param", "okun_coef"], "expected 'name=value'"),
        (["simulate", "baseline", "--out", "results.xlsx"], "unsupported file type"),
        (["simulate", "baseline", "--set", "defence_spending=-0.95"], "defence_spending.intensity: -0.95 is outside"),
        (["simulate", "baseline", "--set", "ceasefire=1", "--set", "ceasefire.demobilisation=x"],
         "ceasefire.demobilisation: 'x' is not a number"),
        (["simulate", "missing_file.toml"], "scenario file 'missing_file.toml' not found"),
    ],
)
def test_errors_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_malformed_file_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[levers.input_sanctions]\nintensity = 0.5\nramp = 'four'\n")
    assert main(["simulate", str(bad)]) == 2
    assert "input_sanctions.ramp: 'four' is not a whole number" in capsys.readouterr().err


def test_subprocess_prints_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "twosector", "simulate", "baseline", "--set", "oil_price_cap=99"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "oil_price_cap.intensity: 99.0 is outside the allowed range [0.0, 40.0]" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_parquet_output_or_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    target = tmp_path / "r.parquet"
    status = main(["simulate", "baseline", "--out", str(target)])
    if importlib.util.find_spec("pyarrow") or importlib.util.find_spec("fastparquet"):
        assert status == 0 and target.exists()
    else:
        assert status == 2 and "needs pyarrow" in capsys.readouterr().err and not target.exists()
