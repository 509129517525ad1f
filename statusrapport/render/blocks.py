"""The render contract, in one place. A chapter's outputs carry a *payload* in their metadata
(written by :mod:`statusrapport.chapter.display`); the stitcher turns cells into *blocks*, which
the templates, the downloads and the manifest read. Both are plain dataclasses, so a field that
one side writes and another reads is named here and nowhere else."""

from dataclasses import asdict, dataclass, field, fields

from statusrapport.render import downloads

META = "statusrapport"  # key of the payload in an output's metadata, and of the book's metadata
CHAPTER_META = META + "_chapter"  # which chapter a stitched cell came from


# -- payloads: what display.* writes into an output's metadata ------------------------------
@dataclass
class HeadingOutput:
    level: int
    text: str
    kind: str = "heading"


@dataclass
class HtmlOutput:
    html: str
    kind: str = "html"


@dataclass
class FigureOutput:
    id: str
    caption: str
    alt: str
    source: str
    unit: str
    data: dict  # {"columns": [...], "rows": [[...], ...]}: the numbers behind the figure
    figure_kind: str = "chart"  # chart | map
    tall: bool = False  # many bars: more room in print
    values: dict = None  # maps: {"columns", "rows"} shown beside the map
    png_narrow: str = None  # base64 PNG drawn for phone widths
    kind: str = "figure"


@dataclass
class TableOutput:
    id: str
    caption: str
    source: str
    unit: str
    columns: list
    rows: list  # formatted strings, as printed
    align: list
    data: dict  # the numbers, unformatted
    kind: str = "table"


@dataclass
class RecordOutput:
    name: str
    value: float
    unit: str
    decimals: int
    label: str
    kind: str = "record"


@dataclass
class LabOutput:
    """Shown under a figure or table in JupyterLab only (number placeholder, caption, source);
    the report lays these out itself, so the stitcher skips it."""

    of: str  # the figure's or table's id
    kind: str = "lab"


PAYLOADS = {cls.kind: cls for cls in (HeadingOutput, HtmlOutput, FigureOutput, TableOutput,
                                      RecordOutput, LabOutput)}
NOT_IN_REPORT = ("record", "lab")  # payload kinds the stitcher skips on purpose


def to_meta(payload):
    return {META: asdict(payload)}


def payload(output):
    """The payload of a notebook output, or None for stray prints, warnings and stderr."""
    meta = output.get("metadata", {}).get(META)
    if not meta or meta.get("kind") not in PAYLOADS:
        return None
    cls = PAYLOADS[meta["kind"]]
    return cls(**{f.name: meta[f.name] for f in fields(cls) if f.name in meta})


# -- blocks: what the stitcher hands to the templates ---------------------------------------
@dataclass
class Heading:
    level: int
    number: str  # "3", "3.2", "3.2.1"
    text: str
    text_html: str  # escaped, with soft hyphens in long words
    chapter: str = ""  # the chapter's name, e.g. "akuttmedisin"
    first: bool = False  # the first chapter heading of the document
    failed: bool = False  # a chapter heading of a chapter that failed (draft builds)
    type: str = "heading"

    @property
    def id(self):
        return "sec-" + self.number.replace(".", "-")


@dataclass
class Html:
    html: str
    type: str = "html"


@dataclass
class Error:
    ename: str
    evalue: str
    type: str = "error"


@dataclass
class Numbered:
    """A figure or table with its number in the report."""

    output: object  # FigureOutput or TableOutput
    number: str  # "3.2"
    order: int  # position among all figures and tables, for the downloads
    png: str = field(default=None, repr=False)  # base64, figures only

    LABELS = {"figure": ("Figur", "fig"), "table": ("Tabell", "tab")}

    def __getattr__(self, name):  # caption, source, data, columns ... come from the output
        if name == "output":
            raise AttributeError(name)
        return getattr(self.output, name)

    @property
    def type(self):
        return self.output.kind

    @property
    def label(self):
        return f"{self.LABELS[self.type][0]} {self.number}"

    @property
    def anchor(self):
        return f"{self.LABELS[self.type][1]}-{self.number.replace('.', '-')}"

    @property
    def csv_name(self):
        """File name of the numbers behind it, in ``data/`` beside the report."""
        return f"{self.LABELS[self.type][0].lower()}_{self.number.replace('.', '_')}.csv"

    @property
    def csv_uri(self):
        """The same numbers as a data: link, so they travel with a single HTML file."""
        return downloads.data_uri(self)
