"""Maps in one house style: choropleths of an indicator per HF area, DPS area or
helsefellesskap, and locator maps that show where one helsefellesskap lies.

Boundaries come from the shipped snapshots (``data/snapshots/skde_kart/`` and
``data/snapshots/kartverket_helsefellesskap/``), checked against their source records like every
other data file. The projection is a spherical transverse Mercator around 15° E (the meridian
of UTM zone 33, which Norwegian maps use), so the country keeps its familiar shape; no
projection library is needed.

SKDE's map of HF areas also draws an enlarged copy of the Oslo areas over Sweden. That copy is
left out here (:func:`_drop_skde_inset`): it would place Norwegian numbers on Swedish ground
without a frame. Instead every map that has small areas around Oslo gets its own inset of the
Oslo area, in true shape, framed and labelled.
"""

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from matplotlib.patches import PathPatch, Patch, Rectangle
from matplotlib.path import Path as MplPath
from shapely.geometry import shape

from statusrapport.chapter import figures, formatting
from statusrapport.data.fileio import opened
from statusrapport.errors import DataError, Problem

# level -> (source id, file relative to data/, credit in the source line)
BOUNDARIES = {
    "hf": ("skde_kart", "snapshots/skde_kart/kart_opt_2025.geojson",
           "SKDE Helseatlas, opptaksområder for helseforetak 2025 (ingen lisens oppgitt; "
           "kildehenvisning kreves)"),
    "dps": ("skde_kart", "snapshots/skde_kart/kart_dps_p5_rewind.geojson",
            "SKDE Helseatlas, DPS-områder (ingen lisens oppgitt; kildehenvisning kreves)"),
    "helsefellesskap": ("kartverket_helsefellesskap",
                        "snapshots/kartverket_helsefellesskap/helsefellesskap_2024.geojson",
                        "© Kartverket, kommunegrenser 2024 slått sammen til helsefellesskap "
                        "(CC BY 4.0)"),
}
# SKDE's short names of the 21 HF opptaksområder -> codes in data/geography/units.csv.
# Sunnaas sykehus has no opptaksområde of its own and is therefore not on the map.
HF_AREAS = {
    "Akershus": "ahus", "Bergen": "bergen", "Diakonhjemmet": "diakonhjemmet",
    "Finnmark": "finnmark", "Fonna": "fonna", "Førde": "forde", "Helgeland": "helgeland",
    "Innlandet": "innlandet", "Lovisenberg": "lovisenberg", "Møre og Romsdal": "more_og_romsdal",
    "Nordland": "nordland", "Nord-Trøndelag": "nord_trondelag", "OUS": "ous",
    "St. Olav": "st_olav", "Stavanger": "stavanger", "Sørlandet": "sorlandet",
    "Telemark": "telemark", "UNN": "unn", "Vestfold": "vestfold", "Vestre Viken": "vestre_viken",
    "Østfold": "ostfold",
}
# Sequential, colour-blind safe (ColorBrewer YlGnBu, 5 classes); the darkest classes keep
# 3:1 against white, the lightest are told apart by their outline and position in the legend.
CLASSES = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
MISSING_FILL = "#f0f0f0"
EDGE = "#5a5a5a"
LOCATOR_FILL, LOCATOR_HIGHLIGHT = "#d4d9de", "#0072B2"
# The Oslo area in lon/lat: the inset shows it enlarged, the main map marks it with a frame.
OSLO_BOX = (10.25, 59.72, 11.30, 60.20)
LON0 = 15.0
R = 6371.0  # km


def project(lonlat):
    """(lon, lat) degrees -> (x, y) km, spherical transverse Mercator around 15° E."""
    lam = np.radians(lonlat[:, 0] - LON0)
    phi = np.radians(lonlat[:, 1])
    b = np.cos(phi) * np.sin(lam)
    x = 0.5 * np.log((1 + b) / (1 - b)) * R
    y = np.arctan2(np.tan(phi), np.cos(lam)) * R
    return np.column_stack([x, y])


