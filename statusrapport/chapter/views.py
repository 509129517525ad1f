"""Ready-made figures and tables for chapters, built from the catalogue so every chapter looks
the same: development over time, comparison across areas, targets, tiltak, key figures."""

import pandas as pd

from statusrapport.periods import is_multi_year, label as period_label
from statusrapport.chapter import figures, formatting, tables, targets
from statusrapport.model import (ADDITIVE_UNITS, LEVELS, NATIONAL, NATIONAL_CODE, RATE_DENOMINATOR,
                                 split_status)

LEVEL_NAMES = {NATIONAL: "hele landet", "rhf": "regionale helseforetak", "hf": "helseforetaksområder",
               "helsefellesskap": "helsefellesskap", "dps": "DPS-områder", "kommune": "kommuner"}


class Missing(str):
    """What a view returns when the edition has no data for it; shown as a note, never guessed."""


def _slug(*parts):
    return "-".join(str(p) for p in parts)


def _region_levels(ds, ind):
    """Where a region edition finds its own values for this indicator."""
    for level in ("helsefellesskap", "hf"):
        if level in ind.levels and ds.focus(level):
            return level, ds.focus(level)
    return None, []


def trend(ds, ids, caption=None, target=True):
    """Line chart over time, nationally; in a region edition the region's own series first."""
    ids = [ids] if isinstance(ids, str) else list(ids)
    inds = [ds.indicator(i) for i in ids]
    frames = []
    for ind in inds:
        level, codes = _region_levels(ds, ind)
        if level and len(ids) == 1:
            own = ds.observations(ind.id, level, codes)
            frames.append(own.assign(series=own["name"]))
        nat = ds.observations(ind.id, NATIONAL, [NATIONAL_CODE])
        label = ind.title if len(ids) > 1 else "Hele landet"
        frames.append(nat.assign(series=label))
    data = _with_status(pd.concat(frames), ["series", "period", "value", "indicator", "geo_code",
                                            "source", "ref"])
    annual = ~data["period"].map(is_multi_year).astype(bool)
    if annual.any():  # multi-year averages do not belong on a yearly axis
        data = data[annual]
    if data["value"].notna().sum() == 0:
        return Missing(f"{inds[0].title}: ikke tilgjengelig for perioden til og med "
                       f"{ds.edition.data_year}.")
    first = inds[0]
    tgt = ds.target(first.id) if (target and len(ids) == 1) else None
    caption = _with_breaks(caption or f"{first.title} ({first.unit})", inds, data)
    return figures.line(data, id=_slug("trend", *ids), caption=caption,
                        source=ds.source_text(ids, data), unit=first.unit,
                        decimals=first.decimals, target=tgt, breaks=_breaks(inds, data))


def _with_status(data, columns):
    """``columns`` of the figure data, plus ``status`` where a value carries a qualifier."""
    if data["status"].map(lambda st: bool(split_status(st)[1])).any():
        columns = columns + ["status"]
    return data[columns]


def _breaks(inds, data):
    """Periods where a shown series breaks (catalogue ``breaks``)."""
    shown = set(data["period"])
    return tuple(dict.fromkeys(b["period"] for i in inds for b in i.breaks if b["period"] in shown))


def _with_breaks(caption, inds, data):
    shown = set(data["period"])
    notes = [b["note"] for i in inds for b in i.breaks if b["period"] in shown]
    return caption + ("".join(f" {n}" for n in dict.fromkeys(notes)) if notes else "")


def trend_by_area(ds, id, level="rhf", caption=None, target=True):
    """Line chart over time with one line per area (e.g. the four RHF) and the national line
    where the indicator has one; for indicators that have no national value (medians,
    percentiles) the areas are shown on their own."""
    ind = ds.indicator(id)
    obs = ds.observations(id, level)
    nat = ds.observations(id, NATIONAL, [NATIONAL_CODE])
    data = pd.concat([obs.assign(series=obs["name"]), nat.assign(series="Hele landet")])
    data = data[~data["period"].map(is_multi_year).astype(bool)]
    data = _with_status(data, ["series", "period", "value", "indicator", "geo_code", "source",
                               "ref"])
    if data["value"].notna().sum() == 0:
        return Missing(f"{ind.title} for {LEVEL_NAMES[level]}: ikke tilgjengelig for perioden til "
                       f"og med {ds.edition.data_year}.")
    caption = _with_breaks(caption or f"{ind.title}, {LEVEL_NAMES[level]} ({ind.unit})", [ind],
                           data)
    return figures.line(data, id=_slug("trend", id, level), caption=caption,
                        source=ds.source_text(id, data), unit=ind.unit, decimals=ind.decimals,
                        target=ds.target(id) if target else None, breaks=_breaks([ind], data))


