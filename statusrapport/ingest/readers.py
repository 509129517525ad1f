"""Importers: turn a data delivery (SSB JSON-stat2, CSV or Excel) into tidy observations.

``read_delivery(path, spec, source_id)`` returns a DataFrame with the columns of
``data/README.md`` (``indicator, period, geo_level, geo_code, value, status, source, ref``),
sorted by key. Every problem found in the file is collected and raised together as one
``DataError``; nothing is fetched from the network.

The ``spec`` is the ``import:`` mapping of a source record::

    import:
      format: jsonstat2            # required: jsonstat2 | csv | xlsx
      geo_level: kommune           # required: land | rhf | hf | helsefellesskap | dps | kommune
      geo_dimension: Region        # dimension id (jsonstat2) or column name (csv/xlsx) ...
      geo_code: "NO"               # ... or one fixed code for the file (default "NO" for land)
      geo_map: {"0": "NO", EAK: ~} # optional: delivery code -> our code; ~ (null) drops the rows.
                                   #   For kommune, "K-0301" and "0301 Oslo" become "0301" and a
                                   #   3-digit number (Excel ate the leading zero) is padded.
      period_dimension: Tid        # dimension id / column name ...
      period: "2024"               # ... or one fixed period
      indicator_dimension: ContentsCode  # dimension id / column name ...
      indicator: legearsverk       # ... or one fixed indicator id
      indicators: {AvtLegeaarsverk: legearsverk_fgk10}  # code or label -> indicator id;
                                   #   an unmapped code or label is an error
      filter: {KOKfunksjon0000: FGK10}  # optional: keep only rows with these values (a value
                                   #   or a list of values per dimension/column)
      provisional: false           # optional: mark every published value as provisional
      table: "11996"               # optional jsonstat2: table id for `ref` (else read from file)
      # csv and xlsx only:
      value_column: value          # column holding the numbers (not with wide_periods)
      wide_periods: false          # true: columns whose header is a period (2023, 2024M01 ...)
                                   #   hold the values; they are melted into rows
      skip_rows: 0                 # lines above the header (SSB's title line and blank line)
      decimal: ","                 # decimal separator; the other of "," and "." is then read
                                   #   as a thousands separator when it is followed by exactly
                                   #   three digits ("1.234" = 1234), else as a decimal point
      separator: ";"               # csv: override the separator sniffed from the header
      percent_sign: false          # csv/xlsx: true = a trailing "%" is dropped ("15,7%" is 15.7,
                                   #   the value is already in percent; NKI exports)
      sheet: Data                  # xlsx: sheet name (default: the only visible sheet)

Cells hold numbers ("12,5", "12 345,6", "12.5") or SSB symbols: ``.``, ``..`` and ``...``
give status ``missing``, ``:`` gives ``suppressed`` and ``-`` is a true zero; an empty cell
is ``missing``. Row numbers in messages are the line numbers a spreadsheet user sees (the
first line of the file is row 1; without ``skip_rows`` the header is row 1).

CSV files are read as UTF-8 (with or without BOM); a file with no valid UTF-8 multi-byte
sequence is read as cp1252/Latin-1 and ``df.attrs["notes"]`` says so. A file that is mostly
UTF-8 but has a bad byte is corrupt, and the byte offset is reported.
"""

import csv
import io
import json
import math
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from statusrapport import periods
from statusrapport.data import fileio, schema
from statusrapport.errors import DataError, Problem
from statusrapport.model import COLUMNS, INDICATOR_ID, NATIONAL, NATIONAL_CODE, VALUE_KEY

