"""PDF from the same HTML (one source of truth), with WeasyPrint's print stylesheet support:
A4, page numbers, running header, contents with page numbers, tagged PDF/UA.

The renderer is sealed: its URL fetcher serves only ``data:`` URIs (figures are embedded), so
nothing is fetched from the network or read from the disk, and only links that
:func:`statusrapport.links.allowed_link` accepts become link annotations."""

import logging

from statusrapport.links import RESOURCE_SCHEMES, allowed_link

# WeasyPrint logs every unsupported CSS property at WARNING; keep build output readable.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _seal_links(doc):
    """Keep in-document links; external ones only to https: and mailto:."""
    for page in doc.pages:
        page.links[:] = [link for link in page.links
                         if link[0] == "internal" or (link[0] == "external"
                                                       and allowed_link(link[1], relative=False))]


def write(html_text, path, title):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=set(RESOURCE_SCHEMES), allow_redirects=False)
    doc = HTML(string=html_text, url_fetcher=fetcher).render()
    _seal_links(doc)
    doc.metadata.title = title
    doc.metadata.lang = "nb"
    doc.metadata.authors = ["Helsedirektoratet"]
    doc.write_pdf(path, pdf_variant="pdf/ua-1")
