"""Error wording helpers: name the item, suggest the fix, list what is allowed; the catalogue docs/errors.md."""

import re
import shlex
from pathlib import Path

import pytest

from twosector.errors import (
    DataError,
    ParameterError,
    ScenarioError,
    TwosectorError,
    did_you_mean,
    ordinal,
    plural,
    unknown_name,
)


def test_did_you_mean_suggests_the_closest_name():
    assert did_you_mean("input_sanction", ["input_sanctions", "tech_controls"]) == " Did you mean 'input_sanctions'?"


def test_did_you_mean_is_silent_when_nothing_is_close():
    assert did_you_mean("zzz", ["input_sanctions", "tech_controls"]) == ""


def test_unknown_name_lists_valid_options_sorted():
    msg = unknown_name("lever", "ceasfire", ["tech_controls", "ceasefire"])
    assert msg.startswith("unknown lever 'ceasfire'.")
    assert "Did you mean 'ceasefire'?" in msg
    assert msg.endswith("Valid levers: ceasefire, tech_controls.")


def test_an_unknown_series_lists_the_valid_series_not_seriess():
    from twosector.data import series

    with pytest.raises(DataError) as exc:
        series("key_rat")
    assert str(exc.value).startswith("unknown series 'key_rat'. Did you mean 'key_rate'")
    assert "Valid series: " in str(exc.value) and "seriess" not in str(exc.value)


@pytest.mark.parametrize(("word", "count", "text"), [
    ("series", None, "series"), ("lever", None, "levers"), ("top-level key", None, "top-level keys"),
    ("quantity", None, "quantities"), ("box", None, "boxes"), ("observation", 1, "1 observation"),
    ("observation", 0, "0 observations"), ("series", 2, "2 series"), ("coefficient", 3, "3 coefficients"),
])
def test_plural(word, count, text):
    assert plural(word, count) == text


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                         (13, "13th"), (21, "21st"), (51, "51st"), (102, "102nd"), (111, "111th")])
def test_ordinal(n, text):
    assert ordinal(n) == text


@pytest.mark.parametrize("cls", [DataError, ParameterError, ScenarioError])
def test_every_input_error_is_a_twosector_error_and_a_value_error(cls):
    err = cls("bad")
    assert isinstance(err, TwosectorError) and isinstance(err, ValueError)


# ------------------------------------------------------------------ the catalogue in docs/errors.md, replayed

ERRORS_DOC = Path(__file__).resolve().parents[1] / "docs" / "errors.md"


def _examples() -> list[tuple[dict[str, str], list[str], str]]:
    """The ``console`` blocks of docs/errors.md: (environment, arguments, expected standard error)."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", ERRORS_DOC.read_text(encoding="utf-8"), flags=re.S):
        command, expected = block.strip().split("\n", 1)
        words = shlex.split(command.removeprefix("$ "))
        env = dict(w.split("=", 1) for w in words if "=" in w and w.split("=", 1)[0].isupper())
        args = words[len(env):]
        assert args[0] == "twosector", command
        out.append((env, args[1:], expected.strip()))
    return out


def test_the_error_catalogue_documents_every_error_class():
    import twosector.errors as errors

    text = ERRORS_DOC.read_text(encoding="utf-8")
    classes = [n for n in errors.__all__ if n.endswith("Error")]
    assert classes and all(f"`{n}`" in text for n in classes)
    assert len(_examples()) >= 6


@pytest.mark.parametrize(("env", "args", "expected"), _examples(),
                         ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_each_example_of_the_error_catalogue_is_what_the_program_prints(env, args, expected, monkeypatch, capsys):
    from twosector.cli import main

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(args) == 2
    assert capsys.readouterr().err.strip() == expected
