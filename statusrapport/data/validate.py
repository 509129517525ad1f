"""``./rapport validate``: every check on the data files, all problems reported together.

Without an edition every edition is checked; a build checks only its own edition (its params
file and its assessment texts) besides the shared files, so a draft of next year never blocks
this year."""

import datetime
from pathlib import Path

from statusrapport.data import catalogue as catalogue_mod
from statusrapport import edition as edition_mod
from statusrapport.build import hashing
from statusrapport.data import fileio, geography, narrative, observations, sources, tiltak, vintages
from statusrapport.errors import DataError, ParameterError, PlaceholderError, Problem
from statusrapport.model import CHAPTERS, SUMMARY

NARRATIVES = (SUMMARY,) + CHAPTERS


def run(root, today=None, edition=None, warnings=None):
    """Returns the list of problems (empty when all is well). ``edition`` (an Edition or its
    name): check only that edition's params file and texts besides the shared files.
    ``warnings``: a list that gets what does not stop a build (a draft's missing texts)."""
    root, today = Path(root), today or datetime.date.today()
    data = root / "data"
    problems = []
    warnings = [] if warnings is None else warnings

    def collect(fn, *args):
        try:
            return fn(*args)
        except DataError as err:
            problems.extend(err.problems)
        except PlaceholderError as err:
            problems.extend(err.problems)
        except ParameterError as err:
            problems.append(str(err))
        return None

    if isinstance(edition, str):
        edition = collect(edition_mod.resolve, root, edition)
        if edition is None:
            return problems
    params = [edition.path] if edition else sorted((root / "params").glob("*.yml"))
    problems.extend(hashing.links_outside(root))
    srcs, found = sources.read_all(data)
    problems.extend(found)
    problems.extend(sources.verify(data, srcs))
    for path in vintages.flat_files(data):
        problems.append(Problem(path, "observasjonsfilen ligger i den gamle formen uten dato; kjør "
                                "python -m statusrapport.data.vintages, som flytter den til "
                                f"observations/{path.stem}/<published>.csv"))
    obs_files = sorted((data / "observations").glob("*/*.csv"))
    recorded = [p for sub in ("observations", "snapshots") for p in sorted((data / sub).rglob("*"))
                if p.is_file() and not p.name.startswith(".")]
    for path in recorded:
        rel = path.relative_to(data).as_posix()
        if sources.owner(srcs, rel) is None:
            problems.append(Problem(path, "filen har ingen kildepost i data/sources/; før den opp "
                                    "under files i kildens post (med sha256), les den inn med "
                                    "./rapport import, eller fjern den"))
    cat = collect(catalogue_mod.load, data / "catalogue.yml", set(srcs))
    geo = collect(geography.load, data)
    texts = sorted((data / "narrative" / edition.name).glob("*.md") if edition
                   else (data / "narrative").rglob("*.md"))
    if cat and geo:
        for path in obs_files:
            _, found = observations.read(path, cat, geo, set(srcs), today)
            problems.extend(found)
        values = _Fields(cat)
        for path in texts:
            raw = fileio.read_bytes(path, problems)
            text = None if raw is None else fileio.decode(path, raw, problems)
            if text is not None:
                collect(narrative.fill, text, values, str(path))
    for path in texts:
        if path.parent.parent != data / "narrative":
            continue
        if not (root / "params" / f"{path.parent.name}.yml").is_file():
            problems.append(Problem(path, f"ukjent utgave '{path.parent.name}' i mappenavnet; "
                                    "teksten blir aldri vist (forventet en utgave i params/)"))
        if path.stem not in NARRATIVES:
            problems.append(Problem(path, "ukjent kapittel i filnavnet; teksten blir aldri vist "
                                    f"(forventet {', '.join(NARRATIVES)})"))
    collect(tiltak.load, data / "tiltak.csv")
    if (data / "tiltak.xlsx").exists():
        problems.append(Problem(data / "tiltak.xlsx", "rapporten leser data/tiltak.csv, ikke denne "
                                "Excel-arbeidsboken; les den inn med ./rapport tiltak --fra "
                                "data/tiltak.xlsx (den blir da slettet)"))
    for path in params:
        ed = collect(edition_mod.load, path, root / "params")
        if ed is not None:
            _missing_texts(data, ed, problems, warnings)
    return problems


def _missing_texts(data, ed, problems, warnings):
    """A final edition needs every assessment; a draft (``draft: true``) may lack some."""
    missing = [name for name in NARRATIVES if not (data / "narrative" / ed.name / f"{name}.md").is_file()]
    if not missing:
        return
    prev = ed.previous_edition or "FORRIGE"
    where = f"data/narrative/{ed.name}/"
    if ed.draft:
        warnings.append(f"utgave {ed.name} er et UTKAST uten vurderingstekst for "
                        f"{', '.join(missing)} (mangler i {where}); skriv tekstene før utgaven "
                        "publiseres")
    else:
        problems.append(Problem(Path(where), f"vurderingsteksten mangler for {', '.join(missing)} i "
                                f"utgave {ed.name}; kopier fjorårets tekster (cp -r data/narrative/"
                                f"{prev} data/narrative/{ed.name}) og skriv dem om, eller sett "
                                f"draft: true i params/{ed.name}.yml for å bygge et utkast"))


class _Fields(dict):
    """Every field name a placeholder may use, per indicator (values are not computed here)."""

    def __init__(self, cat):
        super().__init__({i.id: dict.fromkeys(narrative.FIELDS + (narrative.TARGET_FIELDS
                                                                   if i.target else ()), "x")
                          for i in cat.indicators.values()})
        self.names = list(self)
