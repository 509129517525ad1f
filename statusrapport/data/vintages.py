"""Vintages: which observation files an edition sees, and moving a source to the vintage layout.

Each source keeps one file per delivery, ``data/observations/<source>/<vintage>.csv`` (the
vintage is the date the values became known: a publication date for documents, the delivery
date for register extracts). The first file holds every value; each later file holds only the
values that were new or revised in that delivery. An edition reads the files dated at or before
its ``data_cutoff`` and, for every key, keeps the row of the latest of them.

``python -m statusrapport.data.vintages`` moves every source that still has one flat file
``data/observations/<source>.csv`` (the layout before vintages) to
``data/observations/<source>/<published>.csv``, using the ``published:`` date of its source
record, and updates the path in the record's ``files:`` (only that line changes)."""

import re
import sys
from pathlib import Path

import pandas as pd

from statusrapport.model import DELIVERIES_DIR, KEY, OBSERVATIONS_DIR, VINTAGE, vintage_file

STEM = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:_(\d+))?$")  # 2026-12-01, or 2026-12-01_2 (same day)


def parse(stem):
    """(date, sequence) of a vintage file's stem, or None if it is not one."""
    m = STEM.match(stem)
    return (m.group(1), int(m.group(2) or 1)) if m else None


def files(data_dir, source_id, recorded=()):
    """The source's vintage files, oldest first: those in its folder and those its record lists
    (``recorded``: the record's ``files``), so a recorded file that is missing is still named."""
    folder = Path(data_dir) / OBSERVATIONS_DIR / source_id
    paths = set(folder.glob("*.csv")) if folder.is_dir() else set()
    paths |= {Path(data_dir) / rel for rel in recorded
              if Path(rel).parent.as_posix() == f"{OBSERVATIONS_DIR}/{source_id}"}
    found = [(parse(p.stem), p) for p in paths]
    return [p for key, p in sorted(found) if key is not None]


def date_of(path):
    """The vintage date (YYYY-MM-DD) of a vintage file or delivery folder."""
    return parse(Path(path).stem)[0]


def visible(paths, cutoff):
    """The files an edition with ``cutoff`` (YYYY-MM-DD, or None for everything) sees."""
    return [p for p in paths if cutoff is None or date_of(p) <= cutoff]


def latest(frames):
    """One row per key: the row of the latest vintage. ``frames`` are oldest first and carry a
    ``vintage`` column."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).drop_duplicates(KEY, keep="last")


def seen_by(rel, cutoff):
    """Whether an edition with ``cutoff`` reads the project file ``rel`` (relative to the project
    folder, e.g. ``data/observations/x/2027-02-01.csv``): vintage files and kept deliveries dated
    after the cut-off are invisible to it; every other file is read."""
    parts = Path(rel).parts
    if cutoff is None or len(parts) < 3 or parts[0] != "data":
        return True
    if parts[1] == OBSERVATIONS_DIR and len(parts) == 4 and parse(Path(parts[3]).stem):
        return date_of(parts[3]) <= cutoff
    if parts[1] == "snapshots" and len(parts) >= 6 and parts[3] == DELIVERIES_DIR and parse(parts[4]):
        return date_of(parts[4]) <= cutoff
    return True


def new_stem(data_dir, source_id, vintage):
    """The stem for a new delivery on ``vintage``: the date, or date_N for the N-th that day."""
    taken = {parse(p.stem) for p in files(data_dir, source_id)}
    n = 1
    while (vintage, n) in taken:
        n += 1
    return vintage if n == 1 else f"{vintage}_{n}"


def flat_files(data_dir):
    """Observation files still in the layout before vintages (``observations/<source>.csv``)."""
    return sorted((Path(data_dir) / OBSERVATIONS_DIR).glob("*.csv"))


def migrate(data_dir, out=print):
    """Move every flat observation file into its source's vintage folder (see module docstring).
    Returns the moved paths; stops before moving anything if a record lacks ``published:``."""
    from statusrapport.data import sources
    from statusrapport.errors import DataError, Problem

    data_dir = Path(data_dir)
    srcs = sources.load_all(data_dir)
    moves, problems = [], []
    for path in flat_files(data_dir):
        rel = f"{OBSERVATIONS_DIR}/{path.name}"
        src = srcs.get(path.stem)
        if src is None:
            problems.append(Problem(path, f"ingen kildepost data/sources/{path.stem}.yml; lag "
                                    "posten (med published:) og kjør kommandoen igjen"))
            continue
        new_rel = vintage_file(src.id, src.published)
        if (data_dir / new_rel).exists():
            problems.append(Problem(path, f"{new_rel} finnes allerede; slå sammen for hånd"))
            continue
        moves.append((src.id, rel, new_rel))
    if problems:
        raise DataError(problems)
    for source_id, rel, new_rel in moves:
        (data_dir / new_rel).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / rel).rename(data_dir / new_rel)
        sources.rename_file(data_dir, source_id, rel, new_rel)
        out(f"{rel} -> {new_rel}")
    return [new for _, _, new in moves]


if __name__ == "__main__":
    from statusrapport.errors import DataError
    from statusrapport.model import Exit

    try:
        moved = migrate(Path("data"))
    except DataError as err:
        print(f"FEIL: {err}", file=sys.stderr)
        sys.exit(Exit.DATA)
    print(f"{len(moved)} filer flyttet til vintage-mapper." if moved else
          "Ingen filer å flytte: alle kilder har allerede vintage-mapper.")
