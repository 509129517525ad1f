"""Executing chapter notebooks with papermill, in parallel worker processes, with the cache.

A failing chapter does not stop the others: every failure of a build is reported together.

A chapter is bounded: it has ``Limits.timeout`` seconds of wall-clock time (its kernel is
killed after that), counts as done only when every code cell ran to the end (``raise
SystemExit`` stops papermill quietly, the rest stays pending), may not produce one output
larger than ``MAX_OUTPUT_BYTES``, and may not change an input file or the published output."""

import contextlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.exceptions import strip_color
from papermill.execute import ERROR_MARKER_TAG

from statusrapport.build import cache, hashing, kernels, workers
from statusrapport.errors import ChapterError
from statusrapport.model import CHAPTER_TIMEOUT
MAX_OUTPUT_BYTES = 20 * 1024 * 1024  # one cell output; a figure is some 100 kB


@dataclass(frozen=True)
class Limits:
    """What bounds every chapter of a build (picklable for the workers)."""

    root: Path
    params: Path  # the edition file, an input like any other
    output: Path  # the build's output folder: no chapter may change it
    timeout: float = CHAPTER_TIMEOUT


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
    slot: str = ""  # chapter and parameters, for explaining a cache miss (cache.remember)
    parts: dict = field(default_factory=dict)


def _failing_line(traceback):
    """The line of the chapter's own cell that raised (marked '---->' by IPython)."""
    for line in strip_color("\n".join(traceback)).splitlines():
        if line.lstrip().startswith("---->"):
            return line.split("---->", 1)[1].strip().lstrip("0123456789 ").strip()
    return None


def _execute(chapter, number, source, parameters, workdir, log_path, limits):
    """Runs in a worker process. Returns a Run; never raises for notebook errors."""
    run = Run(chapter, number)
    out = Path(workdir) / f"{source.stem}.ipynb"
    start = time.perf_counter()
    km, reads = kernels.acquire(source.parent)
    before = hashing.watched(limits.root, limits.params, limits.output)
    expired = threading.Event()

    def stop():
        expired.set()
        kernels.kill(km)  # papermill then ends with DeadKernelError

    timer = threading.Timer(limits.timeout, stop)
    timer.start()
    try:
        _run_notebook(run, km, source, out, parameters, log_path)
    finally:
        timer.cancel()
    run.seconds = time.perf_counter() - start
    run.notebook = str(out)
    run.reads = sorted(set(reads.read_text(encoding="utf-8").split()))
    problem = None
    if expired.is_set():
        problem = ("Tidsgrense", f"kapitlet brukte mer enn {limits.timeout:g} s og ble stoppet; "
                   "se etter en løkke som aldri slutter, eller gi mer tid med --timeout SEKUNDER")
    elif run.status == "done":
        problem = _unfinished(out) or _oversized(out)
    changed = hashing.changed(before, hashing.watched(limits.root, limits.params, limits.output))
    if changed:
        shown = ", ".join(changed[:5]) + (f" og {len(changed) - 5} til" if len(changed) > 5 else "")
        problem = ("EndretFil", f"kapitlet endret filer det bare skal lese: {shown}; en kapittel-"
                   "notatbok skal aldri skrive i data/, notebooks/, params/ eller output/")
    if problem:
        run.status, run.error = "failed", ChapterError(chapter, None, *problem, None, str(log_path))
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{problem[0]}: {problem[1]}\n")
    return run


def _unfinished(executed):
    """A problem if a code cell did not run to the end (papermill stops quietly on SystemExit)."""
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    pending = [n for n, c in enumerate(cells, start=1)
               if c.metadata.get("papermill", {}).get("status") != "completed"]
    if not pending:
        return None
    return ("StoppetFørSlutten", f"kapitlet stoppet før siste celle ({len(pending)} kodecelle(r) ble "
            "ikke kjørt, f.eks. etter sys.exit() eller raise SystemExit); fjern det som avslutter "
            "notatboken, slik at alle celler kjører")


def _oversized(executed):
    """A problem if one cell output is larger than MAX_OUTPUT_BYTES."""
    for n, cell in enumerate(nbformat.read(executed, as_version=4).cells, start=1):
        for output in cell.get("outputs", []):
            size = len(json.dumps(output))
            if size > MAX_OUTPUT_BYTES:
                return ("ForStorUtdata", f"celle {n} lager en utdata på {size // 2**20} MB (grensen er "
                        f"{MAX_OUTPUT_BYTES // 2**20} MB); skriv ut mindre, f.eks. df.head() "
                        "i stedet for hele tabellen")
    return None


class _SavedAtEnd(NotebookExecutionManager):
    """Writes the executed notebook once, when it ends (also when it fails or is stopped):
    papermill writes the whole notebook at the start and end of every cell, which for a
    chapter full of figures costs about as much as a short chapter takes to run."""

    def save(self, **kwargs):
        pass

    def notebook_complete(self, **kwargs):
        super().notebook_complete(**kwargs)
        NotebookExecutionManager.save(self)


