"""The hand-written docs name what the code has: every output variable in docs/model.md."""

from __future__ import annotations

import re
from pathlib import Path

import twosector

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_output_variable_is_in_model_md() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    missing = [v for v in twosector.variable_table().index if f"`{v}`" not in text]
    assert not missing


# ------------------------------------------------------------------------------------------ architecture.md

PACKAGE = Path(twosector.__file__).resolve().parent
ROOT = DOCS.parent


def architecture_table() -> dict[str, str]:
    """Module (``data.py``, ``model/``, ``model/engine.py``) -> its row in the module table."""
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([\w/]+(?:\.py|/))` \|.*$", text, re.M)}


def test_architecture_names_every_module_and_package_of_twosector() -> None:
    table = architecture_table()
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    packages = {p.parent.relative_to(PACKAGE).as_posix() + "/" for p in PACKAGE.rglob("__init__.py")} - {"./"}
    missing = sorted((modules | packages) - set(table))
    assert not missing, (
        f"docs/architecture.md does not describe {missing}: add a row | `name.py` | layer | responsibility |")
    for module, row in table.items():  # one line per module: its layer and responsibility
        layer, responsibility = (cell.strip() for cell in row.strip("|").split("|")[1:3])
        assert layer and len(responsibility) > 20, module


def test_architecture_names_no_file_that_does_not_exist() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b([\w/]*\w+\.py)\b", text))
    files = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")} | {p.name for p in PACKAGE.rglob("*.py")}
    gone = sorted(n for n in named if n not in files and not (ROOT / n).is_file())
    assert not gone, f"docs/architecture.md names files that do not exist: {gone}"
    for folder in re.findall(r"`(\w+)/`", text):  # and every folder it names
        assert (PACKAGE / folder).is_dir() or (ROOT / folder).is_dir(), folder


def test_the_package_and_notebooks_cite_no_section_of_a_document_users_do_not_have() -> None:
    # "supplement §3", "brief §4", "model-v2 §3": documents that are not shipped
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.j2"), *PACKAGE.rglob("*.toml"),
             *(ROOT / "notebooks").glob("*.ipynb")]
    cited = [f"{p.name}: {line.strip()[:80]}" for p in files
             for line in p.read_text(encoding="utf-8").splitlines() if "§" in line]
    assert not cited


def test_the_baseline_does_not_call_the_model_s_history_actual() -> None:
    text = twosector.load_scenario("baseline").description
    assert "fitted path" in text and "actual history" not in text


# ------------------------------------------------------------------------------------------ notebooks.md: figures

def figure_names(notebook: Path) -> list[str]:
    """The file names a notebook gives its charts (``show(fig, name, save_figures)``): ``{}`` for each f-string part."""
    import ast
    import json

    names = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "show" and len(node.args) > 1:
                name = node.args[1]
                parts = name.values if isinstance(name, ast.JoinedStr) else [name]
                names.append("".join(p.value if isinstance(p, ast.Constant) else "{}" for p in parts))
    return names


def test_notebooks_md_names_the_figures_as_the_notebooks_do() -> None:
    text = " ".join((DOCS / "notebooks.md").read_text(encoding="utf-8").split())
    said = re.search(r"The notebooks about one chosen scenario \(([^)]*)\) start every name with the scenario's name "
                     r"\(([^)]*)\); the others name the chart alone \((.*?)\)\.", text)
    assert said, "docs/notebooks.md: the rule of the figures' file names"
    prefixed = set(re.findall(r"`(\d\d_\w+)`", said.group(1)))
    notebooks = {p.stem: figure_names(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    assert all(notebooks.values())  # every notebook has charts, each with a name
    for stem, names in notebooks.items():
        scenario_first = [n.startswith("{}_") for n in names]
        assert all(scenario_first) if stem in prefixed else not any(scenario_first), (stem, names)
    # every example file name in the rule is one a notebook writes
    patterns = [re.escape(n).replace(r"\{\}", r"\w+") for names in notebooks.values() for n in names]
    examples = re.findall(r"`([\w.]+)\.png`", said.group(2) + said.group(3))
    assert len(examples) >= 6
    for example in examples:
        assert any(re.fullmatch(p, example) for p in patterns), example
