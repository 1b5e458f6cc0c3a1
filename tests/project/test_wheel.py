"""A wheel built from the repository works outside it.

Installed into a fresh virtual environment and run from another folder, it simulates, calibrates, lists the
data and copies the notebooks, reading its own copies.

Offline and fast: the wheel is built without build isolation (hatchling is in the ``test`` extra), installed
without dependencies into a venv made without pip, and the dependencies come from this environment through a
``.pth`` file, which puts them after the fresh venv's own site-packages (so the installed twosector wins over
this checkout's editable install, whose own ``.pth`` is not read from there).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its ``bin`` folder."""
    base = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = _run([*pip, "wheel", ROOT, "--no-deps", "--no-build-isolation", "--no-index", "-w", base / "dist"], base)
    assert built.returncode == 0, built.stderr
    (wheel,) = (base / "dist").glob("twosector-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "twosector/_data/derived/quarterly.csv" in names and "twosector/_notebooks/03_scenario.ipynb" in names
    assert not any(n.startswith(("tests/", "docs/", "data/", "notebooks/")) for n in names)

    made = _run([sys.executable, "-m", "venv", "--without-pip", base / "venv"], base)
    assert made.returncode == 0, made.stderr
    python = base / "venv" / "bin" / "python"
    installed = _run([*pip, "--python", python, "install", "--no-deps", "--no-index", wheel], base)
    assert installed.returncode == 0, installed.stderr
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base).stdout.strip()
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(site) / "zz_twosector_test_deps.pth").write_text("\n".join(deps) + "\n")
    return base / "venv" / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working folder outside the repository and an environment that does not point into it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TWOSECTOR_DATA", "VIRTUAL_ENV")}
    return tmp_path, env


def test_the_installed_package_is_the_wheel(venv: Path, outside: tuple[Path, dict[str, str]]) -> None:
    cwd, env = outside
    done = _run([venv / "twosector", "--version"], cwd, env)
    assert done.returncode == 0, done.stderr
    location = Path(done.stdout.split(" from ")[1].strip())
    assert location.is_relative_to(venv.parent) and not location.is_relative_to(ROOT)


def test_simulate_calibrate_and_data_from_another_folder(venv: Path, outside: tuple[Path, dict[str, str]]) -> None:
    cwd, env = outside
    sim = _run([venv / "twosector", "simulate", "baseline"], cwd, env)
    assert sim.returncode == 0, sim.stderr
    assert "strain_index" in sim.stdout

    data = _run([venv / "twosector", "data"], cwd, env)
    assert data.returncode == 0, data.stderr
    folder = Path(data.stdout.splitlines()[0].removeprefix("data folder: "))
    assert folder.is_relative_to(venv.parent) and folder.name == "_data"
    assert "key_rate_q" in data.stdout

    cal = _run([venv / "twosector", "calibrate", "--out", "cal"], cwd, env)
    assert cal.returncode == 0, cal.stderr
    assert (cwd / "cal" / "index.html").is_file() and (cwd / "cal" / "parameters.csv").is_file()


def test_notebooks_copy_and_no_writes_into_the_installation(venv: Path, outside: tuple[Path, dict[str, str]]) -> None:
    cwd, env = outside
    done = _run([venv / "twosector", "notebooks", "--copy", "nb"], cwd, env)
    assert done.returncode == 0, done.stderr
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (cwd / "nb").iterdir()) == shipped
    for task in ("derive", "catalogue", "docs"):
        refused = _run([venv / "twosector", "dev", task], cwd, env)
        assert refused.returncode == 2 and "source checkout" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1
