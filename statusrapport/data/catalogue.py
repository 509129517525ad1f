"""The indicator catalogue (``data/catalogue.yml``) and the 13 results of Meld. St. 9 ch. 10."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport import periods
from statusrapport.data import fileio, schema
from statusrapport.errors import DataError, Problem
from statusrapport.model import CHAPTERS, DIRECTIONS, INDICATOR_ID, LEVELS, UNITS


def _rule(expected, **keywords):
    return {**keywords, "message": f"ugyldig verdi, forventet {expected}"}


TARGET = {
    "type": ["object", "null"],
    "message": "target skal ha value, comparator, plan, ref og (om kilden gir det) year",
    # ``year`` only when the source gives it (otherwise the report says "ikke angitt");
    # ``plan`` names the plan period that set the target ("2024–2027"), where it is judged.
    "properties": {
        "value": {"type": "number", "finite": True,
                  "message": "target.value skal være et endelig tall (f.eks. 90)"},
        "comparator": {"enum": ["<", "<=", ">", ">="],
                       "message": "comparator skal være <, <=, > eller >="},
        "plan": {"type": "string", "pattern": periods.PLAN_PERIOD,
                 "message": "target.plan skal være en planperiode, f.eks. 2024–2027"},
        "year": {"type": "integer", "message": "target.year skal være et årstall uten "
                                               "anførselstegn (f.eks. 2027)"},
        "ref": {},
    },
    "required": ["value", "comparator", "plan", "ref"],
    "additionalProperties": False,
    "missing": "target mangler '{key}'",
    "unknown": "ukjente felt i target: {key}",
}
INDICATOR = {
    "type": "object",
    "message": "forventet en indikator-post",
    "properties": {
        "id": _rule("små bokstaver, tall og _ (starter med bokstav)", type="string",
                    pattern=INDICATOR_ID),
        "chapter": _rule(f"ett av {', '.join(CHAPTERS)}", enum=list(CHAPTERS)),
        "title": _rule("en tittel (tekst)", type="string", pattern=r"\S"),
        "definition": {},
        "unit": _rule(f"en av {', '.join(UNITS)}", enum=list(UNITS)),
        "decimals": _rule("et heltall 0–3", type="integer", minimum=0, maximum=3),
        "direction": _rule("higher, lower eller neutral", enum=list(DIRECTIONS)),
        "source": _rule("id til poster i data/sources/, skilt med komma", type="string"),
        "levels": _rule(f"liste med nivåer blant {', '.join(LEVELS)}", type="array",
                         items={"enum": list(LEVELS)}),
        "target": TARGET,
        "result": _rule("nummeret på et av de 13 resultatene", type=["integer", "null"],
                        minimum=1, maximum=13),
        "projection": _rule("true eller false", type=["boolean", "null"]),
        "plausible": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                      "message": "forventet [minste, største] rimelige verdi, f.eks. "
                                 "plausible: [10, 120]"},
        "breaks": {"type": ["array", "null"], "message": "breaks skal være en liste med period og note",
                   "items": {"type": "object", "required": ["period", "note"],
                             "properties": {"period": {}, "note": {}},
                             "additionalProperties": False,
                             "missing": "breaks skal være en liste med period og note",
                             "unknown": "breaks skal være en liste med period og note"}},
    },
    "required": ["id", "chapter", "title", "definition", "unit", "decimals", "direction", "source",
                 "levels"],
    "additionalProperties": False,
    "missing": "feltet mangler",
    "unknown": "ukjent felt '{key}'; gyldige felt: {known}",
}
RULES = INDICATOR["properties"]  # their texts also serve the checks a schema cannot make
CATALOGUE = {
    "type": "object",
    "message": "forventet nøklene 'indicators' og 'results'",
    "properties": {
        "indicators": {"type": ["array", "null"], "message": "'indicators' skal være en liste",
                       "items": INDICATOR},
        "results": {"type": ["array", "null"], "message": "'results' skal være en liste",
                    "items": {"type": "object", "message": "forventet number, title, direction, "
                              "indicators (liste) og note",
                              "properties": {"indicators": {"type": ["array", "null"],
                                                            "items": {"type": "string"}}}}},
    },
    "required": ["indicators"],
    "missing": "forventet nøklene 'indicators' og 'results'",
}


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


def _where(path, n, entry):
    return f"{path} (indikator nr. {n}{', ' + str(entry.get('id')) if isinstance(entry, dict) else ''})"


def load(path, source_ids=None):
    path = Path(path)
    try:
        raw = fileio.read_yaml(path)
    except FileNotFoundError:
        raise DataError(Problem(path, "katalogen finnes ikke")) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise DataError(Problem(path, f"kan ikke leses som YAML: {err}")) from None
    found = schema.check(CATALOGUE, raw)
    if found and not found[0][0]:  # not a mapping at all
        raise DataError(Problem(path, found[0][1]))
    entries, problems = raw.get("indicators") or [], []
    for keys, text, value in found:
        if len(keys) < 2:
            problems.append(Problem(path, text, column=keys[0]))
        elif keys[0] == "indicators":  # indicator number keys[1] (from 0), then its field
            problems.append(Problem(_where(path, keys[1] + 1, entries[keys[1]]), text,
                                    column=keys[2] if len(keys) > 2 else None, value=value))
        else:
            problems.append(Problem(f"{path} (resultat nr. {keys[1] + 1})", text, value=value))
    if problems:
        raise DataError(problems)
    indicators = {}
    for n, entry in enumerate(entries, start=1):
        where = _where(path, n, entry)
        srcs = tuple(s.strip() for s in entry["source"].split(","))
        if source_ids is not None and not set(srcs) <= set(source_ids):
            problems.append(Problem(where, RULES["source"]["message"], column="source",
                                    value=entry["source"]))
        plausible = entry.get("plausible")
        if plausible is not None and not plausible[0] < plausible[1]:
            problems.append(Problem(where, RULES["plausible"]["message"], column="plausible",
                                    value=plausible))
        if entry["id"] in indicators:
            problems.append(Problem(where, "indikator-id er brukt før", column="id", value=entry["id"]))
        indicators[entry["id"]] = Indicator(
            entry["id"], entry["chapter"], entry["title"], entry["definition"], entry["unit"],
            entry["decimals"], entry["direction"], srcs, tuple(entry["levels"]),
            entry.get("target"), entry.get("result"), bool(entry.get("projection")),
            tuple(plausible) if plausible else None,
            tuple({"period": str(b["period"]), "note": str(b["note"])}
                  for b in entry.get("breaks") or []))
    results = raw.get("results") or []
    for res in results:
        for ind in res.get("indicators") or []:
            if ind not in indicators:
                problems.append(Problem(path, f"resultat {res.get('number')} viser til ukjent indikator",
                                        value=ind))
    if problems:
        raise DataError(problems)
    return Catalogue(indicators, results)
