"""Atomic writes and the TOML reader: a failed write never destroys the previous file or leaves debris."""

from __future__ import annotations

import pandas as pd
import pytest

from twosector.errors import ScenarioError, TwosectorError
from twosector.files import (
    MARKER,
    atomic_frame,
    atomic_write,
    check_can_write,
    check_output_dir,
    check_output_file,
    mark_output,
    output_kind,
    read_config,
    remove_staged,
    replace_dir,
    staged,
    staged_target,
)


def test_atomic_write_text_and_bytes_replace_the_file(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "first\n")
    atomic_write(target, b"second\r\n")
    assert target.read_bytes() == b"second\r\n"  # bytes as given, no newline translation
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("old")

    class Broken(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            with open(args[0], "w") as fh:
                fh.write("half")
            raise OSError("disk full")

    with pytest.raises(TwosectorError) as exc:
        atomic_frame(Broken({"a": [1]}), target)
    assert str(exc.value) == f"cannot write {str(target)!r} (disk full)"
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_staged_keeps_the_suffix_and_leaves_the_target_when_nothing_was_written(tmp_path):
    target = tmp_path / "notebook.ipynb"
    target.write_text("old")
    with staged(target) as tmp:
        assert tmp.suffix == ".ipynb" and tmp.parent == tmp_path and not tmp.exists()
    assert target.read_text() == "old"


def test_atomic_frame_csv_options(tmp_path):
    frame = pd.DataFrame({"x": [1.23456]})
    text = atomic_frame(frame, tmp_path / "f.csv", index=False, float_format="%.2f", lineterminator="\n").read_text()
    assert text == "x\n1.23\n"


def test_atomic_frame_fmt_wins_over_the_suffix(tmp_path):
    # MonteCarlo.to_csv("x.parquet") wrote Parquet and to_parquet("x.pq") renamed the file to x.parquet
    frame = pd.DataFrame({"a": [1.5, 2.5]})
    assert pd.read_csv(atomic_frame(frame, tmp_path / "x.parquet", fmt="csv", index=False)).equals(frame)
    written = atomic_frame(frame, tmp_path / "x.pq", fmt="parquet", index=False)
    assert written == tmp_path / "x.pq" and pd.read_parquet(written).equals(frame)



REPORT = "twosector calibration report"


def _report(folder, *names):
    """A calibration report folder holding the files ``names`` (each holding the text "old")."""
    folder.mkdir()
    mark_output(folder, REPORT)
    for name in names:
        (folder / name).write_text("old")
    return folder


def test_replace_dir_swaps_the_folder_only_when_complete(tmp_path):
    out = _report(tmp_path / "report", "facts.csv")

    def broken(folder):
        (folder / "new.txt").write_text("new")
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError):
        replace_dir(out, broken)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "facts.csv"]
    replace_dir(out, lambda folder: (folder / "new.txt").write_text("new"))
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary or old folder left


@pytest.mark.parametrize(("where", "why"), [(".", "is the current folder"), ("..", "is a folder above the current "
                                          "folder"), ("/", "is the root folder"), ("~", "is your home folder")])
