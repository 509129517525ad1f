"""`build.py verify` and drafts with `--allow-errors`."""

import nbformat

from conftest import run_build


def test_verify_reports_identical_on_a_clean_build(published_copy):
    result = run_build(published_copy, "verify")
    assert result.returncode == 0, result.stderr
    assert "identical" in result.stdout


def test_verify_names_the_altered_input(published_copy):
    project = published_copy
    text = project / "data" / "narrative" / "2026" / "samhandling.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny setning.\n", encoding="utf-8")
    result = run_build(project, "verify")
    assert result.returncode == 5  # differs: not the same as an unexpected error (1)
    assert "inndata endret siden publisering: data/narrative/2026/samhandling.md" in result.stderr
    assert "statusrapport.html: HTML er ikke identisk" in result.stderr


def test_allow_errors_publishes_a_marked_draft(published_copy):
    project = published_copy
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


def test_verify_names_the_chapter_that_differs_and_the_code_that_changed(published_copy):
    project = published_copy
    path = project / "notebooks" / "03_akuttmedisin.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Et nytt avsnitt skrevet etter publisering."))
    nbformat.write(nb, path)
    result = run_build(project, "verify")
    assert result.returncode == 5, result.stdout + result.stderr
    assert "kode endret siden publisering: notebooks/03_akuttmedisin.ipynb" in result.stderr
    assert "kapittel akuttmedisin (kapittel-4-akuttmedisin.html) er ikke identisk" in result.stderr
    assert "kapittel samhandling" not in result.stderr
    assert "bygg utgaven på nytt" in result.stderr
