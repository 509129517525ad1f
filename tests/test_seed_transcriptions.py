"""Every value transcribed from a seed text must literally appear in the cited lines.

For each row of data/observations/seed*.csv the test reads the lines named in `ref`
(``L153`` or ``L153-180``) from the snapshot in data/snapshots/<source>/ and checks that
the value occurs there in a Norwegian or English rendering: decimal comma or point,
thousands separated by space, no-break space, comma or point, "9,5 millioner"-style
scalings, or a Norwegian number word ("sju", "ni").

It also checks data/tiltak.csv: closed status vocabulary, unique ids, and at least 45
measures from Meld. St. 9 (edition 2026) with at least six per chapter.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
CHAPTERS = ("samhandling", "psykisk_helse", "akuttmedisin", "kompetanse", "finansiering")
STATUSES = {"ikke startet", "i rute", "forsinket", "levert", "avsluttet", "ikke rapportert"}
OBS_COLUMNS = ["indicator", "period", "geo_level", "geo_code", "value", "status", "source", "ref"]
TILTAK_COLUMNS = ["id", "edition", "chapter", "title", "owner", "deadline", "status",
                  "comment", "source", "ref"]
REF_RE = re.compile(r"^L(\d+)(?:-(\d+))?$")
NUMBER_WORDS = {
    1: ["en", "ett", "én", "ei"], 2: ["to"], 3: ["tre"], 4: ["fire"], 5: ["fem"],
    6: ["seks"], 7: ["sju", "syv"], 8: ["åtte"], 9: ["ni"], 10: ["ti"], 11: ["elleve"],
    12: ["tolv"],
}
# What the source writes for each qualifier of statusrapport/model.py QUALIFIERS
QUALIFIER_WORDS = {
    "approximate": r"om lag|omtrent|rundt|ca\.|anslått|anslagsvis|stabil",
    "lower_bound": r"\bover\b|mer enn|drøyt|minst|passere",
    "nearly": r"nærmere|nesten|i underkant",
    "forecast": r"\bvil\b|ventet|forvent|planlagt",
    "cumulative": r"siden",
    "stable_since": r"stabil",
    "per_listed": r"listeinnbygg",
    "implausible": r"$^",  # never in a seed transcription
}
SCALES = [
    (Decimal(10) ** 9, ["milliarder", "milliard", "mrd."]),
    (Decimal(10) ** 6, ["millioner", "million", "mill."]),
]


def _observation_files():
    return sorted((DATA / "observations").glob("seed*/*.csv"))


def _observation_rows():
    rows = []
    for path in _observation_files():
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == OBS_COLUMNS, path
            for i, row in enumerate(reader, start=2):
                rows.append(pytest.param(row, id=f"{path.parent.name}:{i}:{row['indicator']}"))
    return rows


def _snapshot(source: str) -> list[str]:
    files = [p for p in (DATA / "snapshots" / source).iterdir() if p.suffix == ".txt"]
    assert len(files) == 1, f"expected one seed text in snapshots/{source}"
    return files[0].read_text(encoding="utf-8").splitlines()


def _cited_text(source: str, ref: str) -> str:
    m = REF_RE.match(ref)
    assert m, f"ref {ref!r} is not of the form L123 or L123-130"
    start = int(m.group(1))
    end = int(m.group(2) or start)
    assert 1 <= start <= end, ref
    lines = _snapshot(source)
    assert end <= len(lines), f"{ref} beyond end of {source} ({len(lines)} lines)"
    # no-break and thin spaces count as spaces; a number broken over two lines is re-joined
    # with one space, while wide gaps between table columns stay recognisable as two spaces
    cited = [re.sub(r"[\u00a0\u202f\u2009\t]", " ", line).strip() for line in lines[start - 1:end]]
    return re.sub(r" {2,}", "  ", " ".join(cited))


def _group(int_part: str, sep: str) -> str:
    out = ""
    while len(int_part) > 3:
        out = sep + int_part[-3:] + out
        int_part = int_part[:-3]
    return int_part + out


def _plain_renderings(d: Decimal) -> set[str]:
    """Renderings of a non-negative number without scaling words."""
    forms = set()
    text = format(d.normalize(), "f")
    int_part, _, frac = text.partition(".")
    decimals = [frac] if frac else [""]
    if frac == "":
        decimals.append("0")  # 50.0 may be printed as "50,0"
    for fr in decimals:
        for tsep in ("", " ", ",", "."):
            ip = _group(int_part, tsep) if tsep else int_part
            for dsep in (",", "."):
                if tsep and tsep == dsep:
                    continue
                forms.add(ip + (dsep + fr if fr else ""))
    return forms


def _number_pattern(form: str) -> re.Pattern:
    # not part of a longer number on either side (e.g. "4" inside "24" or "16" in "16 000")
    return re.compile(r"(?<![\d])(?<!\d[.,])" + re.escape(form) + r"(?![\d])(?![.,]\d)(?! \d{3}(?!\d))")


def _appears(value: Decimal, text: str) -> bool:
    value = abs(value)
    for form in _plain_renderings(value):
        if _number_pattern(form).search(text):
            return True
    for factor, words in SCALES:
        scaled = value / factor
        if scaled >= 1 and scaled == scaled.quantize(Decimal("0.01")):
            for form in _plain_renderings(scaled):
                for word in words:
                    if re.search(r"(?<![\d,.])" + re.escape(form) + r" ?" + re.escape(word), text):
                        return True
    if value == value.to_integral() and int(value) in NUMBER_WORDS:
        for word in NUMBER_WORDS[int(value)]:
            if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, flags=re.IGNORECASE):
                return True
    return False


@pytest.mark.parametrize("row", _observation_rows())
def test_value_appears_in_cited_lines(row):
    assert (DATA / "sources" / f"{row['source']}.yml").exists(), row["source"]
    text = _cited_text(row["source"], row["ref"])
    if row["status"] in ("missing", "suppressed"):
        assert row["value"] == ""
        return
    status, *qualifiers = row["status"].split(";") if row["status"] else [""]
    if status not in ("", "provisional"):  # a row with qualifiers only
        status, qualifiers = "", [status] + qualifiers
    assert status in ("", "provisional"), row["status"]
    for q in qualifiers:  # the source's own words for each qualifier are in the cited lines
        name, _, year = q.partition(":")
        assert name in QUALIFIER_WORDS, q
        assert re.search(QUALIFIER_WORDS[name], text, flags=re.IGNORECASE), (
            f"{q}: no {QUALIFIER_WORDS[name]!r} in {row['source']} {row['ref']}: {text[:300]}")
        assert not year or year in text, f"{q}: {year} not in {row['ref']}"
    value = Decimal(row["value"])
    assert _appears(value, text), f"{row['value']} not found in {row['source']} {row['ref']}: {text[:300]}"


def test_observation_keys_unique_and_in_catalogue():
    catalogue = yaml.safe_load((DATA / "catalogue.yml").read_text(encoding="utf-8"))
    ids = {e["id"] for e in catalogue["indicators"]
           if any(s.strip().startswith("seed") for s in str(e["source"]).split(","))}
    seen = set()
    used = set()
    for path in _observation_files():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                key = (row["indicator"], row["period"], row["geo_level"], row["geo_code"], row["source"])
                assert key not in seen, key
                seen.add(key)
                assert row["indicator"] in ids, row["indicator"]
                used.add(row["indicator"])
    assert ids <= used, f"indicators without observations: {sorted(ids - used)}"


def test_catalogue_part_is_well_formed():
    catalogue = yaml.safe_load((DATA / "catalogue.yml").read_text(encoding="utf-8"))
    ids = [e["id"] for e in catalogue["indicators"]]
    assert len(ids) == len(set(ids))
    for e in catalogue["indicators"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", e["id"]), e["id"]
        assert e["chapter"] in CHAPTERS, e["id"]
        assert e["direction"] in ("higher", "lower", "neutral"), e["id"]
        if "target" in e:
            assert e["target"]["comparator"] in ("<", "<=", ">", ">="), e["id"]
    numbers = [r["number"] for r in catalogue["results"]]
    assert numbers == list(range(1, 14))
    for r in catalogue["results"]:
        assert set(r["indicators"]) <= set(ids), r["number"]


def test_tiltak():
    with (DATA / "tiltak.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == TILTAK_COLUMNS
        rows = list(reader)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate tiltak ids"
    for r in rows:
        assert r["status"] in STATUSES, (r["id"], r["status"])
        assert r["chapter"] in CHAPTERS, (r["id"], r["chapter"])
        assert REF_RE.match(r["ref"]), (r["id"], r["ref"])
        assert r["deadline"] == "" or re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", r["deadline"]), r["id"]
    plan = [r for r in rows if r["edition"] == "2026"]
    assert len(plan) >= 45
    for chapter in CHAPTERS:
        assert sum(r["chapter"] == chapter for r in plan) >= 6, chapter
    assert all(r["status"] == "ikke rapportert" for r in plan)
