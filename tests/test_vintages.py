"""Vintages: a published edition is frozen, revisions are shown, imports cannot distort silently,
and every edition sees only what was known at its data cut-off."""

import datetime
import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import copy_project, run_build
from statusrapport.data import sources, vintages
from statusrapport.data.dataset import Dataset
from statusrapport.ingest import command, derive

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "deliveries"
TODAY = datetime.date.today()
NBSP = "\u00a0"

# A test source for waiting times (the staff guide's example), and test deliveries for it.
RECORD = """\
id: npr_ventetider
title: Ventetider i spesialisthelsetjenesten
publisher: Helsedirektoratet (Norsk pasientregister)
origin: Uttrekk fra NPR levert til Helsedirektoratet, fil levering.csv
licence: NLOD 2.0
published: 2026-11-25
retrieved: 2026-11-25
files: {}
import:
  format: csv
  geo_level: land
  geo_code: "NO"
  indicator: ventetid_phbu
  period_dimension: år
  value_column: ventetid (dager)
"""
FIRST = "år;ventetid (dager)\n2025;42,7\n"  # test values
SECOND = "år;ventetid (dager)\n2024;44,1\n2025;43,1\n2026;41,3\n"  # revises 2025


def tree(project):
    """sha256 of every file under data/, to prove a refused import wrote nothing."""
    data = project / "data"
    return {p.relative_to(data).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file()}


def frozen_2026(project, cutoff="2026-11-30"):
    """The scene of these tests: edition 2026 with a data cut-off before the test deliveries
    (the shipped params may move it; the tests must not depend on where it is)."""
    path = project / "params" / "2026.yml"
    path.write_text(re.sub(r"^data_cutoff: .*$", f"data_cutoff: {cutoff}", path.read_text(encoding="utf-8"),
                           flags=re.M), encoding="utf-8")
    return project


def with_source(project):
    (project / "data" / "sources" / "npr_ventetider.yml").write_text(RECORD, encoding="utf-8")
    return frozen_2026(project)


def delivery(project, name, text):
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


def make_2027(project):
    """params/2027.yml as the staff guide makes it: a copy of 2026 with these lines changed."""
    text = (project / "params" / "2026.yml").read_text(encoding="utf-8")
    for key, value in {"edition": '"2027"', "title": "Statusrapport 2027", "reporting_year": "2027",
                       "data_year": "2026", "data_cutoff": "2027-11-30",
                       "previous_edition": '"2026"'}.items():
        text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
    (project / "params" / "2027.yml").write_text(text, encoding="utf-8")


# -- storage -----------------------------------------------------------------------------------

def test_every_source_is_in_the_vintage_layout_with_a_publication_date():
    data = ROOT / "data"
    assert vintages.flat_files(data) == []
    srcs = sources.load_all(data)
    for src in srcs.values():
        for path in vintages.files(data, src.id):
            assert vintages.date_of(path) >= src.published, path
            assert path.relative_to(data).as_posix() in src.files, path
    assert {s: srcs[s].published for s in ("seed000", "seed002")} == {
        "seed000": "2022-10-19", "seed002": "2024-03-01"}


