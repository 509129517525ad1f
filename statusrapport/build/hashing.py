"""A fingerprint of everything a build reads and of how it was asked for, stored in the
manifest. When it matches, the published edition is current and the build stops in a fraction
of a second, before pandas, papermill or WeasyPrint are even imported."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from statusrapport import __version__

TREES = ("data", "notebooks", "params", "report_templates")
PACKAGE = Path(__file__).resolve().parents[1]  # the whole package, all subpackages


def git_commit(root):
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "ukjent"
    commit = out.stdout.strip() or "ukjent"
    return commit + ("+lokale-endringer" if dirty and commit != "ukjent" else "")


def input_files(root):
    """(relative path, path) of every file a build reads: data, notebooks, params, templates,
    requirements and the package itself."""
    root = Path(root)
    for sub in TREES:
        for path in sorted((root / sub).rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                yield path.relative_to(root).as_posix(), path
    yield "requirements.txt", root / "requirements.txt"
    for path in sorted(PACKAGE.rglob("*.py")):
        yield f"statusrapport/{path.relative_to(PACKAGE).as_posix()}", path


def inputs_digest(root):
    """One hash over every input file, the environment and the commit."""
    h = hashlib.sha256(f"{sys.version}|{__version__}|{git_commit(root)}".encode())
    for rel, path in input_files(root):
        if path.exists():
            h.update(rel.encode() + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def compute(digest, edition, region, formats, chapters, allow_errors):
    """The fingerprint of one edition/region built from inputs with ``digest``."""
    asked = [edition, region, sorted(formats), sorted(chapters), bool(allow_errors)]
    return hashlib.sha256(json.dumps([digest, asked]).encode()).hexdigest()


def is_current(out_dir, fingerprint, formats):
    """True if ``out_dir`` holds a complete edition built from exactly these inputs."""
    try:
        published = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (published.get("fingerprint") == fingerprint
            and all((Path(out_dir) / f"statusrapport.{f}").exists() for f in formats))
