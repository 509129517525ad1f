"""The YAML files staff edit by hand are checked by JSON Schema (statusrapport.data.schema):
every broken rule is a Norwegian problem naming the file, the entry and the field."""

import copy
from pathlib import Path

import pytest
import yaml

from statusrapport.data import catalogue, schema, sources
from statusrapport.errors import DataError
from statusrapport.ingest import readers

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = yaml.safe_load((ROOT / "data" / "catalogue.yml").read_text(encoding="utf-8"))
RECORD = (ROOT / "data" / "sources" / "seed000.yml").read_text(encoding="utf-8")


def catalogue_problems(tmp_path, change):
    raw = {"indicators": copy.deepcopy(CATALOGUE["indicators"][:12]), "results": []}
    change(raw["indicators"][11])
    path = tmp_path / "catalogue.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as err:
        catalogue.load(path)
    where = f"{path} (indikator nr. 12, {raw['indicators'][11].get('id')})"
    return [str(p).replace(where, "X") for p in err.value.problems]


def test_shipped_files_pass():
    assert len(catalogue.load(ROOT / "data" / "catalogue.yml").indicators) == len(CATALOGUE["indicators"])
    assert sources.read_all(ROOT / "data")[1] == []


@pytest.mark.parametrize("change, expected", [
    (lambda e: e.update(unit="timer"), "X, kolonne 'unit': ugyldig verdi, forventet en av prosent, "),
    (lambda e: e.pop("unit"), "X, kolonne 'unit': feltet mangler"),
    (lambda e: e.update(decimals=True), "X, kolonne 'decimals': ugyldig verdi, forventet et heltall 0–3 (fant: True)"),
    (lambda e: e.update(levels=["land", "fylke"]), "X, kolonne 'levels': ugyldig verdi, forventet liste med nivåer"),
    (lambda e: e.update(foo=1, bar=2), "X: ukjent felt 'bar, foo'; gyldige felt: id, chapter, title,"),
    (lambda e: e.update(target=5), "X, kolonne 'target': target skal ha value, comparator, plan, ref"),
    (lambda e: e.update(target={"value": float("inf"), "comparator": "<", "plan": "2024–2027", "ref": "r"}),
     "X, kolonne 'target': target.value skal være et endelig tall (f.eks. 90) (fant: inf)"),
    (lambda e: e.update(target={"value": 1, "comparator": "=", "plan": "2024", "ref": "r", "x": 1}),
     "X, kolonne 'target': comparator skal være <, <=, > eller >= (fant: '=')"),
    (lambda e: e.update(target={"value": 1, "comparator": "<", "plan": "2024–2027"}),
     "X, kolonne 'target': target mangler 'ref'"),
    (lambda e: e.update(plausible=[5, 1]), "X, kolonne 'plausible': forventet [minste, største] rimelige verdi"),
    (lambda e: e.update(breaks=[{"period": "2025"}]), "X, kolonne 'breaks': breaks skal være en liste med period og note"),
])
def test_catalogue_problem_names_entry_field_and_rule(tmp_path, change, expected):
    found = catalogue_problems(tmp_path, change)
    assert any(p.startswith(expected) for p in found), found


def test_every_broken_rule_of_an_entry_is_reported(tmp_path):
    found = catalogue_problems(tmp_path, lambda e: e.update(
        target={"value": 1, "comparator": "=", "plan": "2024", "year": "2023", "ref": "r", "x": 1}))
    assert [p.split(": ", 1)[1] for p in found] == [
        "ukjente felt i target: x", "comparator skal være <, <=, > eller >= (fant: '=')",
        "target.plan skal være en planperiode, f.eks. 2024–2027 (fant: '2024')",
        "target.year skal være et årstall uten anførselstegn (f.eks. 2027) (fant: '2023')"]


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace("\nlicence:", "\nlisens: x\nlicence:"),
     "a.yml: ukjent nøkkel 'lisens'; gyldige nøkler: id, title, publisher"),
    (lambda t: t.replace("title:", "tittel:"), "a.yml, kolonne 'title': mangler nøkkel 'title'"),
    (lambda t: t.replace("published: ", 'published: "2026-13-45" #'),
     "a.yml, kolonne 'published': forventet en dato (ÅÅÅÅ-MM-DD) for når kilden ble publisert"),
    (lambda t: t.replace("files:", "files:\n  ../x.csv: " + "0" * 64),
     "a.yml, kolonne 'files': stien skal være relativ til data/ og ligge inne i data/ (fant: '../x.csv')"),
    (lambda t: t.replace("files:", "files:\n  x.csv: abc"),
     "a.yml, kolonne 'files': forventet en sha256 (64 heksadesimale tegn) for x.csv (fant: 'abc')"),
])
def test_source_record_problems(tmp_path, edit, expected):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.yml").write_text(edit(RECORD.replace("id: seed000", "id: a")),
                                                encoding="utf-8")
    found, problems = sources.read_all(tmp_path)
    assert found == {} and any(str(p).endswith(expected) or expected in str(p) for p in problems), problems


def test_import_spec_rules_and_the_keys_that_go_together(tmp_path):
    spec = {"format": "csv", "geo_level": "fylke", "valu_column": "x", "indicator": "Ventetid",
            "period_dimension": "år", "skip_rows": -1}
    found = [p.message for p in readers._check_spec(tmp_path / "levering.csv", spec)]
    assert "importoppsett: ukjent nøkkel 'valu_column'; gyldige nøkler: format, geo_level," in found[0]
    assert "importoppsett: 'geo_level' må være en av land, rhf, hf, helsefellesskap, dps, kommune" in found
    assert "importoppsett: indikator-id må være små bokstaver, siffer og _ (f.eks. ventetid_phbu)" in found
    assert "importoppsett: 'skip_rows' må være et heltall ≥ 0" in found
    assert "importoppsett: oppgi nøyaktig én av 'geo_dimension' og 'geo_code'" in found
    assert "importoppsett: 'value_column' mangler (eller bruk wide_periods: true)" in found


def test_finite_and_date_rules():
    rule = {"type": "object", "properties": {
        "v": {"type": "number", "finite": True, "message": "endelig"},
        "d": {"type": "string", "format": "date", "message": "dato"}}}
    assert schema.check(rule, {"v": float("nan"), "d": "2026-02-30"}) == [
        (("d",), "dato", "2026-02-30"), (("v",), "endelig", pytest.approx(float("nan"), nan_ok=True))]
    assert schema.check(rule, {"v": 1e308, "d": "2026-02-28"}) == []
