"""Writing outputs atomically and reading TOML or YAML files: the only file helpers of the package.

Every file twosector writes for a user (results, reports, the parameter catalogue, generated docs) is
written to a temporary file in the target's folder and then renamed over the target, so a crash, a full
disk or Ctrl-C never leaves a half-written file or destroys the previous one. A report folder is built
in a temporary folder and swapped in the same way.

An output target that already exists is replaced only if it is twosector's own output, unless the user
forces it (:func:`check_output_file`, :func:`check_output_dir`): a folder twosector writes as a whole (a
calibration report, a batch output folder) carries the marker file :data:`MARKER`, whose text names the
kind of output, and only a folder of the same kind (or an empty one) is written into without ``--force``;
an existing file is replaced only with ``--force``; a file where a folder goes (or the reverse) is always
refused. Both checks also try the place (:func:`check_can_write`), so a target that cannot be written is
refused before the work that produces it, not after. Every TOML or YAML file a user gives (scenarios, batch
grids) is read by :func:`read_config`, which turns a missing or malformed file into one clear
:class:`~twosector.errors.TwosectorError`; both formats give the same tables, so their validation is shared.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
import shutil
import socket
import stat
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twosector.errors import TwosectorError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MARKER", "staged", "atomic_write", "atomic_frame", "plain_numbers", "file_stem", "number_formats", "replace_dir",
    "output_kind", "mark_output", "check_output_file", "check_output_dir", "check_can_write", "CONFIG_SUFFIXES",
    "is_config_file", "read_config", "not_a_regular_file", "LOCK_FILE", "HOLDER_FILE", "OWN_FILES", "locked",
    "staged_target", "remove_staged",
]

#: Suffixes of the files a user writes for twosector (scenarios, batch grids): TOML, or YAML holding the same
#: tables (``docs/scenarios.md``).
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml")

#: The file inside every folder twosector writes as a whole; its text is the kind of output
#: (e.g. ``"twosector calibration report"``).
MARKER = ".twosector-output"
#: Held (``flock``, via filelock) by the batch writing into a folder (and by :func:`replace_dir` while it swaps
#: a folder); released by the system if the process dies.
LOCK_FILE = ".twosector-batch.lock"
#: Who holds the lock: process id, host and start time, shown to anyone refused.
HOLDER_FILE = ".twosector-batch.holder"
#: What each kind of output folder holds besides :data:`MARKER` and the lock files: glob patterns of the names in
#: it (``name/`` for a folder with everything below it). Replacing a folder as a whole (:func:`replace_dir`)
#: removes only these; a folder holding anything else (a user's notes, an unmarked folder) is never replaced.
OWN_FILES: dict[str, tuple[str, ...]] = {
    "twosector calibration report": (
        "estimates.csv", "summary.txt", "parameters.csv", "targets.csv", "facts.csv", "backtest.csv",
        "backtest_summary.csv", "scoreboard.csv", "scoreboard_summary.csv", "*.html", "plotly.min.js",
    ),
    "twosector batch output": (
        "status.json", "index.html", "results.csv", "results.parquet", "plotly.min.js", "runs/",
    ),
}


#: The name of a temporary file of :func:`staged`: ``.<target's name>.tmp-<8 characters of mkstemp><target's suffix>``
_STAGED_NAME = re.compile(r"\.(?P<target>.+)\.tmp-[a-z0-9_]{8}(?P<suffix>(?:\.[^.]*)?)")


@contextmanager
def staged(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; the file written there then replaces ``path`` in one rename.

    The parent folder is created if needed. If the block raises, or writes nothing to the yielded path,
    ``path`` is left as it was and the temporary file is removed.

    Parameters
    ----------
    path : path-like
        The file to write.

    Yields
    ------
    Path
        A hidden, not yet existing file ``.<name>.tmp-<random><suffix>`` in the same folder (it keeps the
        target's suffix, for writers that check it).

    Raises
    ------
    TwosectorError
        ``"cannot write '<path>' (<reason>)"`` for an ``OSError`` of the file system or of the block (a missing
        or unwritable folder, a full disk), after the temporary file is removed; ``path`` is then unchanged.
        Other errors of the block propagate as they are.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with staged(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path)
    with _writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # the writer creates it (some writers refuse an existing file)
        try:
            yield tmp
            if tmp.exists():
                os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def staged_target(name: str) -> str | None:
    """The name of the file a temporary file of :func:`staged` was to replace, or ``None`` if ``name`` is not one.

    A process killed while it writes (SIGKILL, or a worker killed with its kernel) leaves such a file behind.

    Parameters
    ----------
    name : str
        A file name (no folder).

    Returns
    -------
    str or None
        E.g. ``"notebook.ipynb"`` for ``".notebook.ipynb.tmp-k2x_9a0b.ipynb"``.

    Raises
    ------
    Nothing.

    Examples
    --------
    >>> staged_target(".notebook.ipynb.tmp-k2x_9a0b.ipynb"), staged_target("notebook.ipynb")
    ('notebook.ipynb', None)
    """
    found = _STAGED_NAME.fullmatch(name)
    if found is None or found["suffix"] != Path(found["target"]).suffix:
        return None
    return found["target"]


def remove_staged(folder: str | os.PathLike[str], kind: str | None = None) -> list[Path]:
    """Remove the temporary files :func:`staged` left in ``folder``: those a killed process could not remove.

    Only regular files named as :func:`staged` names them (:func:`staged_target`) are removed; links are not
    followed. Call it only on a folder no other process writes into (e.g. under the batch lock, :func:`locked`).

    Parameters
    ----------
    folder : path-like
        The folder (nothing happens if it does not exist).
    kind : str, optional
        A kind of output folder (:data:`OWN_FILES`): remove only the temporary files of that kind's own files
        (and of :data:`MARKER` and :data:`HOLDER_FILE`) directly in ``folder``. Default: every temporary file in
        ``folder`` and the folders below it (a folder that is all twosector's, such as a batch's ``runs/``).

    Returns
    -------
    list of Path
        The files removed.

    Raises
    ------
    Nothing of its own: a file that cannot be removed is left (it is found again next time).
    """
    if kind is None:
        found = [Path(here) / name for here, _, names in os.walk(folder) for name in names]
    else:
        found = [p for p in Path(folder).iterdir() if _own_file(p.name, kind)] if Path(folder).is_dir() else []
    removed = []
    for path in found:
        if staged_target(path.name) is not None and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed


def _umask() -> int:
    """The process's umask (read by setting it and setting it back: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn a file-system error while writing ``target`` into one message naming it (not a temporary file)."""
    try:
        yield
    except OSError as exc:
        raise TwosectorError(f"cannot write {str(target)!r} ({exc.strerror or exc})") from None


