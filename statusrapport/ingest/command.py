"""``build.py import FILE --source ID``: a data delivery becomes a new vintage of a source.

Nothing is overwritten and nothing changes silently:

1. the delivery is read with the source record's ``import:`` spec (``readers``);
2. it is compared with what is known now (the latest vintage of every key): new values,
   revised values (old -> new) and unchanged ones, shown per indicator and area;
3. it is checked for what a reader cannot see: a cell like ``42.700`` under a decimal-comma spec
   (dot decimals read as thousands), a jump of ten times or more against the previous value
   (the same key's earlier vintage, or for a new period the latest earlier period of the
   series), and values outside the indicator's ``plausible`` range in the catalogue. Any of
   these stops the import unless it is confirmed (``--bekreft``);
4. sources whose observations are computed from snapshots (``derive.DERIVED``) are refused,
   with the command that rebuilds them;
5. with ``--dry-run`` it stops after showing all of this. Otherwise the new and revised rows
   are written as ``data/observations/<ID>/<vintage>.csv``, the raw file is kept under
   ``data/snapshots/<ID>/deliveries/<vintage>/``, and their sha256 are added to the source
   record (a text edit: no other line of the record changes).

A vintage must not be earlier than the source's latest, nor at or before the data cut-off of an
edition that is already published in ``output/``: that edition would no longer be what was
published."""

import datetime
import math
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from statusrapport import edition as edition_mod
from statusrapport import periods
from statusrapport.build.hashing import sha256
from statusrapport.chapter import formatting
from statusrapport.data import catalogue as catalogue_mod
from statusrapport.data import geography, observations, sources, vintages
from statusrapport.errors import DataError, ParameterError, StatusrapportError, did_you_mean
from statusrapport.ingest import derive, readers
from statusrapport.model import COLUMNS, Exit, KEY, VALUE_KEY, delivery_dir, vintage_file

JUMP = 10  # a value ten times (or a tenth of) the previous one must be confirmed


class ImportRefused(StatusrapportError):
    """The import would distort data unless confirmed, or cannot be done this way; data/ is
    unchanged. The message says what is wrong and how to proceed."""

    exit_code = Exit.DATA


@dataclass
class Plan:
    """What an import would do."""
    source_id: str
    vintage: str  # the file stem: the date, or date_N for the N-th delivery that day
    rows: pd.DataFrame  # new and revised rows, as they will be written
    lines: list = field(default_factory=list)  # the change report, per indicator and area
    warnings: list = field(default_factory=list)  # implausible values (need --bekreft)
    new: int = 0
    revised: int = 0
    unchanged: int = 0


def _value_text(v):
    if v != v:  # NaN: missing or suppressed
        return ""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _shown(v, ind):
    if v != v:
        return "(ingen verdi)"
    return formatting.number(float(v), ind.decimals if ind else 1).replace(formatting.NBSP, " ")