def _drop_skde_inset(geom):
    """Without the parts SKDE draws as an enlarged Oslo inset east of 14.5° E and south of
    64° N: no Norwegian land lies there (Norway reaches 14.3° E at that latitude)."""
    parts = list(getattr(geom, "geoms", [geom]))
    kept = [p for p in parts if not (p.bounds[0] > 14.5 and p.bounds[3] < 64.0)]
    return shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]


def _area_codes(ds, level, features, path):
    """Each feature's unit code; every feature must match exactly one unit."""
    problems, codes = [], []
    if level == "hf":
        codes = [HF_AREAS.get(f["properties"].get("area")) for f in features]
    elif level == "dps":
        units = ds.geography.units
        by_name = dict(zip(units.loc[units["level"] == "dps", "name"],
                           units.loc[units["level"] == "dps", "code"]))
        codes = [by_name.get(f["properties"].get("area")) for f in features]
    else:  # helsefellesskap: by the set of member kommuner, so the map and the data agree
        k = ds.geography.kommuner
        members = {frozenset(g["kommunenummer"]): code for code, g in k.groupby("helsefellesskap")}
        codes = [members.get(frozenset(f["properties"].get("kommunenummer") or [])) for f in features]
    known = ds.geography.codes(level)
    for n, (f, code) in enumerate(zip(features, codes), start=1):
        name = f["properties"].get("area") or f["properties"].get("helsefellesskap")
        if code is None or code not in known:
            problems.append(Problem(path, f"kartflaten passer ikke til noen {level}-kode i "
                                    "geography/units.csv", row=n, value=name))
    if len(set(codes)) != len(codes):
        problems.append(Problem(path, "to kartflater har samme områdekode"))
    if problems:
        raise DataError(problems)
    return codes


@lru_cache(maxsize=8)
def _read(path, level, mtime):
    """The file's features and their projected geometries, once per process and file version."""
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    geoms = []
    for f in features:
        geom = shape(f["geometry"])
        if level in ("hf", "dps"):
            geom = _drop_skde_inset(geom)
        geoms.append(shapely.transform(geom, project))
    return features, geoms


def boundaries(ds, level):
    """{code: projected shapely geometry} for ``level`` ('hf', 'dps' or 'helsefellesskap'),
    checked against the source record; reading it makes the chapter depend on the file."""
    source_id, rel, _ = BOUNDARIES[level]
    ds.source(source_id)
    ds._verify([rel])
    path = Path(opened(ds.data_dir / rel))
    features, geoms = _read(str(path), level, path.stat().st_mtime_ns)
    return dict(zip(_area_codes(ds, level, features, path), geoms))


def credit(ds, level):
    """The boundary line for the source note: publisher, title and licence."""
    ds.source(BOUNDARIES[level][0])
    return f"Kartgrunnlag: {BOUNDARIES[level][2]}."


# -- drawing ---------------------------------------------------------------------------------
@lru_cache(maxsize=256)  # the geometries are cached by _read, so a hit is an identity check
def _path(geom):
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            verts.append(xy)
            codes.append([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _add(ax, geom, **style):
    """A filled area. Added as an artist, not a patch: the map sets its own limits, so the
    patch's data limits (costly to compute for long boundaries) are never needed."""
    ax.add_artist(PathPatch(_path(geom), **style))


def _draw(ax, shapes, fills, edges=None, widths=None, hatches=None):
    for code in sorted(shapes):
        _add(ax, shapes[code], facecolor=fills[code], edgecolor=(edges or {}).get(code, EDGE),
             linewidth=(widths or {}).get(code, 0.35), hatch=(hatches or {}).get(code),
             joinstyle="round")


def _frame(ax, shapes, pad=25):
    bounds = np.array([g.bounds for g in shapes.values()])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _oslo_box():
    (x0, y0), (x1, y1) = project(np.array([[OSLO_BOX[0], OSLO_BOX[1]], [OSLO_BOX[2], OSLO_BOX[3]]]))
    return x0, y0, x1, y1


def _inset(fig, ax, shapes, fills, **kw):
    """The Oslo area enlarged over Sweden, framed and labelled, with its frame on the main map."""
    x0, y0, x1, y1 = _oslo_box()
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#222222",
                           linewidth=0.8))
    ins = ax.inset_axes([0.56, 0.03, 0.42, 0.30])
    box = shapely.box(x0, y0, x1, y1)
    near = {c: g for c, g in shapes.items() if shapely.intersects(shapely.envelope(g), box)}
    _draw(ins, near, fills, **kw)
    ins.set_xlim(x0, x1)
    ins.set_ylim(y0, y1)
    ins.set_aspect("equal")
    ins.set_xticks([])
    ins.set_yticks([])
    for spine in ins.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor("#222222")
        spine.set_linewidth(0.8)
    ins.set_title("Oslo-området (forstørret)", fontsize=7.5, color="#333333", pad=2)
    return ins


