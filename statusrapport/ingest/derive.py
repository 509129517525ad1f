"""Build the geography tables and tidy observations from the register snapshots.

Everything here reads only ``data/snapshots/`` (and the source records, for the vintage date)
and writes ``data/geography/`` and the observations of the sources in :data:`DERIVED`, one
vintage file each (``data/observations/<source>/<vintage>.csv``: the source's latest vintage, or
its ``published:`` date when it has none yet). Run ``python -m statusrapport.ingest.derive`` after a snapshot
changes; the output is deterministic (sorted rows, fixed number format, LF line endings), so
``git diff`` shows exactly what moved. Nothing is estimated: rates over several areas are
sum(numerator) / sum(population) with the population of the rate's own year, and nothing is
aggregated where the source is incomplete.
"""

import csv
import re
from pathlib import Path

import pandas as pd

from statusrapport.model import COLUMNS, LEVELS, NATIONAL, NATIONAL_CODE, vintage_file

DATA = Path("data")  # relative to the project folder the command runs in, like build.py
SNAP = DATA / "snapshots"
# Sources whose observations are computed here (sums over areas, rates per inhabitant): their
# files are never imported into or edited by hand (build.py import refuses them).
DERIVED = ("skde_helseatlas", "ssb_hf_kapasitet", "ssb_kostra_11996", "ssb_befolkning_alder",
           "nki_kvalitetsindikatorer", "npr_nokkeltall", "skde_helseatlas_somatikk",
           "ssb_befolkning_2024", "helsefellesskap_proxy")


RHF = {"H03": "Helse Vest", "H04": "Helse Midt-Norge", "H05": "Helse Nord",
       "H12": "Helse Sør-Øst"}
SKDE_RHF = {"Helse Vest": "H03", "Helse Midt": "H04", "Helse Nord": "H05", "Helse Sør-Øst": "H12"}

# slug: (name, org.nr in SSB KLASS / helseforetak.csv, SKDE atlas area, helsefellesskap name)
HF = {
    "ahus": ("Akershus universitetssykehus", "983971636", "Akershus", "Helsefellesskap Ahus"),
    "ous": ("Oslo universitetssykehus", "993467049", "OUS", None),
    "lovisenberg": ("Lovisenberg Diakonale Sykehus", "965985166", "Lovisenberg", None),
    "diakonhjemmet": ("Diakonhjemmet Sykehus", "982791952", "Diakonhjemmet", None),
    "innlandet": ("Sykehuset Innlandet", "983971709", "Innlandet", "Helsefellesskap Innlandet"),
    "vestre_viken": ("Vestre Viken", "894166762", "Vestre Viken", "Helsefellesskap Vestre Viken"),
    "vestfold": ("Sykehuset i Vestfold", "983975259", "Vestfold", "Helsefellesskap Vestfold"),
    "telemark": ("Sykehuset Telemark", "983975267", "Telemark", "Helsefellesskap Telemark"),
    "ostfold": ("Sykehuset Østfold", "983971768", "Østfold", "Helsefellesskap Østfold"),
    "sorlandet": ("Sørlandet sykehus", "983975240", "Sørlandet", "Helsefellesskap Sørlandet"),
    "sunnaas": ("Sunnaas sykehus", "883971752", None, None),
    "stavanger": ("Helse Stavanger", "983974678", "Stavanger", "Helsefellesskap Stavanger"),
    "fonna": ("Helse Fonna", "983974694", "Fonna", "Helsefellesskap Fonna"),
    "bergen": ("Helse Bergen", "983974724", "Bergen", "Helsefellesskap Bergen"),
    "forde": ("Helse Førde", "983974732", "Førde", "Helsefellesskap Førde"),
    "more_og_romsdal": ("Helse Møre og Romsdal", "997005562", "Møre og Romsdal",
                        "Helsefellesskap Møre og Romsdal"),
    "st_olav": ("St. Olavs hospital", "883974832", "St. Olav", "Helsefellesskap St. Olav"),
    "nord_trondelag": ("Helse Nord-Trøndelag", "983974791", "Nord-Trøndelag",
                       "Helsefellesskap Nord-Trøndelag"),
    "helgeland": ("Helgelandssykehuset", "983974929", "Helgeland", "Helsefellesskap Helgeland"),
    "nordland": ("Nordlandssykehuset", "983974910", "Nordland", "Helsefellesskap Nordland"),
    "unn": ("Universitetssykehuset Nord-Norge", "983974899", "UNN", "Helsefellesskap UNN"),
    "finnmark": ("Finnmarkssykehuset", "983974880", "Finnmark", "Helsefellesskap Finnmark"),
}
# Oslo's hospital catchment is split between OUS, Lovisenberg, Diakonhjemmet and Ahus by bydel,
# and no bydel population is snapshotted: per-capita figures for these HF areas would be wrong.
HF_SPLIT_CATCHMENT = {"ous", "ahus"}

