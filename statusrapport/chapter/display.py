"""What a chapter notebook shows. Every output carries ``statusrapport`` metadata so the
stitcher can number figures and tables, write captions and collect the data behind them;
in JupyterLab the same outputs render as a normal image, table or text."""

import base64
import html

from IPython.display import display

from statusrapport.data import narrative
from statusrapport.render import blocks


def _emit(bundle, payload):
    display(bundle, metadata=blocks.to_meta(payload), raw=True)


def heading(text, level=2):
    """A numbered section heading (level 2 or 3) built at run time, e.g. per region."""
    _emit({"text/markdown": "#" * level + " " + text}, blocks.HeadingOutput(level, text))


def markdown(text):
    """Markdown text; raw HTML in it is shown as text, never interpreted. ``None`` (e.g. an
    assessment not written yet) is shown as a note, so the gap is visible."""
    if text is None:
        return note("Vurderingen for denne utgaven er ikke skrevet ennå.", kind="missing")
    body = narrative.to_html(text)
    _emit({"text/html": body, "text/markdown": text}, blocks.HtmlOutput(body))


def figure(fig, caption=None, source=None, alt=None, data=None, unit=""):
    """A figure into the report, numbered, with caption, source, alt text and the numbers behind
    it: a :class:`statusrapport.chapter.figures.Figure` from a view, or any matplotlib or seaborn
    figure (or Axes) of your own, with ``caption``, ``source`` and ``alt`` (and ``data``, the
    table behind it, if it is not just the plotted lines or bars). For the house style call
    ``figures.use_house_style()`` before drawing."""
    from statusrapport.chapter import figures

    if not isinstance(fig, figures.Figure):
        fig = figures.from_matplotlib(fig, caption=caption, source=source, alt=alt, data=data,
                                      unit=unit)
    tall = fig.kind == "chart" and fig.mpl.get_size_inches()[1] > 5  # many bars: more room in print
    wide, narrow = fig.pngs()
    _emit({"image/png": base64.b64encode(wide).decode("ascii"), "text/plain": f"Figur: {fig.caption}"},
          blocks.FigureOutput(fig.id, fig.caption, fig.alt, fig.source, fig.unit, fig.table(),
                              figure_kind=fig.kind, tall=bool(tall), values=fig.values or None,
                              png_narrow=base64.b64encode(narrow).decode("ascii") if narrow else None))
    _lab_caption("Figur", fig.id, fig.caption, fig.source, fig.alt)


def _lab_caption(label, id, caption, source, alt=None):
    """What the report prints with the figure or table, shown under it in JupyterLab; the
    number is given when the report is put together."""
    alt_html = (f'<br><span style="color:#555">Alternativ tekst: {html.escape(alt)}</span>'
                if alt else "")
    body = (f'<div class="statusrapport-caption" style="font-size:90%"><strong>{label} N.n</strong> '
            f'(nummereres i rapporten): {html.escape(caption)}<br>'
            f'<span style="color:#555">{html.escape(source)}</span>{alt_html}</div>')
    text = f"{label} N.n: {caption}\n{source}" + (f"\nAlternativ tekst: {alt}" if alt else "")
    _emit({"text/html": body, "text/plain": text}, blocks.LabOutput(id))


def table(tab):
    """A :class:`statusrapport.chapter.tables.Table`; cells are already formatted strings."""
    _emit({"text/html": tab.html(), "text/plain": f"Tabell: {tab.caption}"},
          blocks.TableOutput(tab.id, tab.caption, tab.source, tab.unit, tab.columns, tab.rows,
                             tab.align, tab.data))
    _lab_caption("Tabell", tab.id, tab.caption, tab.source)


def record(name, value, unit="", decimals=0, label=""):
    """A headline value, collected into the manifest (and compared across editions)."""
    _emit({"text/plain": f"{name} = {value}"}, blocks.RecordOutput(name, value, unit, decimals, label))


def show(item):
    """Show what a view returned: a figure, a table, or a note that the data is missing."""
    from statusrapport.chapter.figures import Figure
    from statusrapport.chapter.tables import Table

    if isinstance(item, Figure):
        figure(item)
    elif isinstance(item, Table):
        table(item)
    else:
        note(str(item), kind="missing")


def note(text, kind="info"):
    """A highlighted box (e.g. data gaps); plain text, escaped."""
    body = f'<div class="box box-{html.escape(kind)}"><p>{html.escape(text)}</p></div>'
    _emit({"text/html": body, "text/plain": text}, blocks.HtmlOutput(body))


def headlines(ds, chapter):
    """Record the latest national value of every indicator in ``chapter`` for the manifest."""
    for ind in ds.catalogue.chapter(chapter):
        period, value = ds.latest(ind.id)
        if value is not None:
            record(ind.id, value, ind.unit, ind.decimals, f"{ind.title} ({period})")
