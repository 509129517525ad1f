"""Importers: fixtures in tests/fixtures/deliveries (written by _make_fixtures.py)."""

import json
import math
from pathlib import Path

import pytest

from statusrapport.errors import DataError
from statusrapport.ingest.readers import parse_number, read_delivery
from statusrapport.model import COLUMNS

HERE = Path(__file__).parent / "fixtures" / "deliveries"

JSONSTAT = {
    "format": "jsonstat2", "geo_level": "kommune", "geo_dimension": "Region",
    "period_dimension": "Tid", "indicator_dimension": "ContentsCode",
    "indicators": {"AvtLegeaarsverk": "legearsverk_fgk10",
                   "LegeaarsverkPer10k": "legearsverk_per10k_fgk10"},
    "filter": {"KOKfunksjon0000": "FGK10"}, "geo_map": {"EAK": None},
}
SSB_CSV = {
    "format": "csv", "geo_level": "kommune", "skip_rows": 2, "geo_dimension": "region",
    "period_dimension": "år", "indicator_dimension": "statistikkvariabel",
    "indicators": {"Avtalte legeårsverk": "legearsverk",
                   "Legeårsverk per 10 000 innbyggere": "legearsverk_per10k"},
    "value_column": "11996: Legeårsverk i kommunehelsetjenesten",
}
PLAIN_CSV = {**SSB_CSV, "skip_rows": 0, "value_column": "verdi"}


def value(frame, indicator, period, geo):
    row = frame[(frame.indicator == indicator) & (frame.period == period)
                & (frame.geo_code == geo)]
    assert len(row) == 1
    return row.value.iloc[0], row.status.iloc[0], row.ref.iloc[0]


def problems(path, spec):
    with pytest.raises(DataError) as caught:
        read_delivery(path, spec, "test")
    return caught.value


