"""`build.py verify` and drafts with `--allow-errors`."""

import nbformat

from conftest import run_build


def test_verify_names_what_changed_and_the_chapters_that_differ(published_copy):
    """A text and a notebook edited after publishing: verify says which inputs changed (data or
    code) and which chapters are no longer identical, and no others. (That a clean rebuild is
    identical is checked by the vintage walk and the staff-guide rehearsal.)"""
    project = published_copy
    text = project / "data" / "narrative" / "2026" / "kompetanse.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny setning.\n", encoding="utf-8")
    path = project / "notebooks" / "03_akuttmedisin.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Et nytt avsnitt skrevet etter publisering."))
    nbformat.write(nb, path)
    result = run_build(project, "verify")
    assert result.returncode == 5, result.stdout + result.stderr  # differs, not an error (1)
    assert "inndata endret siden publisering: data/narrative/2026/kompetanse.md" in result.stderr
    assert "kode endret siden publisering: notebooks/03_akuttmedisin.ipynb" in result.stderr
    assert "statusrapport.html: HTML er ikke identisk" in result.stderr
    assert "kapittel akuttmedisin (kapittel-4-akuttmedisin.html) er ikke identisk" in result.stderr
    assert "kapittel kompetanse (kapittel-5-kompetanse.html) er ikke identisk" in result.stderr
    assert "kapittel samhandling" not in result.stderr
    assert "bygg utgaven på nytt" in result.stderr


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