def test_a_folder_replaced_as_a_whole_is_never_where_the_user_works(tmp_path, monkeypatch, where, why):
    work = tmp_path / "home" / "projects" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    target = str(tmp_path / "home") if where == "~" else where
    for check in (lambda: check_output_dir(target, REPORT, "--out", True, "--force", whole=True),
                  lambda: replace_dir(target, _must_not_build)):
        with pytest.raises(TwosectorError) as exc:
            check()
        assert str(exc.value) == (f"--out {target!r} {why}; a new folder is built and swapped in for it as a "
                                  "whole: give a new folder, e.g. --out report")
    assert list(work.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["home"]


def _must_not_build(folder):
    raise AssertionError("built a folder that is refused")


def test_a_report_folder_with_files_the_user_added_is_not_replaced(tmp_path):
    out = _report(tmp_path / "cal1", "facts.csv", "index.html", "fit.html")
    (out / "my_notes.txt").write_text("mine")
    (out / "drafts").mkdir()
    message = (f"--out {str(out)!r} holds 'drafts/' (and 1 more) that twosector did not write: move them out of it "
               "or choose another --out (--force never deletes files you added)")
    for check in (lambda: check_output_dir(out, REPORT, "--out", True, "--force", whole=True),
                  lambda: replace_dir(out, lambda folder: (folder / "facts.csv").write_text("new"))):
        with pytest.raises(TwosectorError) as exc:
            check()
        assert str(exc.value) == message
    (out / "drafts").rmdir()
    with pytest.raises(TwosectorError, match=r"holds 'my_notes.txt' that twosector did not write: move it out"):
        replace_dir(out, lambda folder: (folder / "facts.csv").write_text("new"))
    assert (out / "my_notes.txt").read_text() == "mine" and (out / "facts.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cal1"]  # no temporary folder left
    (out / "my_notes.txt").unlink()
    replace_dir(out, lambda folder: (folder / "facts.csv").write_text("new"))
    assert (out / "facts.csv").read_text() == "new" and not (out / "fit.html").exists()


def test_a_folder_a_batch_is_writing_into_is_not_replaced(tmp_path):
    import os

    from twosector.files import locked

    out = tmp_path / "B2"
    out.mkdir()
    mark_output(out, "twosector batch output")
    (out / "status.json").write_text("{}")
    with locked(out):
        for check in (lambda: check_output_dir(out, REPORT, "--out", True, "--force", whole=True),
                      lambda: replace_dir(out, lambda folder: (folder / "index.html").write_text("report"))):
            with pytest.raises(TwosectorError, match=rf"^--out '{out}' is in use by another batch \(process "
                                                     rf"{os.getpid()} on .*; lock {out}/\.twosector-batch\.lock\): "
                                                     r"wait until it ends or choose another --out$"):
                check()
    assert (out / "status.json").read_text() == "{}" and sorted(p.name for p in tmp_path.iterdir()) == ["B2"]
    replace_dir(out, lambda folder: (folder / "index.html").write_text("report"))  # the batch has ended
    assert [p.name for p in out.iterdir()] == ["index.html"]


@pytest.mark.parametrize("failing", [1, 2])
def test_a_failed_rename_leaves_the_old_folder_and_no_temporary_folder(tmp_path, monkeypatch, failing):
    """The first rename moves the old folder aside, the second moves the new one in: either may fail."""
    import errno
    import os
    from pathlib import Path

    out = _report(tmp_path / "report", "facts.csv")
    real = os.replace
    calls = []

    def replace(src, dst):
        if Path(src).parent == tmp_path:  # a folder's rename, not a file written inside one
            calls.append(src)
            if len(calls) == failing:
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(TwosectorError, match=r"^cannot write '.*report' \(Invalid cross-device link\)$"):
        replace_dir(out, lambda folder: (folder / "facts.csv").write_text("new"))
    assert (out / "facts.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_read_config_names_the_file_and_the_parse_error(tmp_path):
    good = tmp_path / "g.toml"
    good.write_text('name = "x"\n[levers.a]\nintensity = 0.5\n')
    assert read_config(good, "grid file") == {"name": "x", "levers": {"a": {"intensity": 0.5}}}
    with pytest.raises(TwosectorError, match=r"^grid file '.*missing.toml' not found$"):
        read_config(tmp_path / "missing.toml", "grid file")
    bad = tmp_path / "bad.toml"
    bad.write_text("[levers.a\nintensity = 0.5\n")
    with pytest.raises(ScenarioError, match=r"scenario file .*bad.toml: malformed TOML \(.*line 1.*\); see docs/s.md"):
        read_config(bad, "scenario file", error=ScenarioError, doc="docs/s.md")


NOT_REGULAR = ("is not a regular file (a pipe, socket or device); give a regular file (for <(...): write the text "
               "to a file first)")


@pytest.mark.parametrize("kind", ["folder", "fifo", "device link", "process substitution", "broken link"])
def test_a_config_path_that_is_not_a_regular_file_says_what_it_is(tmp_path, kind):
    import os

    path = tmp_path / "x.toml"
    ends = []
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # nobody writes to it: reading it would block forever
    elif kind == "device link":
        path.symlink_to("/dev/zero")  # endless bytes
    elif kind == "broken link":
        path.symlink_to(tmp_path / "gone.toml")
    else:
        ends = list(os.pipe())
        path = f"/dev/fd/{ends[0]}"  # what bash passes for <(...)
    try:
        with pytest.raises(ScenarioError) as exc:
            read_config(path, "scenario file", error=ScenarioError)
    finally:
        for end in ends:
            os.close(end)
    why = {"folder": "is a folder, not a file", "broken link": "not found"}.get(kind, NOT_REGULAR)
    assert str(exc.value) == f"scenario file {str(path)!r} {why}"


def test_a_yaml_file_gives_the_tables_its_toml_twin_gives(tmp_path):
    toml = tmp_path / "s.toml"
    toml.write_text('name = "x"\nbase = "baseline"\n[levers.oil_price_cap]\nintensity = 8.0\nstart = "2026Q1"\n'
                    'ramp = 0\n[levers.ceasefire]\nintensity = 1\n')
    for name in ("s.yaml", "s.YML"):
        yaml = tmp_path / name
        yaml.write_text("name: x\nbase: baseline\nlevers:\n  oil_price_cap: {intensity: 8.0, start: 2026Q1, ramp: 0}\n"
                        "  ceasefire:\n    intensity: 1\n")
        assert read_config(yaml, "scenario file") == read_config(toml, "scenario file")
    bom = tmp_path / "bom.yml"
    bom.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert read_config(bom, "grid file") == {"name": "x"}


MERGED = """\
ramp: &slow {intensity: 0.5, start: 2026Q1, ramp: 8}
name: merged
levers:
  input_sanctions: *slow
  tech_controls:
    <<: *slow
    intensity: 0.3
  secondary_sanctions:
    <<: [*slow, {start: 2027Q1, note: x}]
"""


def test_yaml_merge_keys_work_as_in_safe_load(tmp_path):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(MERGED)
    data = read_config(path, "scenario file")
    assert data == yaml.safe_load(MERGED)
    assert data["levers"]["tech_controls"] == {"intensity": 0.3, "start": "2026Q1", "ramp": 8}  # its own key wins
    path.write_text(MERGED + "    ramp: 2\n    ramp: 3\n")  # a key written twice in one mapping, merge or not
    with pytest.raises(TwosectorError, match=r"malformed YAML \(key 'ramp' given twice \(at line 11, column 5\)\)"):
        read_config(path, "scenario file")


@pytest.mark.parametrize(("content", "message"), [
    (b"name: x\nlevers:\n  input_sanctions: {intensity: 0.5\n",
     "malformed YAML (expected ',' or '}', but got '<stream end>' (at line 4, column 1)); "
     "see docs/s.md for the format"),
    (b"name: x\n  bad: indentation\n", "malformed YAML (mapping values are not allowed here (at line 2, column 6)); "
                                      "see docs/s.md for the format"),
    (b"name: x\nlevers: {}\nname: y\n", "malformed YAML (key 'name' given twice (at line 3, column 1)); see docs/s.md "
                                         "for the format"),
    (b"- name: x\n", "holds a list, not a mapping of fields (name: value lines); see docs/s.md for the format"),
    (b"just text\n", "holds a str, not a mapping of fields (name: value lines); see docs/s.md for the format"),
    (b"# only a comment\n", "nothing in it (the file is empty or only comments); see docs/s.md for the format"),
    (b"", "nothing in it (the file is empty or only comments); see docs/s.md for the format"),
    (b"name: caf\xe9\n", "not UTF-8 text (byte 0xe9 at position 9); save the file as UTF-8"),
    (b"name: !!python/object/apply:os.system ['true']\n", "malformed YAML (could not determine a constructor for the "
                                                         "tag 'tag:yaml.org,2002:python/object/apply:os.system' "
                                                         "(at line 1, column 7)); see docs/s.md for the format"),
])
def test_a_bad_yaml_file_is_one_message_naming_the_file_and_the_line(tmp_path, content, message):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    with pytest.raises(ScenarioError) as exc:
        read_config(bad, "scenario file", error=ScenarioError, doc="docs/s.md")
    assert str(exc.value) == f"scenario file {bad}: {message}"


def test_only_an_empty_folder_or_one_of_the_same_kind_is_an_output_folder(tmp_path):
    assert check_output_dir(tmp_path / "new", "report", "--out") == tmp_path / "new"
    assert check_output_dir(tmp_path, "report", "--out") == tmp_path  # empty
    (tmp_path / "data.csv").write_text("x")
    with pytest.raises(TwosectorError, match="was not written by twosector"):
        check_output_dir(tmp_path, "report", "--out")
    mark_output(tmp_path, "batch")
    assert output_kind(tmp_path) == "batch"
    with pytest.raises(TwosectorError, match="holds a batch, not a report; give a new or empty folder$"):
        check_output_dir(tmp_path, "report", "--out")
    assert check_output_dir(tmp_path, "batch", "--out") == tmp_path
    with pytest.raises(TwosectorError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "data.csv", "batch", "--out")
    with pytest.raises(TwosectorError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "data.csv" / "sub", "batch", "--out")


@pytest.mark.parametrize("name", ["notebook.ipynb", ".twosector-output", "run.log", "results.tar.gz", "x.tmp-y.csv"])
def test_the_temporary_file_of_a_write_killed_midway_is_known_by_its_name(tmp_path, name):
    import os
    import signal
    import subprocess
    import sys

    # a process killed inside staged (as the batch kills a worker) leaves its temporary file behind
    code = ("import sys, time; from twosector.files import staged\n"
            "with staged(sys.argv[1]) as tmp:\n"
            "    tmp.write_text('partial'); print(tmp.name, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / name)], stdout=subprocess.PIPE, text=True)
    left = proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert [p.name for p in tmp_path.iterdir()] == [left]
    assert staged_target(left) == name
    assert remove_staged(tmp_path) == [tmp_path / left] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["notebook.ipynb", ".notebook.ipynb", ".notebook.ipynb.tmp-abc.ipynb",
                                  ".notebook.ipynb.tmp-abcd1234.html", "notebook.ipynb.tmp-abcd1234.ipynb",
                                  ".notebook.ipynb.tmp-ABCD1234.ipynb"])
def test_a_name_that_staged_does_not_give_is_not_a_temporary_file(tmp_path, name):
    assert staged_target(name) is None
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / name).write_text("mine")
    assert remove_staged(tmp_path) == [] and (tmp_path / "sub" / name).read_text() == "mine"


def test_only_the_temporary_files_of_a_kind_s_own_files_are_removed_at_its_top(tmp_path):
    from twosector.files import OWN_FILES

    kind = "twosector batch output"
    assert "results.parquet" in OWN_FILES[kind]
    own = [".status.json.tmp-abcd1234.json", ".results.parquet.tmp-abcd1234.parquet", f".{MARKER}.tmp-abcd1234"]
    other = [".notes.txt.tmp-abcd1234.txt", "runs/.notebook.ipynb.tmp-abcd1234.ipynb"]
    (tmp_path / "runs").mkdir()
    for name in own + other:
        (tmp_path / name).write_text("x")
    assert sorted(p.name for p in remove_staged(tmp_path, kind)) == sorted(own)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.*")) == sorted(other)


def test_an_existing_file_is_an_output_file_only_with_force(tmp_path):
    target = tmp_path / "r.csv"
    assert check_output_file(target, "--out") == target
    target.write_text("x")
    with pytest.raises(TwosectorError, match="already exists; give --force"):
        check_output_file(target, "--out")
    assert check_output_file(target, "--out", force=True) == target
    with pytest.raises(TwosectorError, match="is a folder"):
        check_output_file(tmp_path, "--out", force=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'base = "baseline"\n# caf\xe9\n', "not UTF-8 text (byte 0xe9 at position 23); save the file as UTF-8"),
        (b"", "nothing in it (the file is empty or only comments); see docs/scenarios.md for the format"),
        (b"# only a comment\n\n", "nothing in it (the file is empty or only comments)"),
    ],
)
def test_read_config_refuses_other_encodings_and_empty_files_in_one_line(tmp_path, content, message):
    path = tmp_path / "s.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as exc:
        read_config(path, "scenario file", ScenarioError, doc="docs/scenarios.md")
    assert str(exc.value).startswith(f"scenario file {path}: {message}")


