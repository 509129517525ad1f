#!/usr/bin/env python3
"""Benchmark of the Statusrapport build against a naive pipeline, Jupyter Book 1.x and the
no-kernel floor. A script, not a test: ``make bench`` or ``.venv/bin/python bench/run.py``.

Everything runs on copies of the project in a temporary folder; the real data, output/ and
.cache/ are never touched. Results (medians of ``--repeat`` runs) go to bench/RESULTS.md; the
hand-written analysis below the ``<!-- analysis -->`` marker in that file is kept.

Wall time, CPU time (user+sys of the waited-for process tree, from getrusage) and peak memory
(sum of RSS over the process tree, sampled every 0.1 s with psutil) are recorded per run.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import copy_project  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
EDITED = "notebooks/03_akuttmedisin.ipynb"
NARRATIVE = "data/narrative/2026/akuttmedisin.md"
DATA_FILE = "data/observations/ssb_kostra_11996/2026-11-23.csv"
SOURCE_FILE = "data/sources/ssb_kostra_11996.yml"
MARKER = "<!-- analysis -->"
JB_VENV = Path(os.environ.get("JB_VENV", Path(tempfile.gettempdir()) / "statusrapport-bench-jupyterbook"))


# ---------------------------------------------------------------- measuring

def measure(cmd, cwd, env=None, label=""):
    """Run ``cmd``; return wall s, cpu s, peak tree RSS (MB). Raises on a non-zero exit."""
    env = dict(os.environ, **(env or {}))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak, out = [0], []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    reader.start()
    try:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak[0] = max(peak[0], total)
            time.sleep(0.1)
    except psutil.Error:
        pass
    proc.wait()
    wall = time.perf_counter() - start
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = (out[0] if out else b"").decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{label or cmd} failed ({proc.returncode}):\n{text[-3000:]}")
    return {"wall": wall, "cpu": cpu, "peak_mb": peak[0] / 2**20, "load": load, "out": text}


def combine(steps):
    """Several measured commands as one run: times add up, memory is the largest."""
    return {"wall": sum(s["wall"] for s in steps), "cpu": sum(s["cpu"] for s in steps),
            "peak_mb": max(s["peak_mb"] for s in steps), "load": steps[0]["load"], "out": ""}


def med(runs, key="wall"):
    return statistics.median(r[key] for r in runs)


def tree_hashes(folder):
    folder = Path(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


PARTIAL = {}  # results so far, dumped at every progress line (survives an interrupted run)


def log(text):
    if PARTIAL.get("path"):
        Path(PARTIAL["path"]).write_text(json.dumps(PARTIAL.get("R", {}), indent=1, default=str),
                                         encoding="utf-8")
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# ---------------------------------------------------------------- project helpers

def edition_of(project):
    return sorted(p.stem for p in (project / "params").glob("*.yml"))[-1]


def notebooks(project):
    return sorted((project / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def fresh(project):
    """Cold state: no output, no cache."""
    shutil.rmtree(project / "output", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)


def restore(snapshot, project):
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(snapshot, project, symlinks=True)


def build(project, *args, label="build"):
    return measure([PY, "build.py", *args], project, label=label)


def manifest(project):
    ed = edition_of(project)
    return json.loads((project / "output" / ed / "manifest.json").read_text(encoding="utf-8"))


def rerun_chapters(project):
    return [c["name"] for c in manifest(project)["chapters"] if c.get("cache") != "hit"]


def append_cell(path, source="x = 1"):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def change_data_value(project):
    """Change one value in the KOSTRA observations (stays valid) and update its sha256."""
    csv = project / DATA_FILE
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    cols = lines[1].split(",")
    cols[4] = f"{float(cols[4]) + 0.1:.1f}"  # value column, e.g. 121.9 -> 122.0
    lines[1] = ",".join(cols)
    csv.write_text("".join(lines), encoding="utf-8")
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    yml = project / SOURCE_FILE
    text = yml.read_text(encoding="utf-8")
    rel = DATA_FILE.removeprefix("data/")
    text, n = re.subn(rf"({re.escape(rel)}:\s*)[0-9a-f]{{64}}", rf"\g<1>{digest}", text)
    assert n == 1, f"fant ikke sha256 for {rel} i {SOURCE_FILE}"
    yml.write_text(text, encoding="utf-8")


def edit_narrative(project, n=0):
    """One sentence more in a chapter's assessment (a narrative file has no sha256 record)."""
    path = project / NARRATIVE
    path.write_text(path.read_text(encoding="utf-8") + f"\n\nEn setning til ({n}).\n",
                    encoding="utf-8")


