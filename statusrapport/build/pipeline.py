"""Building one edition: validate, execute chapters, stitch, render, publish atomically."""

import datetime
import gc
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from statusrapport import __version__
from statusrapport.periods import label as period_label
from statusrapport import edition as edition_mod
from statusrapport.build import chapters, execute, hashing, workers
from statusrapport.build.kernels import GC_THRESHOLDS
from statusrapport.data import validate, vintages
from statusrapport.data.dataset import Dataset
from statusrapport.errors import DataError
from statusrapport.model import CHAPTER_TIMEOUT, NATIONAL
from statusrapport.render import downloads, manifest, pdf, publish, stitch

FORMATS = ("html", "pdf")


@dataclass
class Options:
    root: Path
    params: Path  # the edition file; the one hashed, shown on the cover and read by the chapters
    region: str = NATIONAL
    formats: tuple = FORMATS
    only: tuple = ()
    output: Path = None
    jobs: int = None
    scheduler: str = None  # Dask scheduler address; None = local processes
    force: bool = False
    allow_errors: bool = False
    timeout: float = CHAPTER_TIMEOUT  # seconds per chapter
    progress: object = print
    pool: object = None  # workers the caller keeps open (the preview's warm kernels)


@dataclass
class Result:
    out_dir: Path
    runs: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    unchanged: bool = False
    published: bool = False
    seconds: float = 0.0
    draft: bool = False  # a partial build, put in the draft folder beside the edition
    failed_dir: Path = None  # where the failed notebooks and logs were put


@dataclass
class RenderJob:
    """Everything :func:`_render` needs for one region, picklable for a worker process."""

    root: Path
    formats: tuple
    runs: list
    staging: Path
    report_key: str
    fingerprint: str  # None for a draft: a draft is never current
    meta: dict  # what the cover and colophon show
    inputs: dict  # relative path -> sha256, for the manifest


def edition_parameter(root, path):
    """The edition file as chapters get it: relative to the project when inside it, so the
    cache key does not depend on where the project lies."""
    path = Path(path).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def chapter_parameters(root, ed, region, chapter):
    """What papermill injects: the edition file, the region and the chapter."""
    return {"edition": edition_parameter(root, ed.path), "region": region, "chapter": chapter}


def build(opt, regions=None, inputs=None):
    """Build the edition for each region in ``regions`` (default: ``opt.region``). All chapters
    of all regions share one worker pool; each region is published on its own, atomically.
    ``inputs``: the build's :class:`~statusrapport.build.hashing.Inputs` if already read.
    Returns one Result per region."""
    start = time.perf_counter()
    root = Path(opt.root).resolve()
    output = Path(opt.output or root / "output").resolve()
    ed = edition_mod.load(opt.params, root / "params")
    warnings = []
    problems = validate.run(root, edition=ed, warnings=warnings)  # this edition + shared files
    if problems:
        raise DataError(problems)
    regions = list(regions or [opt.region])
    inputs = inputs or hashing.Inputs.read(root, ed.path)  # before anything runs
    datasets = {r: Dataset(root, ed, r) for r in regions}  # checks regions before any run
    selected = chapters.discover(root / "notebooks", opt.only)
    output.mkdir(parents=True, exist_ok=True)
    lines, shown = [], opt.progress

    def progress(text):
        lines.append(f"{time.perf_counter() - start:7.1f} s  {text}")
        shown(text)

    for text in warnings:
        progress(f"ADVARSEL: {text}")
    stagings, guard = {}, publish.scratch_dir(output)  # guard: a copy of the published edition
    try:
        tasks = []
        for r in regions:
            staging = stagings[r] = publish.scratch_dir(output)
            (staging / "notebooks").mkdir()
            (staging / "logs").mkdir()
            label = f"{r}/" if len(regions) > 1 else ""
            tasks += [execute.Task(ch, chapter_parameters(root, ed, r, ch.name),
                                   staging / "notebooks", staging / "logs", r, label)
                      for ch in selected]
        progress(f"Utgave {ed.name}: {len(selected)} kapitler × {len(regions)} "
                 f"{'regioner' if len(regions) > 1 else datasets[regions[0]].region_name}")
        limits = execute.Limits(root, Path(ed.path).resolve(), output, opt.timeout)
        with publish.guarded(publish.out_dir_for(output, ed.name, NATIONAL), guard):
            runs = execute.run_chapters(tasks, root, jobs=opt.jobs, force=opt.force,
                                        progress=progress, scheduler=opt.scheduler, limits=limits,
                                        pool=opt.pool)
        _name_stray_outputs(tasks, runs, progress)
        by_region = {r: [run for task, run in zip(tasks, runs) if task.region == r] for r in regions}
        results, renders = [], []
        for r in regions:
            fingerprint = hashing.fingerprint(inputs, ed.name, r, opt.formats, opt.only,
                                              opt.allow_errors)
            result, job = _prepare(opt, ed, datasets[r], by_region[r], stagings[r], output, root,
                                   progress, lines, fingerprint, inputs)
            results.append(result)
            if job:
                renders.append((result, datasets[r], job))
        _render_all([job for _, _, job in renders], opt.jobs, progress)
        for result, ds, job in renders:
            _write_log(job.staging / "logs" / "build.log", lines)
            with publish.lock(output):
                publish.swap_in(job.staging, result.out_dir,
                                keep_subdirs=_region_dirs(ds) if ds.national else ())
            result.published = True
        for result in results:
            result.seconds = time.perf_counter() - start
        return results
    finally:
        for staging in [guard, *stagings.values()]:
            shutil.rmtree(staging, ignore_errors=True)


