"""The notebook suite: the first cells of every notebook, and a copy of the suite for the user.

The first cells do the set-up and a strict parameter validation; :func:`copy_notebooks` copies the suite.

Each notebook starts with one cell tagged ``parameters`` holding typed, commented literals::

    scenario: str = "input_sanctions"  # built-in scenario name or path to a TOML file
    end: str = "2030Q4"  # last projected quarter

and a validation cell right after it::

    import twosector
    twosector.setup_notebook()
    params = twosector.validate_notebook_params(globals(), quarters=["end"])

How unknown parameters are caught
---------------------------------
papermill only *warns* about a parameter the notebook does not declare, and injects it anyway in a cell
that starts with the comment ``# Parameters``. :func:`validate_notebook_params` takes

- the **declared** parameters and their types from the annotations of the parameters cell (IPython
  collects them in ``__annotations__``; papermill's injected assignments carry no annotations), and
- the **given** parameters by parsing the most recent executed cell that starts with ``# Parameters``
  (IPython keeps every executed cell's source in ``In``), or from the ``injected`` argument,

so a name that was given but not declared is an error with a did-you-mean, whatever else the notebook
namespace contains (imports, later results when re-running cells in JupyterLab). The names papermill injects
itself (``PAPERMILL_INPUT_PATH``, ``PAPERMILL_OUTPUT_PATH``: :data:`PAPERMILL_RESERVED`) are not parameters.
A parameter counts as *given* when it was injected with a value other than its default in the parameters cell
(that cell's source is in ``In`` too, just before the injected one): only given parameters are checked for
acting with another one (``needs``: a note says one given without its partner is ignored), so a default run
prints nothing.

The ``results_path`` file is protected as the command line's ``--out`` is (:func:`twosector.files.check_output_file`):
a folder or a file that is not a regular file is refused, and an existing file is replaced only if a notebook wrote
it (twosector's results JSON, :func:`twosector.reports.write_results`) or the notebook's ``force`` parameter is true.
"""

from __future__ import annotations

import ast
import json
import math
import os
import types
import typing
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from twosector.calendar import ENSEMBLE_END, LAST_QUARTER, PROJECTION_START, parse_quarter
from twosector.errors import ParameterError, TwosectorError, did_you_mean
from twosector.files import atomic_write, check_can_write, check_output_file
from twosector.resources import notebook_folder

__all__ = ["setup_notebook", "validate_notebook_params", "injected_names", "scenario_from_params", "show",
           "notebook_table", "copy_notebooks"]

_PAPERMILL_HEADER = "# Parameters"
#: The kind of output of a run's ``figures/`` folder (the text of its :data:`twosector.files.MARKER`).
FIGURES_KIND = "twosector report figures"
# the run's output folder: the folder of its results_path, registered by validate_notebook_params for show()
_RUN: dict[str, Path | None] = {"folder": None}
#: names papermill itself injects (``--inject-paths``, ``--inject-input-path``, ``--inject-output-path``; see
#: papermill/cli.py): not the notebook's parameters, so never an "unknown parameter"
PAPERMILL_RESERVED = frozenset({"PAPERMILL_INPUT_PATH", "PAPERMILL_OUTPUT_PATH"})


def setup_notebook(renderer: str | None = None) -> str:
    """Prepare a notebook kernel: plotly template and offline renderer, readable pandas tables.

    Parameters
    ----------
    renderer : str, optional
        A plotly renderer; default ``PLOTLY_RENDERER`` if set, else ``"plotly_mimetype+notebook"``
        (renders in JupyterLab and in exported HTML, with plotly.js embedded once, no CDN).

    Returns
    -------
    str
        The plotly renderer in use.

    Raises
    ------
    TwosectorError
        For an unknown plotly renderer (with a did-you-mean).
    """
    from twosector.charts import set_renderer

    chosen = set_renderer(renderer)
    pd.set_option("display.precision", 2)
    # fixed-point numbers in every table of a report: no 2.49e-01 next to 1,234.50
    pd.set_option("display.float_format", "{:,.2f}".format)
    pd.set_option("display.max_colwidth", 300)  # whole sentences (a lever's meaning), not "targeted sanctions ..."
    pd.set_option("display.max_columns", 60)  # the package comparison has 35 columns: none hidden
    pd.set_option("display.max_rows", 80)
    pd.set_option("display.width", 160)
    return chosen


