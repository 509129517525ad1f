"""Reading and checking the tidy observation tables (``data/observations/<source>/<vintage>.csv``).

Our own files are strict: UTF-8, comma separated, dot as decimal separator. Every problem names
file, row (as a spreadsheet shows it, header = row 1), column, value and what was expected."""

import csv
import datetime
import math
import io
import re
from pathlib import Path

import pandas as pd

from statusrapport import periods
from statusrapport.errors import Problem
from statusrapport.model import (COLUMNS, KEY, LEVELS, NATIONAL, NATIONAL_CODE, NON_NEGATIVE,
                                 STATUSES, VINTAGE, qualifier_problem, split_status)
from statusrapport.data import fileio
from statusrapport.data.fileio import opened

NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
CODE_FILES = {NATIONAL: NATIONAL_CODE, "kommune": "geography/kommuner.csv"}


def _period_problem(period, today, projection):
    """None, or what is wrong with ``period`` in an observation file."""
    wrong = periods.problem(period)
    if wrong:
        return wrong
    if not projection and (periods.end_year(period) > today.year or periods.start(period) > today):
        return f"perioden ligger fram i tid (i dag er {today.isoformat()})"
    return None


def _header_problem(path, header, columns=COLUMNS):
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    hint = ""
    if len(header) == 1 and ";" in header[0]:
        hint = " (semikolon som skilletegn? bruk komma)"
    elif len(header) == 1 and "\t" in header[0]:
        hint = " (tabulator som skilletegn? bruk komma)"
    msg = "feil kolonner" + hint
    if not hint and not missing and not extra:
        msg += "; kolonnene står i feil rekkefølge eller flere ganger"
    if missing and not hint:
        msg += f"; mangler: {', '.join(missing)}"
    if extra and not hint:
        msg += f"; ukjente: {', '.join(repr(c) for c in extra)}"
    return Problem(path, msg + f"; forventet: {','.join(columns)}", row=1)


CSV_ERRORS = {
    "unexpected end of data": "filen slutter inne i et felt i anførselstegn (avkortet fil eller "
                              "manglende avsluttende \")",
    "expected after": "ugyldig bruk av anførselstegn (\" skal stå rundt hele feltet)",
    "field larger than field limit": "et felt er urimelig langt (manglende avsluttende \"?)",
}


def _records(path, text, problems, delimiter=","):
    """(row number, fields) for each record; CSV syntax errors and fields that run over several
    lines (a forgotten closing quote) become problems naming the line."""
    reader = csv.reader(io.StringIO(text), strict=True, delimiter=delimiter)
    out = []
    while True:
        start_line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return out
        except csv.Error as err:
            why = next((v for k, v in CSV_ERRORS.items() if k in str(err)), f"CSV-feil: {err}")
            problems.append(Problem(path, f"kan ikke leses som CSV fra linje {start_line}: {why}",
                                    row=len(out) + 1))
            return None
        if reader.line_num > start_line and any("\n" in f or "\r" in f for f in fields):
            problems.append(Problem(path, f"et felt går over flere linjer (linje {start_line}–"
                                    f"{reader.line_num}); mangler et avsluttende anførselstegn (\")?",
                                    row=len(out) + 1))
            return None
        out.append((len(out) + 1, fields))


def _decode(path, problems, excel=False):
    """The file's text, or None with a problem added; our own files are UTF-8 (``excel``: also
    cp1252, as Norwegian Excel saves CSV)."""
    try:
        raw = fileio.read_bytes(opened(path), problems)
    except FileNotFoundError:
        problems.append(Problem(path, "filen mangler"))
        return None
    if raw is None:
        return None
    return fileio.decode(path, raw, problems, allow_cp1252=excel) if raw.strip() else ""


def read_table(path, columns, problems, excel=False, extra_fields_hint=""):
    """A strict CSV table of strings with exactly ``columns`` (in any order), for geography and
    tiltak: (DataFrame, row numbers as a spreadsheet shows them), or (None, []) with problems
    added if the file cannot be used at all. Rows with the wrong number of fields are reported
    and left out. ``excel``: a file staff edit in Excel, which may also be cp1252 and separated
    by semicolons (the separator is taken from the header line)."""
    path = Path(path)
    text = _decode(path, problems, excel)
    if text is None:
        return None, []
    if not text.strip():
        problems.append(Problem(path, f"filen er tom; forventet overskriftsraden {','.join(columns)}"))
        return None, []
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if excel and first.count(";") > first.count(",") else ","
    rows = _records(path, text, problems, delimiter)
    if rows is None:
        return None, []
    header = rows[0][1]
    if sorted(header) != sorted(columns):
        problems.append(_header_problem(path, header, columns))
        return None, []
    good, numbers = [], []
    for n, fields in rows[1:]:
        if not fields:
            continue
        if len(fields) != len(header):
            hint = (extra_fields_hint.format(sep="semikolon" if delimiter == ";" else "komma",
                                             char=delimiter)
                    if len(fields) > len(header) and extra_fields_hint
                    else "avkortet linje eller feil skilletegn?")
            problems.append(Problem(path, f"har {len(fields)} felt, forventet {len(header)} "
                                    f"({hint})", row=n, value=delimiter.join(fields)))
            continue
        good.append(dict(zip(header, fields)))
        numbers.append(n)
    return pd.DataFrame(good, columns=list(columns), dtype=str), numbers


