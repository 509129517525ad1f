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
                 "per 10 000 innbyggere", "skår", "døgn", "minutter",
                 "per 1 000 innbyggere 0–17 år", "per 1 000 innbyggere 18 år og eldre",
                 "per 1 000 innbyggere 80 år og eldre"}
DERIVED = {"skde_helseatlas", "ssb_hf_kapasitet", "ssb_kostra_11996", "ssb_befolkning_2024",
           "helsefellesskap_proxy", "nki_kvalitetsindikatorer", "npr_nokkeltall",
           "ssb_befolkning_alder", "skde_helseatlas_somatikk"}
SNAPSHOTTED = DERIVED | {"ssb_klass_opptak"}


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
    assert len(written) == 11
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
        if rec["id"] not in SNAPSHOTTED:
            continue
        assert rec["id"] == path.stem
        assert datetime.date.fromisoformat(str(rec["retrieved"])) <= datetime.date.today()
        for rel, digest in rec["files"].items():
            assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel
            listed.add(rel)
    snapshots = {str(p.relative_to(DATA)) for p in (DATA / "snapshots").rglob("*")
                 if p.is_file() and p.parts[len(DATA.parts) + 1] in SNAPSHOTTED}
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
    # a value is missing only where a national aggregate lacks a region (NKI korridor 2025)
    # and the one implausible KAD value (4205 Lindesnes 2024) is flagged, never silently kept
    assert set(obs.status) == {"", "missing", "implausible"}
    odd = obs[obs.status == "implausible"]
    assert set(odd.geo_code) == {"4205"} and set(odd.period.astype(str)) == {"2024"}
    assert obs["v"].isna().eq(obs.status.eq("missing")).all()
    assert (obs["v"].dropna() >= 0).all()
    assert not obs.duplicated(["indicator", "period", "geo_level", "geo_code"]).any()
    assert obs.period.str.fullmatch(r"\d{4}(-\d{4})?").all()


def _sources(entry):
    return [s.strip() for s in entry["source"].split(",")]


def test_catalogue_matches_observations(obs, catalogue):
    cat = {i["id"]: i for i in catalogue["indicators"] if _sources(i)[0] in set(obs.source)}
    assert set(cat) == set(obs.indicator)
    assert len(cat) >= 95
    for ind, g in obs.groupby("indicator"):
        entry = cat[ind]
        assert entry["unit"] in UNITS_ALLOWED
        assert entry["chapter"] in {"samhandling", "psykisk_helse", "akuttmedisin",
                                    "kompetanse", "finansiering"}
        assert set(entry["levels"]) == set(g.geo_level), ind
        assert set(g.source) == {_sources(entry)[0]}, ind
        if entry["unit"] == "prosent":
            assert g["v"].dropna().between(0, 100).all(), ind


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
                             ("legearsverk_kad", 2024, 111.9),  # 121,9 with Lindesnes' implausible 10
                                 ("legearsverk_kad", 2025, 114.1)]:
        assert round(value(obs, ind, year, "land", "NO"), 1) == total
        kommune = obs[(obs.indicator == ind) & (obs.period == str(year))
                      & (obs.geo_level == "kommune")]
        kept = kommune[kommune.status != "implausible"]  # flagged values stay out of sums
        assert len(kommune) == 357 and round(kept["v"].sum(), 1) == total
    # incomplete years are never aggregated
    agg = obs[obs.indicator.str.startswith("legearsverk") & obs.geo_level.ne("kommune")]
    assert set(agg.period) == {"2024", "2025"}


def test_kostra_rate_is_sum_over_sum(obs):
    kad = value(obs, "legearsverk_kad", 2025, "land", "NO")
    # a 2025 rate is divided by the population of 1 January 2025, not 2024
    assert value(obs, "legearsverk_kad_per_10000", 2025, "land", "NO") == pytest.approx(
        kad / 5_594_340 * 10_000, abs=1e-4)


def test_lindesnes_kept_as_published(obs):
    assert value(obs, "legearsverk_kad", 2024, "kommune", "4205") == 10


