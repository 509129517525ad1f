"""House style for figures: one colour-blind-safe palette (Okabe-Ito), markers so no series
relies on colour alone, Norwegian number formatting, target as a reference line, and alt text
written from the data."""

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

from statusrapport import periods as periods_mod
from statusrapport.periods import label as period_label
from statusrapport.chapter import formatting, targets  # noqa: E402
from statusrapport.model import split_status  # noqa: E402

# Okabe-Ito, ordered so the first five reach 3:1 against white (WCAG 1.4.11, graphical
# objects); orange and sky blue (about 2.3:1) are only used from the sixth series on.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9"]
MARKERS = ["o", "s", "^", "D", "X", "v", "P"]
# Grouped bars: the series differ by pattern too, not by colour alone (WCAG 1.4.1).
SERIES_HATCHES = [None, "...", "xxx", "---", "|||", "+++", "ooo"]
MUTED = "#6F8FA8"  # plain bars; 3.4:1 against white (was #9DB4C8, 2.1:1)
WIDTH, HEIGHT, DPI = 7.2, 3.5, 150
NARROW_WIDTH = 3.9  # inches: the picture for phones (390 px screens show it at about 0.6x)

RC = {
    "font.family": "DejaVu Sans", "font.size": 9.5, "axes.titlesize": 10,
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True,
    "axes.edgecolor": "#555555", "xtick.color": "#333333", "ytick.color": "#333333",
    "legend.frameon": False, "svg.hashsalt": "statusrapport",
    "figure.figsize": (WIDTH, HEIGHT), "figure.dpi": 100,
}
plt.rcParams.update(RC)


def use_house_style():
    """The house style for an analyst's own matplotlib or seaborn figures: seaborn's theme
    with our palette, fonts and grid (call once, before drawing)."""
    from cycler import cycler

    try:
        import seaborn as sns
    except ImportError:  # plain matplotlib gets the same colours and fonts
        sns = None
    if sns is not None:
        sns.set_theme(style="whitegrid", palette=PALETTE, rc=RC)
    plt.rcParams.update(RC)
    plt.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)


@dataclass
class Figure:
    """A rendered chart with everything a reader needs besides the picture."""

    id: str
    caption: str
    alt: str
    source: str
    unit: str
    data: object  # pandas.DataFrame behind the chart
    mpl: object
    values: dict = None  # formatted values shown beside the picture (maps): columns, rows
    kind: str = "chart"  # "chart", "map" or "locator"

    def _bytes(self):
        """Draw once at print resolution and encode once: RGB without alpha (one image per
        figure in the PDF) and no metadata chunks, so the same input gives the same bytes."""
        fig = self.mpl
        screen_dpi, face = fig.get_dpi(), fig.get_facecolor()
        fig.set_dpi(DPI)
        fig.set_facecolor("white")  # an analyst's figure may be transparent
        try:
            fig.canvas.draw()
            size = fig.canvas.get_width_height(physical=True)
            image = Image.frombuffer("RGBA", size, fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="png")
        finally:
            fig.set_dpi(screen_dpi)
            fig.set_facecolor(face)
        return out.getvalue()

    def png(self):
        data = self._bytes()
        plt.close(self.mpl)
        return data

    def pngs(self):
        """(wide, narrow): the picture for wide screens and print, and one drawn again at
        phone width, where the same text stays about 10 px high instead of 5 px. Locator maps
        are small already and have no narrow version (None)."""
        wide = self._bytes()
        narrow = None
        if self.kind != "locator":
            w, h = self.mpl.get_size_inches()
            if self.kind == "map":
                self.mpl.set_size_inches(NARROW_WIDTH, h * NARROW_WIDTH / w)
            else:
                lines = _fit_phone_width(self.mpl)
                self.mpl.set_size_inches(NARROW_WIDTH, max(h * 1.15, 3.2) * (1 + 0.2 * (lines - 1)))
                self.mpl.tight_layout()
            narrow = self._bytes()
        plt.close(self.mpl)
        return wide, narrow

    def table(self):
        frame = self.data.astype(object).where(self.data.notna(), None)
        return {"columns": [str(c) for c in frame.columns], "rows": frame.values.tolist()}


