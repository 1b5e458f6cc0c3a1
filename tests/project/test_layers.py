"""The import layers of the package (pyproject.toml [tool.importlinter]).

Computation never imports presentation or the command line, and the contract is checked by `make test`.
"""

from __future__ import annotations

import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import twosector

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"
LINT = Path(sys.executable).with_name("lint-imports")


def contracts() -> dict[str, dict]:
    found = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    return {c["type"]: c for c in found}


def lint(package_parent: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), str(CONFIG), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(package_parent), "PATH": ""}, timeout=120)


def test_every_module_of_the_package_has_a_layer():
    layered = {m.strip() for layer in contracts()["layers"]["layers"] for m in re.split(r"[|:]", layer)}
    modules = {f"twosector.{m.name}" for m in pkgutil.iter_modules(twosector.__path__)}
    assert modules - layered == set(), "add the new module to a layer in pyproject.toml [tool.importlinter]"
    computation = set(contracts()["forbidden"]["source_modules"])
    presentation = {m for m in contracts()["forbidden"]["forbidden_modules"] if m.startswith("twosector.")}
    assert modules == computation | presentation and not computation & presentation


def test_the_package_keeps_its_contracts(tmp_path):
    done = lint(ROOT, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("module", ["tables", "model"])
def test_a_lazy_import_of_presentation_in_computation_is_caught(tmp_path, module):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "twosector", copy / "twosector", ignore=shutil.ignore_patterns("__pycache__"))
    sneaky = "\n\ndef _figure():\n    from twosector.charts import paths\n\n    return paths\n"
    if module == "model":  # the engine as a package (twosector/model/): its sub-modules are covered too
        engine = copy / "twosector" / "model.py"
        if engine.is_file():
            (copy / "twosector" / "model").mkdir()
            engine.rename(copy / "twosector" / "model" / "__init__.py")
        (copy / "twosector" / "model" / "blocks.py").write_text(sneaky, encoding="utf-8")
        culprit, chain = "twosector.model", "twosector.model.blocks -> twosector.charts"
    else:
        with (copy / "twosector" / "tables.py").open("a", encoding="utf-8") as fh:
            fh.write(sneaky)
        culprit, chain = "twosector.tables", "twosector.tables -> twosector.charts"
    done = lint(copy, tmp_path)
    assert done.returncode == 1 and chain in done.stdout
    assert f"{culprit} is not allowed to import twosector.charts" in done.stdout
    assert f"{culprit} is not allowed to import plotly" in done.stdout


def test_make_test_lints_and_checks_the_contracts_before_pytest():
    # the commands `make test` would run, in order (make -n prints them without running them)
    done = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    steps = [re.search(rf"^\S*{re.escape(step)}", done.stdout, re.M) for step in
             ("ruff check", "mypy", "lint-imports", "python -m pytest")]
    assert all(steps), done.stdout
    assert [m.start() for m in steps] == sorted(m.start() for m in steps)
