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


def write(path, content):
    Path(path).write_text(json.dumps(content, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                          encoding="utf-8")


def read(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