def _fit_phone_width(fig, width=24):
    """Bars beside category names (areas, indicator titles) at phone width: long names broken
    over lines (bold ones still bold), so the bars keep their room, and two or three value
    ticks instead of five, so numbers like 400 000 do not run into each other. Returns the most
    lines a name now has (the picture is made taller for them)."""
    most = 1
    for ax in fig.axes:
        labels = ax.get_yticklabels()
        if not any(any(c.isalpha() for c in t.get_text()) for t in labels):
            continue  # not a category axis
        locator = ax.xaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # "400 000" is as wide as a third of the axis
            locator.set_params(nbins=2 if abs(ax.get_xlim()[1]) >= 10_000 else 3)
        if not any(len(t.get_text()) > width for t in labels):
            continue
        wrapped = [textwrap.fill(t.get_text(), width) for t in labels]
        ax.set_yticks(ax.get_yticks(), wrapped)
        for tick, old in zip(ax.get_yticklabels(), labels):
            tick.set_fontweight(old.get_fontweight())
        most = max(most, *(w.count("\n") + 1 for w in wrapped))
    return most


class _TickFormatter(Formatter):
    """Norwegian tick labels with as many decimals as the ticks need, so that two ticks never
    read the same ("0, 1, 2, 2, 3" from steps of 0,5)."""

    def __init__(self, unit, decimals):
        self.unit, self.decimals = unit, decimals
        self._d = 0

    def format_ticks(self, values):
        self._d = tick_decimals(values)
        return [self(v) for v in values]

    def __call__(self, value, pos=None):
        text = formatting.number(value, self._d)
        return text + ("\u00a0%" if self.unit in ("prosent", "prosentendring") else "")


