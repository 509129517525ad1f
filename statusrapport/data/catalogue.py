"""The indicator catalogue (``data/catalogue.yml``) and the 13 results of Meld. St. 9 ch. 10."""

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport.data import fileio
from statusrapport.errors import DataError, Problem
from statusrapport.model import CHAPTERS, DIRECTIONS, LEVELS, UNITS

ID = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED = ("id", "chapter", "title", "definition", "unit", "decimals", "direction", "source",
            "levels")


@dataclass(frozen=True)
class Indicator:
    id: str
    chapter: str
    title: str
    definition: str
    unit: str
    decimals: int
    direction: str
    source: tuple  # source ids; most indicators have one
    levels: tuple
    target: dict = None
    result: int = None
    projection: bool = False  # values for future periods (e.g. SSB population projections)
    plausible: tuple = None  # (min, max): an import outside this range must be confirmed
    breaks: tuple = ()  # ({"period": "2025", "note": ...}, ...): the series is not comparable
    #                     across this period (a change in the source); charts break the line


@dataclass(frozen=True)
class Catalogue:
    indicators: dict  # id -> Indicator, in file order
    results: list  # dicts: number, title, direction, indicators, note

    def chapter(self, chapter):
        return [i for i in self.indicators.values() if i.chapter == chapter]


def _check_target(target, where, problems):
    if not isinstance(target, dict):
        problems.append(Problem(where, "target skal ha value, comparator, plan, ref og (om kilden "
                                "gir det) year", column="target"))
        return
    # ``year`` only when the source gives it (otherwise the report says "ikke angitt");
    # ``plan`` names the plan period that set the target ("2024–2027"), where it is judged.
    for key in ("value", "comparator", "plan", "ref"):
        if key not in target:
            problems.append(Problem(where, f"target mangler '{key}'", column="target"))
    if not re.fullmatch(r"\d{4}[–-]\d{4}", str(target.get("plan", ""))):
        problems.append(Problem(where, "target.plan skal være en planperiode, f.eks. 2024–2027",
                                column="target", value=target.get("plan")))
    if "year" in target and not isinstance(target["year"], int):
        problems.append(Problem(where, "target.year skal være et årstall (utelat det om kilden "
                                "ikke gir målår)", column="target", value=target.get("year")))
    unknown = set(target) - {"value", "comparator", "plan", "year", "ref"}
    if unknown:
        problems.append(Problem(where, f"ukjente felt i target: {', '.join(sorted(unknown))}",
                                column="target"))
    if target.get("comparator") not in ("<", "<=", ">", ">="):
        problems.append(Problem(where, "comparator skal være <, <=, > eller >=", column="target",
                                value=target.get("comparator")))
    value, year = target.get("value"), target.get("year")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        problems.append(Problem(where, "target.value skal være et endelig tall (f.eks. 90)",
                                column="target", value=value))
    if "year" in target and (not isinstance(year, int) or isinstance(year, bool)):
        problems.append(Problem(where, "target.year skal være et årstall uten anførselstegn "
                                "(f.eks. 2027)", column="target", value=year))