def run(root, delivery, source_id, vintage=None, dry_run=False, confirm=False, today=None):
    """Import ``delivery`` into ``source_id``; returns the text to show. Raises ImportRefused
    (nothing written) when the delivery needs confirmation or cannot be imported."""
    root, delivery = Path(root), Path(delivery)
    today = today or datetime.date.today()
    data = root / "data"
    srcs = sources.load_all(data)
    if source_id not in srcs:
        raise ParameterError(f"ukjent kilde '{source_id}'; opprett data/sources/{source_id}.yml først "
                             f"(kjente: {', '.join(sorted(srcs))})")
    if source_id in derive.DERIVED:
        raise ImportRefused(
            f"Importen er stoppet: tallene i kilden {source_id} regnes ut av programmet fra "
            f"data/snapshots/{source_id}/ (summer for helsefellesskap, RHF og hele landet, og "
            "rater per innbygger). En import ville bare endret tallene i leveransen, så summene "
            "og ratene ville ikke stemt med dem. data/ er uendret. Slik går du videre: erstatt "
            f"uttrekket i data/snapshots/{source_id}/ med det nye (samme filnavn og form) og kjør "
            f"python -m statusrapport.ingest.derive --vintage {today.isoformat()} (datoen uttrekket "
            "kom). Den regner ut alle tallene på nytt, skriver bare nye og endrede tall som en ny "
            f"vintage, tar vare på uttrekket i data/snapshots/{source_id}/deliveries/ og "
            "oppdaterer sjekksummene; be en analytiker om hjelp første gang.")
    src = srcs[source_id]
    if not src.spec:
        raise ParameterError(f"data/sources/{source_id}.yml har ingen 'import:'-beskrivelse; legg den "
                             "til (se eksemplene i docs/brukerveiledning.md, steg 2)")
    if not delivery.is_file():
        raise ParameterError(f"{delivery}: filen finnes ikke")
    vintage = check_vintage(root, data, source_id, vintage, today)
    new = readers.read_delivery(delivery, src.spec, source_id)
    _require_catalogue(data, srcs, source_id, sorted(set(new["indicator"])))
    catalogue_path = data / "catalogue.yml"
    catalogue_text, linked = _link_catalogue(catalogue_path.read_text(encoding="utf-8"),
                                             sorted(set(new["indicator"])), source_id)
    with tempfile.TemporaryDirectory() as tmp:
        candidate_catalogue = Path(tmp) / "catalogue.yml"
        candidate_catalogue.write_text(catalogue_text, encoding="utf-8")
        cat = catalogue_mod.load(candidate_catalogue, set(srcs))
        geo = geography.load(data)
        plan = _plan(data, source_id, vintage, new, cat, geo, set(srcs), today)
        candidate = Path(tmp) / source_id / f"{vintage}.csv"  # read as the file it will become
        candidate.parent.mkdir()
        _write_rows(plan.rows, candidate)
        _, problems = observations.read(candidate, cat, geo, set(srcs), today)
        if problems:  # named as the file they would end up in, not the temporary copy
            for p in problems:
                p.file = p.file.replace(str(candidate), f"data/observations/{source_id}/{vintage}.csv "
                                        f"(etter import av {delivery.name})")
            raise DataError(problems)
        report = _report(delivery, plan, new)
        stop = new.attrs.get("ambiguous") or plan.warnings
        if dry_run:
            return (report + ("\n\n" + _refusal(new.attrs.get("ambiguous"), plan, source_id,
                                                "Importen vil bli stoppet")
                              if stop and not confirm else "")
                    + "\n\nPrøvekjøring (--dry-run): ingenting er skrevet. Kjør kommandoen uten "
                      "--dry-run for å lese leveransen inn.")
        if stop and not confirm:
            raise ImportRefused(report + "\n\n" + _refusal(new.attrs.get("ambiguous"), plan,
                                                           source_id))
        if plan.rows.empty:
            return report + "\n\nIngen nye eller reviderte verdier; ingenting er skrevet."
        target = data / vintage_file(source_id, vintage)
        kept = data / delivery_dir(source_id, vintage) / delivery.name
        target.parent.mkdir(parents=True, exist_ok=True)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(delivery, kept)
        shutil.copyfile(candidate, target)
        if linked:
            catalogue_path.write_text(catalogue_text, encoding="utf-8")
    sources.add_files(data, source_id, {p.relative_to(data).as_posix(): sha256(p)
                                        for p in (kept, target)})
    return (report + f"\n\nImporterte {len(new)} observasjoner fra {delivery.name} "
            f"({plan.new} nye, {plan.revised} reviderte, {plan.unchanged} uendrede) for "
            f"{', '.join(sorted(set(new['indicator'])))} til "
            f"data/{vintage_file(source_id, vintage)} (vintage {vintage[:10]}); leveransen er "
            f"lagret i data/{delivery_dir(source_id, vintage)}/ og sjekksummene er lagt til i "
            f"data/sources/{source_id}.yml."
            + (f" Kilden er lagt til i katalogen for {', '.join(linked)}." if linked else "")
            + (" Advarslene over er bekreftet med --bekreft." if stop else ""))


def check_vintage(root, data, source_id, vintage, today):
    """The stem of the new vintage file, after checking the date."""
    text = str(vintage or today.isoformat())
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"--vintage '{text}' er ikke en dato; skriv ÅÅÅÅ-MM-DD, f.eks. "
                             f"{today.isoformat()} (datoen leveransen kom)") from None
    if day > today:
        raise ParameterError(f"--vintage {text} ligger fram i tid (i dag er {today.isoformat()}); "
                             "bruk datoen leveransen kom")
    existing = vintages.files(data, source_id)
    if existing and vintages.date_of(existing[-1]) > text:
        raise ParameterError(f"kilden {source_id} har allerede en levering datert "
                             f"{vintages.date_of(existing[-1])}; en ny levering kan ikke dateres "
                             f"før den. Bruk --vintage {today.isoformat()} (i dag) eller datoen "
                             "leveransen kom, hvis den er senere")
    for params in sorted((root / "params").glob("*.yml")):
        try:
            ed = edition_mod.load(params, root / "params")
        except ParameterError:
            continue  # validate reports a broken params file
        if (root / "output" / ed.name / "manifest.json").is_file() and text <= ed.data_cutoff:
            raise ParameterError(
                f"utgave {ed.name} er publisert med datagrense {ed.data_cutoff}; en levering "
                f"datert {text} ville endret tallene i den publiserte utgaven. Bruk --vintage med "
                f"en dato etter {ed.data_cutoff} (datoen leveransen faktisk kom inn), så kommer "
                "tallene med i neste utgave")
    return vintages.new_stem(data, source_id, text)


def _known(data, source_id, catalogue, geo, source_ids, today):
    """What is known now: the latest vintage of every key of this source."""
    frames = []
    for path in vintages.files(data, source_id):
        frame, problems = observations.read(path, catalogue, geo, source_ids, today)
        if problems:
            raise DataError(problems)
        frames.append(frame)
    return vintages.latest(frames)