def tick_decimals(values, most=3):
    """The fewest decimals (up to ``most``) that write every tick exactly."""
    for d in range(most + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return most


def _axis_formatter(unit, decimals):
    return _TickFormatter(unit, decimals)


def _value(v, unit, decimals, status=""):
    """A value as the report writes it, with the source's qualifiers (``status`` column)."""
    quals = split_status(status)[1] if isinstance(status, str) else ()
    return formatting.with_unit(v, unit, decimals, quals)


def _status(row):
    return row["status"] if "status" in row and isinstance(row["status"], str) else ""


def _target_text(target, unit, decimals):
    return f"Mål: {targets.WORDS[target['comparator']]} {_value(target['value'], unit, decimals)}"


def segments(periods, values, breaks=()):
    """Split one series into runs that may be joined by a line: a run ends where the next
    period is more than one period away (a gap) or where a series break starts (``breaks``:
    periods from which the series is not comparable with what came before)."""
    runs, run = [], []
    for p, v in zip(periods, values):
        if run and (periods_mod.position(p) - periods_mod.position(run[-1][0])
                    > 1.5 * periods_mod.step(p) or p in breaks):
            runs.append(run)
            run = []
        run.append((p, v))
    return runs + ([run] if run else [])


def line(data, *, id, caption, source, unit, decimals=0, target=None, ylabel=None, breaks=()):
    """Development over time. ``data``: columns ``period``, ``series``, ``value``.

    Periods sit on a real time axis (2013, 2019 and 2021 are not equally spaced); lines are
    broken at gaps and at ``breaks`` (periods where the source's series changes, drawn as a
    dotted vertical line); a series of one or two points is drawn as points only; the y axis
    leaves room above the highest point and the target."""
    data = data.dropna(subset=["value"])
    periods = sorted(data["period"].unique(), key=periods_mod.position)
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    series_names = list(dict.fromkeys(data["series"]))
    for i, name in enumerate(series_names):
        part = data[data["series"] == name].copy()
        part["pos"] = part["period"].map(periods_mod.position)
        part = part.sort_values("pos")
        style = dict(color=PALETTE[i % 7], marker=MARKERS[i % 7], markersize=5)
        if len(part) <= 2:  # too few points for a line
            ax.plot(part["pos"], part["value"], linestyle="none", label=name, **style)
            continue
        for n, run in enumerate(segments(list(part["period"]), list(part["value"]), breaks)):
            ax.plot([periods_mod.position(p) for p, _ in run], [v for _, v in run],
                    linewidth=2, label=name if n == 0 else None, **style)
    for b in breaks:
        if b in periods:
            x = periods_mod.position(b) - 0.5 * periods_mod.step(b)
            ax.axvline(x, color="#555555", linestyle=":", linewidth=1.2)
            ax.annotate("brudd i serien", xy=(x, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -10), textcoords="offset points", fontsize=8, color="#333333")
    top = data["value"].max()
    bottom = min(0.0, data["value"].min())
    if target is not None:
        top = max(top, target["value"])
        ax.axhline(target["value"], color="#333333", linestyle="--", linewidth=1.2)
        ax.annotate(_target_text(target, unit, decimals), xy=(0, target["value"]),
                    xycoords=("axes fraction", "data"),
                    xytext=(2, 3), textcoords="offset points", fontsize=8.5, color="#333333")
    xs = [periods_mod.position(p) for p in periods]
    shown = _thin(list(zip(xs, periods)))
    ax.set_xticks([x for x, _ in shown], [period_label(p) for _, p in shown])
    pad = 0.04 * (xs[-1] - xs[0]) if len(xs) > 1 else 0.5
    ax.set_xlim(xs[0] - max(pad, 0.3), xs[-1] + max(pad, 0.3))
    ax.yaxis.set_major_formatter(_axis_formatter(unit, decimals))
    ax.yaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylim(bottom=bottom * 1.1, top=(top * 1.12) if top > 0 else 1)  # never clip the top
    ax.set_ylabel(ylabel or unit)
    if len(series_names) > 1:
        # The legend is the key to the markers: it must fit inside the image, so long series
        # names go one per row instead of being cut off at the edges.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12),
                  ncol=_legend_columns([str(n) for n in series_names]), fontsize=8.5)
    fig.tight_layout()
    return Figure(id, caption, _line_alt(data, series_names, periods, unit, decimals, target,
                                         breaks), source, unit, data.reset_index(drop=True), fig)


