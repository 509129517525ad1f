"""The guides' commands and code work as written (the staff guide is rehearsed in
test_rehearsal.py)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def code_blocks(path, kind):
    return re.findall(rf"```{kind}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_analyst_guide_code_runs_against_the_shipped_data(monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "notebooks")  # as in JupyterLab: the notebook's folder
    params, code = code_blocks(ROOT / "docs" / "analytiker.md", "python")[:2]
    namespace = {}
    exec(params, namespace)  # noqa: S102 - our own guide
    exec(code, namespace)  # noqa: S102
    ds = namespace["ds"]
    assert ds.edition.name == "2026" and ds.region == "land"
    shown = capsys.readouterr().out
    assert "Figur:" in shown and "Tabell:" in shown


def test_make_lab_starts_jupyterlab_from_the_project_environment():
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True)
    assert "jupyter lab --config=jupyter_server_config.py notebooks/" in dry.stdout
    version = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "lab", "--version"],
                             capture_output=True, text=True)
    assert version.returncode == 0 and re.match(r"\d+\.\d+", version.stdout)


def test_readme_first_screen_has_the_two_commands_and_guides():
    first = (ROOT / "README.md").read_text(encoding="utf-8")[:2000]
    assert first.index("make report") < first.index("make test")
    for guide in ("docs/brukerveiledning.md", "docs/analytiker.md", "CONTRIBUTING.md"):
        assert guide in first and (ROOT / guide).exists()


def test_version_in_package_changelog_and_manifest_code():
    from statusrapport import __version__

    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_contributor_commands_exist():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "make test" in text and "make bench" in text
    dry = subprocess.run(["make", "-n", "bench", "test"], cwd=ROOT, capture_output=True, text=True)
    assert "bench/run.py" in dry.stdout and "pytest" in dry.stdout
    helptext = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--help"],
                              capture_output=True, text=True)
    assert helptext.returncode == 0 and "--repeat" in helptext.stdout


def test_analyst_guide_own_seaborn_figure_runs(monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "notebooks")
    params, code, own = code_blocks(ROOT / "docs" / "analytiker.md", "python")[:3]
    namespace = {}
    for block in (params, code, own):
        exec(block, namespace)  # noqa: S102 - our own guide
    shown = capsys.readouterr().out
    assert "Figur: Ventetid i psykisk helsevern for barn og unge per region" in shown
    assert "Figur N.n: Ventetid i psykisk helsevern" in shown and "Kilde: " in shown


def test_guides_use_the_entry_point():
    for path in (ROOT / "README.md", ROOT / "docs" / "brukerveiledning.md", ROOT / "docs" / "analytiker.md"):
        text = path.read_text(encoding="utf-8")
        assert "python build.py" not in text and "./rapport" in text, path.name


def test_staff_guide_lists_every_placeholder_field():
    from statusrapport.data import narrative

    text = (ROOT / "docs" / "brukerveiledning.md").read_text(encoding="utf-8")
    section = text.split("## Steg 4", 1)[1].split("## Steg 5", 1)[0]
    listed = re.findall(r"^\| `\{\{ ventetid_phbu\.([^ ]+) \}\}`", section, re.M)
    assert listed == list(narrative.FIELDS + narrative.TARGET_FIELDS)


def test_staff_guide_lists_the_tiltak_columns_and_statuses():
    from statusrapport.data import tiltak

    text = (ROOT / "docs" / "brukerveiledning.md").read_text(encoding="utf-8")
    section = text.split("## Steg 3", 1)[1].split("## Steg 4", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == tiltak.COLUMNS
    assert all(f"`{status}`" in section for status in tiltak.STATUSES)


def _outputs_in(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [n for n, c in enumerate(nb.cells, 1) if c.cell_type == "code"
            and (c.get("outputs") or c.get("execution_count") is not None)]


def test_committed_notebooks_have_no_outputs():
    dirty = {p.name: cells for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
             if (cells := _outputs_in(p))}
    assert not dirty, (f"notatbøker lagret med utdata (celler): {dirty}; åpne dem med make lab og "
                       "lagre på nytt, eller kjør .venv/bin/nbstripout notebooks/*.ipynb")


def test_a_notebook_with_outputs_is_caught_and_lab_saves_without(tmp_path):
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "01_samhandling.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1,2 MB figurer")]
    cell.execution_count = 3
    nbformat.write(nb, tmp_path / "01_samhandling.ipynb")
    assert _outputs_in(tmp_path / "01_samhandling.ipynb")
    config = {"get_config": lambda: __import__("traitlets.config").config.Config()}
    exec((ROOT / "jupyter_server_config.py").read_text(encoding="utf-8"), config)  # noqa: S102
    hook = config["c"].FileContentsManager.pre_save_hook
    model = {"type": "notebook", "content": nb}
    hook(model=model, path="01_samhandling.ipynb", contents_manager=None)
    nbformat.write(nbformat.from_dict(model["content"]), tmp_path / "saved.ipynb")
    assert _outputs_in(tmp_path / "saved.ipynb") == []