FORMATS = ("jsonstat2", "csv", "xlsx")
GEO_PATTERNS = {  # what a code must look like at each level (data/README.md)
    NATIONAL: (NATIONAL_CODE, NATIONAL_CODE),
    "rhf": (r"H\d\d", "H + to siffer, f.eks. H03"),
    "hf": (r"[a-z0-9][a-z0-9_-]*", "en kortkode med små bokstaver"),
    "helsefellesskap": (r"[a-z0-9][a-z0-9_-]*", "en kortkode med små bokstaver"),
    "dps": (r"[a-z0-9][a-z0-9_-]*", "en kortkode med små bokstaver"),
    "kommune": (r"\d{4}", "et kommunenummer med fire siffer"),
}
# SSB's standard table symbols ("Symboler i tabeller") -> (value, status). "." = not possible
# to report, ".." = not available, "..." = not yet available, ":" = confidential, and "-"
# means "nothing to report", i.e. a real zero.
SSB_SYMBOLS = {
    ".": (math.nan, "missing"),
    "..": (math.nan, "missing"),
    "...": (math.nan, "missing"),
    ":": (math.nan, "suppressed"),
    "-": (0.0, ""),
}
PERIOD_HELP = periods.HELP + ", eller SSBs 2022M03"


def read_delivery(path, spec: dict, source_id: str) -> pd.DataFrame:
    """Read one delivery file according to ``spec`` (see module docstring)."""
    path = Path(path)
    problems = _check_spec(path, spec)
    if problems:
        raise DataError(problems)
    if not path.exists():
        raise DataError(Problem(path, "filen finnes ikke"))
    reader = {"jsonstat2": _read_jsonstat2, "csv": _read_csv, "xlsx": _read_xlsx}[spec["format"]]
    notes = []
    raw = reader(path, spec, problems, notes)
    ambiguous = []
    rows = _tidy(path, spec, source_id, raw, problems, ambiguous)
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(VALUE_KEY, kind="stable").reset_index(drop=True)
    frame.attrs["notes"] = notes
    frame.attrs["ambiguous"] = ambiguous  # cells like "42.700" under decimal comma (Problems)
    return frame


# --- spec ------------------------------------------------------------------------------


_ID = {"type": "string", "pattern": INDICATOR_ID,
       "message": "indikator-id må være små bokstaver, siffer og _ (f.eks. ventetid_phbu)"}
_MAPPING = {"type": "object", "message": "'{key}' må være en mapping"}


def _one_of(key, values):
    text = f"'{key}' må være en av {', '.join(values)}"
    return {"enum": list(values), "message": text, "missing": text}


SPEC = {  # the ``import:`` part of a source record
    "type": "object",
    "message": "forventet en mapping under 'import:'",
    "properties": {
        "format": _one_of("format", FORMATS), "geo_level": _one_of("geo_level", GEO_PATTERNS),
        "geo_dimension": {}, "geo_code": {}, "geo_map": _MAPPING,
        "period_dimension": {}, "period": {},
        "indicator_dimension": {}, "indicator": _ID,
        "indicators": {"type": "object", "additionalProperties": _ID,
                       "message": "'indicators' må være en mapping (kode -> indikator-id)"},
        "filter": _MAPPING, "provisional": {}, "table": {}, "value_column": {},
        "wide_periods": {}, "skip_rows": {"type": "integer", "minimum": 0,
                                          "message": "'skip_rows' må være et heltall ≥ 0"},
        "decimal": {"enum": [",", "."], "message": "'decimal' må være \",\" eller \".\""},
        "separator": {}, "sheet": {}, "percent_sign": {},
    },
    "required": ["format", "geo_level"],
    "additionalProperties": False,
    "unknown": "ukjent nøkkel '{key}'; gyldige nøkler: {known}",
}


def _check_spec(path, spec):
    """Problems with the import spec itself, so a typo is not mistaken for bad data: the rules
    in ``SPEC``, then which keys go together (a schema could say it, but not in these words)."""
    def bad(message, value=None):
        problems.append(Problem(path, f"importoppsett: {message}", value=value))

    problems = []
    for _, message, value in schema.check(SPEC, spec):
        bad(message, value)
    if not isinstance(spec, dict):
        return problems
    level = spec.get("geo_level")
    pairs = [("geo_dimension", "geo_code"), ("period_dimension", "period"),
             ("indicator_dimension", "indicator")]
    for dim, fixed in pairs:
        optional = (dim == "geo_dimension" and level == NATIONAL) or (
            dim == "period_dimension" and spec.get("wide_periods"))
        given = (dim in spec) + (fixed in spec)
        if given == 2 or (given == 0 and not optional):
            bad(f"oppgi nøyaktig én av '{dim}' og '{fixed}'")
    if "indicator_dimension" in spec and "indicators" not in spec:
        bad("'indicators' (kode -> indikator-id) mangler")
    if spec.get("format") in ("csv", "xlsx") and not spec.get("wide_periods") and "value_column" not in spec:
        bad("'value_column' mangler (eller bruk wide_periods: true)")
    return problems