# Indicators read straight from the SKDE atlas: (indicator, file, annual column with {} for the
# year or None when the atlas gives only the five-year average, five-year average column).
# Which column holds which measure follows the chart definitions in each atlas file
# (e.g. in polyklinikk_18.json `Rate_YYYY` is the patient rate, `Rate.YYYY` the contact-day rate).
ATLAS = [
    ("phv_poliklinikk_pasienter", "polyklinikk_18.json", "Rate_{}", "Snitt_rate"),
    ("phv_poliklinikk_kontaktdager", "polyklinikk_18.json", "Rate.{}", "Snittrate"),
    ("phv_dogn_pasienter", "opphold_18.json", "Rate_{}", "Snitt_rate"),
    ("phv_dogn_opphold", "opphold_18.json", "Rate.{}", "Snittrate"),
    ("phv_liggedogn", "opphold_18.json", "Rate1.{}", "Snittrate1"),
    ("phv_liggedogn_per_opphold", "opphold_18.json", None, "dogn_p_opphold"),
    ("phv_dps_poliklinikk_pasienter", "poliklinikk_dps_18.json", "Rate_{}", "Snitt_rate"),
    ("phv_dps_dogn_opphold", "opphold_dps_18_ny.json", "Rate.{}", "Snittrate"),
    ("phv_depresjon_poliklinikk_pasienter", "depresjon_pol.json", "Rate.{}", "Snitt_rate"),
    ("phv_angst_poliklinikk_pasienter", "angst_pol.json", "Rate.{}", "Snitt_rate"),
    ("phv_adhd_poliklinikk_pasienter", "adhd_pol.json", "Rate.{}", "Snitt_rate"),
    ("phv_spiseforstyrrelse_poliklinikk_pasienter", "eteforstyrring_pol.json", "Rate.{}",
     "Snitt_rate"),
    ("phv_psykose_poliklinikk_pasienter", "psykose_pol.json", "Rate.{}", "Snitt_rate"),
    ("phv_psykose_dogn_pasienter", "psykose_dogn2_updated.json", "PasRate.{}", "Snitt_rate"),
    ("kpr_psyk_pasienter_voksne", "kpr_18.json", "Rate_{}", "Snitt_rate"),
    ("kpr_psyk_konsultasjoner_voksne", "kpr_18.json", "Rate.{}", "Snittrate"),
    ("bup_poliklinikk_pasienter", "pasient_polyklinikk_all_en.json", "Rate.{}", "Snitt_rate"),
    ("bup_poliklinikk_kontaktdager", "polyklinikk_kontakt_eng.json", "Rate.{}", "Snittrate"),
    ("bup_dogn_pasienter", "ny_pasient_dogn_all_en.json", "Rate.{}", "Snitt_rate"),
    ("bup_rus_pasienter", "rusunder18_pas_en.json", None, "Snitt_rate"),
    ("rus_pasienter_18_24", "rus18plus_pas_en.json", "Rate.{}", "Snitt_rate"),
    ("bup_depresjon_pasienter", "depresjon_pas1_en.json", None, "Snitt_rate"),
    ("bup_angst_pasienter", "angst_pas_en.json", None, "Snitt_rate"),
    ("bup_adhd_pasienter", "adhd_pas2_en.json", None, "Snitt_rate"),
    ("bup_spiseforstyrrelse_pasienter", "eteforstyring_pas_en.json", None, "Snitt_rate"),
    ("kpr_psyk_pasienter_barn", "ny-55-kpr_pasient_all_en.json", "Rate.{}", "Snitt_rate"),
    ("kpr_psyk_kontakter_barn", "ny-kpr_kontakt_en.json", "Rate.{}", "Snittrate"),
    ("andel_barn_psyk_begge_nivaer", "ny-55-kpr_pasient_all_en.json", None, "begge"),
]
ATLAS_YEARS = {"psyk2": range(2020, 2025), "bup": range(2019, 2024)}

SSB_HF_METRICS = {  # SSB metric in hf_capacity_2024_2025.csv: (indicator, aggregate by sum?)
    "arsverk_totalt": ("arsverk_hf_totalt", True),
    "arsverk_legespesialister": ("arsverk_hf_legespesialister", True),
    "arsverk_sykepleiere": ("arsverk_hf_sykepleiere", True),
    "arsverk_spesialsykepleiere": ("arsverk_hf_spesialsykepleiere", True),
    "senger_psyk_voksne": ("senger_psyk_voksne", True),
    "senger_psyk_barn": ("senger_psyk_barn", True),
    "senger_rus": ("senger_rus", True),
    "senger_somatikk": ("senger_somatikk", True),
    "utskrivninger_somatikk": ("utskrivninger_somatikk", True),
    "beleggsprosent_somatikk": ("beleggsprosent_somatikk", False),  # a ratio: never summed
}


NKI_RHF = {"983658725": "H03", "983658776": "H04", "883658752": "H05", "991324968": "H12"}
_WAIT = {"somatikk": ("374", "somatikk"), "phv_voksne": ("373", "PHV"), "phbu": ("372", "PHBU"),
         "tsb": ("375", "TSB")}
_FRIST = {"somatikk": ("378", "somatisk helsetjeneste"), "phv_voksne": ("376", "PHV"),
          "phbu": ("377", "PHBU"), "tsb": ("379", "TSB")}
_EPIKRISE = {"somatikk": "397", "phv": "398", "tsb": "400"}
_EPI_NAME = {"somatikk": "somatikk", "phv": "PHV", "tsb": "TSB"}
_READMIT = {"": ("414", "eldre pasienter ved somatiske sykehus"),
            "_kols": ("409", "eldre med astma/kols"),
            "_brudd": ("410", "eldre med brudd"),
            "_lungebetennelse": ("411", "eldre med lungebetennelse"),
            "_hjertesvikt": ("412", "eldre med hjertesvikt"),
            "_hjerneslag": ("413", "eldre med hjerneslag")}
_AMK = ("90-percentilet fra 113-oppringning til ambulansen er på hendelsesstedet i akutte "
        "hendelser i {}")
_AMK_N = "Antall akutte hendelser hvor det sendes ambulansebil i {}"
_AMK_IN = "Antall akutte hendelser i {} hvor ambulansen er på hendelsesstedet innen {} minutter"
_AMK_SHARE = ("Andel akutte hendelser i {} hvor ambulansen er på hendelsesstedet innen {} "
              "minutter (%)")

# NKI indicators: (indicator, QualityIndicatorID, Måltall, national rule). The export has no
# national row. National rules: ("weighted", Måltall of the weights) = count-weighted mean of the
# four RHF means; ("ratio", numerator, denominator) = sum over the four RHF of two published counts
# (as a percentage); ("sum",) = sum of a count over the four RHF; None = stays regional (medians,
# percentiles, probabilities without counts, shares whose denominator is not in the export).
NKI = []
for _k, (_q, _n) in _WAIT.items():
    NKI.append((f"ventetid_{_k}", _q, f"Gjennomsnittlig ventetid i {_n} i antall dager",
                ("weighted", f"Totalt antall påbegynt helsehjelp i {_n}")))
    NKI.append((f"ventetid_{_k}_median", _q, f"Median ventetid i {_n} i antall dager", None))
    NKI.append((f"pabegynt_helsehjelp_{_k}", _q, f"Totalt antall påbegynt helsehjelp i {_n}",
                ("sum",)))
for _k, (_q, _n) in _FRIST.items():
    NKI.append((f"fristbrudd_{_k}_andel", _q,
                f"Andel fristbrudd for pasienter som har påbegynt helsehjelp i {_n}", None))
    NKI.append((f"fristbrudd_{_k}_antall", _q,
                f"Antall fristbrudd for pasienter som har påbegynt helsehjelp i {_n}", ("sum",)))
