"""Source records (``data/sources/<id>.yml``): provenance and sha256 of every data file."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport.data import fileio, schema
from statusrapport.build.hashing import sha256
from statusrapport.errors import DataError, Problem

RECORD = {
    "type": "object",
    "message": "forventet en kilde-post (nøkkel: verdi)",
    "properties": {
        "id": {"type": "string", "message": "forventet kildens id (lik filnavnet)"},
        **{key: {"type": "string", "minLength": 1, "message": f"forventet {what} (tekst)"}
           for key, what in (("title", "tittel"), ("publisher", "utgiver"),
                             ("origin", "opphav: hvor og hvordan dataene ble hentet"),
                             ("licence", "lisens, f.eks. NLOD 2.0 eller CC BY 4.0"))},
        "published": {"type": "string", "format": "date",
                      "message": "forventet en dato (ÅÅÅÅ-MM-DD) for når kilden ble publisert, "
                                 "f.eks. published: 2024-03-01"},
        "retrieved": {"type": "string", "format": "date",
                      "message": "forventet en dato (ÅÅÅÅ-MM-DD) for når dataene ble hentet, "
                                 "f.eks. retrieved: 2026-11-23"},
        "files": {
            "type": ["object", "null"],
            "message": "forventet 'sti: sha256' per linje under files",
            # relative to data/ and inside it: no leading slash, no "..", no drive letter
            "propertyNames": {"not": {"pattern": r"^[/\\]|(^|[/\\])\.\.([/\\]|$)|:"},
                              "message": "stien skal være relativ til data/ og ligge inne i data/"},
            "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                                     "message": "forventet en sha256 (64 heksadesimale tegn) for {key}"},
        },
        "import": {"type": "object", "message": "forventet importoppsettet som nøkkel: verdi"},
    },
    "required": ["id", "title", "publisher", "origin", "licence", "published", "retrieved", "files"],
    "additionalProperties": False,
    "missing": "mangler nøkkel '{key}'",
    "unknown": "ukjent nøkkel '{key}'; gyldige nøkler: {known}",
}


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
        for key in ("published", "retrieved"):  # YAML reads 2024-03-01 as a date
            if isinstance(raw.get(key), datetime.date):
                raw[key] = raw[key].isoformat()
        broken = schema.check(RECORD, raw)
        problems += [Problem(path, text, column=keys[0] if keys else None, value=value)
                     for keys, text, value in broken]
        if str(raw.get("id")) != path.stem:
            problems.append(Problem(path, f"id skal være lik filnavnet ({path.stem})", column="id",
                                    value=raw.get("id")))
        if broken:
            continue
        found[raw["id"]] = Source(raw["id"], raw["title"], raw["publisher"], raw["origin"],
                                  raw["licence"], raw["published"], raw["retrieved"],
                                  raw["files"] or {}, raw.get("import") or {})
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