def atomic_write(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write text or bytes to ``path`` atomically (temporary file in the same folder, then rename).

    Parameters
    ----------
    path : path-like
        The file to write; its folder is created if needed.
    data : str or bytes
        The content; text is encoded with ``encoding`` and written without newline translation.
    encoding : str, default "utf-8"
        Encoding of text.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    TwosectorError
        For an error of the file system (:func:`staged`); the old file is then unchanged.
    """
    target = Path(path)
    with staged(target) as tmp:
        tmp.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return target


def atomic_frame(frame: pd.DataFrame, path: str | os.PathLike[str], *, fmt: str | None = None,
                 **options: Any) -> Path:
    """Write a DataFrame atomically as CSV, Parquet or XLSX, chosen by ``fmt`` or else by the file's suffix.

    Parameters
    ----------
    frame : pd.DataFrame
        The table.
    path : path-like
        ``*.parquet`` is written with :meth:`pandas.DataFrame.to_parquet` (needs pyarrow or fastparquet),
        ``*.xlsx`` with :meth:`pandas.DataFrame.to_excel` (openpyxl; number formats by :func:`number_formats`,
        values kept whole), anything else with :meth:`pandas.DataFrame.to_csv` (numbers as :func:`plain_numbers`
        writes them unless ``float_format`` is given).
    fmt : {"csv", "parquet", "xlsx"}, optional
        The format whatever the suffix (a writer named for its format, e.g. ``to_csv``, keeps the user's file
        name); default: from the suffix as above.
    **options
        Passed to the pandas writer (e.g. ``index=False``, ``float_format="%.4f"``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    TwosectorError
        For an error of the file system (:func:`staged`); the old file is then unchanged. Other errors of the
        pandas writer (e.g. ``ImportError`` for Parquet without pyarrow or fastparquet) propagate.
    """
    target = Path(path)
    kind = fmt or target.suffix.lstrip(".")
    with staged(target) as tmp:
        if kind == "parquet":
            frame.to_parquet(tmp, **options)
        elif kind == "xlsx":
            import io

            import pandas as pd

            sheet = options.pop("sheet_name", "Sheet1")
            # built in memory, written in one call: a full disk then fails that call, instead of leaving
            # openpyxl's zip file open (its __del__ would print a second traceback)
            book = io.BytesIO()
            with pd.ExcelWriter(book, engine="openpyxl") as excel:
                frame.to_excel(excel, sheet_name=sheet, **options)
                number_formats(excel.sheets[sheet])
            tmp.write_bytes(book.getvalue())
        else:
            (frame if "float_format" in options else plain_numbers(frame)).to_csv(tmp, **options)
    return target


#: Significant digits of the numbers :func:`plain_numbers` writes, and the most decimals it writes
SIGNIFICANT_DIGITS = 12
MAX_DECIMALS = 15


def _plain(value: float, decimals: int) -> str:
    if value != value:  # NaN: an empty cell, as pandas writes it
        return ""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plain_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its float columns as text in positional notation, for CSV files a person reads.

    Never scientific notation (``0.0000123``, not ``1.23e-05``) and no float noise (``0.3``, not
    ``0.30000000000000004``): each value keeps :data:`SIGNIFICANT_DIGITS` significant digits (as many as the
    model's results carry, far beyond what a table shows), at most :data:`MAX_DECIMALS` decimals (smaller values
    are written as 0), trailing zeros dropped; NaN becomes an empty cell.

    Parameters
    ----------
    frame : pd.DataFrame
        The table.

    Returns
    -------
    pd.DataFrame
        A copy whose float columns hold text; other columns, the index and the headers unchanged (the frame
        itself when it has no float column).

    Raises
    ------
    Nothing of its own.
    """
    import numpy as np
    import pandas as pd

    floats = [i for i in range(frame.shape[1]) if pd.api.types.is_float_dtype(frame.iloc[:, i].dtype)]
    if not floats:
        return frame
    out = frame.copy()
    for i in floats:
        column = frame.iloc[:, i]
        values = column.to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            magnitude = np.floor(np.log10(np.abs(values)))
        decimals = np.clip(np.nan_to_num(SIGNIFICANT_DIGITS - 1 - magnitude, posinf=0.0, neginf=0.0), 0,
                           MAX_DECIMALS).astype(int)
        text = [_plain(v, d) for v, d in zip(values.tolist(), decimals.tolist(), strict=True)]
        out.isetitem(i, pd.Series(text, index=column.index, dtype=object))
    return out


def file_stem(name: str, default: str = "table") -> str:
    """A scenario, table or figure name as a safe file-name part: letters, digits, ``-``, ``_`` and ``.``.

    Every run of other characters becomes one ``_`` (``"cap 15 + tech"`` -> ``"cap_15_tech"``), so that the
    figures and tables of a run are named alike.

    Parameters
    ----------
    name : str
    default : str, default "table"
        The stem of a name with nothing left.

    Returns
    -------
    str

    Raises
    ------
    Nothing of its own.
    """
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or default


def number_formats(sheet: Any) -> None:
    """Give the numbers of an openpyxl worksheet one number format that suits the table's size.

    The cells keep their full values (nothing is rounded); one number of decimals for the whole table (a
    table whose columns show different decimals reads as if they were of different precision): about three
    significant digits of the table's typical (median) size, at least two decimals and at most six, with a
    thousands separator: ``#,##0.00`` for values around 1 to 100, ``#,##0.0000`` around 0.01. Whole numbers
    (ints) keep Excel's general format.

    Parameters
    ----------
    sheet : openpyxl.worksheet.worksheet.Worksheet
        A sheet written by :meth:`pandas.DataFrame.to_excel`.

    Returns
    -------
    None

    Raises
    ------
    Nothing of its own.
    """
    import math
    import statistics

    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, float) and math.isfinite(c.value)]
    sizes = [abs(c.value) for c in cells if c.value != 0]
    if not sizes:
        return
    decimals = min(6, max(2, 2 - math.floor(math.log10(statistics.median(sizes)))))
    style = "#,##0." + "0" * decimals
    for cell in cells:
        cell.number_format = style


