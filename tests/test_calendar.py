"""The calendar: one module holds the dates of the data vintage and the model calendar.

They agree with the data, the exogenous paths, the engine's normalisation and the command line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import twosector
from twosector import calendar, exog
from twosector.calendar import (
    DATA_CUTOFF,
    DEFAULT_END,
    DEFAULT_LEVER_START,
    MODEL_START,
    PREWAR_END,
    PROJECTION_START,
    normalisation_positions,
    parse_quarter,
    quarter_index,
)
from twosector.cli import build_parser
from twosector.data import load_data, series
from twosector.errors import ScenarioError, TwosectorError

PACKAGE = Path(twosector.__file__).resolve().parent


def test_the_vintage_quarter_is_written_in_the_calendar_only() -> None:
    vintage = re.compile(rf"\b{DATA_CUTOFF.year}\s*-?\s*Q{DATA_CUTOFF.quarter}\b")
    found = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if vintage.search(p.read_text("utf-8")))
    assert found == ["calendar.py"]


def test_the_cutoff_is_the_last_quarter_of_outcomes_in_the_data() -> None:
    data = load_data()
    outcomes = data[data["vintage"] != "plan"]
    ends = [pd.Period(p, freq=f).end_time for p, f in zip(outcomes["period"], outcomes["freq"], strict=True)]
    assert max(ends) <= DATA_CUTOFF.end_time
    assert series("key_rate_q").index[-1] == DATA_CUTOFF  # the quarterly series reach it


def test_exogenous_paths_switch_from_data_to_assumptions_after_the_cutoff() -> None:
    x = exog.paths()
    assert x.index[0] == MODEL_START and x.index[-1] == DEFAULT_END
    assert x.loc[DATA_CUTOFF, "rate_anchor"] == 1.0  # the key rate follows the data to the cut-off ...
    assert (x.loc[PROJECTION_START:, "rate_anchor"] == 0.0).all()  # ... and the Taylor rule after it
    assert x.loc[PREWAR_END, "war"] == 0.0 and x.loc[PREWAR_END + 1, "war"] == 1.0


def test_default_horizon_and_lever_start() -> None:
    out = twosector.simulate("baseline")
    assert out.index[0] == MODEL_START and out.index[-1] == DEFAULT_END
    sc = twosector.load_scenario({"base": "baseline", "levers": {"input_sanctions": {"intensity": 0.5}}})
    assert sc.levers["input_sanctions"].start == DEFAULT_LEVER_START == PROJECTION_START == DATA_CUTOFF + 1


def test_command_line_defaults_come_from_the_calendar() -> None:
    assert build_parser().parse_args(["calibrate"]).end == str(DATA_CUTOFF)
    assert build_parser().parse_args(["dev", "docs"]).end == str(DATA_CUTOFF)


def test_normalisation_positions_are_the_base_year_and_the_prewar_quarters() -> None:
    idx = quarter_index("2018Q3", "2023Q2")
    base, prewar = normalisation_positions(idx)
    assert [str(idx[i]) for i in base] == [f"{calendar.BASE_YEAR}Q{q}" for q in (1, 2, 3, 4)]
    assert idx[prewar[0]] == MODEL_START and idx[prewar[-1]] == PREWAR_END
    assert len(prewar) == PREWAR_END.ordinal - MODEL_START.ordinal + 1


@pytest.mark.parametrize("text", ["2025Q2", "2025-Q2", "2025q2", " 2025 - Q2 "])
def test_parse_quarter_reads_the_quarter_forms(text: str) -> None:
    assert parse_quarter(text) == pd.Period("2025Q2", freq="Q")


@pytest.mark.parametrize("value", ["2025", 2025, " 2025 ", pd.Period("2025", freq="Y")])
def test_a_year_is_not_read_as_its_first_quarter(value: object) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_quarter(value, "lever.start", ScenarioError)
    assert str(exc.value) == "lever.start: '2025' is a year; did you mean '2025Q1'?"  # a start: its first quarter


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: twosector.simulate("baseline", end="2030"), "end: '2030' is a year; did you mean '2030Q4'?"),
        (lambda: twosector.simulate("baseline", start="2023"), "start: '2023' is a year; did you mean '2023Q1'?"),
        (lambda: twosector.scenarios.load_scenario({"levers": {"ceasefire": {"intensity": 1, "start": 2030}}}),
         "scenario mapping: ceasefire.start: '2030' is a year; did you mean '2030Q1'?"),
        (lambda: quarter_index("2019Q1", "2024"), "end: '2024' is a year; did you mean '2024Q4'?"),
        (lambda: exog.paths(end_history="2023"), "exog.paths: end_history: '2023' is a year; did you mean '2023Q4'?"),
        (lambda: twosector.tables.key_results(*[twosector.simulate("baseline")] * 2, at="2027"),
         "quarter: '2027' is a year; did you mean '2027Q4'?"),
        (lambda: twosector.estimation.estimate(end="2024"), "end: '2024' is a year; did you mean '2024Q4'?"),
        (lambda: twosector.calibrate(end="2025Q1"),
         "end: '2025Q1' is after the last quarter of the data, 2024Q4; allowed: a cut-off up to 2024Q4"),
    ],
)
def test_every_quarter_a_user_gives_refuses_a_bare_year(call, message: str) -> None:
    with pytest.raises(TwosectorError) as exc:
        call()
    assert str(exc.value) == message


@pytest.mark.parametrize("value", ["2025Q5", "2025-05-01", "Q2 2025", pd.Period("2025-05", freq="M")])
def test_parse_quarter_refuses_what_is_not_a_quarter(value: object) -> None:
    with pytest.raises(ScenarioError, match=r"^lever\.start: .* is not a quarter; allowed: text like '2025Q2'"):
        parse_quarter(value, "lever.start", ScenarioError)
    with pytest.raises(TwosectorError):
        parse_quarter(value)
