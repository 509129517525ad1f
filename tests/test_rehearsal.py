"""Rehearsal of the yearly workflow, following docs/brukerveiledning.md literally: its shell
commands are run as written, through a shell, from a copy of the project folder (so
``./rapport`` is what runs), and its YAML snippets are read from the guide. If the guide and the
tool disagree, this test fails.

Between the guide's commands the test does what a person does by hand: the deliveries are put in
the project folder, the tiltak list is edited in Excel (saved once as a workbook by openpyxl and
once as a Norwegian Excel CSV: cp1252 and semicolons), a sentence is added to a text, and a
broken draft of next year's edition is started, which must not stop this year's."""

import csv
import html as html_mod
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "brukerveiledning.md"
FIXTURES = ROOT / "tests" / "fixtures" / "deliveries"  # test values, not statistics
SENGER = [("Hele landet", 2026, 302), ("Helse Sør-Øst RHF", 2026, 151), ("Helse Vest RHF", 2026, 61),
          ("Helse Midt-Norge RHF", 2026, 45), ("Helse Nord RHF", 2026, 45)]


def blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def guide_commands():
    return [line.strip() for block in blocks("sh") for line in block.splitlines()
            if line.strip() and not line.startswith("make ")]


def run(project, command):
    return subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True,
                          timeout=1500)


def _set_up_entry_point(project):
    """The project as staff have it after `make report`: the ./rapport script, and .venv set up
    (here: pointing at the Python running the tests)."""
    for name in ("rapport", "Makefile", "pyproject.toml"):
        (project / name).write_bytes((ROOT / name).read_bytes())
    (project / "rapport").chmod(0o755)
    venv_python = project / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    venv_python.chmod(0o755)
    (project / ".venv" / ".installed").touch()


def _deliver(project, command):
    """Before `./rapport import FILE --source ID`: the source record from the guide and the file."""
    file, source = re.match(r"\./rapport import (\S+) --source (\S+)", command).groups()
    record = next(r for r in map(yaml.safe_load, blocks("yaml")) if r.get("id") == source)
    (project / "data" / "sources" / f"{source}.yml").write_text(
        yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    if file.endswith(".csv"):
        (project / file).write_bytes((FIXTURES / "npr_levering.csv").read_bytes())
    elif file.endswith(".json"):
        (project / file).write_bytes((FIXTURES / "ssb_11996_2026.jsonstat2.json").read_bytes())
    else:
        book = openpyxl.Workbook()
        book.active.append(["region", "år", "døgnplasser"])
        for row in SENGER:
            book.active.append(list(row))
        book.save(project / file)


def _tiltak_rows(project):
    with (project / "data" / "tiltak.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _new_status(rows, tiltak_id, status, comment):
    return dict(next(r for r in rows if r["id"] == tiltak_id), edition="2027", status=status,
                comment=comment)


def _tiltak_edited_in_workbook(project):
    """Excel on the workbook from `./rapport tiltak --til-excel`: one more status, written with a
    capital letter, then saved (openpyxl writes it as Excel does)."""
    path = project / "data" / "tiltak.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    base = next(dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)
                if row[0].value == "nhsp2026_psyk_02")
    sheet.append([{**base, "edition": 2027, "status": "I rute",
                   "comment": "Arbeidet er i gang"}[h] for h in header])
    book.save(path)


def _tiltak_saved_as_excel_csv(project):
    """Excel on Norwegian Windows, *Lagre → CSV*: cp1252, semicolons, a comma in a comment."""
    rows = _tiltak_rows(project)
    rows.append(_new_status(rows, "nhsp2026_psyk_03", "Forsinket",
                            "Forsinket, venter på høringssvar"))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (project / "data" / "tiltak.csv").write_bytes(out.getvalue().encode("cp1252"))


def _write_narrative(project):
    text = project / "data" / "narrative" / "2027" / "psykisk_helse.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n\nVentetiden i psykisk helsevern for barn "
                    "og unge var {{ ventetid_phbu.siste }} i {{ ventetid_phbu.periode }}.\n",
                    encoding="utf-8")


def _start_broken_draft_2028(project):
    """Next year's draft, begun early: a typo in a placeholder and most texts still missing."""
    text = (project / "params" / "2027.yml").read_text(encoding="utf-8")
    for key, value in {"edition": '"2028"', "title": "Statusrapport 2028", "reporting_year": "2028",
                       "data_year": "2027", "previous_edition": '"2027"'}.items():
        text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
    (project / "params" / "2028.yml").write_text(text + "draft: true\n", encoding="utf-8")
    folder = project / "data" / "narrative" / "2028"
    folder.mkdir()
    (folder / "psykisk_helse.md").write_text("Ventetiden var {{ ventetid_phbuu.siste }}.\n",
                                              encoding="utf-8")


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("rehearsal") / "project")
    _set_up_entry_point(project)
    params_edit = yaml.safe_load(blocks("yaml")[0])
    outputs = {}
    for command in guide_commands():
        if command.startswith("./rapport import"):
            _deliver(project, command)
        if command.startswith("./rapport tiltak --fra"):
            _tiltak_edited_in_workbook(project)
        if command.startswith("./rapport validate"):
            _tiltak_saved_as_excel_csv(project)
            _write_narrative(project)
            _start_broken_draft_2028(project)
        result = run(project, command)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs[command] = result
        if command.startswith("cp params/"):
            path = project / "params" / "2027.yml"
            text = path.read_text(encoding="utf-8")
            for key, value in params_edit.items():
                text = re.sub(rf"^{key}:.*$", f"{key}: {yaml.safe_dump(value).strip()}", text,
                              flags=re.M)
            path.write_text(text.replace("\n...", ""), encoding="utf-8")
    return project, outputs


