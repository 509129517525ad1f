"""Source records (``data/sources/<id>.yml``): provenance and sha256 of every data file."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport.data import fileio
from statusrapport.build.hashing import sha256
from statusrapport.errors import DataError, Problem

HEX64 = re.compile(r"^[0-9a-f]{64}$")
REQUIRED = ("id", "title", "publisher", "origin", "licence", "published", "retrieved", "files")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    origin: str
    licence: str
    published: str  # YYYY-MM-DD: when the source made these values known (the first vintage)
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
        published = _date(raw["published"])
        if published is None:
            problems.append(Problem(path, "forventet en dato (ÅÅÅÅ-MM-DD) for når kilden ble "
                                    "publisert, f.eks. published: 2024-03-01", column="published",
                                    value=raw["published"]))
        if files is None or published is None:
            continue
        found[str(raw["id"])] = Source(str(raw["id"]), raw["title"], raw["publisher"], raw["origin"],
                                       raw["licence"], published, str(raw["retrieved"]), files,
                                       raw.get("import") or {})
    return found, problems


def _date(value):
    """YYYY-MM-DD for a YAML date or a date string, else None."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


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


# -- editing a record: only the lines under ``files:`` change (a text edit, so the record keeps
# its comments, wrapping and every other field exactly as written) --------------------------

def _record_path(data_dir, source_id):
    return Path(data_dir) / "sources" / f"{source_id}.yml"


def add_files(data_dir, source_id, digests):
    """Record ``{path relative to data/: sha256}`` in the source's ``files:``; a path already
    listed gets its new digest on its own line."""
    path = _record_path(data_dir, source_id)
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next((n for n, line in enumerate(lines) if re.match(r"^files:", line)), None)
    if start is None:
        raise DataError(Problem(path, "mangler 'files:'; legg til linjen files: {} og importer på nytt"))
    if re.match(r"^files:\s*\{\s*\}\s*$", lines[start]):
        lines[start] = "files:"
    end = start + 1
    while end < len(lines) and re.match(r"^\s+\S", lines[end]):
        end += 1
    for rel, digest in digests.items():
        hit = next((n for n in range(start + 1, end)
                    if re.match(rf"^\s+{re.escape(rel)}:", lines[n])), None)
        if hit is not None:
            lines[hit] = re.sub(r"[0-9a-f]{64}", digest, lines[hit])
        else:
            lines.insert(end, f"  {rel}: {digest}")
            end += 1
    path.write_text("\n".join(lines), encoding="utf-8")


def rename_file(data_dir, source_id, old_rel, new_rel):
    """Rename one path in the source's ``files:`` (same digest)."""
    path = _record_path(data_dir, source_id)
    text = path.read_text(encoding="utf-8")
    new = re.sub(rf"^(\s+){re.escape(old_rel)}:", rf"\g<1>{new_rel}:", text, count=1, flags=re.M)
    if new == text:
        raise DataError(Problem(path, f"{old_rel} står ikke under files:; legg den til og prøv igjen"))
    path.write_text(new, encoding="utf-8")
