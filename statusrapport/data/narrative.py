"""Assessment texts: Markdown written by staff, with ``{{ indicator.field }}`` placeholders
filled from computed values so no number in the prose goes stale."""

import html
import re

import markdown as md

from statusrapport.errors import PlaceholderError

# The fields of a placeholder ``{{ id.field }}`` (Dataset.values fills them; validate checks them)
FIELDS = ("tittel", "siste", "periode", "forrige", "forrige_periode", "endring", "brudd")
TARGET_FIELDS = ("mål", "målår", "status", "grunnlag")  # only for indicators with a target

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-zæøå_]+)?$")
# Numbers that may be typed in prose: years and section/chapter numbers like 10.1.
ALLOWED_NUMBER = re.compile(r"^(19|20)\d\d$|^\d{1,2}(\.\d{1,2})+$")
NUMBER = re.compile(r"\d+(?:[ \u00a0.,]\d+)*")


def to_html(text):
    """Markdown to HTML with any raw HTML in the text shown as text, not interpreted."""
    return md.markdown(html.escape(text, quote=False), extensions=["tables", "sane_lists"])


def fill(text, values, file="<tekst>"):
    """Replace every placeholder; all unknown ones are reported together with file and line."""
    problems = []

    def sub(match, lineno):
        key = match.group(1)
        name, _, attr = key.partition(".")
        try:
            entry = values[name]
        except KeyError:
            entry = None
        if not NAME.match(key) or entry is None:
            problems.append(f"{file}, linje {lineno}: ukjent plassholder '{{{{ {key} }}}}'")
            return match.group(0)
        value = entry.get(attr or "siste")
        if value is None:
            fields = ", ".join(sorted(entry))
            problems.append(f"{file}, linje {lineno}: '{key}' har ikke feltet '{attr}' (finnes: {fields})")
            return match.group(0)
        return value

    lines = [PLACEHOLDER.sub(lambda m, n=n: sub(m, n), line)
             for n, line in enumerate(text.split("\n"), start=1)]
    if problems:
        raise PlaceholderError("\n".join(problems))
    return "\n".join(lines)


def typed_numbers(text):
    """Numbers typed outside placeholders (years and section numbers excepted), as (line, number)."""
    found = []
    for n, line in enumerate(text.split("\n"), start=1):
        bare = PLACEHOLDER.sub("", line)
        bare = re.sub(r"^\s*#+.*$|^\s*\d+\.\s", "", bare)  # headings and list numbering
        for m in NUMBER.finditer(bare):
            token = m.group(0).strip(" \u00a0.,")
            if token and not ALLOWED_NUMBER.match(token):
                found.append((n, token))
    return found