NKI.append(("bug_behandling_65_dager_andel", "19",
            "Barne- og ungdomsgarantien: Andel (%) til behandling innen 65 dager",
            ("ratio", "Antall barn og unge under 23 år som har startet helsehjelp innen 65 dager",
             "Antall barn og unge under 23 år som har rett til helsehjelp")))
for _k, _q in _EPIKRISE.items():
    _n = _EPI_NAME[_k]
    NKI.append((f"epikrise_{_k}_1_dag_andel", _q,
                f"Andel avsluttede pasientforløp i {_n} hvor epikrise sendes innen 1 dag",
                ("ratio", f"Antall avsluttede pasientforløp i {_n} hvor epikrise sendes innen 1 dag",
                 f"Totalt antall avsluttede pasientforløp i {_n}")))
NKI.append(("korridorpasienter_antall", "157", "Antall korridorpasienter", ("sum",)))
NKI.append(("korridorpasienter_andel", "157", "Andel pasienter plassert på korridor", None))
for _k, (_q, _n) in _READMIT.items():
    NKI.append((f"reinnleggelse_30d_eldre{_k}", _q, f"Sannsynlighet for reinnleggelse av {_n}",
                None))
for _k, _p90, _area, _min in (("tettbygd", "tettbygde strøk (minutter)", "tettbygd strøk", 12),
                              ("grisgrendt", "grisgrendt strøk (minutter)", "grisgrendt strøk", 25)):
    NKI.append((f"amk_responstid_p90_{_k}", "335", _AMK.format(_p90), None))
    NKI.append((f"amk_ambulanse_innen_{_min}_min_{_k}_andel", "335",
                _AMK_SHARE.format(_area, _min),
                ("ratio", _AMK_IN.format(_area, _min), _AMK_N.format(_area))))
_PAKKE_IN = ("Antall pasienter som har gjennomført første evaluering av behandlingen i poliklinikk "
             "innenfor anbefalt forløpstid")
for _k, _q in (("phv", "325"), ("phbu", "326"), ("tsb", "320")):
    NKI.append((f"pakkeforlop_evaluering_{_k}_andel", _q, "Andel pasienter som har gjennomført "
                "første evaluering av behandlingen i poliklinikk innenfor anbefalt forløpstid",
                ("ratio", _PAKKE_IN, "Totalt antall pasienter som inngår i målingen")))
NKI.append(("tvangsinnleggelser_phv_antall", "280", "Antall tvangsinnleggelser i psykisk helsevern "
            "for voksne", ("sum",)))
NKI.append(("tvangsmiddel_phv_andel", "229", "Andel pasienter i døgnbehandling med minst ett "
            "tvangsmiddelvedtak i måleperioden",
            ("ratio", "Antall pasienter i døgnbehandling med minst ett tvangsmiddelvedtak i "
             "måleperioden", "Alle pasienter som er eller har vært i døgnbehandling i psykisk "
             "helsevern for voksne, i måleperioden")))
NKI.append(("hlr_for_ambulanse_andel", "387", "Andel hjertestanser utenfor sykehus hvor "
            "tilstedeværende har startet hjerte-lungeredning før ambulansen ankommer",
            ("ratio", "Antall hjertestanser hvor tilstedeværende har startet hjerte-lungeredning "
             "før ambulansen ankommer", "Totalt antall pasienter med hjertestans som har fått "
             "hjerte-lungeredning av tilstedeværende eller ambulanse")))

# NPR nøkkeltall (FHI statistikkbank, csv2): file key, column, indicator stem. Only `hele året`
# and `Alle aktører` are used: tertials are cumulative and never added.
NPR_FILES = {"somatikk": "npr_som_2026-08-23.csv", "phv": "npr_phv_2026-08-23.csv",
             "phbu": "npr_phbu_2026-08-23.csv", "tsb": "npr_tsb_2026-08-23.csv"}
NPR_COLUMNS = {"Antall pasienter": "pasienter", "Antall oppholdsdøgn": "oppholdsdogn",
               "Antall kontakter i poliklinikk": "polikliniske_kontakter",
               "Antall døgnopphold": "dognopphold", "Antall dagbehandlinger": "dagbehandlinger"}
NPR_REGION = {"Landet": (NATIONAL, NATIONAL_CODE), "Region Sør-Øst": ("rhf", "H12"), "Region Vest": ("rhf", "H03"),
              "Region Midt-Norge": ("rhf", "H04"), "Region Nord": ("rhf", "H05")}
# the population each NPR rate is per: the age group the service is for
NPR_AGE = {"somatikk": "alle", "phv": "18+", "phbu": "0-17", "tsb": "18+"}

# Population 1 January per kommune and age group (SSB 07459 via FHI csdata, 2024 borders).
AGE_GROUPS = {"alle": ("alle",), "0-17": ("0-5", "6-17"), "80+": ("80-89", "90+")}
POP_FILE = "ssb_befolkning_alder/befolkning_kommune_alder_utvalg.csv"


# ---------------------------------------------------------------------------------- helpers

def slug(name):
    """ASCII slug for a Norwegian area name: 'Bjørgvin' -> 'bjorgvin', 'Bærum' -> 'baerum'."""
    s = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def fmt(value):
    """Fixed number format: at most 4 decimals, no trailing zeros, '' for a missing value."""
    if value is None or pd.isna(value):
        return ""
    text = f"{round(float(value), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def obs(indicator, period, level, code, value, source, ref, status=""):
    return {"indicator": indicator, "period": str(period), "geo_level": level,
            "geo_code": code, "value": value, "status": status, "source": source, "ref": ref}


def frame(rows):
    """Observation rows as a sorted DataFrame with formatted values."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["value"] = df["value"].map(fmt)
    df["_lvl"] = df["geo_level"].map(LEVELS.index)
    df = df.sort_values(["indicator", "_lvl", "geo_code", "period"], kind="stable")
    return df.drop(columns="_lvl").reset_index(drop=True)


def write_csv(df, path):
    """Write a table as UTF-8 CSV with LF line endings (byte-for-byte reproducible)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(df.columns)
        w.writerows(df.astype(str).itertuples(index=False, name=None))


def read(snap, rel, **kw):
    """Read a snapshot CSV as text columns (BOM-safe), so codes like '0301' keep their zero."""
    return pd.read_csv(snap / rel, encoding="utf-8-sig", dtype=str, keep_default_na=False, **kw)


