"""Child processes that end with their parent: the workers of a batch.

A batch runs every notebook in a child process of its own (:mod:`twosector.batch`). Ctrl-C, SIGTERM and SIGHUP
are handled by the batch, which kills its workers; SIGKILL (or a crash of the interpreter) cannot be, so each
worker watches its parent itself and ends with it (:func:`exit_with_parent`). The worker's kernel then ends
too: ipykernel watches its own parent, the worker (jupyter_client sets ``JPY_PARENT_PID``).

A process that starts helpers in sessions of their own (kaleido's Chromium wrapper does) cannot be ended with
its process group alone; :func:`kill_tree` ends it with every process it started.

This module imports nothing heavy: it runs first in every worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from typing import Any

__all__ = ["exit_with_parent", "kill_tree"]

#: ``prctl`` option of Linux: the signal a process gets when its parent (the thread that started it) ends.
PR_SET_PDEATHSIG = 1
#: Seconds between two looks at the parent process id.
POLL = 0.5


def _end(*_: Any) -> None:
    """Kill this process, with its process group when it leads one (a worker started in a session of its own)."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no libc with prctl (e.g. a static or unusual runtime)
        return False


def exit_with_parent(parent: int, poll: float = POLL) -> threading.Thread:
    """End this process (and the process group it leads) as soon as the process ``parent`` ends, however it ends.

    Two ways, so that neither a missed signal nor a missing system call leaves an orphan:

    - on Linux, ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` (through :mod:`ctypes`; set in the process itself, not in a
      ``preexec_fn``, which is unsafe in a process with threads), with a SIGTERM handler that kills the process
      group: the parent's death is noticed at once;
    - everywhere, a daemon thread that looks every ``poll`` seconds whether the parent process id changed (an
      orphan is adopted by init or a subreaper). It also covers a parent that died before this function ran.

    Call it first thing in the child, from the main thread (signal handlers can only be set there).

    Parameters
    ----------
    parent : int
        Process id of the parent, as the parent knew it when it started this process (``os.getpid()`` there);
        reading ``os.getppid()`` here instead would miss a parent that is already gone.
    poll : float, default :data:`POLL`
        Seconds between two looks at the parent process id.

    Returns
    -------
    threading.Thread
        The watching thread (a daemon; it ends with the process).

    Raises
    ------
    Nothing of its own; where ``prctl`` is not available the watching thread alone does the work.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _end)  # before the request: the signal may come at once
        _parent_death_signal(signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        _end()

    thread = threading.Thread(target=watch, name="exit-with-parent", daemon=True)
    thread.start()
    return thread


def kill_tree(pid: int) -> None:
    """Kill the process ``pid``, every process it started and their process groups, and wait for them to end.

    The descendants are listed before anything is killed: once a parent is gone its children are adopted by
    init and can no longer be told from other processes. Process groups are killed too, which catches what a
    descendant started in the meantime (Chromium's helpers); the caller's own process group is spared.

    Parameters
    ----------
    pid : int
        Process id of the root of the tree (usually a child started with ``start_new_session=True``).

    Raises
    ------
    Nothing: processes that have already ended are skipped.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    groups = set()
    for proc in family:
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(proc.pid))
    for group in groups - {os.getpgrp()}:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(family, timeout=5)
