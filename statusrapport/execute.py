"""Executing chapter notebooks with papermill, in parallel worker processes, with the cache.

A failing chapter does not stop the others: every failure of a build is reported together."""

import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat
import papermill

from . import cache
from .exceptions import ChapterError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Run:
    chapter: str
    number: int
    status: str = "pending"  # done | cached | failed
    seconds: float = 0.0
    key: str = ""
    reason: str = ""
    notebook: str = ""  # path of the executed notebook
    error: ChapterError = None
    reads: list = field(default_factory=list)


def _failing_line(traceback):
    """The line of the chapter's own cell that raised (marked '---->' by IPython)."""
    for line in ANSI.sub("", "\n".join(traceback)).splitlines():
        if line.lstrip().startswith("---->"):
            return line.split("---->", 1)[1].strip().lstrip("0123456789 ").strip()
    return None


def _execute(chapter, number, source, parameters, workdir, log_path):
    """Runs in a worker process. Returns a Run; never raises for notebook errors."""
    run = Run(chapter, number)
    out = Path(workdir) / f"{source.stem}.ipynb"
    read_log = Path(workdir) / f"{source.stem}.reads"
    os.environ["STATUSRAPPORT_READ_LOG"] = str(read_log)
    # The kernel inherits this process's stderr; its chatter belongs in the chapter log.
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 2)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(out), parameters=parameters,
                                   kernel_name="python3", cwd=str(source.parent),
                                   progress_bar=False, log_output=False)
        run.status = "done"
    except papermill.PapermillExecutionError as err:
        # papermill inserts the injected-parameters cell; count cells as the analyst sees them.
        nb = nbformat.read(out, as_version=4)
        injected = next((i for i, c in enumerate(nb.cells)
                         if "injected-parameters" in c.metadata.get("tags", [])), None)
        cell = err.cell_index + 1 - (1 if injected is not None and err.cell_index > injected else 0)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(ANSI.sub("", "\n".join(err.traceback)) + "\n")
        run.status = "failed"
        run.error = ChapterError(chapter, cell, err.ename, err.evalue, _failing_line(err.traceback),
                                 str(log_path))
    except Exception as err:  # kernel died, missing parameters cell, unreadable notebook, ...
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(repr(err) + "\n")
        run.status = "failed"
        run.error = ChapterError(chapter, None, type(err).__name__, str(err).splitlines()[0] if str(err) else "",
                                 None, str(log_path))
    run.seconds = time.perf_counter() - start
    run.notebook = str(out)
    run.reads = sorted(set(read_log.read_text(encoding="utf-8").split())) if read_log.exists() else []
    return run


def check_parameters_cell(source):
    """papermill only warns about a missing 'parameters' cell; we refuse, because the chapter
    would then silently ignore the edition and region."""
    nb = nbformat.read(source, as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        return f"{source.name}: mangler en celle merket 'parameters' (celle-tag i JupyterLab)"
    return None


def run_chapters(chapters, parameters, root, workdir, logs_dir, jobs=None, force=False,
                 progress=print, cache_dir=None):
    """Execute ``chapters``; returns a list of Run in chapter order."""
    root, workdir = Path(root), Path(workdir)
    cache_dir = Path(cache_dir or root / ".cache" / "chapters")
    env_hash = cache.environment_hash(root)
    runs, todo = {}, []
    for ch in chapters:
        run = Run(ch.name, ch.number)
        problem = check_parameters_cell(ch.path)
        if problem:
            run.status, run.error = "failed", ChapterError(ch.name, None, "ParameterCellMissing", problem)
            runs[ch.name] = run
            progress(f"  {ch.name:<16} feilet")
            continue
        run.key = cache.key(ch.path, parameters, env_hash)
        hit, reason = (None, "--force") if force else cache.lookup(cache_dir, run.key)
        run.reason = reason
        if hit:
            target = workdir / f"{ch.path.stem}.ipynb"
            shutil.copyfile(hit, target)
            run.status, run.notebook = "cached", str(target)
            progress(f"  {ch.name:<16} fra cache")
        else:
            todo.append((ch, run))
        runs[ch.name] = run
    if todo:
        ctx = get_context("spawn")  # kernels and zmq do not survive fork
        with ProcessPoolExecutor(max_workers=jobs or os.cpu_count(), mp_context=ctx) as pool:
            futures = {}
            for ch, run in todo:
                progress(f"  {ch.name:<16} kjører ...")
                log = Path(logs_dir) / f"{ch.path.stem}.log"
                futures[pool.submit(_execute, ch.name, ch.number, ch.path, parameters, workdir, log)] = run
            for fut in as_completed(futures):
                done = fut.result()
                done.key, done.reason = futures[fut].key, futures[fut].reason
                runs[done.chapter] = done
                word = "ferdig" if done.status == "done" else "FEILET"
                progress(f"  {done.chapter:<16} {word} ({done.seconds:.1f} s)")
                if done.status == "done":
                    cache.store(cache_dir, done.key, done.notebook, done.reads)
    return [runs[ch.name] for ch in chapters]


def scratch_dir(parent):
    Path(parent).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent, prefix=".build-"))
