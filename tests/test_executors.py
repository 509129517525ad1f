"""Executors: the local process pool and a Dask distributed cluster run chapter work; one chapter
is built end to end through a Dask LocalCluster."""

import json
import os
from dataclasses import fields

import pytest

from conftest import copy_project, run_build
from statusrapport import edition
from statusrapport.build import execute, executors, pipeline
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
    with executors.make(jobs=2) as pool:
        assert isinstance(pool, executors.LocalExecutor) and pool.workers == 2
        _check_runs_elsewhere(pool)
        assert pool.check_shared("/nowhere") is None  # same machine: nothing to check


def test_local_executor_defaults_to_cpu_count():
    with executors.make() as pool:
        assert pool.workers == os.cpu_count()


def test_dask_executor_runs_a_function(cluster):
    with executors.make(cluster.scheduler_address) as pool:
        assert isinstance(pool, executors.DaskExecutor) and pool.workers == 2
        _check_runs_elsewhere(pool)
    assert cluster.scheduler.task_prefixes["square_and_pid"].state_counts["memory"] >= 5


def test_dask_address_without_scheme_gets_tcp(cluster):
    bare = cluster.scheduler_address.removeprefix("tcp://")
    with executors.make(bare) as pool:
        assert pool.address == cluster.scheduler_address


def test_dask_check_shared_names_the_missing_path(cluster, tmp_path):
    with executors.make(cluster.scheduler_address) as pool:
        pool.check_shared(tmp_path)  # same machine: workers see it
        with pytest.raises(ParameterError, match="delt filsystem"):
            pool.check_shared(tmp_path / "finnes-ikke")


@pytest.mark.parametrize("address", ["ikke-en-adresse", "tcp://127.0.0.1:1"])
def test_bad_scheduler_address_is_a_parameter_error(address):
    with pytest.raises(ParameterError):
        executors.make(address)


WIRED = "scheduler" in {f.name for f in fields(pipeline.Options)}


def test_one_chapter_builds_through_a_dask_cluster(cluster, tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    address = cluster.scheduler_address
    if WIRED:
        # After --scheduler is wired into cli.py/report.py/execute.py, this is the whole test body:
        result = run_build(project, "--chapter", "akuttmedisin", "--format", "html",
                           "--scheduler", address)
        assert result.returncode == 0, result.stderr
    else:
        # Before wiring: run_chapters still creates its own ProcessPoolExecutor and calls
        # concurrent.futures.as_completed; point both names at a Dask executor.
        pool = executors.make(address)
        monkeypatch.setattr(execute, "ProcessPoolExecutor", lambda *a, **kw: pool)
        monkeypatch.setattr(execute, "as_completed", pool.as_completed)
        result = pipeline.build(pipeline.Options(
            root=project, params=edition.newest(project / "params"), formats=("html",),
            only=("akuttmedisin",), progress=lambda text: None))
        result = result[0] if isinstance(result, list) else result  # one Result per region
        assert result.published and not result.failures

    out = project / "output" / "2026"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(c["name"], c["status"]) for c in manifest["chapters"]] == [("akuttmedisin", "done")]
    assert any(r.startswith("data/") for r in manifest["chapters"][0]["reads"])  # read log came back
    assert (out / "statusrapport.html").exists() and not (out / "statusrapport.pdf").exists()
    assert "Akuttmedisin" in (out / "statusrapport.html").read_text(encoding="utf-8")
    # ... and the chapter really ran as a task on the cluster, not in a local process pool.
    assert cluster.scheduler.task_prefixes["execute"].state_counts["memory"] >= 1