def sum_by_area(df, kommuner, value_cols, levels=("helsefellesskap", "rhf", NATIONAL)):
    """Sum kommune-level columns to helsefellesskap, RHF and land (one row per area and period)."""
    geo = kommuner[["kommunenummer", "helsefellesskap", "hf", "rhf"]].assign(**{NATIONAL: NATIONAL_CODE})
    df = df[[c for c in df.columns if c not in geo.columns or c == "kommunenummer"]]
    df = df.merge(geo, on="kommunenummer", how="left", validate="many_to_one")
    parts = []
    for level in levels:
        g = df.groupby([level, "period"], as_index=False)[value_cols].sum()
        parts.append(g.rename(columns={level: "geo_code"}).assign(geo_level=level))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------- geography

def kommuner(snap=SNAP):
    """The 357 kommuner of 2024 with population, HF catchment, RHF and helsefellesskap (proxy).

    Population and fylke come from SSB/Geonorge (ssb_befolkning_2024); HF and RHF from SSB KLASS
    lokalsykehusområder (ssb_klass_opptak); helsefellesskap from the proxy (HF of the
    lokalsykehusområde, Oslo kommune on its own).
    """
    bef = read(snap, "ssb_befolkning_2024/kommuner_2024_befolkning_areal.csv")
    klass = read(snap, "ssb_klass_opptak/municipality_catchment.csv")
    proxy = read(snap, "helsefellesskap_proxy/kommune_hf_rhf_helsefellesskap_proxy.csv")
    by_orgnr = {orgnr: s for s, (_, orgnr, _, _) in HF.items()}
    df = bef.merge(klass, left_on="kommunenummer", right_on="municipality_code", validate="1:1")
    df = df.merge(proxy[["kommunenummer", "hf_id", "helsefellesskap_proxy"]],
                  on="kommunenummer", suffixes=("", "_proxy"), validate="1:1")
    df["hf"] = df["hf_id"].map(by_orgnr)
    df["helsefellesskap"] = df["hf_id_proxy"].map(by_orgnr)
    df.loc[df["helsefellesskap_proxy"] == "Oslo", "helsefellesskap"] = "oslo"
    out = pd.DataFrame({
        "kommunenummer": df["kommunenummer"], "kommunenavn": df["kommunenavn"],
        "fylkesnummer": df["fylkesnummer"], "fylkesnavn": df["fylkesnavn"],
        "folketall_2024": df["folketall_2024_01_01"].astype(int), "hf": df["hf"],
        "rhf": df["helseregion"], "helsefellesskap": df["helsefellesskap"]})
    if out[["hf", "rhf", "helsefellesskap"]].isna().any().any():
        raise ValueError("kommune without HF, RHF or helsefellesskap")
    return out.sort_values("kommunenummer").reset_index(drop=True)


def units(snap=SNAP):
    """Every geographic unit used in observations except kommuner: land, RHF, HF,
    helsefellesskap and the 69 DPS areas (names as in SSB KLASS 632 and SKDE)."""
    foretak = read(snap, "ssb_klass_opptak/helseforetak.csv").set_index("hf_id")["helseregion"]
    areas = read(snap, "ssb_klass_opptak/opptaksomrader.csv")
    rows = [(NATIONAL, NATIONAL_CODE, "Hele landet", "")]
    rows += [("rhf", code, name, code) for code, name in RHF.items()]
    for s, (name, orgnr, _, hf_name) in HF.items():
        rows.append(("hf", s, name, foretak[orgnr]))
        if hf_name:
            rows.append(("helsefellesskap", s, hf_name, foretak[orgnr]))
    rows.append(("helsefellesskap", "oslo", "Helsefellesskap Oslo", "H12"))
    for _, a in areas[areas["omrade_type"] == "dps"].iterrows():
        rows.append(("dps", "dps_" + slug(a["omrade_navn"]), a["omrade_navn"],
                     foretak.get(a["hf_id"], "")))
    df = pd.DataFrame(rows, columns=["level", "code", "name", "rhf"])
    df["_lvl"] = df["level"].map(LEVELS.index)
    return df.sort_values(["_lvl", "code"]).drop(columns="_lvl").reset_index(drop=True)


# ---------------------------------------------------------------------------------- sources

def skde_helseatlas(snap=SNAP):
    """Mental-health rates per HF area, DPS area, RHF and land from SKDE Helseatlas.

    Values are copied as published; the only computed series is liggedøgn per opphold by year
    (liggedøgn rate / opphold rate, same population), since the atlas gives it only as a
    five-year average.
    """
    t = read(snap, "skde_helseatlas/helseatlas_psyk_bup_tidy.csv")
    # Four psyk2 files (angst, bipolar, ocd, ptsd) hold three data blocks, flattened in file
    # order: patient rates, contact-day rates (again named `Rate.YYYY`), a combined table. The
    # first occurrence of each variable is the patient block, which is the one we use.
    t = t.drop_duplicates(["fil", "omrade", "variabel"], keep="first")
    area = {a: s for s, (_, _, a, _) in HF.items() if a}

    def geo(row):
        kind, name = row["omradetype"], row["omrade"]
        if kind == "land":
            return NATIONAL, NATIONAL_CODE
        if kind == "rhf":
            return "rhf", SKDE_RHF[name]
        if kind == "dps":
            return "dps", "dps_" + slug(name)
        return "hf", area[name]

    t[["geo_level", "geo_code"]] = t.apply(geo, axis=1, result_type="expand")
    t["value"] = t["verdi"].astype(float)
    src = "helseatlas_psyk_bup_tidy.csv"
    rows = []
    for ind, fil, annual, avg in ATLAS:
        f = t[t["fil"] == fil]
        atlas = f["atlas"].iloc[0]
        years = ATLAS_YEARS[atlas]
        wanted = {avg: f"{years[0]}-{years[-1]}"}
        if annual:
            wanted.update({annual.format(y): str(y) for y in years})
        for _, r in f[f["variabel"].isin(wanted)].iterrows():
            rows.append(obs(ind, wanted[r["variabel"]], r["geo_level"], r["geo_code"],
                            r["value"], "skde_helseatlas", f"{src}: {fil} {r['variabel']}"))
    # liggedøgn per opphold by year = liggedøgn rate / opphold rate (opphold_18.json)
    f = t[t["fil"] == "opphold_18.json"].set_index(["geo_level", "geo_code", "variabel"])["value"]
    for (level, code) in sorted({k[:2] for k in f.index}):
        for y in ATLAS_YEARS["psyk2"]:
            value = f[(level, code, f"Rate1.{y}")] / f[(level, code, f"Rate.{y}")]
            rows.append(obs("phv_liggedogn_per_opphold", y, level, code, value, "skde_helseatlas",
                            f"{src}: opphold_18.json Rate1.{y} / Rate.{y}"))
    return frame(rows)


