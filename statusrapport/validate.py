"""``build.py validate``: every check on every data file, all problems reported together."""

import datetime
from pathlib import Path

from . import catalogue as catalogue_mod
from . import edition, geography, narrative, observations, sources, tiltak
from .exceptions import DataError, ParameterError, PlaceholderError, Problem

FIELDS = ("tittel", "siste", "periode", "forrige", "forrige_periode", "endring")


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
        values = {i.id: dict.fromkeys(FIELDS + (("mål", "status") if i.target else ()), "x")
                  for i in cat.indicators.values()}
        for path in sorted((data / "narrative").rglob("*.md")):
            collect(narrative.fill, path.read_text(encoding="utf-8"), values, str(path))
    collect(tiltak.load, data / "tiltak.csv")
    for path in sorted((root / "params").glob("*.yml")):
        collect(edition.load, path)
    return problems
