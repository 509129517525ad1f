"""The staff's assessment texts (data/narrative/<edition>/<chapter>.md): no numbers typed in the
prose, every placeholder resolves in its own edition, and unknown placeholders are reported with
file and line."""

import shutil
from pathlib import Path

import pytest

from statusrapport.data.dataset import Dataset
from statusrapport.errors import PlaceholderError
from statusrapport.data.narrative import PLACEHOLDER, fill, typed_numbers

ROOT = Path(__file__).resolve().parents[1]
NARRATIVE = ROOT / "data" / "narrative"
EDITIONS = ("2022", "2025", "2026")
CHAPTERS = ("sammendrag", "samhandling", "psykisk_helse", "akuttmedisin", "kompetanse", "finansiering")
FILES = sorted(NARRATIVE.glob("*/*.md"))


def _id(path):
    return f"{path.parent.name}/{path.stem}"


def test_every_edition_has_every_chapter():
    missing = [f"{e}/{c}.md" for e in EDITIONS for c in CHAPTERS
               if not (NARRATIVE / e / f"{c}.md").exists()]
    assert not missing, f"mangler vurderingstekster: {missing}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_no_typed_numbers(path):
    found = typed_numbers(path.read_text(encoding="utf-8"))
    assert found == [], f"{path}: tall skrevet rett i teksten (linje, tall): {found}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_headings_left_to_notebook(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    top = [n for n, line in enumerate(lines, 1) if line.startswith("#") and not line.startswith("###")]
    sub = [n for n, line in enumerate(lines, 1) if line.startswith("###")]
    assert not top, f"{path}: overskrifter på nivå # eller ## på linje {top}"
    assert len(sub) <= 1, f"{path}: mer enn én ###-overskrift (linje {sub})"


@pytest.fixture(scope="module", params=EDITIONS)
def edition(request):
    return request.param, Dataset(ROOT, request.param)


_VALUES = {}


def placeholder_values(name):
    """All placeholder values of an edition, computed once per test run (it takes seconds)."""
    if name not in _VALUES:
        ds = Dataset(ROOT, name)
        _VALUES[name] = ds.values(list(ds.catalogue.indicators))
    return _VALUES[name]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_narrative_resolves(edition, chapter):
    name, ds = edition
    text = ds.narrative(chapter)
    assert text is not None, f"ingen vurderingstekst for {name}/{chapter}"
    assert "{{" not in text and "}}" not in text
    assert text.strip()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_narrative_uses_only_available_values(edition, chapter):
    """A placeholder that resolves to 'ikke tilgjengelig' means the text talks about data the
    edition does not have; missing data is to be said in words."""
    name, _ = edition
    raw = (NARRATIVE / name / f"{chapter}.md").read_text(encoding="utf-8")
    values = placeholder_values(name)
    unavailable = []
    for match in PLACEHOLDER.finditer(raw):
        ind, _, field = match.group(1).partition(".")
        if values[ind].get(field or "siste") == "ikke tilgjengelig":
            unavailable.append(match.group(1))
    assert not unavailable, f"{name}/{chapter}: plassholdere uten verdi: {unavailable}"


def test_unknown_placeholder_names_file_and_line(tmp_path):
    copy = tmp_path / "narrative" / "2026" / "samhandling.md"
    copy.parent.mkdir(parents=True)
    shutil.copy(NARRATIVE / "2026" / "samhandling.md", copy)
    with copy.open("a", encoding="utf-8") as fh:
        fh.write("\nNoe nytt: {{ finnes_ikke.siste }}.\n")
    text = copy.read_text(encoding="utf-8")
    line = text.split("\n").index("Noe nytt: {{ finnes_ikke.siste }}.") + 1
    values = placeholder_values("2026")
    with pytest.raises(PlaceholderError) as err:
        fill(text, values, file=str(copy))
    message = str(err.value)
    assert str(copy) in message
    assert f"linje {line}" in message
    assert "finnes_ikke" in message


def test_unknown_field_and_small_text():
    values = {"x": {"siste": "5 dager", "periode": "2025"}}
    assert fill("Ventetid {{ x }} i {{ x.periode }}.", values) == "Ventetid 5 dager i 2025."
    with pytest.raises(PlaceholderError) as err:
        fill("første linje\nandre {{ x.mål }}\n{{ y.siste }}", values, file="liten.md")
    message = str(err.value)
    assert "liten.md, linje 2" in message and "mål" in message
    assert "liten.md, linje 3" in message and "y.siste" in message


def test_typed_numbers_checker():
    assert typed_numbers("Planperioden 2024–2027, jf. boks 10.1.") == []
    assert typed_numbers("Verdien er {{ x.siste }} i {{ x.periode }}.") == []
    assert typed_numbers("Det var 19 helsefellesskap.") == [(1, "19")]
    assert typed_numbers("linje\n1 500 pasienter") == [(2, "1 500")]