def ssb_hf_kapasitet(komm, pop, snap=SNAP):
    """Beds, discharges, occupancy and årsverk per HF (SSB 13942/13953), summed to RHF and land,
    and årsverk per 1 000 inhabitants of the catchment (population 1 January of the same year)."""
    cap = read(snap, "ssb_hf_kapasitet/hf_capacity_2024_2025.csv")
    by_name = {name + " HF": s for s, (name, _, _, _) in HF.items()}
    cap["hf"] = cap["helseforetak"].map(by_name)
    if cap["hf"].isna().any():
        unknown = set(cap.loc[cap["hf"].isna(), "helseforetak"])
        raise ValueError(f"unknown HF in SSB file: {unknown}")
    cap["value"] = cap["value"].astype(float)
    rhf_of = units(snap).query("level == 'hf'").set_index("code")["rhf"]
    cap["rhf"] = cap["hf"].map(rhf_of)
    src, rows = "hf_capacity_2024_2025.csv", []
    for _, r in cap[cap["metric"].isin(SSB_HF_METRICS)].iterrows():
        ind = SSB_HF_METRICS[r["metric"]][0]
        rows.append(obs(ind, r["period"], "hf", r["hf"], r["value"], "ssb_hf_kapasitet",
                        f"{src}: {r['metric']} ({r['source_id']})"))
    summed = [m for m, (_, add) in SSB_HF_METRICS.items() if add]
    totals = {}
    for level, key in (("rhf", "rhf"), (NATIONAL, None)):
        g = cap[cap["metric"].isin(summed)]
        g = g.assign(geo=NATIONAL_CODE) if key is None else g.assign(geo=g[key])
        sums = g.groupby(["metric", "period", "geo"])["value"].sum()
        for (metric, period, code), v in sums.items():
            totals[(metric, period, level, code)] = v
            rows.append(obs(SSB_HF_METRICS[metric][0], period, level, code, v, "ssb_hf_kapasitet",
                            f"{src}: {metric}, sum over HF"))
    # per 1 000 inhabitants of the catchment (main HF of each kommune), with the population on
    # 1 January of the same year; for årsverk totalt also per 1 000 inhabitants aged 80 and over
    for metric in [m for m in summed if m.startswith("arsverk_")]:
        groups = [("alle", "_per_1000")] + ([("80+", "_per_1000_80_pluss")]
                                           if metric == "arsverk_totalt" else [])
        for group, suffix in groups:
            ind = SSB_HF_METRICS[metric][0] + suffix
            points = [("hf", r["hf"], r["period"], r["value"], f"{src}: {metric}")
                      for _, r in cap[cap["metric"] == metric].iterrows()]
            points += [(level, code, period, v, f"{src}: {metric}, sum over HF")
                       for (m, period, level, code), v in totals.items() if m == metric]
            for level, code, period, v, ref in points:
                denom = pop.get((level, code, int(period), group))
                if denom is None:  # Oslo's split catchments: no population, so no rate
                    continue
                rows.append(obs(ind, period, level, code, v / denom * 1000, "ssb_hf_kapasitet",
                                f"{ref} / {POP_REF.format(year=period, group=group)}"))
    return frame(rows)


def ssb_kostra_11996(komm, pop, snap=SNAP):
    """Legeårsverk in the kommunehelsetjeneste (FGK10) and in KAD (function 256) per kommune.

    Kommune values are kept for every year published. Aggregates, per-10 000 rates and the KAD
    share need all 357 kommuner and are therefore given for 2024–2025 only.
    """
    files = {"fgk10": "legearsverk_fgk10_totalt_kommune.csv",
             "256": "legearsverk_256_oyeblikkelig_hjelp_dogn_kommune.csv"}
    parts = []
    for key, fil in files.items():
        d = read(snap, f"ssb_kostra_11996/{fil}")
        parts.append(d.rename(columns={"municipality_code": "kommunenummer", "value": key})
                     [["kommunenummer", "period", key]].astype({key: float}))
    df = parts[0].merge(parts[1], on=["kommunenummer", "period"], how="outer")
    # a year is complete when every kommune has both series
    both = df.dropna(subset=["fgk10", "256"]).groupby("period")["kommunenummer"].nunique()
    complete = sorted(p for p, n in both.items() if n == len(komm))
    ind = {"fgk10": "legearsverk_kommune", "256": "legearsverk_kad"}
    ref = {k: f"{f}: legearsverk_{k}" for k, f in files.items()}
    rows = []
    for _, r in df.iterrows():
        for key in files:
            if pd.notna(r[key]):
                odd = key == "256" and (r["kommunenummer"], str(r["period"])) in KAD_IMPLAUSIBLE
                rows.append(obs(ind[key], r["period"], "kommune", r["kommunenummer"], r[key],
                                "ssb_kostra_11996", ref[key], "implausible" if odd else ""))
                if r["period"] in complete:  # population 1 January of the same year
                    denom = pop[("kommune", r["kommunenummer"], int(r["period"]), "alle")]
                    rows.append(obs(ind[key] + "_per_10000", r["period"], "kommune",
                                    r["kommunenummer"], r[key] / denom * 10000, "ssb_kostra_11996",
                                    f"{ref[key]} / {POP_REF.format(year=r['period'], group='alle')}",
                                    "implausible" if odd else ""))
        if pd.notna(r["256"]) and pd.notna(r["fgk10"]) and r["fgk10"] > 0:
            odd = (r["kommunenummer"], str(r["period"])) in KAD_IMPLAUSIBLE
            rows.append(obs("legearsverk_kad_andel", r["period"], "kommune", r["kommunenummer"],
                            r["256"] / r["fgk10"] * 100, "ssb_kostra_11996",
                            "legearsverk_256 / legearsverk_fgk10", "implausible" if odd else ""))
    # A value the catalogue calls implausible stays in the kommune row (flagged) but is left out
    # of every aggregate, together with that kommune's FGK10 årsverk and population for the year,
    # so sums, rates and the KAD share rest on the same kommuner.
    full = df[df["period"].isin(complete)].copy()
    full["pop"] = [pop[("kommune", k, int(p), "alle")] for k, p in
                   zip(full["kommunenummer"], full["period"])]
    flagged = full.apply(lambda r: (r["kommunenummer"], str(r["period"])) in KAD_IMPLAUSIBLE, axis=1)
    kad = full.assign(**{c: full[c].where(~flagged, 0) for c in ("256", "fgk10", "pop")})
    sums = sum_by_area(full, komm, ["fgk10", "256", "pop"]).set_index(["geo_level", "geo_code",
                                                                       "period"])
    for _, a in sum_by_area(kad, komm, ["fgk10", "256", "pop"]).iterrows():
        key = (a["geo_level"], a["geo_code"], a["period"])
        left_out = [k for (k, p) in KAD_IMPLAUSIBLE if p == str(a["period"])
                    and _in_area(komm, k, a["geo_level"], a["geo_code"])]
        note = (f", uten {', '.join(left_out)} ({KAD_IMPLAUSIBLE_NOTE})" if left_out else "")
        ref_pop = POP_REF.format(year=a["period"], group="alle") + ", sum over kommuner"
        # legeårsverk i kommunehelsetjenesten (FGK10): every kommune
        total = sums.loc[key]
        agg = f"{ref['fgk10']}, sum over kommuner"
        rows.append(obs(ind["fgk10"], a["period"], a["geo_level"], a["geo_code"], total["fgk10"],
                        "ssb_kostra_11996", agg))
        rows.append(obs(ind["fgk10"] + "_per_10000", a["period"], a["geo_level"], a["geo_code"],
                        total["fgk10"] / total["pop"] * 10000, "ssb_kostra_11996",
                        f"{agg} / {ref_pop}"))
        agg = f"{ref['256']}, sum over kommuner{note}"
        rows.append(obs(ind["256"], a["period"], a["geo_level"], a["geo_code"], a["256"],
                        "ssb_kostra_11996", agg))
        rows.append(obs(ind["256"] + "_per_10000", a["period"], a["geo_level"], a["geo_code"],
                        a["256"] / a["pop"] * 10000, "ssb_kostra_11996", f"{agg} / {ref_pop}"))
        rows.append(obs("legearsverk_kad_andel", a["period"], a["geo_level"], a["geo_code"],
                        a["256"] / a["fgk10"] * 100, "ssb_kostra_11996",
                        f"sum legearsverk_256 / sum legearsverk_fgk10{note}"))
    return frame(rows)


