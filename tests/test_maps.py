"""Maps: every boundary in the shipped map files matches a unit of the geography, SKDE's
enlarged Oslo copy over Sweden is left out, class breaks and legends are in Norwegian number
format, alt text is written from the data, and the same input gives the same PNG bytes."""

from pathlib import Path

import numpy as np
import pytest
import shapely

from statusrapport.chapter import maps, views
from statusrapport.data.dataset import Dataset

ROOT = Path(__file__).resolve().parents[1]
NB = "\u00a0"


@pytest.fixture(scope="module")
def ds():
    return Dataset(ROOT, "2026")


def test_every_hf_area_matches_a_unit(ds):
    shapes = maps.boundaries(ds, "hf")
    hf = ds.geography.codes("hf")
    assert len(shapes) == 21 and set(shapes) <= hf
    # the only HF without an opptaksområde of its own is Sunnaas (a national rehabilitation
    # hospital); every other HF in data/geography/units.csv is on the map
    assert hf - set(shapes) == {"sunnaas"}
    assert set(maps.HF_AREAS.values()) == set(shapes)


def test_every_dps_area_and_helsefellesskap_matches(ds):
    assert set(maps.boundaries(ds, "dps")) == ds.geography.codes("dps")
    assert set(maps.boundaries(ds, "helsefellesskap")) == ds.geography.codes("helsefellesskap")


def test_areas_with_data_have_a_shape(ds):
    """Every HF area, DPS area and helsefellesskap with an observation is drawn (except
    Sunnaas, which has no area and is listed beside the map only)."""
    for level in ("hf", "dps", "helsefellesskap"):
        shapes = maps.boundaries(ds, level)
        for src in ("skde_helseatlas", "ssb_kostra_11996", "helsefellesskap_proxy"):
            frame = ds.observations([i.id for i in ds.catalogue.indicators.values() if src in i.source])
            codes = set(frame.loc[frame["geo_level"] == level, "geo_code"]) - {"sunnaas"}
            assert codes <= set(shapes), (level, src, codes - set(shapes))


def test_skde_oslo_inset_over_sweden_is_left_out(ds):
    (x0, y0), (x1, y1) = maps.project(np.array([[14.6, 59.0], [23.0, 63.9]]))
    sweden = shapely.box(x0, y0, x1, y1)
    for level in ("hf", "dps"):
        for code, geom in maps.boundaries(ds, level).items():
            assert not geom.intersects(sweden), (level, code)
    # Oslo itself is still there, at its real place
    oslo = maps.project(np.array([[10.75, 59.91]]))[0]
    assert maps.boundaries(ds, "hf")["ous"].distance(shapely.Point(oslo)) < 10  # km


def test_class_breaks_and_legend_in_norwegian_format():
    breaks = maps.classes([440.0, 491, 512, 521, 528, 561, 584, 610, 629, 723])
    assert breaks == sorted(set(breaks)) and 1 <= len(breaks) <= 4
    labels = maps._class_labels([0.17, 0.2], 0.07, 0.53, 2)
    assert labels == ["under 0,17", "0,17 til 0,20", "0,20 og over"]
    assert maps._class_labels([1500.0], 900, 12000, 0) == [f"under 1{NB}500", f"1{NB}500 og over"]
    assert maps.classes([5.0, 5.0, 5.0]) == []


def test_map_view_figure_block(ds):
    fig = views.map(ds, "phv_poliklinikk_pasienter", "hf")
    assert fig.kind == "map" and fig.id.startswith("map-phv_poliklinikk_pasienter-hf-")
    assert "Kartgrunnlag: SKDE" in fig.source and "kildehenvisning" in fig.source
    assert fig.alt.startswith("Kart over Norge med 21 helseforetaksområder")
    assert "Høyest: " in fig.alt and "lavest: " in fig.alt and "tabellen" in fig.alt
    assert list(fig.data.columns) == ["kode", "område", "verdi"] and len(fig.data) >= 21
    assert fig.values["rows"][0][1] == max(fig.values["rows"], key=lambda r: float(
        r[1].replace(NB, "").replace(",", ".")))[1]
    wide, narrow = fig.pngs()
    again = views.map(ds, "phv_poliklinikk_pasienter", "hf").pngs()
    assert (wide, narrow) == again, "same input must give the same bytes"
    assert wide[:8] == b"\x89PNG\r\n\x1a\n" and narrow and narrow != wide


def test_map_of_helsefellesskap_credits_kartverket(ds):
    fig = views.map(ds, "legearsverk_kad_per_10000", "helsefellesskap")
    assert "© Kartverket" in fig.source and "CC BY 4.0" in fig.source
    assert fig.alt.startswith("Kart over Norge med 19 helsefellesskap")


def test_missing_values_are_named_in_alt_text(ds):
    fig = views.map(ds, "arsverk_hf_totalt_per_1000", "hf")
    assert "Ikke tilgjengelig for" in fig.alt
    fig.pngs()


def test_region_edition_outlines_its_areas():
    ds = Dataset(ROOT, "2026", "bergen")
    fig = views.map(ds, "phv_poliklinikk_pasienter", "hf")
    assert "Uthevet: Helse Bergen" in fig.alt
    fig.pngs()


def test_locator_map(ds):
    fig = views.locator_map(ds, "forde")
    assert fig.kind == "locator" and fig.caption == "Helsefellesskap Førde i kartet"
    assert "Helse Vest" in fig.alt and "17 kommuner" in fig.alt and f"107{NB}190" in fig.alt
    assert list(fig.data.columns) == ["kommunenummer", "kommune", "folketall_2024"]
    assert len(fig.data) == 17 and "© Kartverket" in fig.source
    wide, narrow = fig.pngs()
    assert narrow is None and wide[:4] == b"\x89PNG"
