"""manifest.json: what went into an edition and what came out, for audit and comparison."""

import importlib.metadata
import json
from pathlib import Path

from statusrapport.render import blocks

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


def records(book):
    """Headline values recorded by chapters with ``display.record``."""
    found = {}
    for cell in book.cells:
        for out in cell.get("outputs", []):
            item = blocks.payload(out)
            if item is not None and item.kind == "record":
                found[item.name] = {"value": item.value, "unit": item.unit,
                                    "decimals": item.decimals, "label": item.label}
    return found


def published_files(folder):
    """{relative path: sha256} of every file of an edition in ``folder`` except manifest.json
    and logs/ (recorded in the manifest, so a hand-edited report is noticed)."""
    from statusrapport.build.hashing import sha256

    folder = Path(folder)
    return {rel: sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and (rel := p.relative_to(folder).as_posix()) != "manifest.json"
            and not rel.startswith("logs/")}


def changed_files(folder):
    """Files of the published edition in ``folder`` that differ from its manifest or are gone
    (empty when they match, or when the manifest predates this record)."""
    from statusrapport.build.hashing import sha256

    folder = Path(folder)
    recorded = (read(folder / "manifest.json") or {}).get("files") or {}
    return sorted(rel for rel, digest in recorded.items()
                  if not (folder / rel).is_file() or sha256(folder / rel) != digest)


def write(path, content):
    Path(path).write_text(json.dumps(content, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                          encoding="utf-8")


def read(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
