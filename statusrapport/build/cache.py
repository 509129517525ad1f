"""Chapter cache. A chapter run is reused only if its key matches and every data file it read
last time still has the same hash. The key covers the notebook's code cells (not outputs or
metadata), its parameters, the package code and the locked environment.

Entries are written to a temporary folder and renamed into place, so a crash or a second build
running at the same time can never leave a half-written entry that looks valid."""

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from statusrapport import __version__
from statusrapport.data.sources import sha256

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole package, all subpackages


def environment_hash(root):
    """Locked environment and package code: a change here invalidates every chapter."""
    h = hashlib.sha256(f"{sys.version}|{__version__}".encode())
    for path in [Path(root) / "requirements.txt", *sorted(PACKAGE_DIR.rglob("*.py"))]:
        if path.exists():
            name = path.relative_to(PACKAGE_DIR).as_posix() if path.is_relative_to(PACKAGE_DIR) else path.name
            h.update(name.encode() + sha256(path).encode())
    return h.hexdigest()


def key(notebook_path, parameters, env_hash):
    nb = nbformat.read(notebook_path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    blob = json.dumps({"code": code, "parameters": parameters, "env": env_hash}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def lookup(cache_dir, chapter_key, root):
    """(executed notebook, reason, files it read); the notebook is None if the entry is missing,
    corrupt or stale."""
    entry = Path(cache_dir) / chapter_key
    meta_path, nb_path = entry / "entry.json", entry / "executed.ipynb"
    if not entry.exists():
        return None, "ny nøkkel", []
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if sha256(nb_path) != meta["notebook_sha256"]:
            raise ValueError("notebook hash")
    except (OSError, ValueError, KeyError):
        shutil.rmtree(entry, ignore_errors=True)
        return None, "ødelagt cache-oppføring, kjøres på nytt", []
    for rel, digest in meta["reads"].items():
        path = Path(root) / rel
        if not path.exists() or sha256(path) != digest:
            return None, f"datafil endret: {rel}", []
    return nb_path, "treff", sorted(meta["reads"])


def store(cache_dir, chapter_key, executed_path, reads, root):
    """``reads`` are paths relative to ``root``, so a copied or moved project checks its own
    files."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".tmp-"))
    shutil.copyfile(executed_path, tmp / "executed.ipynb")
    meta = {"notebook_sha256": sha256(tmp / "executed.ipynb"),
            "reads": {p: sha256(Path(root) / p) for p in sorted(reads) if (Path(root) / p).exists()}}
    (tmp / "entry.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    final = cache_dir / chapter_key
    try:
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except OSError:  # another build stored the same key first; theirs is as good as ours
        shutil.rmtree(tmp, ignore_errors=True)
