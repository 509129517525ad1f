"""Tests for statusrapport.ingest.derive: the committed geography and observation files are exactly what
the snapshots give, and the headline numbers match the published control figures."""

import datetime
import hashlib

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from statusrapport.data import vintages
from statusrapport.ingest import derive

DATA = ROOT / "data"
SNAP = DATA / "snapshots"
UNITS_ALLOWED = {"prosent", "prosentendring", "prosentpoeng", "dager", "antall", "årsverk",
                 "kroner", "mill. kroner", "mrd. kroner", "per 1 000 innbyggere",
                 "per 10 000 innbyggere", "skår", "døgn"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    derive.main(out=out, snap=SNAP)
    return out


@pytest.fixture(scope="module")
def obs():
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False)
              for s in derive.DERIVED for p in vintages.files(DATA, s)]
    df = pd.concat(frames, ignore_index=True)
    df["v"] = pd.to_numeric(df["value"])
    return df


@pytest.fixture(scope="module")
def kommuner():
    return pd.read_csv(DATA / "geography/kommuner.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def units():
    return pd.read_csv(DATA / "geography/units.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def catalogue():
    return yaml.safe_load((DATA / "catalogue.yml").read_text(encoding="utf-8"))


def value(obs, indicator, period, level, code):
    hit = obs[(obs.indicator == indicator) & (obs.period == str(period))
              & (obs.geo_level == level) & (obs.geo_code == code)]
    assert len(hit) == 1, (indicator, period, level, code)
    return hit["v"].iloc[0]


# ------------------------------------------------------------------ reproducibility

def test_regenerating_reproduces_committed_files(built):
    written = sorted(p.relative_to(built) for p in built.rglob("*.csv"))
    assert len(written) == 7
    for rel in written:
        assert (built / rel).read_bytes() == (DATA / rel).read_bytes(), f"{rel} differs"


def test_derive_reads_no_absolute_or_shared_paths():
    for path in (ROOT / "statusrapport" / "ingest").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "/work" not in text and "data-sources" not in text, path.name


def test_source_records_hashes_and_coverage():
    listed = set()
    for path in sorted((DATA / "sources").glob("*.yml")):
        rec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if rec["id"] not in {"skde_helseatlas", "ssb_hf_kapasitet", "ssb_befolkning_2024",
                             "ssb_klass_opptak", "ssb_kostra_11996", "helsefellesskap_proxy"}:
            continue
        assert rec["id"] == path.stem
        assert datetime.date.fromisoformat(str(rec["retrieved"])) <= datetime.date.today()
        for rel, digest in rec["files"].items():
            assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel
            listed.add(rel)
    snapshots = {str(p.relative_to(DATA)) for p in (DATA / "snapshots").rglob("*")
                 if p.is_file() and p.parts[len(DATA.parts) + 1] in
                 {"skde_helseatlas", "ssb_hf_kapasitet", "ssb_befolkning_2024",
                  "ssb_klass_opptak", "ssb_kostra_11996", "helsefellesskap_proxy"}}
    assert snapshots <= listed
    assert {derive.output_file(DATA, s) for s in derive.DERIVED} <= listed
    assert all(len(vintages.files(DATA, s)) == 1 for s in derive.DERIVED)


# ------------------------------------------------------------------ geography

def test_population_2024(kommuner, obs):
    pop = kommuner["folketall_2024"].astype(int)
    assert pop.sum() == 5_550_203
    assert int(kommuner.set_index("kommunenummer").loc["0301", "folketall_2024"]) == 717_710
    assert value(obs, "befolkning", 2024, "land", "NO") == 5_550_203
    assert value(obs, "befolkning", 2024, "helsefellesskap", "oslo") == 717_710


def test_kommuner_complete(kommuner, units):
    assert len(kommuner) == 357 and kommuner["kommunenummer"].is_unique
    assert (kommuner[["hf", "rhf", "helsefellesskap"]] != "").all().all()
    code = {lvl: set(units.loc[units.level == lvl, "code"]) for lvl in units.level.unique()}
    assert set(kommuner.hf) <= code["hf"]
    assert set(kommuner.rhf) <= code["rhf"]
    assert set(kommuner.helsefellesskap) == code["helsefellesskap"]
    assert kommuner.set_index("kommunenummer").loc["0301", "helsefellesskap"] == "oslo"


def test_helsefellesskap(units, kommuner):
    hf = units[units.level == "helsefellesskap"]
    assert len(hf) == 19
    # the proxy's own summary (kommuner and population per helsefellesskap) agrees
    summary = derive.read(SNAP, "helsefellesskap_proxy/helsefellesskap_proxy_oversikt.csv")
    ours = kommuner.assign(p=kommuner.folketall_2024.astype(int)).groupby("helsefellesskap")
    assert sorted(summary["antall_kommuner"].astype(int)) == sorted(ours.size())
    assert sorted(summary["folketall_2024_01_01"].astype(int)) == sorted(ours["p"].sum())


def test_units(units):
    assert units.groupby("level").size().to_dict() == {
        "land": 1, "rhf": 4, "hf": 22, "helsefellesskap": 19, "dps": 69}
    assert units["code"].groupby(units["level"]).apply(lambda s: s.is_unique).all()
    assert (units.loc[units.level != "land", "rhf"] != "").all()
    assert "dps_bjorgvin" in set(units.code)


def test_every_geo_code_is_known(obs, units, kommuner):
    known = set(zip(units.level, units.code)) | {("kommune", k) for k in kommuner.kommunenummer}
    unknown = set(zip(obs.geo_level, obs.geo_code)) - known
    assert not unknown


# ------------------------------------------------------------------ observations

def test_observation_format(obs):
    for path in (DATA / "observations").glob("*.csv"):
        if path.stem in set(obs.source):
            assert path.read_bytes().split(b"\n", 1)[0] == b",".join(
                c.encode() for c in derive.COLUMNS)
            assert b"\r" not in path.read_bytes()
    assert set(obs.status) == {""}
    assert obs["v"].notna().all() and (obs["v"] >= 0).all()
    assert not obs.duplicated(["indicator", "period", "geo_level", "geo_code"]).any()
    assert obs.period.str.fullmatch(r"\d{4}(-\d{4})?").all()


def test_catalogue_matches_observations(obs, catalogue):
    cat = {i["id"]: i for i in catalogue["indicators"] if i["source"] in set(obs.source)}
    assert set(cat) == set(obs.indicator)
    assert len(cat) >= 35
    for ind, g in obs.groupby("indicator"):
        entry = cat[ind]
        assert entry["unit"] in UNITS_ALLOWED
        assert entry["chapter"] in {"samhandling", "psykisk_helse", "akuttmedisin",
                                    "kompetanse", "finansiering"}
        assert set(entry["levels"]) == set(g.geo_level), ind
        assert set(g.source) == {entry["source"]}, ind
        if entry["unit"] == "prosent":
            assert g["v"].between(0, 100).all(), ind


def test_helse_bergen_arsverk_2024(obs):
    expected = {"arsverk_hf_totalt": 11_499, "arsverk_hf_legespesialister": 1_350,
                "arsverk_hf_sykepleiere": 2_269, "arsverk_hf_spesialsykepleiere": 1_520}
    for ind, v in expected.items():
        assert value(obs, ind, 2024, "hf", "bergen") == v


def test_hf_sums_to_rhf_and_land(obs):
    g = obs[(obs.indicator == "arsverk_hf_totalt") & (obs.period == "2025")]
    hf = g[g.geo_level == "hf"]["v"].sum()
    assert g[g.geo_level == "rhf"]["v"].sum() == hf == value(
        obs, "arsverk_hf_totalt", 2025, "land", "NO")
    assert not (obs.indicator.eq("beleggsprosent_somatikk") & obs.geo_level.ne("hf")).any()


def test_kostra_national_sums(obs):
    for ind, year, total in [("legearsverk_kommune", 2024, 7187.9),
                             ("legearsverk_kommune", 2025, 7299.5),
                             ("legearsverk_kad", 2024, 121.9), ("legearsverk_kad", 2025, 114.1)]:
        assert round(value(obs, ind, year, "land", "NO"), 1) == total
        kommune = obs[(obs.indicator == ind) & (obs.period == str(year))
                      & (obs.geo_level == "kommune")]
        assert len(kommune) == 357 and round(kommune["v"].sum(), 1) == total
    # incomplete years are never aggregated
    agg = obs[obs.indicator.str.startswith("legearsverk") & obs.geo_level.ne("kommune")]
    assert set(agg.period) == {"2024", "2025"}


def test_kostra_rate_is_sum_over_sum(obs):
    kad = value(obs, "legearsverk_kad", 2025, "land", "NO")
    assert value(obs, "legearsverk_kad_per_10000", 2025, "land", "NO") == pytest.approx(
        kad / 5_550_203 * 10_000, abs=1e-4)


def test_lindesnes_kept_as_published(obs):
    assert value(obs, "legearsverk_kad", 2024, "kommune", "4205") == 10


def test_atlas_columns_mean_what_we_say(obs):
    """The mean of the annual rates lies within 0.5 % of the atlas's five-year average, which
    confirms that each annual column was matched to the right measure (e.g. patient rate, not
    contact-day rate)."""
    atlas = obs[(obs.source == "skde_helseatlas") & (obs.indicator != "phv_liggedogn_per_opphold")]
    avg = atlas[atlas.period.str.contains("-")].set_index(["indicator", "geo_level", "geo_code"])
    annual = atlas[~atlas.period.str.contains("-")]
    mean = annual.groupby(["indicator", "geo_level", "geo_code"])["v"].mean()
    assert len(mean) > 500
    ratio = mean / avg["v"].reindex(mean.index)
    assert ratio.between(0.995, 1.005).all(), ratio[~ratio.between(0.995, 1.005)]


def test_atlas_land_values(obs):
    assert value(obs, "phv_poliklinikk_pasienter", "2020-2024", "land", "NO") == 547
    assert value(obs, "phv_angst_poliklinikk_pasienter", 2024, "land", "NO") == 62.66
    assert value(obs, "bup_poliklinikk_pasienter", 2023, "land", "NO") == 66.81
    dps = obs[(obs.indicator == "phv_dps_poliklinikk_pasienter") & (obs.period == "2024")]
    assert (dps.geo_level == "dps").sum() == 69 and (dps.geo_level == "rhf").sum() == 4
