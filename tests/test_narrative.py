"""The staff's assessment texts (data/narrative/<edition>/<chapter>.md): no numbers typed in the
prose, every placeholder resolves in its own edition, and unknown placeholders are reported with
file and line."""

import re
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


# -- messages for placeholders and missing texts ------------------------------------------

VALUES = {"ventetid_phbu": {"tittel": "T", "siste": "41,3 dager", "periode": "2026", "forrige": "x",
                            "forrige_periode": "2021", "endring": "y", "mål": "under 35 dager",
                            "status": "ikke nådd"},
          "ventetid_tsb": {"tittel": "T", "siste": "1", "periode": "2026", "forrige": "x",
                           "forrige_periode": "2021", "endring": "y"}}


def _problems(text):
    with pytest.raises(PlaceholderError) as exc:
        fill(text, VALUES, "psykisk_helse.md")
    return exc.value.problems


def test_unknown_indicator_suggests_the_closest_id():
    (problem,) = _problems("Ventetiden var {{ ventetid_phbuu.siste }}.")
    assert problem == ("psykisk_helse.md, linje 1: plassholderen '{{ ventetid_phbuu.siste }}': ukjent "
                       "indikator 'ventetid_phbuu' (mente du 'ventetid_phbu'?); rett navnet (id-ene "
                       "står i ./rapport indicators)")


@pytest.mark.parametrize("field, hint", [("Siste", " (mente du 'siste'?)"),
                                         ("maal", " (mente du 'mål'?)"),
                                         ("verdi", "")])
def test_unknown_field_has_one_message_with_the_valid_fields(field, hint):
    (problem,) = _problems(f"{{{{ ventetid_phbu.{field} }}}}")
    assert problem == (f"psykisk_helse.md, linje 1: plassholderen '{{{{ ventetid_phbu.{field} }}}}': "
                       f"ukjent felt '{field}'{hint}; gyldige felt: tittel, siste, periode, forrige, "
                       "forrige_periode, endring, mål, status")


def test_target_field_of_indicator_without_target_says_so():
    (problem,) = _problems("{{ ventetid_tsb.mål }}")
    assert "ukjent felt 'mål'; 'ventetid_tsb' har ikke noe mål i denne utgaven; gyldige felt: " \
           "tittel, siste, periode, forrige, forrige_periode, endring" in problem


def test_every_unknown_placeholder_is_counted_once():
    problems = _problems("{{ a.siste }} og {{ ventetid_phbu.Siste }}\n\n{{ ventetid_phbu.verdi }}")
    assert [p.split(":")[0] for p in problems] == ["psykisk_helse.md, linje 1"] * 2 + [
        "psykisk_helse.md, linje 3"]


def test_dataset_values_have_exactly_the_documented_fields():
    from statusrapport.data import narrative

    ds = Dataset(ROOT, "2026")
    with_target = next(i.id for i in ds.catalogue.indicators.values() if ds.target(i.id))
    without = next(i.id for i in ds.catalogue.indicators.values() if not i.target)
    values = ds.values([with_target, without])
    assert tuple(values[with_target]) == narrative.FIELDS + narrative.TARGET_FIELDS
    assert tuple(values[without]) == narrative.FIELDS


def _project_with_2027(tmp_path, draft, texts=()):
    from conftest import copy_project

    project = copy_project(tmp_path / "p")
    text = (project / "params" / "2026.yml").read_text(encoding="utf-8")
    text = text.replace('edition: "2026"', 'edition: "2027"').replace("reporting_year: 2026",
                                                                   "reporting_year: 2027")
    text = re.sub(r"^previous_edition:.*$", 'previous_edition: "2026"', text, flags=re.M)
    (project / "params" / "2027.yml").write_text(text + ("draft: true\n" if draft else ""),
                                                 encoding="utf-8")
    for name in texts:
        folder = project / "data" / "narrative" / "2027"
        folder.mkdir(exist_ok=True)
        shutil.copy(project / "data" / "narrative" / "2026" / f"{name}.md", folder)
    return project


def test_missing_assessment_stops_a_final_edition(tmp_path):
    from statusrapport.data import validate

    project = _project_with_2027(tmp_path, draft=False, texts=("sammendrag",))
    (problem,) = validate.run(project, edition="2027")
    assert str(problem) == (
        "data/narrative/2027: vurderingsteksten mangler for samhandling, psykisk_helse, "
        "akuttmedisin, kompetanse, finansiering i utgave 2027; kopier fjorårets tekster (cp -r "
        "data/narrative/2026 data/narrative/2027) og skriv dem om, eller sett draft: true i "
        "params/2027.yml for å bygge et utkast")
    assert validate.run(project, edition="2026") == []  # a broken next edition never blocks this one


def test_missing_assessment_in_a_draft_is_a_warning(tmp_path):
    from statusrapport.data import validate

    project = _project_with_2027(tmp_path, draft=True)
    warnings = []
    assert validate.run(project, edition="2027", warnings=warnings) == []
    assert warnings == ["utgave 2027 er et UTKAST uten vurderingstekst for sammendrag, samhandling, "
                        "psykisk_helse, akuttmedisin, kompetanse, finansiering (mangler i "
                        "data/narrative/2027/); skriv tekstene før utgaven publiseres"]


def test_validate_counts_problems_and_scopes_to_the_edition(tmp_path, monkeypatch, capsys):
    from statusrapport import cli

    project = _project_with_2027(tmp_path, draft=True, texts=("samhandling",))
    (project / "data" / "narrative" / "2027" / "samhandling.md").write_text(
        "{{ ventetid_phbuu.siste }} {{ ventetid_phbu.Siste }}\n{{ ventetid_phbu.maal }}\n",
        encoding="utf-8")
    monkeypatch.setattr(cli, "ROOT", project)
    assert cli.main(["validate", "--params", "2026"]) == 0
    assert "Alle datafiler er gyldige. (utgave 2026 og de felles filene)" in capsys.readouterr().out
    assert cli.main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "3 feil funnet; rett dem og kjør kommandoen på nytt:" in err
    assert err.count("\n  - ") == 3
    assert "ADVARSEL: utgave 2027 er et UTKAST uten vurderingstekst for sammendrag" in err
