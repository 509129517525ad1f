"""Cache semantics, read from the manifest: which chapters ran and why. Every test works on its
own copy of the session's warm published project (conftest.published_copy)."""

import json
import re

import nbformat

from conftest import rehash, run_build

HTML = ["--format", "html"]  # as the shared published project was built


def chapters(project):
    m = json.loads((project / "output" / "2026" / "manifest.json").read_text(encoding="utf-8"))
    return {c["name"]: c for c in m["chapters"]}


def test_no_op_rebuild_uses_cache_and_leaves_files_alone(published_copy):
    html = published_copy / "output" / "2026" / "statusrapport.html"
    before = (html.read_bytes(), html.stat().st_mtime_ns)
    result = run_build(published_copy, *HTML)
    assert result.returncode == 0, result.stderr
    assert "Ingen endringer" in result.stdout
    assert (html.read_bytes(), html.stat().st_mtime_ns) == before


def test_edited_notebook_reruns_only_that_chapter(published_copy):
    project = published_copy
    path = project / "notebooks" / "03_akuttmedisin.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    nbformat.write(nb, path)
    result = run_build(project, *HTML)
    assert result.returncode == 0
    ran = {n for n, c in chapters(project).items() if c["cache"] == "miss"}
    assert ran == {"akuttmedisin"}
    assert chapters(project)["akuttmedisin"]["reason"] == "notatboken er endret"
    assert re.search(r"akuttmedisin\s+kjører \(notatboken er endret\)", result.stdout)


def test_changed_data_file_reruns_exactly_its_readers(published_copy):
    project = published_copy
    rel = "observations/skde_helseatlas_somatikk/2026-12-01.csv"
    readers = {n for n, c in chapters(project).items() if f"data/{rel}" in c["reads"]}
    assert readers and readers != set(chapters(project))
    path = project / "data" / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    head, first = lines[0], lines[1].split(",")
    first[4] = str(float(first[4]) + 1)
    path.write_text("\n".join([head, ",".join(first)] + lines[2:]) + "\n", encoding="utf-8")
    rehash(project, rel)
    assert run_build(project, *HTML).returncode == 0
    after = chapters(project)
    assert {n for n, c in after.items() if c["cache"] == "miss"} == readers
    assert all(after[n]["reason"].startswith("datafil endret") for n in readers)


def test_corrupt_cache_entry_is_rebuilt_not_used(published_copy):
    project = published_copy
    key = chapters(project)["finansiering"]["cache_key"]
    entry = project / ".cache" / "chapters" / key / "executed.ipynb"
    entry.write_text(entry.read_text(encoding="utf-8")[:100], encoding="utf-8")  # half-written
    css = project / "report_templates" / "statusrapport" / "report.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* endret */\n", encoding="utf-8")
    result = run_build(project, *HTML)
    assert result.returncode == 0, result.stderr
    assert re.search(r"finansiering\s+kjører \(ødelagt cache-oppføring", result.stdout)
    assert re.search(r"akuttmedisin\s+fra cache", result.stdout)


def test_corrupt_entry_detected(published_copy):
    from statusrapport.build import cache

    project = published_copy
    key = chapters(project)["finansiering"]["cache_key"]
    entry = project / ".cache" / "chapters" / key
    (entry / "executed.ipynb").write_text("{", encoding="utf-8")
    hit, reason, _ = cache.lookup(project / ".cache" / "chapters", key, project)
    assert hit is None and reason.startswith("ødelagt")
    assert not entry.exists()


def test_force_reruns_a_chapter_whose_cache_entry_is_valid(published_copy):
    project = published_copy
    assert run_build(project, "--chapter", "finansiering", *HTML).returncode == 0
    result = run_build(project, "--force", "--chapter", "finansiering", *HTML)
    assert result.returncode == 0, result.stderr
    assert re.findall(r"(\S+)\s+kjører \(--force\)", result.stdout) == ["finansiering"]


def test_html_rebuild_never_touches_the_published_pdf(built, tmp_path):
    """One format of an edition published in both is a draft beside it: the published HTML and
    PDF stay as they are."""
    import shutil

    source, _ = built
    project = tmp_path / "project"
    shutil.copytree(source, project, symlinks=True)
    out = project / "output" / "2026"
    before = {f: (out / f).read_bytes() for f in ("statusrapport.html", "statusrapport.pdf")}
    text = project / "data" / "narrative" / "2026" / "kompetanse.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEn ny setning.\n", encoding="utf-8")
    result = run_build(project, *HTML)
    assert result.returncode == 0, result.stderr
    assert {f: (out / f).read_bytes() for f in before} == before
    draft = (project / "output" / "2026-utkast" / "statusrapport.html").read_text(encoding="utf-8")
    assert "UTKAST" in draft and "En ny setning." in draft