def load(path, source_ids=None):
    path = Path(path)
    try:
        raw = fileio.read_yaml(path)
    except FileNotFoundError:
        raise DataError(Problem(path, "katalogen finnes ikke")) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise DataError(Problem(path, f"kan ikke leses som YAML: {err}")) from None
    if not isinstance(raw, dict) or "indicators" not in raw:
        raise DataError(Problem(path, "forventet nøklene 'indicators' og 'results'"))
    problems, indicators = [], {}
    if not isinstance(raw.get("indicators") or [], list):
        raise DataError(Problem(path, "'indicators' skal være en liste", column="indicators"))
    for n, entry in enumerate(raw.get("indicators") or [], start=1):
        where = f"{path} (indikator nr. {n}{', ' + str(entry.get('id')) if isinstance(entry, dict) else ''})"
        if not isinstance(entry, dict):
            problems.append(Problem(where, "forventet en indikator-post"))
            continue
        missing = [k for k in REQUIRED if k not in entry]
        if missing:
            problems.append(Problem(where, f"mangler {', '.join(missing)}"))
            continue
        checks = [
            ("id", ID.match(str(entry["id"])), "små bokstaver, tall og _ (starter med bokstav)"),
            ("chapter", entry["chapter"] in CHAPTERS, f"ett av {', '.join(CHAPTERS)}"),
            ("unit", entry["unit"] in UNITS, f"en av {', '.join(UNITS)}"),
            ("direction", entry["direction"] in DIRECTIONS, "higher, lower eller neutral"),
            ("decimals", isinstance(entry["decimals"], int) and not isinstance(entry["decimals"], bool)
             and 0 <= entry["decimals"] <= 3, "et heltall 0–3"),
            ("levels", isinstance(entry["levels"], list) and all(lv in LEVELS for lv in entry["levels"]),
             f"liste med nivåer blant {', '.join(LEVELS)}"),
            ("title", isinstance(entry["title"], str) and entry["title"].strip(), "en tittel (tekst)"),
        ]
        srcs = tuple(s.strip() for s in str(entry["source"]).split(","))
        if source_ids is not None:
            checks.append(("source", set(srcs) <= set(source_ids), "id til poster i data/sources/"))
        for column, ok, expected in checks:
            if not ok:
                problems.append(Problem(where, f"ugyldig verdi, forventet {expected}", column=column,
                                        value=entry[column]))
        if str(entry["id"]) in indicators:
            problems.append(Problem(where, "indikator-id er brukt før", column="id", value=entry["id"]))
        if entry.get("target") is not None:
            _check_target(entry["target"], where, problems)
        plausible = entry.get("plausible")
        if plausible is not None and not (
                isinstance(plausible, list) and len(plausible) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in plausible)
                and plausible[0] < plausible[1]):
            problems.append(Problem(where, "forventet [minste, største] rimelige verdi, f.eks. "
                                    "plausible: [10, 120]", column="plausible", value=plausible))
            plausible = None
        known = set(REQUIRED) | {"target", "result", "projection", "plausible", "breaks"}
        breaks = entry.get("breaks") or []
        if not (isinstance(breaks, list) and all(isinstance(b, dict) and set(b) == {"period", "note"}
                                                 for b in breaks)):
            problems.append(Problem(where, "breaks skal være en liste med period og note",
                                    column="breaks"))
            breaks = []
        for key in entry:
            if key not in known:
                problems.append(Problem(where, f"ukjent felt; gyldige felt: {', '.join(sorted(known))}",
                                        column=key))
        levels = tuple(entry["levels"]) if isinstance(entry["levels"], list) else ()
        indicators[str(entry["id"])] = Indicator(
            str(entry["id"]), entry["chapter"], entry["title"], entry["definition"], entry["unit"],
            entry["decimals"], entry["direction"], srcs, levels,
            entry.get("target"), entry.get("result"), bool(entry.get("projection")),
            tuple(plausible) if plausible else None,
            tuple({"period": str(b["period"]), "note": str(b["note"])} for b in breaks))
    results = raw.get("results") or []
    if not isinstance(results, list):
        problems.append(Problem(path, "'results' skal være en liste", column="results"))
        results = []
    for n, res in enumerate(results, start=1):
        if not isinstance(res, dict) or not isinstance(res.get("indicators") or [], list):
            problems.append(Problem(f"{path} (resultat nr. {n})", "forventet number, title, "
                                    "direction, indicators (liste) og note"))
            continue
        for ind in res.get("indicators") or []:
            if ind not in indicators:
                problems.append(Problem(path, f"resultat {res.get('number')} viser til ukjent indikator",
                                        value=ind))
    if problems:
        raise DataError(problems)
    return Catalogue(indicators, results)
