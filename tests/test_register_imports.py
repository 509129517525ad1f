"""Next year's register extracts (the NKI export, FHI statistikkbank csv2): the aggregates of
these sources are derived (national NKI means weighted by counts, NPR rates per inhabitant), so
`build.py import` refuses them and names the derive command, which re-derives everything and
writes only what changed as a new vintage."""

import hashlib
import shutil

import pandas as pd
import pytest

from conftest import copy_project, run_build
from statusrapport.data import vintages
from statusrapport.ingest import derive

KEY = ["indicator", "period", "geo_level", "geo_code"]


def _observations(project, source):
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for p in vintages.files(project / "data", source)]
    return pd.concat(frames).drop_duplicates(KEY, keep="last").set_index(KEY)["value"]


def _tree(project):
    return {p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((project / "data").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("source, delivery", [
    ("nki_kvalitetsindikatorer", "nki_rhf.csv"),
    ("npr_nokkeltall", "npr_phv_2026-08-23.csv"),
])
def test_import_into_a_derived_register_source_names_the_derive_command(tmp_path, source, delivery):
    project = copy_project(tmp_path / "project")
    before = _tree(project)
    file = tmp_path / delivery
    shutil.copy(project / "data" / "snapshots" / source / delivery, file)
    result = run_build(project, "import", str(file), "--source", source)
    assert result.returncode == 3, result.stdout
    assert "python -m statusrapport.ingest.derive --vintage" in result.stderr
    assert "data/ er uendret" in result.stderr
    assert _tree(project) == before


def test_rederiving_the_shipped_extracts_reproduces_the_committed_observations(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    assert derive.new_vintage("2026-12-01", project / "data") == []  # nothing changed


def test_changed_value_in_an_nki_extract_becomes_a_new_vintage_with_the_national_mean(
        tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    src = project / "data" / "snapshots" / "nki_kvalitetsindikatorer" / "nki_rhf.csv"
    text = src.read_text(encoding="utf-8")
    row = ('2024,Gjennomsnittlig og median ventetid i psykisk helsevern for barn og unge,'
           'Gjennomsnittlig ventetid i PHBU i antall dager,Helse Sør-Øst RHF,"45,91"')
    assert text.count(row) == 1
    before = _observations(project, "nki_kvalitetsindikatorer")
    src.write_text(text.replace(row, row.replace('"45,91"', '"46,91"')), encoding="utf-8")
    monkeypatch.chdir(project)
    written = derive.new_vintage("2026-12-01", project / "data")
    assert [p.name for p in written] == ["2026-12-01_2.csv"]
    after = _observations(project, "nki_kvalitetsindikatorer")
    assert after[("ventetid_phbu", "2024", "rhf", "H12")] == "46.91"
    assert float(after[("ventetid_phbu", "2024", "land", "NO")]) > float(
        before[("ventetid_phbu", "2024", "land", "NO")])  # the national mean is re-derived
    # "15,7%"-style shares are numbers in percent; private rows stay out of the RHF level
    assert after[("reinnleggelse_30d_eldre", "2025", "rhf", "H12")] == "20.3"
    rhf = {code for (_, _, level, code) in after.index if level == "rhf"}
    assert rhf == {"H03", "H04", "H05", "H12"}