def multiply_observations(project, factor):
    """``factor`` × the observation rows, never shown: every source gets ``factor - 1`` more
    deliveries repeating its first one on the same day (``<date>_<n>.csv``, each recorded with
    its sha256), so every file is read, checked and merged, while every edition sees the same
    values from the same day as before, and the report stays the same. Returns (rows before,
    rows after)."""
    sys.path.insert(0, str(ROOT))
    from statusrapport.data import sources

    data, before, added = project / "data", 0, 0
    for folder in sorted((data / "observations").iterdir()):
        files = sorted(folder.glob("*.csv"))
        if not files:
            continue
        before += sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in files)
        first = files[0].read_bytes()
        digests = {}
        for k in range(1, factor):
            path = folder / f"{files[0].stem}_{100 + k}.csv"  # same day, after the real one
            path.write_bytes(first)
            digests[path.relative_to(data).as_posix()] = hashlib.sha256(first).hexdigest()
            added += len(first.decode("utf-8").splitlines()) - 1
        sources.add_files(data, folder.name, digests)
    return before, before + added


def preview_edits(project, rep, port=8765):
    """Seconds from saving a file to the preview page's new version: ``rep`` notebook edits,
    then ``rep`` narrative edits, with ``build.py preview`` (warm kernels) running."""
    import urllib.request

    def version():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_status", timeout=5) as resp:
            return json.loads(resp.read())["version"]

    def wait(v, limit=600):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                if version() >= v:
                    return time.perf_counter()
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"preview: ingen versjon {v} på {limit} s")

    proc = subprocess.Popen([PY, "build.py", "preview", "--port", str(port)], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    out = {"notebook": [], "narrative": []}
    try:
        wait(1)
        v = 1
        for kind in ("notebook", "narrative"):
            for i in range(rep):
                time.sleep(1.0)  # let the poll settle
                start = time.perf_counter()
                if kind == "notebook":
                    append_cell(project / EDITED, f"x = {i}")
                else:
                    edit_narrative(project, i)
                v += 1
                out[kind].append({"wall": wait(v) - start, "cpu": 0.0, "peak_mb": 0.0,
                                  "load": os.getloadavg()[0]})
    finally:
        proc.terminate()
        proc.wait(30)
    return out


def dask_build(project):
    """A cold build through a Dask LocalCluster of 2 worker processes (1 thread each)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        fresh(project)
        return build(project, "--force", "--scheduler", cluster.scheduler_address, label="dask")


def _without_commit(html):
    return re.sub(rb"commit [^)]*\)", b"commit)", html)


def readers_of(project, rel):
    return [c["name"] for c in manifest(project)["chapters"] if rel in c.get("reads", [])]


def regions(project, n):
    code = ("import sys; from statusrapport.data.dataset import Dataset; "
            f"print(' '.join(sorted(Dataset('.', '{edition_of(project)}').geography.codes('helsefellesskap'))))")
    out = subprocess.run([PY, "-c", code], cwd=project, capture_output=True, text=True, check=True)
    codes = out.stdout.split()
    return ["land"] + codes[: (None if n is None else n - 1)], len(codes) + 1


# ---------------------------------------------------------------- naive pipeline

NAIVE_PDF = textwrap.dedent("""\
    # One PDF from the nbconvert HTML pages: <head> of the first page, all <body>s concatenated.
    import re, sys
    from pathlib import Path
    import logging; logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from weasyprint import HTML
    pages = [Path(p).read_text(encoding="utf-8") for p in sys.argv[2:]]
    head = re.search(r"<head>.*?</head>", pages[0], re.S).group(0)
    bodies = [re.search(r"<body[^>]*>(.*)</body>", p, re.S).group(1) for p in pages]
    html = "<!DOCTYPE html><html>" + head + "<body>" + "\\n".join(bodies) + "</body></html>"
    HTML(string=html, base_url=".").write_pdf(sys.argv[1])
""")


def naive(project, region="land", pdf=True, tag="naive"):
    """papermill then jupyter nbconvert --to html per notebook, sequentially; then one PDF."""
    out = project / f"_{tag}_{region}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    ed, steps, pages = edition_of(project), [], []
    for nb in notebooks(project):
        executed = out / nb.name
        steps.append(measure([str(BIN / "papermill"), str(nb), str(executed), "-p", "edition", ed,
                              "-p", "region", region, "--cwd", str(nb.parent), "--no-progress-bar"],
                             project, label=f"papermill {nb.name}"))
        steps.append(measure([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed),
                              "--output-dir", str(out)], project, label=f"nbconvert {nb.name}"))
        pages.append(str(out / (nb.stem + ".html")))
    if pdf:
        script = out / "pdf.py"
        script.write_text(NAIVE_PDF, encoding="utf-8")
        steps.append(measure([PY, str(script), str(out / "rapport.pdf"), *pages], out, label="naive pdf"))
    result = combine(steps)
    n = 2 * len(pages)
    result["parts"] = {"papermill": sum(s["wall"] for s in steps[0:n:2]),
                       "nbconvert": sum(s["wall"] for s in steps[1:n:2]),
                       "pdf": steps[-1]["wall"] if pdf else 0.0}
    return result


# ---------------------------------------------------------------- floor and breakdown probes

FLOOR = textwrap.dedent("""\
    # All chapter code in this one process: no kernels, no papermill, IPython display stubbed.
    import os, sys, time
    os.environ.setdefault("MPLBACKEND", "Agg")
    import IPython.display
    shown = [0]
    def display(*a, **k):
        shown[0] += 1
    IPython.display.display = display
    import nbformat
    project = sys.argv[1]
    t0 = time.perf_counter()
    times = {}
    for path in sorted(os.listdir(os.path.join(project, "notebooks"))):
        if not path.endswith(".ipynb") or not path[:2].isdigit():
            continue
        nb = nbformat.read(os.path.join(project, "notebooks", path), as_version=4)
        os.chdir(os.path.join(project, "notebooks"))
        ns = {"__name__": "__main__"}
        t = time.perf_counter()
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, path, "exec"), ns)
        times[path] = round(time.perf_counter() - t, 2)
    print("FLOOR", times, "outputs", shown[0], "total", round(time.perf_counter() - t0, 2))
