"""Editions: one params file per yearly report (``params/<edition>.yml``), loaded once per
build and passed by value to everything that needs it."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from statusrapport import periods
from statusrapport.data import fileio, schema
from statusrapport.errors import ParameterError

YEAR = {"type": "integer", "message": "'{key}' skal være et heltall (f.eks. 2025), fant {value!r}"}
TEXT = {"type": "string", "minLength": 1, "message": "'{key}' skal være tekst, fant {value!r}"}
SCHEMA = {
    "type": "object",
    "properties": {
        "edition": TEXT, "title": TEXT, "plan": TEXT,
        "plan_period": {"type": "string", "pattern": periods.PLAN_PERIOD,
                        "message": "'{key}' skal være to årstall med tankestrek, f.eks. 2024–2027, "
                                   "fant {value!r}"},
        "reporting_year": YEAR, "data_year": YEAR,
        "data_cutoff": {"type": "string", "format": "date",
                        "message": "'{key}' skal være en dato (ÅÅÅÅ-MM-DD), f.eks. 2026-11-30, "
                                   "fant {value!r}",
                        "missing": "mangler nøkkel 'data_cutoff' (datagrensen: utgaven bruker tall "
                                   "kjent til og med denne datoen; legg til f.eks. "
                                   "data_cutoff: 2026-11-30)"},
        "previous_edition": TEXT,
        "draft": {"type": "boolean", "message": "'{key}' skal være true eller false, fant {value!r}"},
    },
    "required": ["edition", "title", "plan", "plan_period", "reporting_year", "data_year",
                 "data_cutoff"],
    "additionalProperties": False,
    "missing": "mangler nøkkel '{key}'",
    "unknown": "ukjent nøkkel '{key}' (gyldige: {known})",
}


@dataclass(frozen=True)
class Edition:
    name: str  # the ``edition`` key, e.g. "2026"
    title: str
    plan: str
    plan_period: str
    reporting_year: int
    data_year: int
    data_cutoff: str  # YYYY-MM-DD: the edition sees the data known at the end of this day
    path: Path
    previous_path: Path = None  # the previous edition's params file, if it names one
    draft: bool = False

    @property
    def plan_years(self):
        """(first, last) year of the plan period."""
        first, last = re.split("[–-]", self.plan_period)
        return int(first), int(last)

    @property
    def previous_edition(self):
        return self.previous_path.stem if self.previous_path else ""


def load(path, params_dir=None):
    """The edition in ``path``. Its previous edition is looked up beside it, then in
    ``params_dir`` (the project's params/), so a copy kept elsewhere still finds it."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: utgavefilen finnes ikke")
    try:
        raw = fileio.read_yaml(path)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ParameterError(f"{path}: kan ikke leses som YAML: {err}") from None
    if raw is None:
        raise ParameterError(f"{path}: filen er tom; forventet nøklene {', '.join(SCHEMA['properties'])}")
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: forventet nøkkel: verdi-par (f.eks. data_year: 2025)")
    if raw.get("previous_edition") is None:
        raw.pop("previous_edition", None)
    for key, rule in SCHEMA["properties"].items():  # what YAML types differently than meant
        value = raw.get(key)
        if rule is TEXT and isinstance(value, int) and not isinstance(value, bool):
            raw[key] = str(value)  # edition: 2026 without quotes
        if isinstance(value, datetime.date):
            raw[key] = value.isoformat()  # YAML reads 2026-11-30 as a date
        if rule is YEAR and isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            raw[key] = int(value)  # "2025" in quotes is still a year
    problems = [text for _, text, _ in schema.check(SCHEMA, raw)]
    previous = None
    if not problems:
        if raw["data_year"] > raw["reporting_year"] or raw["reporting_year"] > datetime.date.today().year + 1:
            problems.append(f"'data_year' ({raw['data_year']}) kan ikke være etter 'reporting_year' "
                            f"({raw['reporting_year']}), og rapportåret ikke langt fram i tid")
        if raw["edition"] != path.stem:
            problems.append(f"'edition' ({raw['edition']}) skal være lik filnavnet ({path.stem})")
        prev = raw.pop("previous_edition", None)
        if prev is not None:
            places = [path.parent] + ([Path(params_dir)] if params_dir else [])
            previous = next(((d / f"{prev}.yml").resolve() for d in places
                             if (d / f"{prev}.yml").is_file()), None)
            if previous is None:
                problems.append(f"'previous_edition' ({prev}) finnes ikke som {path.parent.name}/{prev}.yml")
            elif prev >= raw["edition"]:
                problems.append(f"'previous_edition' ({prev}) skal være en tidligere utgave enn {raw['edition']}")
    if problems:
        raise ParameterError(f"{path}: " + "; ".join(problems))
    return Edition(name=raw.pop("edition"), path=path, previous_path=previous, **raw)


def newest(params_dir):
    """The default edition: the newest params file."""
    found = sorted(Path(params_dir).glob("*.yml"))
    if not found:
        raise ParameterError(f"{params_dir}: ingen utgavefiler (*.yml)")
    return found[-1]


def resolve(root, edition=None):
    """An edition given as an Edition, a name ("2026", or 2026 as papermill's ``-p`` passes it),
    a params file path (absolute or relative to ``root``), or nothing (the newest in params/)."""
    if isinstance(edition, Edition):
        return edition
    params_dir = Path(root) / "params"
    if not edition:
        return load(newest(params_dir), params_dir)
    path = Path(str(edition))
    if not path.suffix:
        path = params_dir / f"{edition}.yml"
    elif not path.is_absolute():
        path = Path(root) / path
    return load(path, params_dir)
