"""Periods, the one place their format is known. A period is text: ``2024`` (a year),
``2020-2024`` (several years, e.g. an atlas average), ``2021T1`` (a tertial), ``2022H1`` (a
half-year), ``2022-03`` (a month) or ``2022-03-31`` (a day)."""

import datetime
import re

from babel.dates import format_date

from statusrapport.model import LOCALE

PATTERN = re.compile(r"^(\d{4})(?:-(\d{4})|T([1-3])|H([12])|-(0[1-9]|1[0-2])(?:-(\d{2}))?)?$")
HELP = "forventet f.eks. 2024, 2020-2024, 2021T1, 2022H1, 2022-03 eller 2022-03-31"
PLAN_PERIOD = r"^\d{4}[–-]\d{4}$"  # not an observation period: the years of a plan, 2024–2027


def _match(period):
    m = PATTERN.match(str(period))
    if not m:
        raise ValueError(f"ugyldig periode '{period}'; {HELP}")
    return m


def is_valid(period):
    return PATTERN.match(str(period)) is not None


def is_multi_year(period):
    return _match(period).group(2) is not None


def start_year(period):
    return int(_match(period).group(1))


def end_year(period):
    m = _match(period)
    return int(m.group(2) or m.group(1))


def start(period):
    """First day of ``period``."""
    m = _match(period)
    year, _, tertial, half, month, day = m.groups()
    year = int(year)
    if tertial:
        return datetime.date(year, 4 * (int(tertial) - 1) + 1, 1)
    if half:
        return datetime.date(year, 1 if half == "1" else 7, 1)
    if month:
        return datetime.date(year, int(month), int(day) if day else 1)
    return datetime.date(year, 1, 1)


def position(period):
    """Where ``period`` lies on a time axis, in years (2024 -> 2024.0, 2021T2 -> 2021.33,
    2022-03 -> 2022.17): charts place periods in proportion to the time between them."""
    day = start(period)
    return day.year + (day.timetuple().tm_yday - 1) / 365.0


def step(period):
    """The length of one period of this kind, in years (the gap that is not a break)."""
    m = _match(period)
    _, _, tertial, half, month, day = m.groups()
    return 1 / 365 if day else 1 / 12 if month else 1 / 3 if tertial else 0.5 if half else 1.0


def problem(period):
    """None, or what is wrong with ``period`` as text."""
    m = PATTERN.match(str(period))
    if not m:
        return HELP
    if m.group(2) and int(m.group(2)) <= int(m.group(1)):
        return "flerårsperioden skal gå fra et tidligere til et senere år (f.eks. 2020-2024)"
    try:
        start(period)
    except ValueError:
        return "ugyldig dato"
    return None


def label(period):
    """How a reader writes it: '2021T1' -> '1. tertial 2021', '2020-2024' -> '2020–2024',
    '2022-03' -> 'mars 2022'; a date -> '1. des. 2026'."""
    if isinstance(period, datetime.date):
        return format_date(period, "d. MMM y", locale=LOCALE)
    m = PATTERN.match(str(period))
    if not m:
        return str(period)
    year, last, tertial, half, month, day = m.groups()
    if last:
        return f"{year}\u2013{last}"
    if tertial or half:
        return f"{tertial or half}. {'tertial' if tertial else 'halvår'} {year}"
    if day:
        return format_date(start(period), "d. MMM y", locale=LOCALE)
    if month:
        return format_date(start(period), "MMM y", locale=LOCALE)
    return year