class _Engine(NBClientEngine):
    """papermill's nbclient engine with :class:`_SavedAtEnd` (papermill's own
    ``Engine.execute_notebook``, with that one class swapped in)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):
        nb_man = _SavedAtEnd(nb, output_path=output_path, progress_bar=progress_bar,
                             log_output=log_output, autosave_cell_every=0)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register("statusrapport", _Engine)


def _run_notebook(run, km, source, out, parameters, log_path):
    """papermill with errors turned into a ChapterError on ``run``."""
    chapter = run.chapter
    try:
        papermill.execute_notebook(str(source), str(out), parameters=parameters, km=km,
                                   kernel_name="python3", cwd=str(source.parent),
                                   progress_bar=False, log_output=False, engine_name="statusrapport")
        run.status = "done"
    except papermill.PapermillExecutionError as err:
        # Number the cell as the analyst sees it: without papermill's error markers and its
        # injected-parameters cell.
        cells = [c for c in nbformat.read(out, as_version=4).cells
                 if ERROR_MARKER_TAG not in c.metadata.get("tags", [])]
        cell = err.cell_index + 1 - sum("injected-parameters" in c.metadata.get("tags", [])
                                        for c in cells[:err.cell_index])
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(strip_color("\n".join(err.traceback)) + "\n")
        run.status = "failed"
        run.error = ChapterError(chapter, cell, err.ename, err.evalue, _failing_line(err.traceback),
                                 str(log_path))
    except Exception as err:  # kernel died, missing parameters cell, unreadable notebook, ...
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(repr(err) + "\n")
        run.status = "failed"
        run.error = ChapterError(chapter, None, type(err).__name__, str(err).splitlines()[0] if str(err) else "",
                                 None, str(log_path))


def read_notebook(source):
    """The notebook at ``source``, or a ChapterError-ready message when it is not one."""
    try:
        return nbformat.read(source, as_version=4), None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:  # JSON or schema
        first = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        return None, (f"{source.name}: kan ikke leses som notatbok ({first}); åpne den i "
                      "JupyterLab og lagre på nytt, eller hent den fra git")


def check_parameters_cell(source, nb=None):
    """papermill only warns about a missing 'parameters' cell; we refuse, because the chapter
    would then silently ignore the edition and region."""
    nb = nb or nbformat.read(source, as_version=4)
    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        return f"{source.name}: mangler en celle merket 'parameters' (celle-tag i JupyterLab)"
    return None


@dataclass
class Task:
    """One chapter of one edition/region: where its executed notebook and log go."""

    chapter: object  # chapters.Chapter
    parameters: dict
    workdir: Path
    logs: Path
    region: str = ""
    label: str = ""  # shown in progress, e.g. the region


def _slot(task):
    """The chapter and its parameters as a file name."""
    return f"{task.chapter.name}-{hashing.chapter_key([], task.parameters, '')[:16]}"


def run_chapters(tasks, root, jobs=None, force=False, progress=print, cache_dir=None,
                 scheduler=None, limits=None, pool=None):
    """Execute every task (cached ones are copied); returns a list of Run in task order.
    All tasks share one worker pool, so 20 region editions run as one queue. ``pool``: workers
    the caller keeps open between builds; by default a pool lives for this call only."""
    root = Path(root)
    limits = limits or Limits(root, None, root / "output")
    cache_dir = Path(cache_dir or root / ".cache" / "chapters")
    cache_dir.mkdir(parents=True, exist_ok=True)  # a file in the way fails now, not after the runs
    env = hashing.environment(root)
    runs, todo = [None] * len(tasks), []
    for n, task in enumerate(tasks):
        ch, name = task.chapter, f"{task.label}{task.chapter.name}"
        run = Run(ch.name, ch.number)
        nb, unreadable = read_notebook(ch.path)
        problem = unreadable or check_parameters_cell(ch.path, nb)
        if problem:
            ename = "UgyldigNotatbok" if unreadable else "ParameterCellMissing"
            run.status, run.error = "failed", ChapterError(ch.name, None, ename, problem)
            runs[n] = run
            progress(f"  {name:<24} FEILET")
            continue
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        run.key = hashing.chapter_key(code, task.parameters, env)
        slot, parts = _slot(task), {"code": hashing.chapter_key(code, {}, ""), "env": env}
        hit, run.reason, run.reads = ((None, "--force", []) if force
                                      else cache.lookup(cache_dir, run.key, root, slot, parts))
        run.slot, run.parts = slot, parts
        if hit:
            target = Path(task.workdir) / f"{ch.path.stem}.ipynb"
            shutil.copyfile(hit, target)
            run.status, run.notebook = "cached", str(target)
            progress(f"  {name:<24} fra cache")
        else:
            todo.append(n)
        runs[n] = run
    if todo:
        with (contextlib.nullcontext(pool) if pool else workers.make(scheduler, jobs)) as pool:
            pool.check_shared(root, tasks[todo[0]].workdir)  # Dask: workers must see our paths
            futures = {}
            for n in todo:
                t = tasks[n]
                progress(f"  {t.label}{t.chapter.name:<24} kjører ({runs[n].reason}) ...")
                log = Path(t.logs) / f"{t.chapter.path.stem}.log"
                futures[pool.submit(_execute, t.chapter.name, t.chapter.number, t.chapter.path,
                                    t.parameters, t.workdir, log, limits)] = n
            for fut in pool.as_completed(futures):
                n = futures[fut]
                done = fut.result()
                done.reads = sorted({os.path.relpath(p, root) for p in done.reads})
                done.key, done.reason = runs[n].key, runs[n].reason
                done.slot, done.parts = runs[n].slot, runs[n].parts
                runs[n] = done
                word = "ferdig" if done.status == "done" else "FEILET"
                progress(f"  {tasks[n].label}{done.chapter:<24} {word} ({done.seconds:.1f} s)")
                if done.status == "done":
                    cache.store(cache_dir, done.key, done.notebook, done.reads, root)
                    cache.remember(cache_dir, runs[n].slot, runs[n].parts)
    return runs