def read(path, catalogue, geography, source_ids, today=None):
    """Returns (DataFrame, problems). Rows with problems are left out of the frame. The file is
    ``<source>/<vintage>.csv``; the frame has a ``vintage`` column with the file's date."""
    from statusrapport.data import vintages

    today = today or datetime.date.today()
    path, problems = Path(path), []
    stem = vintages.parse(path.stem)
    if stem is None:
        return None, [Problem(path, "filnavnet skal være datoen verdiene ble kjent (ÅÅÅÅ-MM-DD.csv) "
                              "i mappen til kilden, f.eks. observations/seed002/2024-03-01.csv; "
                              "kjør python -m statusrapport.data.vintages for å flytte filen")]
    if stem[0] > today.isoformat():
        return None, [Problem(path, f"datoen i filnavnet ligger fram i tid (i dag er "
                              f"{today.isoformat()}); bruk datoen leveransen kom")]
    owner = path.parent.name
    text = _decode(path, problems)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [Problem(path, "filen er tom; forventet overskriftsraden "
                              f"{','.join(COLUMNS)} og minst én rad")]
    rows = _records(path, text, problems)
    if rows is None:
        return None, problems
    header = rows[0][1]
    if header != COLUMNS:
        return None, [_header_problem(path, header)]
    good, seen = [], {}
    codes = {lvl: geography.codes(lvl) for lvl in LEVELS if lvl != NATIONAL}
    codes[NATIONAL] = {NATIONAL_CODE}
    for n, fields in rows[1:]:
        if not fields:
            continue
        if len(fields) != len(COLUMNS):
            problems.append(Problem(path, f"har {len(fields)} felt, forventet {len(COLUMNS)} "
                                    "(avkortet linje, feil skilletegn eller desimalkomma uten "
                                    "anførselstegn?)", row=n, value=",".join(fields)))
            continue
        rec = dict(zip(COLUMNS, fields))
        before = len(problems)

        def bad(column, message):
            problems.append(Problem(path, message, row=n, column=column, value=rec[column]))

        ind = catalogue.indicators.get(rec["indicator"])
        if ind is None:
            bad("indicator", "ukjent indikator (ikke i catalogue.yml)")
        if rec["source"] not in source_ids:
            bad("source", "ukjent kilde (ingen post i data/sources/)")
        elif rec["source"] != owner:
            bad("source", f"forventet '{owner}' (filen hører til kilden med samme navn som mappen)")
        elif ind is not None and rec["source"] not in ind.source:
            bad("source", f"indikatoren '{ind.id}' har ikke denne kilden i catalogue.yml "
                f"(har: {', '.join(ind.source)}); raden ville aldri blitt brukt")
        if rec["geo_level"] not in LEVELS:
            bad("geo_level", f"forventet ett av {', '.join(LEVELS)}")
        elif rec["geo_code"] not in codes[rec["geo_level"]]:
            where = CODE_FILES.get(rec["geo_level"], "geography/units.csv")
            expected = NATIONAL_CODE if rec["geo_level"] == NATIONAL else f"en kode fra {where}"
            bad("geo_code", f"ukjent kode for nivået '{rec['geo_level']}'; forventet {expected}")
        status, qualifiers = split_status(rec["status"])
        if rec["status"].split(";")[0].strip() not in STATUSES and not qualifiers:
            bad("status", "forventet tom, provisional, suppressed eller missing")
        for q in qualifiers:
            if qualifier_problem(q):
                bad("status", qualifier_problem(q))
        wrong = _period_problem(rec["period"], today, bool(ind and ind.projection))
        if wrong:
            bad("period", wrong)
        value = None
        if rec["value"] == "":
            if status in ("", "provisional"):
                bad("value", "verdi mangler; sett status missing eller suppressed")
        elif not NUMBER.match(rec["value"]):
            hint = " med punktum som desimaltegn" if "," in rec["value"] else ""
            bad("value", f"forventet et tall{hint} (f.eks. 12.5)")
        else:
            value = float(rec["value"])
            if not math.isfinite(value):
                bad("value", "tallet er for stort til å være et tall (uendelig); sjekk verdien")
            elif status in ("suppressed", "missing"):
                bad("value", f"skal være tom når status er {rec['status']}")
            elif ind is not None:
                if ind.unit == "prosent" and not 0 <= value <= 100:
                    bad("value", "en andel i prosent skal ligge mellom 0 og 100")
                elif ind.unit in NON_NEGATIVE and value < 0:
                    bad("value", f"kan ikke være negativ (enhet: {ind.unit})")
        key = tuple(rec[k] for k in KEY)
        if key in seen:
            problems.append(Problem(path, f"samme nøkkel som rad {seen[key]} "
                                    f"({', '.join(KEY)})", row=n, value="/".join(key)))
        seen.setdefault(key, n)
        if len(problems) == before:
            rec["value"] = value
            good.append(rec)
    frame = pd.DataFrame(good, columns=COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame[VINTAGE] = stem[0]
    return frame, problems
