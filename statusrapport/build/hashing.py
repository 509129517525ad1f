"""Every hash the build uses, in one place.

- :func:`sha256` of a file: source records, cache entries and the manifest's inputs;
- :class:`Inputs`: every file a build reads, hashed once per build. Its digest makes the
  *fingerprint* stored in the manifest: when it matches, the published edition is current and
  the build stops in a fraction of a second, before pandas, papermill or WeasyPrint are imported;
- :func:`environment` and :func:`chapter_key`: the chapter cache;
- :func:`report_key`: whether the published files could change after the chapters ran."""

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from statusrapport import __version__

TREES = ("data", "notebooks", "params", "report_templates")
PACKAGE = Path(__file__).resolve().parents[1]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def _text(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


CODE = ("statusrapport", "notebooks", "report_templates", "requirements.txt", "build.py")


def git_commit(root):
    """The last commit that changed the code (not the data): a delivery committed after an
    edition was published leaves that edition's colophon, and so its bytes, unchanged."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h", "--abbrev=12",
                              "--", *CODE], capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no",
                                "--", *CODE], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "ukjent"
    commit = out.stdout.strip() or "ukjent"
    return commit + ("+lokale-endringer" if dirty and commit != "ukjent" else "")


def _package_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield f"statusrapport/{path.relative_to(PACKAGE).as_posix()}", path


def links_outside(root):
    """Problems for symbolic links in the project's input folders that point outside the
    project (a narrative linked to /etc/passwd would otherwise be read and published)."""
    from statusrapport.errors import Problem

    root = Path(root).resolve()
    found = []
    for sub in TREES:
        for path in sorted((root / sub).rglob("*")):
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                found.append(Problem(path.relative_to(root).as_posix(), "er en symbolsk lenke til "
                                     "noe utenfor prosjektet; kopier filen inn i stedet for å lenke"))
    return found


def input_files(root, params_file=None):
    """(relative path, path) of every file a build reads: data, notebooks, params (and the
    edition file given, wherever it is), templates, requirements and the package itself.
    Raises DataError for links that leave the project (:func:`links_outside`)."""
    from statusrapport.errors import DataError

    root = Path(root).resolve()
    outside = links_outside(root)
    if outside:
        raise DataError(outside)
    for sub in TREES:
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                yield path.relative_to(root).as_posix(), path
    if params_file is not None:
        params_file = Path(params_file).resolve()
        if not params_file.is_relative_to(root / "params"):
            yield str(params_file), params_file
    yield "requirements.txt", root / "requirements.txt"
    yield from _package_files()


@dataclass(frozen=True)
class Inputs:
    files: dict  # relative path -> sha256
    digest: str  # over the files, the Python and package versions and the commit

    @classmethod
    def read(cls, root, params_file=None):
        found = {rel: sha256(path) for rel, path in input_files(root, params_file) if path.exists()}
        return cls(found, _text(sys.version, __version__, git_commit(root), found))


def watched(root, params_file, output):
    """What no chapter may change: every input file (by sha256) and every file under
    ``output`` (by size and modification time), except the builds' own staging folders."""
    state = {rel: sha256(path) for rel, path in input_files(root, params_file) if path.is_file()}
    state.update(tree_state(output, "output/"))
    return state


def tree_state(folder, prefix=""):
    """{prefix + relative path: (size, mtime)} of the files under ``folder``, leaving out
    hidden entries at its top (.build-* staging folders of running builds, .lock)."""
    folder, state = Path(folder), {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        rel = path.relative_to(folder)
        if rel.parts[0].startswith(".") or not path.is_file():
            continue
        st = path.stat()
        state[prefix + rel.as_posix()] = (st.st_size, st.st_mtime_ns)
    return state


def changed(before, after):
    """The keys of two :func:`watched` states that differ, sorted; leaving out what another
    build may write meanwhile: files of an edition whose manifest.json changed too (it was
    published) and failed-build folders (``output/<edition>.failed/``)."""
    keys = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
    published = {k[: -len("manifest.json")] for k in keys if k.startswith("output/")
                 and k.endswith("/manifest.json")}
    return sorted(k for k in keys if not any(k.startswith(folder) for folder in published)
                  and not (k.startswith("output/") and k.split("/")[1].endswith(".failed")))


def fingerprint(inputs, edition, region, formats, chapters, allow_errors):
    """The fingerprint of one edition/region built from ``inputs`` as asked."""
    return _text(inputs.digest, [edition, region, sorted(formats), sorted(chapters), bool(allow_errors)])


def is_current(out_dir, fingerprint_, formats):
    """True if ``out_dir`` holds a complete edition built from exactly these inputs."""
    try:
        published = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (published.get("fingerprint") == fingerprint_
            and all((Path(out_dir) / f"statusrapport.{f}").exists() for f in formats))


def environment(root):
    """Locked environment and package code: a change here invalidates every chapter."""
    code = {rel: sha256(path) for rel, path in _package_files()}
    requirements = Path(root) / "requirements.txt"
    return _text(sys.version, __version__, code, sha256(requirements) if requirements.exists() else "")


def chapter_key(code_cells, parameters, env):
    """Cache key of a chapter: its code cells (not outputs or metadata), parameters and
    environment."""
    return _text({"code": code_cells, "parameters": parameters, "env": env})[:32]


def report_key(inputs, meta, runs, formats):
    """Changes when anything the published files show could change: the executed chapters'
    content (not their run times), the cover, the templates, the formats, the version."""
    templates = {rel: h for rel, h in inputs.files.items() if rel.startswith("report_templates/")}
    h = hashlib.sha256(_text(meta, sorted(formats), __version__, templates).encode())
    for run in runs:
        h.update(f"{run.chapter}:{run.status == 'failed'}".encode())
        if run.notebook and Path(run.notebook).exists():
            nb = json.loads(Path(run.notebook).read_text(encoding="utf-8"))
            cells = [(c.get("source"), c.get("outputs")) for c in nb["cells"]
                     if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
            h.update(json.dumps(cells, sort_keys=True).encode())
    return h.hexdigest()
