"""Tests of levers, timing profiles and scenario loading/validation."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import twosector
from twosector.errors import ScenarioError, TwosectorError
from twosector.exog import quarter_index
from twosector.scenarios import LEVERS, Lever, Scenario, lever_paths, load_scenario, parse_quarter, profile

ROOT = Path(__file__).resolve().parents[1]
BUILTINS = {
    "baseline", "input_sanctions", "tech_controls", "skilled_emigration", "oil_price_cap",
    "secondary_sanctions", "broad_front", "sudden_shock", "ceasefire",
}
Q = lambda s: pd.Period(s, freq="Q")  # noqa: E731


def test_list_scenarios_has_every_builtin_with_a_description() -> None:
    table = twosector.list_scenarios()
    assert table.index.name == "name" and table.index.is_unique and BUILTINS <= set(table.index)
    assert table["description"].str.len().gt(20).all()
    for name, row in table.iterrows():  # the levers column is what loading the scenario gives
        assert row["levers"] == (", ".join(load_scenario(name).levers) or "-")


#: the levers the product brief asks for
BRIEF_LEVERS = {"input_sanctions", "tech_controls", "skilled_emigration", "oil_price_cap", "secondary_sanctions"}


def test_every_lever_is_documented_with_its_range_and_validated_at_its_bounds() -> None:
    assert BRIEF_LEVERS <= set(LEVERS)
    table = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for name, spec in LEVERS.items():
        assert spec.low < spec.high and spec.unit
        row = re.search(rf"^\| `{name}` \|.*\| (\S+)–(\S+) \|", table, re.M)
        assert row, f"{name} is missing from the lever table of docs/scenarios.md"
        assert [float(x.replace("−", "-")) for x in row.groups()] == [spec.low, spec.high], name
        for option, (_, low, high, _) in spec.options.items():  # each option with its own range
            line = table[row.start():table.index("\n", row.start())]
            assert f"`{option}` ({low:g}–{high:g})" in line, f"{name}.{option}"
        for bound in (spec.low, spec.high):
            assert load_scenario({"levers": {name: {"intensity": bound}}}).levers[name].intensity == bound
        with pytest.raises(ScenarioError, match=f"{name}.intensity: .* is outside the allowed range"):
            load_scenario({"levers": {name: {"intensity": spec.high + 0.01}}})


def test_profile_ramp_and_end() -> None:
    idx = quarter_index("2024Q3", "2027Q4")
    sudden = profile(Lever("input_sanctions", 1.0, Q("2025Q1"), 0), idx)
    assert sudden[:2].tolist() == [0, 0] and (sudden[2:] == 1).all()
    ramp = profile(Lever("input_sanctions", 1.0, Q("2025Q1"), 4), idx)
    assert np.allclose(ramp[2:7], [0.25, 0.5, 0.75, 1.0, 1.0])
    ended = profile(Lever("input_sanctions", 1.0, Q("2025Q1"), 0, Q("2025Q4")), idx)
    assert np.allclose(ended[2:8], [1, 1, 1, 1, 0, 0])
    wind = profile(Lever("input_sanctions", 1.0, Q("2025Q1"), 2, Q("2025Q4")), idx)
    assert np.allclose(wind[2:9], [0.5, 1, 1, 1, 0.5, 0, 0])


def test_sudden_shock_has_the_same_total_pressure_as_broad_front() -> None:
    idx = quarter_index("2019Q1", "2030Q4")
    broad = lever_paths(load_scenario("broad_front"), idx)
    sudden = lever_paths(load_scenario("sudden_shock"), idx)
    levers = load_scenario("broad_front").levers
    assert set(levers) == set(load_scenario("sudden_shock").levers) and len(levers) >= 4
    for name in levers:
        assert np.isclose(broad[name].sum(), sudden[name].sum()), name
        assert sudden[name].max() > broad[name].max()  # more at once...
        assert sudden[name][-4:].sum() == 0  # ...and short-lived


def test_base_inheritance_merges_fields() -> None:
    s = load_scenario({"name": "x", "base": "input_sanctions", "levers": {"input_sanctions": {"ramp": 8},
                                                                         "tech_controls": {"intensity": 0.2}}})
    lever = s.levers["input_sanctions"]
    assert lever.intensity == 0.5 and lever.ramp == 8 and lever.start == Q("2025Q1")
    assert s.levers["tech_controls"].intensity == 0.2
    assert s.with_lever("input_sanctions", start="2026Q2").levers["input_sanctions"].start == Q("2026Q2")


def test_toml_file_and_example_load(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('base = "baseline"\n[levers.oil_price_cap]\nintensity = 15\nstart = "2025Q3"\n')
    s = load_scenario(path)
    assert s.name == "mine" and s.levers["oil_price_cap"].intensity == 15.0
    example = load_scenario(ROOT / "examples" / "my_scenario.toml")
    assert example.levers


def test_the_yaml_example_is_the_toml_example_and_simulates_the_same() -> None:
    toml, yaml = (load_scenario(ROOT / "examples" / f"my_scenario.{ext}") for ext in ("toml", "yaml"))
    assert yaml.to_dict() == toml.to_dict() and yaml.levers == toml.levers and yaml.name == "my_scenario"
    pd.testing.assert_frame_equal(twosector.simulate(yaml, end="2027Q4"), twosector.simulate(toml, end="2027Q4"))
    assert twosector.simulate(toml, end="2027Q4")["strain_index"].iloc[-1] != twosector.simulate(
        "baseline", end="2027Q4")["strain_index"].iloc[-1]  # the files did set levers


def test_a_yaml_scenario_is_named_after_its_file_and_may_build_on_a_toml_one(tmp_path: Path) -> None:
    (tmp_path / "b.toml").write_text('[levers.tech_controls]\nintensity = 0.4\nstart = "2025Q3"\n')
    child = tmp_path / "sub" / "child.yml"
    child.parent.mkdir()
    child.write_text("base: ../b.toml\nlevers:\n  tech_controls: {ramp: 8}\n  oil_price_cap: 10\n")
    s = load_scenario(str(child))
    assert s.name == "child" and s.levers["oil_price_cap"].intensity == 10.0
    assert (s.levers["tech_controls"].intensity, s.levers["tech_controls"].ramp) == (0.4, 8)
    (tmp_path / "bad.yaml").write_text("levers:\n  tech_controls: {intensity: 0.4, start: 2030}\n")
    with pytest.raises(ScenarioError, match=r"^.*bad.yaml: tech_controls.start: '2030' is a year; did you mean "
                                            r"'2030Q1'\?$"):
        load_scenario(tmp_path / "bad.yaml")


@pytest.mark.parametrize(
    ("mapping", "pattern"),
    [
        ({"levers": {"input_sanction": {"intensity": 0.5}}},
         r"unknown lever 'input_sanction'.*Did you mean 'input_sanctions'"),
        ({"levers": {"input_sanctions": {"intensty": 0.5}}}, r"unknown field 'intensty'.*Did you mean 'intensity'"),
        ({"levers": {"input_sanctions": {"intensity": "high"}}},
         r"input_sanctions.intensity: 'high' is not a number.*\[0.0, 1.0\]"),
        ({"levers": {"input_sanctions": {"intensity": 1.5}}},
         r"input_sanctions.intensity: 1.5 is outside the allowed range \[0.0, 1.0\]"),
        ({"levers": {"input_sanctions": {"intensity": 0.5, "start": "2025Q5"}}},
         r"input_sanctions.start: '2025Q5' is not a quarter.*'2025Q2'"),
        ({"levers": {"input_sanctions": {"intensity": 0.5, "start": "2019Q1"}}},
         r"input_sanctions.start.*outside the allowed range 2022Q1"),
        ({"levers": {"input_sanctions": {"intensity": 0.5, "start": "2026Q1", "end": "2025Q4"}}},
         r"input_sanctions.end: '2025Q4' is before start '2026Q1'"),
        ({"levers": {"input_sanctions": {"intensity": 0.5, "ramp": 2.5}}}, r"ramp: 2.5 is not a whole number"),
        ({"levers": {"input_sanctions": {"intensity": 0.5, "ramp": -1}}},
         r"ramp: -1 is outside the allowed range \[0, 40\]"),
        ({"levers": {"ceasefire": {"intensity": 1, "demobilisation": 2}}}, r"ceasefire.demobilisation: 2.0 is outside"),
        ({"levers": {"input_sanctions": {"start": "2025Q1"}}}, r"field 'intensity' is missing"),
        ({"base": "basline"}, r"unknown scenario 'basline'.*Did you mean 'baseline'"),
        ({"input_sanctions": {"intensity": 0.5}}, r"unknown field 'input_sanctions'.*\[levers.<name>\]"),
    ],
)
def test_invalid_scenarios_raise_one_clear_message(mapping: dict, pattern: str) -> None:
    with pytest.raises(ScenarioError, match=pattern):
        load_scenario(mapping)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[levers.input_sanctions\nintensity = 0.5\n")
    with pytest.raises(ScenarioError, match=r"broken.toml: malformed TOML"):
        load_scenario(bad)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[levers.tech_controls]\nintensity = 0.5\nstart = "2025Q0"\n')
    with pytest.raises(ScenarioError, match=r"wrong.toml: tech_controls.start: '2025Q0' is not a quarter"):
        load_scenario(wrong)
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match=r"unknown scenario 'broad_frnt'.*Did you mean 'broad_front'"):
        load_scenario("broad_frnt")


def test_parse_quarter() -> None:
    assert parse_quarter("2025q2") == Q("2025Q2") and parse_quarter("2025-Q3") == Q("2025Q3")
    for bad in ("2025Q5", "25Q1", "2025", 2025):
        with pytest.raises(ScenarioError):
            parse_quarter(bad)


@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, 30), ramp=st.integers(0, 12), length=st.one_of(st.none(), st.integers(0, 20)))
def test_profile_properties(start: int, ramp: int, length: int | None) -> None:
    idx = quarter_index("2022Q1", "2035Q4")
    s = idx[start]
    end = None if length is None or start + length >= len(idx) else idx[start + length]
    prof = profile(Lever("tech_controls", 1.0, s, ramp, end), idx)
    assert ((prof >= 0) & (prof <= 1)).all()
    assert (prof[:start] == 0).all()
    stop = len(idx) if end is None else start + length + 1
    assert (np.diff(prof[start:stop]) >= -1e-12).all()  # builds up until the end quarter
    if end is None:
        assert prof[min(start + max(ramp, 1) - 1, len(idx) - 1)] == 1.0 or start + ramp > len(idx)
    else:
        assert (prof[stop + ramp:] == 0).all()  # wound down within `ramp` quarters after the end
        assert (np.diff(prof[stop - 1:]) <= 1e-12).all()


def test_base_cycles_and_file_bases(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'base = "{b}"\n')
    b.write_text(f'base = "{a}"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(a)
    b.write_text('base = "input_sanctions"\n[levers.tech_controls]\nintensity = 0.3\n')
    s = load_scenario(a)
    assert set(s.levers) == {"input_sanctions", "tech_controls"}
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.toml"
    child.write_text('base = "../b.toml"\n')
    assert set(load_scenario(child).levers) == {"input_sanctions", "tech_controls"}



@pytest.mark.parametrize(("fields", "message"), [
    ({"intensity": float("nan")}, r"Lever: input_sanctions\.intensity: nan is outside the allowed range \[0\.0, 1"),
    ({"intensity": 2.0}, r"Lever: input_sanctions\.intensity: 2\.0 is outside the allowed range"),
    ({"ramp": -1}, r"Lever: input_sanctions\.ramp: -1 is outside the allowed range"),
    ({"start": "2030"}, r"Lever: input_sanctions\.start: '2030' is a year; did you mean '2030Q1'\?"),
    ({"end": pd.Period("2024Q1", freq="Q")}, r"Lever: input_sanctions\.end: '2024Q1' is before start '2025Q1'"),
])
def test_a_lever_built_in_python_is_checked_like_one_from_a_file(fields, message):
    kw = {"name": "input_sanctions", "intensity": 0.5, "start": pd.Period("2025Q1", freq="Q")} | fields
    with pytest.raises(ScenarioError, match=message):
        Lever(**kw)


def test_a_lever_built_in_python_is_normalised_and_runs():
    lever = Lever("ceasefire", 1, "2026Q1")  # an int intensity and a string quarter, as a user would type them
    assert lever.intensity == 1.0 and lever.start == pd.Period("2026Q1", freq="Q")
    assert set(lever.options) == set(LEVERS["ceasefire"].options)  # the options' defaults filled in
    out = twosector.simulate(Scenario("mine", levers={"ceasefire": lever}), end="2027Q4")
    assert np.isfinite(out.to_numpy(dtype=float)).all()


@pytest.mark.parametrize(("kw", "message"), [
    ({"name": ""}, r"Scenario: name '' is not allowed"),
    ({"levers": [1]}, r"Scenario 'x': levers \[1\] is not a mapping"),
    ({"levers": {"tech_controls": 0.5}}, r"Scenario 'x': levers\['tech_controls'\] = 0\.5 is not a Lever"),
])
def test_a_scenario_built_in_python_is_checked(kw, message):
    with pytest.raises(ScenarioError, match=message):
        Scenario(**({"name": "x"} | kw))


def test_a_long_chain_of_base_files_is_one_error_not_a_recursion_error(tmp_path):
    from twosector.errors import ordinal
    from twosector.scenarios import MAX_BASE_DEPTH

    n = 500
    for i in range(n):
        base = f'base = "s{i + 1}.toml"\n' if i + 1 < n else 'base = "baseline"\n'
        (tmp_path / f"s{i}.toml").write_text(f'name = "s{i}"\n{base}', encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"is the {ordinal(MAX_BASE_DEPTH + 1)} scenario in a chain of 'base' "
                       rf"references; allowed: at most {MAX_BASE_DEPTH}"):
        load_scenario(str(tmp_path / "s0.toml"))
    assert load_scenario(str(tmp_path / f"s{n - 10}.toml")).name == f"s{n - 10}"  # a short chain loads


def test_a_scenario_path_that_is_a_pipe_or_a_folder_says_so_on_the_command_line(tmp_path, capsys):
    import os

    from twosector.cli import main

    folder = tmp_path / "x.toml"
    folder.mkdir()
    read_end, write_end = os.pipe()
    try:
        assert main(["simulate", str(folder)]) == 2
        assert capsys.readouterr().err == (f"twosector simulate: error: scenario file {str(folder)!r} is a folder, "
                                           "not a file\n")
        assert main(["simulate", f"/dev/fd/{read_end}"]) == 2  # <(...) without a suffix: not a built-in's name
        assert capsys.readouterr().err == (
            f"twosector simulate: error: scenario file '/dev/fd/{read_end}' is not a regular file (a pipe, socket or "
            "device); give a regular file (for <(...): write the text to a file first)\n")
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.mark.parametrize(("text", "why"), [
    ("1e400", "'1e400' is text, and as a number out of range (beyond the largest floating-point number)"),
    ("1e-1", "'1e-1' is text, not a number (write 0.1 without quotes; YAML reads an exponent such as 1e3 as text)"),
    ("abc", "'abc' is not a number"),
    (".nan", "nan is outside the allowed range"),
])
def test_a_yaml_number_read_as_text_says_why(tmp_path, text, why):
    path = tmp_path / "s.yaml"
    path.write_text(f"levers:\n  input_sanctions: {{intensity: {text}}}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(str(path))
    assert f"input_sanctions.intensity: {why}" in str(exc.value)


def test_save_scenario_never_replaces_a_file_unless_asked_and_says_how_in_python(tmp_path):
    from twosector.scenarios import save_scenario

    target = tmp_path / "oil.toml"
    target.write_text("mine")
    scenario = load_scenario("baseline").with_lever("oil_price_cap", intensity=10.0)
    with pytest.raises(TwosectorError) as refused:
        save_scenario(scenario, target)
    assert str(refused.value) == (f"save_scenario: path {str(target)!r} already exists; give force=True to replace it, "
                                  "or another name")  # a function's argument, not the command line's --force
    assert target.read_text() == "mine"
    assert load_scenario(save_scenario(scenario, target, force=True)).levers == scenario.levers