def test_migration_moves_a_flat_file_and_changes_only_its_path_line(tmp_path):
    """What a source added in the old layout goes through: file moved, record line renamed."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    record = data / "sources" / "seed003.yml"
    before = record.read_text(encoding="utf-8")
    (data / "observations" / "seed003" / "2022-12-31.csv").rename(data / "observations" / "seed003.csv")
    shutil.rmtree(data / "observations" / "seed003")
    record.write_text(before.replace("observations/seed003/2022-12-31.csv:", "observations/seed003.csv:"),
                      encoding="utf-8")
    moved = vintages.migrate(data, out=lambda text: None)
    assert moved == ["observations/seed003/2022-12-31.csv"]
    assert record.read_text(encoding="utf-8") == before
    assert (data / moved[0]).read_bytes() == (ROOT / "data" / moved[0]).read_bytes()
    assert vintages.migrate(data, out=lambda text: None) == []


def test_latest_vintage_at_or_before_the_cutoff(project):
    with_source(project)
    command.run(project, delivery(project, "a.csv", FIRST), "npr_ventetider", vintage="2026-11-25")
    later = min(TODAY, datetime.date(2026, 12, 1)).isoformat()
    if later <= "2026-11-30":
        pytest.skip("needs a date after 2026-11-30 for the second delivery")
    command.run(project, delivery(project, "b.csv", SECOND), "npr_ventetider", vintage=later)
    files = vintages.files(project / "data", "npr_ventetider")
    assert [vintages.date_of(p) for p in files] == ["2026-11-25", later]
    assert files[1].read_text(encoding="utf-8").count("\n") == 1 + 3  # only new and revised rows
    as_2026 = Dataset(project, "2026").points("ventetid_phbu")
    assert as_2026[-1] == ("2025", 42.7)
    make_2027(project)
    obs = Dataset(project, "2027").observations("ventetid_phbu", "land")
    now = dict(obs.loc[obs["source"] == "npr_ventetider", ["period", "value"]].values)
    assert (now["2024"], now["2025"], now["2026"]) == (44.1, 43.1, 41.3)


# -- acceptance 3: imports that cannot distort silently --------------------------------------

def refused(project, path, source, **kw):
    before = tree(project)
    with pytest.raises(command.ImportRefused) as err:
        command.run(project, path, source, **kw)
    assert tree(project) == before, "data/ changed"
    message = str(err.value)
    assert "data/ er uendret" in message and "Slik går du videre" in message
    return message


def test_dot_decimal_delivery_against_a_decimal_comma_spec_stops(project):
    with_source(project)
    command.run(project, delivery(project, "a.csv", FIRST), "npr_ventetider", vintage="2026-11-25")
    message = refused(project, delivery(project, "dot.csv", "år;ventetid (dager)\n2025;42.700\n"),
                      "npr_ventetider")
    assert "punktum fulgt av nøyaktig tre sifre, men importoppsettet sier desimalkomma" in message
    assert "'42.700'" in message and "var det ment som 42,7" in message
    assert 'decimal: "."' in message and "--bekreft" in message
    assert "revidert: 2025: 42,7 → 42 700,0" in message  # what would have changed, shown first


def test_value_a_thousand_times_the_previous_one_stops(project):
    with_source(project)
    command.run(project, delivery(project, "a.csv", FIRST), "npr_ventetider", vintage="2026-11-25")
    message = refused(project, delivery(project, "big.csv", "år;ventetid (dager)\n2026;41300\n"),
                      "npr_ventetider")
    assert "ventetid_phbu land NO 2026: 41 300,0 er ×967 mot 42,7 (2025)" in message
    assert "utenfor det rimelige området 0,0–365,0" in message
    assert "kjør samme kommando med --bekreft" in message


def test_confirmed_and_dry_run(project):
    with_source(project)
    command.run(project, delivery(project, "a.csv", FIRST), "npr_ventetider", vintage="2026-11-25")
    big = delivery(project, "big.csv", "år;ventetid (dager)\n2026;41300\n")
    before = tree(project)
    shown = command.run(project, big, "npr_ventetider", dry_run=True)
    assert tree(project) == before
    assert "ny: 2026 = 41 300,0" in shown and "Prøvekjøring (--dry-run): ingenting er skrevet" in shown
    done = command.run(project, big, "npr_ventetider", confirm=True)
    assert "bekreftet med --bekreft" in done


def test_import_into_a_derived_source_stops_with_the_command_that_rebuilds_it(project):
    assert "ssb_kostra_11996" in derive.DERIVED
    message = refused(project, FIXTURES / "ssb_11996_kommune.jsonstat2.json", "ssb_kostra_11996")
    assert "regnes ut av programmet" in message
    assert "python -m statusrapport.ingest.derive" in message


def test_import_never_rewrites_other_fields_and_deliveries_never_overwrite(project):
    with_source(project)
    record = project / "data" / "sources" / "npr_ventetider.yml"
    command.run(project, delivery(project, "levering.csv", FIRST), "npr_ventetider",
                vintage="2026-11-25")
    command.run(project, delivery(project, "levering.csv", SECOND), "npr_ventetider",
                vintage="2026-11-25")  # same name, same day
    text = record.read_text(encoding="utf-8")
    assert text.split("files:")[0] == RECORD.split("files:")[0]
    assert text.split("import:")[1] == RECORD.split("import:")[1]
    kept = sorted((project / "data" / "snapshots" / "npr_ventetider" / "deliveries").rglob("*.csv"))
    assert [p.relative_to(project / "data").as_posix() for p in kept] == [
        "snapshots/npr_ventetider/deliveries/2026-11-25/levering.csv",
        "snapshots/npr_ventetider/deliveries/2026-11-25_2/levering.csv"]
    assert [p.read_text(encoding="utf-8") for p in kept] == [FIRST, SECOND]
    files = yaml.safe_load(text)["files"]
    assert all(rel in files for rel in ("observations/npr_ventetider/2026-11-25.csv",
                                        "observations/npr_ventetider/2026-11-25_2.csv"))
    assert sources.verify(project / "data", sources.load_all(project / "data")) == []


def test_a_delivery_dated_inside_a_published_editions_cutoff_is_refused(project):
    with_source(project)
    (project / "output" / "2026").mkdir(parents=True)
    (project / "output" / "2026" / "manifest.json").write_text("{}", encoding="utf-8")
    from statusrapport.errors import ParameterError

    with pytest.raises(ParameterError, match="utgave 2026 er publisert med datagrense 2026-11-30"):
        command.run(project, delivery(project, "a.csv", FIRST), "npr_ventetider",
                    vintage="2026-11-25")


# -- acceptance 2: each edition sees only sources published by its cut-off ---------------------

def sources_used(ds):
    """{source: published} of every observation the edition shows."""
    ids = list(ds.catalogue.indicators)
    used = set(ds.observations(ids).dropna(subset=["value"])["source"])
    return {s: ds.sources[s].published for s in sorted(used)}


@pytest.mark.parametrize("name", ["2022", "2025", "2026"])
def test_each_edition_uses_only_sources_published_by_its_cutoff(name):
    ds = Dataset(ROOT, name)
    used = sources_used(ds)
    late = {s: d for s, d in used.items() if d > ds.edition.data_cutoff}
    assert used and not late, f"utgave {name} (datagrense {ds.edition.data_cutoff}): {used}"


def test_2022_edition_sees_only_what_was_known_in_2022():
    ds = Dataset(ROOT, "2022")
    assert sources_used(ds) == {"seed000": "2022-10-19"}
    assert "seed002" in sources_used(Dataset(ROOT, "2026"))  # the filter is what removes it


# -- acceptance 1: the yearly walk -------------------------------------------------------------

@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    if TODAY.isoformat() <= "2026-11-30":
        pytest.skip("the walk needs a date after the 2026 cut-off for the new delivery")
    project = with_source(copy_project(tmp_path_factory.mktemp("walk") / "project"))
    command.run(project, delivery(project, "first.csv", FIRST), "npr_ventetider",
                vintage="2026-11-25")
    built = run_build(project, "--params", "2026", "--format", "html")
    assert built.returncode == 0, built.stderr
    published = (project / "output" / "2026" / "statusrapport.html").read_bytes()
    delivery(project, "second.csv", SECOND)
    imported = run_build(project, "import", "second.csv", "--source", "npr_ventetider")
    assert imported.returncode == 0, imported.stderr
    make_2027(project)
    shutil.copytree(project / "data" / "narrative" / "2026", project / "data" / "narrative" / "2027")
    # verify rebuilds 2026 from scratch and compares its HTML byte for byte with the published
    verify = run_build(project, "verify", "--params", "2026")
    # the changes table is in the summary: that chapter alone, as a draft beside the edition
    new = run_build(project, "--params", "2027", "--chapter", "sammendrag", "--format", "html")
    assert new.returncode == 0, new.stderr
    return project, published, imported, verify


def test_walk_import_shows_new_and_revised_values(walk):
    _, _, imported, _ = walk
    assert "2 nye, 1 reviderte og 0 uendrede verdier" in imported.stdout
    assert "revidert: 2025: 42,7 → 43,1" in imported.stdout
    assert "ny: 2026 = 41,3" in imported.stdout


def test_walk_2026_rebuilds_byte_identical(walk):
    project, published, _, verify = walk
    assert (project / "output" / "2026" / "statusrapport.html").read_bytes() == published
    html = published.decode("utf-8")
    assert f"42,7{NBSP}dager" in html and f"41,3{NBSP}dager" not in html
    assert verify.returncode == 0, verify.stderr
    assert "identical" in verify.stdout
    assert "ikke med i utgaven: data/observations/npr_ventetider/" in verify.stdout


def test_walk_2027_change_table_shows_the_revision_with_both_values(walk):
    project, _, _, _ = walk
    html = (project / "output" / "2027-utkast" / "statusrapport.html").read_text(encoding="utf-8")
    section = html.split("Indikatorer med ny verdi eller ny målstatus", 1)[1].split("</table>", 1)[0]
    row = re.search(r"Gjennomsnittlig ventetid, psykisk helsevern for barn og unge</th>(.*?)</tr>",
                    section).group(1)
    assert f"42,7{NBSP}dager (2025); revidert: 42,7 → 43,1" in row
    assert f"41,3{NBSP}dager (2026)" in row and "bedre" in row


def test_a_new_register_extract_for_a_derived_source_becomes_a_new_vintage(tmp_path, monkeypatch):
    """The command the refused import names: re-derives sums and rates, writes only what changed
    as a new vintage, keeps the extract, and leaves what edition 2026 sees as it was."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "params", project / "params")
    frozen_2026(project)
    data = project / "data"
    snap = data / "snapshots" / "ssb_kostra_11996" / "legearsverk_fgk10_totalt_kommune.csv"
    lines = snap.read_text(encoding="utf-8").split("\n")
    assert lines[2].startswith("3101,") and ",2025,38.3," in lines[2]
    lines[2] = lines[2].replace(",2025,38.3,", ",2025,39.3,")  # a revised kommune value (test)
    snap.write_text("\n".join(lines), encoding="utf-8")
    before_2026 = Dataset(project, "2026").points("legearsverk_kommune")
    monkeypatch.chdir(project)
    written = derive.new_vintage("2026-12-01", data)
    assert [p.relative_to(data).as_posix() for p in written] == [
        "observations/ssb_kostra_11996/2026-12-01.csv"]
    rows = written[0].read_text(encoding="utf-8").splitlines()
    assert any(r.startswith("legearsverk_kommune,2025,kommune,3101,39.3,") for r in rows)
    assert any(r.startswith("legearsverk_kommune,2025,land,NO,") for r in rows)  # re-derived
    assert len(rows) < 40  # only what changed, not the whole table
    assert (data / "snapshots/ssb_kostra_11996/deliveries/2026-12-01/"
            "legearsverk_fgk10_totalt_kommune.csv").read_bytes() == snap.read_bytes()
    assert sources.verify(data, sources.load_all(data)) == []
    assert Dataset(project, "2026").points("legearsverk_kommune") == before_2026
    (project / "params" / "2026.yml").write_text(
        (project / "params" / "2026.yml").read_text(encoding="utf-8")
        .replace("data_cutoff: 2026-11-30", "data_cutoff: 2026-12-01"), encoding="utf-8")
    after = dict(Dataset(project, "2026").points("legearsverk_kommune"))
    assert round(after["2025"] - dict(before_2026)["2025"], 4) == 1.0