def replace_dir(target: str | os.PathLike[str], build: Callable[[Path], Any], option: str = "--out") -> Path:
    """Build a folder in a temporary sibling with ``build(folder)``, then swap it in for ``target``.

    The old ``target`` (if any) is removed only after the new one is complete, and only if it may be replaced
    (:func:`check_replaceable`, checked again right before the swap, under the batch lock :data:`LOCK_FILE` of
    ``target`` so that no batch starts writing into it meanwhile). On any failure (of ``build``, of a rename, a
    refusal) the old folder is left as it was and no temporary folder remains.

    Parameters
    ----------
    target : path-like
        The folder to (re)create.
    build : callable
        Called with the empty temporary folder; writes the folder's contents there.
    option : str, default "--out"
        The option that gave ``target``, for messages.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    TwosectorError
        If ``target`` may not be replaced (:func:`check_replaceable`: the current folder or one above it, a
        folder holding files twosector did not write, a folder a batch is writing into); ``"cannot write
        '<target>' (<reason>)"`` for an ``OSError`` (of the file system or of ``build``: a missing or unwritable
        folder, a full disk). Other errors of ``build`` propagate as they are. The old folder is left untouched.
    """
    out = Path(target)
    check_replaceable(out, option)
    with _writing(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        old: Path | None = None
        try:
            tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private (0700); the output gets the user's umask
            build(tmp)
            if not out.is_dir():
                os.replace(tmp, out)
                return out
            with locked(out, option):
                _check_contents(out, option)  # a file added while the new folder was built
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
                os.replace(out, old / out.name)
                try:
                    os.replace(tmp, out)
                except BaseException:
                    os.replace(old / out.name, out)  # put the old folder back
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and (out.is_dir() or not (old / out.name).exists()):
                shutil.rmtree(old, ignore_errors=True)  # kept only if the old folder could not be put back
    return out


def _in_use(folder: Path, option: str) -> str:
    try:
        holder = (folder / HOLDER_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        holder = "holder unknown"
    return (f"{option} {str(folder)!r} is in use by another batch ({holder}; lock {folder / LOCK_FILE}): wait "
            f"until it ends or choose another {option}")


@contextmanager
def locked(folder: str | os.PathLike[str], option: str = "--out") -> Iterator[None]:
    """Hold the batch lock of the existing ``folder`` (:data:`LOCK_FILE`) in the block; refuse if another holds it.

    While held, :data:`HOLDER_FILE` names this process, for the message of whoever is refused.

    Parameters
    ----------
    folder : path-like
        The folder (it must exist).
    option : str, default "--out"
        The option that gave it, for the message.

    Yields
    ------
    None

    Raises
    ------
    TwosectorError
        ``"<option> '<folder>' is in use by another batch (process <pid> on <host>, since <time>; lock
        <folder>/.twosector-batch.lock): wait until it ends or choose another <option>"`` when another process
        (or another lock in this one) holds it.
    """
    from datetime import UTC, datetime

    from filelock import FileLock, Timeout

    out = Path(folder)
    lock = FileLock(str(out / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise TwosectorError(_in_use(out, option)) from None
    try:
        since = datetime.now(UTC).isoformat(timespec="seconds")
        atomic_write(out / HOLDER_FILE, f"process {os.getpid()} on {socket.gethostname()}, since {since}\n")
        yield
    finally:
        (out / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()


def _foreign(folder: Path) -> list[str]:
    """The names in ``folder`` that are not twosector's own output of the folder's kind (:data:`OWN_FILES`)."""
    kind = output_kind(folder) or ""
    own = OWN_FILES.get(kind, ())
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name in (MARKER, LOCK_FILE, HOLDER_FILE):  # twosector's in any folder it writes or replaces
            continue
        if entry.is_dir() and not entry.is_symlink():
            mine = f"{entry.name}/" in own
        else:
            mine = entry.is_file() and _own_file(entry.name, kind)
        if not mine:
            found.append(entry.name + ("/" if entry.is_dir() else ""))
    return found


def _own_file(name: str, kind: str) -> bool:
    """Whether ``name`` is a file twosector writes in a folder of ``kind`` (:data:`OWN_FILES`, the marker, the holder).

    A temporary file of one, left by a process killed while it wrote it (:func:`staged_target`), is one too.
    """
    name = staged_target(name) or name
    return name in (MARKER, HOLDER_FILE) or any(
        fnmatch.fnmatchcase(name, p) for p in OWN_FILES.get(kind, ()) if not p.endswith("/"))


def _check_place(out: Path, option: str) -> None:
    """Refuse to replace the place a user works in as a whole (the current folder, one above it, home, root)."""
    resolved, here = out.resolve(), Path.cwd().resolve()
    why = ("is the root folder" if resolved == Path(resolved.anchor) else
           "is your home folder" if resolved == Path.home().resolve() else
           "is the current folder" if resolved == here else
           "is a folder above the current folder" if resolved in here.parents else "")
    if why:
        raise TwosectorError(f"{option} {str(out)!r} {why}; a new folder is built and swapped in for it as a whole: "
                             f"give a new folder, e.g. {option} report")


def check_replaceable(target: str | os.PathLike[str], option: str = "--out") -> Path:
    """Refuse to replace the folder ``target`` as a whole where that would lose anything.

    Never replaced: the current folder, a folder above it, the home folder or ``/`` (paths resolved first); a
    folder holding anything twosector did not write there (:data:`OWN_FILES` of the kind its :data:`MARKER`
    names; every entry of an unmarked folder); a folder a batch is writing into (:data:`LOCK_FILE` held).

    Parameters
    ----------
    target : path-like
        The folder about to be replaced (need not exist).
    option : str, default "--out"
        The option that gave it, for the message.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    TwosectorError
        ``"<option> '.' is the current folder; a new folder is built and swapped in for it as a whole: give a new
        folder, e.g. <option> report"``; ``"<option> '<dir>' holds 'my_notes.txt' (and <k> more) that twosector
        did not write: move them out of it or choose another <option> (--force never deletes files you added)"``;
        or the message of :func:`locked` when a batch is writing into it.
    """
    out = Path(target)
    _check_place(out, option)
    if out.is_dir():
        _check_contents(out, option)
        if (out / LOCK_FILE).exists():
            with locked(out, option):
                pass
    return out


def _check_contents(out: Path, option: str) -> None:
    """Refuse to replace the folder ``out`` if it holds anything twosector did not write there."""
    foreign = _foreign(out)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise TwosectorError(f"{option} {str(out)!r} holds {foreign[0]!r}{more} that twosector did not write: move "
                             f"{'them' if more else 'it'} out of it or choose another {option} (--force never "
                             "deletes files you added)")


def output_kind(folder: str | os.PathLike[str]) -> str | None:
    """The kind of twosector output ``folder`` holds (the text of its :data:`MARKER`), or ``None``.

    Parameters
    ----------
    folder : path-like
        The folder.

    Returns
    -------
    str or None
        E.g. ``"twosector calibration report"``; ``None`` if the folder has no readable marker.

    Raises
    ------
    Nothing of its own.
    """
    try:
        return (Path(folder) / MARKER).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def mark_output(folder: str | os.PathLike[str], kind: str) -> Path:
    """Write the :data:`MARKER` of ``kind`` into ``folder`` (created if needed), making it twosector's own output.

    Parameters
    ----------
    folder : path-like
        The folder.
    kind : str
        The kind of output, e.g. ``"twosector batch output"``.

    Returns
    -------
    Path
        The marker file.

    Raises
    ------
    TwosectorError
        If the folder or the marker cannot be written (:func:`staged`).
    """
    return atomic_write(Path(folder) / MARKER, kind + "\n")


def _check_parents(target: Path, option: str) -> None:
    """Refuse a target below a file (``out.csv/results.csv``)."""
    for parent in target.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise TwosectorError(f"{option} {str(target)!r}: {str(parent)!r} is a file, not a folder")
            return


def _existing_folder(path: Path) -> Path:
    """The nearest folder of the absolute ``path`` (itself included) that exists: where writing it starts."""
    return next(folder for folder in (path, *path.parents) if folder.is_dir())


def check_can_write(path: str | os.PathLike[str], option: str, into: bool = False) -> Path:
    """Refuse a target where nothing can be written, by creating (and removing) an empty file where it would go.

    Writing a file or a folder starts in the nearest existing folder above it (the temporary file of
    :func:`staged`, the temporary folder of :func:`replace_dir`, the missing parents); writing *into* an
    existing folder (a batch output folder) also needs the folder itself. A trial file is the one test that
    holds for every reason (permissions, a read-only file system, ACLs, running as root): it is created with
    :func:`tempfile.mkstemp` as a hidden ``.twosector-probe-*`` file and removed at once. A full disk is not
    found this way (an empty file still fits); the atomic writers leave the old output in place then.

    Parameters
    ----------
    path : path-like
        The file or folder about to be written.
    option : str
        The option or argument that gave it, for the message (e.g. ``"--out"``).
    into : bool, default False
        ``path`` is a folder that is written into, so it must be writable itself if it exists.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    TwosectorError
        ``"<option> '<path>': cannot write there (<reason>: '<folder>'); give a place you can write to"``,
        naming the folder that refused the trial file (``no new file can be created in '<folder>'`` for a
        folder such as ``/proc``).
    """
    target = Path(path)
    places = [_existing_folder(target.absolute().parent)]
    if into and target.is_dir():
        places.insert(0, target)
    for folder in places:
        try:
            fd, name = tempfile.mkstemp(prefix=".twosector-probe-", dir=folder)
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            # a folder that exists but "has no such file" for a new one is a system folder such as /proc
            why = (f"no new file can be created in {str(folder)!r}" if exc.errno == errno.ENOENT
                   else f"{exc.strerror or exc}: {str(folder)!r}")
            raise TwosectorError(f"{option} {str(target)!r}: cannot write there ({why}); give a place you can "
                                 "write to") from None
    return target


def check_output_file(path: str | os.PathLike[str], option: str, force: bool = False,
                      force_option: str = "--force") -> Path:
    """Refuse to write the file ``path`` where that would replace anything the user did not ask to replace.

    Parameters
    ----------
    path : path-like
        The file about to be written (e.g. ``twosector simulate --out``).
    option : str
        The option or argument that gave it, for the message (e.g. ``"--out"``).
    force : bool, default False
        Replace an existing regular file.
    force_option : str, default "--force"
        How the caller sets ``force``, named in the message (e.g. ``"force=True"`` for a Python function).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    TwosectorError
        If ``path`` is a folder or not a regular file, lies below a file, exists and ``force`` is false, or its
        folder cannot be written (:func:`check_can_write`).
    """
    target = Path(path)
    _check_parents(target, option)
    if target.is_dir():
        raise TwosectorError(f"{option} {str(target)!r} is a folder; give a file name")
    if target.exists() and not target.is_file():
        raise TwosectorError(f"{option} {str(target)!r} exists and is not a regular file; give another file name")
    if target.exists() and not force:
        raise TwosectorError(f"{option} {str(target)!r} already exists; give {force_option} to replace it, or another "
                             "name")
    return check_can_write(target, option)


def check_output_dir(
    path: str | os.PathLike[str], kind: str, option: str, force: bool = False, force_option: str = "",
    whole: bool = False,
) -> Path:
    """Refuse to write the folder ``path`` unless it is new, empty or twosector's own output of ``kind``.

    Parameters
    ----------
    path : path-like
        The output folder (e.g. ``twosector calibrate --out``).
    kind : str
        The kind of output about to be written (the text of the :data:`MARKER`).
    option : str
        The option that gave it, for the message (e.g. ``"--out"``).
    force : bool, default False
        Accept a folder of twosector output of another kind (e.g. a batch output folder where a report goes); a
        file is still refused, and so is a folder :func:`check_replaceable` refuses when ``whole``.
    force_option : str, default ""
        The option that sets ``force`` (e.g. ``"--force"``), named in the message; ``""`` when there is none.
    whole : bool, default False
        The folder is going to be replaced as a whole (:func:`replace_dir`), not written into: also refuse what
        :func:`check_replaceable` refuses (the current folder or one above it, files the user added, a folder a
        batch is writing into).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    TwosectorError
        If ``path`` is a file or lies below one, or is a non-empty folder without the marker of ``kind``
        (and not ``force``), or if it (or the folder it is created in) cannot be written (:func:`check_can_write`);
        with ``whole``, what :func:`check_replaceable` refuses.
    """
    target = Path(path)
    _check_parents(target, option)
    if whole:
        _check_place(target, option)
    if target.exists() and not target.is_dir():
        raise TwosectorError(f"{option} {str(target)!r} is a file, not a folder; give a new or empty folder")
    found = output_kind(target) if target.is_dir() else None
    if target.is_dir() and found != kind and not (force and found) and any(target.iterdir()):
        what = f"holds a {found}" if found else f"was not written by twosector (it has no {MARKER} file)"
        remedy = f", or {force_option} to replace it" if force_option and found else ""
        raise TwosectorError(f"{option} {str(target)!r} exists and {what}, not a {kind}; "
                             f"give a new or empty folder{remedy}")
    if whole:
        check_replaceable(target, option)
    return check_can_write(target, option, into=True)


def is_config_file(name: str | os.PathLike[str]) -> bool:
    """Whether ``name`` ends in one of :data:`CONFIG_SUFFIXES` (in any case): a scenario or grid file, not a name.

    Parameters
    ----------
    name : str or path-like
        A name or a path.

    Returns
    -------
    bool

    Raises
    ------
    Nothing.
    """
    return str(name).lower().endswith(CONFIG_SUFFIXES)


def not_a_regular_file(path: str | os.PathLike[str]) -> str:
    """What ``path`` is, for a message, when it is not a regular file that can be read; ``""`` when it is one.

    A pipe (a named FIFO, or the ``/dev/fd/63`` of a shell's process substitution ``<(...)``), a socket or a
    device (``/dev/zero``, or a link to it) is refused rather than read: a FIFO nobody writes to blocks a reader
    forever and a device can give endless bytes.

    Parameters
    ----------
    path : path-like
        The path (a link is followed).

    Returns
    -------
    str
        ``""``; ``"not found"``; ``"is a folder, not a file"``; ``"is not a regular file (a pipe, socket or device);
        give a regular file (for <(...): write the text to a file first)"``; or ``"cannot be read (<reason>)"``.

    Raises
    ------
    Nothing.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "not found"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return ("is not a regular file (a pipe, socket or device); give a regular file (for <(...): write the text to a "
            "file first)")


def read_config(
    path: str | os.PathLike[str], what: str, error: type[TwosectorError] = TwosectorError, doc: str = ""
) -> dict[str, Any]:
    """Read a TOML or YAML file given by a user: UTF-8 text, with or without a byte-order mark, not empty.

    A ``.yaml`` or ``.yml`` file is read with PyYAML's ``safe_load`` (plain data only, no Python objects) into
    the mapping the same content written as TOML gives; a key given twice is an error, as in TOML. Any other
    suffix is read as TOML.

    Parameters
    ----------
    path : path-like
        The file.
    what : str
        What the file is, for messages, e.g. ``"scenario file"`` or ``"grid file"``.
    error : subclass of TwosectorError, default TwosectorError
        The error raised (e.g. :class:`~twosector.errors.ScenarioError` for scenarios).
    doc : str, optional
        Where the format is documented, added to the message of a malformed file (e.g. ``"docs/batch.md"``).

    Returns
    -------
    dict
        The parsed tables.

    Raises
    ------
    TwosectorError
        (of class ``error``) naming the file: ``"<what> '<path>' not found"``, ``"... cannot be read
        (<reason>)"``, ``"<what> <path>: not UTF-8 text (byte 0xe9 at position 20); ..."``, ``"<what> <path>:
        malformed TOML (<parser message>)"`` (or ``malformed YAML (<problem> (at line <n>, column <c>))``),
        ``"<what> <path>: nothing in it ..."`` or, for YAML, ``"... holds a list, not a mapping of fields"``.
    """
    file = Path(path)
    why = not_a_regular_file(file)
    if why:
        raise error(f"{what} {str(file)!r} {why}")
    hint = f"; see {doc} for the format" if doc else ""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise error(f"{what} {str(file)!r} cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is not an error
    except UnicodeDecodeError as exc:
        raise error(f"{what} {file}: not UTF-8 text (byte {raw[exc.start]:#04x} at position {exc.start}); "
                    "save the file as UTF-8") from None
    data = _yaml(text, f"{what} {file}", error, hint) if file.suffix.lower() in (".yaml", ".yml") else \
        _toml(text, f"{what} {file}", error, hint)
    if not data:
        raise error(f"{what} {file}: nothing in it (the file is empty or only comments){hint}")
    return data


def _toml(text: str, where: str, error: type[TwosectorError], hint: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: malformed TOML ({exc}){hint}") from None


def _yaml(text: str, where: str, error: type[TwosectorError], hint: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.load(text, Loader=_yaml_loader())  # a SafeLoader: plain data only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        at = f" (at line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise error(f"{where}: malformed YAML ({problem}{at}){hint}") from None
    if data is not None and not isinstance(data, dict):
        raise error(f"{where}: holds a {type(data).__name__}, not a mapping of fields (name: value lines){hint}")
    return data or {}


@functools.cache
def _yaml_loader() -> type:
    """PyYAML's SafeLoader, refusing a key given twice in one mapping (PyYAML keeps the last; TOML refuses it).

    Merge keys (``<<: *defaults``) work as in ``yaml.safe_load``: a key given in the mapping wins over the same key
    merged in; only a key written twice in the mapping itself is an error.
    """
    import yaml

    merge = "tag:yaml.org,2002:merge"

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == merge:  # flattened by SafeLoader itself
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key: SafeLoader says so
                    break
                if duplicate:
                    raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice",
                                                            key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return Loader