def _name_stray_outputs(tasks, runs, progress):
    """Outputs a chapter made that cannot go into the report (prints, bare images) are named,
    so nothing an analyst meant to show is dropped without a word."""
    for task, run in zip(tasks, runs):
        if run.status == "failed" or not run.notebook:
            continue
        stray = stitch.stray_outputs(run.notebook)
        for cell, what in stray[:5]:
            progress(f"  {task.label}{run.chapter}: celle {cell} har {what}, som ikke kommer med i "
                     "rapporten")
        if len(stray) > 5:
            progress(f"  {task.label}{run.chapter}: og {len(stray) - 5} utdata til som ikke kommer "
                     "med; se notatboken i output/<utgave>/notebooks/")


def _prepare(opt, ed, ds, runs, staging, output, root, progress, lines, fingerprint, inputs):
    """The region's Result, and the render job if its report has to be (re)made."""
    partial = publish.is_partial(output, ed.name, ds.region, opt.only, opt.formats)
    final = publish.out_dir_for(output, ed.name, ds.region, draft=partial)
    failures = [r for r in runs if r.status == "failed"]
    result = Result(final, runs, failures, draft=partial)
    if failures and not opt.allow_errors:
        result.failed_dir = publish.failed_dir_for(output, ed.name, ds.region)
        _keep_failed(failures, result.failed_dir, lines)
        return result, None
    meta = _meta(ds, ed, root, draft=bool(failures) or partial)
    report_key = hashing.report_key(inputs, meta, runs, opt.formats)
    old = manifest.read(final / "manifest.json")
    if old and old.get("report_key") == report_key and all(
            (final / f"statusrapport.{f}").exists() for f in opt.formats):
        edited = manifest.changed_files(final)
        if not edited:
            result.unchanged = True
            progress(f"Ingen endringer: {final} er allerede oppdatert.")
            return result, None
        progress(f"Den publiserte utgaven i {final} stemmer ikke med manifest.json (endret: "
                 f"{', '.join(edited[:5])}); den bygges på nytt.")
    return result, RenderJob(root, tuple(opt.formats), runs, staging, report_key,
                             None if failures else fingerprint, meta, inputs.files)


def _render_all(jobs, jobs_at_once, progress):
    """Stitch and render each job; several regions render in parallel worker processes."""
    if len(jobs) == 1:
        _render(jobs[0])
        return
    with workers.make(None, jobs_at_once) as pool:
        futures = {pool.submit(_render, job): job for job in jobs}
        for fut in pool.as_completed(futures):
            fut.result()
            progress(f"  {futures[fut].meta['region']:<24} HTML og PDF ferdig")