""")

IMPORTS = textwrap.dedent("""\
    import time; t = time.perf_counter()
    import pandas, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot
    from statusrapport.data import dataset
    from statusrapport.chapter import display, views
    print("IMPORT", round(time.perf_counter() - t, 2))
""")

EMPTY_NB = {"cells": [{"cell_type": "code", "execution_count": None, "id": "p", "metadata":
                       {"tags": ["parameters"]}, "outputs": [], "source": "x = 0"}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}

RENDER = textwrap.dedent("""\
    # Stitching and PDF alone, from the executed notebooks of a finished build.
    import json, sys, time
    from pathlib import Path
    from statusrapport.build import execute
    from statusrapport.render import pdf, stitch
    project, ed = Path(sys.argv[1]), sys.argv[2]
    out = project / "output" / ed
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    runs = []
    for c in man["chapters"]:
        nb = next((out / "notebooks").glob(f"*_{c['name']}.ipynb"))
        runs.append(execute.Run(c["name"], c["number"], status="done", notebook=str(nb)))
    meta = {"title": "T", "edition": ed, "plan": "", "plan_period": "", "reporting_year": "",
            "data_year": "", "data_date": "", "region": "land", "region_name": "", "draft": False,
            "version": "", "commit": ""}
    t = time.perf_counter(); book = stitch.combine(runs, meta)
    html, info = stitch.render_html(book, stitch.exporter(project / "report_templates")); t_stitch = time.perf_counter() - t
    t = time.perf_counter(); pdf.write(html, project / "_probe.pdf", "T"); t_pdf = time.perf_counter() - t
    print("RENDER", round(t_stitch, 2), round(t_pdf, 2))
