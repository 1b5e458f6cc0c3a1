"""Where the package finds its files (twosector.resources).

Also the notebook copy for users, and the refusal of the maintenance commands to write into an installed
package.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from twosector import resources
from twosector.cli import main
from twosector.data import data_dir
from twosector.errors import TwosectorError
from twosector.notebook import copy_notebooks, notebook_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behave as a package installed from a wheel: no source checkout around it."""
    monkeypatch.setattr(resources, "source_checkout", lambda: None)


def test_in_the_checkout_the_repository_folders_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.DATA_ENV, raising=False)
    assert resources.source_checkout() == ROOT
    assert data_dir() == ROOT / "data"
    assert resources.notebook_folder() == ROOT / "notebooks"
    assert (resources.scenario_folder() / "baseline.toml").is_file()
    assert (resources.template_folder() / "batch_index.html.j2").is_file()


def test_a_copy_inside_the_package_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "twosector"
    for name in (resources.SHIPPED_DATA, resources.SHIPPED_NOTEBOOKS):
        (package / name).mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_DIR", package)
    monkeypatch.delenv(resources.DATA_ENV, raising=False)
    assert resources.data_folder() == package / resources.SHIPPED_DATA
    assert resources.notebook_folder() == package / resources.SHIPPED_NOTEBOOKS
    assert resources.source_checkout() is None


def test_the_wheel_ships_data_and_notebooks_under_the_names_resources_reads() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["sources"] == {"data": f"twosector/{resources.SHIPPED_DATA}",
                                "notebooks": f"twosector/{resources.SHIPPED_NOTEBOOKS}"}
    assert set(wheel["only-include"]) == {"twosector", "data", "notebooks"}


def test_a_relative_data_folder_is_read_against_the_current_directory_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(resources.DATA_ENV, "mine")
    assert data_dir() == tmp_path / "mine"
    # a child process started in another folder (as batch runs notebooks) reads the same folder
    code = "from twosector.data import data_dir; print(data_dir())"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path / "elsewhere", capture_output=True, text=True,
                          env=resources.child_environment(), check=True)
    assert done.stdout.strip() == str(tmp_path / "mine")


def test_check_writable_refuses_the_installed_package_only(installed: None, tmp_path: Path) -> None:
    with pytest.raises(TwosectorError, match="installed in .* without one .* or give --catalogue FILE$"):
        resources.check_writable(resources.PACKAGE_DIR / "parameters.csv", "writing", "--catalogue FILE")
    assert resources.check_writable(tmp_path / "parameters.csv", "writing", "x") == tmp_path / "parameters.csv"


@pytest.mark.parametrize("command", [["dev", "derive"], ["dev", "catalogue"], ["dev", "docs"]])
def test_dev_commands_stop_with_one_line_when_installed(
    installed: None, command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import twosector.calibration

    def no_calibration(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check must come before the calibration")

    monkeypatch.setattr(twosector.calibration, "calibrate", no_calibration)
    monkeypatch.setattr(resources, "PACKAGE_DIR", ROOT / "twosector")  # the files it would write
    monkeypatch.delenv(resources.DATA_ENV, raising=False)
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "data" / "derived").iterdir()}
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"twosector {' '.join(command)}: error: ") and err.count("\n") == 1
    assert "source checkout" in err
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "data" / "derived").iterdir()} == before


def test_dev_derive_into_a_folder_of_ones_own_works_when_installed(installed: None, tmp_path: Path) -> None:
    for path in (ROOT / "data").glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert main(["dev", "derive", "--data", str(tmp_path)]) == 0
    assert (tmp_path / "derived" / "quarterly.csv").read_bytes() == (ROOT / "data/derived/quarterly.csv").read_bytes()


# ------------------------------------------------------------------------------------- notebook copies

def test_notebook_table_lists_the_suite_with_titles() -> None:
    table = notebook_table()
    assert list(table.index) == sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert table.attrs["folder"] == str(ROOT / "notebooks")
    first = json.loads((ROOT / "notebooks" / "03_scenario.ipynb").read_text())["cells"][0]
    assert table.loc["03_scenario", "title"] in "".join(first["source"])


def test_copy_notebooks_copies_the_suite_and_never_overwrites_unasked(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder"
    written = copy_notebooks(target)
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in target.iterdir()) == names == [p.name for p in written]
    assert all((target / n).read_bytes() == (ROOT / "notebooks" / n).read_bytes() for n in names)
    (target / names[0]).write_text("my edits")
    (target / names[-1]).unlink()
    more = len(names) - 2  # the first one is reported by name, the last one was removed
    with pytest.raises(TwosectorError, match=f"and {more} more notebooks already exist; nothing copied. Use --force"):
        copy_notebooks(target)
    assert (target / names[0]).read_text() == "my edits" and not (target / names[-1]).exists()
    copy_notebooks(target, force=True)
    assert (target / names[0]).read_bytes() == (ROOT / "notebooks" / names[0]).read_bytes()


def test_notebooks_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notebooks"]) == 0
    assert "03_scenario" in capsys.readouterr().out
    assert main(["notebooks", "--copy", str(tmp_path)]) == 0
    assert f"copied {len(list((ROOT / 'notebooks').glob('*.ipynb')))} notebooks" in capsys.readouterr().out
    for argv, message in ((["notebooks", "--copy", str(tmp_path)], "more notebooks already exist"),
                          (["notebooks", "--force"], "--force only applies with --copy DIR"),
                          (["notebooks", "--copy", str(tmp_path / "00_quickstart.ipynb")], "is a file, not a folder")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("twosector notebooks: error: ") and message in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["notebooks", "--help"])
    assert "examples:" in capsys.readouterr().out