def _region_dirs(ds):
    return sorted(ds.geography.codes("helsefellesskap"))


def _keep_failed(failures, failed, lines):
    """Failed notebooks and logs go to ``failed`` (beside the edition: output/<edition>.failed/)
    for inspection; the report is untouched."""
    shutil.rmtree(failed, ignore_errors=True)
    failed.mkdir(parents=True)
    _write_log(failed / "build.log", lines)
    for run in failures:
        if run.notebook and Path(run.notebook).exists():
            shutil.copy(run.notebook, failed)
        if run.error and run.error.log and Path(run.error.log).exists():
            shutil.copy(run.error.log, failed)
            run.error.log = str(failed / Path(run.error.log).name)


def _meta(ds, ed, root, draft):
    """What the cover and colophon show."""
    return {"title": ed.title, "edition": ed.name, "plan": ed.plan, "plan_period": ed.plan_period,
            "reporting_year": ed.reporting_year, "data_year": ed.data_year,
            "data_cutoff": ed.data_cutoff,
            "data_date": period_label(ds.known_as_of()),
            "region": ds.region, "region_name": "" if ds.national else ds.region_name,
            "draft": draft or ed.draft, "version": __version__, "commit": hashing.git_commit(root)}


def _render(job):
    """HTML, chapter pages, downloads, PDF and manifest into the job's staging folder."""
    gc.set_threshold(*GC_THRESHOLDS)  # as in the kernels: WeasyPrint allocates as much
    root, runs, staging, meta = job.root, job.runs, job.staging, job.meta
    book = stitch.combine(runs, meta)
    exporter = stitch.exporter(root / "report_templates")
    html_text, info = stitch.render_html(book, exporter)
    (staging / "statusrapport.html").write_text(html_text, encoding="utf-8")
    titles = {h.number: h.text for h in info["toc"] if h.level == 1}
    pages = [{"href": f"kapittel-{r.number}-{r.chapter}.html", "number": str(r.number),
              "title": titles.get(str(r.number), r.chapter)} for r in runs]
    for i, run in enumerate(runs):  # each chapter also as its own page, for sharing
        pager = {"full": "statusrapport.html", "prev": pages[i - 1] if i else None,
                 "next": pages[i + 1] if i + 1 < len(pages) else None}
        page, _ = stitch.render_html(stitch.combine([run], dict(meta, pager=pager)), exporter)
        (staging / pages[i]["href"]).write_text(page, encoding="utf-8")
    downloads.write(sorted(info["figures"] + info["tables"], key=lambda b: b.order), staging)
    if "pdf" in job.formats:
        pdf.write(html_text, staging / "statusrapport.pdf",
                  f"Statusrapport – Nasjonal helse- og samhandlingsplan, utgave {meta['edition']}")
    if "html" not in job.formats:
        (staging / "statusrapport.html").unlink()
    files = manifest.published_files(staging)
    manifest.write(staging / "manifest.json", {
        "edition": meta["edition"], "region": meta["region"],
        "parameters": {"edition": meta["edition"], "region": meta["region"]},
        "formats": sorted(job.formats), "report_key": job.report_key,
        "fingerprint": job.fingerprint,
        "version": __version__,
        "git_commit": meta["commit"], "packages": manifest.versions(),
        "inputs": {rel: h for rel, h in job.inputs.items()  # what this edition reads
                   if vintages.seen_by(rel, meta["data_cutoff"])},
        "data_cutoff": meta["data_cutoff"], "data_date": meta["data_date"], "files": files,
        "chapters": [{"name": r.chapter, "number": r.number, "status": r.status,
                      "seconds": round(r.seconds, 2), "cache_key": r.key,
                      "cache": "hit" if r.status == "cached" else "miss", "reason": r.reason,
                      "reads": r.reads} for r in runs],
        "figures": [{"number": f.number, "caption": f.caption} for f in info["figures"]],
        "tables": [{"number": t.number, "caption": t.caption} for t in info["tables"]],
        "headlines": manifest.records(book),
        "built": datetime.date.today().isoformat(),
    })


def _write_log(path, lines):
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


