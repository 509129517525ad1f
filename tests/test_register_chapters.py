"""Register data in the chapters: editions whose data cut-off is before an extract's vintage never see it, the
2026 edition judges the waiting-time targets on NKI 2024 values, and the views for values that
exist only per region (medians, percentiles) never invent a national figure."""

import pytest

from conftest import copy_project
from statusrapport.chapter import figures, tables, views
from statusrapport.data.dataset import Dataset

NEW_SOURCES = {"nki_kvalitetsindikatorer", "npr_nokkeltall", "ssb_befolkning_alder"}
WAITING = ["ventetid_somatikk", "ventetid_phv_voksne", "ventetid_phbu", "ventetid_tsb"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("registers") / "project")


@pytest.fixture(scope="module")
def ds2026(root):
    return Dataset(root, "2026")


@pytest.fixture(scope="module")
def ds2022(root):
    return Dataset(root, "2022")


def test_2025_edition_uses_no_extract_that_came_after_its_cutoff(root):
    ds = Dataset(root, "2025")
    ids = [i for i, ind in ds.catalogue.indicators.items() if set(ind.source) & NEW_SOURCES]
    assert not set(ds.observations(ids)["source"]) & NEW_SOURCES
    assert ds.latest("andel_befolkning_80_pluss") == (None, None)  # the age extract came later
    assert Dataset(root, "2026").latest("andel_befolkning_80_pluss")[0] == "2025"


def test_2022_edition_uses_none_of_the_new_sources(ds2022):
    ids = [i for i, ind in ds2022.catalogue.indicators.items() if set(ind.source) & NEW_SOURCES]
    assert len(ids) > 60
    obs = ds2022.observations(ids)
    assert not set(obs["source"]) & NEW_SOURCES
    # the old report's own figure stays: 49,6 dager in 2021 (seed 000 L248-249), not NKI's 49,1
    assert ds2022.points("ventetid_phbu") == [("2021", 49.6)]
    assert "Nasjonale kvalitetsindikatorer" not in ds2022.source_text("ventetid_phbu")


def test_2026_targets_judged_on_2024_nki_values(ds2026):
    expected = {"ventetid_somatikk": 76.7, "ventetid_phv_voksne": 54.6, "ventetid_phbu": 52.3,
                "ventetid_tsb": 30.2}
    for i in WAITING:
        period, value = ds2026.latest(i)
        assert period == "2024" and round(value, 1) == expected[i], i
        assert ds2026.series(i)["source"].iloc[-1] == "nki_kvalitetsindikatorer"
        assert ds2026.target_status(i) != "mangler data"
    judged = [i.id for ch in ("samhandling", "psykisk_helse", "akuttmedisin", "kompetanse",
                              "finansiering") for i in ds2026.catalogue.chapter(ch)
              if ds2026.target(i.id) and (ds2026.latest(i.id)[0] or "0")[:4] >= "2024"]
    assert len(judged) >= 4
    table = views.target_table(ds2026, ["samhandling", "psykisk_helse"], "Mål")
    assert "Kilde for verdien" in table.columns
    row = next(r for r in table.rows if r[0] == "Gjennomsnittlig ventetid, somatikk")
    assert "2024" in row and any("Nasjonale kvalitetsindikatorer" in str(c) for c in row)


def test_regional_only_indicators_have_no_national_value(ds2026):
    fig = views.trend_by_area(ds2026, "amk_responstid_p90_tettbygd", "rhf")
    assert isinstance(fig, figures.Figure)
    assert "Hele landet" not in set(fig.data["series"])
    assert set(fig.data["series"]) == {"Helse Midt-Norge", "Helse Nord", "Helse Sør-Øst",
                                       "Helse Vest"}
    assert fig.data["period"].max() == "2025"
    tab = views.area_table(ds2026, ["ventetid_phbu_median"], "Median")
    assert isinstance(tab, tables.Table)
    assert tab.rows[0][-1] == "ikke beregnet"
    # a share with national counts does get the summed national value
    fig = views.trend_by_area(ds2026, "hlr_for_ambulanse_andel", "rhf")
    assert "Hele landet" in set(fig.data["series"])


def test_appendix_shows_region_values_for_regional_indicators(ds2026):
    tab = views.area_profile(ds2026, "bergen", ["reinnleggelse_30d_eldre", "ventetid_phbu"], "x")
    rows = {r[0]: r for r in tab.rows}
    r = rows["Reinnleggelse innen 30 dager etter utskrivning, alle eldre pasienter"]
    assert r[2] == "bare regionstall" and r[3] == "20,0\u00a0%" and r[4] == "ikke beregnet"
    r = rows["Gjennomsnittlig ventetid, psykisk helsevern for barn og unge"]
    assert r[1] == "2024" and r[2] == "45,0\u00a0dager" and r[4] == "52,3\u00a0dager"


def test_results_followed_by_regional_indicators_have_data(ds2026):
    tab = views.missing_results(ds2026, "Resultater")
    row = next(r for r in tab.rows if r[0] == "9")
    assert "Reinnleggelse innen 30 dager" in row[2]
    row = next(r for r in tab.rows if r[0] == "10")
    assert "mangler data" not in row[2]
