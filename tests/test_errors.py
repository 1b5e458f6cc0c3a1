"""Error wording helpers: name the item, suggest the fix, list what is allowed."""

import pytest

from twosector.errors import DataError, ParameterError, ScenarioError, TwosectorError, did_you_mean, unknown_name


def test_did_you_mean_suggests_the_closest_name():
    assert did_you_mean("input_sanction", ["input_sanctions", "tech_controls"]) == " Did you mean 'input_sanctions'?"


def test_did_you_mean_is_silent_when_nothing_is_close():
    assert did_you_mean("zzz", ["input_sanctions", "tech_controls"]) == ""


def test_unknown_name_lists_valid_options_sorted():
    msg = unknown_name("lever", "ceasfire", ["tech_controls", "ceasefire"])
    assert msg.startswith("unknown lever 'ceasfire'.")
    assert "Did you mean 'ceasefire'?" in msg
    assert msg.endswith("Valid levers: ceasefire, tech_controls.")


@pytest.mark.parametrize("cls", [DataError, ParameterError, ScenarioError])
def test_every_input_error_is_a_twosector_error_and_a_value_error(cls):
    err = cls("bad")
    assert isinstance(err, TwosectorError) and isinstance(err, ValueError)
