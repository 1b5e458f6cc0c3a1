"""The command line: help that teaches, clean errors, no tracebacks."""

import subprocess
import sys

import pytest

from twosector.cli import build_parser, main


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("data", "scenarios", "simulate", "calibrate", "batch"):
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
