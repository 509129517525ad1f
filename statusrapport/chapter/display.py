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


def figure(fig):
    """A :class:`statusrapport.chapter.figures.Figure` with its caption, alt text, source and data."""
    tall = fig.kind == "chart" and fig.mpl.get_size_inches()[1] > 5  # many bars: more room in print
    wide, narrow = fig.pngs()
    _emit({"image/png": base64.b64encode(wide).decode("ascii"), "text/plain": f"Figur: {fig.caption}"},
          blocks.FigureOutput(fig.id, fig.caption, fig.alt, fig.source, fig.unit, fig.table(),
                              figure_kind=fig.kind, tall=bool(tall), values=fig.values or None,
                              png_narrow=base64.b64encode(narrow).decode("ascii") if narrow else None))


def table(tab):
    """A :class:`statusrapport.chapter.tables.Table`; cells are already formatted strings."""
    _emit({"text/html": tab.html(), "text/plain": f"Tabell: {tab.caption}"},
          blocks.TableOutput(tab.id, tab.caption, tab.source, tab.unit, tab.columns, tab.rows,
                             tab.align, tab.data))


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
