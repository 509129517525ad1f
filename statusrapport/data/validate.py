"""``build.py validate``: every check on every data file, all problems reported together."""

import datetime
from pathlib import Path

from statusrapport.data import catalogue as catalogue_mod
from statusrapport import edition
from statusrapport.data import fileio, geography, narrative, observations, sources, tiltak
from statusrapport.errors import DataError, ParameterError, PlaceholderError, Problem
from statusrapport.model import CHAPTERS, SUMMARY

FIELDS, TARGET_FIELDS = narrative.FIELDS, narrative.TARGET_FIELDS


def run(root, today=None):
    """Returns the list of problems (empty when all is well)."""
    root, today = Path(root), today or datetime.date.today()
    data = root / "data"
    problems = []

    def collect(fn, *args):
        try:
            return fn(*args)
        except DataError as err:
            problems.extend(err.problems)
        except (ParameterError, PlaceholderError) as err:
            problems.append(str(err))
        return None

    srcs = collect(sources.load_all, data) or {}
    problems.extend(sources.verify(data, srcs))
    for path in sorted((data / "observations").glob("*.csv")):
        rel = path.relative_to(data).as_posix()
        if sources.owner(srcs, rel) is None:
            problems.append(Problem(path, "filen har ingen kildepost i data/sources/"))
    cat = collect(catalogue_mod.load, data / "catalogue.yml", set(srcs))
    geo = collect(geography.load, data)
    if cat and geo:
        for path in sorted((data / "observations").glob("*.csv")):
            _, found = observations.read(path, cat, geo, set(srcs), today)
            problems.extend(found)
        values = {i.id: dict.fromkeys(FIELDS + (TARGET_FIELDS if i.target else ()), "x")
                  for i in cat.indicators.values()}
        for path in sorted((data / "narrative").rglob("*.md")):
            text = fileio.decode(path, path.read_bytes(), problems)
            if text is not None:
                collect(narrative.fill, text, values, str(path))
        for path in sorted((data / "narrative").glob("*/*.md")):
            if not (root / "params" / f"{path.parent.name}.yml").is_file():
                problems.append(Problem(path, f"ukjent utgave '{path.parent.name}' i mappenavnet; "
                                        "teksten blir aldri vist (forventet en utgave i params/)"))
            if path.stem not in (SUMMARY,) + CHAPTERS:
                problems.append(Problem(path, "ukjent kapittel i filnavnet; teksten blir aldri vist "
                                        f"(forventet {', '.join((SUMMARY,) + CHAPTERS)})"))
    collect(tiltak.load, data / "tiltak.csv")
    for path in sorted((root / "params").glob("*.yml")):
        collect(edition.load, path)
    return problems
