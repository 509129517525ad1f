"""`build.py verify` and drafts with `--allow-errors`."""

import shutil

import nbformat
import pytest

from conftest import copy_project, run_build


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("verify") / "project")
    result = run_build(project, "--format", "html")
    assert result.returncode == 0, result.stderr
    return project


def test_verify_reports_identical_on_a_clean_build(published):
    result = run_build(published, "verify")
    assert result.returncode == 0, result.stderr
    assert "identical" in result.stdout


def test_verify_names_the_altered_input(published, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(published, project)
    text = project / "data" / "narrative" / "2026" / "samhandling.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny setning.\n", encoding="utf-8")
    result = run_build(project, "verify")
    assert result.returncode == 1
    assert "inndata endret siden publisering: data/narrative/2026/samhandling.md" in result.stderr
    assert "statusrapport.html: HTML er ikke identisk" in result.stderr


def test_allow_errors_publishes_a_marked_draft(published, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(published, project)
    path = project / "notebooks" / "03_akuttmedisin.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell('raise ValueError("testfeil")'))
    nbformat.write(nb, path)
    result = run_build(project, "--format", "html", "--allow-errors")
    assert result.returncode == 0, result.stderr
    assert "kapittel 'akuttmedisin', celle 5: ValueError: testfeil" in result.stderr
    html = (project / "output" / "2026" / "statusrapport.html").read_text(encoding="utf-8")
    assert "UTKAST" in html and "ValueError: testfeil" in html
    assert "kapitlet feilet under kjøring" in html
