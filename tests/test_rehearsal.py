"""Rehearsal of the yearly workflow, following docs/brukerveiledning.md literally: its shell
commands and YAML snippets are read from the guide, so if the guide and the tool disagree,
this test fails."""

import csv
import html as html_mod
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "brukerveiledning.md"
DELIVERY = ROOT / "tests" / "fixtures" / "deliveries" / "npr_levering.csv"  # test values


def blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def run(project, command):
    if command.startswith("python build.py"):
        argv = [sys.executable, "build.py", *command.split()[2:]]
        return subprocess.run(argv, cwd=project, capture_output=True, text=True, timeout=1200)
    return subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True)


@pytest.fixture(scope="module")
def rehearsed(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("rehearsal") / "project")
    commands = [line.strip() for block in blocks("sh") for line in block.splitlines()
                if line.strip() and not line.startswith("make ")]
    params_edit, source_record = (yaml.safe_load(b) for b in blocks("yaml")[:2])
    outputs = {}
    for command in commands:
        if command.startswith("python build.py import"):
            (project / "levering.csv").write_bytes(DELIVERY.read_bytes())
            (project / "data" / "sources" / f"{source_record['id']}.yml").write_text(
                yaml.safe_dump(source_record, allow_unicode=True), encoding="utf-8")
        if command.startswith("python build.py validate"):
            _change_tiltak_and_narrative(project)
        result = run(project, command)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs[command] = result.stdout
        if command.startswith("cp params/"):
            path = project / "params" / "2027.yml"
            text = path.read_text(encoding="utf-8")
            for key, value in params_edit.items():
                text = re.sub(rf"^{key}:.*$", f"{key}: {yaml.safe_dump(value).strip()}", text,
                              flags=re.M)
            path.write_text(text.replace("\n...", ""), encoding="utf-8")
    return project, outputs


def _change_tiltak_and_narrative(project):
    """Steg 3 and 4: one tiltak gets a new status, one new sentence with a placeholder."""
    path = project / "data" / "tiltak.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    changed = dict(next(r for r in rows if r["edition"] == "2026" and r["chapter"] == "psykisk_helse"),
                   edition="2027", status="i rute")
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(changed), lineterminator="\n").writerow(changed)
    text = project / "data" / "narrative" / "2027" / "psykisk_helse.md"
    text.write_text(text.read_text(encoding="utf-8") + "\n\nVentetiden i psykisk helsevern for barn "
                    "og unge var {{ ventetid_phbu.siste }} i {{ ventetid_phbu.periode }}.\n",
                    encoding="utf-8")


def test_every_guide_command_succeeded(rehearsed):
    _, outputs = rehearsed
    assert any(c.startswith("python build.py import") for c in outputs)
    assert "Alle datafiler er gyldige." in outputs["python build.py validate"]
    assert "identical" in outputs["python build.py verify --params 2027"]
    assert "ventetid_phbu" in outputs["python build.py indicators --chapter psykisk_helse"]


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
    assert "49,6\u00a0dager (2021)" in row and "41,3\u00a0dager (2026)" in row and "bedre" in row


def test_changed_tiltak_status_is_shown(rehearsed):
    project, _ = rehearsed
    with (project / "data" / "tiltak.csv").open(encoding="utf-8", newline="") as fh:
        title = list(csv.DictReader(fh))[-1]["title"]
    html = (project / "output" / "2027" / "statusrapport.html").read_text(encoding="utf-8")
    row = re.search(re.escape(html_mod.escape(title)) + r"</th>(.*?)</tr>", html).group(1)
    assert ">i rute<" in row