def _plan(data, source_id, vintage, new, cat, geo, source_ids, today):
    known = _known(data, source_id, cat, geo, source_ids, today)
    old = ({} if known is None else
           {tuple(r[k] for k in KEY): r for r in known.to_dict("records")})
    plan = Plan(source_id, vintage, new.iloc[0:0])
    keep, report = [], {}
    for rec in new.to_dict("records"):
        key = tuple(rec[k] for k in KEY)
        before = old.get(key)
        if before is not None and (_value_text(before["value"]) == _value_text(rec["value"])
                                   and before["status"] == rec["status"]):
            plan.unchanged += 1
            continue
        keep.append(rec)
        ind = cat.indicators.get(rec["indicator"])
        area = (rec["indicator"], geo.name(rec["geo_level"], rec["geo_code"]) or rec["geo_code"],
                rec["geo_level"], rec["geo_code"])
        label = periods.label(rec["period"])
        if before is None:
            plan.new += 1
            report.setdefault(area, []).append(f"ny: {label} = {_shown(rec['value'], ind)}")
        else:
            plan.revised += 1
            report.setdefault(area, []).append(
                f"revidert: {label}: {_shown(before['value'], ind)} → {_shown(rec['value'], ind)}")
        plan.warnings += _implausible(rec, before, ind, old, new)
    plan.rows = pd.DataFrame(keep, columns=list(new.columns))
    for (ind_id, name, level, code), lines in sorted(report.items()):
        plan.lines.append(f"  {ind_id}, {name} ({level} {code}):")
        plan.lines += [f"    {line}" for line in lines]
    return plan


def _previous_period(rec, old, new):
    """The value of the latest earlier period of the same series (known or in the delivery)."""
    series = tuple(rec[k] for k in VALUE_KEY if k != "period")
    multi = periods.is_multi_year(rec["period"])
    best = None
    for other in list(old.values()) + new.to_dict("records"):
        if (tuple(other[k] for k in VALUE_KEY if k != "period") != series
                or periods.is_multi_year(other["period"]) != multi
                or not other["period"] < rec["period"] or other["value"] != other["value"]):
            continue
        if best is None or other["period"] > best["period"]:
            best = other
    return best


def _implausible(rec, before, ind, old, new):
    """Warnings for a value that jumps ten times or more, or leaves the plausible range."""
    value, out = rec["value"], []
    if value != value:
        return out
    where = (f"{rec['indicator']} {rec['geo_level']} {rec['geo_code']} "
             f"{periods.label(rec['period'])}")
    if before is not None and before["value"] == before["value"]:
        base, what = before["value"], "forrige levering av samme tall"
    else:
        prev = _previous_period(rec, old, new)
        base = prev["value"] if prev is not None else None
        what = f"{periods.label(prev['period'])}" if prev is not None else ""
    if base and value and math.isfinite(base):
        ratio = abs(value / base)
        if ratio >= JUMP or ratio <= 1 / JUMP:
            factor = (f"×{ratio:,.0f}" if ratio >= 1 else f"÷{1 / ratio:,.0f}").replace(",", " ")
            out.append(f"{where}: {_shown(value, ind)} er {factor} mot {_shown(base, ind)} "
                       f"({what})")
    if ind is not None and ind.plausible:
        low, high = ind.plausible
        if not low <= value <= high:
            out.append(f"{where}: {_shown(value, ind)} ligger utenfor det rimelige området "
                       f"{_shown(low, ind)}–{_shown(high, ind)} (plausible i data/catalogue.yml)")
    return out


def _report(delivery, plan, new):
    head = (f"Leveransen {delivery.name} til kilden {plan.source_id} (vintage {plan.vintage[:10]}): "
            f"{plan.new} nye, {plan.revised} reviderte og {plan.unchanged} uendrede verdier.")
    lines = [head] + plan.lines
    notes = new.attrs.get("notes") or []
    lines += [f"  merk: {n}" for n in notes]
    return "\n".join(lines)


def _refusal(ambiguous, plan, source_id, what="Importen er stoppet"):
    parts = [f"{what}; data/ er uendret."]
    if ambiguous:
        parts.append("Mulig feil desimaltegn:")
        parts += [f"  - {p}" for p in ambiguous]
        parts.append(
            "Slik går du videre: bruker leveransen punktum som desimaltegn (42.7), skriv "
            f"decimal: \".\" under import: i data/sources/{source_id}.yml og importer på nytt. "
            "Er punktum tusenskille (42.700 = 42 700), kjør samme kommando med --bekreft.")
    if plan.warnings:
        parts.append("Urimelige verdier (hopp på ti ganger eller mer, eller utenfor det rimelige "
                     "området):")
        parts += [f"  - {w}" for w in plan.warnings]
        parts.append(
            "Slik går du videre: sjekk tallene i leveransen mot kilden. Er det feil enhet eller "
            "desimaltegn, be om en rettet leveranse eller rett importoppsettet i "
            f"data/sources/{source_id}.yml. Er tallene riktige, kjør samme kommando med "
            f"--bekreft. Se endringene først med --dry-run.")
    return "\n".join(parts)


def _write_rows(rows, path):
    out = rows.copy()
    out["value"] = out["value"].map(_value_text)
    out = out.sort_values(KEY).reset_index(drop=True)[COLUMNS]
    out.to_csv(path, index=False, lineterminator="\n")


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
