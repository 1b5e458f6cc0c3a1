"""Doctests run in a fresh temporary folder.

The examples of the package's docstrings, collected by ``--doctest-modules``, run in a temporary folder, so an
example that writes a file can never write into the repository.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _doctest_in_a_temporary_folder(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> None:
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(tmp_path)