def injected_names(history: Iterable[str]) -> list[str] | None:
    """Names assigned by papermill's injected-parameters cell, read from the executed cells' sources.

    Parameters
    ----------
    history : iterable of str
        Sources of the executed cells in order (IPython's ``In``).

    Returns
    -------
    list of str or None
        The names assigned in the most recent cell starting with ``# Parameters``; ``None`` if there is no
        such cell (the notebook runs interactively, without injected parameters).

    Raises
    ------
    Nothing of its own.
    """
    for source in reversed(list(history)):
        if isinstance(source, str) and source.lstrip().startswith(_PAPERMILL_HEADER):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return None
            names: list[str] = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else (
                    [node.target] if isinstance(node, ast.AnnAssign) else [])
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return None


def _cell_defaults(history: list[Any]) -> dict[str, Any] | None:
    """The literals of the parameters cell run before papermill's injected cell (``None``: no injected cell)."""
    injected = [i for i, source in enumerate(history)
                if isinstance(source, str) and source.lstrip().startswith(_PAPERMILL_HEADER)]
    if not injected:
        return None
    for source in reversed(history[:injected[-1]]):
        try:
            body = ast.parse(source).body if isinstance(source, str) else []
        except SyntaxError:
            continue
        cells = [node for node in body if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]
        if body and len(cells) == len(body):
            defaults = {}
            for node in cells:
                name = typing.cast(ast.Name, node.target).id
                try:
                    defaults[name] = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:  # not a literal: no default to compare with
                    continue
            return defaults
    return {}


def _given(namespace: Mapping[str, Any], injected: Iterable[str] | None) -> set[str]:
    """The parameters given with a value other than the parameters cell's default (none when run by hand)."""
    if injected is None:
        return set()
    history = namespace.get("In")
    defaults = (_cell_defaults(history) if isinstance(history, list) else None) or {}
    missing = object()
    return {name for name in injected if name in namespace and namespace[name] != defaults.get(name, missing)}


def _written_by_twosector(path: Path) -> bool:
    """Whether ``path`` holds a notebook's results JSON (:func:`twosector.reports.write_results`)."""
    try:
        if path.stat().st_size > _RESULTS_MAX_BYTES:
            return False
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(found, dict) and _RESULTS_KEYS <= set(found)


#: the fields every results JSON of :func:`twosector.reports.write_results` has: a file with them is a notebook's
#: results, which a re-run replaces
_RESULTS_KEYS = frozenset({"key_results", "parameters", "twosector_version", "data_vintage"})
#: a notebook's results JSON is a few kB; a file far larger is not one (and is not read to find out)
_RESULTS_MAX_BYTES = 10_000_000


def _check_results_path(path: str, force: bool) -> None:
    """Refuse a ``results_path`` that would replace a file twosector did not write (unless ``force``)."""
    target = Path(path)
    if target.is_file() and not force and not _written_by_twosector(target):
        raise ParameterError(
            f"notebook parameter 'results_path' = {path!r} already exists and is not a notebook's results JSON; "
            "allowed: a new file or one a notebook wrote. Give another results_path, or force=True "
            "(papermill: -p force True) to replace it")
    check_output_file(target, "notebook parameter 'results_path' =", force=True)  # a folder, a device, unwritable


