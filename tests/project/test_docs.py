"""The hand-written docs name what the code has: every output variable in docs/model.md."""

from __future__ import annotations

from pathlib import Path

import twosector

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_output_variable_is_in_model_md() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [v for v in twosector.variable_table().index if f"`{v}`" not in text]
    assert not missing