def _filter_sets(spec):
    """filter: {dim: value or [values]} -> {dim: {str values}}."""
    out = {}
    for dim, wanted in (spec.get("filter") or {}).items():
        values = wanted if isinstance(wanted, list) else [wanted]
        out[str(dim)] = {_text(v) for v in values}
    return out


# --- raw records -----------------------------------------------------------------------
# Each reader returns "raw" dicts: geo, period, indicator (delivery codes, or None when the
# spec gives a fixed one), value, status, row (spreadsheet row or None), where (the `ref`),
# at (the cell, for duplicate messages) and cols (dimension/column names for messages).


def _tidy(path, spec, source_id, raw, problems, ambiguous):
    """Map delivery codes to our ids, check them, and flag duplicate keys. Cells whose number
    may be a dot-decimal value read as thousands go to ``ambiguous``."""
    mappers = {"geo": _geo_mapper(spec), "period": _parse_period,
               "indicator": _indicator_mapper(spec)}
    fixed = {"geo": spec.get("geo_code", NATIONAL_CODE if spec["geo_level"] == NATIONAL else None),
             "period": spec.get("period"), "indicator": None}
    mapped = {part: {} for part in mappers}  # memo: each distinct code is checked once
    bad_codes = {}  # (column, code, message) -> [first row, count]: one problem per code
    rows, first_seen = [], {}
    for rec in raw:
        out = {"indicator": spec.get("indicator")}
        for part in ("geo", "period", "indicator"):
            code = rec[part] if rec[part] is not None else fixed[part]
            if code is None:
                continue  # the fixed indicator id, already checked with the spec
            code = code if isinstance(code, tuple) else _text(code)
            if code not in mapped[part]:
                mapped[part][code] = mappers[part](code)
            out[part] = mapped[part][code]
            if isinstance(out[part], _Invalid):
                column = rec["cols"][part] or _FIXED_KEY[part]
                slot = bad_codes.setdefault((column, _show(code), out[part]), [rec["row"], 0])
                slot[1] += 1
        if rec["value"] is _BAD or any(v is None or isinstance(v, _Invalid)
                                       for v in out.values()):
            continue  # reported above, or dropped by geo_map
        status = rec["status"]
        if spec.get("provisional") and status == "":
            status = "provisional"
        level = NATIONAL if out["geo"] == NATIONAL_CODE else spec["geo_level"]  # RHF + landet
        key = (out["indicator"], out["period"], level, out["geo"])
        if key in first_seen:
            problems.append(Problem(
                path, f"samme indikator, periode og geografi to ganger: {first_seen[key]} og "
                f"{rec['at']}", row=rec["row"], value="/".join(key)))
            continue
        first_seen[key] = rec["at"]
        if rec.get("dot_group"):
            as_decimal = (rec["dot_group"].replace(".", ",").rstrip("0").rstrip(",")
                          if rec["dot_group"].count(".") == 1 else None)
            ambiguous.append(Problem(
                path, f"punktum fulgt av nøyaktig tre sifre, men importoppsettet sier desimalkomma: "
                f"lest som {_plain(rec['value'])} med punktum som tusenskille"
                + (f"; var det ment som {as_decimal} med desimalpunktum?" if as_decimal else ""),
                row=rec["row"], column=rec["value_column"], value=rec["dot_group"]))
        rows.append([*key, rec["value"], status, source_id, rec["where"]])
    for (column, code, message), (row, count) in bad_codes.items():
        suffix = f" ({count} forekomster)" if count > 1 else ""
        problems.append(Problem(path, message + suffix, row=row, column=column, value=code))
    return rows


def _plain(value):
    return f"{value:,.0f}".replace(",", " ") if float(value).is_integer() else repr(value)


