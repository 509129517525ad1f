"""Bad input gets a clear error and loses nothing.

Each case damages one input in a copy of a project that already has a published report in
output/2026, runs ``build.py validate`` (data cases) and/or a real build, and checks

  (a) the message names the file, row (header = row 1), column or key and what was expected,
  (b) the exit code (2 bad parameter, 3 data problem, 4 chapter failed; see statusrapport/cli.py),
  (c) the published statusrapport.html and manifest.json are byte-identical afterwards,

and that no Python traceback reaches the user. Data files are protected by the sha256 in their
source record, so most cases update that record with :func:`rehash`; otherwise every case would
only report a hash mismatch (which has its own case).
"""

import csv
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import rehash, run_build
from statusrapport import cli

EDITION = "2026"
PUBLISHED = ("statusrapport.html", "manifest.json")
OBS = "observations/seed002.csv"


# -- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture
def proj(published_copy):
    return published_copy


def snapshot(project):
    out = project / "output" / EDITION
    return {name: (out / name).read_bytes() for name in PUBLISHED}


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
    rel = "observations/ssb_befolkning_2024.csv"
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
    rel = "observations/seed003.csv"
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
    data(p, "observations/seed003.csv").unlink()


def empty_file(p):
    data(p, "observations/seed003.csv").write_bytes(b"")
    rehash(p, "observations/seed003.csv")


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


R = "seed002.csv, rad"

CASES = [
    Case("truncated_mid_row", truncate_mid_row,
         ["re:seed002\\.csv, rad \\d+: har 4 felt, forventet 8 \\(avkortet linje"], also_build=True),
    Case("truncated_inside_quotes", truncate_in_quotes,
         ["ssb_befolkning_2024.csv, rad 2: kan ikke leses som CSV fra linje 2: filen slutter inne i "
          "et felt i anførselstegn (avkortet fil"]),
    Case("semicolon_separator", semicolons,
         ["seed002.csv, rad 1: feil kolonner (semikolon som skilletegn? bruk komma); forventet: "
          "indicator,period,geo_level,geo_code,value,status,source,ref"]),
    Case("decimal_comma_quoted", lambda p: edit_row(p, OBS, 9, value="7,7"),
         [f"{R} 9, kolonne 'value': forventet et tall med punktum som desimaltegn (f.eks. 12.5) "
          "(fant: '7,7')"]),
    Case("decimal_comma_unquoted",
         lambda p: write_lines(p, OBS, [ln.replace(",7.7,", ",7,7,") for ln in lines_of(p, OBS)]),
         [f"{R} 9: har 9 felt, forventet 8 (avkortet linje, feil skilletegn eller desimalkomma"]),
    Case("latin1_bytes", latin1,
         ["seed002.csv, rad 3: ikke gyldig UTF-8 (byte ", "); lagre filen som UTF-8 (fant: 'e6')"]),
    Case("utf16_file", utf16,
         ["seed003.csv: inneholder NUL-tegn (linje 1); er filen lagret som UTF-16? lagre filen som UTF-8"]),
    Case("missing_column", drop_column,
         ["seed002.csv, rad 1: feil kolonner; mangler: ref; forventet: indicator,period,"]),
    Case("extra_column", extra_column,
         ["seed002.csv, rad 1: feil kolonner; ukjente: 'kommentar'; forventet: indicator,period,"]),
    Case("duplicate_key", duplicate_row,
         ["re:seed002\\.csv, rad \\d+: samme nøkkel som rad 2 \\(indicator, period, geo_level, "
          "geo_code, source\\) \\(fant: 'helsefellesskap_etablert/2023/land/NO/seed002'\\)"]),
    Case("unknown_region_code",
         lambda p: edit_row(p, "observations/helsefellesskap_proxy.csv", 3, geo_code="H99"),
         ["helsefellesskap_proxy.csv, rad 3, kolonne 'geo_code': ukjent kode for nivået 'rhf'; "
          "forventet en kode fra geography/units.csv (fant: 'H99')"]),
    Case("unknown_kommune_code", lambda p: edit_row(p, "observations/ssb_befolkning_2024.csv",
                                                    n_rows(p, "observations/ssb_befolkning_2024.csv"),
                                                    geo_code="9999"),
         ["re:ssb_befolkning_2024\\.csv, rad \\d+, kolonne 'geo_code': ukjent kode for nivået "
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
    Case("source_not_used_by_indicator", lambda p: edit_row(p, "observations/seed000.csv", 3,
                                                            indicator="utskrivningsklare_utskrevet_24t_andel"),
         ["seed000.csv, rad 3, kolonne 'source': indikatoren 'utskrivningsklare_utskrevet_24t_andel' "
          "har ikke denne kilden i catalogue.yml (har: seed002); raden ville aldri blitt brukt"]),
    Case("empty_file", empty_file,
         ["seed003.csv: filen er tom; forventet overskriftsraden indicator,period,"]),
    Case("missing_data_file", delete_file,
         ["seed003.csv: filen mangler (oppført i sources/seed003.yml)"], also_build=True),
    Case("hash_mismatch", lambda p: edit_row(p, OBS, 3, hashed=False, value="12"),
         ["seed002.csv: sha256 stemmer ikke med sources/seed002.yml; filen er endret etter at "
          "kilden ble registrert"], also_build=True),
    Case("source_files_not_a_mapping", source_files_as_list,
         ["seed000.yml, kolonne 'files': forventet 'sti: sha256' per linje under files"]),
    Case("unknown_catalogue_unit", catalogue_unit,
         ["re:catalogue\\.yml \\(indikator nr\\. \\d+, \\w+\\), kolonne 'unit': ugyldig verdi, "
          "forventet en av prosent, prosentendring, .*døgn \\(fant: 'timer'\\)"]),
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


def check(result, case_expect, code, before, project):
    err = result.stderr
    assert result.returncode == code, f"exit {result.returncode}\n{err}\n{result.stdout}"
    for part in case_expect:
        if part.startswith("re:"):
            assert re.search(part[3:], err), f"mangler /{part[3:]}/ i:\n{err}"
        else:
            assert part in err, f"mangler {part!r} i:\n{err}"
    assert "Traceback" not in err and "Traceback" not in result.stdout, err
    assert snapshot(project) == before, "den publiserte rapporten i output/ ble endret"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, proj, monkeypatch, capsys):
    before = snapshot(proj)
    case.mutate(proj)
    if case.real:
        result = run_build(proj, *case.args)
    else:
        result = run_cli(proj, case.args, monkeypatch, capsys)
    check(result, case.expect, case.code, before, proj)
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
    executed notebook kept in output/2026/failed/, the published report untouched."""
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
    failed = proj / "output" / EDITION / "failed"
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
    assert Path(log).is_file(), "the log named in the message should exist (output/2026/failed/)"