# (kommune, year) of KAD legeårsverk the catalogue calls implausible (legearsverk_kad):
# 4205 Lindesnes reports 10 årsverk in 2024 against 0–0,3 in every other year.
KAD_IMPLAUSIBLE = {("4205", "2024")}
KAD_IMPLAUSIBLE_NOTE = "usannsynlig verdi holdt utenfor"


def _in_area(komm, kommune, level, code):
    if level == NATIONAL:
        return True
    return komm.loc[komm["kommunenummer"] == kommune, level].iloc[0] == code


def ssb_befolkning_2024(komm):
    """Population 1.1.2024 per kommune, helsefellesskap, HF catchment, RHF and land, and the share
    living in kommuner under 5 000 inhabitants (denominators for the whole report)."""
    ref = "kommuner_2024_befolkning_areal.csv: folketall_2024_01_01"
    rows = [obs("befolkning", 2024, "kommune", k, v, "ssb_befolkning_2024", ref)
            for k, v in komm.set_index("kommunenummer")["folketall_2024"].items()]
    pop = komm["folketall_2024"]
    d = komm.assign(period="2024", small=pop.where(pop < 5000, 0))
    for _, a in sum_by_area(d, komm, ["folketall_2024", "small"],
                            levels=("helsefellesskap", "hf", "rhf", NATIONAL)).iterrows():
        if a["geo_level"] == "hf" and a["geo_code"] in HF_SPLIT_CATCHMENT:
            continue
        rows.append(obs("befolkning", 2024, a["geo_level"], a["geo_code"], a["folketall_2024"],
                        "ssb_befolkning_2024", f"{ref}, sum over kommuner"))
        if a["geo_level"] != "hf":
            rows.append(obs("andel_befolkning_smaa_kommuner", 2024, a["geo_level"], a["geo_code"],
                            a["small"] / a["folketall_2024"] * 100, "ssb_befolkning_2024",
                            f"{ref}, kommuner < 5 000 / alle"))
    return frame(rows)


def population(komm, snap=SNAP):
    """Population 1 January per area, year and age group: {(level, code, year, group): persons}.

    Sums of kommuner (2024 borders) to helsefellesskap, HF catchment, RHF and land. HF areas that
    share Oslo by bydel (HF_SPLIT_CATCHMENT) get no population, so no rate. Groups: ``alle``,
    ``0-17``, ``80+`` and ``18+`` (= alle − 0-17). A rate for a year or area not in this table is
    left out: the denominator is always the population of the rate's own year.
    """
    df = read(snap, POP_FILE)
    df = df[df["kjonn"] == "total"].astype({"personer": int})
    group_of = {a: g for g, ages in AGE_GROUPS.items() for a in ages}
    df = df[df["aldersgruppe"].isin(group_of)].assign(group=df["aldersgruppe"].map(group_of))
    wide = df.pivot_table(index=["kommunenummer", "aar"], columns="group", values="personer",
                          aggfunc="sum").reset_index().rename(columns={"aar": "period"})
    wide["18+"] = wide["alle"] - wide["0-17"]
    groups = ["alle", "0-17", "18+", "80+"]
    out = {}
    for _, r in wide.iterrows():
        for g in groups:
            out[("kommune", r["kommunenummer"], int(r["period"]), g)] = int(r[g])
    for _, a in sum_by_area(wide, komm, groups,
                            levels=("helsefellesskap", "hf", "rhf", NATIONAL)).iterrows():
        if a["geo_level"] == "hf" and a["geo_code"] in HF_SPLIT_CATCHMENT:
            continue
        for g in groups:
            out[(a["geo_level"], a["geo_code"], int(a["period"]), g)] = int(a[g])
    return out


POP_REF = "befolkning_kommune_alder_utvalg.csv: personer 1.1.{year}, {group}"


