"""Chapter cache. A chapter run is reused only if its key matches and every data file it read
last time still has the same hash. The key covers the notebook's code cells (not outputs or
metadata), its parameters, the package code and the locked environment.

Entries are written to a temporary folder and renamed into place, so a crash or a second build
running at the same time can never leave a half-written entry that looks valid."""

import json
import os
import shutil
import tempfile
from pathlib import Path

from statusrapport.build.hashing import sha256


# Why a chapter runs, in words for the progress lines (the key alone says nothing to a reader).
FIRST_RUN = "første kjøring"
CHANGED = {"code": "notatboken er endret", "env": "programmet eller pakkene er oppdatert"}
NOT_CACHED = "ikke i cache (tømt eller bygget et annet sted)"


def lookup(cache_dir, chapter_key, root, slot=None, parts=None):
    """(executed notebook, reason, files it read); the notebook is None if the entry is missing,
    corrupt or stale. ``slot`` names the chapter and parameters and ``parts`` the hashes its key
    is made of, so a missing entry can be explained (see :func:`remember`)."""
    entry = Path(cache_dir) / chapter_key
    meta_path, nb_path = entry / "entry.json", entry / "executed.ipynb"
    if not entry.exists():
        return None, _why_new(cache_dir, slot, parts), []
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


def _why_new(cache_dir, slot, parts):
    try:
        last = json.loads((Path(cache_dir) / "last" / f"{slot}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return FIRST_RUN
    changed = [CHANGED[k] for k in CHANGED if (parts or {}).get(k) != last.get(k)]
    return " og ".join(changed) if changed else NOT_CACHED


def remember(cache_dir, slot, parts):
    """Note the key parts of the chapter's last run, for the next build's reason."""
    folder = Path(cache_dir) / "last"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{slot}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(parts), encoding="utf-8")
    os.replace(tmp, folder / f"{slot}.json")


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