def by_area(ds, id, level="hf", period=None, caption=None, compare_period=None, level_name=None):
    """Bars per area for the latest period (or ``period``); the region's areas highlighted and
    the national value as a reference line. ``compare_period`` adds a second series.
    ``level_name`` names the areas in the caption when they are not catchment areas (e.g.
    "helseforetak (behandlingssted)" for values per treating hospital)."""
    ind = ds.indicator(id)
    obs = ds.observations(id, level)
    if obs["value"].notna().sum() == 0:
        return Missing(f"{ind.title} for {LEVEL_NAMES[level]}: ikke tilgjengelig for perioden til "
                       f"og med {ds.edition.data_year}.")
    period = period or obs.dropna(subset=["value"])["period"].max()
    periods = [p for p in (compare_period, period) if p]
    data = obs[obs["period"].isin(periods)]
    frame = pd.DataFrame({"label": data["name"], "value": data["value"], "period": data["period"]})
    if data["status"].map(lambda st: bool(split_status(st)[1])).any():
        frame["status"] = data["status"]  # the source's qualifiers travel with the values
    if len(periods) > 1:
        frame["series"] = frame["period"].map(period_label)
    nat = ds.observations(id, NATIONAL, [NATIONAL_CODE])
    nat = nat[nat["period"] == period].dropna(subset=["value"])
    # A national line only makes sense for rates and shares, not for totals summed over areas.
    additive = ind.unit in ADDITIVE_UNITS
    reference = (("Hele landet", float(nat["value"].iloc[0]))
                 if len(nat) and level != NATIONAL and not additive else None)
    highlight = [ds.geography.name(level, c) for c in ds.focus(level)]
    caption = caption or (f"{ind.title}, {level_name or LEVEL_NAMES[level]}, "
                          f"{period_label(period)} ({ind.unit})")
    caption = _with_breaks(caption, [ind], data) if len(periods) > 1 else caption
    return figures.bars(frame.drop(columns="period"), id=_slug("area", id, level, period),
                        caption=caption, source=ds.source_text(id, data), unit=ind.unit, decimals=ind.decimals,
                        highlight=highlight, reference=reference, target=ds.target(id))


def map(ds, id, level="hf", period=None, caption=None):  # noqa: A001 - reads as views.map
    """Choropleth of the latest period (or ``period``) per HF area, DPS area or helsefellesskap,
    with the values listed beside it; the region's own areas outlined."""
    from statusrapport.chapter import maps

    ind = ds.indicator(id)
    obs = ds.observations(id, level)
    if obs["value"].notna().sum() == 0:
        return Missing(f"{ind.title} for {LEVEL_NAMES[level]}: ikke tilgjengelig for perioden til "
                       f"og med {ds.edition.data_year}.")
    period = period or obs.dropna(subset=["value"])["period"].max()
    data = obs[obs["period"] == period].drop_duplicates("geo_code")
    shapes = maps.boundaries(ds, level)
    got = dict(zip(data["geo_code"], data["value"]))
    codes = sorted(set(shapes) | {c for c, v in got.items() if v == v})
    frame = pd.DataFrame({"code": codes, "label": [ds.geography.name(level, c) for c in codes],
                          "value": [got.get(c, float("nan")) for c in codes]})
    caption = caption or (f"{ind.title}, {LEVEL_NAMES[level]}, {period_label(period)}"
                          f" ({ind.unit})")
    source = ds.source_text(id, data).rstrip(".") + ". " + maps.credit(ds, level)
    return maps.choropleth(shapes, frame, id=_slug("map", id, level, period), caption=caption,
                           source=source, unit=ind.unit, decimals=ind.decimals,
                           highlight=ds.focus(level), level_name=LEVEL_NAMES[level])


