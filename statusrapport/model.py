"""The project's vocabulary, defined once: observation columns and keys, geographic levels, the
national code, units, chapters and exit codes. Every reader and writer imports from here."""

# -- observations (data/observations/<source>/<vintage>.csv and every delivery read into them) --
COLUMNS = ["indicator", "period", "geo_level", "geo_code", "value", "status", "source", "ref"]
SERIES_KEY = ["indicator", "period", "geo_level", "geo_code"]  # one value per key in a delivery
KEY = SERIES_KEY + ["source"]  # one value per key in a vintage file (sources may overlap)
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

LOCALE = "nb_NO"  # numbers and dates as the report writes them (Babel)

# -- geography ------------------------------------------------------------------------------
LEVELS = ("land", "rhf", "hf", "helsefellesskap", "dps", "kommune")  # widest first
NATIONAL = "land"
NATIONAL_CODE = "NO"

# -- indicators -----------------------------------------------------------------------------
UNITS = ("prosent", "prosentendring", "prosentpoeng", "dager", "antall", "årsverk", "kroner",
         "mill. kroner", "mrd. kroner", "per 1 000 innbyggere", "per 10 000 innbyggere", "skår",
         "døgn", "minutter", "per 1 000 innbyggere 0–17 år", "per 1 000 innbyggere 18 år og eldre",
         "per 1 000 innbyggere 80 år og eldre")
NON_NEGATIVE = tuple(u for u in UNITS if u not in ("prosentendring", "prosentpoeng", "skår"))
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
