"""The generated parts of the docs (twosector/docsgen.py).

The shipped docs hold what the code produces now, and the writers replace only their own blocks.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from twosector import docsgen
from twosector.errors import ParameterError, TwosectorError
from twosector.params import param_table

STALE = "docs/{} is stale: run `twosector dev {}`"


def generated(text: str, name: str) -> str:
    m = re.search(rf"<!-- BEGIN generated:{name} -->\n(.*?)\n<!-- END generated:{name} -->", text, re.S)
    assert m, f"block {name} missing from docs/calibration.md"
    return m.group(1)


def test_model_md_parameter_tables_are_the_catalogue() -> None:
    text = docsgen.MODEL_DOCS.read_text(encoding="utf-8")
    section = text.split(docsgen.PARAMETERS_START, 1)[1].split(docsgen.PARAMETERS_END, 1)[0].strip("\n")
    assert section == docsgen.parameter_tables(), STALE.format("model.md", "catalogue")


def test_parameter_tables_list_every_parameter_once_under_its_block() -> None:
    table = param_table()
    block, seen = None, []
    for line in docsgen.parameter_tables().splitlines():
        if line.startswith("### "):
            block = line[4:]
        elif m := re.match(r"\| `(\w+)` \|", line):
            seen.append(m.group(1))
            assert table.at[m.group(1), "block"] == block, m.group(1)
    assert sorted(seen) == sorted(table.index) and len(seen) == len(set(seen))


def test_calibration_md_blocks_are_what_the_calibration_produces(calibration, backtest_errors, scoreboard) -> None:
    text = docsgen.CALIBRATION_DOCS.read_text(encoding="utf-8")
    blocks = docsgen.calibration_blocks(calibration, calibration.fact_table(), backtest_errors, scoreboard)
    assert set(blocks) == set(re.findall(r"<!-- BEGIN generated:(\w+) -->", text))
    for name, body in blocks.items():
        assert generated(text, name) == body, STALE.format(f"calibration.md block {name!r}", "docs")


def test_writers_refuse_a_file_without_markers_and_leave_it_alone(tmp_path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# no markers\n")
    with pytest.raises(ParameterError, match="markers .* not found"):
        docsgen.write_model_docs(page)
    with pytest.raises(TwosectorError, match="block 'facts' is missing"):
        docsgen.render_blocks(page.read_text(), {"facts": "x"})
    assert page.read_text() == "# no markers\n"


def test_render_blocks_replaces_only_the_named_blocks() -> None:
    text = ("intro\n<!-- BEGIN generated:a -->\nold a\n<!-- END generated:a -->\nmiddle\n"
            "<!-- BEGIN generated:b -->\nold b\n<!-- END generated:b -->\nend\n")
    new = docsgen.render_blocks(text, {"a": "new a"})
    assert generated(new, "a") == "new a" and generated(new, "b") == "old b"
    assert new.replace("new a", "old a") == text


def test_markdown_cells() -> None:
    frame = pd.DataFrame({"name": ["a|b"], "ok": [True], "x": [np.nan], "y": [1.23456]})
    assert docsgen.markdown(frame, "{:.2f}").splitlines() == [
        "| name | ok | x | y |", "|---|---|---|---|", "| a/b | yes |  | 1.23 |"]


def test_scoreboard_block_states_the_ambition_and_lists_every_forecast(scoreboard) -> None:
    from twosector.scoreboard import scoreboard_summary

    block = docsgen.scoreboard_block(scoreboard)
    summary = scoreboard_summary(scoreboard)
    sentence = block.splitlines()[0]
    met, _, missed = sentence.partition(" and larger for ")
    for var, ok in summary["ambition_met"].items():
        assert var in (met.split(" for ", 1)[1] if ok else missed), var
    rows = [line for line in block.splitlines() if line.startswith("| 20")]
    assert len(rows) == len(scoreboard)
    ranged = scoreboard[scoreboard["low"] < scoreboard["high"]]
    assert sum(" to " in line.split(" | ")[6] for line in rows) == len(ranged)
