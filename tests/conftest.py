"""Shared fixtures: a copy of the project in a temporary folder (tests never touch the real
data or output), and one full national build reused by the tests that only read it."""

import hashlib
import inspect
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
import yaml
from filelock import FileLock

import statusrapport  # noqa: F401 - first, as in every build process (see its IRI note)

ROOT = Path(__file__).resolve().parents[1]
BUILD_FIXTURES = {"built", "published_html", "published_copy", "project", "edition_2022"}
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


def terminal_signals():
    """``preexec_fn`` for a build that a test interrupts: Ctrl-C at its default, as a terminal
    starts a program. A process inherits an ignored SIGINT, and a test worker's may be ignored
    by something it ran earlier; the test is about build.py's handling, not the runner's."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_build(project, *args, timeout=900):
    """Run ``build.py`` in ``project``; returns the CompletedProcess (never raises)."""
    return subprocess.run([sys.executable, "build.py", *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(autouse=True)
def _matplotlib_settings_restored():
    """A test that sets a style (the guides' seaborn theme) leaves the next test's alone."""
    with matplotlib.rc_context():
        yield


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def _once(tmp_path_factory, name, make):
    """``make(folder)`` once for the whole run, also when pytest-xdist runs the tests in several
    processes: the first to ask builds (the others wait for it) and every process gets the same
    folder. Nothing may change it; a test that changes something works on a copy."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    folder, done = base / name, base / f"{name}.done"
    with FileLock(base / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed attempt's leftovers
            make(folder)
            done.touch()
    return folder


def _build(project, *args):
    result = run_build(project, *args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(project, output/2026): the default (national, newest) edition, HTML and PDF, built
    once from a copy of the project."""
    project = _once(tmp_path_factory, "built", lambda d: _build(copy_project(d)))
    return project, project / "output" / "2026"


@pytest.fixture(scope="session")
def published_html(tmp_path_factory, built):
    """A project with a published national report (HTML only) and a warm chapter cache (the
    cache of ``built``: the same inputs, so no chapter runs again)."""
    def make(folder):
        project = copy_project(folder)
        shutil.copytree(built[0] / ".cache", project / ".cache")
        _build(project, "--format", "html")
    return _once(tmp_path_factory, "published", make)


@pytest.fixture
def published_copy(published_html, tmp_path):
    """A fresh copy of ``published_html`` with output/ and .cache/, so builds are warm."""
    dest = tmp_path / "project"
    shutil.copytree(published_html, dest, symlinks=True)
    return dest


def rehash(project, relpath):
    """Record the current sha256 of data/<relpath> in the source record that lists it, as if the
    change had been registered properly (only the hash line changes)."""
    for record in sorted((project / "data" / "sources").glob("*.yml")):
        text = record.read_text(encoding="utf-8")
        files = yaml.safe_load(text).get("files") or {}
        if relpath in files:
            digest = hashlib.sha256((project / "data" / relpath).read_bytes()).hexdigest()
            record.write_text(text.replace(f"{relpath}: {files[relpath]}", f"{relpath}: {digest}"),
                              encoding="utf-8")
            return
    raise AssertionError(f"{relpath} står ikke i noen kildepost")


def _calls_a_build(func):
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    return "run_build(" in source or "copy_project(" in source


def _builds(item):
    """True if the test, or a fixture it uses, builds an edition or copies the project."""
    if BUILD_FIXTURES & set(item.fixturenames) or _calls_a_build(getattr(item, "function", None)):
        return True
    defs = item._fixtureinfo.name2fixturedefs
    return any(_calls_a_build(d.func) for name in item.fixturenames for d in defs.get(name, ()))


# The modules that take a minute or more (the staff guide followed command by command, the
# bad-input cases with the shared national build, all 19 regions, the browser checks, the cache,
# the vintage walk), longest first as measured: `make test` has pytest-xdist hand out modules in
# this order (--no-loadscope-reorder), so the two workers finish together instead of one
# waiting for the last long module while the other is idle.
LONG_SCENARIOS = ("test_rehearsal.py", "test_bad_input.py", "test_editions.py", "test_browser.py",
                  "test_cache.py", "test_vintages.py", "test_verify.py")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests that build an edition or copy the project are the slow tier (``-m build``);
    ``make test-fast`` runs the rest. Then the long scenarios first: this wrapper is outermost,
    so it runs after pytest-randomly and pytest-reverse have ordered the tests, and keeps their
    order within each module and among the others."""
    for item in items:
        if item.get_closest_marker("build") is None and _builds(item):
            item.add_marker(pytest.mark.build)
    yield
    rank = {name: n for n, name in enumerate(LONG_SCENARIOS)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
