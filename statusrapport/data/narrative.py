"""Assessment texts: Markdown written by staff, with ``{{ indicator.field }}`` placeholders
filled from computed values so no number in the prose goes stale."""

import html
import re
import xml.etree.ElementTree as ET

import markdown as md
from markdown.treeprocessors import Treeprocessor

from statusrapport.errors import PlaceholderError, did_you_mean
from statusrapport.links import allowed_link, allowed_resource

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# The fields of ``{{ indicator.field }}`` (dataset.Dataset.values computes them; the staff guide
# lists them, and a test holds the three together). ``{{ indicator }}`` alone is ``siste``.
FIELDS = ("tittel", "siste", "periode", "forrige", "forrige_periode", "endring", "brudd")
TARGET_FIELDS = ("mål", "status", "grunnlag", "målår")  # only for indicators with a target in the edition's plan
# Numbers that may be typed in prose: years and section/chapter numbers like 10.1.
ALLOWED_NUMBER = re.compile(r"^(19|20)\d\d$|^\d{1,2}(\.\d{1,2})+$")
NUMBER = re.compile(r"\d+(?:[ \u00a0.,]\d+)*")


class _SealLinks(Treeprocessor):
    """Links only to https:, mailto: and anchors; images only as data: URIs. A refused link
    keeps its text, a refused image becomes its alt text in brackets."""

    def run(self, root):
        for parent in root.iter():
            for i, el in enumerate(list(parent)):
                if el.tag == "a" and not allowed_link(el.get("href", ""), relative=False):
                    el.tag = "span"
                    el.attrib.clear()
                elif el.tag == "img" and not allowed_resource(el.get("src", "")):
                    span = ET.Element("span")
                    span.text = f"[bilde: {el.get('alt') or 'uten tekst'}]"
                    span.tail = el.tail
                    parent[i] = span


class _SealExtension(md.Extension):
    def extendMarkdown(self, markdown):  # noqa: N802 - Python-Markdown's name
        markdown.treeprocessors.register(_SealLinks(markdown), "seal_links", 0)  # after inline


def to_html(text):
    """Markdown to HTML with any raw HTML in the text shown as text, not interpreted, and only
    the links and images :mod:`statusrapport.links` allows."""
    return md.markdown(html.escape(text, quote=False),
                       extensions=["tables", "sane_lists", _SealExtension()])


def fill(text, values, file="<tekst>"):
    """Replace every placeholder; all unknown ones are reported together with file and line,
    each with the closest known name or field and what to do."""
    problems = []
    known = getattr(values, "names", None) or list(values)

    def sub(match, lineno):
        key = match.group(1)
        name, dot, attr = key.partition(".")
        where = f"{file}, linje {lineno}: plassholderen '{{{{ {key} }}}}'"
        if name not in known:
            problems.append(f"{where}: ukjent indikator '{name}'{did_you_mean(name, known)}; "
                            "rett navnet (id-ene står i ./rapport indicators)")
            return match.group(0)
        entry = values[name]
        value = entry.get(attr if dot else "siste")
        if value is None:
            fields = ", ".join(f for f in FIELDS + TARGET_FIELDS if f in entry)
            no_target = (f"; '{name}' har ikke noe mål i denne utgaven" if attr in TARGET_FIELDS
                         else "")
            problems.append(f"{where}: ukjent felt '{attr}'{did_you_mean(attr, list(entry))}"
                            f"{no_target}; gyldige felt: {fields}")
            return match.group(0)
        return value

    lines = [PLACEHOLDER.sub(lambda m, n=n: sub(m, n), line)
             for n, line in enumerate(text.split("\n"), start=1)]
    if problems:
        raise PlaceholderError(problems)
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
