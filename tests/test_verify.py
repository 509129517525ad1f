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


def test_pdf_fingerprint_sees_a_changed_image_and_nothing_else(tmp_path):
    """The same HTML gives the same PDF text and images; one changed picture is seen."""
    import base64
    import io

    from PIL import Image

    from statusrapport.build import verify
    from statusrapport.render import pdf

    def picture(color):
        out = io.BytesIO()
        Image.new("RGB", (20, 10), color).save(out, "PNG")
        return f'<img alt="x" src="data:image/png;base64,{base64.b64encode(out.getvalue()).decode()}">'

    for name, color in (("a", "red"), ("b", "red"), ("c", "green")):
        pdf.write(f"<p>Tekst</p>{picture(color)}{picture('blue')}", tmp_path / f"{name}.pdf", "t")
    a, b, c = (verify._pdf_fingerprint(tmp_path / f"{n}.pdf") for n in "abc")
    assert a == b and len(a[1]) == 2
    assert a[0] == c[0] and a[1][0] != c[1][0] and a[1][1] == c[1][1]