def locator_map(ds, code):
    """Where helsefellesskap ``code`` lies, for its page in the appendix; the data are its
    kommuner with population."""
    from statusrapport.chapter import maps

    shapes = maps.boundaries(ds, "helsefellesskap")
    name = ds.geography.name("helsefellesskap", code)
    k = ds.geography.kommuner
    k = k[k["helsefellesskap"] == code].sort_values("kommunenummer")
    rhf = ds.geography.name("rhf", ds.geography.rhf_of("helsefellesskap", code))
    fylker = list(dict.fromkeys(k["fylkesnavn"]))
    alt = (f"Norgeskart med de 19 helsefellesskapene i grått, der {name} er uthevet i blått. "
           f"Området ligger i {rhf} og omfatter {len(k)} kommune{'r' if len(k) != 1 else ''} i "
           f"{_join(fylker)}")
    columns = {"kommunenummer": k["kommunenummer"], "kommune": k["kommunenavn"]}
    source = maps.credit(ds, "helsefellesskap")
    if ds.knows("helsefellesskap_proxy"):  # membership and population as this edition knew them
        columns["folketall_2024"] = k["folketall_2024"]
        alt += f" med {formatting.number(int(k['folketall_2024'].sum()))} innbyggere (1. januar 2024)"
        members = ds.source("helsefellesskap_proxy")
        source = (f"Kommuner og folketall: {members.publisher}: {members.title} "
                  f"({members.licence}). " + source)
    alt += "."
    data = pd.DataFrame(columns)
    return maps.locator(shapes, code, id=_slug("locator", code), caption=f"{name} i kartet",
                        source=source, data=data, name=name, alt=alt)


def _join(names):
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def key_figures(ds, ids, caption):
    """Latest value of each indicator, for the region (if any) and nationally."""
    rows = []
    for i in ids:
        ind = ds.indicator(i)
        period, text = ds.latest_text(i)
        if period is None and _area_only(ds, i) is not None:  # never "missing" for shown values
            last, text = _area_only(ds, i)
            period = last["period"]
        row = {"Indikator": ind.title, "Periode": period_label(period) if period else "–"}
        level, codes = _region_levels(ds, ind)
        if not ds.national:
            row[ds.region_name] = (area_value(ds, i, level, codes, period)[0] if level and period
                                   else formatting.MISSING)
        row["Hele landet"] = text
        row["Kilde"] = ", ".join(dict.fromkeys(ds.source(s).publisher for s in ds.sources_of(i))) or "–"
        rows.append(row)
    frame = pd.DataFrame(rows)
    return tables.from_frame(frame, id=_slug("key", *ids[:3]), caption=caption,
                             source=ds.source_text(ids), formats={c: str for c in frame.columns
                                                                  if c not in ("Indikator", "Kilde")})


def area_table(ds, ids, caption, level="rhf"):
    """One row per indicator, one column per area (and the nation where it has a value), for the
    latest period of each indicator; for related indicators that exist only per region."""
    rows, used = [], []
    for i in ids:
        ind = ds.indicator(i)
        obs = ds.observations(i, level).dropna(subset=["value"])
        if obs.empty:
            continue
        period = obs["period"].max()
        row = {"Indikator": ind.title, "Periode": period_label(period)}
        for _, r in obs[obs["period"] == period].sort_values("name").iterrows():
            row[r["name"]] = ds.value_text(i, r["value"])
        nat = ds.observations(i, NATIONAL, [NATIONAL_CODE]).dropna(subset=["value"])
        nat = nat[nat["period"] == period]
        row["Hele landet"] = (ds.value_text(i, nat["value"].iloc[0]) if len(nat)
                              else "ikke beregnet")
        rows.append(row)
        used.append(i)
    if not rows:
        return Missing(f"{caption}: ikke tilgjengelig for perioden til og med {ds.edition.data_year}.")
    frame = pd.DataFrame(rows).fillna(formatting.MISSING)
    return tables.from_frame(frame, id=_slug("areas", *ids[:3]), caption=caption,
                             source=ds.source_text(used),
                             formats={c: str for c in frame.columns if c != "Indikator"})


