"""PDF from the same HTML (one source of truth), with WeasyPrint's print stylesheet support:
A4, page numbers, running header, contents with page numbers, tagged PDF/UA."""

import logging

# WeasyPrint logs every unsupported CSS property at WARNING; keep build output readable.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def write(html_text, path, title):
    from weasyprint import HTML

    doc = HTML(string=html_text).render()
    doc.metadata.title = title
    doc.metadata.lang = "nb"
    doc.metadata.authors = ["Helsedirektoratet"]
    doc.write_pdf(path, pdf_variant="pdf/ua-1")
