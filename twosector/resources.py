"""Where twosector finds the files it ships: the data set, the notebooks, the templates, the scenarios.

Installed from a wheel, the data set and the notebook suite are inside the package, in
``twosector/_data`` and ``twosector/_notebooks``: copies of the repository's ``data/`` and ``notebooks/``
made when the wheel is built (``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``).
In a source checkout (an editable install) there are no such copies and the repository's folders are
used, so an edit of ``data/`` or ``notebooks/`` takes effect at once. The environment variable
``TWOSECTOR_DATA`` points at a data folder of the user's own and overrides both; a relative value is
read against the current directory.

Commands that re-write files of the source tree (``twosector dev ...``) call :func:`check_writable`, so
that an installed package is never written into.
"""

from __future__ import annotations

import os
from pathlib import Path

from twosector.errors import TwosectorError

__all__ = [
    "PACKAGE_DIR",
    "DATA_ENV",
    "SHIPPED_DATA",
    "SHIPPED_NOTEBOOKS",
    "source_checkout",
    "data_folder",
    "notebook_folder",
    "template_folder",
    "scenario_folder",
    "child_environment",
    "check_writable",
]

#: The folder of the ``twosector`` package itself.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The environment variable naming a data folder of the user's own.
DATA_ENV = "TWOSECTOR_DATA"
#: Sub-folders of the installed package holding the data set and the notebooks (see ``pyproject.toml``).
SHIPPED_DATA = "_data"
SHIPPED_NOTEBOOKS = "_notebooks"


def source_checkout() -> Path | None:
    """The source checkout the package runs from, or ``None`` when it is installed from a wheel.

    Returns
    -------
    pathlib.Path or None
        The repository root (the folder holding ``pyproject.toml``, ``data/`` and the package), if the
        package is imported from one.

    Raises
    ------
    Nothing of its own.
    """
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def _shipped(name: str, repo_folder: str) -> Path:
    """The in-package copy ``name`` if the wheel has one, else the repository's folder."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / repo_folder


def data_folder() -> Path:
    """The data folder used when none is given: ``$TWOSECTOR_DATA``, else the shipped data set.

    Returns
    -------
    pathlib.Path
        ``$TWOSECTOR_DATA`` made absolute against the current directory if it is set (and not empty);
        else the package's ``_data`` folder (installed wheel) or the repository's ``data/`` (checkout).
        The folder may not exist: :func:`twosector.data.data_dir` checks it.

    Raises
    ------
    Nothing of its own.
    """
    given = os.environ.get(DATA_ENV)
    if given:
        return Path(given).expanduser().resolve()
    return _shipped(SHIPPED_DATA, "data")


def notebook_folder() -> Path:
    """The notebook suite: the package's ``_notebooks`` (installed wheel) or the repository's ``notebooks/``.

    Returns
    -------
    pathlib.Path
        The folder of the ``*.ipynb`` files.

    Raises
    ------
    Nothing of its own.
    """
    return _shipped(SHIPPED_NOTEBOOKS, "notebooks")


def template_folder() -> Path:
    """The Jinja2 templates of the HTML pages (``twosector/templates``).

    Returns
    -------
    pathlib.Path
        The folder of the ``*.html.j2`` templates.

    Raises
    ------
    Nothing of its own.
    """
    return PACKAGE_DIR / "templates"


def scenario_folder() -> Path:
    """The built-in scenario files (``twosector/scenarios/*.toml``).

    Returns
    -------
    pathlib.Path
        The folder of the built-in ``*.toml`` scenario files.

    Raises
    ------
    Nothing of its own.
    """
    return PACKAGE_DIR / "scenarios"


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a child process that may run in another folder.

    Parameters
    ----------
    **extra : str
        Variables to set as well.

    Returns
    -------
    dict
        A copy of ``os.environ`` plus ``extra``, with a relative ``TWOSECTOR_DATA`` made absolute against
        the current directory, so the child reads the same data folder as this process.

    Raises
    ------
    Nothing of its own.
    """
    env = dict(os.environ, **extra)
    if env.get(DATA_ENV):
        env[DATA_ENV] = str(data_folder())
    return env


def check_writable(target: str | os.PathLike[str], task: str, instead: str) -> Path:
    """Refuse to write into an installed package; return ``target`` otherwise.

    In a source checkout every target is allowed (the package folder is the source tree). Installed from
    a wheel, a target inside the installation folder (``site-packages``) is refused: there is no source tree
    to update, and the installed copy must stay as built.

    Parameters
    ----------
    target : path-like
        The file or folder about to be written.
    task : str
        What is writing, for the message (e.g. ``"twosector dev derive"``).
    instead : str
        What the user can give instead, for the message (e.g. ``"--data DIR or TWOSECTOR_DATA"``).

    Returns
    -------
    pathlib.Path
        ``target``.

    Raises
    ------
    TwosectorError
        If the package is not in a source checkout and ``target`` lies inside its installation folder.
    """
    path = Path(target)
    if source_checkout() is None and path.resolve().is_relative_to(PACKAGE_DIR.parent):
        raise TwosectorError(
            f"{task} re-writes files of the source tree, but this twosector is installed in {PACKAGE_DIR.parent} "
            f"without one (it would write {path}); run it in a source checkout (git clone, then pip install -e .) "
            f"or give {instead}"
        )
    return path
