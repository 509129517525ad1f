"""Norwegian number formatting (Babel, nb_NO): space as thousands separator, decimal comma,
true minus."""

import decimal
import math

from babel.numbers import format_decimal

from statusrapport.model import LOCALE, QUALIFIERS

NBSP = "\u00a0"
MISSING = "ikke tilgjengelig"


def number(value, decimals=0):
    """``12345.64 -> '12 345,6'`` (no-break spaces so a number never wraps, a true minus, never
    "−0")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):  # 66,65 -> 66,7 as written
        text = format_decimal(abs(value), format=pattern, locale=LOCALE)
    return ("\u2212" if value < 0 and text.strip("0,\u00a0") else "") + text


def percent(value, decimals=1):
    """``12.5 -> '12,5 %'`` (value already in percent)."""
    text = number(value, decimals)
    return text if text == MISSING else f"{text}{NBSP}%"


def with_unit(value, unit, decimals=0, qualifiers=()):
    """A value followed by its unit as the report writes it, with the source's qualifiers
    (``model.QUALIFIERS``): ``over 100 mill.``, ``om lag 16 000``, ``nærmere 600 000
    (kumulativt siden 2019)``, ``13 per 1 000 listeinnbyggere``."""
    if not qualifiers:
        return _with_unit(value, unit, decimals)
    prefix, suffix = [], []
    for q in qualifiers:
        name, _, year = q.partition(":")
        where, words = QUALIFIERS[name]
        words = words.format(year=year)
        if where == "unit":
            unit = unit.replace("innbyggere", words)
        (prefix if where == "prefix" else suffix if where == "suffix" else []).append(words)
    text = _with_unit(value, unit, decimals)
    if text == MISSING:
        return text
    text = " ".join(prefix + [text])
    return f"{text} ({', '.join(suffix)})" if suffix else text


def _with_unit(value, unit, decimals=0):
    if unit == "antall" and value is not None and value == value and abs(value) >= 10**6 \
            and value % 10**5 == 0:  # 100 000 000 as the source writes it: 100 mill.
        return f"{number(value / 10**6, 1 if value % 10**6 else 0)}{NBSP}mill."
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