# A dot followed by exactly three digits ("42.700"): thousands under decimal comma, but the most
# common sign of a dot-decimal file read against a decimal-comma spec.
DOT_GROUP = re.compile(r"[-+]?\d{1,3}(\.\d{3})+")


class _Invalid(str):
    """A mapper's answer for a code it cannot accept: the message saying what was expected."""


_FIXED_KEY = {"geo": "geo_code", "period": "period", "indicator": "indicator"}
_BAD = object()  # value marker: the cell was not a number (already reported)


def _geo_mapper(spec):
    level, geo_map = spec["geo_level"], spec.get("geo_map") or {}
    pattern, help_text = GEO_PATTERNS[level]

    def map_geo(code):
        if code in geo_map:
            code = geo_map[code]
            if code is None:
                return None
            code = _text(code)
        elif level == "kommune":
            # SSB writes "K-0301" (API) or "0301 Oslo" (csv labels); Excel drops leading zeros.
            match = re.fullmatch(r"(?:K-)?(\d{3,4})(?:\s+\S.*)?", code)
            if match:
                code = match.group(1).zfill(4)
        if code != NATIONAL_CODE and not re.fullmatch(pattern, code):
            return _Invalid(f"ukjent geografikode; forventet {help_text}, eller {NATIONAL_CODE} "
                            "for hele landet (eller en oversettelse i 'geo_map', f.eks. "
                            f"\"Hele landet\": {NATIONAL_CODE})")
        return code

    return map_geo


def _indicator_mapper(spec):
    table = {str(k): v for k, v in (spec.get("indicators") or {}).items()}

    def map_indicator(code):
        # jsonstat2 passes (code, label) so that either may be used in the spec.
        for candidate in code if isinstance(code, tuple) else (code,):
            if candidate in table:
                return table[candidate]
        return _Invalid("ukjent kode i indikatordimensjonen; forventet en av: "
                        + ", ".join(sorted(table)))

    return map_indicator


def _parse_period(text):
    """Delivery period -> our period format (statusrapport.periods); SSB's 2024M01 -> 2024-01."""
    text = re.sub(r"^(\d{4})M(\d\d)$", r"\1-\2", text.strip())
    return text if periods.problem(text) is None else _Invalid(PERIOD_HELP)


def _show(code):
    return code[0] if isinstance(code, tuple) else code


