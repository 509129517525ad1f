"""Shared fixtures: a copy of the project in a temporary folder (tests never touch the real
data or output), and one full national build reused by the tests that only read it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("data", "notebooks", "params", "report_templates", "requirements.txt", "build.py")


def copy_project(dest):
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy(src, dest / part)
    return dest


def run_build(project, *args, timeout=900):
    """Run ``build.py`` in ``project``; returns the CompletedProcess (never raises)."""
    return subprocess.run([sys.executable, "build.py", *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The default (national, newest) edition built once from a copy of the project."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project, project / "output" / "2026", result
