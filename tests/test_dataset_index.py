"""Queries answered from the per-process index give the rows a plain scan of the table gives,
and a process parses each source once, however many chapters and editions ask."""

import pandas as pd
import pytest

from statusrapport.data import dataset, observations
from statusrapport.model import NATIONAL, NATIONAL_CODE

from conftest import ROOT, copy_project, rehash


def scan(ds, ids, level=None, codes=None):
    """The query as a full scan of every source table: what the index must reproduce."""
    ids = [ids] if isinstance(ids, str) else list(ids)
    wanted = sorted({s for i in ids for s in ds.indicator(i).source if ds.vintage_files(s)})
    obs = pd.concat([ds._table(s).frame for s in wanted])
    obs = obs[obs["indicator"].isin(ids)]
    if level is not None:
        obs = obs[obs["geo_level"] == level]
    if codes is not None:
        obs = obs[obs["geo_code"].isin(codes)]
    return obs.sort_values(["indicator", "geo_level", "geo_code", "period"], kind="stable") \
              .reset_index(drop=True)


@pytest.fixture(scope="module")
def ds():
    return dataset.load(ROOT, "2026")


def test_index_answers_equal_a_full_scan(ds):
    two_sources = next(i.id for i in ds.catalogue.indicators.values() if len(i.source) > 1
                       and all(ds.vintage_files(s) for s in i.source))
    queries = [("ventetid_somatikk", None, None),
               ("ventetid_somatikk", "rhf", None),  # rows from one of its two sources
               (two_sources, None, None), (["befolkning", "ventetid_tsb"], "hf", ["ous", "ahus"]),
               ("befolkning", NATIONAL, [NATIONAL_CODE]), ("befolkning", "hf", ["finnes_ikke"]),
               (["ventetid_tsb", "ventetid_tsb"], None, None)]
    for ids, level, codes in queries:
        got = ds.observations(ids, level, codes)
        pd.testing.assert_frame_equal(got, scan(ds, ids, level, codes), check_dtype=True)
    assert len(ds.observations("ventetid_somatikk", "rhf")) > 0
    assert ds.observations("befolkning", "hf", ["finnes_ikke"]).empty


def test_a_process_parses_each_source_once(monkeypatch):
    calls = []
    real = observations.read
    monkeypatch.setattr(observations, "read", lambda path, *a, **k: calls.append(path) or real(path, *a, **k))
    monkeypatch.setattr(dataset, "_TABLES", {})
    first = dataset.load(ROOT, "2026").series("ventetid_somatikk")
    parsed = len(calls)
    assert parsed >= 1
    again = dataset.load(ROOT, "2026").series("ventetid_somatikk")  # the next chapter
    assert len(calls) == parsed
    pd.testing.assert_frame_equal(first, again)


def test_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    monkeypatch.setattr(dataset, "_TABLES", {})
    before = dataset.load(project, "2026").latest("ventetid_somatikk")
    rel = next(p for p in (project / "data" / "observations" / "nki_kvalitetsindikatorer").glob("*.csv"))
    text = rel.read_text(encoding="utf-8")
    period, value = before
    lines = text.splitlines(keepends=True)
    hit = next(n for n, line in enumerate(lines)
               if line.startswith(f"ventetid_somatikk,{period},land,NO,"))
    cols = lines[hit].split(",")
    cols[4] = str(float(cols[4]) + 1)
    lines[hit] = ",".join(cols)
    rel.write_text("".join(lines), encoding="utf-8")
    rehash(project, rel.relative_to(project / "data").as_posix())
    assert dataset.load(project, "2026").latest("ventetid_somatikk") == (period, value + 1)


def test_the_next_chapter_gets_its_own_copy_of_a_series_and_still_reads_its_files(tmp_path,
                                                                                 monkeypatch):
    """A series is computed once per process, but a chapter that asks for it again still
    depends on the source's files (the cache keys it on them) and gets its own copy."""
    log = tmp_path / "reads.log"
    monkeypatch.setenv("STATUSRAPPORT_READ_LOG", str(log))
    monkeypatch.setattr(dataset, "_SERIES", {})
    first = dataset.load(ROOT, "2026").series("ventetid_somatikk")
    original = first["value"].copy()
    first["value"] *= 100  # a chapter changing what it was given
    log.write_text("", encoding="utf-8")  # the next chapter starts with an empty read log
    again = dataset.load(ROOT, "2026").series("ventetid_somatikk")
    pd.testing.assert_series_equal(again["value"], original)
    reads = log.read_text(encoding="utf-8").split()
    assert any("/observations/nki_kvalitetsindikatorer/" in r and r.endswith(".csv") for r in reads)
    assert len(dataset._SERIES) >= 1


def test_a_series_from_one_source_is_the_general_query(ds, monkeypatch):
    """The one-source shortcut of Dataset.series gives the frame the general query gives (rows,
    order, dtypes, index): every national series, and every series of indicators given per area."""
    obs = ds.observations(list(ds.catalogue.indicators))
    local = obs[obs["geo_level"] != NATIONAL]["indicator"].drop_duplicates().head(6)
    wanted = obs[(obs["geo_level"] == NATIONAL) | obs["indicator"].isin(local)]
    combos = list(wanted[["indicator", "geo_level", "geo_code"]].drop_duplicates().itertuples(index=False))
    assert len(combos) > 200
    monkeypatch.setattr(dataset, "_SERIES", {})  # computed here, not remembered from elsewhere
    one_source = 0
    for ind, level, code in combos + [(i, "hf", "finnes_ikke") for i in local]:
        pd.testing.assert_frame_equal(ds.series(ind, level, code),
                                      ds._merged_series(ind, level, code))
        one_source += len(ds.indicator(ind).source) == 1
    assert one_source > 200
