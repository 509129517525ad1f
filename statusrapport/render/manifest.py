"""manifest.json: what went into an edition and what came out, for audit and comparison."""

import hashlib
import importlib.metadata
import json
from pathlib import Path

from statusrapport import __version__
from statusrapport.build import hashing
from statusrapport.chapter.display import META
from statusrapport.data.sources import sha256

PACKAGES = ("papermill", "nbconvert", "nbclient", "pandas", "matplotlib", "weasyprint", "openpyxl",
            "PyYAML", "Markdown", "numpy")


def versions():
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def inputs(root):
    """sha256 of every file the build reads (the same list the fingerprint covers)."""
    return {rel: sha256(path) for rel, path in hashing.input_files(root) if path.exists()}


def report_key(root, meta, runs, formats):
    """Changes when anything the published files show could change: the executed chapters'
    content (not their run times), the cover, the templates, the formats, the version."""
    h = hashlib.sha256(json.dumps([meta, sorted(formats), __version__], sort_keys=True).encode())
    templates = {rel: sha256(path) for rel, path in hashing.input_files(root)
                 if rel.startswith("report_templates/")}
    h.update(json.dumps(templates, sort_keys=True).encode())
    for run in runs:
        h.update(f"{run.chapter}:{run.status == 'failed'}".encode())
        if run.notebook and Path(run.notebook).exists():
            nb = json.loads(Path(run.notebook).read_text(encoding="utf-8"))
            cells = [(c.get("source"), c.get("outputs")) for c in nb["cells"]
                     if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
            h.update(json.dumps(cells, sort_keys=True).encode())
    return h.hexdigest()


def records(book):
    """Headline values recorded by chapters with ``display.record``."""
    found = {}
    for cell in book.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(META)
            if meta and meta.get("kind") == "record":
                found[meta["name"]] = {k: meta[k] for k in ("value", "unit", "decimals", "label")}
    return found


def write(path, content):
    Path(path).write_text(json.dumps(content, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                          encoding="utf-8")


def read(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