def test_guide_commands_are_written_for_the_entry_point():
    commands = guide_commands()
    assert not [c for c in commands if "python" in c or ".venv" in c or "build.py" in c]
    assert [c for c in commands if c.startswith("./rapport import")], "the guide has import examples"
    formats = {yaml.safe_load(b).get("import", {}).get("format") for b in blocks("yaml")}
    assert {"csv", "jsonstat2", "xlsx"} <= formats


def test_every_guide_command_succeeded(rehearsed):
    _, outputs = rehearsed
    out = {c: r.stdout for c, r in outputs.items()}
    imports = [c for c in out if c.startswith("./rapport import") and "--dry-run" not in c]
    assert len(imports) == 3
    dry = next(c for c in out if c.startswith("./rapport import") and "--dry-run" in c)
    assert "ingenting er skrevet" in out[dry]
    assert "Importerte 1 observasjoner fra levering.csv (1 nye, 0 reviderte, 0 uendrede)" in out[imports[0]]
    assert "Importerte 3 observasjoner fra 11996.json (3 nye, 0 reviderte, 0 uendrede)" in out[imports[1]]
    assert "Importerte 5 observasjoner fra senger.xlsx (5 nye, 0 reviderte, 0 uendrede)" in out[imports[2]]
    assert "Alle datafiler er gyldige." in out["./rapport validate --params 2027"]
    assert "identical" in out["./rapport verify --params 2027"]
    table = out["./rapport indicators --chapter psykisk_helse"].splitlines()
    assert table[0].split()[:2] == ["id", "tittel"]
    assert any(line.startswith("ventetid_phbu ") and "Gjennomsnittlig ventetid" in line
               for line in table)


def test_draft_of_next_year_is_reported_but_does_not_block_this_year(rehearsed):
    project, outputs = rehearsed
    build = outputs["./rapport --params 2027"]
    assert "Ferdig på" in build.stdout and "2028" not in build.stdout + build.stderr
    everything = run(project, "./rapport validate")  # all editions: the draft's typo shows
    assert everything.returncode == 3
    assert "2 feil funnet; rett dem" in everything.stderr  # the typo, and 2028 is too far ahead
    assert "params/2028.yml: 'data_year' (2027)" in everything.stderr
    assert "ukjent indikator 'ventetid_phbuu' (mente du 'ventetid_phbu'?)" in everything.stderr


def test_imports_hold_mixed_levels_as_delivered(rehearsed):
    project, _ = rehearsed
    from statusrapport.data import vintages

    def read(source):  # the source's one delivery so far
        (path,) = vintages.files(project / "data", source)
        return pd.read_csv(path, dtype=str)

    kostra = read("ssb_legearsverk_2026")
    assert set(zip(kostra.geo_level, kostra.geo_code)) == {("land", "NO"), ("kommune", "0301"),
                                                          ("kommune", "4601")}
    senger = read("ssb_senger_2026")
    assert dict(zip(senger.geo_code, senger.geo_level)) == {
        "NO": "land", "H12": "rhf", "H03": "rhf", "H04": "rhf", "H05": "rhf"}
    assert senger.set_index("geo_code").at["NO", "value"] == "302"


def test_report_shows_the_imported_value_in_text_and_tables(rehearsed):
    project, _ = rehearsed
    html = (project / "output" / "2027" / "statusrapport.html").read_text(encoding="utf-8")
    assert "var 41,3\u00a0dager i 2026" in html
    assert (project / "output" / "2027" / "statusrapport.pdf").exists()


def test_changes_section_names_the_new_value(rehearsed):
    project, _ = rehearsed
    html = (project / "output" / "2027" / "statusrapport.html").read_text(encoding="utf-8")
    section = html.split("Indikatorer med ny verdi eller ny målstatus", 1)[1].split("</table>", 1)[0]
    row = re.search(r"Gjennomsnittlig ventetid, psykisk helsevern for barn og unge</th>(.*?)</tr>",
                    section).group(1)
    assert "52,3\u00a0dager (2024)" in row and "41,3\u00a0dager (2026)" in row and "bedre" in row


@pytest.mark.parametrize("tiltak_id, status, comment", [
    ("nhsp2026_psyk_01", "levert", "Planen er levert, se årsrapporten"),  # ./rapport tiltak
    ("nhsp2026_psyk_02", "i rute", "Arbeidet er i gang"),  # Excel workbook, "I rute"
    ("nhsp2026_psyk_03", "forsinket", "Forsinket, venter på høringssvar"),  # Excel CSV
])
def test_changed_tiltak_status_is_shown(rehearsed, tiltak_id, status, comment):
    project, _ = rehearsed
    from statusrapport.data import tiltak

    rows = tiltak.load(project / "data" / "tiltak.csv")  # the CSV as Excel saved it
    assert (project / "data" / "tiltak.csv").read_bytes().startswith(b"id;edition;")
    title = rows.loc[rows["id"] == tiltak_id, "title"].iloc[0]
    assert not (project / "data" / "tiltak.xlsx").exists()
    html = (project / "output" / "2027" / "statusrapport.html").read_text(encoding="utf-8")
    row = re.search(re.escape(html_mod.escape(title)) + r"</th>(.*?)</tr>", html).group(1)
    assert f">{status}<" in row and html_mod.escape(comment) in row
