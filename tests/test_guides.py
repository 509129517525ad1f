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
    assert "jupyter lab notebooks/" in dry.stdout
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
