"""Atomic publishing: an edition is built in a scratch folder next to its destination and
swapped into place in one step, so ``output/`` only ever holds a complete last good report."""

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from statusrapport.model import NATIONAL

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2


DRAFT_SUFFIX = "-utkast"  # output/2026-utkast/: partial builds, never the published edition
FAILED_SUFFIX = ".failed"  # output/2026.failed/: notebooks and logs of a failed build


def out_dir_for(output, edition, region, draft=False):
    """``output/<edition>/`` for the national edition, ``output/<edition>/<region>/`` otherwise;
    ``output/<edition>-utkast/...`` for a draft."""
    base = Path(output) / (edition + (DRAFT_SUFFIX if draft else ""))
    return base if region == NATIONAL else base / region


def failed_dir_for(output, edition, region):
    """Beside the published edition, never inside it: ``output/<edition>.failed/[<region>/]``."""
    base = Path(output) / (edition + FAILED_SUFFIX)
    return base if region == NATIONAL else base / region


def is_partial(output, edition, region, chapters, formats):
    """A build of some chapters, or of fewer formats than the published edition has, is
    partial: it goes to the draft folder and leaves the published edition alone."""
    if chapters:
        return True
    published = out_dir_for(output, edition, region)
    return any((published / f"statusrapport.{f}").exists() for f in ("html", "pdf")
               if f not in formats)


def _exchange(a, b):
    """Swap two paths atomically (Linux renameat2); False if the system cannot."""
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def remove_stale(output_dir):
    """Remove staging folders left by builds that were killed (their process is gone)."""
    for old in Path(output_dir).glob(".build-*"):
        pid = old.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scratch_dir(output_dir):
    """A staging folder next to the output (same file system, so publishing is a rename)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(output_dir)
    return Path(tempfile.mkdtemp(dir=output_dir, prefix=f".build-{os.getpid()}-"))


@contextmanager
def guarded(folder, scratch):
    """Keep a copy of the published edition in ``folder`` while the block runs (the chapters
    run then). If a file under it changed and no other build published meanwhile (the
    manifest is the same), the copy is swapped back in: a chapter can never leave an altered
    report published. Nothing to do when nothing is published."""
    from statusrapport.build.hashing import tree_state

    folder = Path(folder)
    if not (folder / "manifest.json").is_file():
        yield
        return
    backup = Path(scratch) / "published"
    shutil.copytree(folder, backup, symlinks=True)
    before, manifest = tree_state(folder), (backup / "manifest.json").read_bytes()
    try:
        yield
    finally:
        if tree_state(folder) != before:
            with lock(folder.parent):
                current = folder / "manifest.json"
                if not current.is_file() or current.read_bytes() == manifest:
                    swap_in(backup, folder)


@contextmanager
def lock(output_dir):
    """One publisher at a time per output folder."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(output_dir) / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def swap_in(staged, final, keep_subdirs=()):
    """Replace ``final`` by ``staged``. Subfolders named in ``keep_subdirs`` (the region editions
    inside a national edition) are carried over by hard links before the swap."""
    staged, final = Path(staged), Path(final)
    if final.exists():
        for name in keep_subdirs:
            if (final / name).is_dir() and not (staged / name).exists():
                shutil.copytree(final / name, staged / name, copy_function=os.link)
        if _exchange(staged, final):
            shutil.rmtree(staged)
            return
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.rename(final, old)
        os.rename(staged, final)
        shutil.rmtree(old)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, final)
