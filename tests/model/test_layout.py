"""The engine stays readable: no function in twosector/model/ is longer than 80 lines (issue 8)."""

from __future__ import annotations

import ast
from pathlib import Path

import twosector.model

MODEL_DIR = Path(twosector.model.__file__).parent


def test_no_function_in_the_engine_is_longer_than_80_lines() -> None:
    long = []
    for path in sorted(MODEL_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long.append(f"{path.name}:{node.name} ({length} lines)")
    assert not long, long
