"""Property test of the command line: any combination of arguments ends in a result or one error line.

Hypothesis builds ``twosector simulate`` command lines from the real vocabulary (scenarios, levers, fields,
parameters) mixed with junk (misspellings, bare years, NaN, empty strings, huge numbers, stray text). Whatever it
builds, the program must return 0 or 2 (or argparse's 2 for usage errors) and, on an error, print exactly one
``error:`` line and no traceback (issue 11: "no traceback reaches the user from the CLI").
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import twosector
from twosector.cli import main
from twosector.scenarios import LEVERS

SCENARIOS = sorted(twosector.list_scenarios().index)
PARAMS = sorted(twosector.default_params().index)
JUNK = st.sampled_from(["", "nan", "inf", "-1", "1e308", "2030", "2025Q9", "x", "0.5.5", "=", "é", "2025q1", "..",
                        "/nonexistent.toml", "0x10", "True"])
NUMBER = st.one_of(st.floats(0, 1).map(repr), st.floats(0, 1).map(repr), st.integers(0, 8).map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr), JUNK)
QUARTER = st.one_of(st.builds(lambda y, q: f"{y}Q{q}", st.integers(2024, 2031), st.integers(1, 4)),
                    st.builds(lambda y, q: f"{y}Q{q}", st.integers(2018, 2102), st.integers(0, 5)), JUNK)
NAME = st.one_of(st.sampled_from(sorted(LEVERS)), st.sampled_from(sorted(LEVERS)),
                 st.sampled_from(sorted(LEVERS)).map(lambda s: s[:-1]), JUNK)
FIELD = st.sampled_from(["", ".start", ".ramp", ".end", ".intensity", ".sanction_relief", ".strat"])


@st.composite
def simulate_args(draw: st.DrawFn) -> list[str]:
    args = ["simulate", draw(st.sampled_from([*SCENARIOS, "inpt_sanctions", "2030", "", "/nonexistent.toml"]))]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["set", "set", "set", "param", "junk"]))
        if kind == "set":
            field = draw(FIELD)
            value = draw(QUARTER if field in (".start", ".end") else NUMBER)
            args += ["--set", f"{draw(NAME)}{field}={value}"]
        elif kind == "param":
            args += ["--param", f"{draw(st.one_of(st.sampled_from(PARAMS), JUNK))}={draw(NUMBER)}"]
        else:
            args += [draw(st.sampled_from(["--set", "--param", "--bogus", "-x", "extra"]))]
    return args


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(args=simulate_args())
def test_any_simulate_command_line_is_a_result_or_one_error_line(args, capsys):
    try:
        code = main(args)
    except SystemExit as exc:  # argparse: usage errors exit 2 with a usage line and one error line
        code = exc.code
    captured = capsys.readouterr()
    assert code in (0, 2), (args, code, captured.err[-500:])
    assert "Traceback" not in captured.err and "Traceback" not in captured.out, args
    if code == 2:
        errors = [line for line in captured.err.splitlines() if ": error: " in line]
        assert len(errors) == 1, (args, captured.err)


@pytest.mark.parametrize("args", [
    ["simulate", "baseline", "--set", "input_sanctions=nan"],
    ["simulate", "baseline", "--param", "hours_min=inf"],
    ["simulate", "baseline", "--set", "ceasefire=1", "--set", "ceasefire.sanction_relief=2"],
])
def test_examples_that_once_slipped_through_are_one_line(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ": error: " in err[0]