def ssb_befolkning_alder(komm, pop):
    """People aged 80 and over and their share of the population per area and year: the
    denominator of the eldre-bølge indicators."""
    rows = []
    years = sorted({k[2] for k in pop})
    # the denominators of every rate, per year (model.RATE_DENOMINATOR names them)
    names = {"alle": ("befolkning_i_alt", "alle"), "0-17": ("befolkning_0_17", "0-5 + 6-17"),
             "18+": ("befolkning_18_pluss", "alle − (0-5 + 6-17)")}
    for (level, code, year, group), v in sorted(pop.items()):
        if group in names and level != "kommune":
            ind, label = names[group]
            rows.append(obs(ind, year, level, code, v, "ssb_befolkning_alder",
                            POP_REF.format(year=year, group=label) + ", sum over kommuner"))
    for (level, code, year, group), v in sorted(pop.items()):
        if group != "80+" or level == "kommune":
            continue
        ref = POP_REF.format(year=year, group="80-89 + 90+") + (
            "" if level == "kommune" else ", sum over kommuner")
        rows.append(obs("befolkning_80_pluss", year, level, code, v, "ssb_befolkning_alder", ref))
        total = pop[(level, code, year, "alle")]
        rows.append(obs("andel_befolkning_80_pluss", year, level, code, v / total * 100,
                        "ssb_befolkning_alder", f"{ref} / alle"))
    assert years == list(range(2017, 2027)), years
    return frame(rows)


def _nki_number(text):
    """'15,7%' -> 15.7; '"56,37"' -> 56.37; '1,0' -> 1.0 (the export's number formats)."""
    return float(text.strip().rstrip("%").replace(",", "."))


def nki(snap=SNAP):
    """Helsedirektoratet's nasjonale kvalitetsindikatorer per HF and RHF, with a national value
    where the export's own counts allow it (see NKI). Only the 19 HF with a catchment area plus
    Lovisenberg, Diakonhjemmet and Sunnaas are kept at HF level; other private and ideelle
    providers and the "Helse X Private" / "Alle private behandlingssteder" aggregates are left
    out (the RHF rows already include them), and so is the RHF file's separate "Private" row."""
    hf_of = {orgnr: s for s, (_, orgnr, _, _) in HF.items()}
    values, rows = {}, []
    for fil, level, codes in (("nki_hf.csv", "hf", hf_of), ("nki_rhf.csv", "rhf", NKI_RHF)):
        t = read(snap, f"nki_kvalitetsindikatorer/{fil}")
        t = t[t["LocationId"].isin(codes)]
        for _, r in t.iterrows():
            key = (r["QualityIndicatorID"], r["Måltall"], level, codes[r["LocationId"]],
                   int(r["Tidsperiode"]))
            if key in values:
                raise ValueError(f"duplicate NKI row {key}")
            values[key] = _nki_number(r["Verdi"])
    for ind, qid, measure, rule in NKI:
        ref = f"{{fil}}: {qid} «{measure}»"
        found = [(k, v) for k, v in values.items() if k[0] == qid and k[1] == measure]
        if not found:
            raise ValueError(f"no NKI rows for {ind}")
        for (_, _, level, code, year), v in found:
            rows.append(obs(ind, year, level, code, v, "nki_kvalitetsindikatorer",
                            ref.format(fil=f"nki_{level}.csv")))
        if rule is None:
            continue
        for year in sorted({k[4] for k, _ in found}):
            def rhf(m):
                got = [values.get((qid, m, "rhf", c, year)) for c in sorted(NKI_RHF.values())]
                return None if None in got else got
            if rule[0] == "weighted":
                means, weights = rhf(measure), rhf(rule[1])
                value = (None if means is None or weights is None else
                         sum(m * w for m, w in zip(means, weights)) / sum(weights))
                how = f"vektet snitt av RHF, vekt «{rule[1]}»"
            elif rule[0] == "ratio":
                num, den = rhf(rule[1]), rhf(rule[2])
                value = None if num is None or den is None else sum(num) / sum(den) * 100
                how = f"sum «{rule[1]}» / sum «{rule[2]}» over RHF"
            else:
                got = rhf(measure)
                value = None if got is None else sum(got)
                how = "sum over RHF"
            rows.append(obs(ind, year, NATIONAL, NATIONAL_CODE, value, "nki_kvalitetsindikatorer",
                            f"nki_rhf.csv: {qid}, {how}" + ("" if value is not None else
                                                            "; mangler for minst ett RHF"),
                            status="" if value is not None else "missing"))
    return frame(rows)


def npr_nokkeltall(pop, snap=SNAP):
    """NPR activity per year (``hele året``, all actors) per bostedsregion and land, as counts and
    per 1 000 inhabitants of the age group the service is for, with the same year's population."""
    rows = []
    for key, fil in NPR_FILES.items():
        t = read(snap, f"npr_nokkeltall/{fil}", sep=";")
        t = t[(t["Periode"] == "hele året") & (t["Aktører"] == "Alle aktører") & (t["FLAGG"] == "")]
        group = NPR_AGE[key]
        for _, r in t.iterrows():
            level, code = NPR_REGION[r["Bostedsregion"]]
            year = int(r["År"])
            for col, stem in NPR_COLUMNS.items():
                if col not in t.columns:
                    continue
                ind = f"npr_{stem}_{key}"
                ref = f"{fil}: {r['År']} hele året, Alle aktører, {r['Bostedsregion']}, {col}"
                v = float(r[col])
                rows.append(obs(ind, year, level, code, v, "npr_nokkeltall", ref))
                denom = pop.get((level, code, year, group))
                rows.append(obs(ind + "_per_1000", year, level, code,
                                None if denom is None else v / denom * 1000, "npr_nokkeltall",
                                f"{ref} / {POP_REF.format(year=year, group=group)}",
                                status="" if denom is not None else "missing"))
    return frame(rows)


# SKDE Helseatlas hjarteinfarkt (2023): (indicator, file, use the yearly columns Rate.2018–2022?)
# and the five-year average Snittrate, per 1 000 inhabitants 18+ of the HF area (SKDE's
# population). In revask_oppdatert.json the yearly columns average 1.5 % above Snittrate (which
# equals Snitt_revaskularisert / Snitt_innbyggarar), so they are not the same measure as the
# average, and only the average is used.
HJARTEINFARKT = [("hjerteinfarkt_innlagte_per_1000", "innlagtepasient230523.json", True),
                 ("revaskularisering_per_1000", "revask_oppdatert.json", False)]


