"""Unit tests of the package's small pieces: formatting, targets, changes, tiltak, geography."""

import pandas as pd
import pytest

from statusrapport import periods
from statusrapport.chapter import changes, formatting, targets
from statusrapport.data import geography, tiltak
from statusrapport.data.dataset import Dataset

NB = "\u00a0"


@pytest.mark.parametrize("value, decimals, text", [
    (12345.64, 1, f"12{NB}345,6"), (5550203, 0, f"5{NB}550{NB}203"), (0.5, 1, "0,5"),
    (-3, 0, "\u22123"), (-0.04, 1, "0,0"), (float("nan"), 1, "ikke tilgjengelig"), (None, 0, "ikke tilgjengelig"),
])
def test_norwegian_numbers(value, decimals, text):
    assert formatting.number(value, decimals) == text


def test_units_and_periods():
    assert formatting.with_unit(12.5, "prosent", 1) == f"12,5{NB}%"
    assert formatting.with_unit(16, "prosentendring", 0) == f"+16{NB}%"
    assert formatting.with_unit(49.6, "dager", 1) == f"49,6{NB}dager"
    assert formatting.with_unit(19, "per 1 000 innbyggere", 0) == f"19{NB}per 1 000 innbyggere"
    assert periods.label("2021T1") == "1. tertial 2021"
    assert periods.label("2020-2024") == "2020\u20132024"
    assert periods.label("2022-03") == "mars 2022"


TARGET = {"value": 35, "comparator": "<", "year": 2027, "plan": "2024–2027"}


@pytest.mark.parametrize("points, status", [
    ([], "mangler data"),
    ([("2025", 34.0)], "nådd"),
    ([("2024", 45.0), ("2025", 40.0)], "ikke nådd ennå"),  # never "i rute" by projection
    ([("2024", 45.0), ("2025", 44.0)], "ikke nådd ennå"),
])
def test_target_status(points, status):
    assert targets.status(TARGET, points, (2024, 2027), 2025) == status


@pytest.mark.parametrize("direction, before, after, kind", [
    ("lower", ("2021", 49.6), ("2026", 41.3), "bedre"),
    ("higher", ("2021", 50.0), ("2022", 40.0), "dårligere"),
    ("neutral", ("2024", 1.0), ("2025", 2.0), "endret"),
    ("lower", (None, None), ("2025", 2.0), "ny"),
    ("lower", ("2025", 2.0), ("2025", 2.0), "uendret"),
])
def test_change_classification(direction, before, after, kind):
    assert changes.classify(direction, before, after) == kind


def test_tiltak_status_carries_forward_within_a_plan():
    frame = pd.DataFrame([
        {"id": "a", "edition": "2025", "chapter": "samhandling", "status": "ikke startet"},
        {"id": "a", "edition": "2026", "chapter": "samhandling", "status": "i rute"},
        {"id": "b", "edition": "2025", "chapter": "samhandling", "status": "levert"},
        {"id": "old", "edition": "2022", "chapter": "samhandling", "status": "levert"},
    ])
    now = tiltak.for_edition(frame, "2026", 2024)
    assert dict(zip(now["id"], now["status"])) == {"a": "i rute", "b": "levert"}
    then = tiltak.for_edition(frame, "2025", 2024)
    assert dict(zip(then["id"], then["status"])) == {"a": "ikke startet", "b": "levert"}
    assert list(tiltak.for_edition(frame, "2022", 2020)["id"]) == ["old"]


def test_dataset_filters_to_the_editions_data_year():
    from conftest import ROOT

    assert Dataset(ROOT, "2025").latest("arsverk_hf_totalt")[0] == "2024"
    assert Dataset(ROOT, "2026").latest("arsverk_hf_totalt")[0] == "2025"
    assert Dataset(ROOT, "2022").latest("arsverk_hf_totalt") == (None, None)


def test_edition_given_as_a_number_is_the_edition_of_that_name():
    from conftest import ROOT
    from statusrapport import edition as edition_mod

    # papermill -p edition 2026 passes an int; the notebook must read the same edition
    assert edition_mod.resolve(ROOT, 2026).path == edition_mod.resolve(ROOT, "2026").path
