"""Norwegian number formatting: space as thousands separator, decimal comma, true minus."""

import math

NBSP = "\u00a0"
MISSING = "ikke tilgjengelig"
MONTHS = ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."]


def number(value, decimals=0):
    """``12345.64 -> '12 345,6'`` (no-break spaces so a number never wraps)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return ("\u2212" if value < 0 and float(text.replace(NBSP, "").replace(",", ".")) else "") + text


def percent(value, decimals=1):
    """``12.5 -> '12,5 %'`` (value already in percent)."""
    text = number(value, decimals)
    return text if text == MISSING else f"{text}{NBSP}%"


def with_unit(value, unit, decimals=0):
    """A value followed by its unit as the report writes it."""
    if unit in ("prosent", "prosentendring"):
        sign = "+" if unit == "prosentendring" and value is not None and value > 0 else ""
        text = percent(value, decimals)
        return text if text == MISSING else sign + text
    text = number(value, decimals)
    if text == MISSING or unit in ("antall", "skår", ""):
        return text
    if unit == "prosentpoeng":
        return f"{text}{NBSP}prosentpoeng"
    return f"{text}{NBSP}{unit}"


def period_label(period):
    """Periods as readers write them: '2021T1' -> '1. tertial 2021', '2020-2024' -> '2020–2024'."""
    p = str(period)
    if len(p) == 6 and p[4] in "TH":
        name = "tertial" if p[4] == "T" else "halvår"
        return f"{p[5]}. {name} {p[:4]}"
    if len(p) == 9 and p[4] == "-":
        return f"{p[:4]}\u2013{p[5:]}"
    if len(p) == 7 and p[4] == "-":
        return f"{MONTHS[int(p[5:7]) - 1]} {p[:4]}"
    if len(p) == 10 and p[4] == "-":
        return f"{int(p[8:])}. {MONTHS[int(p[5:7]) - 1]} {p[:4]}"
    return p