def _check_quarter_lists(values: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        value = values[name]
        if not isinstance(value, list) or not value:
            raise ParameterError(f"notebook parameter {name!r} = {value!r} is not allowed; allowed: a list of one or "
                                 "more quarters such as ['2023Q4']")
        for i, q in enumerate(value):
            parse_quarter(q, f"notebook parameter {name!r}[{i}]", ParameterError)


def _check_projection(values: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        q = parse_quarter(values[name], f"notebook parameter {name!r}", ParameterError)
        if not PROJECTION_START <= q <= LAST_QUARTER:
            raise ParameterError(
                f"notebook parameter {name!r} = {values[name]!r} is not a projected quarter; allowed: "
                f"{PROJECTION_START} (the first quarter after the data) to {LAST_QUARTER}")


def _check_ensemble(values: Mapping[str, Any], ensemble: Mapping[str, str],
                    ranges: Mapping[str, tuple[float | None, float | None]]) -> None:
    for name, draws in ensemble.items():
        if values[draws] > 0 and parse_quarter(values[name], name, ParameterError) > ENSEMBLE_END:
            low = ranges.get(draws, (None, None))[0]
            off = f", or {draws!r} = 0 for no Monte Carlo" if low is None or low <= 0 else ""
            raise ParameterError(
                f"notebook parameter {name!r} = {values[name]!r} is after {ENSEMBLE_END}, the last quarter a Monte "
                f"Carlo may reach (the end of the calibration's stability window); allowed with {draws!r} = "
                f"{values[draws]!r}: {PROJECTION_START} to {ENSEMBLE_END}{off}")


def _note_needs(values: Mapping[str, Any], given: set[str], needs: Mapping[str, str]) -> None:
    # a note, not an error: a batch grid's [defaults] give every notebook that declares them the same values
    # (05_ceasefire's start and ramp reach 03_scenario's lever fields), and such a grid is legitimate
    for name, partner in needs.items():
        if name in given and not values[partner]:
            print(f"note: notebook parameter {name!r} = {values[name]!r} acts only on the lever named by "
                  f"{partner!r}, which is empty: it is ignored (give {partner!r} too, e.g. -p {partner} "
                  "tech_controls, or set the scenario's levers with 'levers')")


def _type_name(kind: Any) -> str:
    return getattr(kind, "__name__", None) or str(kind).replace("typing.", "")


def _type_ok(value: Any, kind: Any) -> bool:
    if kind is Any or kind is object:
        return True
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        return any(_type_ok(value, k) for k in typing.get_args(kind))
    if origin is not None:
        kind = origin
    if kind is type(None):
        return value is None
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(kind, type):
        return isinstance(value, kind)
    return True


def _structured_hint(name: str, value: Any, kind: Any) -> str:
    """For a dict or list parameter given as text: papermill's ``-p`` passes text, ``-y`` and ``-f`` pass YAML."""
    if not isinstance(value, str) or (typing.get_origin(kind) or kind) not in (dict, list):
        return ""
    return (f". papermill's -p passes text: give a {_type_name(kind)} with -y, e.g. -y '{name}: "
            "{oil_price_cap: {intensity: 10.0}}', or in a YAML file with -f params.yaml")


def validate_notebook_params(
    namespace: Mapping[str, Any],
    *,
    injected: Iterable[str] | None = None,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
    choices: Mapping[str, Collection[Any]] | None = None,
    quarters: Iterable[str] = (),
    quarter_lists: Iterable[str] = (),
    projection: Iterable[str] = (),
    ensemble: Mapping[str, str] | None = None,
    needs: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Check a notebook's parameters: no unknown names, the declared types, ranges, choices and quarters.

    Parameters
    ----------
    namespace : mapping
        The notebook's ``globals()`` right after the parameters cell (and papermill's injected cell).
        Declared parameters and their types come from its ``__annotations__`` (the typed parameters cell).
    injected : iterable of str, optional
        The names given to the notebook. Default: the assignments of papermill's injected cell, read from
        IPython's input history (``In``); outside IPython or when run interactively, none.
    ranges : mapping of str to (low, high), optional
        Inclusive bounds of numeric parameters (``None`` for an open side).
    choices : mapping of str to collection, optional
        The allowed values of a parameter.
    quarters : iterable of str
        Parameters that must be a quarter such as ``"2027Q4"`` (an empty string is allowed and means "none").
    quarter_lists : iterable of str
        List parameters that must hold one or more quarters (e.g. a backtest's cut-offs).
    projection : iterable of str
        Quarter parameters that must be projected quarters, :data:`~twosector.calendar.PROJECTION_START` to
        :data:`~twosector.calendar.LAST_QUARTER` (a run's ``end``, a key quarter).
    ensemble : mapping of str to str, optional
        Quarter parameter -> the parameter of its Monte Carlo draws: when the draws are above 0 the quarter may
        be at most :data:`~twosector.calendar.ENSEMBLE_END`.
    needs : mapping of str to str, optional
        A lever's field -> the parameter naming the lever it acts on: the field given (see the module docstring)
        while that one is empty prints a note that it is ignored (``03_scenario``'s ``intensity`` without
        ``lever``; not an error, since a batch grid's ``[defaults]`` reach every notebook declaring the name).

    Returns
    -------
    dict
        The declared parameters and their values, in declaration order.

    Raises
    ------
    ParameterError
        Naming the first unknown parameter (with a did-you-mean and the valid names), or the parameter with a
        wrong type, an out-of-range value, a value not among its choices, a malformed quarter or one outside
        ``projection`` or ``ensemble``; or ``save_figures`` true
        without a ``results_path`` (the figures go beside it); or a ``results_path`` that is an existing file a
        notebook did not write (unless the notebook's ``force`` parameter is true).
    TwosectorError
        For a ``results_path`` that is a folder, lies below a file or cannot be written
        (:func:`twosector.files.check_output_file`).
    """
    declared = dict(namespace.get("__annotations__") or {})
    if not declared:
        raise TwosectorError(
            "the notebook declares no parameters: its 'parameters' cell must hold typed literals such as "
            "'scenario: str = \"baseline\"  # comment'"
        )
    if injected is None:
        history = namespace.get("In")
        injected = injected_names(history) if isinstance(history, list) else None
    for name in injected or ():
        if name not in declared and name not in PAPERMILL_RESERVED:
            valid = ", ".join(declared)
            raise ParameterError(
                f"unknown notebook parameter {name!r}.{did_you_mean(name, declared)} "
                f"This notebook's parameters: {valid}."
            )
    quarters = tuple(quarters)
    values: dict[str, Any] = {}
    for name, kind in declared.items():
        if name not in namespace:
            raise ParameterError(f"notebook parameter {name!r} is declared but has no value")
        value = namespace[name]
        if not _type_ok(value, kind):
            if name in quarters:  # a bare year (-p end 2030): the year message of the command line and the files
                parse_quarter(value, f"notebook parameter {name!r}", ParameterError)
            raise ParameterError(
                f"notebook parameter {name!r} must be of type {_type_name(kind)}, "
                f"got {value!r} ({type(value).__name__}){_structured_hint(name, value, kind)}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(f"notebook parameter {name!r} must be a finite number, got {value!r}")
        values[name] = value
    for name, (low, high) in (ranges or {}).items():
        value = values[name]
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
            raise ParameterError(f"notebook parameter {name!r} = {value!r} is out of range; allowed: {bounds}")
    for name, allowed in (choices or {}).items():
        if values[name] not in allowed:
            listed = ", ".join(map(repr, allowed))
            hint = did_you_mean(str(values[name]), [str(a) for a in allowed])
            raise ParameterError(
                f"notebook parameter {name!r} = {values[name]!r} is not allowed.{hint} Allowed: {listed}."
            )
    for name in quarters:
        value = values[name]
        if value == "":
            continue
        parse_quarter(value, f"notebook parameter {name!r}", ParameterError)
    _check_quarter_lists(values, quarter_lists)
    _check_projection(values, projection)
    _check_ensemble(values, ensemble or {}, ranges or {})
    _note_needs(values, _given(namespace, injected), needs or {})
    results = values.get("results_path")
    _RUN["folder"] = Path(results).parent if isinstance(results, str) and results else None
    if values.get("save_figures") is True and _RUN["folder"] is None:
        raise ParameterError(_NO_RUN_FOLDER.format(given="notebook parameter 'save_figures' = True"))
    if isinstance(results, str) and results:
        _check_results_path(results, values.get("force") is True)
    return values


def scenario_from_params(
    scenario: str,
    *,
    lever: str = "",
    intensity: float | None = None,
    start: str = "",
    ramp: int | None = None,
    end: str = "",
    levers: Mapping[str, Any] | None = None,
    name: str = "",
    description: str = "",
) -> Any:
    """Build the scenario of a notebook run: a built-in or TOML scenario plus lever overrides.

    The result goes through the package's scenario validation (:func:`twosector.load_scenario` of a
    mapping with ``base = scenario``), so an unknown lever, an out-of-range intensity or a bad quarter
    raises a :class:`~twosector.errors.ScenarioError` naming it.

    Parameters
    ----------
    scenario : str
        A built-in scenario name or a path to a TOML scenario file.
    lever : str
        One lever to set on top of it (``""`` for none).
    intensity, start, ramp, end
        That lever's fields; ``None`` or ``""`` keeps the scenario's value (or the lever's default).
    levers : mapping, optional
        More overrides, ``{lever: {field: value}}`` in the scenario file layout.
    name : str
        The scenario's name in charts, tables and file names (default: ``scenario``, with ``"_custom"``
        appended when anything is overridden).
    description : str
        One line saying what the package is (default: the scenario's own, or, when anything is overridden,
        one naming the changed levers).

    Returns
    -------
    twosector.Scenario

    Raises
    ------
    ScenarioError
        For an unknown scenario, lever or field, a value out of range or a bad quarter (see
        :func:`twosector.load_scenario`).
    ParameterError
        If ``lever`` also appears in ``levers``: one lever is set in one place.
    """
    from twosector.scenarios import load_scenario

    overrides: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in (levers or {}).items()}
    if lever and lever in overrides:
        raise ParameterError(
            f"notebook parameters 'lever' = {lever!r} and 'levers' = {dict(levers or {})!r} both set lever "
            f"{lever!r}; allowed: each lever in one place: either 'lever' with 'intensity', 'start', 'ramp' and "
            f"'lever_end', or its fields in 'levers' (then leave 'lever' empty)")
    if lever:
        fields: dict[str, Any] = {}
        if intensity is not None:
            fields["intensity"] = intensity
        if start:
            fields["start"] = start
        if ramp is not None:
            fields["ramp"] = ramp
        if end:
            fields["end"] = end
        current = overrides.get(lever, {})
        overrides[lever] = {**current, **fields} if isinstance(current, Mapping) else fields
    base = load_scenario(scenario)
    if not overrides and not name and not description:
        return base
    label = name or (f"{base.name}_custom" if overrides else base.name)
    text = description or (f"{base.name} with changed levers: {', '.join(overrides)}" if overrides
                           else base.description)
    return load_scenario({"name": label, "base": scenario, "levers": overrides, "description": text})


_NO_RUN_FOLDER = ("{given} needs the run's output folder: give the notebook a results_path such as "
                  "'output/my_run/results.json' (the batch sets it); the figures go to figures/ beside it, never "
                  "into the current folder")


def show(fig: Any, name: str = "", save: bool = False, folder: str | os.PathLike[str] = "") -> None:
    """Display a plotly figure and, when ``save`` is true, write it as PNG and SVG into the run's folder.

    The images go to ``figures/<name>.png`` and ``.svg`` in ``folder``, by default the run's output folder:
    the folder of the notebook's ``results_path`` (registered by :func:`validate_notebook_params`; the batch
    sets it to ``runs/<run id>/``), never the current directory. ``figures/`` carries the marker of
    :data:`FIGURES_KIND` and is refused if it holds anything else; each image is written atomically.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    name : str
        File name without extension when saving; put the scenario in it (e.g. ``f"{chosen.name}_rates"``).
    save : bool, default False
        The notebook's ``save_figures`` parameter.
    folder : path-like, optional
        The run's output folder (default: the folder of ``results_path``).

    Returns
    -------
    None

    Raises
    ------
    TwosectorError
        If ``save`` is true and ``name`` is empty, or there is no run folder (no ``results_path`` and no
        ``folder``), or ``figures/`` holds files that are not twosector's figures. Errors of
        :func:`twosector.charts.save` propagate.
    """
    fig.show()
    if not save:
        return
    from twosector.charts import save as save_images
    from twosector.files import check_output_dir, file_stem, mark_output

    if not name:
        raise TwosectorError("show(..., save=True) needs a file name for the figure")
    run_folder = Path(folder) if folder else _RUN["folder"]
    if run_folder is None:
        raise TwosectorError(_NO_RUN_FOLDER.format(given="save_figures=True"))
    target = check_output_dir(run_folder / "figures", FIGURES_KIND, "save_figures")
    mark_output(target, FIGURES_KIND)
    save_images(fig, target / file_stem(name, "figure"))  # named as the run's tables are


# ------------------------------------------------------------------------------------ the suite itself

def _suite() -> list[Path]:
    folder = notebook_folder()
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise TwosectorError(f"no notebooks in {folder}: this twosector was installed without its notebook suite")
    return notebooks


def _title(path: Path) -> str:
    """The first line of the notebook's first markdown cell, without the '#'."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            text = "".join(cell.get("source", "")).strip()
            return text.splitlines()[0].lstrip("#").strip() if text else ""
    return ""


def notebook_table() -> pd.DataFrame:
    """The notebook suite shipped with twosector: one row per notebook.

    Returns
    -------
    pandas.DataFrame
        Index ``notebook`` (file name without ``.ipynb``), column ``title`` (its first heading);
        ``attrs["folder"]`` is the folder the notebooks are read from (:func:`twosector.resources.notebook_folder`).

    Raises
    ------
    TwosectorError
        If the folder holds no notebook.
    """
    notebooks = _suite()
    table = pd.DataFrame({"title": [_title(p) for p in notebooks]},
                         index=pd.Index([p.stem for p in notebooks], name="notebook"))
    table.attrs["folder"] = str(notebooks[0].parent)
    return table


def copy_notebooks(folder: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Copy the notebook suite into ``folder`` (created if missing), to run and edit it there.

    The notebooks need nothing but an installed twosector (with the ``notebooks`` extra to execute them
    with papermill, or JupyterLab to open them). Nothing is copied if any of them would replace an
    existing file, unless ``force``; each file is written atomically.

    Parameters
    ----------
    folder : path-like
        The destination folder.
    force : bool, default False
        Replace notebooks of the same name already in ``folder``.

    Returns
    -------
    list of pathlib.Path
        The files written, in suite order.

    Raises
    ------
    TwosectorError
        If ``folder`` is a file or cannot be written (:func:`twosector.files.check_can_write`), if a notebook
        already exists there (and not ``force``), if a file cannot be written, or if this installation has no
        notebooks.
    """
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise TwosectorError(f"copy notebooks: {str(target)!r} is a file, not a folder; give a folder")
    check_can_write(target, "copy notebooks to", into=True)
    notebooks = _suite()
    existing = [target / p.name for p in notebooks if (target / p.name).exists()]
    if existing and not force:
        what = f"{str(existing[0])!r} already exists" if len(existing) == 1 else \
            f"{str(existing[0])!r} and {len(existing) - 1} more notebooks already exist"
        raise TwosectorError(
            f"copy notebooks: {what}; nothing copied. Use --force (force=True) to replace, or choose another folder"
        )
    written = []
    for p in notebooks:
        try:
            written.append(atomic_write(target / p.name, p.read_bytes()))
        except OSError as exc:
            raise TwosectorError(
                f"copy notebooks: cannot write {str(target / p.name)!r}: {exc.strerror or exc}") from None
    return written
