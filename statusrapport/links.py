"""Which links and embedded resources the report may hold, in HTML and PDF alike: links to
``https:`` and ``mailto:`` addresses, anchors in the document and relative links to the
edition's own files (``data/figur_2_1.csv``); images only as ``data:`` URIs, so the report
loads nothing from anywhere else (narrative Markdown, templates and the PDF renderer all
apply this rule)."""

import re
from urllib.parse import urlsplit

LINK_SCHEMES = ("https", "mailto")
RESOURCE_SCHEMES = ("data",)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these inside a scheme ("java\tscript:")


def _scheme(url):
    return urlsplit(_CONTROL.sub("", str(url))).scheme.lower()


def allowed_link(url, relative=True):
    """True for https:, mailto:, #anchors and (with ``relative``) paths inside the edition."""
    url = _CONTROL.sub("", str(url))
    if url.startswith("#"):
        return True
    scheme = _scheme(url)
    if scheme:
        return scheme in LINK_SCHEMES
    return relative and not url.startswith(("/", "\\")) and ".." not in url.split("/")


def allowed_resource(url):
    """True only for resources embedded in the document itself (``data:`` URIs)."""
    return _scheme(url) in RESOURCE_SCHEMES
