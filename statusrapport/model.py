"""The project's vocabulary, defined once: observation columns and keys, geographic levels, the
national code, units, chapters and exit codes. Every reader and writer imports from here."""

# -- observations (data/observations/*.csv and every delivery read into them) ----------------
COLUMNS = ["indicator", "period", "geo_level", "geo_code", "value", "status", "source", "ref"]
SERIES_KEY = ["indicator", "period", "geo_level", "geo_code"]  # one value per key in a delivery
KEY = SERIES_KEY + ["source"]  # one value per key in the observation files (sources may overlap)
STATUSES = ("", "provisional", "suppressed", "missing")

LOCALE = "nb_NO"  # numbers and dates as the report writes them (Babel)

# -- geography ------------------------------------------------------------------------------
LEVELS = ("land", "rhf", "hf", "helsefellesskap", "dps", "kommune")  # widest first
NATIONAL = "land"
NATIONAL_CODE = "NO"

# -- indicators -----------------------------------------------------------------------------
UNITS = ("prosent", "prosentendring", "prosentpoeng", "dager", "antall", "årsverk", "kroner",
         "mill. kroner", "mrd. kroner", "per 1 000 innbyggere", "per 10 000 innbyggere", "skår",
         "døgn")
NON_NEGATIVE = ("prosent", "dager", "antall", "årsverk", "kroner", "mill. kroner", "mrd. kroner",
                "per 1 000 innbyggere", "per 10 000 innbyggere", "døgn")
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
