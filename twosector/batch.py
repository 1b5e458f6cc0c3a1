"""Run the notebook suite over a grid of scenarios with papermill, in parallel processes.

Each run executes one notebook with one set of parameters in its own Python process (:data:`WORKER`,
which calls ``_worker_main`` on the run's spec file), with its own working folder ``OUT/runs/<run id>/`` and a
wall-clock timeout.
The process runs papermill (kernel ``python3`` from this environment, ``PLOTLY_RENDERER`` set so charts are
embedded offline), retries once if the kernel fails to start, and writes atomically:

- ``notebook.ipynb``: the executed notebook (also when a cell failed: the error is in it);
- ``report.html``: the same without code cells (nbconvert ``exclude_input``), charts included;
- ``results.json``: the run's key results, written by the notebook itself to its ``results_path`` parameter.

The parent process records every run in ``OUT/status.json``: ``running`` before the run's old outputs are
touched, then, once its outputs are in place, its status, failing cell, error and the size and hash of each
output. A re-run skips runs that completed with the same notebook and parameters and whose outputs still match
their record, unless ``force``. At the end it writes ``OUT/index.html`` and ``OUT/results.csv`` (see
:mod:`twosector.reports`). While it runs, the batch holds a lock on ``OUT`` (a second batch is refused), and
SIGTERM and SIGHUP stop it like Ctrl-C: its workers and their kernels are killed, and the temporary files they
were writing removed. A batch killed by SIGKILL cannot do that; its workers end by themselves
(:func:`twosector.processes.exit_with_parent`) and the next batch into the folder removes their temporary files.
The grid format is documented in ``docs/batch.md``.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twosector.errors import TwosectorError, TwosectorWarning, did_you_mean, unknown_name
from twosector.files import (
    atomic_write,
    check_output_dir,
    is_config_file,
    locked,
    mark_output,
    output_kind,
    read_config,
    remove_staged,
    staged,
)
from twosector.resources import child_environment, notebook_folder

__all__ = [
    "Run", "load_grid", "default_grid", "run_batch", "Stopped", "NOTEBOOK_DIR", "SCENARIO_NOTEBOOK", "BATCH_KIND",
]

#: The notebooks shipped with the project (the repository's ``notebooks/``, or their copy in an installed wheel).
NOTEBOOK_DIR = notebook_folder()
#: The notebook run once per built-in scenario in the default grid.
SCENARIO_NOTEBOOK = "03_scenario"
#: the longest run id: it names a folder (file systems allow 255 bytes; a margin for staged copies)
MAX_RUN_ID = 100
STATUS_FILE = "status.json"
#: The kind of output of a batch output folder (the text of its :data:`twosector.files.MARKER`).
BATCH_KIND = "twosector batch output"
RUNS_DIR = "runs"
#: The files of a run whose size and hash are recorded when it ends; the first two must exist for a run to be done.
OUTPUTS = ("notebook.ipynb", "report.html", "results.json")
#: Signals that stop a batch (Ctrl-C, kill, a closed terminal); only the first one counts.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
KERNEL = "python3"
RENDERER = "plotly_mimetype+notebook"
# The child process of one run: executes the spec file given as its argument (see _worker_main).
WORKER = "import sys; from twosector.batch import _worker_main; sys.exit(_worker_main(sys.argv[1]))"
# Run first in every worker (with the batch's process id): the worker ends when the batch does, even by SIGKILL.
GUARD = "from twosector.processes import exit_with_parent; exit_with_parent({parent})\n"
# Parameters the runner sets itself (a notebook declaring them gets them).
RUNNER_PARAMS = ("results_path",)
_GRID_KEYS = {"notebook", "id", "parameters", "scenarios"}
_TOP_KEYS = {"defaults", "run", "notebooks"}


def _plain(value: Any) -> Any:
    """A parameter value as plain Python (numpy scalars and arrays, tuples, nested mappings converted)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Run:
    """One notebook execution: which notebook, with which parameters, under which id."""

    run_id: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # numpy scalars (a grid built from a DataFrame) would reach the worker as text through JSON
        object.__setattr__(self, "parameters", {k: _plain(v) for k, v in dict(self.parameters).items()})

    @property
    def name(self) -> str:
        """The notebook's name without folder and extension, e.g. ``"03_scenario"``."""
        return self.notebook.stem

    @property
    def param_hash(self) -> str:
        """A short hash of the notebook name and parameters (the run's identity in the provenance)."""
        text = json.dumps({"notebook": self.name, "parameters": self.parameters}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _declared(notebook: Path) -> dict[str, Any]:
    """The parameters a notebook declares (papermill reads its ``parameters`` cell); one error if unreadable."""
    import papermill

    try:
        return dict(papermill.inspect_notebook(str(notebook)))
    except Exception as exc:  # nbformat fails in many ways on a damaged file (not JSON, wrong shapes, ...)
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise TwosectorError(f"notebook {str(notebook)!r} cannot be read as a Jupyter notebook ({reason}); "
                             "give a valid .ipynb file") from None


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _resolve_notebook(value: Any, where: str, folder: Path, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise TwosectorError(f"{where}: field 'notebook' must be a notebook name such as '03_scenario', got {value!r}")
    if value.endswith(".ipynb") or "/" in value:
        path = Path(value)
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise TwosectorError(f"{where}: field 'notebook' = {value!r}: no such file {path}")
        if path.suffix != ".ipynb":  # papermill would warn about it before failing to read it
            raise TwosectorError(f"{where}: field 'notebook' = {value!r} is not a notebook file; allowed: a notebook "
                                 "name such as '03_scenario', or a path to an .ipynb file")
        return path.resolve()
    path = folder / f"{value}.ipynb"
    if not path.is_file():
        names = sorted(p.stem for p in folder.glob("*.ipynb"))
        raise TwosectorError(f"{where}: field 'notebook': " + unknown_name("notebook", value, names))
    return path


def _slug(value: Any) -> str:
    text = Path(str(value)).stem if is_config_file(str(value)) else str(value)
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _runs_from_mapping(grid: Mapping[str, Any], base: Path, where: str) -> list[Run]:
    for key in grid:
        if key not in _TOP_KEYS:
            raise TwosectorError(f"{where}: " + unknown_name("top-level key", key, _TOP_KEYS))
    folder = grid.get("notebooks", NOTEBOOK_DIR)
    if not isinstance(folder, str | os.PathLike) or not str(folder):
        raise TwosectorError(f"{where}: field 'notebooks' must be a folder name, got {folder!r}")
    folder = Path(folder)
    folder = folder if folder.is_absolute() else base / folder
    defaults = grid.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise TwosectorError(f"{where}: [defaults] must be a table of parameter = value, got {defaults!r}")
    entries = grid.get("run", [])
    if not isinstance(entries, list):
        kind = "table (mapping)" if isinstance(entries, Mapping) else type(entries).__name__
        shown = repr(entries) if len(repr(entries)) <= 80 else f"{repr(entries)[:80]}…"
        raise TwosectorError(
            f"{where}: 'run' holds a {kind} ({shown}); allowed: a list of runs, each a table: [[run]] "
            "tables in TOML, or in YAML a list under run: with '- ' before each run's first field")
    if not entries:
        raise TwosectorError(f"{where}: the grid needs at least one [[run]] entry (it has "
                             + ("an empty list 'run')" if "run" in grid else "none)"))
    runs: list[Run] = []
    seen: dict[str, tuple[str, Any]] = {}  # run id: the entry and the item of its 'scenarios' that gave it
    declared_cache: dict[Path, dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        label = f"{where}: [[run]] entry {number}"
        if not isinstance(entry, Mapping):
            raise TwosectorError(f"{label} must be a table, got {entry!r}")
        for key in entry:
            if key not in _GRID_KEYS:
                raise TwosectorError(f"{label}: " + unknown_name("field", key, _GRID_KEYS))
        notebook = _resolve_notebook(entry.get("notebook"), label, folder, base)
        label = f"{label} (notebook {notebook.stem!r})"
        if notebook not in declared_cache:
            declared_cache[notebook] = _declared(notebook)
        declared = declared_cache[notebook]
        params = entry.get("parameters", {})
        if not isinstance(params, Mapping):
            raise TwosectorError(f"{label}: field 'parameters' must be a table, got {params!r}")
        for name in params:
            if name not in declared or name in RUNNER_PARAMS:
                allowed = [n for n in declared if n not in RUNNER_PARAMS]
                raise TwosectorError(
                    f"{label}: field 'parameters': unknown parameter {name!r}.{did_you_mean(name, allowed)} "
                    f"Parameters of {notebook.stem}: {', '.join(allowed)}."
                )
        scenarios = entry.get("scenarios")
        if scenarios is not None:
            if not isinstance(scenarios, list) or not scenarios or not all(isinstance(s, str) for s in scenarios):
                raise TwosectorError(
                    f"{label}: field 'scenarios' must be a non-empty list of scenario names, got {scenarios!r}")
            if "scenario" not in declared:
                raise TwosectorError(
                    f"{label}: field 'scenarios' given, but notebook {notebook.stem!r} has no 'scenario' parameter")
            if "id" in entry:
                raise TwosectorError(
                    f"{label}: field 'id' cannot be combined with 'scenarios' (ids are derived per scenario)")
        variants = [dict(params, scenario=s) for s in scenarios] if scenarios else [dict(params)]
        for values in variants:
            merged = {k: v for k, v in defaults.items() if k in declared and k not in RUNNER_PARAMS}
            merged.update(values)
            scenario = merged.get("scenario")
            if isinstance(scenario, str) and is_config_file(scenario) and not Path(scenario).is_absolute():
                # a scenario file is relative to the grid, not to the run's folder where the notebook executes
                merged["scenario"] = str((base / scenario).resolve())
            _check_values(merged, declared, label)
            run_id = entry.get("id") if scenarios is None else None
            if run_id is None:
                run_id = notebook.stem + (f"-{_slug(merged['scenario'])}" if "scenario" in values else "")
            # an id names the run's folder under --out: '.' or '..' (or any all-dots id) would be --out or its parent
            # ... and a name longer than the file system allows (255 bytes) failed with a traceback when created
            if (not isinstance(run_id, str) or not run_id or _slug(run_id) != run_id or not run_id.strip(".")
                    or len(run_id) > MAX_RUN_ID):
                shown = run_id if not isinstance(run_id, str) or len(run_id) <= 40 else f"{run_id[:40]}…"
                raise TwosectorError(f"{label}: field 'id' must be letters, digits, '-', '_' or '.', not only dots, "
                                     f"at most {MAX_RUN_ID} characters (it names the run's folder), got "
                                     f"{shown!r}" + (f" ({len(run_id)} characters)" if shown != run_id else ""))
            given = values.get("scenario") if scenarios is not None else None
            if run_id in seen:
                raise TwosectorError(_clash(label, run_id, given, *seen[run_id]))
            seen[run_id] = (label, given)
            runs.append(Run(run_id, notebook, merged))
    unused = [k for k in defaults if not any(k in declared_cache[r.notebook] for r in runs)]
    if unused:
        names = sorted({n for d in declared_cache.values() for n in d if n not in RUNNER_PARAMS})
        raise TwosectorError(
            f"{where}: [defaults]: unknown parameter {unused[0]!r}: no notebook in the grid declares it."
            f"{did_you_mean(unused[0], names)}"
        )
    return runs


#: The types papermill infers for a notebook's parameters (``inferred_type_name``), as Python checks them
_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
                                       "dict": (Mapping,), "list": (list,)}


def _check_values(values: Mapping[str, Any], declared: Mapping[str, Any], label: str) -> None:
    """Check a run's parameters before it runs, as far as the notebook's parameters cell tells.

    The declared type (papermill's inferred type), a quarter where the default is one (a bare year gets the
    did-you-mean of :func:`twosector.calendar.parse_quarter`), and a scenario file (it must exist and load). The
    notebook's own validation cell checks the rest (ranges, choices, scenario names) when it runs.
    """
    from twosector.calendar import parse_quarter
    from twosector.scenarios import load_scenario

    for name, value in ((k, _plain(v)) for k, v in values.items()):
        spec = declared.get(name) or {}
        kinds = _TYPES.get(str(spec.get("inferred_type_name", "")))
        default = str(spec.get("default", "")).strip("\"'")
        if _is_quarter(default):
            if value != "":
                parse_quarter(value, f"{label}: parameter {name!r}")
        elif kinds and (not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds):
            raise TwosectorError(f"{label}: parameter {name!r} must be of type {spec['inferred_type_name']} (the "
                                 f"notebook's declaration), got {value!r} ({type(value).__name__})")
    scenario = values.get("scenario")
    if "scenario" in declared and isinstance(scenario, str) and is_config_file(scenario):
        try:
            load_scenario(scenario)
        except TwosectorError as exc:
            raise type(exc)(f"{label}: parameter 'scenario': {exc}") from None


def _is_quarter(text: str) -> bool:
    from twosector.calendar import parse_quarter

    try:
        parse_quarter(text)
    except TwosectorError:
        return False
    return True


def _clash(label: str, run_id: str, scenario: Any, other_label: str, other_scenario: Any) -> str:
    """The message for a run id given twice; ``scenario``: the item of ``scenarios`` that gave it (or None)."""
    if scenario is None:
        return f"{label}: run id {run_id!r} is already used by {other_label}; give this entry a unique field 'id'"
    fix = ("rename one of the files, or give each its own [[run]] entry with parameters.scenario and a unique "
           "field 'id' ('id' cannot be combined with 'scenarios')")
    if other_label == label:
        return (f"{label}: scenarios {other_scenario!r} and {scenario!r} both give run id {run_id!r} (the notebook "
                f"and the scenario's name or file name without folder and suffix); {fix}")
    return (f"{label}: scenario {scenario!r} gives run id {run_id!r}, already used by {other_label}"
            + (f" (scenario {other_scenario!r})" if other_scenario is not None else "") + f"; {fix}")


def load_grid(grid: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> list[Run]:
    """Read a grid of runs from a TOML or YAML file or a mapping of the same shape (``None``: the default grid).

    Parameters
    ----------
    grid : path, mapping or None
        A TOML or YAML file (format in ``docs/batch.md``), an equivalent mapping, or ``None`` for
        :func:`default_grid`.

    Returns
    -------
    list of Run

    Raises
    ------
    TwosectorError
        For a missing or malformed file, naming the entry and the field (unknown notebook or parameter,
        duplicate run id, wrong type).
    """
    if grid is None:
        return default_grid()
    if isinstance(grid, Mapping):
        return _runs_from_mapping(grid, Path.cwd(), "grid")
    path = Path(grid)
    data = read_config(path, "grid file", doc="docs/batch.md")
    return _runs_from_mapping(data, path.parent.resolve(), f"grid file {path.name!r}")


def default_grid(folder: str | os.PathLike[str] | None = None) -> list[Run]:
    """Every built-in scenario through ``03_scenario``, plus each other notebook once with its defaults.

    Parameters
    ----------
    folder : path, optional
        The notebook folder (default: the project's ``notebooks/``).

    Returns
    -------
    list of Run

    Raises
    ------
    TwosectorError
        If a notebook of the folder is malformed (its parameters cannot be read).
    """
    from twosector.scenarios import list_scenarios

    folder = Path(folder) if folder else NOTEBOOK_DIR
    names = [str(n) for n in list_scenarios().index]
    entries: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.ipynb")):
        if path.stem == SCENARIO_NOTEBOOK:
            entries.append({"notebook": path.stem, "scenarios": [n for n in names if n != "baseline"]})
        else:
            entries.append({"notebook": path.stem})
    return _runs_from_mapping({"notebooks": str(folder), "run": entries}, folder, "default grid")


# --------------------------------------------------------------------------------------------- worker

def _failed_cell(nb: Any) -> tuple[int | None, str, str]:
    """(cell index, error name, message) of the first cell with an error output, or that was left running."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, str(output.get("ename", "")), str(output.get("evalue", ""))
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "running":
            return index, "", ""
    return None, "", ""


def _kernel_start_failure(exc: BaseException, nb_path: Path) -> bool:
    """True when the kernel failed before any cell ran (worth one retry)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(exc, CellTimeoutError):
        return False
    if not isinstance(exc, (RuntimeError, TimeoutError, DeadKernelError)):
        return False
    if nb_path.is_file():
        import nbformat

        nb = nbformat.read(nb_path, as_version=4)
        started = [c for c in nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
        if started:
            return False
    return True


#: Where a report that shares plotly.js finds it: the copy at the top of the batch output folder.
SHARED_PLOTLYJS = "../../plotly.min.js"
# shown by a report that shares plotly.js when it is opened away from its batch folder
_MISSING_PLOTLYJS = (
    "<script>if (typeof Plotly === 'undefined') {document.write(\"<p style='border:1px solid #b3261e;"
    "padding:0.5em;color:#b3261e'>The charts of this report need plotly.min.js from its batch output folder "
    "(two folders up). To share a report on its own, run the batch with --self-contained.</p>\");}</script>")


def _share_plotlyjs(nb: Any) -> None:
    """Replace the copy of plotly.js the notebook renderer embeds (5 MB) by a reference to the batch's copy."""
    import plotly.offline

    embedded = f"<script>{plotly.offline.get_plotlyjs()}</script>"
    shared = f'<script src="{SHARED_PLOTLYJS}"></script>{_MISSING_PLOTLYJS}'
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and embedded in html:
                output["data"]["text/html"] = html.replace(embedded, shared)


#: a script loaded from the network: nbconvert's templates add require.js and MathJax from a CDN, which the
#: reports do not need (no widgets, no LaTeX) and which fail offline
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>", re.I)
#: an inline script that imports a module from the network (nbconvert's mermaid loader, cdnjs)
_REMOTE_IMPORT = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?\bimport\s*\(?\s*[\"']https?://(?:(?!</script>).)*</script>", re.I | re.S)


def _export_html(nb: Any, title: str, self_contained: bool = True) -> str:
    """The executed notebook as HTML without code cells; plotly.js embedded, or shared with the batch folder.

    Scripts that nbconvert's template loads from a CDN (require.js, MathJax, the mermaid loader's module imports)
    are removed: reports work offline and ask nothing of the network.
    """
    from nbconvert import HTMLExporter

    if not self_contained:
        _share_plotlyjs(nb)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    return _REMOTE_IMPORT.sub("", _REMOTE_SCRIPT.sub("", body))


def _whole_seconds(timeout: float | None) -> int | None:
    """A cell time limit for nbclient, whose ``timeout`` trait takes whole seconds (``90.5`` failed every run)."""
    return None if timeout is None else max(1, math.ceil(timeout))


def _execute(papermill_execute: Any, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Execute one run (in the worker process); return its record. Never raises for a notebook failure."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    run_dir = Path(spec["run_dir"])
    record: dict[str, Any] = {"status": "ok", "cell": None, "error": "", "message": "", "attempts": 0}
    nb = None
    # papermill saves after every cell (~2 s a run) into the staged file, which replaces notebook.ipynb when
    # the run ends: a failed or timed-out run still shows its cells
    with staged(run_dir / "notebook.ipynb") as partial:
        for attempt in (1, 2):
            record["attempts"] = attempt
            try:
                papermill_execute(
                    spec["notebook"], str(partial), parameters=spec["parameters"],
                    kernel_name=spec.get("kernel", KERNEL), progress_bar=False, log_output=False, cwd=str(run_dir),
                    execution_timeout=_whole_seconds(spec.get("timeout")),
                    start_timeout=spec.get("start_timeout", 60),
                )
                break
            except PapermillExecutionError as exc:
                record.update(status="failed", cell=exc.cell_index, error=exc.ename, message=str(exc.evalue))
                break
            except Exception as exc:  # kernel trouble, cell timeout, ...: classify, retry start-up failures once
                disk = _file_system_error(exc)
                if disk is not None:  # e.g. a full disk while papermill saves the notebook: say so, not what follows
                    record.update(status="failed", error="OSError",
                                  message=f"cannot write the run's notebook ({disk.strerror or disk})")
                    break
                if attempt == 1 and _kernel_start_failure(exc, partial):
                    record["retried"] = f"{type(exc).__name__}: {exc}"
                    continue
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                record.update(status="failed", error=type(exc).__name__, message=first_line)
                break
        if partial.is_file():
            try:
                nb = nbformat.read(partial, as_version=4)
            except (ValueError, OSError) as exc:  # cut short: by a full disk, most likely
                nb = None
                if record["error"] != "OSError":
                    why = _cannot_write(run_dir) or f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
                    record.update(status="failed", cell=None, error="OSError",
                                  message=f"the run's notebook could not be saved ({why})")
    if nb is not None:
        if record["status"] != "ok":
            # papermill inserts an error banner cell on failure: take the index from the saved notebook
            cell, ename, evalue = _failed_cell(nb)
            record["cell"] = cell if cell is not None else record["cell"]
            record["error"] = record["error"] or ename
            record["message"] = record["message"] or evalue
        self_contained = bool(spec.get("self_contained", True))
        atomic_write(run_dir / "report.html", _export_html(nb, spec.get("title", spec["run_id"]), self_contained))
        record["self_contained"] = self_contained
    return record


#: errors of the file system, not of the notebook: recorded as they are, whatever papermill made of them
_FILE_SYSTEM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def _file_system_error(exc: BaseException) -> OSError | None:
    """The ``OSError`` of the file system (a full disk, ...) behind ``exc`` or what it was raised from, if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _FILE_SYSTEM_ERRNOS:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _cannot_write(folder: Path) -> str:
    """Why nothing can be written in ``folder`` now (``"No space left on device"``), or ``""`` if 64 KiB can be."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(b"\0" * 65536)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def _worker_main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    import papermill

    started = time.time()
    try:
        record = _execute(papermill.execute_notebook, spec)
    except Exception as exc:  # report anything unexpected as this run's failure, not a crash of the batch
        record = {"status": "failed", "cell": None, "error": type(exc).__name__, "message": str(exc), "attempts": 1}
    record["duration"] = round(time.time() - started, 2)
    atomic_write(Path(spec["record_path"]), json.dumps(record))
    return 0


# --------------------------------------------------------------------------------------------- parent

def _load_status(out: Path) -> dict[str, dict[str, Any]]:
    """The records of ``OUT/status.json``; a damaged file gives none (with a warning), so every run is redone."""
    path = out / STATUS_FILE
    if not path.is_file():
        return {}
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
        if not isinstance(runs, dict) or not all(isinstance(r, dict) for r in runs.values()):
            raise TypeError("'runs' is not a table of run records")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
        warnings.warn(f"{path} is damaged ({reason}); its runs are redone and it is rewritten",
                      TwosectorWarning, stacklevel=3)
        return {}
    return dict(runs)


def _save_status(out: Path, status: Mapping[str, Mapping[str, Any]]) -> None:
    from twosector import __version__

    text = json.dumps({"twosector_version": __version__, "runs": status}, indent=1, default=str)
    atomic_write(out / STATUS_FILE, text)


def _outputs(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Size (bytes) and hash of each of a run's :data:`OUTPUTS` that exists."""
    return {name: {"size": path.stat().st_size, "sha256": _file_hash(path)}
            for name in OUTPUTS if (path := run_dir / name).is_file()}


def _output_problem(record: Mapping[str, Any], run_dir: Path) -> str | None:
    """Why the outputs of a run recorded as ok do not match the record; None when they do."""
    recorded = record.get("outputs")
    if not isinstance(recorded, Mapping) or not set(OUTPUTS[:2]) <= recorded.keys():
        return "it lists no outputs (written by an earlier twosector)"
    actual = _outputs(run_dir)
    for name, expected in recorded.items():
        if name not in actual:
            return f"{name} is missing"
        if actual[name] != expected:
            return f"{name} is not the file recorded when the run ended"
    return None


def _is_done(run: Run, record: Mapping[str, Any] | None, out: Path, self_contained: bool = False) -> bool:
    """True if the run completed with this notebook, parameters and kind of report, and its outputs match.

    The kind of report is self-contained or sharing plotly.js (``self_contained``).
    """
    if not record or record.get("status") != "ok":
        return False
    if record.get("self_contained", self_contained) != self_contained:  # a report of the other kind
        return False
    if record.get("param_hash") != run.param_hash or record.get("notebook_hash") != _file_hash(run.notebook):
        return False
    problem = _output_problem(record, out / RUNS_DIR / run.run_id)
    if problem:
        warnings.warn(f"run {run.run_id!r} is run again: status.json says ok, but {problem}",
                      TwosectorWarning, stacklevel=3)
        return False
    return True


class _Status:
    """The records of ``status.json``, saved whole after every change (by one thread at a time)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.runs = _load_status(out)
        self._lock = threading.Lock()

    def set(self, run_id: str, record: dict[str, Any]) -> None:
        with self._lock:
            self.runs[run_id] = record
            _save_status(self.out, self.runs)

    def starting(self, run: Run) -> None:
        """Record the run as running: from now on its old outputs are not its results."""
        self.set(run.run_id, {**_identity(run), "status": "running", "started": _now()})

    def stopped(self, why: str) -> None:
        """Turn the records of runs still running into failures: the batch stopped (``why``) while they ran."""
        with self._lock:
            for run_id, rec in self.runs.items():
                if rec.get("status") == "running":
                    self.runs[run_id] = {**rec, "status": "failed", "error": "Interrupted", "cell": None,
                                         "message": f"the batch was stopped ({why}) while this run ran"}
            _save_status(self.out, self.runs)


def _identity(run: Run) -> dict[str, Any]:
    return {"run_id": run.run_id, "notebook": run.name, "parameters": run.parameters, "param_hash": run.param_hash}


def _now() -> str:
    return pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")


# Child processes run in their own session (so a timeout can kill a worker with its kernel); they do not
# see the terminal's Ctrl-C, so the parent kills them when it is interrupted.
_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()
_STOPPING = threading.Event()


def _stop_all() -> None:
    with _RUNNING_LOCK:
        _STOPPING.set()
        for proc in list(_RUNNING):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _launch(run: Run, out: Path, timeout: float, declared: Mapping[str, Any],
            starting: Callable[[Run], None], self_contained: bool = False) -> dict[str, Any]:
    """Run one notebook in a child process with a wall-clock timeout; return its status record.

    ``starting(run)`` is called first: it records the run as running, before any old output is removed.
    """
    starting(run)
    run_dir = (out / RUNS_DIR / run.run_id).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("results.json", ".record.json"):
        (run_dir / stale).unlink(missing_ok=True)
    parameters = dict(run.parameters)
    if "results_path" in declared:
        parameters["results_path"] = str(run_dir / "results.json")
    spec = {
        "run_id": run.run_id, "notebook": str(run.notebook), "parameters": parameters, "run_dir": str(run_dir),
        "timeout": timeout, "record_path": str(run_dir / ".record.json"), "title": f"twosector: {run.run_id}",
        "self_contained": self_contained,
    }
    spec_path = run_dir / ".spec.json"
    atomic_write(spec_path, json.dumps(spec, default=str))
    # reports need plotly.js embedded, whatever the shell sets; the run folder is the child's working
    # directory, so a relative TWOSECTOR_DATA is made absolute
    env = child_environment(PLOTLY_RENDERER=RENDERER)
    started = time.time()
    record: dict[str, Any]
    with open(run_dir / "run.log", "w", encoding="utf-8") as log:
        with _RUNNING_LOCK:
            if _STOPPING.is_set():
                raise KeyboardInterrupt
            proc = subprocess.Popen(
                [sys.executable, "-c", GUARD.format(parent=os.getpid()) + WORKER, str(spec_path)],
                cwd=run_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            _RUNNING.add(proc)
        try:
            proc.wait(timeout=timeout + 30)  # the cell limit acts first; this catches a stuck kernel start
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and its kernel
            proc.wait()
            timed_out = True
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(proc)
    record_path = run_dir / ".record.json"
    if record_path.is_file():
        record = json.loads(record_path.read_text(encoding="utf-8"))
    elif timed_out:
        record = {"status": "failed", "cell": None, "error": "Timeout",
                  "message": f"the run did not finish within {timeout:g} s", "attempts": 1}
    else:
        tail = (run_dir / "run.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
        record = {"status": "failed", "cell": None, "error": "WorkerError",
                  "message": f"worker exited with status {proc.returncode}: {tail[0]}", "attempts": 1}
    if record.get("cell") is not None and (run_dir / "notebook.ipynb").is_file():
        record["cell_source"] = _cell_head(run_dir / "notebook.ipynb", int(record["cell"]))
    record.update(
        _identity(run), notebook_hash=_file_hash(run.notebook), finished=_now(),
        wall_time=round(time.time() - started, 2), outputs=_outputs(run_dir),
    )
    return record


def _cell_head(path: Path, index: int) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if 0 <= index < len(nb.cells):
        lines = [ln for ln in nb.cells[index].source.splitlines() if ln.strip()]
        return lines[0][:120] if lines else ""
    return ""


class Stopped(KeyboardInterrupt):
    """The batch was stopped by a signal (Ctrl-C, SIGTERM, SIGHUP); ``signum`` is the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__("Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _stop_signals(restore: bool = True) -> Iterator[None]:
    """Within the block, the first of :data:`STOP_SIGNALS` raises :class:`Stopped` in the main thread.

    Afterwards the previous handlers are restored; with ``restore=False`` a process that was stopped ignores
    further stop signals instead (the command line, which exits next: a second Ctrl-C arriving after the
    restore would otherwise end it with a traceback or by the signal itself, not with one line and 128 + n).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    first: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        # Only the first signal counts: a second one (SIGHUP then SIGTERM, Ctrl-C twice) must not interrupt the
        # clean-up. The handler takes no lock: it runs between any two bytecodes of the main thread, also inside
        # a lock the main thread holds (Event.set holds its condition's lock), so a lock here could deadlock;
        # appending to a list is atomic. The clean-up (_stop_all) stops new workers from starting.
        if not first:
            first.append(signum)
            raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if restore or not first else signal.SIG_IGN)


def _check_out(out: Path) -> Path:
    """Create or take over the output folder ``out`` if it is new, empty or a batch output folder; mark it."""
    if (out / STATUS_FILE).is_file() and (out / RUNS_DIR).is_dir() and output_kind(out) is None:
        mark_output(out, BATCH_KIND)  # a batch output folder of a twosector from before the marker
    check_output_dir(out, BATCH_KIND, "--out")
    mark_output(out, BATCH_KIND)  # creates the folder
    return out


def run_batch(
    grid: str | os.PathLike[str] | Mapping[str, Any] | Sequence[Run] | None = None,
    out: str | os.PathLike[str] = "output",
    workers: int = 2,
    force: bool = False,
    timeout: float = 600,
    progress: bool = True,
    self_contained: bool = False,
    restore_signals: bool = True,
) -> pd.DataFrame:
    """Run notebooks x scenarios with papermill in parallel processes; write reports, index and results table.

    Parameters
    ----------
    grid : path, mapping, list of Run or None
        A TOML or YAML grid file (``docs/batch.md``), an equivalent mapping, runs from :func:`load_grid`, or ``None``
        for the default grid (every built-in scenario through ``03_scenario``, each other notebook once).
    out : path, default "output"
        Output folder: ``runs/<run id>/``, ``status.json``, ``index.html``, ``results.csv``. It must be new,
        empty or a batch output folder written before (it holds the marker :data:`twosector.files.MARKER` of
        :data:`BATCH_KIND`; a folder with ``status.json`` and ``runs/`` but no marker, written by an earlier
        twosector, is taken as one and marked).
    workers : int, default 2
        Runs executed at the same time (each in its own process).
    force : bool, default False
        Re-run runs that already completed with the same notebook and parameters (otherwise a run is skipped
        if its record is ``ok`` for this notebook and parameters and its outputs match the recorded sizes and
        hashes; a run recorded ``ok`` whose outputs do not is redone, with a :class:`TwosectorWarning`).
    timeout : float, default 600
        Per-run limit in seconds (also the limit of any single cell).
    progress : bool, default True
        Show a tqdm progress bar.
    self_contained : bool, default False
        Embed plotly.js (about 4.8 MB) in every report and in ``index.html``, so that each works when copied
        alone; no ``plotly.min.js`` is written. By default the reports and the index share the one copy
        ``OUT/plotly.min.js`` (a report is then well under 1 MB and shows its charts in place; opened elsewhere it
        says what is missing). Runs done with the other kind of report are redone.
    restore_signals : bool, default True
        After a batch stopped by Ctrl-C, SIGTERM or SIGHUP, put the previous signal handlers back; ``False``
        ignores further stop signals instead, for a process that exits right after (the command line).

    Returns
    -------
    DataFrame
        One row per run: ``run_id, notebook, scenario, status, action, cell, error, message, duration, report``.

    Raises
    ------
    TwosectorError
        For a malformed grid, invalid settings, an ``out`` that is a file or a folder of other contents, or an
        ``out`` locked by another batch (naming its process and the lock file), before anything runs.
    KeyboardInterrupt
        :class:`Stopped` (a subclass) on Ctrl-C, SIGTERM or SIGHUP (when called from the main thread; else
        Ctrl-C is a plain KeyboardInterrupt): the running workers and kernels are killed and their runs
        recorded as failed (``Interrupted``) first; later signals are ignored during that clean-up.

    Warns
    -----
    TwosectorWarning
        For a damaged ``status.json`` (every run is redone) and for each run recorded ``ok`` whose outputs are
        missing or changed (it is redone).
    """
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise TwosectorError(f"workers must be a whole number >= 1, got {workers!r}")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout < math.inf:
        raise TwosectorError(f"timeout must be a positive finite number of seconds, got {timeout!r}")
    runs = list(grid) if isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)) else load_grid(grid)
    if not runs:
        raise TwosectorError("the grid has no runs")
    out = _check_out(Path(out))
    _STOPPING.clear()  # set by an earlier batch of this process that was stopped
    with locked(out), _stop_signals(restore_signals):
        return _run_locked(runs, out, workers, force, float(timeout), progress, self_contained)


def _run_locked(runs: Sequence[Run], out: Path, workers: int, force: bool, timeout: float,
                progress: bool, self_contained: bool = False) -> pd.DataFrame:
    """:func:`run_batch` once the output folder is checked and locked."""
    from twosector.reports import write_plotlyjs

    _remove_temporary(out)  # left by a batch or worker that was killed while writing
    records = _Status(out)
    status = records.runs
    todo = [r for r in runs if force or not _is_done(r, status.get(r.run_id), out, self_contained)]
    if not self_contained:
        write_plotlyjs(out)  # the copy the reports and the index share
    actions = {r.run_id: "skipped" for r in runs}
    declared = {r.notebook: _declared(r.notebook) for r in todo}
    if todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="notebooks", unit="run", disable=not progress, leave=True)
        # threads only wait on the child processes that do the work (one process per run)
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = {pool.submit(_launch, r, out, timeout, declared[r.notebook], records.starting,
                                   self_contained): r for r in todo}
            for future in _as_completed(futures):
                run = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # launching failed (e.g. disk full): record it, keep going
                    record = {**_identity(run), "status": "failed", "cell": None,
                              "error": type(exc).__name__, "message": str(exc)}
                records.set(run.run_id, record)
                actions[run.run_id] = "ran"
                bar.set_postfix_str(f"{run.run_id}: {record['status']}")
                bar.update(1)
        except KeyboardInterrupt as exc:
            _stop_all()  # finished runs are already in status.json; a re-run resumes from there
            pool.shutdown(wait=True, cancel_futures=True)
            records.stopped(str(exc) or "Ctrl-C")
            _remove_temporary(out)  # of the workers just killed (a kernel that outlives its worker: the next batch)
            raise
        finally:
            pool.shutdown(wait=True)
            bar.close()
    from twosector.reports import write_batch_index

    table = _status_table(runs, status, actions, out)
    write_batch_index(out, runs, status, self_contained)
    return table


def _remove_temporary(out: Path) -> None:
    """Remove the temporary files of atomic writes that killed processes left in the batch folder ``out``.

    Everything below ``runs/`` (a worker killed with its kernel leaves ``.notebook.ipynb.tmp-*.ipynb``, about 5 MB
    each), and the temporary files of the batch's own files at the top (``.status.json.tmp-*.json``); nothing
    else. Called with the batch lock held and no worker running.
    """
    remove_staged(out / RUNS_DIR)
    remove_staged(out, BATCH_KIND)


#: Longest wait of the batch's main thread: a stop signal that the system delivered to another thread is
#: handled only when the main thread runs Python code again (a lock wait without a limit is not interrupted).
WAKE = 0.25


def _as_completed(futures: Iterable[Future]) -> Iterator[Future]:
    """Like :func:`concurrent.futures.as_completed`, but waking the main thread every :data:`WAKE` seconds."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=WAKE, return_when=FIRST_COMPLETED)
        yield from done


def _status_table(runs: Sequence[Run], status: Mapping[str, Mapping[str, Any]], actions: Mapping[str, str],
                  out: Path) -> pd.DataFrame:
    rows = []
    for run in runs:
        rec = status.get(run.run_id, {})
        report = out / RUNS_DIR / run.run_id / "report.html"
        rows.append({
            "run_id": run.run_id, "notebook": run.name, "scenario": str(run.parameters.get("scenario", "")),
            "status": rec.get("status", "missing"), "action": actions.get(run.run_id, "skipped"),
            "cell": rec.get("cell"), "error": rec.get("error", ""), "message": rec.get("message", ""),
            "duration": rec.get("duration"), "report": str(report) if report.is_file() else "",
        })
    return pd.DataFrame(rows).astype({"cell": "Int64", "duration": "Float64"})