def skde_helseatlas_somatikk(snap=SNAP):
    """Patients admitted with acute myocardial infarction and revascularisations per HF area and
    land, copied from the data block of each atlas file."""
    import json

    area = {a: s for s, (_, _, a, _) in HF.items() if a}
    rows = []
    for ind, fil, annual in HJARTEINFARKT:
        doc = json.loads((snap / "skde_helseatlas_somatikk" / fil).read_text(encoding="utf-8"))
        data = [b for b in doc["innhold"] if b.get("type") == "data"]
        if len(data) != 1:
            raise ValueError(f"{fil}: expected one data block")
        for r in data[0]["data"]:
            level, code = (NATIONAL, NATIONAL_CODE) if r["area"] == "Noreg" else ("hf", area[r["area"]])
            years = range(2018, 2023) if annual else ()
            for col, period in [(f"Rate.{y}", str(y)) for y in years] + [
                    ("Snittrate", "2018-2022")]:
                rows.append(obs(ind, period, level, code, r[col], "skde_helseatlas_somatikk",
                                f"{fil}: {col}"))
    return frame(rows)


def helsefellesskap_proxy(komm):
    """Number of kommuner per helsefellesskap (proxy), RHF and land."""
    d = komm.assign(period="2024", n=1)
    rows = [obs("antall_kommuner", 2024, a["geo_level"], a["geo_code"], a["n"],
                "helsefellesskap_proxy", "kommune_hf_rhf_helsefellesskap_proxy.csv: antall rader")
            for _, a in sum_by_area(d, komm, ["n"]).iterrows()]
    return frame(rows)


# ---------------------------------------------------------------------------------- main

def output_file(data_dir, source_id):
    """Where a derived source's observations go (relative to data/): its latest vintage file,
    or a new one dated by the record's ``published:``."""
    from statusrapport.data import fileio, vintages

    existing = vintages.files(data_dir, source_id)
    if existing:
        return existing[-1].relative_to(data_dir).as_posix()
    record = fileio.read_yaml(Path(data_dir) / "sources" / f"{source_id}.yml", log=False)
    return vintage_file(source_id, str(record["published"]))


def build(snap=SNAP):
    """All derived tables, keyed by their path relative to data/."""
    komm = kommuner(snap)
    pop = population(komm, snap)
    tables = {
        "skde_helseatlas": skde_helseatlas(snap),
        "ssb_hf_kapasitet": ssb_hf_kapasitet(komm, pop, snap),
        "ssb_kostra_11996": ssb_kostra_11996(komm, pop, snap),
        "ssb_befolkning_alder": ssb_befolkning_alder(komm, pop),
        "nki_kvalitetsindikatorer": nki(snap),
        "npr_nokkeltall": npr_nokkeltall(pop, snap),
        "skde_helseatlas_somatikk": skde_helseatlas_somatikk(snap),
        "ssb_befolkning_2024": ssb_befolkning_2024(komm),
        "helsefellesskap_proxy": helsefellesskap_proxy(komm),
    }
    assert tuple(tables) == DERIVED
    data_dir = Path(snap).parent
    return {"geography/kommuner.csv": komm, "geography/units.csv": units(snap),
            **{output_file(data_dir, s): df for s, df in tables.items()}}


def main(out=DATA, snap=SNAP):
    """Rewrite the derived tables under ``out`` (default: data/)."""
    for rel, df in build(snap).items():
        write_csv(df, Path(out) / rel)
        print(f"{rel}: {len(df)} rader")


def new_vintage(vintage, data_dir=DATA):
    """After a register snapshot was replaced by a new extract: every derived source whose
    values changed gets a new vintage file ``observations/<source>/<vintage>.csv`` with only the
    new and changed rows (earlier vintages, and so published editions, stay as they are); the
    source's snapshot files are kept under ``snapshots/<source>/deliveries/<vintage>/`` and the
    record's hash lines are updated (no other line changes). Returns the files written."""
    from statusrapport.data import sources, vintages
    from statusrapport.model import KEY, delivery_dir

    import datetime

    from statusrapport.ingest.command import check_vintage

    data_dir = Path(data_dir)
    written, plan = [], []
    for rel, df in build(data_dir / "snapshots").items():
        source_id = Path(rel).parent.name
        if source_id not in DERIVED:
            continue
        known = vintages.latest([pd.read_csv(p, dtype=str, keep_default_na=False)
                                 for p in vintages.files(data_dir, source_id)])
        old = {} if known is None else {tuple(r[k] for k in KEY): (r["value"], r["status"])
                                        for r in known.to_dict("records")}
        changed = df[[old.get(tuple(r[k] for k in KEY)) != (r["value"], r["status"])
                      for r in df.to_dict("records")]]
        if not changed.empty:  # checked for every source before anything is written
            plan.append((source_id, changed, check_vintage(data_dir.parent, data_dir, source_id,
                                                           vintage, datetime.date.today())))
    for source_id, changed, stem in plan:
        target = data_dir / vintage_file(source_id, stem)
        write_csv(changed, target)
        digests = {target.relative_to(data_dir).as_posix(): None}
        kept = data_dir / delivery_dir(source_id, stem)
        for raw in sorted((data_dir / "snapshots" / source_id).glob("*")):
            if raw.is_file():
                kept.mkdir(parents=True, exist_ok=True)
                (kept / raw.name).write_bytes(raw.read_bytes())
                digests[raw.relative_to(data_dir).as_posix()] = None
                digests[(kept / raw.name).relative_to(data_dir).as_posix()] = None
        from statusrapport.build.hashing import sha256

        sources.add_files(data_dir, source_id, {r: sha256(data_dir / r) for r in digests})
        written.append(target)
        print(f"{target.relative_to(data_dir)}: {len(changed)} nye eller endrede rader")
    return written


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m statusrapport.ingest.derive",
        description="Bygg geografien og registerobservasjonene fra data/snapshots/. Med --vintage: "
                    "etter et nytt registeruttrekk, skriv bare nye og endrede tall som en ny vintage.")
    parser.add_argument("--vintage", metavar="ÅÅÅÅ-MM-DD",
                        help="datoen det nye uttrekket kom (tallene er kjent fra denne datoen)")
    args = parser.parse_args()
    if args.vintage:
        from statusrapport.errors import StatusrapportError

        try:
            files = new_vintage(args.vintage)
        except StatusrapportError as err:
            print(f"FEIL: {err}", file=sys.stderr)
            sys.exit(err.exit_code)
        print(f"{len(files)} nye vintage-filer." if files else
              "Ingen tall er endret; ingen ny vintage er skrevet.")
    else:
        main()
