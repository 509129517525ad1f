"""``build.py import FILE --source ID``: a data delivery becomes tidy observations.

The delivery is read with the source record's ``import:`` spec, checked exactly like the
shipped data, merged into ``data/observations/<ID>.csv`` (a new value for the same indicator,
period and area replaces the old one), snapshotted under ``data/snapshots/<ID>/`` and its
sha256 recorded. Nothing is written unless everything is valid."""

import datetime
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from statusrapport.data import catalogue as catalogue_mod
from statusrapport.data import geography, observations, sources
from statusrapport.ingest import readers
from statusrapport.build.hashing import sha256
from statusrapport.errors import DataError, ParameterError, did_you_mean
from statusrapport.model import COLUMNS, KEY


def _value_text(v):
    if v != v:  # NaN: missing or suppressed
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def run(root, delivery, source_id):
    root, delivery = Path(root), Path(delivery)
    data = root / "data"
    srcs = sources.load_all(data)
    if source_id not in srcs:
        raise ParameterError(f"ukjent kilde '{source_id}'; opprett data/sources/{source_id}.yml først "
                             f"(kjente: {', '.join(sorted(srcs))})")
    src = srcs[source_id]
    if not src.spec:
        raise ParameterError(f"data/sources/{source_id}.yml har ingen 'import:'-beskrivelse; legg den "
                             "til (se eksemplene i docs/brukerveiledning.md, steg 2)")
    if not delivery.is_file():
        raise ParameterError(f"{delivery}: filen finnes ikke")
    new = readers.read_delivery(delivery, src.spec, source_id)
    _require_catalogue(data, srcs, source_id, sorted(set(new["indicator"])))
    new["value"] = new["value"].map(_value_text)
    target = data / "observations" / f"{source_id}.csv"
    old = (pd.read_csv(target, dtype=str, keep_default_na=False) if target.exists()
           else pd.DataFrame(columns=COLUMNS))
    key = KEY
    merged = pd.concat([old, new.astype(str)]).drop_duplicates(key, keep="last")
    merged = merged.sort_values(key).reset_index(drop=True)[COLUMNS]
    changed = len(old.merge(new.astype(str), on=key).query("value_x != value_y")) if len(old) else 0
    catalogue_path = data / "catalogue.yml"
    catalogue_text, linked = _link_catalogue(catalogue_path.read_text(encoding="utf-8"),
                                             sorted(set(new["indicator"])), source_id)
    with tempfile.TemporaryDirectory() as tmp:
        candidate, candidate_catalogue = Path(tmp) / target.name, Path(tmp) / "catalogue.yml"
        merged.to_csv(candidate, index=False, lineterminator="\n")
        candidate_catalogue.write_text(catalogue_text, encoding="utf-8")
        cat = catalogue_mod.load(candidate_catalogue, set(srcs))
        _, problems = observations.read(candidate, cat, geography.load(data), set(srcs),
                                        datetime.date.today())
        if problems:  # named as the file they would end up in, not the temporary copy
            for p in problems:
                p.file = p.file.replace(str(candidate), f"data/observations/{target.name} "
                                        f"(etter import av {delivery.name})")
            raise DataError(problems)
        snapshot = data / "snapshots" / source_id / delivery.name
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(delivery, snapshot)
        shutil.copyfile(candidate, target)
        shutil.copyfile(candidate_catalogue, catalogue_path)
    _record(data, source_id, [snapshot, target])
    added = len(merged) - len(old)
    return (f"Importerte {len(new)} observasjoner fra {delivery.name} ({added} nye, {changed} endrede) "
            f"for {', '.join(sorted(set(new['indicator'])))} til data/observations/{source_id}.csv; "
            f"data/sources/{source_id}.yml er oppdatert med nye sjekksummer."
            + (f" Kilden er lagt til i katalogen for {', '.join(linked)}." if linked else ""))


def _require_catalogue(data, srcs, source_id, ids):
    """The catalogue entry comes first: one message naming every indicator it lacks."""
    cat = catalogue_mod.load(data / "catalogue.yml", set(srcs))
    unknown = [i for i in ids if i not in cat.indicators]
    if unknown:
        names = ", ".join(f"'{i}'{did_you_mean(i, cat.indicators)}" for i in unknown)
        raise ParameterError(
            f"indikatoren {names} finnes ikke i data/catalogue.yml. Legg inn katalogposten først "
            "(id, kapittel, tittel, definisjon, enhet, desimaler, retning, kilde, nivåer; se "
            "docs/analytiker.md), eller rett indikator-id-en i import:-beskrivelsen i "
            f"data/sources/{source_id}.yml; kjør så importen på nytt. Ingenting er lest inn.")


def _link_catalogue(text, ids, source_id):
    """The catalogue text with the source added to each imported indicator's ``source`` line
    (a text edit, so the catalogue keeps its comments and layout), and the ids changed."""
    lines, current, changed = text.split("\n"), None, []
    for n, line in enumerate(lines):
        m = re.match(r"^\s*- id: (\S+)", line)
        if m:
            current = m.group(1)
        m = re.match(r"^(\s+source: )(.*)$", line)
        if m and current in ids:
            known = [x.strip() for x in m.group(2).split(",")]
            if source_id not in known:
                lines[n] = f"{m.group(1)}{', '.join(known + [source_id])}"
                changed.append(current)
    return "\n".join(lines), changed


def _record(data, source_id, paths):
    path = data / "sources" / f"{source_id}.yml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["files"] = dict(record.get("files") or {})
    for p in paths:
        record["files"][p.relative_to(data).as_posix()] = sha256(p)
    record["retrieved"] = datetime.date.today().isoformat()
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")