def write_jsonstat(tmp_path, value, status=None, **changes):
    """A 2 kommuner x 2 years dataset; value and status exactly as given."""
    data = {
        "version": "2.0", "class": "dataset", "label": "12345: Test",
        "id": ["Region", "ContentsCode", "Tid"], "size": [2, 1, 2],
        "dimension": {
            "Region": {"category": {"index": ["K-0301", "K-4601"],
                                    "label": {"K-0301": "Oslo", "K-4601": "Bergen"}}},
            "ContentsCode": {"category": {"label": {"Lege": "Legeårsverk"}}},
            "Tid": {"category": {"index": {"2024M01": 1, "2023M12": 0}}},
        },
        "value": value, **({"status": status} if status is not None else {}), **changes,
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


SMALL_SPEC = {"format": "jsonstat2", "geo_level": "kommune", "geo_dimension": "Region",
              "period_dimension": "Tid", "indicator_dimension": "ContentsCode",
              "indicators": {"Lege": "lege"}}


# --- JSON-stat2 ---------------------------------------------------------------------------


def test_jsonstat_values_statuses_and_ref():
    frame = read_delivery(HERE / "ssb_11996_kommune.jsonstat2.json", JSONSTAT, "ssb11996")
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 12  # 3 kommuner x 2 years x 2 ContentsCodes; EAK and FGK11 left out
    assert value(frame, "legearsverk_fgk10", "2024", "0301") == (
        761.8, "", "tabell 11996, ContentsCode=AvtLegeaarsverk, KOKfunksjon0000=FGK10")
    assert value(frame, "legearsverk_fgk10", "2023", "4601")[:2] == (312.4, "")
    missing = value(frame, "legearsverk_fgk10", "2024", "1506")
    assert math.isnan(missing[0]) and missing[1] == "missing"
    suppressed = value(frame, "legearsverk_per10k_fgk10", "2023", "1506")
    assert math.isnan(suppressed[0]) and suppressed[1] == "suppressed"
    assert set(frame.source) == {"ssb11996"} and set(frame.geo_level) == {"kommune"}
    assert frame.value.dtype == float


def test_jsonstat_output_is_sorted_by_key():
    frame = read_delivery(HERE / "ssb_11996_kommune.jsonstat2.json", JSONSTAT, "s")
    keys = list(zip(frame.indicator, frame.period, frame.geo_level, frame.geo_code))
    assert keys == sorted(keys)


def test_jsonstat_indicator_may_be_mapped_by_label():
    spec = {**JSONSTAT, "indicators": {"Avtalte legeårsverk": "legearsverk_fgk10"},
            "filter": {"KOKfunksjon0000": "FGK10", "ContentsCode": "AvtLegeaarsverk"}}
    frame = read_delivery(HERE / "ssb_11996_kommune.jsonstat2.json", spec, "s")
    assert set(frame.indicator) == {"legearsverk_fgk10"} and len(frame) == 6


def test_jsonstat_list_index_k_prefix_monthly_periods_and_symbols(tmp_path):
    path = write_jsonstat(tmp_path, [1.5, None, None, 7], ["", "-", ".", None])
    frame = read_delivery(path, SMALL_SPEC, "s")
    assert list(frame.geo_code) == ["0301", "4601", "0301", "4601"]
    assert list(frame.period) == ["2023-12", "2023-12", "2024-01", "2024-01"]
    rows = {(r.period, r.geo_code): (r.value, r.status) for r in frame.itertuples()}
    assert rows[("2023-12", "0301")] == (1.5, "")
    assert rows[("2024-01", "0301")] == (0.0, "")  # "-": nothing to report = zero
    assert math.isnan(rows[("2023-12", "4601")][0])
    assert rows[("2023-12", "4601")][1] == "missing"  # "."
    assert rows[("2024-01", "4601")] == (7.0, "")
    assert frame.ref.iloc[0] == "tabell 12345, ContentsCode=Lege"


def test_jsonstat_sparse_value_dict_and_null_without_status(tmp_path):
    path = write_jsonstat(tmp_path, {"0": 3, "3": 4.25})
    frame = read_delivery(path, {**SMALL_SPEC, "provisional": True}, "s")
    assert list(frame.status) == ["provisional", "missing", "missing", "provisional"]
    assert frame.value.iloc[3] == 4.25


def test_jsonstat_extra_dimension_and_bad_filter_are_reported_together(tmp_path):
    path = write_jsonstat(tmp_path, [1, 2, 3, 4])
    spec = {**SMALL_SPEC, "indicator": "lege", "filter": {"Tid": "2025"}}
    del spec["indicator_dimension"], spec["indicators"]
    err = problems(path, spec)
    text = str(err)
    assert "kolonne 'Tid'" in text and "'2025'" in text  # filter value not in the dimension
    spec = {**SMALL_SPEC}
    del spec["period_dimension"]
    spec["period"] = 2024
    text = str(problems(path, spec))
    assert "dimensjonen har 2 verdier" in text and "kolonne 'Tid'" in text


def test_jsonstat_unknown_contentscode():
    err = problems(HERE / "unknown_contentscode.jsonstat2.json", JSONSTAT)
    assert len(err.problems) == 1
    text = str(err)
    assert "unknown_contentscode.jsonstat2.json" in text
    assert "kolonne 'ContentsCode'" in text and "'KLegeaarsverk'" in text
    assert "ukjent kode i indikatordimensjonen" in text


def test_jsonstat_truncated_reports_line_and_column():
    err = problems(HERE / "truncated.jsonstat2.json", JSONSTAT)
    text = str(err)
    assert "truncated.jsonstat2.json, rad 110" in text
    assert "avkortet" in text and "tegn 7" in text


def test_jsonstat_value_count_must_match_size(tmp_path):
    path = write_jsonstat(tmp_path, [1, 2, 3])
    assert "forventet 4 verdier" in str(problems(path, SMALL_SPEC))


def test_jsonstat_unknown_status_symbol(tmp_path):
    path = write_jsonstat(tmp_path, [1, 2, 3, None], {"3": "?"})
    assert "ukjent statussymbol" in str(problems(path, SMALL_SPEC))


def test_duplicate_keys_name_both_cells(tmp_path):
    path = write_jsonstat(tmp_path, [1, 2, 3, 4])
    spec = {**SMALL_SPEC, "geo_map": {"K-4601": "0301"}}
    text = str(problems(path, spec))
    assert "to ganger" in text
    assert "Region=K-0301, ContentsCode=Lege, Tid=2023M12" in text
    assert "Region=K-4601, ContentsCode=Lege, Tid=2023M12" in text


# --- CSV ----------------------------------------------------------------------------------


def test_ssb_csv_utf8_bom_with_title_line():
    frame = read_delivery(HERE / "ssb_semikolon_utf8bom.csv", SSB_CSV, "ssb")
    assert len(frame) == 12
    assert value(frame, "legearsverk", "2024", "0301") == (
        761.8, "", "fil ssb_semikolon_utf8bom.csv rad 5")  # title, blank, header = rows 1-3
    assert value(frame, "legearsverk", "2024", "1506")[1] == "missing"
    assert value(frame, "legearsverk_per10k", "2023", "1506")[1] == "suppressed"
    assert frame.attrs["notes"] == []


def test_ssb_csv_title_line_without_skip_rows_gives_hint():
    err = problems(HERE / "ssb_semikolon_utf8bom.csv", {**SSB_CSV, "skip_rows": 0})
    text = str(err)
    assert "mangler kolonnen 'region'" in text and "bruk skip_rows" in text
    assert len(err.problems) == 4  # every missing column, not just the first


def test_latin1_csv_from_excel():
    spec = {**PLAIN_CSV, "geo_dimension": "Kommune", "period_dimension": "År",
            "indicator_dimension": "Statistikkvariabel", "value_column": "Verdi",
            "indicators": {"Legeårsverk": "legearsverk",
                           "Brutto driftsutgifter (1 000 kr)": "driftsutgifter"}}
    frame = read_delivery(HERE / "ssb_semikolon_latin1.csv", spec, "excel")
    assert "cp1252" in frame.attrs["notes"][0]
    assert value(frame, "legearsverk", "2024", "1508")[:2] == (84.2, "")      # 1508 Ålesund
    assert value(frame, "legearsverk", "2024", "5501")[1] == "missing"        # ..
    assert value(frame, "legearsverk", "2024", "3905")[1] == "suppressed"     # :
    assert value(frame, "driftsutgifter", "2024", "3905")[:2] == (0.0, "")    # -
    assert value(frame, "driftsutgifter", "2024", "1508")[0] == 152345.6      # space
    assert value(frame, "driftsutgifter", "2024", "5501")[0] == 201004.0      # no-break space


def test_wide_comma_separated_with_quoted_decimal_commas():
    spec = {"format": "csv", "geo_level": "kommune", "geo_dimension": "region",
            "indicator_dimension": "statistikkvariabel", "wide_periods": True,
            "indicators": {"Avtalte legeårsverk": "legearsverk"}}
    frame = read_delivery(HERE / "wide_years.csv", spec, "s")
    assert len(frame) == 6
    assert value(frame, "legearsverk", "2024", "0301") == (761.8, "", "fil wide_years.csv rad 2")
    assert value(frame, "legearsverk", "2023", "4601")[0] == 312.4
    assert value(frame, "legearsverk", "2024", "1506")[1] == "missing"


def test_unquoted_decimal_comma_in_comma_file(tmp_path):
    path = tmp_path / "komma.csv"
    path.write_text("region,år,verdi\n0301,2024,12,5\n", encoding="utf-8")
    spec = {**PLAIN_CSV, "indicator": "x", "period_dimension": "år"}
    del spec["indicator_dimension"], spec["indicators"]
    text = str(problems(path, spec))
    assert "komma.csv, rad 2" in text and "anførselstegn" in text


def test_tab_separated_and_fixed_indicator_and_dot_decimal(tmp_path):
    path = tmp_path / "tab.csv"
    path.write_text("region\tår\tverdi\n0301\t2024\t1,234.5\n1506\t2024\t7\n",
                    encoding="utf-8")
    spec = {"format": "csv", "geo_level": "kommune", "geo_dimension": "region",
            "period_dimension": "år", "indicator": "x", "value_column": "verdi",
            "decimal": "."}
    frame = read_delivery(path, spec, "s")
    assert list(frame.value) == [1234.5, 7.0]


def test_land_level_without_geo_column(tmp_path):
    path = tmp_path / "land.csv"
    path.write_text("år;verdi\n2023;10,5\n2024;11\n", encoding="utf-8")
    spec = {"format": "csv", "geo_level": "land", "period_dimension": "år",
            "indicator": "x", "value_column": "verdi"}
    frame = read_delivery(path, spec, "s")
    assert list(frame.geo_code) == ["NO", "NO"] and list(frame.value) == [10.5, 11.0]


def test_non_numeric_values_all_reported():
    err = problems(HERE / "non_numeric.csv", PLAIN_CSV)
    assert len(err.problems) == 2
    text = str(err)
    assert "non_numeric.csv, rad 3, kolonne 'verdi'" in text and "'ca. 34'" in text
    assert "rad 5, kolonne 'verdi'" in text and "'1,234.5'" in text
    assert "forventet et tall med desimalkomma" in text


def test_truncated_csv():
    text = str(problems(HERE / "truncated.csv", SSB_CSV))
    assert "truncated.csv, rad 9" in text
    assert "raden har 2 felt, men overskriften har 4" in text


def test_empty_file():
    text = str(problems(HERE / "empty.csv", SSB_CSV))
    assert "empty.csv: filen er tom" in text


def test_bad_bytes_name_offset_and_row():
    err = problems(HERE / "bad_bytes.csv", PLAIN_CSV)
    text = str(err)
    assert "bad_bytes.csv, rad 3" in text
    assert "ikke gyldig UTF-8 (byte 83)" in text and "(fant: 'b8')" in text


def test_bad_period_unknown_indicator_and_bad_geo_all_reported(tmp_path):
    path = tmp_path / "koder.csv"
    path.write_text("region;statistikkvariabel;år;verdi\n"
                    "0301 Oslo;Avtalte legeårsverk;2024K1;1\n"
                    "Oslo;Avtalte legeårsverk;2024;1\n"
                    "0301 Oslo;Nye legeårsverk;2024;1\n"
                    "4601 Bergen;Nye legeårsverk;2024;1\n", encoding="utf-8")
    err = problems(path, PLAIN_CSV)
    text = str(err)
    assert len(err.problems) == 3
    assert "rad 2, kolonne 'år'" in text and "forventet f.eks. 2024" in text
    assert "rad 3, kolonne 'region'" in text and "kommunenummer med fire siffer" in text
    assert "rad 4, kolonne 'statistikkvariabel'" in text and "(2 forekomster)" in text


def test_duplicate_rows_in_csv(tmp_path):
    path = tmp_path / "dobbel.csv"
    path.write_text("region;år;verdi\n0301;2024;1\n1506;2024;2\n0301;2024;3\n", encoding="utf-8")
    spec = {"format": "csv", "geo_level": "kommune", "geo_dimension": "region",
            "period_dimension": "år", "indicator": "x", "value_column": "verdi"}
    text = str(problems(path, spec))
    assert "dobbel.csv, rad 4" in text and "rad 2 og rad 4" in text


def test_filter_column_in_csv(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("region;funksjon;år;verdi\n0301;FGK10;2024;1\n0301;FGK11;2024;2\n",
                    encoding="utf-8")
    spec = {"format": "csv", "geo_level": "kommune", "geo_dimension": "region",
            "period_dimension": "år", "indicator": "x", "value_column": "verdi",
            "filter": {"funksjon": ["FGK11"]}}
    assert list(read_delivery(path, spec, "s").value) == [2.0]


# --- XLSX ---------------------------------------------------------------------------------

XLSX = {"format": "xlsx", "sheet": "Data", "skip_rows": 1, "geo_level": "kommune",
        "geo_dimension": "Kommunenr", "period_dimension": "År",
        "indicator_dimension": "Indikator", "value_column": "Verdi",
        "indicators": {"Avtalte legeårsverk": "legearsverk",
                       "Andel fastleger med spesialitet": "andel_spesialist"}}


def test_excel_export():
    frame = read_delivery(HERE / "excel_export.xlsx", XLSX, "xl")
    assert len(frame) == 7
    assert value(frame, "legearsverk", "2024", "0301") == (
        761.8, "", "fil excel_export.xlsx, ark 'Data' rad 4")  # 301 padded to 0301
    assert value(frame, "legearsverk", "2023", "1506")[:2] == (33.4, "")  # text "33,4"
    assert value(frame, "legearsverk", "2024", "1506")[1] == "missing"
    assert value(frame, "legearsverk", "2024", "4601")[1] == "suppressed"
    assert value(frame, "andel_spesialist", "2024", "4601")[1] == "missing"  # empty cell


def test_excel_missing_sheet_and_broken_file(tmp_path):
    text = str(problems(HERE / "excel_export.xlsx", {**XLSX, "sheet": "Ark9"}))
    assert "arket finnes ikke" in text and "Om tabellen, Data" in text
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes((HERE / "excel_export.xlsx").read_bytes()[:500])
    assert "broken.xlsx: kan ikke åpne" in str(problems(broken, XLSX))


# --- spec and numbers ---------------------------------------------------------------------


def test_spec_problems_are_all_reported():
    err = problems(HERE / "empty.csv", {"format": "tsv", "geo_level": "fylke",
                                        "valu_column": "x", "indicator": "Bad-Id"})
    text = str(err)
    for expected in ("ukjent nøkkel 'valu_column'", "'format' må være",
                     "'geo_level' må være", "indikator-id", "period_dimension"):
        assert expected in text


@pytest.mark.parametrize("cell, expected", [
    ("12,5", (12.5, "")), ("12.5", (12.5, "")), ("1.234", (1234.0, "")),
    ("1.234,5", (1234.5, "")), ("12 345,6", (12345.6, "")), ("12\u00a0345", (12345.0, "")),
    ("\u22123,5", (-3.5, "")), ("-", (0.0, "")), (":", (math.nan, "suppressed")),
    ("...", (math.nan, "missing")), ("", (math.nan, "missing")), (None, (math.nan, "missing")),
    (761.8, (761.8, "")), (7, (7.0, "")),
    ("1,234.5", None), ("12 5", None), ("ca. 3", None), ("nan", None), (True, None),
])
def test_parse_number_decimal_comma(cell, expected):
    got = parse_number(cell, ",")
    if expected is None or not math.isnan(expected[0]):
        assert got == expected
    else:
        assert math.isnan(got[0]) and got[1] == expected[1]


def test_parse_number_decimal_point():
    assert parse_number("1,234", ".") == (1234.0, "")
    assert parse_number("12,5", ".") == (12.5, "")
    assert parse_number("1,234.5", ".") == (1234.5, "")
    assert parse_number("1.234,5", ".") is None


# -- diagnosis of spec mistakes, mixed levels, the catalogue first ----------------------

def test_wrong_separator_is_named_as_such(tmp_path):
    path = tmp_path / "levering.csv"
    path.write_text("år,ventetid (dager)\n2026,41\n", encoding="utf-8")
    spec = {"format": "csv", "geo_level": "land", "indicator": "ventetid_phbu",
            "period_dimension": "år", "value_column": "ventetid (dager)", "separator": ";"}
    text = str(problems(path, spec))
    assert "filen bruker komma som skilletegn, ikke semikolon; sett separator: \",\"" in text
    assert "skip_rows" not in text


def test_wrong_decimal_is_named_as_such(tmp_path):
    path = tmp_path / "levering.csv"
    path.write_text("år;ventetid (dager)\n2026;1.234,5\n", encoding="utf-8")
    spec = {"format": "csv", "geo_level": "land", "indicator": "ventetid_phbu",
            "period_dimension": "år", "value_column": "ventetid (dager)", "decimal": "."}
    (problem,) = problems(path, spec).problems
    assert ("forventet et tall med desimalpunktum (f.eks. 12.5), et SSB-symbol (. .. ... : -) eller "
            "en tom celle; tallet ser ut til å ha desimalkomma: sett decimal: \",\" i "
            "import:-beskrivelsen") in str(problem)


def test_rhf_and_hele_landet_in_one_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in (["region", "år", "plasser"], ["Hele landet", 2026, 300],
                ["Helse Vest RHF", 2026, 60]):
        book.active.append(row)
    book.save(tmp_path / "senger.xlsx")
    spec = {"format": "xlsx", "geo_level": "rhf", "geo_dimension": "region",
            "geo_map": {"Hele landet": "NO", "Helse Vest RHF": "H03"}, "period_dimension": "år",
            "indicator": "senger_psyk_barn", "value_column": "plasser"}
    frame = read_delivery(tmp_path / "senger.xlsx", spec, "s")
    assert list(zip(frame.geo_level, frame.geo_code, frame.value)) == [("land", "NO", 300.0),
                                                                       ("rhf", "H03", 60.0)]


def test_import_before_catalogue_entry_gives_one_message(tmp_path):
    import yaml

    from conftest import copy_project
    from statusrapport.errors import ParameterError
    from statusrapport.ingest import command

    project = copy_project(tmp_path / "p")
    (tmp_path / "levering.csv").write_text("år;kommune;verdi\n" + "".join(
        f"{year};0301;{n}\n" for n, year in enumerate(range(2010, 2026))), encoding="utf-8")
    record = {"id": "ny_kilde", "title": "T", "publisher": "P", "origin": "O", "licence": "NLOD 2.0",
              "published": "2026-01-01", "retrieved": "2026-01-01", "files": {},
              "import": {"format": "csv", "geo_level": "kommune", "geo_dimension": "kommune",
                         "period_dimension": "år", "indicator": "ventetid_phbuu",
                         "value_column": "verdi"}}
    (project / "data" / "sources" / "ny_kilde.yml").write_text(yaml.safe_dump(record), encoding="utf-8")
    before = (project / "data" / "catalogue.yml").read_bytes()
    with pytest.raises(ParameterError) as caught:
        command.run(project, tmp_path / "levering.csv", "ny_kilde")
    text = str(caught.value)
    assert text.count("\n") == 0 and text.count("ventetid_phbuu") == 1
    assert text.startswith("indikatoren 'ventetid_phbuu' (mente du 'ventetid_phbu'?) finnes ikke i "
                           "data/catalogue.yml. Legg inn katalogposten først")
    assert "Ingenting er lest inn." in text and "tmp" not in text
    assert (project / "data" / "catalogue.yml").read_bytes() == before
    assert not (project / "data" / "observations" / "ny_kilde.csv").exists()
