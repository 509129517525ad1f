"""`build.py import` with the shipped specs: the NKI export (RHF level) and one FHI statistikkbank
csv2 file reproduce the committed observations, and a changed value in a real-format delivery is
imported as a change."""

import shutil

import pandas as pd
import pytest

from conftest import copy_project, run_build

KEY = ["indicator", "period", "geo_level", "geo_code"]


def _values(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df.set_index(KEY)["value"].sort_index()


@pytest.mark.parametrize("source, delivery, imported", [
    ("nki_kvalitetsindikatorer", "nki_rhf.csv", 583),
    ("npr_nokkeltall", "npr_phv_2026-08-23.csv", 36),
])
def test_import_of_shipped_delivery_reproduces_committed_observations(tmp_path, source, delivery,
                                                                     imported):
    project = copy_project(tmp_path / "project")
    obs_file = project / "data" / "observations" / f"{source}.csv"
    before = _values(obs_file)
    file = tmp_path / delivery
    shutil.copy(project / "data" / "snapshots" / source / delivery, file)
    result = run_build(project, "import", str(file), "--source", source)
    assert result.returncode == 0, result.stderr
    assert f"Importerte {imported} observasjoner" in result.stdout
    assert "(0 nye, 0 endrede)" in result.stdout
    after = _values(obs_file)
    assert after.index.equals(before.index)
    assert (after == before).all()


def test_changed_value_in_nki_delivery_is_imported_as_a_change(tmp_path):
    project = copy_project(tmp_path / "project")
    src = project / "data" / "snapshots" / "nki_kvalitetsindikatorer" / "nki_rhf.csv"
    text = src.read_text(encoding="utf-8")
    row = ('2024,Gjennomsnittlig og median ventetid i psykisk helsevern for barn og unge,'
           'Gjennomsnittlig ventetid i PHBU i antall dager,Helse Sør-Øst RHF,"45,91"')
    assert text.count(row) == 1
    delivery = tmp_path / "nki_eksport.csv"
    delivery.write_text(text.replace(row, row.replace('"45,91"', '"46,91"')), encoding="utf-8")
    result = run_build(project, "import", str(delivery), "--source", "nki_kvalitetsindikatorer")
    assert result.returncode == 0, result.stderr
    assert "(0 nye, 1 endrede)" in result.stdout
    after = _values(project / "data" / "observations" / "nki_kvalitetsindikatorer.csv")
    assert after[("ventetid_phbu", "2024", "rhf", "H12")] == "46.91"
    # "15,7%"-style shares come in as numbers in percent
    assert after[("reinnleggelse_30d_eldre", "2025", "rhf", "H12")] == "20.3"


def test_private_row_and_unmapped_measures_stay_out(tmp_path):
    project = copy_project(tmp_path / "project")
    src = project / "data" / "snapshots" / "nki_kvalitetsindikatorer" / "nki_rhf.csv"
    delivery = tmp_path / "nki_rhf.csv"
    shutil.copy(src, delivery)
    result = run_build(project, "import", str(delivery), "--source", "nki_kvalitetsindikatorer")
    assert result.returncode == 0, result.stderr
    df = pd.read_csv(project / "data/observations/nki_kvalitetsindikatorer.csv", dtype=str,
                     keep_default_na=False)
    assert set(df.loc[df.geo_level == "rhf", "geo_code"]) == {"H03", "H04", "H05", "H12"}