def _nice(v):
    """A class break rounded to two significant digits (ties go up, so it stays deterministic)."""
    if v == 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(abs(v))) - 1)
    return math.floor(v / step + 0.5) * step


def classes(values, k=5):
    """Class breaks: quantiles of the values, rounded; at most ``k`` classes, fewer when the
    values are few or equal. Returns the inner breaks (ascending, unique)."""
    vals = sorted(v for v in values if v == v)
    if len(vals) < 2 or vals[0] == vals[-1]:
        return []
    k = min(k, len(vals))
    breaks = [_nice(float(np.quantile(vals, q / k, method="linear"))) for q in range(1, k)]
    return sorted({b for b in breaks if vals[0] < b <= vals[-1]})


def _class_of(v, breaks):
    return sum(v >= b for b in breaks)


def _class_labels(breaks, lo, hi, decimals):
    edges = [lo, *breaks, hi]
    fmt = lambda v: formatting.number(v, decimals)  # noqa: E731
    labels = []
    for i in range(len(edges) - 1):
        if i == 0:
            labels.append(f"under {fmt(edges[1])}" if len(edges) > 2 else fmt(lo))
        elif i == len(edges) - 2:
            labels.append(f"{fmt(edges[i])} og over")
        else:
            labels.append(f"{fmt(edges[i])} til {fmt(edges[i + 1])}")
    return labels


def choropleth(shapes, frame, *, id, caption, source, unit, decimals=0, highlight=(),
               level_name="områder"):
    """An indicator per area. ``frame``: columns ``code``, ``label``, ``value`` (one row per
    area, missing values as NaN). Areas without a value are hatched grey, areas in
    ``highlight`` (codes) outlined in black; the values are listed beside the map."""
    import matplotlib.pyplot as plt

    frame = frame.reset_index(drop=True)
    values = {c: v for c, v in zip(frame["code"], frame["value"]) if v == v}
    vals = list(values.values())
    breaks = classes(vals)
    # With fewer classes, spread them over the palette so the darkest is always used.
    n_cls = len(breaks) + 1
    palette = [CLASSES[round(i * (len(CLASSES) - 1) / max(1, n_cls - 1))] for i in range(n_cls)]
    fills, hatches, edges, widths = {}, {}, {}, {}
    for code in shapes:
        if code in values:
            fills[code] = palette[_class_of(values[code], breaks)]
        else:
            fills[code], hatches[code] = MISSING_FILL, "////"
        if code in highlight:
            edges[code], widths[code] = "#000000", 1.6
    fig, ax = plt.subplots(figsize=(4.6, 5.6))
    fig.subplots_adjust(0, 0, 1, 1)
    _draw(ax, shapes, fills, edges, widths, hatches)
    _frame(ax, shapes)
    _inset(fig, ax, shapes, fills, edges=edges, widths=widths, hatches=hatches)
    labels = _class_labels(breaks, min(vals), max(vals), decimals) if vals else []
    handles = [Patch(facecolor=palette[i], edgecolor=EDGE, linewidth=0.5, label=labels[i])
               for i in range(len(labels))]
    if any(c not in values for c in shapes):
        handles.append(Patch(facecolor=MISSING_FILL, edgecolor=EDGE, hatch="////",
                             linewidth=0.5, label=formatting.MISSING))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.99), fontsize=8,
              title=unit, title_fontsize=8, alignment="left", handlelength=1.6,
              handleheight=1.1, borderaxespad=0.3)
    table = frame.sort_values(["value", "label"], ascending=[False, True], na_position="last")
    rows = [[lab, formatting.number(v, decimals)] for lab, v in zip(table["label"], table["value"])]
    alt = _choropleth_alt(frame, shapes, breaks, labels, unit, decimals, level_name, highlight)
    data = frame.rename(columns={"code": "kode", "label": "område", "value": "verdi"})
    return figures.Figure(id, caption, alt, source, unit, data.reset_index(drop=True), fig,
                          values={"columns": ["Område", unit], "rows": rows}, kind="map")


