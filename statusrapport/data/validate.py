"""``build.py validate``: every check on every data file, all problems reported together."""

import datetime
from pathlib import Path

from statusrapport.data import catalogue as catalogue_mod
from statusrapport import edition
from statusrapport.data import geography, narrative, observations, sources, tiltak
from statusrapport.errors import DataError, ParameterError, PlaceholderError, Problem

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
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError as err:
                line = path.read_bytes()[: err.start].count(b"\n") + 1
                problems.append(Problem(path, f"ikke gyldig UTF-8 (byte {err.start}, linje {line}); "
                                        "lagre filen som UTF-8"))
                continue
            collect(narrative.fill, text, values, str(path))
        for path in sorted((data / "narrative").glob("*/*.md")):
            if not (root / "params" / f"{path.parent.name}.yml").is_file():
                problems.append(Problem(path, f"ukjent utgave '{path.parent.name}' i mappenavnet; "
                                        "teksten blir aldri vist (forventet en utgave i params/)"))
            if path.stem not in catalogue_mod.CHAPTERS and path.stem != "sammendrag":
                problems.append(Problem(path, "ukjent kapittel i filnavnet; teksten blir aldri vist "
                                        f"(forventet {', '.join(('sammendrag',) + catalogue_mod.CHAPTERS)})"))
    collect(tiltak.load, data / "tiltak.csv")
    for path in sorted((root / "params").glob("*.yml")):
        collect(edition.load, path)
    return problems