def test_atlas_columns_mean_what_we_say(obs):
    """The mean of the annual rates lies within 0.5 % of the atlas's five-year average, which
    confirms that each annual column was matched to the right measure (e.g. patient rate, not
    contact-day rate)."""
    atlas = obs[obs.source.isin(["skde_helseatlas", "skde_helseatlas_somatikk"])
                & (obs.indicator != "phv_liggedogn_per_opphold")]
    avg = atlas[atlas.period.str.contains("-")].set_index(["indicator", "geo_level", "geo_code"])
    annual = atlas[~atlas.period.str.contains("-")]
    mean = annual.groupby(["indicator", "geo_level", "geo_code"])["v"].mean()
    assert len(mean) > 500
    ratio = mean / avg["v"].reindex(mean.index)
    assert ratio.between(0.995, 1.005).all(), ratio[~ratio.between(0.995, 1.005)]


def test_hjerteinfarkt_atlas_values(obs):
    assert value(obs, "hjerteinfarkt_innlagte_per_1000", "2018-2022", "land", "NO") == 2.79
    assert value(obs, "revaskularisering_per_1000", "2018-2022", "land", "NO") == 3.07
    # the atlas's yearly revascularisation columns do not average to its own five-year rate
    assert not ((obs.indicator == "revaskularisering_per_1000") & (obs.period == "2022")).any()
    assert value(obs, "hjerteinfarkt_innlagte_per_1000", 2022, "hf", "diakonhjemmet") == 1.5


def test_atlas_land_values(obs):
    assert value(obs, "phv_poliklinikk_pasienter", "2020-2024", "land", "NO") == 547
    assert value(obs, "phv_angst_poliklinikk_pasienter", 2024, "land", "NO") == 62.66
    assert value(obs, "bup_poliklinikk_pasienter", 2023, "land", "NO") == 66.81
    dps = obs[(obs.indicator == "phv_dps_poliklinikk_pasienter") & (obs.period == "2024")]
    assert (dps.geo_level == "dps").sum() == 69 and (dps.geo_level == "rhf").sum() == 4


# ------------------------------------------------------------------ registers (NKI, NPR, population)

