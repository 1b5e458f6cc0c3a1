"""Property tests of the files a user writes: scenario files and batch grids, valid and mutated.

Hypothesis builds valid scenario files (levers from the real catalogue, quarters, ramps, ends, ceasefire options,
a built-in base) and grids (the notebooks' real parameters, scenario lists, ids, defaults), then mutates them the
way users do: unknown keys, wrong types, bad quarters, intensities out of range or NaN, a missing base, cycles of
bases, bytes that are not UTF-8, an empty file, YAML instead of TOML. Whatever it builds, the command line ends in
a result or in exactly one error line, never a traceback (issue 11); a valid scenario saved and loaded again is
the same scenario. The example counts keep the module at a few seconds.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import twosector
from twosector import batch
from twosector.batch import load_grid
from twosector.cli import main
from twosector.errors import TwosectorError
from twosector.scenarios import LEVERS, MAX_RAMP, load_scenario, save_scenario

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BUILTINS = sorted(twosector.list_scenarios().index)
_names = itertools.count()


def quarters(first: int = 2022, last: int = 2040) -> st.SearchStrategy[str]:
    return st.builds(lambda y, q: f"{y}Q{q}", st.integers(first, last), st.integers(1, 4))


@st.composite
def levers(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Valid lever tables: a few levers with intensities in range and consistent timing."""
    out = {}
    for name in draw(st.lists(st.sampled_from(sorted(LEVERS)), max_size=3, unique=True)):
        spec = LEVERS[name]
        table: dict[str, Any] = {"intensity": draw(st.floats(spec.low, spec.high, allow_nan=False))}
        if draw(st.booleans()):
            table["start"] = draw(quarters(2022, 2030))
        if draw(st.booleans()):
            table["ramp"] = draw(st.integers(0, MAX_RAMP))
        if draw(st.booleans()):
            start = pd.Period(table.get("start", "2025Q1"), "Q")
            table["end"] = str(start + draw(st.integers(0, 20)))
        for option, (_default, low, high, _desc) in spec.options.items():
            if draw(st.booleans()):
                table[option] = draw(st.floats(low, high, allow_nan=False))
        out[name] = table
    return out


TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario file as a mapping (written with tomli_w)."""
    data: dict[str, Any] = {"name": draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20))}
    if draw(st.booleans()):
        data["description"] = draw(TEXT)
    if draw(st.booleans()):
        data["base"] = draw(st.sampled_from(BUILTINS))
    data["levers"] = draw(levers())
    return data


JUNK = st.one_of(st.sampled_from(["", "2030", "2025Q5", "2019Q4", "2101Q1", "x", "2025q1", "..", "nan"]),
                 st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.booleans(),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "intensity"]),
                                                                      st.integers(), max_size=2))


def _mutate(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """One mutation users make: an unknown or misspelt key, a wrong type or value, a base that is not there."""
    data = {**data, "levers": {k: dict(v) for k, v in data.get("levers", {}).items()}}
    kind = draw(st.sampled_from(["top_key", "lever_name", "lever_field", "value", "base", "levers_type"]))
    if kind == "top_key":
        data[draw(st.sampled_from(["nmae", "lever", "input_sanctions", "Base", ""]))] = draw(JUNK)
    elif kind == "lever_name":
        name = draw(st.sampled_from(["inpt_sanctions", "ceasefire ", "OIL_PRICE_CAP", "x"]))
        data["levers"][name] = {"intensity": 0.5}
    elif kind == "levers_type":
        data["levers"] = draw(JUNK)
    elif kind == "base":
        data["base"] = draw(st.one_of(st.sampled_from(["basline", "missing.toml", "/nonexistent/x.toml", ""]), JUNK))
    else:
        name = draw(st.sampled_from(sorted(LEVERS)))
        table = data["levers"].setdefault(name, {"intensity": LEVERS[name].low})
        if kind == "lever_field":
            table[draw(st.sampled_from(["strat", "intensty", "Ramp", "demobilisation", "relief"]))] = draw(JUNK)
        else:
            table[draw(st.sampled_from(["intensity", "start", "ramp", "end", "defence_cut"]))] = draw(JUNK)
    return data


def _toml(data: dict[str, Any]) -> bytes:
    """TOML text of ``data``; TOML has no null, and a key of only spaces is written quoted."""
    return tomli_w.dumps(data).encode("utf-8")


@st.composite
def scenario_files(draw: st.DrawFn, folder: Path) -> Path:
    """A scenario file in ``folder``: valid, mutated, not TOML, not UTF-8, empty, part of a cycle of bases, or YAML."""
    path = folder / f"s{next(_names)}.toml"
    data = draw(scenarios())
    kind = draw(st.sampled_from(["valid", "mutated", "mutated", "cycle", "yaml", "latin1", "empty", "truncated",
                                 "as-yaml", "mutated-yaml", "truncated-yaml"]))
    if kind.endswith("-yaml"):  # the same tables as a YAML file, which may also say null
        path = path.with_suffix(".yaml")
        tables = _mutate(draw, data) if kind == "mutated-yaml" else data
        text = yaml.safe_dump(tables if draw(st.booleans()) else {**tables, "description": None}).encode()
        content = text[: draw(st.integers(0, len(text) - 1))] if kind == "truncated-yaml" else text
    elif kind == "valid":
        content = _toml(data)
    elif kind == "mutated":
        content = _toml(_mutate(draw, data))
    elif kind == "cycle":
        other = path.with_name(f"c{next(_names)}.toml")
        other.write_bytes(_toml({"base": path.name}))
        content = _toml({**data, "base": other.name})
    elif kind == "yaml":
        content = b"name: mine\nlevers:\n  input_sanctions:\n    intensity: 0.5\n"
    elif kind == "latin1":
        content = _toml(data).replace(b"name", "nam\u00e9".encode("latin-1"), 1)
    elif kind == "empty":
        content = draw(st.sampled_from([b"", b"# only a comment\n", b"\xef\xbb\xbf"]))
    else:
        text = _toml(data)
        content = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    path.write_bytes(content)
    return path


def _one_error_or_result(code: Any, captured: Any, args: list[str]) -> None:
    err = captured.err
    event(f"exit {code}")
    assert "Traceback" not in err and "Traceback" not in captured.out, (args, err[-800:])
    assert code in (0, 2), (args, code, err[-800:])
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and ": error: " in lines[0], (args, err)


@settings(SETTINGS, max_examples=30)  # a valid one is simulated: the slowest examples of the module
@given(data=st.data())
def test_any_scenario_file_is_a_result_or_one_error_line(data, tmp_path, capsys):
    path = data.draw(scenario_files(tmp_path))
    args = ["simulate", str(path), "--out", str(tmp_path / f"r{next(_names)}.csv")]
    code = main(args)
    _one_error_or_result(code, capsys.readouterr(), args)


@settings(SETTINGS, max_examples=60)
@given(data=scenarios())
def test_a_valid_scenario_file_loads_saves_and_loads_the_same(data, tmp_path):
    path = tmp_path / f"s{next(_names)}.toml"
    path.write_bytes(_toml(data))
    first = load_scenario(path)
    second = load_scenario(save_scenario(first, tmp_path / f"saved{next(_names)}.toml"))
    assert (second.name, second.description, second.levers) == (first.name, first.description, first.levers)
    assert second.to_dict() == first.to_dict()
    twin = path.with_suffix(".yaml")  # the same tables as YAML: the same scenario
    twin.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert (load_scenario(twin).name, load_scenario(twin).levers) == (first.name, first.levers)
    for name, table in data["levers"].items():  # and it is what the file said
        assert math.isclose(first.levers[name].intensity, table["intensity"])
        if "end" in table:
            assert str(first.levers[name].end) == table["end"]


# ------------------------------------------------------------------------------------------------ grids

NOTEBOOK_PARAMS = {"seconds": st.floats(0, 1), "scenario": st.sampled_from(BUILTINS)}


@st.composite
def grids(draw: st.DrawFn) -> dict[str, Any]:
    """A valid grid over the tiny notebooks ``a`` (parameter ``seconds``) and ``b`` (``seconds``, ``scenario``)."""
    runs = []
    for number in range(draw(st.integers(1, 3))):
        notebook = draw(st.sampled_from(["a", "b"]))
        entry: dict[str, Any] = {"notebook": notebook}
        if notebook == "b" and draw(st.booleans()) and not any("scenarios" in r for r in runs):  # ids stay unique
            entry["scenarios"] = draw(st.lists(st.sampled_from(BUILTINS), min_size=1, max_size=3, unique=True))
        else:
            entry["id"] = f"run{number}"
        if draw(st.booleans()):
            entry["parameters"] = {"seconds": draw(st.floats(0, 1))}
        runs.append(entry)
    grid: dict[str, Any] = {"notebooks": "nb", "run": runs}
    if draw(st.booleans()):
        grid["defaults"] = {"seconds": draw(st.floats(0, 1))}
    return grid


def _mutate_grid(draw: st.DrawFn, grid: dict[str, Any]) -> dict[str, Any]:
    grid = {**grid, "run": [dict(r) for r in grid["run"]]}
    entry = grid["run"][0]
    kind = draw(st.sampled_from(["top", "field", "notebook", "parameter", "id", "scenarios", "types"]))
    if kind == "top":
        grid[draw(st.sampled_from(["runs", "default", "notebook"]))] = draw(JUNK)
    elif kind == "field":
        entry[draw(st.sampled_from(["notbook", "param", "scenario", "ids"]))] = draw(JUNK)
    elif kind == "notebook":
        entry["notebook"] = draw(st.one_of(st.sampled_from(["c", "a.ipynb", "../nb/a", "", "03_scenario"]), JUNK))
    elif kind == "parameter":
        entry["parameters"] = draw(st.one_of(st.dictionaries(st.sampled_from(["secs", "results_path", "x"]), JUNK,
                                                             min_size=1, max_size=2), JUNK))
    elif kind == "id":
        entry.pop("scenarios", None)
        entry["id"] = draw(st.one_of(st.sampled_from([".", "..", "a/b", "", "run1", "ok id"]), JUNK))
        grid["run"].append(dict(entry))  # a duplicate id too
    elif kind == "scenarios":
        entry["scenarios"] = draw(st.one_of(st.just([]), st.lists(JUNK, max_size=2), JUNK))
    else:
        key = draw(st.sampled_from(["notebooks", "defaults", "run"]))
        grid[key] = draw(JUNK)
    return grid


def _write_grid(folder: Path, grid: dict[str, Any]) -> Path:
    path = folder / f"g{next(_names)}.toml"
    path.write_bytes(_toml(grid))
    return path


@pytest.fixture()
def grid_folder(tmp_path, tiny_notebook):
    """A folder with tiny notebooks ``nb/a.ipynb`` (``seconds``) and ``nb/b.ipynb`` (``seconds``, ``scenario``)."""
    import nbformat

    tiny_notebook(tmp_path / "nb", "pass").rename(tmp_path / "nb" / "a.ipynb")
    b = tiny_notebook(tmp_path / "nb", "pass")
    nb = nbformat.read(b, as_version=4)
    nb.cells[1].source += '\nscenario: str = "baseline"'
    nbformat.write(nb, b.with_name("b.ipynb"))
    b.unlink()
    return tmp_path


@SETTINGS
@given(data=st.data())
def test_any_grid_file_is_runs_or_one_error_line(data, grid_folder, monkeypatch, capsys):
    # the runs are not executed: _run_locked reports each as done, so only reading and checking the grid is tested
    def report_ok(runs, out, *args):
        return batch._status_table(runs, {r.run_id: {"status": "ok"} for r in runs}, {}, out)

    monkeypatch.setattr(batch, "_run_locked", report_ok)
    grid = data.draw(grids())
    mutated = data.draw(st.booleans())
    path = _write_grid(grid_folder, _mutate_grid(data.draw, grid) if mutated else grid)
    args = ["batch", str(path), "--out", str(grid_folder / f"out{next(_names)}")]
    code = main(args)
    captured = capsys.readouterr()
    _one_error_or_result(code, captured, args)
    if not mutated:
        assert code == 0, captured.err
        assert len(load_grid(path)) == sum(len(r.get("scenarios", [None])) for r in grid["run"])


@pytest.mark.parametrize("folder", ["5", '["nb"]', '""'])
def test_a_notebook_folder_that_is_not_text_is_one_error(grid_folder, folder):
    path = grid_folder / "g.toml"
    path.write_text(f'notebooks = {folder}\n[[run]]\nnotebook = "a"\n')
    with pytest.raises(TwosectorError, match=r"field 'notebooks' must be a folder name, got "):
        load_grid(path)