def _text(cell):
    """A cell or spec value as text: Excel gives 2024 as int or 2024.0, dates as datetime."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


# --- numbers ---------------------------------------------------------------------------

_SPACES = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space


def parse_number(cell, decimal=","):
    """Cell -> (value, status), or None if it is not a number or an SSB symbol."""
    if cell is None:
        return math.nan, "missing"
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return (float(cell), "") if math.isfinite(cell) else None
    text = str(cell).strip().replace("\u2212", "-")  # Excel may write a real minus sign
    if text == "":
        return math.nan, "missing"
    if text in SSB_SYMBOLS:
        return SSB_SYMBOLS[text]
    dec, thou = re.escape(decimal), re.escape("." if decimal == "," else ",")
    # Digits in groups of three (space or the thousands character) or plain, then decimals.
    grouped = rf"[-+]?(\d{{1,3}}({_SPACES}\d{{3}})+|\d{{1,3}}({thou}\d{{3}})+|\d+)({dec}\d+)?"
    if re.fullmatch(grouped, text):
        plain = re.sub(f"{_SPACES}|{thou}", "", text).replace(decimal, ".")
        return float(plain), ""
    # The other separator once, not followed by exactly three digits: unambiguous decimals.
    if re.fullmatch(rf"[-+]?\d+{thou}(\d{{1,2}}|\d{{4,}})", text):
        return float(text.replace(",", ".")), ""
    return None


def _number_help(decimal, cell=None):
    example = "12,5" if decimal == "," else "12.5"
    sep = "desimalkomma" if decimal == "," else "desimalpunktum"
    text = (f"forventet et tall med {sep} (f.eks. {example}), et SSB-symbol "
            "(. .. ... : -) eller en tom celle")
    other = "." if decimal == "," else ","
    if cell is not None and parse_number(cell, other) is not None:
        name = "desimalpunktum" if other == "." else "desimalkomma"
        text += (f"; tallet ser ut til å ha {name}: sett decimal: \"{other}\" i "
                 "import:-beskrivelsen")
    return text


# --- JSON-stat2 ------------------------------------------------------------------------


def _read_jsonstat2(path, spec, problems, notes):
    raw = fileio.read_bytes(path, problems)
    text = None if raw is None else fileio.decode(path, raw, problems, notes)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        # An error at the very end means the download stopped early.
        what = ("filen slutter midt i JSON-dataene (avkortet fil?)"
                if err.pos >= len(text.rstrip()) else f"ugyldig JSON ({err.msg})")
        problems.append(Problem(path, f"{what}, tegn {err.colno} på linjen",
                                row=err.lineno))
        return []
    if not isinstance(data, dict) or data.get("class") != "dataset" or not all(
            k in data for k in ("id", "size", "dimension", "value")):
        problems.append(Problem(path, "forventet et JSON-stat2-datasett med class, id, size, "
                                "dimension og value"))
        return []
    shape = _jsonstat_shape(data)
    if shape:
        problems.append(Problem(path, f"ikke et gyldig JSON-stat2-datasett: {shape}"))
        return []
    ids, sizes = [str(i) for i in data["id"]], list(data["size"])
    categories = {d: _categories(data["dimension"].get(d, {})) for d in ids}
    if [len(categories[d]) for d in ids] != sizes:
        problems.append(Problem(path, "dimensjonene stemmer ikke med 'size'", value=sizes))
        return []
    roles = _jsonstat_roles(path, spec, ids, categories, problems)
    count = math.prod(sizes)
    values = _per_cell(data["value"], count)
    statuses = _per_cell(data.get("status"), count)
    statuses += [None] * (count - len(statuses))  # a status list may stop early
    if len(values) != count:
        problems.append(Problem(path, f"forventet {count} verdier (produktet av size), "
                                f"fant {len(values)}; avkortet fil?"))
        return []
    if roles is None:
        return []
    table = _text(spec.get("table")) or _table_id(data)
    prefix = f"tabell {table}" if table else f"fil {path.name}"
    return list(_jsonstat_records(path, spec, ids, sizes, categories, roles, values,
                                  statuses, prefix, problems))


def _jsonstat_shape(data):
    """What is wrong with the dataset's structure (None if nothing): the types every later
    step relies on."""
    if not isinstance(data["id"], list) or not isinstance(data["size"], list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in data["size"]):
        return "'id' og 'size' skal være lister (size med heltall)"
    if not isinstance(data["dimension"], dict) or not all(
            isinstance(d, dict) and isinstance(d.get("category", {}), dict)
            for d in data["dimension"].values()):
        return "'dimension' skal være et objekt med ett objekt per dimensjon"
    for key in ("value", "status"):
        cells = data.get(key)
        if isinstance(cells, dict) and not all(str(k).isdigit() for k in cells):
            bad = next(str(k) for k in cells if not str(k).isdigit())
            return f"'{key}' som objekt skal ha posisjoner (0, 1, 2 …) som nøkler, fant '{bad[:40]}'"
        if cells is not None and not isinstance(cells, (list, dict, str)):
            return f"'{key}' skal være en liste eller et objekt"
    return None


def _categories(dimension):
    """[(code, label)] in index order; index may be a dict code->position or a list."""
    category = dimension.get("category", {})
    labels = category.get("label", {})
    index = category.get("index")
    if isinstance(index, dict):
        codes = sorted(index, key=index.get)
    elif isinstance(index, list):
        codes = index
    else:  # a single-category dimension may omit index
        codes = list(labels)
    return [(str(code), str(labels.get(code, code))) for code in codes]


def _jsonstat_roles(path, spec, ids, categories, problems):
    """Which dimension holds what; any other dimension must be filtered to one category."""
    roles = {part: spec.get(key) for part, key in
             (("geo", "geo_dimension"), ("period", "period_dimension"),
              ("indicator", "indicator_dimension"))}
    filters = _filter_sets(spec)
    ok = True
    for name in [r for r in roles.values() if r] + list(filters):
        if name not in ids:
            problems.append(Problem(path, f"dimensjonen '{name}' finnes ikke; fant: "
                                    + ", ".join(ids), column=name))
            ok = False
    for dim, wanted in filters.items():
        codes = {c for c, _ in categories.get(dim, [])}
        for value in sorted(wanted - codes) if dim in ids else []:
            problems.append(Problem(path, "filterverdien finnes ikke; dimensjonen har: "
                                    + ", ".join(sorted(codes)), column=dim, value=value))
            ok = False
    for dim in ids:
        free = dim not in roles.values() and dim not in filters
        if free and len(categories[dim]) > 1:
            problems.append(Problem(path, f"dimensjonen har {len(categories[dim])} verdier, "
                                    "men er verken geografi, periode, indikator eller filter; "
                                    "legg den til under 'filter'", column=dim))
            ok = False
    return roles if ok else None


def _per_cell(values, count):
    """value/status may be a list, a dict {"index": x} (sparse) or one string for all cells."""
    if values is None:
        return [None] * count
    if isinstance(values, str):
        return [values] * count
    if isinstance(values, dict):
        out = [None] * count
        for index, value in values.items():
            if 0 <= int(index) < count:
                out[int(index)] = value
        return out
    return list(values)


def _table_id(data):
    """SSB puts the table id in extension.px.tableid and at the start of the label."""
    tableid = (data.get("extension") or {}).get("px", {}).get("tableid")
    if tableid:
        return str(tableid)
    match = re.match(r"(\d{5}):", str(data.get("label", "")))
    return match.group(1) if match else ""


def _jsonstat_records(path, spec, ids, sizes, categories, roles, values, statuses, prefix,
                      problems):
    filters = _filter_sets(spec)
    unknown_symbols = Counter()
    for flat in range(len(values)):
        # Row-major: the last dimension in `id` varies fastest.
        position, rest = {}, flat
        for dim, size in zip(reversed(ids), reversed(sizes)):
            rest, position[dim] = divmod(rest, size)
        cell = {dim: categories[dim][position[dim]] for dim in ids}
        if any(cell[dim][0] not in wanted for dim, wanted in filters.items()):
            continue
        value, symbol = values[flat], statuses[flat]
        if symbol in SSB_SYMBOLS:
            number, status = SSB_SYMBOLS[symbol]
        elif symbol not in (None, ""):
            unknown_symbols[symbol] += 1
            continue
        elif value is None:
            number, status = math.nan, "missing"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number, status = float(value), ""
        else:
            problems.append(Problem(path, "forventet et tall eller null", value=value,
                                    column=_describe(cell, ids)))
            continue
        ind = roles["indicator"]
        parts = [f"{ind}={cell[ind][0]}"] if ind else []
        parts += [f"{dim}={cell[dim][0]}" for dim in filters]
        yield {
            "geo": cell[roles["geo"]][0] if roles["geo"] else None,
            "period": cell[roles["period"]][0] if roles["period"] else None,
            "indicator": cell[ind] if ind else None,
            "value": number, "status": status, "row": None,
            "where": ", ".join([prefix] + parts), "at": f"«{_describe(cell, ids)}»",
            "cols": {"geo": roles["geo"], "period": roles["period"], "indicator": ind},
        }
    for symbol, count in unknown_symbols.items():
        problems.append(Problem(path, f"ukjent statussymbol i {count} celler; forventet en av "
                                ". .. ... : -", column="status", value=symbol))


def _describe(cell, ids):
    return ", ".join(f"{dim}={cell[dim][0]}" for dim in ids)


# --- CSV -------------------------------------------------------------------------------


def _sniff_separator(line):
    """The most frequent of ; , TAB outside quotes in the header line (ties: ; first)."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {sep: outside.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(path, spec, problems, notes):
    raw = fileio.read_bytes(path, problems)
    text = None if raw is None else fileio.decode(path, raw, problems, notes, allow_cp1252=True)
    if text is None:
        return []
    lines = text.splitlines(keepends=True)
    skip = spec.get("skip_rows", 0)
    body = "".join(lines[skip:])
    if not body.strip():
        problems.append(Problem(path, f"filen er tom (etter {skip} overhoppede linjer)"))
        return []
    sep = spec.get("separator") or _sniff_separator(body.splitlines()[0])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep)
    rows, line_end = [], skip
    for fields in reader:
        start, line_end = line_end + 1, skip + reader.line_num
        rows.append((start, fields))
    return _table_records(path, spec, rows, f"fil {path.name}", problems, truncate_check=True,
                          separator=sep)