def _thin(ticks, most=12):
    """At most ``most`` tick labels, always the first and the last."""
    if len(ticks) <= most:
        return ticks
    every = -(-len(ticks) // most)
    keep = ticks[::every]
    return keep if keep[-1] == ticks[-1] else keep + [ticks[-1]]


def _legend_columns(labels, width_chars=95):
    """As many columns (at most 4) as fit across the figure at legend font size."""
    for ncol in range(min(4, len(labels)), 1, -1):
        rows = [labels[i:i + ncol] for i in range(0, len(labels), ncol)]
        widest = [max(len(r[c]) for r in rows if c < len(r)) + 7 for c in range(ncol)]
        if sum(widest) <= width_chars:
            return ncol
    return 1


def _line_alt(data, series_names, periods, unit, decimals, target, breaks=()):
    first, last = period_label(periods[0]), period_label(periods[-1])
    parts = [f"Linjediagram med {len(series_names)} serie{'r' if len(series_names) > 1 else ''} "
             f"for perioden {first}–{last}."]
    for name in series_names[:6]:
        part = data[data["series"] == name].sort_values("period")
        a, b = part.iloc[0], part.iloc[-1]
        if len(part) == 1:
            parts.append(f"{name}: {_value(a['value'], unit, decimals, _status(a))} i "
                         f"{period_label(a['period'])}.")
        else:
            parts.append(f"{name}: fra {_value(a['value'], unit, decimals, _status(a))} i "
                         f"{period_label(a['period'])} til "
                         f"{_value(b['value'], unit, decimals, _status(b))} "
                         f"i {period_label(b['period'])}.")
    if len(series_names) > 6:
        parts.append(f"Ytterligere {len(series_names) - 6} serier er med i datatabellen.")
    for b in breaks:
        if b in periods:
            parts.append(f"Brudd i serien fra {period_label(b)}: tallene før og etter kan ikke "
                         "sammenlignes direkte.")
    if target is not None:
        parts.append(_target_text(target, unit, decimals) + ".")
    return " ".join(parts)


def bars(data, *, id, caption, source, unit, decimals=0, highlight=(), reference=None,
         target=None, xlabel=None):
    """Comparison across areas or groups. ``data``: columns ``label``, ``value`` and optionally
    ``series`` (grouped bars, e.g. two years). ``highlight``: labels drawn darker and hatched;
    ``reference``: (label, value) drawn as a line, e.g. the national value."""
    data = data.dropna(subset=["value"]).reset_index(drop=True)
    grouped = "series" in data.columns
    series_names = list(dict.fromkeys(data["series"])) if grouped else [None]
    order = (data.groupby("label", sort=False)["value"].max().sort_values().index.tolist())
    height = max(2.4, 0.25 * len(order) * (1 + 0.45 * (len(series_names) - 1)) + 1.0)
    fig, ax = plt.subplots(figsize=(WIDTH, min(height, 9.5)))
    bar_h = 0.8 / len(series_names)
    vmax = data["value"].max()
    for s, name in enumerate(series_names):
        part = data if name is None else data[data["series"] == name]
        for _, row in part.iterrows():
            y = order.index(row["label"]) + (s - (len(series_names) - 1) / 2) * bar_h
            hi = row["label"] in highlight
            if grouped:  # series told apart by colour and pattern; highlight by a dark outline
                color, hatch = PALETTE[s % 7], SERIES_HATCHES[s % 7]
                edge, width = ("#222222", 1.2) if hi else ("white", 0.5)
            else:  # highlighted areas: vermillion, hatched and outlined
                color, hatch = (PALETTE[1], "//") if hi else (MUTED, None)
                edge, width = ("#222222", 0.5) if hi else ("white", 0.5)
            ax.barh(y, row["value"], height=bar_h * 0.92, color=color, hatch=hatch,
                    edgecolor=edge, hatchcolor="white" if grouped else edge, linewidth=width,
                    label=name if (grouped and _ == part.index[0]) else None)
            quals = split_status(_status(row))[1]
            words = " ".join(formatting.QUALIFIERS[q.partition(":")[0]][1] for q in quals
                             if formatting.QUALIFIERS[q.partition(":")[0]][0] == "prefix")
            text = formatting.number(row["value"], decimals)
            ax.text(row["value"] + vmax * 0.01, y, f"{words} {text}" if words else text,
                    va="center", fontsize=7.5 if len(order) > 12 else 8.5, color="#222222")
    for ref, style in ((reference, ":"), ((None, target["value"]) if target else None, "--")):
        if ref is not None:
            ax.axvline(ref[1], color="#333333", linestyle=style, linewidth=1.2)
    ax.set_yticks(range(len(order)), order)
    for tick in ax.get_yticklabels():  # highlighted areas also named in bold, not only coloured
        if tick.get_text() in highlight:
            tick.set_fontweight("bold")
    ax.xaxis.set_major_formatter(_axis_formatter(unit, decimals))
    # room for numbers like 800 000; whole numbers for counts (never "0, 1, 2, 2, 3")
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=decimals == 0 and vmax >= 1))
    ax.set_xlim(0, vmax * 1.12)
    ax.set_xlabel(xlabel or unit)
    ax.grid(axis="y", visible=False)
    handles = []
    if grouped:  # legend top-down in the same order as the bars in each group
        legend_handles, legend_labels = ax.get_legend_handles_labels()
        ax.legend(legend_handles[::-1], legend_labels[::-1], loc="lower right", fontsize=8.5)
    if reference is not None:
        handles.append(f"prikket linje: {reference[0]} ({formatting.number(reference[1], decimals)})")
    if target is not None:
        handles.append(f"stiplet linje: {_target_text(target, unit, decimals).lower()}")
    if handles:
        ax.set_title("; ".join(handles).capitalize(), fontsize=8.5, loc="left", color="#333333")
    fig.tight_layout()
    alt = _bars_alt(data, series_names, highlight, reference, unit, decimals)
    return Figure(id, caption, alt, source, unit, data, fig)