def test_read_config_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b'\xef\xbb\xbfbase = "baseline"\n')
    assert read_config(path, "scenario file") == {"base": "baseline"}


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_outputs_are_written_with_the_users_umask(tmp_path, umask):
    import os

    old = os.umask(umask)
    try:
        file = atomic_write(tmp_path / "a.txt", "x")
        folder = replace_dir(tmp_path / "report", lambda d: (d / "f.txt").write_text("y"))
    finally:
        os.umask(old)
    assert file.stat().st_mode & 0o777 == 0o666 & ~umask
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's private 0700
    assert (folder / "f.txt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_the_trial_of_a_writable_place_leaves_nothing_behind(tmp_path):
    (tmp_path / "kept.txt").write_text("mine")
    assert check_can_write(tmp_path / "new" / "deeper" / "report", "--out") == tmp_path / "new" / "deeper" / "report"
    assert check_can_write(tmp_path, "--out", into=True) == tmp_path
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_a_place_that_cannot_be_written_is_named_with_the_reason(read_only_folder):
    target = read_only_folder / "results.csv"
    with pytest.raises(TwosectorError) as exc:
        check_output_file(target, "--out")
    assert str(exc.value) == (f"--out {str(target)!r}: cannot write there (Permission denied: "
                              f"{str(read_only_folder)!r}); give a place you can write to")


# ---------------------------------------------------------------------------------------------- a full disk
# Injected: the write call of each atomic writer fills part of its temporary file, then fails with ENOSPC, as a
# full disk does. This always runs. The same through a real full file system (a tiny tmpfs in a user and mount
# namespace) is test_a_full_tmpfs_leaves_the_previous_results_and_one_message, which needs `unshare -rm`.

def _disk_full(path) -> None:
    """What a full disk does to a write: part of the data lands, then ENOSPC."""
    import errno
    import os

    with open(path, "wb") as fh:
        fh.write(b"x" * 100)
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _full_write_bytes(path, data) -> None:  # in place of Path.write_bytes
    _disk_full(path)


def _full_to_csv(frame, path, *args, **kwargs) -> None:  # in place of DataFrame.to_csv
    _disk_full(path)


def _write_report(target):
    def build(folder):
        (folder / "fit.html").write_text("new")
        _disk_full(folder / "backtest.csv")

    return replace_dir(target, build)


@pytest.mark.parametrize("writer", ["atomic_write", "atomic_frame", "replace_dir"])
def test_a_full_disk_leaves_the_previous_output_and_no_temporary_file(tmp_path, monkeypatch, writer):
    from pathlib import Path

    target = tmp_path / ("report" if writer == "replace_dir" else "results.csv")
    if writer == "replace_dir":
        _report(target, "index.html").joinpath("index.html").write_text("previous")
        write = _write_report
    else:
        target.write_text("previous")
        monkeypatch.setattr(Path, "write_bytes", _full_write_bytes)
        monkeypatch.setattr(pd.DataFrame, "to_csv", _full_to_csv)
        write = {"atomic_write": lambda t: atomic_write(t, "new"),
                 "atomic_frame": lambda t: atomic_frame(pd.DataFrame({"a": [1]}), t)}[writer]
    with pytest.raises(TwosectorError) as exc:
        write(target)
    assert str(exc.value) == f"cannot write {str(target)!r} (No space left on device)"
    if writer == "replace_dir":
        assert sorted(p.name for p in target.iterdir()) == [MARKER, "index.html"]
    assert (target / "index.html" if writer == "replace_dir" else target).read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file or folder left


def test_a_full_disk_is_one_line_on_the_command_line(tmp_path, monkeypatch, capsys):
    from twosector.cli import main

    target = tmp_path / "results.csv"
    target.write_text("previous")
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_to_csv)
    assert main(["simulate", "baseline", "--out", str(target), "--force"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"twosector simulate: error: cannot write {str(target)!r} (No space left on device)"]
    assert target.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["results.csv"]


# a shell script run as root of a user and mount namespace: mount a 64 KiB tmpfs on $1, put the previous results
# there, let `twosector simulate --out` fill it (its results are ~0.5 MB), then show what is left
FULL_TMPFS = """
set -e
mount -t tmpfs -o size=16k twosector-full "$1"
printf 'previous\n' > "$1/results.$3"
set +e
"$2" -c 'import sys; from twosector.cli import main; sys.exit(main(sys.argv[1:]))' \
    simulate baseline --out "$1/results.$3" --force
echo "exit $?"
ls -A "$1"
cat "$1/results.$3"
"""


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_full_tmpfs_leaves_the_previous_results_and_one_message(tmp_path, suffix):
    """A real full disk: a tiny tmpfs mounted in a user and mount namespace (``unshare -rm``).

    Needs ``unshare`` and a kernel that lets this user create namespaces; where that is refused the test is
    skipped with the reason, and the injected variants above (which always run) cover the same behaviour.
    """
    import shutil
    import subprocess
    import sys

    if not shutil.which("unshare") or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (unshare -rm refused); the injected ENOSPC tests cover it")
    folder = tmp_path / "small"
    folder.mkdir()
    result = subprocess.run(["unshare", "-rm", "sh", "-c", FULL_TMPFS, "sh", str(folder), sys.executable, suffix],
                            capture_output=True, text=True, timeout=120)
    target = f"results.{suffix}"
    assert result.stdout.splitlines() == ["exit 2", target, "previous"], (result.stdout, result.stderr)
    assert result.stderr.splitlines() == [  # one line: no second traceback of a writer left open
        f"twosector simulate: error: cannot write {str(folder / target)!r} (No space left on device)"]
