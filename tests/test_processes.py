"""Workers end with their parent: by the parent-death signal of Linux and by watching the parent's process id."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

# a child that calls exit_with_parent(PARENT, poll=POLL), writes its pid into a file, then sleeps
CHILD = ("import os, sys, time; from twosector.processes import exit_with_parent; "
         "exit_with_parent(int(sys.argv[1]), poll=float(sys.argv[2])); "
         "open(sys.argv[3], 'w').write(str(os.getpid())); time.sleep(60)")
# a middle process that starts CHILD watching itself, waits for it to be ready, then dies by SIGKILL
MIDDLE = ("import os, signal, subprocess, sys, time; "
          "subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid()), sys.argv[2], sys.argv[3]], "
          "start_new_session=True); "
          "[time.sleep(0.05) for _ in range(600) if not os.path.exists(sys.argv[3])]; "
          "os.kill(os.getpid(), signal.SIGKILL)")


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, dead but not yet reaped, counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def ends_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_worker_whose_parent_is_already_gone_ends_at_once(tmp_path):
    # the parent named is not this process's parent: it is taken as gone (the watching thread's first look)
    ready = tmp_path / "pid"
    result = subprocess.run([sys.executable, "-c", CHILD, "1", "0.1", str(ready)], timeout=30)
    assert result.returncode == -9


def outlives_its_parent(folder: Path, child: str, poll: str) -> bool:
    """Start ``child`` (watching every ``poll`` s) below a parent that dies by SIGKILL; True if it outlives it."""
    ready = folder / "pid"
    middle = subprocess.run([sys.executable, "-c", MIDDLE, child, poll, str(ready)], timeout=60)
    assert middle.returncode == -9
    pid = int(ready.read_text())
    try:
        return not ends_within(pid, 5)
    finally:
        if alive(pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)


def test_the_parent_death_signal_ends_the_worker_without_waiting_for_the_watch(tmp_path):
    # the watching thread looks only once an hour: only the parent-death signal can end the child in time
    assert not outlives_its_parent(tmp_path, CHILD, "3600")


def test_the_watch_alone_ends_the_worker_when_the_signal_is_not_available(tmp_path):
    without = CHILD.replace("from twosector.processes import exit_with_parent; ",
                            "import twosector.processes as p; p._parent_death_signal = lambda s: False; "
                            "exit_with_parent = p.exit_with_parent; ")
    assert not outlives_its_parent(tmp_path, without, "0.2")