def _nki_rows(fil):
    import csv
    with open(DATA / "snapshots/nki_kvalitetsindikatorer" / fil, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_waiting_time_means_land_latest_year_by_hand(obs):
    """The four Meld. St. 9 waiting-time means (land, 2024, the latest year in the NKI export):
    count-weighted mean of the four RHF rows, computed here straight from the raw export."""
    rows = _nki_rows("nki_rhf.csv")
    rhf = {"983658725", "983658776", "883658752", "991324968"}

    def cell(qid, measure, loc, year="2024"):
        hit = [r["Verdi"] for r in rows if r["QualityIndicatorID"] == qid and r["Måltall"] == measure
               and r["LocationId"] == loc and r["Tidsperiode"] == year]
        assert len(hit) == 1, (qid, measure, loc)
        return float(hit[0].replace(",", "."))

    expected_rounded = {"ventetid_somatikk": 76.7, "ventetid_phv_voksne": 54.6,
                        "ventetid_phbu": 52.3, "ventetid_tsb": 30.2}
    for ind, (qid, name) in {"ventetid_somatikk": ("374", "somatikk"),
                             "ventetid_phv_voksne": ("373", "PHV"),
                             "ventetid_phbu": ("372", "PHBU"), "ventetid_tsb": ("375", "TSB")}.items():
        mean = f"Gjennomsnittlig ventetid i {name} i antall dager"
        count = f"Totalt antall påbegynt helsehjelp i {name}"
        num = sum(cell(qid, mean, loc) * cell(qid, count, loc) for loc in rhf)
        den = sum(cell(qid, count, loc) for loc in rhf)
        assert value(obs, ind, 2024, "land", "NO") == pytest.approx(num / den, abs=1e-4), ind
        assert round(num / den, 1) == expected_rounded[ind]
        # no national value for 2025: the export's waiting times stop at 2024
        assert not ((obs.indicator == ind) & (obs.period == "2025")).any()
        # the RHF values are the export's own
        assert value(obs, ind, 2024, "rhf", "H12") == cell(qid, mean, "991324968")


def test_nki_shares_and_private_rows(obs):
    # "15,7%"-style text becomes a number in prosent
    assert value(obs, "reinnleggelse_30d_eldre", 2025, "rhf", "H12") == 20.3
    assert value(obs, "epikrise_somatikk_1_dag_andel", 2025, "hf", "bergen") == 61.5
    # private providers and the "Helse X Private" aggregates never become HF rows
    nki_hf = obs[(obs.source == "nki_kvalitetsindikatorer") & (obs.geo_level == "hf")]
    assert set(nki_hf.geo_code) <= set(derive.HF)
    assert {"lovisenberg", "diakonhjemmet", "bergen"} <= set(nki_hf.geo_code)
    # medians, percentiles and probabilities without counts stay regional
    for ind in ("ventetid_phbu_median", "amk_responstid_p90_tettbygd", "reinnleggelse_30d_eldre",
                "fristbrudd_phv_voksne_andel"):
        assert "land" not in set(obs.loc[obs.indicator == ind, "geo_level"]), ind
    # a national sum needs all four RHF: korridor 2025 lacks Helse Midt-Norge
    row = obs[(obs.indicator == "korridorpasienter_antall") & (obs.period == "2025")
              & (obs.geo_level == "land")]
    assert list(row.status) == ["missing"] and row["v"].isna().all()
    assert value(obs, "korridorpasienter_antall", 2024, "land", "NO") == sum(
        value(obs, "korridorpasienter_antall", 2024, "rhf", c) for c in ("H03", "H04", "H05", "H12"))


def test_npr_full_year_only_never_summed_tertials(obs):
    # README check values (Landet, Alle aktører, hele året)
    assert value(obs, "npr_pasienter_phv", 2024, "land", "NO") == 205_196
    assert value(obs, "npr_pasienter_somatikk", 2025, "land", "NO") == 2_739_878
    assert value(obs, "npr_oppholdsdogn_tsb", 2025, "land", "NO") == 538_677
    npr = obs[obs.source == "npr_nokkeltall"]
    assert set(npr.period) == {str(y) for y in range(2017, 2026)}  # no 2026: T1 only
    # per 1 000 inhabitants of the service's age group, same year's population
    pop18 = 5_594_340 - (332_511 + 775_708)
    assert value(obs, "npr_pasienter_phv_per_1000", 2025, "land", "NO") == pytest.approx(
        202_444 / pop18 * 1000, abs=1e-4)


def test_rates_use_population_of_their_own_year(obs):
    pop = derive.population(derive.kommuner())
    assert pop[("land", "NO", 2024, "alle")] == 5_550_203
    assert pop[("land", "NO", 2025, "alle")] == 5_594_340
    assert pop[("kommune", "0301", 2025, "alle")] == 724_290
    for year in (2024, 2025):
        arsverk = value(obs, "arsverk_hf_totalt", year, "land", "NO")
        assert value(obs, "arsverk_hf_totalt_per_1000", year, "land", "NO") == pytest.approx(
            arsverk / pop[("land", "NO", year, "alle")] * 1000, abs=1e-4)
        assert value(obs, "arsverk_hf_totalt_per_1000_80_pluss", year, "land", "NO") == \
            pytest.approx(arsverk / pop[("land", "NO", year, "80+")] * 1000, abs=1e-4)
    kad = value(obs, "legearsverk_kad", 2025, "kommune", "0301")
    assert value(obs, "legearsverk_kad_per_10000", 2025, "kommune", "0301") == pytest.approx(
        kad / 724_290 * 10_000, abs=1e-4)
    # no population for Oslo's split catchments, so no rate there
    assert not ((obs.indicator == "arsverk_hf_totalt_per_1000") & obs.geo_code.isin(["ous", "ahus"])).any()
    assert value(obs, "befolkning_80_pluss", 2025, "land", "NO") == pop[("land", "NO", 2025, "80+")]