def _choropleth_alt(frame, shapes, breaks, labels, unit, decimals, level_name, highlight):
    have = frame.dropna(subset=["value"])
    parts = [f"Kart over Norge med {len(shapes)} {level_name}, farget etter verdi i "
             f"{len(labels)} klasser fra lys (lavest) til mørk (høyest)."]
    if len(have):
        top = have.loc[have["value"].idxmax()]
        low = have.loc[have["value"].idxmin()]
        val = lambda v: formatting.with_unit(v, unit, decimals)  # noqa: E731
        parts.append(f"Høyest: {top['label']} med {val(top['value'])}; lavest: {low['label']} "
                     f"med {val(low['value'])}.")
        mid = float(np.median(have["value"]))
        parts.append(f"Midtverdien (median) er {val(mid)}.")
    missing = [lab for c, lab in zip(frame["code"], frame["label"])
               if c in shapes and not frame.loc[frame["code"] == c, "value"].notna().any()]
    if missing:
        parts.append(f"Ikke tilgjengelig for {len(missing)} område{'r' if len(missing) > 1 else ''}: "
                     f"{', '.join(missing)}.")
    outside = [lab for c, lab, v in zip(frame["code"], frame["label"], frame["value"])
               if c not in shapes and v == v]
    if outside:
        parts.append(f"Uten eget område i kartet, bare i tabellen: {', '.join(outside)}.")
    for c in highlight:
        hit = have[have["code"] == c]
        if len(hit):
            parts.append(f"Uthevet: {hit['label'].iloc[0]} med "
                         f"{formatting.with_unit(hit['value'].iloc[0], unit, decimals)}.")
    parts.append("Alle verdiene står i tabellen ved siden av kartet.")
    return " ".join(parts)


def locator(shapes, code, *, id, caption, source, data, name, alt):
    """All areas in grey with ``code`` in blue and outlined; small areas also ringed."""
    import matplotlib.pyplot as plt

    fills = {c: (LOCATOR_HIGHLIGHT if c == code else LOCATOR_FILL) for c in shapes}
    edges = {c: ("#000000" if c == code else "#ffffff") for c in shapes}
    widths = {c: (1.0 if c == code else 0.5) for c in shapes}
    fig, ax = plt.subplots(figsize=(2.6, 3.2))
    fig.subplots_adjust(0, 0, 1, 1)
    order = sorted(shapes, key=lambda c: c == code)  # the highlighted area on top
    for c in order:
        _add(ax, shapes[c], facecolor=fills[c], edgecolor=edges[c], linewidth=widths[c])
    _frame(ax, shapes)
    g = shapes[code]
    x0, y0, x1, y1 = g.bounds
    if max(x1 - x0, y1 - y0) < 90:  # smaller than about 90 km: ring it so it can be found
        c = g.centroid
        ax.add_patch(plt.Circle((c.x, c.y), 60, fill=False, edgecolor="#000000", linewidth=1.4))
    return figures.Figure(id, caption, alt, source, "", data.reset_index(drop=True), fig,
                          kind="locator")