# --- XLSX ------------------------------------------------------------------------------


def _read_xlsx(path, spec, problems, notes):
    """The sheet named in the spec, or the only visible one. A hidden sheet, merged cells in the
    data and formulas without a saved value are errors with the cell address: each would
    otherwise silently become wrong or missing values."""
    from openpyxl import load_workbook  # only needed for Excel deliveries

    if path.stat().st_size == 0:
        problems.append(Problem(path, "filen er tom"))
        return []
    if path.stat().st_size > fileio.MAX_TEXT_BYTES:
        problems.append(Problem(path, f"filen er større enn {fileio.MAX_TEXT_BYTES // 2**20} MB; "
                                "del den opp eller sjekk at det er riktig fil"))
        return []
    try:  # not read-only: merged cells and sheet states are only known to a full workbook
        book = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as err:  # openpyxl raises zipfile/KeyError/... for a broken file
        problems.append(Problem(path, "kan ikke åpne filen som Excel-arbeidsbok (.xlsx)",
                                value=f"{type(err).__name__}: {err}"))
        return []
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    name = spec.get("sheet")
    if name is None:
        visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
        if len(visible) != 1 or hidden:
            problems.append(Problem(path, f"arbeidsboken har {len(visible)} synlige ark "
                                    f"({', '.join(visible)})" + (f" og skjulte ark ({', '.join(hidden)})"
                                                                  if hidden else "")
                                    + "; oppgi arket med 'sheet:' i import-beskrivelsen"))
            return []
        name = visible[0]
    if name not in book.sheetnames:
        problems.append(Problem(path, "arket finnes ikke; filen har arkene: "
                                + ", ".join(book.sheetnames), value=name))
        return []
    where = f"fil {path.name}, ark '{name}'"
    sheet, skip = book[name], spec.get("skip_rows", 0)
    if sheet.sheet_state != "visible":
        problems.append(Problem(path, f"arket '{name}' er skjult i Excel; vis arket og sjekk "
                                "innholdet, eller be leverandøren om en ny fil"))
        return []
    found = len(problems)
    for merged in sorted(str(r) for r in sheet.merged_cells.ranges if r.max_row > skip):
        problems.append(Problem(path, f"{where}: sammenslåtte celler {merged}; del opp "
                                "cellene (Excel: Slå sammen og midtstill av) så hver celle har sin verdi"))
    for row in formulas[name].iter_rows(min_row=skip + 1):
        for cell in row:
            if cell.data_type == "f" and sheet[cell.coordinate].value is None:
                problems.append(Problem(path, f"{where}: celle {cell.coordinate} har en formel uten "
                                        "lagret verdi; åpne filen i Excel og lagre den på nytt"))
    if len(problems) > found:
        return []
    rows = [(number, list(cells)) for number, cells in
            enumerate(sheet.iter_rows(values_only=True), start=1) if number > skip]
    return _table_records(path, spec, rows, where, problems, truncate_check=False)