def target_table(ds, chapters, caption):
    """Every indicator with a target of this plan in ``chapters``: target, target year (or
    "ikke angitt"), status and the value, year and source the status rests on."""
    chapters = [chapters] if isinstance(chapters, str) else chapters
    rows, ids = [], []
    for ch in chapters:
        for ind in ds.catalogue.chapter(ch):
            t = ds.target(ind.id)
            if not t:
                continue
            j = ds.judgement(ind.id)
            if j.basis is not None:
                period, value, quals, src_id = j.basis
                src = ds.source(src_id)
                basis_value = ds.value_text(ind.id, value, quals)
                basis_period = period_label(period)
                basis_src = f"{src.publisher}: {src.title.split(' (')[0]}"
            else:
                basis_value, basis_period, basis_src = "–", "–", "–"
            rows.append({"Indikator": ind.title, "Mål": ds.target_text(ind.id),
                         "Målår": ds.target_year_text(ind.id),
                         "Status": j.status, "Grunnlag for status": basis_value,
                         "Periode": basis_period, "Kilde for verdien": basis_src,
                         "Regel": j.rule})
            ids.append(ind.id)
    columns = ["Indikator", "Mål", "Målår", "Status", "Grunnlag for status", "Periode",
               "Kilde for verdien", "Regel"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return Missing("Planen setter ingen tallfestede mål for dette kapitlet.")
    return tables.from_frame(frame, id=_slug("targets", *chapters), caption=caption,
                             source=ds.source_text(ids),
                             formats={c: str for c in columns if c not in ("Indikator", "Regel")})


def tiltak_table(ds, chapter, caption):
    rows = ds.tiltak_for(chapter)
    frame = pd.DataFrame({"Tiltak": rows["title"], "Ansvar": rows["owner"],
                          "Frist": rows["deadline"], "Status": rows["status"],
                          "Merknad": rows["comment"]})
    srcs = sorted(set(rows["source"]))
    src = "Kilde: " + "; ".join(f"{ds.source(s).publisher}: {ds.source(s).title}" for s in srcs
                                if s in ds.sources) + f"; status per utgave {ds.edition.name}."
    return tables.from_frame(frame, id=_slug("tiltak", chapter), caption=caption, source=src)


def missing_results(ds, caption):
    """The results of Meld. St. 9 ch. 10 that no indicator with data follows up yet."""
    rows = []
    for res in ds.catalogue.results:
        # an indicator measured only per region (e.g. reinnleggelser per RHF) has data too
        with_data = [i for i in res.get("indicators") or []
                     if ds.observations(i)["value"].notna().any()]
        rows.append({"Nr.": str(res["number"]), "Resultat": res["title"],
                     "Indikatorer med data": ", ".join(ds.indicator(i).title for i in with_data)
                     or "mangler data",
                     "Merknad": res.get("note", "")})
    frame = pd.DataFrame(rows)
    return tables.from_frame(frame, id="results", caption=caption,
                             source="Kilde: Meld. St. 9 (2023–2024) kapittel 10; indikatorkatalogen.")


def compare(ds, ids, caption):
    """Bars for several indicators with the same unit, one bar per period (e.g. 2017 vs 2021)."""
    inds = [ds.indicator(i) for i in ids]
    obs = ds.observations(ids, NATIONAL, [NATIONAL_CODE]).dropna(subset=["value"])
    if obs.empty:
        return Missing(f"{caption}: ikke tilgjengelig for perioden til og med {ds.edition.data_year}.")
    titles = {i.id: i.title for i in inds}
    frame = pd.DataFrame({"label": obs["indicator"].map(titles), "value": obs["value"],
                          "series": obs["period"].map(period_label)})
    if frame["series"].nunique() == 1:
        frame = frame.drop(columns="series")
    return figures.bars(frame, id=_slug("compare", *ids[:3]), caption=caption,
                        source=ds.source_text(ids, obs), unit=inds[0].unit,
                        decimals=inds[0].decimals)


def area_value(ds, id, level, codes, period):
    """The value of one period for an area made of ``codes`` at ``level`` (the member HF of a
    helsefellesskap), as the report writes it, and the number behind it (or None).

    One member: its value. Several: counts are summed, rates per innbygger are weighted by the
    population of the rate's own year and age group (``Dataset.population``); if a member or
    its population is missing, so is the aggregate. Other units (shares, waiting times,
    medians) cannot be combined without their own weights and are listed per member."""
    ind = ds.indicator(id)
    obs = ds.observations(id, level, codes).dropna(subset=["value"])
    obs = obs[obs["period"] == period]
    if obs["geo_code"].duplicated().any():  # several sources: the first listed in the catalogue
        rank = {s: n for n, s in enumerate(ind.source)}
        obs = obs.assign(r=obs["source"].map(rank)).sort_values("r").drop_duplicates("geo_code")
    have = dict(zip(obs["geo_code"], zip(obs["value"], obs["status"])))
    if len(codes) == 1:
        hit = have.get(codes[0])
        return (ds.value_text(id, *hit), hit[0]) if hit else (formatting.MISSING, None)
    if not have:
        return formatting.MISSING, None
    missing = [ds.geography.name(level, c) for c in codes if c not in have]
    if ind.unit in ADDITIVE_UNITS and "_per_" not in ind.id:  # not averages such as per opphold
        if missing:
            return f"ikke beregnet (mangler for {', '.join(missing)})", None
        total = sum(v for v, _ in have.values())
        return ds.value_text(id, total), total
    pops = {c: ds.population(ind.unit, level, c, period) for c in codes}
    if ind.unit in RATE_DENOMINATOR:
        lacking = missing + [ds.geography.name(level, c) for c in codes
                             if c in have and pops[c] is None]
        if lacking:
            return f"ikke beregnet (tall eller befolkning mangler for {', '.join(lacking)})", None
        rate = sum(have[c][0] * pops[c] for c in codes) / sum(pops[c] for c in codes)
        return ds.value_text(id, rate), rate
    parts = [f"{ds.geography.name(level, c)}: {ds.value_text(id, *have[c])}" for c in codes
             if c in have]
    return "ikke samlet; " + "; ".join(parts), None


def area_profile(ds, code, ids, caption):
    """One helsefellesskap next to its RHF and the nation, for the appendix. Indicators given
    per HF use every member HF (``area_value``); where HF areas and the helsefellesskap only
    partly overlap, the table says so."""
    rhf = ds.geography.rhf_of("helsefellesskap", code)
    hfs = ds.geography.members("hf", code)
    rows, used = [], []
    for i in ids:
        ind = ds.indicator(i)
        level, codes = (("helsefellesskap", [code]) if "helsefellesskap" in ind.levels
                        else ("hf", hfs) if "hf" in ind.levels
                        else ("rhf", [rhf]) if "rhf" in ind.levels else (None, []))
        if level is None:
            continue
        own = ds.observations(i, level, codes).dropna(subset=["value"])
        own = own[~own["period"].map(is_multi_year).astype(bool)] if (
            ~own["period"].map(is_multi_year).astype(bool)).any() else own
        if own.empty:
            continue
        period = own["period"].max()
        value_at = {}
        for lv, c in (("rhf", rhf), (NATIONAL, NATIONAL_CODE)):
            text, _ = area_value(ds, i, lv, [c], period)
            value_at[lv] = ("ikke beregnet" if text == formatting.MISSING and lv not in ind.levels
                            else text)
        own_text = area_value(ds, i, level, codes, period)[0] if level != "rhf" else "bare regionstall"
        if level == "hf" and len(codes) > 1:
            own_text += f" (sum/vektet over {len(codes)} HF)" if not own_text.startswith(
                ("ikke", formatting.MISSING)) else ""
        rows.append({"Indikator": ind.title, "Periode": period_label(period),
                     "Området": own_text, "Regionen (RHF)": value_at["rhf"],
                     "Hele landet": value_at[NATIONAL]})
        used.append(i)
    frame = pd.DataFrame(rows, columns=["Indikator", "Periode", "Området", "Regionen (RHF)",
                                        "Hele landet"])
    source = ds.source_text(used) if used else "Kilde: –"
    note = ds.geography.overlap_note(code)
    members = ", ".join(ds.geography.name("hf", h) for h in hfs)
    source += f" Tall per helseforetak gjelder {members}."
    if note:
        source += f" Merknad: {note}"
    return tables.from_frame(frame, id=_slug("profile", code), caption=caption, source=source,
                             formats={c: str for c in frame.columns if c != "Indikator"})


def area_order(ds):
    """Helsefellesskap codes for the appendix: the edition's own region first, then by RHF and name."""
    units = ds.geography.units
    hf = units[units["level"] == "helsefellesskap"].sort_values(["rhf", "name"])
    codes = list(hf["code"])
    return ([ds.region] + [c for c in codes if c != ds.region]) if not ds.national else codes


def changes(ds, previous, caption):
    """Indicators whose latest value or target status differs from the previous edition."""
    from statusrapport.chapter import changes as changes_mod

    if previous is None:
        return Missing("Dette er den første utgaven for planen; det finnes ingen tidligere utgave å "
                       "sammenligne med.")
    rows = []
    order = {"bedre": 0, "dårligere": 1, "endret": 2, "revidert": 3, "ny": 4, "borte": 5}
    found = [c for c in changes_mod.compare(ds, previous)
             if c.kind != "uendret" or c.status_before != c.status_after]
    for c in sorted(found, key=lambda c: (order.get(c.kind, 5), ds.indicator(c.id).chapter)):
        ind = ds.indicator(c.id)

        def cell(point):
            return (f"{ds.value_text(c.id, point[1])} ({period_label(point[0])})"
                    if point[1] is not None else "–")
        status = (f"{c.status_before or '–'} → {c.status_after}" if ds.target(c.id) and
                  c.status_before != c.status_after else "")
        before = cell(c.before)
        if c.revised:  # what was published, and the value a later delivery gave the same period
            before += (f"; revidert: {formatting.number(c.revised[0], ind.decimals)} → "
                       f"{formatting.number(c.revised[1], ind.decimals)}")
        rows.append({"Indikator": ind.title, f"Utgave {previous.edition.name}": before,
                     f"Utgave {ds.edition.name}": cell(c.after), "Endring": c.kind,
                     "Målstatus": status})
    frame = pd.DataFrame(rows, columns=["Indikator", f"Utgave {previous.edition.name}",
                                        f"Utgave {ds.edition.name}", "Endring", "Målstatus"])
    if frame.empty:
        return Missing("Ingen indikatorer er endret siden forrige utgave.")
    return tables.from_frame(frame, id="changes", caption=caption,
                             source=f"Kilde: utgave {previous.edition.name} og "
                                    f"{ds.edition.name}, beregnet fra de samme datafilene"
                                    + (f"; «revidert» viser verdien utgave {previous.edition.name} "
                                       "publiserte og verdien etter en senere levering."
                                       if any(c.revised for c in found) else "."))


def _area_only(ds, id):
    """For an indicator without a national value: (latest row at the widest level that has
    values, "ikke landstall; tall per …"), or None if it has no values at all."""
    local = ds.observations(id).dropna(subset=["value"])
    if local.empty:
        return None
    level = min(local["geo_level"], key=LEVELS.index)
    last = local[local["geo_level"] == level].sort_values("period").iloc[-1]
    return last, f"ikke landstall; tall per {LEVEL_NAMES[level]}"


def indicator_overview(ds, chapter, caption):
    """Every indicator of the chapter with its latest national value and where it comes from
    (publisher and line; the full source titles stand once in the note under the table);
    indicators without data in this edition are listed as missing."""
    rows, ids = [], []
    for ind in ds.catalogue.chapter(chapter):
        obs = ds.series(ind.id)
        if obs.empty and _area_only(ds, ind.id) is not None:  # values per area only: say where
            last, text = _area_only(ds, ind.id)
            rows.append({"Indikator": ind.title, "Periode": period_label(last["period"]),
                         "Verdi": text,
                         "Kilde": f"{ds.source(last['source']).publisher}: "
                                  f"{ds.source(last['source']).title}"})
            ids.append(ind.id)
            continue
        if obs.empty:
            rows.append({"Indikator": ind.title, "Periode": "–", "Verdi": formatting.MISSING,
                         "Kilde": ", ".join(ds.source(s).publisher for s in ds.sources_of(ind.id))
                         or "–"})
            continue
        last = obs.iloc[-1]
        src = ds.source(last["source"])
        ref = last["ref"]
        where = f", linje {ref[1:].replace('-', '–')}" if ref.startswith("L") else ""
        rows.append({"Indikator": ind.title, "Periode": period_label(last["period"]),
                     "Verdi": ds.value_text(ind.id, last["value"], last["status"]),
                     "Kilde": f"{src.publisher}{where}"})
        ids.append(ind.id)
    frame = pd.DataFrame(rows, columns=["Indikator", "Periode", "Verdi", "Kilde"])
    return tables.from_frame(frame, id=_slug("overview", chapter), caption=caption,
                             source=ds.source_text(ids) if ids else "Kilde: indikatorkatalogen.",
                             formats={"Periode": str, "Verdi": str})


def target_status_chart(ds, chapters, caption):
    """How many of the plan's targets are reached, on track, not reached or without data."""
    statuses = [ds.target_status(i.id) for ch in chapters for i in ds.catalogue.chapter(ch)
                if ds.target(i.id)]
    if not statuses:
        return Missing("Planen har ingen tallfestede mål i denne utgavens planperiode.")
    order = [st for st in targets.STATUSES if st in statuses]
    frame = pd.DataFrame({"label": order, "value": [float(statuses.count(s)) for s in order]})
    return figures.bars(frame, id="target-status", caption=caption,
                        source="Kilde: beregnet fra indikatorkatalogen og observasjonene i denne "
                               "utgaven (se tabellen over målene).", unit="antall", decimals=0)


REGISTER_NOTE = """\
- **Nevnere.** Alle rater per innbygger er delt på folkemengden 1. januar samme år som telleren (SSB tabell 07459, 2024-kommuner), og på aldersgruppen som står i enheten (for eksempel innbyggere 18 år og eldre for psykisk helsevern for voksne og TSB, 0–17 år for barn og unge, 80 år og eldre for eldre-indikatoren). Mangler befolkningen for et år eller et område, mangler raten. Oslo universitetssykehus og Akershus universitetssykehus deler Oslo etter bydel; for disse to opptaksområdene beregnes ingen rate per innbygger.
- **Nasjonale kvalitetsindikatorer (Helsedirektoratet).** Eksporten har tall per helseforetak og per regionalt helseforetak, men ingen landsrad. Landstallet for gjennomsnittlig ventetid er snittet av de fire regionenes ventetider vektet med antall pasienter som har påbegynt helsehjelp; landstall for andeler er summen av tellerne delt på summen av nevnerne i de fire regionene, når begge tellingene finnes i eksporten. Medianer, 90-persentiler og sannsynligheter for reinnleggelse kan ikke slås sammen og vises bare per region. Mangler én region et år, mangler landstallet.
- **Behandlingssted, ikke bosted.** Tallene fra kvalitetsindikatorene gjelder foretaket eller regionen som ga helsehjelpen. Private og ideelle behandlingssteder uten eget opptaksområde og radene «Helse X Private» er ikke med i tallene per helseforetak, men inngår i regionstallene. På sidene for helsefellesskapene er helseforetakene i området brukt som tilnærming (se Geografi over).
- **Norsk pasientregister (FHI).** Nøkkeltallene gjelder pasientens bostedsregion, hele året og alle aktører. Tertialtallene er kumulative og legges aldri sammen, og en pasient telles én gang nasjonalt, så landstallet er mindre enn summen av regionene. Helse Midt-Norge innførte ny pasientjournal 2022–2024, og FHI tar forbehold om tallene for regionen og landet i disse årene.
- **Helseatlas (SKDE).** Hjerteinfarktatlaset gir rater per 1 000 innbyggere 18 år og eldre i opptaksområdet med SKDEs egne befolkningstall, for 2018–2022.
"""


METHOD_NOTE = """\
**Status for målene.** Et mål vurderes bare i utgavene for planen som satte det; målene i Nasjonal helse- og sykehusplan 2020–2023 vurderes i utgaven for 2022. Statusen bygger bare på målte verdier, aldri på framskrivinger, prognoser eller anslag (budsjettall brukes bare når målet gjelder budsjettet, som ISF-andelen). Tabellen over målene viser verdien, perioden og kilden statusen bygger på.

- **nådd**: siste måling i planperioden oppfyller målet (eller, når målåret er passert, målingen for målåret gjør det).
- **ikke nådd ennå**: målåret er ikke kommet, og siste måling oppfyller ikke målet.
- **ikke nådd**: målåret er passert og målingen for målåret oppfyller ikke målet, eller kilden angir ikke noe målår og siste måling oppfyller ikke målet.
- **mangler data for målåret**: målåret er passert, men det finnes ingen måling for det året.
- **utgangspunkt**: de siste tallene er fra før planperioden; de beskriver utgangspunktet og er ikke en status.
- **mangler data**: ingen måling.

Når kilden ikke oppgir noe målår, står målåret som «ikke angitt»; vi antar ikke at planperiodens slutt er målåret.

**Nevnere.** Rater per innbygger er delt på folkemengden 1. januar i ratens eget år, i den aldersgruppen enheten nevner (for eksempel innbyggere 0–17 år eller 80 år og eldre). Mangler folkemengden for et år eller et område, mangler raten; den beregnes aldri med et annet års befolkning. «Per 1 000 listeinnbyggere» betyr per 1 000 innbyggere på fastlegelister.

**Geografi.** Helsefellesskapene er tilnærmet med kommunenes lokalsykehusområde (kommuner delt mellom to områder er lagt til hovedområdet). Et helsefellesskap med flere helseforetak vises som summen av alle: antall summeres, og rater vektes med befolkningen i samme år. Andeler, ventetider og medianer kan ikke slås sammen uten egne vekter og vises da per helseforetak. Helsefellesskap Oslo omfatter Oslo universitetssykehus, Lovisenberg Diakonale Sykehus og Diakonhjemmet Sykehus, mens bydelene Alna, Grorud og Stovner hører til Akershus universitetssykehus' opptaksområde; tall per helseforetak for Oslo og Ahus dekker derfor ikke nøyaktig helsefellesskapene. Befolkning per bydel finnes ikke i grunnlaget, så rater for disse opptaksområdene beregnes ikke. Medlemskapet avviker også andre steder fra vedlegg 2 i Rapport 2022: Vestre Viken har 21 kommuner her mot 22 i vedlegget og St. Olav 19 mot 22, fordi inndelingen her følger hver kommunes hovedtilknytning til ett lokalsykehusområde; Helgeland er tatt med fullt ut, selv om tilslutningen ennå var til behandling i kommunestyrene i 2022. Avvikene er beskrevet i kildeposten for inndelingen (helsefellesskap_proxy).

**Kildens forbehold.** Når kilden skriver «om lag», «over», «nærmere», «kumulativt siden» eller at et tall er ventet, står det samme ved tallet i tabeller, figurer og tekst. Målene vises med den presisjonen kilden gir (et mål på «35 dager» skrives ikke «35,0 dager»); verdiene vises med indikatorens faste antall desimaler. Endringer beregnes ikke mellom grenseverdier, anslag eller kumulative tall.

**Avvik og brudd.** En verdi som indikatorkatalogen merker som usannsynlig, vises for kommunen med merknad, men holdes utenfor summer, rater og andeler.{outlier} Et kjent brudd i en serie vises som brudd i figurene, og tall på hver side av bruddet sammenlignes ikke.{brk}

**Figurene.** Tidsaksen er en ekte tidsakse: år med lang avstand står langt fra hverandre, linjen brytes der det mangler år, og serier med ett eller to punkter vises som punkter.
"""


def method_note(ds):
    """The report's "Om tallene": status rules, denominators, geography, qualifiers, outliers,
    breaks and charts in plain Norwegian, followed by the note on the register extracts for
    the editions that use them."""
    year = ds.edition.data_year
    note = METHOD_NOTE.format(
        outlier=" I denne utgaven gjelder det legeårsverk i KAD i Lindesnes i 2024." if year >= 2024 else "",
        brk=(" I denne utgaven gjelder det utskrivninger fra somatiske døgnavdelinger i SSB tabell "
             "13942 fra 2024 til 2025." if year >= 2025 else ""))
    reg = register_note(ds)
    return note + (f"\n**Registerdataene.**\n\n{reg}" if reg else "")


def register_note(ds):
    """The method note on the register extracts (denominators, national values, geography), or
    None for editions that do not use them."""
    return REGISTER_NOTE if ds.knows("nki_kvalitetsindikatorer") else None