def _bars_alt(data, series_names, highlight, reference, unit, decimals):
    parts = [f"Liggende stolpediagram med {data['label'].nunique()} kategorier"
             + (f" og {len(series_names)} serier ({', '.join(map(str, series_names))})."
                if series_names != [None] else ".")]
    last = data if series_names == [None] else data[data["series"] == series_names[-1]]
    top, bottom = last.loc[last["value"].idxmax()], last.loc[last["value"].idxmin()]
    label = "" if series_names == [None] else f" ({series_names[-1]})"
    parts.append(f"Høyest{label}: {top['label']} med "
                 f"{_value(top['value'], unit, decimals, _status(top))}; "
                 f"lavest: {bottom['label']} med "
                 f"{_value(bottom['value'], unit, decimals, _status(bottom))}.")
    for h in highlight:
        row = last[last["label"] == h]
        if len(row):
            parts.append(f"Uthevet: {h} med {_value(row['value'].iloc[0], unit, decimals)}.")
    if reference is not None:
        parts.append(f"Referanselinje: {reference[0]} med {_value(reference[1], unit, decimals)}.")
    return " ".join(parts)


def from_matplotlib(fig, *, caption, source, alt, data=None, unit="", id=None):
    """An analyst's own matplotlib figure, Axes or seaborn grid as a report :class:`Figure`.
    ``data`` (a DataFrame) is the table behind it for the downloads; without it the plotted
    lines or bars are read off the axes. Raises ValueError naming what is missing."""
    import re

    import pandas as pd

    mpl = getattr(fig, "figure", fig)  # Axes and seaborn grids hold their figure
    mpl = getattr(mpl, "figure", mpl) if not hasattr(mpl, "savefig") else mpl
    if not hasattr(mpl, "savefig"):
        raise ValueError(f"display.figure: forventet en matplotlib- eller seaborn-figur, fikk "
                         f"{type(fig).__name__}; send inn figuren (fig) eller aksen (ax)")
    missing = [name for name, value in (("caption", caption), ("source", source), ("alt", alt))
               if not (value or "").strip()]
    if missing:
        raise ValueError(f"display.figure: mangler {', '.join(missing)}=…; en figur i rapporten "
                         "trenger bildetekst (caption), kilde (source, «Kilde: …») og alternativ "
                         "tekst (alt, én setning om hva figuren viser)")
    if data is None:
        data = _plotted(mpl)
    if data is None or len(data) == 0:
        raise ValueError("display.figure: fant ingen linjer eller søyler å lage tabellen bak "
                         "figuren av; oppgi data=<DataFrame med tallene>")
    fid = id or "egen-" + (re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:40] or "figur")
    source = source if source.startswith("Kilde") else f"Kilde: {source}"
    return Figure(fid, caption, alt, source, unit, pd.DataFrame(data).reset_index(drop=True), mpl)


def _plotted(mpl):
    """The lines and bars drawn on a figure's axes, as a table (series, x, value)."""
    import pandas as pd

    rows = []
    for ax in mpl.axes:
        for i, line in enumerate(ax.get_lines()):
            name = line.get_label()
            if name.startswith("_"):
                name = f"serie {i + 1}"
            rows += [{"series": name, "x": x, "value": y} for x, y in zip(line.get_xdata(),
                                                                            line.get_ydata())]
        labels = [t.get_text() for t in ax.get_xticklabels()]
        for i, container in enumerate(getattr(ax, "containers", [])):
            name = container.get_label() or f"serie {i + 1}"
            for n, patch in enumerate(getattr(container, "patches", [])):
                x = labels[n] if n < len(labels) and labels[n] else n
                rows.append({"series": name if not name.startswith("_") else f"serie {i + 1}",
                             "x": x, "value": patch.get_height()})
    return pd.DataFrame(rows, columns=["series", "x", "value"]) if rows else None
