"""Source records (``data/sources/<id>.yml``): provenance and sha256 of every data file."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport.data import fileio
from statusrapport.build.hashing import sha256
from statusrapport.errors import DataError, Problem

HEX64 = re.compile(r"^[0-9a-f]{64}$")
REQUIRED = ("id", "title", "publisher", "origin", "licence", "retrieved", "files")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    origin: str
    licence: str
    retrieved: str
    files: dict  # path relative to data/ -> sha256
    spec: dict  # optional import spec for deliveries



def _check_files(path, files, problems):
    """``files`` as {relative path: sha256}, or None with problems added."""
    if files is None:
        return {}
    if not isinstance(files, dict):
        problems.append(Problem(path, "forventet 'sti: sha256' per linje under files", column="files",
                                value=files))
        return None
    ok = True
    for rel, digest in files.items():
        rel_s = str(rel)
        if rel_s.startswith(("/", "\\")) or ".." in Path(rel_s).parts or ":" in rel_s:
            problems.append(Problem(path, "stien skal være relativ til data/ og ligge inne i data/",
                                    column="files", value=rel))
            ok = False
        if not (isinstance(digest, str) and HEX64.match(digest)):
            problems.append(Problem(path, f"forventet en sha256 (64 heksadesimale tegn) for {rel_s}",
                                    column="files", value=digest))
            ok = False
    return {str(k): v for k, v in files.items()} if ok else None


def load_all(data_dir):
    """All source records; problems in any record are reported together (DataError)."""
    found, problems = read_all(data_dir)
    if problems:
        raise DataError(problems)
    return found


def read_all(data_dir):
    """(the records that are valid, problems in the others): validate checks the rest of the
    data against the valid records, so one broken record does not make every file unknown."""
    data_dir = Path(data_dir)
    found, problems = {}, []
    for path in sorted((data_dir / "sources").glob("*.yml")):
        try:
            # Not logged: a chapter depends on the records of the sources it uses (Dataset.source).
            raw = fileio.read_yaml(path, log=False)
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            problems.append(Problem(path, f"kan ikke leses: {err}"))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(path, "forventet en kilde-post (nøkkel: verdi)"))
            continue
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            problems.append(Problem(path, f"mangler nøkkel(er) {', '.join(missing)}; forventet "
                                    f"{', '.join(REQUIRED)}"))
            continue
        if str(raw["id"]) != path.stem:
            problems.append(Problem(path, f"id skal være lik filnavnet ({path.stem})", column="id",
                                    value=raw["id"]))
        files = _check_files(path, raw["files"], problems)
        if files is None:
            continue
        found[str(raw["id"])] = Source(str(raw["id"]), raw["title"], raw["publisher"], raw["origin"],
                                       raw["licence"], str(raw["retrieved"]), files,
                                       raw.get("import") or {})
    return found, problems


def verify(data_dir, sources, only=None):
    """Problems for files whose sha256 differs from their record (or that are missing).
    ``only``: restrict to these relative paths."""
    problems = []
    for src in sources.values():
        for rel, expected in src.files.items():
            if only is not None and rel not in only:
                continue
            path = Path(data_dir) / rel
            if not path.is_file():
                problems.append(Problem(path, f"filen mangler (oppført i sources/{src.id}.yml)"))
            elif sha256(path) != expected:
                problems.append(Problem(path, f"sha256 stemmer ikke med sources/{src.id}.yml; "
                                        "filen er endret etter at kilden ble registrert"))
    return problems


def owner(sources, rel):
    """The source that records ``rel`` (a path relative to data/), or None."""
    return next((s for s in sources.values() if rel in s.files), None)
