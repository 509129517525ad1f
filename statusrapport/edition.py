"""Editions: one params file per yearly report (``params/<edition>.yml``)."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from statusrapport.data import yamlfile
from statusrapport.errors import ParameterError

# key -> (type, required)
SCHEMA = {
    "edition": (str, True),
    "title": (str, True),
    "plan": (str, True),
    "plan_period": (str, True),
    "reporting_year": (int, True),
    "data_year": (int, True),
    "baseline_year": (int, True),
    "previous_edition": (str, False),
    "regions": (list, False),
    "draft": (bool, False),
}


TYPE_NAMES = {str: "tekst", int: "et heltall (f.eks. 2025)", list: "en liste",
              bool: "true eller false", dict: "nøkkel: verdi-par", type(None): "ingenting"}


@dataclass(frozen=True)
class Edition:
    edition: str
    title: str
    plan: str
    plan_period: str
    reporting_year: int
    data_year: int
    baseline_year: int
    path: Path
    previous_edition: str = ""
    regions: list = field(default_factory=list)
    draft: bool = False

    def parameters(self):
        """The values every chapter notebook receives (plain types, safe to inject)."""
        return {"edition": self.edition}


def load(path):
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: utgavefilen finnes ikke")
    try:
        raw = yamlfile.read(path)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ParameterError(f"{path}: kan ikke leses som YAML: {err}") from None
    if raw is None:
        raise ParameterError(f"{path}: filen er tom; forventet nøklene {', '.join(SCHEMA)}")
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: forventet nøkkel: verdi-par (f.eks. data_year: 2025), "
                             f"fant {TYPE_NAMES.get(type(raw), type(raw).__name__)}")
    problems = []
    for key in raw:
        if key not in SCHEMA:
            problems.append(f"ukjent nøkkel '{key}' (gyldige: {', '.join(SCHEMA)})")
    for key in ("previous_edition",):
        if raw.get(key) is None:
            raw.pop(key, None)
    for key, (typ, required) in SCHEMA.items():
        if key not in raw:
            if required:
                problems.append(f"mangler nøkkel '{key}'")
            continue
        value = raw[key]
        if typ is str and isinstance(value, int) and not isinstance(value, bool):
            value = raw[key] = str(value)
        if typ is int and isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = raw[key] = int(value)  # "2025" in quotes is still a year
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            problems.append(f"'{key}' skal være {TYPE_NAMES[typ]}, fant {value!r}")
    if not problems:
        this_year = datetime.date.today().year
        if raw["data_year"] > raw["reporting_year"] or raw["reporting_year"] > this_year + 1:
            problems.append(
                f"'data_year' ({raw['data_year']}) kan ikke være etter 'reporting_year' "
                f"({raw['reporting_year']}), og rapportåret ikke langt fram i tid"
            )
        if raw["edition"] != path.stem:
            problems.append(f"'edition' ({raw['edition']}) skal være lik filnavnet ({path.stem})")
        prev = raw.get("previous_edition")
        if prev is not None and not (path.parent / f"{prev}.yml").is_file():
            problems.append(f"'previous_edition' ({prev}) finnes ikke som {path.parent.name}/{prev}.yml")
        elif prev is not None and prev >= raw["edition"]:
            problems.append(f"'previous_edition' ({prev}) skal være en tidligere utgave enn {raw['edition']}")
    if problems:
        raise ParameterError(f"{path}: " + "; ".join(problems))
    return Edition(path=path, **raw)


def newest(params_dir):
    """The default edition: the newest params file."""
    files = sorted(Path(params_dir).glob("*.yml"))
    if not files:
        raise ParameterError(f"{params_dir}: ingen utgavefiler (*.yml)")
    return files[-1]