""")


def probe(project, script, tag, *args):
    path = project / f"_{tag}.py"
    path.write_text(script, encoding="utf-8")
    m = measure([PY, str(path), *args], project, label=tag)
    line = next(l for l in m["out"].splitlines() if l.startswith(tag.upper()))
    return m, line


def kernel_start(project):
    """papermill on a one-cell notebook: interpreter + papermill import + kernel start/stop."""
    nb = project / "_empty.ipynb"
    nb.write_text(json.dumps(EMPTY_NB), encoding="utf-8")
    return measure([str(BIN / "papermill"), str(nb), str(project / "_empty.out.ipynb"),
                    "--no-progress-bar"], project, label="empty notebook")


# ---------------------------------------------------------------- Jupyter Book 1.x

def jb_setup(project):
    python = JB_VENV / "bin" / "python"
    if not (JB_VENV / "bin" / "jupyter-book").exists():
        log(f"installerer jupyter-book<2 i {JB_VENV} (egen venv, ikke prosjektets)")
        base = Path(sys.base_prefix) / "bin" / "python3"
        subprocess.run([str(base if base.exists() else "python3"), "-m", "venv", str(JB_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "jupyter-book<2"], check=True)
    # The book's kernel is the project's Python (pandas, matplotlib, statusrapport).
    kernels = project.parent / "jb-kernels"
    spec = kernels / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [PY, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (statusrapport)", "language": "python"}), encoding="utf-8")
    book = project / "notebooks"
    (book / "_config.yml").write_text(textwrap.dedent("""\
        title: Statusrapport (Jupyter Book 1.x baseline)
        only_build_toc_files: true
        execute:
          execute_notebooks: cache
          timeout: 900
        """), encoding="utf-8")
    nbs = [p.stem for p in notebooks(project)]
    toc = "format: jb-book\nroot: " + nbs[0] + "\nchapters:\n" + "".join(f"- file: {n}\n" for n in nbs[1:])
    (book / "_toc.yml").write_text(toc, encoding="utf-8")
    return [str(JB_VENV / "bin" / "jupyter-book"), "build", str(book)], {"JUPYTER_PATH": str(kernels)}


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median), min 3")
    ap.add_argument("--regions", type=int, default=0,
                    help="regions for the 20-edition comparison; results are extrapolated linearly "
                         "to all editions (0 = build all for real)")
    ap.add_argument("--skip-jb", action="store_true", help="skip Jupyter Book")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    rep = max(3, args.repeat)
    tmp = Path(tempfile.mkdtemp(prefix="statusrapport-bench-"))
    project, snap = tmp / "project", tmp / "snapshot"
    copy_project(project)
    ed = edition_of(project)
    R = {"repeat": rep, "started": datetime.datetime.now().isoformat(timespec="seconds")}
    PARTIAL.update(path=tmp / "results.json", R=R)
    log(f"prosjektkopi i {project}, utgave {ed}, {rep} kjøringer per måling")
    try:
        # (a) naive
        R["naive"] = []
        for i in range(rep):
            log(f"(a) naiv {i + 1}/{rep}")
            R["naive"].append(naive(project))
        # (b) cold
        R["cold"] = []
        for i in range(rep):
            fresh(project)
            log(f"(b) kald {i + 1}/{rep}")
            R["cold"].append(build(project, "--force"))
        R["cold_chapters"] = {c["name"]: c["seconds"] for c in manifest(project)["chapters"]}
        shutil.rmtree(snap, ignore_errors=True)
        shutil.copytree(project, snap, symlinks=True)
        # (c) warm
        R["warm"], R["warm_identical"] = [], True
        before = tree_hashes(project / "output")
        for i in range(rep):
            log(f"(c) varm {i + 1}/{rep}")
            R["warm"].append(build(project))
            R["warm_identical"] &= tree_hashes(project / "output") == before
        # (d) one notebook edited
        R["edit"], R["edit_rerun"] = [], []
        for i in range(rep):
            restore(snap, project)
            append_cell(project / EDITED)
            log(f"(d) endret notatbok {i + 1}/{rep}")
            R["edit"].append(build(project))
            R["edit_rerun"].append(rerun_chapters(project))
        # (d2) one narrative file edited
        R["narrative"], R["narrative_rerun"] = [], []
        for i in range(rep):
            restore(snap, project)
            edit_narrative(project, i)
            log(f"(d2) endret vurdering {i + 1}/{rep}")
            R["narrative"].append(build(project))
            R["narrative_rerun"].append(rerun_chapters(project))
        # (h) the preview's edit loop (warm kernels, HTML only)
        restore(snap, project)
        log("(h) forhåndsvisning: notatbok og vurdering endret")
        R["preview"] = preview_edits(project, rep)
        # (e) one data file changed
        restore(snap, project)
        R["data_readers"] = readers_of(project, DATA_FILE)
        R["source_readers"] = readers_of(project, SOURCE_FILE)
        R["data"], R["data_rerun"] = [], []
        for i in range(rep):
            restore(snap, project)
            change_data_value(project)
            log(f"(e) endret datafil {i + 1}/{rep}")
            R["data"].append(build(project))
            R["data_rerun"].append(rerun_chapters(project))
        # where the time goes
        restore(snap, project)
        log("tidsbruk: tom notatbok, importer, sammensetting og PDF")
        R["kernel"] = [kernel_start(project) for _ in range(rep)]
        R["imports"] = [float(probe(project, IMPORTS, "import")[1].split()[1]) for _ in range(rep)]
        renders = [probe(project, RENDER, "render", str(project), ed)[1].split()[1:] for _ in range(rep)]
        R["stitch"] = [float(r[0]) for r in renders]
        R["pdf"] = [float(r[1]) for r in renders]
        # floor
        R["floor"] = []
        for i in range(rep):
            log(f"gulv {i + 1}/{rep}")
            m, line = probe(project, FLOOR, "floor", str(project))
            m["line"] = line
            R["floor"].append(m)
        # (i) Dask LocalCluster of 2 workers against the local pool of (b)
        R["dask"] = []
        for i in range(rep):
            restore(snap, project)
            log(f"(i) Dask LocalCluster, 2 arbeidere, kald {i + 1}/{rep}")
            R["dask"].append(dask_build(project))
        # (j) observations multiplied
        R["scale"] = {}
        for factor in (10, 50):
            restore(snap, project)
            rows = multiply_observations(project, factor)
            runs = []
            for i in range(rep):
                fresh(project)
                log(f"(j) observasjoner × {factor} ({rows[1]} rader), kald {i + 1}/{rep}")
                runs.append(build(project, "--force"))
            html = (project / "output" / ed / "statusrapport.html").read_bytes()
            R["scale"][factor] = {"rows": rows, "runs": runs,
                                  "same_html": _without_commit(html) == _without_commit(
                                      (snap / "output" / ed / "statusrapport.html").read_bytes())}
        restore(snap, project)
        # (f) editions
        regs, n_all = regions(project, None if args.regions == 0 else args.regions)
        R["regions"], R["regions_total"] = regs, n_all
        fresh(project)
        log(f"(f) våre, {len(regs)} utgaver: {', '.join(regs)}")
        if args.regions == 0:
            R["ours_regions"] = build(project, "--region", "all", "--force")
        else:
            code = textwrap.dedent(f"""\
                import inspect
                from pathlib import Path
                from statusrapport.build import pipeline
                from statusrapport import edition
                opt = pipeline.Options(root=Path('.').resolve(), params=edition.newest(Path('params')),
                                     force=True, progress=lambda t: None)
                regions = {regs!r}
                if "regions" in inspect.signature(pipeline.build).parameters:  # one shared pool
                    pipeline.build(opt, regions)
                else:  # what `build.py --region all` does: one build per region
                    for r in regions:
                        opt.region = r
                        pipeline.build(opt)
                """)
            R["ours_regions"] = measure([PY, "-c", code], project, label="regions")
        R["naive_regions"] = []
        for r in regs[:3]:  # sequential and slow: measured on three, extrapolated
            log(f"(f) naiv papermill-løkke, {r}")
            R["naive_regions"].append(naive(project, r, pdf=False, tag="naivereg"))
        # (g) Jupyter Book
        if not args.skip_jb:
            cmd, env = jb_setup(project)
            R["jb_cold"], R["jb_warm"] = [], []
            for i in range(rep):
                shutil.rmtree(project / "notebooks" / "_build", ignore_errors=True)
                log(f"(g) Jupyter Book kald {i + 1}/{rep}")
                R["jb_cold"].append(measure(cmd, project, env, label="jupyter-book cold"))
                log(f"(g) Jupyter Book varm {i + 1}/{rep}")
                R["jb_warm"].append(measure(cmd, project, env, label="jupyter-book warm"))
            R["jb_version"] = subprocess.run([cmd[0], "--version"], capture_output=True,
                                             text=True).stdout.strip().splitlines()[0]
    finally:
        raw = tmp / "results.json"
        raw.write_text(json.dumps(R, indent=1, default=str), encoding="utf-8")
        log(f"rådata: {raw}")
    write_results(R)
    if not args.keep:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(snap, ignore_errors=True)


# ---------------------------------------------------------------- report

def machine():
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu_model": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                               if l.startswith("model name")), platform.processor()),
            "date": datetime.date.today().isoformat(),
            "commit": git + (" + uncommitted changes" if dirty else "")}


def write_results(R):
    M = machine()
    f = lambda x: f"{x:.1f}"  # noqa: E731
    naive_w, cold_w, warm_w = med(R["naive"]), med(R["cold"]), med(R["warm"])
    edit_w, data_w, narr_w = med(R["edit"]), med(R["data"]), med(R["narrative"])
    floor_w = statistics.median(float(r["line"].rsplit("total", 1)[1]) for r in R["floor"])
    n_reg, n_all = len(R["regions"]), R["regions_total"]
    ours_reg = R["ours_regions"]["wall"]
    n_naive = len(R["naive_regions"])
    naive_reg = sum(r["wall"] for r in R["naive_regions"]) * n_all / n_naive
    peak_reg = R["ours_regions"]["peak_mb"]
    edit_only = all(r == ["akuttmedisin"] for r in R["edit_rerun"])
    data_exact = all(sorted(r) == sorted(R["data_readers"]) for r in R["data_rerun"])
    ok = lambda b: "**ja**" if b else "**NEI**"  # noqa: E731
    x50 = R["scale"][50]
    x50_w, x10_w = med(x50["runs"]), med(R["scale"][10]["runs"])
    rows = [
        ("Kald nasjonal utgave, HTML + PDF ≤ 15 s", f"{f(cold_w)} s (naiv {f(naive_w)} s)", ok(cold_w <= 15)),
        ("Gulv: all kapittelkode i én prosess ≤ 8 s", f"{f(floor_w)} s", ok(floor_w <= 8)),
        ("Én notatbok endret → HTML + PDF ≤ 8 s", f"{f(edit_w)} s; kjørte {', '.join(R['edit_rerun'][0])}",
         ok(edit_w <= 8 and edit_only)),
        ("Én vurderingsfil endret → HTML + PDF ≤ 6 s",
         f"{f(narr_w)} s; kjørte {', '.join(R['narrative_rerun'][0])}", ok(narr_w <= 6)),
        ("Varm ombygging uten endringer ≤ 0,2 s, byte-identisk",
         f"{warm_w:.2f} s; {'identisk' if R['warm_identical'] else 'IKKE identisk'}",
         ok(warm_w <= 0.2 and R["warm_identical"])),
        (f"Alle {n_all} utgaver, HTML + PDF ≤ 150 s", f"{f(ours_reg)} s for {n_reg} utgaver", ok(n_reg == n_all and ours_reg <= 150)),
        ("… topp minne < 1,5 GB", f"{peak_reg:.0f} MB (sum RSS i prosesstreet)", ok(peak_reg < 1536)),
        ("Observasjoner × 50 → kald bygging ≤ 1,5 × bygging med × 1",
         f"{x50['rows'][1]:,} rader: {f(x50_w)} s = {x50_w / cold_w:.2f} × (× 10: {f(x10_w)} s = "
         f"{x10_w / cold_w:.2f} ×); rapporten {'lik' if x50['same_html'] else 'ULIK'}".replace(",", " "),
         ok(x50_w <= 1.5 * cold_w)),
        ("Datafil endret: kjører nøyaktig kapitlene som leser filen",
         f"kjørt: {', '.join(R['data_rerun'][0])}; leser {DATA_FILE.split('/')[-1]}: "
         f"{', '.join(R['data_readers'])} ({f(data_w)} s)", ok(data_exact)),
    ]
    table = ["| Mål | Resultat | Nådd |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]

    def line(name, runs, note=""):
        walls = ", ".join(f(r["wall"]) for r in runs)
        return (f"| {name} | {f(med(runs))} | {f(med(runs, 'cpu'))} | "
                f"{max(r['peak_mb'] for r in runs):.0f} | {walls} | {f(med(runs, 'load'))} | {note} |")

    timings = ["| Måling | Median vegg s | Median CPU s | Topp MB | Alle kjøringer (vegg s) | Last (1 min) | Merknad |",
               "|---|---|---|---|---|---|---|",
               line("(a) naiv: papermill + nbconvert per notatbok, sekvensielt, så én PDF", R["naive"],
                    "papermill {:.1f} s, nbconvert {:.1f} s, PDF {:.1f} s (median)".format(
                        *(statistics.median(r["parts"][k] for r in R["naive"])
                          for k in ("papermill", "nbconvert", "pdf")))),
               line("(b) vår kalde bygging (`build.py --force`, tom cache og output)", R["cold"]),
               line("(c) varm ombygging, ingenting endret", R["warm"]),
               line("(d) én notatbok endret (`x = 1` i 03_akuttmedisin), HTML + PDF", R["edit"]),
               line("(d2) én vurderingsfil endret (akuttmedisin.md), HTML + PDF", R["narrative"]),
               line("(h) forhåndsvisning: notatbok lagret → ny side (bare HTML, varme kjerner)",
                    R["preview"]["notebook"], "tid fra lagring til ny versjon"),
               line("(h) forhåndsvisning: vurderingsfil lagret → ny side", R["preview"]["narrative"],
                    "tid fra lagring til ny versjon"),
               line("(e) én datafil endret (ssb_kostra_11996.csv + sha256)", R["data"]),
               line("gulv: all kapittelkode i én prosess, ingen kjerner", R["floor"]),
               line("(i) kald bygging gjennom Dask LocalCluster, 2 arbeidere", R["dask"],
                    f"lokal prosesspool (b): {f(cold_w)} s"),
               *[line(f"(j) kald bygging, observasjoner × {k} ({v['rows'][1]} rader)", v["runs"],
                      f"× 1: {v['rows'][0]} rader, {f(cold_w)} s") for k, v in R["scale"].items()],
               line(f"(f) våre, {n_reg} utgaver i ett bygg (HTML + PDF)", [R["ours_regions"]], "1 kjøring"),
               line(f"(f) naiv papermill-løkke, {n_naive} utgaver (uten nbconvert/PDF)", R["naive_regions"],
                    f"ekstrapolert til {n_all}: {f(naive_reg)} s; median per utgave vist")]
    if "jb_cold" in R:
        timings += [line(f"(g) Jupyter Book kald ({R.get('jb_version', '')}, bare HTML)", R["jb_cold"]),
                    line("(g) Jupyter Book varm (execute_notebooks: cache)", R["jb_warm"])]
    breakdown = [
        "- Kapitteltider i siste kalde bygging (s, i arbeiderprosess, inkl. kjernestart): "
        + ", ".join(f"{k} {v}" for k, v in R["cold_chapters"].items()),
        f"- papermill på en tom notatbok (tolkerstart + papermill-import + kjernestart/-stopp): "
        f"{f(med(R['kernel']))} s vegg, {f(med(R['kernel'], 'cpu'))} s CPU",
        f"- Importer i kapitlene (pandas, matplotlib, statusrapport): {statistics.median(R['imports']):.2f} s",
        f"- Sammensetting (stitch.combine + render_html): {statistics.median(R['stitch']):.2f} s; "
        f"PDF (WeasyPrint): {statistics.median(R['pdf']):.2f} s",
        f"- Gulv per kapittel (siste kjøring): {R['floor'][-1]['line']}",
    ]
    text = "\n".join([
        "# Benchmark-resultater", "",
        f"Generert av `bench/run.py` ({R['started']}). Median av {R['repeat']} kjøringer per måling "
        "der ikke annet står. Tider er veggklokke; CPU er user+sys for prosesstreet; minne er "
        "største samplede sum av RSS i prosesstreet.", "",
        "## Maskin", "",
        f"- CPU: {M['cpus']} logiske kjerner ({M['cpu_model']})",
        f"- RAM: {M['ram_gb']} GB",
        f"- Python: {M['python']} ({M['platform']})",
        f"- Dato: {M['date']}; kode: {M['commit']}", "",
        "## Mål", "", *table, "",
        "## Målinger", "", *timings, "",
        "## Hvor tiden går", "", *breakdown, "",
    ])
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    tail = old[old.index(MARKER):] if MARKER in old else MARKER + "\n"
    path.write_text(text + "\n" + tail, encoding="utf-8")
    log(f"skrev {path}")


if __name__ == "__main__":
    main()
