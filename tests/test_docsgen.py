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


def test_model_md_variable_table_is_the_catalogue() -> None:
    text = docsgen.MODEL_DOCS.read_text(encoding="utf-8")
    section = text.split(docsgen.VARIABLES_START, 1)[1].split(docsgen.VARIABLES_END, 1)[0].strip("\n")
    assert section == docsgen.variable_tables(), STALE.format("model.md", "catalogue")


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


def _facts(**passes: bool) -> pd.DataFrame:
    """A fact table with one row of each sort: an evidence fact, a constructed fact and a calibration target."""
    rows = {
        "free": ("fact", "", True, False),
        "forced": ("fact", "the figure is an input", False, True),
        "fitted": ("target", "", False, False),
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["kind", "constructed", "evidence", "claimed"])
    frame["pass"] = [passes.get(name, True) for name in frame.index]
    return frame


def head(summary: str) -> str:
    return re.search(r"\*\*(.*?)\*\*", summary).group(1)


def test_facts_summary_counts_only_evidence() -> None:
    summary = docsgen.facts_summary(_facts(free=False), "2024Q4")
    assert head(summary) == "0 of 1 evidence facts are within tolerance"
    assert "missed free" in summary
    # a constructed fact or a fitted target that passes or misses does not move the count ...
    for other in ("forced", "fitted"):
        assert head(docsgen.facts_summary(_facts(free=False, **{other: False}), "2024Q4")) == head(summary)
    # ... while the evidence fact does
    assert head(docsgen.facts_summary(_facts(free=True), "2024Q4")) == "1 of 1 evidence facts are within tolerance"


def test_facts_summary_names_what_it_does_not_count() -> None:
    summary = docsgen.facts_summary(_facts(forced=False), "2024Q4")
    assert "1 constructed facts, which the model is forced towards (column `constructed`" in summary
    assert "`twosector/targets.csv`): forced;" in summary
    assert "1 calibration targets and priors, which the solver fits" in summary
    assert summary.endswith("The model claims 1 facts (1 of them constructed), of which 1 miss: forced.")


def test_facts_summary_without_evidence() -> None:
    facts = _facts().drop(index="free")
    assert head(docsgen.facts_summary(facts, "2024Q4")) == "No evidence fact"


def test_facts_summary_of_the_shipped_baseline_counts_the_evidence_column(calibration) -> None:
    facts = calibration.fact_table()
    summary = docsgen.facts_summary(facts, calibration.end)
    evidence = facts[facts["evidence"]]
    assert head(summary) == f"{int(evidence['pass'].sum())} of {len(evidence)} evidence facts are within tolerance"
    assert f"{int((facts['constructed'] != '').sum())} constructed facts" in summary
    assert not (facts["evidence"] & (facts["constructed"] != "")).any()
