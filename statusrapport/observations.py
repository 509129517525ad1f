"""Reading and checking the tidy observation tables (``data/observations/*.csv``).

Our own files are strict: UTF-8, comma separated, dot as decimal separator. Every problem names
file, row (as a spreadsheet shows it, header = row 1), column, value and what was expected."""

import csv
import datetime
import io
import re

import pandas as pd

from .catalogue import LEVELS, NON_NEGATIVE
from .exceptions import Problem
from .readlog import opened

COLUMNS = ["indicator", "period", "geo_level", "geo_code", "value", "status", "source", "ref"]
STATUSES = ("", "provisional", "suppressed", "missing")
PERIOD = re.compile(r"^(\d{4})(-(\d{4})|T[1-3]|H[12]|-(0[1-9]|1[0-2])(-\d{2})?)?$")
KEY = ["indicator", "period", "geo_level", "geo_code", "source"]


def period_end_year(period):
    m = PERIOD.match(period)
    return int(m.group(3) or m.group(1))


def read(path, catalogue, geography, source_ids, today=None):
    """Returns (DataFrame, problems). Rows with problems are left out of the frame."""
    today = today or datetime.date.today()
    problems = []
    raw = opened(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [Problem(path, f"ikke gyldig UTF-8 (byte {err.start}, linje {line}); lagre filen "
                              "som UTF-8", value=raw[err.start:err.start + 1].hex())]
    if not text.strip():
        return None, [Problem(path, "filen er tom")]
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    if header != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in COLUMNS]
        hint = " (semikolon som skilletegn? bruk komma)" if len(header) == 1 and ";" in header[0] else ""
        msg = "feil kolonner" + hint
        if missing:
            msg += f"; mangler: {', '.join(missing)}"
        if extra:
            msg += f"; ukjente: {', '.join(extra)}"
        return None, [Problem(path, msg + f"; forventet: {','.join(COLUMNS)}", row=1)]
    good, seen = [], {}
    codes = {lvl: geography.codes(lvl) for lvl in LEVELS if lvl != "land"}
    codes["land"] = {"NO"}
    for n, fields in enumerate(rows[1:], start=2):
        if not fields:
            continue
        if len(fields) != len(COLUMNS):
            problems.append(Problem(path, f"har {len(fields)} felt, forventet {len(COLUMNS)} "
                                    "(avkortet linje eller feil skilletegn?)", row=n))
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
        if rec["geo_level"] not in LEVELS:
            bad("geo_level", f"forventet ett av {', '.join(LEVELS)}")
        elif rec["geo_code"] not in codes[rec["geo_level"]]:
            bad("geo_code", f"ukjent kode for nivået '{rec['geo_level']}'")
        if rec["status"] not in STATUSES:
            bad("status", "forventet tom, provisional, suppressed eller missing")
        if not PERIOD.match(rec["period"]):
            bad("period", "forventet f.eks. 2024, 2020-2024, 2021T1, 2022H1 eller 2022-03")
        elif period_end_year(rec["period"]) > today.year and not (ind and ind.projection):
            bad("period", f"perioden ligger fram i tid (i dag er {today.isoformat()})")
        value = None
        if rec["value"] == "":
            if rec["status"] in ("", "provisional"):
                bad("value", "verdi mangler; sett status missing eller suppressed")
        else:
            try:
                value = float(rec["value"])
            except ValueError:
                hint = " med punktum som desimaltegn" if "," in rec["value"] else ""
                bad("value", f"forventet et tall{hint}")
            if value is not None and ind is not None:
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
    return frame, problems
