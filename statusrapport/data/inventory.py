"""``build.py indicators``: the catalogue with what data each indicator actually has."""

import datetime
from pathlib import Path

import pandas as pd

from statusrapport.data import catalogue as catalogue_mod
from statusrapport.data import geography, observations, sources, vintages
from statusrapport.errors import DataError
from statusrapport.periods import label, start


def _span(found):
    """The periods with data as a reader writes them: '2015–2024', '2019–2023' (one five-year
    period), '2015–2019 til 2019–2023'; 'mangler data' if none."""
    if not found:
        return "mangler data"
    found = sorted(found, key=lambda p: (start(p), p))
    first, last = label(found[0]), label(found[-1])
    if first == last:
        return first
    if "–" in first or "–" in last or " " in first or " " in last:
        return f"{first} til {last}"
    return f"{first}–{last}"


def overview(root, chapter=None):
    data = Path(root) / "data"
    srcs = sources.load_all(data)
    cat = catalogue_mod.load(data / "catalogue.yml", set(srcs))
    geo = geography.load(data)
    frames, problems = [], []
    for source_id in sorted(srcs):  # every value as known now (the latest vintage)
        found_frames = []
        for path in vintages.files(data, source_id):
            frame, found = observations.read(path, cat, geo, set(srcs), datetime.date.today())
            problems += found
            found_frames.append(frame)
        frames.append(vintages.latest(found_frames))
    if problems:
        raise DataError(problems)
    obs = pd.concat([f for f in frames if f is not None]).dropna(subset=["value"])
    rows = []
    for ind in cat.indicators.values():
        if chapter and ind.chapter != chapter:
            continue
        mine = obs[obs["indicator"] == ind.id]
        periods = sorted(set(mine["period"]))
        t = ind.target
        rows.append({
            "id": ind.id, "chapter": ind.chapter, "title": ind.title, "unit": ind.unit,
            "direction": ind.direction,
            "target": f"{t['comparator']} {t['value']} ({t.get('year') or 'år ikke angitt'})" if t else "",
            "source": ", ".join(ind.source),
            "publisher": ", ".join(dict.fromkeys(srcs[s].publisher for s in ind.source)),
            "periods": _span(periods),
            "levels": sorted(set(mine["geo_level"])), "observations": int(len(mine)),
        })
    return rows