# --- tables (CSV and XLSX) -------------------------------------------------------------


def _table_records(path, spec, rows, prefix, problems, truncate_check, separator=None):
    """[(row number, cells)] with the header first -> raw records."""
    rows = [(n, cells) for n, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        problems.append(Problem(path, "filen er tom"))
        return []
    header_row, header = rows[0]
    width = len(header)  # before trimming: Excel pads every line with the same ";;"
    header = _trim([_text(c) for c in header])
    data_rows = rows[1:]
    if not data_rows:
        problems.append(Problem(path, "filen har overskrift, men ingen datarader",
                                row=header_row))
        return []

    wide = spec.get("wide_periods")
    period_cols = [c for c in header if wide and not isinstance(_parse_period(c), _Invalid)]
    needed = [spec[k] for k in ("geo_dimension", "period_dimension", "indicator_dimension")
              if k in spec] + list(_filter_sets(spec)) + ([] if wide else [spec["value_column"]])
    missing = [str(c) for c in needed if str(c) not in header]
    hint = _header_hint(header, spec, separator, [str(c) for c in needed])
    for column in missing:
        problems.append(Problem(path, f"mangler kolonnen '{column}'; fant kolonnene: "
                                + ", ".join(header) + hint, row=header_row, column=column))
    if wide and not period_cols:
        problems.append(Problem(path, "wide_periods: fant ingen kolonner som ligner perioder "
                                "(f.eks. 2024); fant kolonnene: " + ", ".join(header),
                                row=header_row))
    if missing or (wide and not period_cols):
        return []

    where = {name: i for i, name in enumerate(header)}
    cols = {part: str(spec[key]) if key in spec else None for part, key in
            (("geo", "geo_dimension"), ("period", "period_dimension"),
             ("indicator", "indicator_dimension"))}
    filters = _filter_sets(spec)
    decimal = spec.get("decimal", ",")
    # Long tables have one value column; wide ones one per period (header = the period).
    value_cols = [(c, c) for c in period_cols] if wide else [(str(spec["value_column"]), None)]
    records = []
    for number, cells in data_rows:
        if truncate_check and (len(cells) < width or len(_trim(cells)) > width):
            problems.append(Problem(path, _field_count_message(len(cells), width), row=number))
            continue
        cells = cells + [None] * (len(header) - len(cells))
        if any(_text(cells[where[c]]) not in wanted for c, wanted in filters.items()):
            continue
        codes = {part: _text(cells[where[cols[part]]]) if cols[part] else None
                 for part in cols}
        for column, period in value_cols:
            cell = cells[where[column]]
            if spec.get("percent_sign") and isinstance(cell, str) and cell.strip().endswith("%"):
                cell = cell.strip()[:-1]
            parsed = parse_number(cell, decimal)
            if parsed is None:
                problems.append(Problem(path, _number_help(decimal, cell), row=number,
                                        column=column, value=cells[where[column]]))
            value, status = parsed if parsed else (_BAD, "")
            cell = cells[where[column]]
            dot_group = (_text(cell) if decimal == "," and isinstance(cell, str)
                         and DOT_GROUP.fullmatch(_text(cell)) else None)
            records.append({
                **codes, "period": period or codes["period"], "value": value,
                "status": status, "row": number, "where": f"{prefix} rad {number}",
                "at": f"rad {number}", "cols": cols, "dot_group": dot_group,
                "value_column": column,
            })
    return records


def _trim(cells):
    """Drop empty trailing cells."""
    cells = list(cells)
    while cells and _text(cells[-1]) == "":
        cells.pop()
    return cells


SEPARATOR_NAMES = {";": "semikolon", ",": "komma", "\t": "tabulator"}


def _header_hint(header, spec, separator, needed):
    """Why the expected columns are not in the header: a wrong separator (the header is one
    cell that, split at another separator, holds the expected columns), or SSB's title line
    above the header."""
    cells = [c for c in header if c]
    if separator and len(cells) == 1:
        other = [s for s in SEPARATOR_NAMES if s != separator
                 and len(set(needed) & {part.strip().strip('"') for part in cells[0].split(s)})
                 >= min(2, len(set(needed)))]
        if other:
            found, used = SEPARATOR_NAMES[other[0]], SEPARATOR_NAMES[separator]
            return (f" (filen bruker {found} som skilletegn, ikke {used}; sett separator: "
                    f"\"{other[0]}\" i import:-beskrivelsen, eller fjern separator-linjen så finnes "
                    "skilletegnet av seg selv)")
    if not spec.get("skip_rows") and len(cells) == 1:
        return " (har filen en tittellinje over overskriften? bruk skip_rows)"
    return ""


def _field_count_message(found, expected):
    if found < expected:
        return (f"raden har {found} felt, men overskriften har {expected} "
                "(avkortet fil eller linjeskift inne i et felt?)")
    return (f"raden har {found} felt, men overskriften har {expected}; et tall med "
            "desimalkomma i en kommaseparert fil må stå i anførselstegn (\"12,5\")")
