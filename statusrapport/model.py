"""The project's vocabulary, defined once: observation columns and keys, geographic levels, the
national code, units, chapters and exit codes. Every reader and writer imports from here."""

# -- observations (data/observations/<source>/<vintage>.csv and every delivery read into them) --
COLUMNS = ["indicator", "period", "geo_level", "geo_code", "value", "status", "source", "ref"]
VALUE_KEY = ["indicator", "period", "geo_level", "geo_code"]  # one value per key in a delivery
KEY = VALUE_KEY + ["source"]  # one value per key in a vintage file (sources may overlap)
SERIES = ["indicator", "geo_level", "geo_code"]  # one series: an indicator in one area
STATUSES = ("", "provisional", "suppressed", "missing")
# Vintages (ALFRED-style): every value carries the date it became known. One file per source
# delivery, named by that date; a revision is a row in a later file, never an overwrite. An
# edition sees, for every key, the row of the latest vintage at or before its data_cutoff.
VINTAGE = "vintage"  # the column a read observation frame gains (the file's date)
OBSERVATIONS_DIR = "observations"  # relative to data/
DELIVERIES_DIR = "deliveries"  # data/snapshots/<source>/deliveries/<vintage>/<raw file>


def vintage_file(source, vintage):
    """Path (relative to data/) of the observations a source delivered on ``vintage``; a second
    delivery on the same day is ``<date>_2``."""
    return f"{OBSERVATIONS_DIR}/{source}/{vintage}.csv"


def delivery_dir(source, vintage):
    """Folder (relative to data/) that keeps the raw files of one delivery, with their sha256."""
    return f"snapshots/{source}/{DELIVERIES_DIR}/{vintage}"


# What the source says about a value besides the number ("om lag 16 000", "over 100 millioner",
# "nærmere 600 000 siden oppstarten i 2019", "vil passere 1 000", "per 1 000 listeinnbyggere").
# Written after the status in the ``status`` column, separated by ";" (``approximate``,
# ``provisional;approximate``, ``nearly;cumulative:2019``); a qualifier with ``:YEAR`` names
# the year it counts from. Each maps to (where it goes, the words the report writes).
QUALIFIERS = {
    "approximate": ("prefix", "om lag"),
    "lower_bound": ("prefix", "over"),
    "nearly": ("prefix", "nærmere"),
    "forecast": ("suffix", "forventet"),
    "cumulative": ("suffix", "kumulativt siden {year}"),
    "stable_since": ("suffix", "stabil siden {year}"),
    "per_listed": ("unit", "listeinnbyggere"),
    "implausible": ("suffix", "usannsynlig verdi, holdt utenfor summene"),  # an outlier  # reference population: people on fastlege lists
}
NOT_MEASURED = ("forecast", "implausible")  # qualifiers of values that are not measurements (no target status)


def split_status(text):
    """``'provisional;approximate'`` -> ``('provisional', ('approximate',))``: the status proper
    and the qualifiers, each checked by :func:`qualifier_problem`."""
    parts = [p.strip() for p in (text or "").split(";")]
    head = parts[0] if parts and parts[0] in STATUSES else ""
    rest = parts[1:] if parts and parts[0] in STATUSES else parts
    return head, tuple(p for p in rest if p)


def qualifier_problem(qualifier):
    """None if ``qualifier`` is known (``cumulative:2019``), else what is wrong."""
    name, _, year = qualifier.partition(":")
    if name not in QUALIFIERS:
        return f"ukjent kvalifikator '{qualifier}'; bruk en av: {', '.join(QUALIFIERS)}"
    needs_year = "{year}" in QUALIFIERS[name][1]
    if needs_year != bool(year) or (year and not (year.isdigit() and len(year) == 4)):
        return (f"'{name}' skal ha et årstall (f.eks. {name}:2019)" if needs_year
                else f"'{name}' tar ikke årstall")
    return None

LOCALE = "nb_NO"  # numbers and dates as the report writes them (Babel)

# -- geography ------------------------------------------------------------------------------
LEVELS = ("land", "rhf", "hf", "helsefellesskap", "dps", "kommune")  # widest first
NATIONAL = "land"
NATIONAL_CODE = "NO"

# -- indicators -----------------------------------------------------------------------------
INDICATOR_ID = r"^[a-z][a-z0-9_]*$"  # the catalogue's ids, and what imports may name
UNITS = ("prosent", "prosentendring", "prosentpoeng", "dager", "antall", "årsverk", "kroner",
         "mill. kroner", "mrd. kroner", "per 1 000 innbyggere", "per 10 000 innbyggere", "skår",
         "døgn", "minutter", "per 1 000 innbyggere 0–17 år", "per 1 000 innbyggere 18 år og eldre",
         "per 1 000 innbyggere 80 år og eldre")
NON_NEGATIVE = tuple(u for u in UNITS if u not in ("prosentendring", "prosentpoeng", "skår"))
# the population a rate is divided by: the indicator holding it (per area and year)
RATE_DENOMINATOR = {"per 1 000 innbyggere": "befolkning_i_alt",
                    "per 10 000 innbyggere": "befolkning_i_alt",
                    "per 1 000 innbyggere 0–17 år": "befolkning_0_17",
                    "per 1 000 innbyggere 18 år og eldre": "befolkning_18_pluss",
                    "per 1 000 innbyggere 80 år og eldre": "befolkning_80_pluss"}
ADDITIVE_UNITS = ("antall", "årsverk", "kroner", "mill. kroner", "mrd. kroner", "døgn")
DIRECTIONS = ("higher", "lower", "neutral")

# -- chapters -------------------------------------------------------------------------------
SUMMARY = "sammendrag"
CHAPTERS = ("samhandling", "psykisk_helse", "akuttmedisin", "kompetanse", "finansiering")
APPENDIX = "vedlegg_helsefellesskap"  # one status page per helsefellesskap
NOTEBOOKS = (SUMMARY,) + CHAPTERS + (APPENDIX,)  # every notebook that may be a chapter
CHAPTER_TIMEOUT = 1800  # seconds of wall-clock time per chapter (build.py --timeout)


# -- exit codes of build.py (README, staff guide and ``--help`` list the same) ---------------
class Exit:
    OK = 0
    UNEXPECTED = 1
    PARAMETER = 2
    DATA = 3
    CHAPTER = 4
    DIFFERS = 5  # verify: the published report differs from a fresh build
    SYSTEM = 6  # the machine: disk full, read-only or forbidden folder, a file where a folder goes
    INTERRUPTED = 130

    MEANING = {OK: "ok", UNEXPECTED: "uventet feil", PARAMETER: "ugyldig parameter",
               DATA: "feil i data", CHAPTER: "et kapittel feilet",
               DIFFERS: "verify fant forskjeller", SYSTEM: "disk eller mappe (full, skrivebeskyttet)",
               INTERRUPTED: "avbrutt"}
