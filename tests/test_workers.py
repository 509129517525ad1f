"""Executors: the local process pool and a Dask distributed cluster run chapter work; one chapter
is built end to end through a Dask LocalCluster."""

import json
import os

import pytest

from conftest import copy_project, run_build
from statusrapport.build import workers
from statusrapport.errors import ParameterError

distributed = pytest.importorskip("distributed")


def square_and_pid(x):
    """Module level, so it pickles by reference for spawned workers."""
    return x * x, os.getpid()


def _check_runs_elsewhere(pool):
    futures = {pool.submit(square_and_pid, x): x for x in range(5)}
    seen = {}
    for fut in pool.as_completed(futures):
        value, pid = fut.result()
        seen[futures[fut]] = value
        assert pid != os.getpid()  # ran in a worker process, not here
    assert seen == {x: x * x for x in range(5)}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as c:
        yield c


def test_local_executor_runs_a_function():
    with workers.make(jobs=2) as pool:
        assert isinstance(pool, workers.LocalPool) and pool.workers == 2
        _check_runs_elsewhere(pool)
        assert pool.check_shared("/nowhere") is None  # same machine: nothing to check


def test_local_executor_defaults_to_cpu_count():
    with workers.make() as pool:
        assert pool.workers == os.cpu_count()


def test_dask_executor_runs_a_function(cluster):
    with workers.make(cluster.scheduler_address) as pool:
        assert isinstance(pool, workers.DaskPool) and pool.workers == 2
        _check_runs_elsewhere(pool)
    assert cluster.scheduler.task_prefixes["square_and_pid"].state_counts["memory"] >= 5


def test_dask_address_without_scheme_gets_tcp(cluster):
    bare = cluster.scheduler_address.removeprefix("tcp://")
    with workers.make(bare) as pool:
        assert pool.address == cluster.scheduler_address


def test_dask_check_shared_names_the_missing_path(cluster, tmp_path):
    with workers.make(cluster.scheduler_address) as pool:
        pool.check_shared(tmp_path)  # same machine: workers see it
        with pytest.raises(ParameterError, match="delt filsystem"):
            pool.check_shared(tmp_path / "finnes-ikke")


def test_a_chapter_worker_does_not_compile_the_iri_grammar():
    """A spawned worker imports the execution module (papermill, nbformat, hence jsonschema):
    rfc3987_syntax, installed for JupyterLab, would compile its grammar there (1,3 s per
    process). Dates are still checked."""
    import subprocess
    import sys

    code = ("import sys, statusrapport.build.execute, jsonschema; "
            "print(sys.modules['rfc3987_syntax'], 'date' in jsonschema.FormatChecker().checkers)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "True"]


@pytest.mark.parametrize("address", ["ikke-en-adresse", "tcp://127.0.0.1:1"])
def test_bad_scheduler_address_is_a_parameter_error(address, monkeypatch):
    monkeypatch.setattr(workers, "CONNECT_TIMEOUT", "1s")  # nothing answers there: no need to wait 10 s
    with pytest.raises(ParameterError):
        workers.make(address)


def test_one_chapter_builds_through_a_dask_cluster(cluster, tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_build(project, "--chapter", "akuttmedisin", "--format", "html",
                       "--scheduler", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr

    out = project / "output" / "2026-utkast"  # one chapter: a draft beside the edition
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(c["name"], c["status"]) for c in manifest["chapters"]] == [("akuttmedisin", "done")]
    assert any(r.startswith("data/") for r in manifest["chapters"][0]["reads"])  # read log came back
    assert (out / "statusrapport.html").exists() and not (out / "statusrapport.pdf").exists()
    assert "Akuttmedisin" in (out / "statusrapport.html").read_text(encoding="utf-8")
    # ... and the chapter really ran as a task on the cluster, not in a local process pool.
    assert cluster.scheduler.task_prefixes["execute"].state_counts["memory"] >= 1


def test_a_chapter_cannot_change_the_style_of_the_next_chapter_in_the_same_kernel(tmp_path):
    """A worker's kernel runs chapter after chapter: one that sets its own matplotlib style
    (an analyst's seaborn theme) must not change the figures of the next, while the kernel's
    own settings (its garbage collection) stay as the build set them."""
    import subprocess
    import sys

    script = """
from statusrapport.build import kernels
kernels.warm_up(".", "from statusrapport.chapter import figures\\n"
                     "import seaborn, matplotlib.pyplot as plt\\n"
                     "open('first.txt', 'w').write(str(plt.rcParams['font.size']))\\n"
                     "seaborn.set_theme(context='poster')")
kernels.warm_up(".", "import gc, matplotlib.pyplot as plt\\n"
                     "open('next.txt', 'w').write(str(plt.rcParams['font.size']))\\n"
                     "open('gc.txt', 'w').write(str(gc.get_threshold()))")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    first = (tmp_path / "first.txt").read_text()
    assert first == "9.5" and (tmp_path / "next.txt").read_text() == first
    # The kernel collects garbage as the build asks (kernels.GC_THRESHOLDS), chapter after chapter.
    assert (tmp_path / "gc.txt").read_text() == "(50000, 20, 20)"
