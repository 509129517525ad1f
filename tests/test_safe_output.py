"""Text from data files is shown as text: markup in the catalogue or in staff-written narrative
cannot run in the built report, the HTML forbids scripts by policy, and a parameter value cannot
turn into code in the chapter notebooks."""

import ast
import json
import re

import pytest
import yaml

from conftest import copy_project, run_build

EDITION = "2026"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
INJECTION = 'x"\nimport os'


def _retitle(project, chapter):
    """Put SCRIPT in front of the title of the first indicator of ``chapter``; returns the new title."""
    path = project / "data" / "catalogue.yml"
    text = path.read_text(encoding="utf-8")
    ind = next(i for i in yaml.safe_load(text)["indicators"] if i["chapter"] == chapter)
    start = re.search(rf"^\s*- id: {re.escape(ind['id'])}\s*$", text, re.M).end()
    line = re.compile(r"^(\s+)title:.*$", re.M).search(text, start)
    title = f"{SCRIPT} {ind['title']}"
    text = text[: line.start()] + f"{line.group(1)}title: {json.dumps(title, ensure_ascii=False)}" \
        + text[line.end():]
    path.write_text(text, encoding="utf-8")
    return title


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    title = _retitle(project, "akuttmedisin")
    narrative = project / "data" / "narrative" / EDITION / "akuttmedisin.md"
    narrative.parent.mkdir(parents=True, exist_ok=True)
    narrative.write_text(f"Vurdering med rå HTML: {IMG} og {SCRIPT}.\n", encoding="utf-8")
    result = run_build(project, "--chapter", "akuttmedisin", "--format", "html")
    assert result.returncode == 0, result.stderr
    html = (project / "output" / f"{EDITION}-utkast" / "statusrapport.html").read_text(encoding="utf-8")
    return html, title


def test_indicator_title_is_escaped(hostile):
    html, _ = hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()  # the report has no scripts at all


def test_narrative_raw_html_is_text(hostile):
    html, _ = hostile
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"<img[^>]*onerror", html, re.I)
    assert not re.search(r"<[^>]*\bonerror\s*=", html, re.I)


def test_content_security_policy(hostile):
    html, _ = hostile
    meta = re.search(r'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"', html)
    assert meta, "mangler Content-Security-Policy"
    policy = [p.strip() for p in meta.group(1).split(";")]
    assert "default-src 'none'" in policy
    assert not any("script-src" in p for p in policy)  # so scripts fall back to 'none'


def test_region_with_code_is_refused_before_any_notebook(project):
    result = run_build(project, "--region", INJECTION, "--format", "html")
    assert result.returncode == 2, result.stderr
    assert "ukjent region 'x\"\nimport os'; bruk 'land' eller en av:" in result.stderr
    assert "kjører" not in result.stdout and "Traceback" not in result.stderr
    assert not (project / ".cache").exists()
    assert not list(project.glob("output/**/*.ipynb"))


def test_dataset_refuses_unknown_region(project):
    from statusrapport.data.dataset import Dataset
    from statusrapport.errors import ParameterError

    with pytest.raises(ParameterError, match="ukjent region"):
        Dataset(project, EDITION, INJECTION)


def test_papermill_parameters_are_literals():
    """Even if a value got through, papermill writes it as a string literal, not as code."""
    from papermill.translators import translate_parameters

    code = translate_parameters("python3", "python", {"edition": EDITION, "region": INJECTION},
                                "Parameters")
    tree = ast.parse(code)
    assert all(isinstance(node, ast.Assign) for node in tree.body)
    values = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body}
    assert values == {"edition": EDITION, "region": INJECTION}
