"""Atomic publishing: a build killed at any moment leaves the last good report intact, and the
next build works."""

import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from conftest import run_build, terminal_signals
from statusrapport.render import publish


def test_swap_in_replaces_whole_folder_and_keeps_region_subfolders(tmp_path):
    final = tmp_path / "out" / "2026"
    (final / "bergen").mkdir(parents=True)
    (final / "statusrapport.html").write_text("gammel")
    (final / "bergen" / "statusrapport.html").write_text("bergen")
    staged = tmp_path / "out" / ".build-1"
    staged.mkdir()
    (staged / "statusrapport.html").write_text("ny")
    publish.swap_in(staged, final, keep_subdirs=["bergen"])
    assert (final / "statusrapport.html").read_text() == "ny"
    assert (final / "bergen" / "statusrapport.html").read_text() == "bergen"
    assert not staged.exists()


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killed_build_leaves_last_good_report(published_copy, sig):
    project = published_copy
    out = project / "output" / "2026"
    before = _snapshot(out)
    # One chapter sleeps, so the build is still running when the signal comes, however busy
    # the machine is; the others come from the cache.
    path = project / "notebooks" / "05_finansiering.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(30)"))
    nbformat.write(nb, path)
    proc = subprocess.Popen([sys.executable, "build.py", "--format", "html"], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=terminal_signals)
    seen = []
    deadline = time.time() + 300
    for line in proc.stdout:
        seen.append(line)
        if "kjører" in line or time.time() > deadline:
            break
    time.sleep(1.0)
    if sig == signal.SIGKILL:
        os.killpg(proc.pid, sig)  # the whole tree: build, workers and kernels
    else:
        proc.send_signal(sig)
    rest, _ = proc.communicate(timeout=120)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, "".join(seen) + rest
        assert "Avbrutt. Rapporten i output/ er uendret." in rest
    nb.cells.pop()  # the rebuild below without the slow cell
    nbformat.write(nb, path)
    assert _snapshot(out) == before
    again = run_build(project, "--format", "html")
    assert again.returncode == 0, again.stderr
    assert (out / "statusrapport.html").exists()
    assert not [p for p in (project / "output").glob(".build-*")]
