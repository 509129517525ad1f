"""requirements.txt (pip) and environment.yml (conda) pin the same packages."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_matches_requirements():
    pins = {line.strip().lower() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    assert all(re.fullmatch(r"[a-z0-9_.\-\[\]]+==[\w.]+", p) for p in pins), "alle pakker skal være låst med =="
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert {p.lower() for p in pip if not p.startswith("-e")} == pins
    assert "python=3.11" in env["dependencies"]


def test_nbstripout_for_make_lab_is_pinned():
    assert any(line.startswith("nbstripout==") for line in (ROOT / "requirements.txt").read_text().splitlines())
    assert "nbstripout" in (ROOT / "jupyter_server_config.py").read_text()
