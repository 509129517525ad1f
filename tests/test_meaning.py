"""Every number means what its label says: target rules, qualifiers, helsefellesskap made of all
member HF, own-year denominators and honest time axes (issue 13)."""

import io
import types

import pandas as pd
import pytest
from PIL import Image

from statusrapport import model, periods
from statusrapport.chapter import figures, formatting, targets, views
from statusrapport.data.dataset import Dataset

NB = "\u00a0"
PLAN = (2024, 2027)


# -- target status rules, each on a small catalogue of one target ---------------------------

def judge(points, year=2027, data_year=2025, value=35, comparator="<"):
    target = {"value": value, "comparator": comparator, "plan": "2024–2027", "ref": "x"}
    if year is not None:
        target["year"] = year
    return targets.judge(target, points, PLAN, data_year)


def test_only_measurements_count():
    forecast = ("2025", 30.0, ("forecast",), "s")
    assert judge([forecast]).status == "mangler data"
    assert judge([("2024", 40.0, (), "s"), forecast]).basis[0] == "2024"


def test_target_year_not_given_is_not_assumed():
    j = judge([("2024", 40.0, (), "s")], year=None, data_year=2030)
    assert j.status == "ikke nådd" and j.basis[1] == 40.0
    assert judge([("2024", 30.2, (), "s")], year=None, value=30).status == "ikke nådd"  # not < 30


def test_pre_plan_data_is_a_baseline():
    j = judge([("2021", 49.6, (), "s")])
    assert j.status == "utgangspunkt" and j.basis[0] == "2021"


def test_passed_target_year_is_judged_on_that_year():
    pts = [("2024", 40.0, (), "s"), ("2025", 36.0, (), "s")]
    assert judge(pts, year=2024).status == "ikke nådd"
    assert judge(pts, year=2024).basis[0] == "2024"
    assert judge([("2024", 34.0, (), "s"), ("2025", 40.0, (), "s")], year=2024).status == "nådd"
    # no value for the target year: never the year before or a projection
    assert judge([("2024", 40.0, (), "s")], year=2025, value=30,
                 comparator="<=").status == "mangler data for målåret"


def test_no_projection_status():
    # the line through 45 and 40 reaches < 35 by 2027, but that is not a status
    assert judge([("2024", 45.0, (), "s"), ("2025", 40.0, (), "s")]).status == "ikke nådd ennå"
    assert "i rute" not in targets.STATUSES


def test_previous_plans_targets_are_judged_in_its_own_edition(project):
    ds22, ds26 = Dataset(project, "2022"), Dataset(project, "2026")
    assert ds22.target("hjerneslag_funksjonsvurdering_andel") is not None
    assert ds26.target("hjerneslag_funksjonsvurdering_andel") is None
    assert ds26.target("ventetid_tsb") is not None and ds22.target("ventetid_tsb") is None


def test_target_table_shows_basis_and_rules(project):
    ds = Dataset(project, "2026")
    table = views.target_table(ds, ["psykisk_helse", "finansiering"], "Mål")
    rows = {r[0]: dict(zip(table.columns, r)) for r in table.rows}
    tsb = rows["Gjennomsnittlig ventetid, tverrfaglig spesialisert rusbehandling"]
    assert tsb["Status"] == "ikke nådd" and tsb["Målår"] == "ikke angitt"
    assert tsb["Mål"] == f"under 30{NB}dager"  # the precision of the source, not "30,0"
    assert tsb["Periode"] == "2024" and tsb["Grunnlag for status"].startswith("30,2")
    isf = rows["ISF-andel i somatikken"]
    assert isf["Status"] == "mangler data for målåret" and isf["Målår"] == "2025"


# -- qualifiers ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, quals, text", [
    (100_000_000, "antall", ("lower_bound",), f"over 100{NB}mill."),
    (16000, "antall", ("approximate",), f"om lag 16{NB}000"),
    (600000, "antall", ("nearly", "cumulative:2019"), f"nærmere 600{NB}000 (kumulativt siden 2019)"),
    (13, "per 1 000 innbyggere", ("per_listed",), f"13{NB}per 1 000 listeinnbyggere"),
    (1000, "antall", ("lower_bound", "forecast"), f"over 1{NB}000 (forventet)"),
])
def test_qualifiers_render(value, unit, quals, text):
    assert formatting.with_unit(value, unit, 0, quals) == text


def test_qualifiers_are_one_definition_in_the_status_column():
    assert model.split_status("provisional;approximate") == ("provisional", ("approximate",))
    assert model.split_status("nearly;cumulative:2019") == ("", ("nearly", "cumulative:2019"))
    assert model.qualifier_problem("cumulative") is not None  # needs its start year
    assert model.qualifier_problem("roughly") is not None


def test_qualifiers_reach_tables_and_prose(project):
    ds = Dataset(project, "2026")
    table = views.key_figures(ds, ["utskrivningsklare_pasienter", "pakkeforlop_phr_henviste",
                                   "helsenorge_besok"], "k")
    cells = [r[2] for r in table.rows]
    assert cells == [f"om lag 16{NB}000", f"nærmere 600{NB}000 (kumulativt siden 2019)",
                     f"over 100{NB}mill."]
    assert ds.values(["helsenorge_besok"])["helsenorge_besok"]["siste"] == f"over 100{NB}mill."


# -- geography and denominators -------------------------------------------------------------

class _Geo:
    def name(self, level, code):
        return code.upper()


def _fake(obs, pops, unit="per 1 000 innbyggere", id="rate"):
    """A dataset stand-in with just what ``views.area_value`` reads."""
    ind = types.SimpleNamespace(id=id, unit=unit, decimals=1, source=("s",), levels=("hf",))

    def observations(i, level, codes):
        rows = [dict(indicator=i, period=p, geo_level="hf", geo_code=c, value=v, status="",
                     source="s") for (c, p), v in obs.items() if c in codes]
        return pd.DataFrame(rows)

    return types.SimpleNamespace(
        indicator=lambda i: ind, observations=observations, geography=_Geo(),
        population=lambda unit, level, code, period: pops.get((code, period)),
        value_text=lambda i, v, q=(): formatting.with_unit(v, ind.unit, 1, q))


def test_helsefellesskap_of_three_hf_gets_population_weighted_rate():
    obs = {("a", "2025"): 10.0, ("b", "2025"): 20.0, ("c", "2025"): 40.0}
    pops = {("a", "2025"): 1000, ("b", "2025"): 3000, ("c", "2025"): 6000}
    text, value = views.area_value(_fake(obs, pops), "rate", "hf", ["a", "b", "c"], "2025")
    assert value == pytest.approx((10 * 1000 + 20 * 3000 + 40 * 6000) / 10000)  # 31, not 23,3
    assert text.startswith("31,0")


def test_rate_uses_the_population_of_its_own_year():
    obs = {("a", "2025"): 10.0, ("b", "2025"): 20.0}
    pops = {("a", "2024"): 9000, ("b", "2024"): 1000, ("a", "2025"): 1000, ("b", "2025"): 1000}
    _, value = views.area_value(_fake(obs, pops), "rate", "hf", ["a", "b"], "2025")
    assert value == pytest.approx(15.0)  # 2025 weights; 2024's would give 11


def test_missing_denominator_means_missing_rate():
    obs = {("a", "2025"): 10.0, ("b", "2025"): 20.0}
    text, value = views.area_value(_fake(obs, {("a", "2025"): 1000}), "rate", "hf", ["a", "b"],
                                   "2025")
    assert value is None and text.startswith("ikke beregnet")


def test_counts_are_summed_and_shares_not_combined():
    obs = {("a", "2025"): 10.0, ("b", "2025"): 20.0, ("c", "2025"): 5.0}
    _, total = views.area_value(_fake(obs, {}, unit="antall", id="n"), "n", "hf",
                                ["a", "b", "c"], "2025")
    assert total == 35.0
    text, share = views.area_value(_fake(obs, {}, unit="prosent", id="p"), "p", "hf",
                                   ["a", "b", "c"], "2025")
    assert share is None and text.startswith("ikke samlet")


def test_dataset_population_is_of_the_rates_year(project):
    ds = Dataset(project, "2026")
    p24 = ds.population("per 1 000 innbyggere", "land", "NO", "2024")
    p25 = ds.population("per 1 000 innbyggere", "land", "NO", "2025")
    assert p24 and p25 and p24 != p25
    assert ds.population("per 1 000 innbyggere 18 år og eldre", "land", "NO", "2025") < p25
    assert ds.population("per 1 000 innbyggere", "land", "NO", "2018-2022") is None


def test_oslo_is_all_its_hospitals(project):
    ds = Dataset(project, "2026")
    assert ds.geography.members("hf", "oslo") == ["diakonhjemmet", "lovisenberg", "ous"]
    table = views.area_profile(ds, "oslo", ["ventetid_tsb", "befolkning_opptaksomrade"], "Oslo")
    cells = {r[0]: r[2] for r in table.rows}
    tsb = cells["Gjennomsnittlig ventetid, tverrfaglig spesialisert rusbehandling"]
    assert "Lovisenberg" in tsb and "Diakonhjemmet" in tsb and "Oslo universitetssykehus" in tsb
    assert cells["Befolkning i sykehusenes opptaksområder"].startswith(f"582{NB}250")  # 3 HF
    assert "Alna, Grorud og Stovner" in table.source


# -- outliers and breaks ----------------------------------------------------------------------

def test_implausible_kad_value_is_flagged_and_left_out(project):
    ds = Dataset(project, "2026")
    row = ds.series("legearsverk_kad", "kommune", "4205")
    flagged = row[row["period"] == "2024"]
    assert model.split_status(flagged["status"].iloc[0])[1] == ("implausible",)
    nat = dict(ds.points("legearsverk_kad"))
    assert nat["2024"] == pytest.approx(111.9)  # 121,9 with Lindesnes' 10 årsverk


def test_series_break_is_in_the_catalogue_and_the_prose(project):
    ds = Dataset(project, "2026")
    assert [b["period"] for b in ds.indicator("utskrivninger_somatikk").breaks] == ["2025"]
    entry = ds.values(["utskrivninger_somatikk"])["utskrivninger_somatikk"]
    assert entry["brudd"] and entry["endring"] == formatting.MISSING


# -- charts -----------------------------------------------------------------------------------

def _line(periods_, values, **kw):
    data = pd.DataFrame({"series": "A", "period": periods_, "value": values})
    return figures.line(data, id="t", caption="c", source="s", unit="prosent", **kw)


def test_irregular_series_has_proportional_positions_and_a_gap():
    fig = _line(["2013", "2019", "2020", "2021"], [58.0, 57.0, 56.0, 55.0])
    ax = fig.mpl.axes[0]
    xs = sorted(x for line in ax.get_lines() for x in line.get_xdata())
    assert xs == pytest.approx([2013, 2019, 2020, 2021])
    runs = [list(line.get_xdata()) for line in ax.get_lines() if line.get_linestyle() != "None"]
    assert [2013.0] in [list(map(float, r)) for r in runs]  # 2013 is not joined to 2019
    assert figures.segments(["2013", "2019", "2020"], [1, 2, 3]) == [[("2013", 1)],
                                                                    [("2019", 2), ("2020", 3)]]
    fig.png()


def test_two_points_are_points_and_the_top_is_not_clipped():
    fig = _line(["2013", "2021"], [58.0, 55.0])
    ax = fig.mpl.axes[0]
    assert all(line.get_linestyle() == "None" for line in ax.get_lines())
    assert ax.get_ylim()[1] > 58.0
    fig.png()


def test_tick_labels_are_never_duplicated():
    fig = _line(["2021", "2022", "2023"], [0.4, 1.9, 2.6])
    ax = fig.mpl.axes[0]
    fig.mpl.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert len(labels) == len(set(labels)), labels
    assert figures.tick_decimals([0, 0.5, 1, 1.5]) == 1
    fig.png()


def test_series_break_is_drawn_and_described():
    fig = _line(["2024", "2025"], [700.0, 780.0], breaks=("2025",))
    assert "Brudd i serien fra 2025" in fig.alt
    fig.png()


def test_long_bar_labels_are_wrapped_at_phone_width_and_fit(recwarn):
    """Indicator titles beside bars: at phone width they are broken over lines (so matplotlib
    can lay the chart out) and the picture is taller; the wide picture keeps them whole."""
    titles = ["Heltid blant sykepleiere uten videreutdanning i kommunene",
              "Heltid blant jordmødre i kommunene", "Heltid blant vernepleiere i kommunene"]
    data = pd.DataFrame({"label": titles, "value": [50.0, 42.2, 67.8]})
    fig = figures.bars(data, id="t", caption="c", source="s", unit="prosent", decimals=1,
                       highlight=(titles[1],))
    wide, narrow = fig.pngs()
    ax = fig.mpl.axes[0]
    labels = {t.get_text(): t.get_fontweight() for t in ax.get_yticklabels()}
    assert "Heltid blant sykepleiere\nuten videreutdanning i\nkommunene" in labels
    assert labels["Heltid blant jordmødre i\nkommunene"] == "bold"
    assert not [w for w in recwarn if "Tight layout not applied" in str(w.message)]
    width, height = Image.open(io.BytesIO(narrow)).size
    assert height > Image.open(io.BytesIO(wide)).size[1] * width / 1080


def test_value_ticks_of_bars_do_not_run_together_at_phone_width():
    data = pd.DataFrame({"label": ["Helsefellesskap Oslo", "Helsefellesskap Finnmark"],
                         "value": [717710.0, 75053.0]})
    fig = figures.bars(data, id="t", caption="c", source="s", unit="antall")
    fig.pngs()
    fig.mpl.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in fig.mpl.axes[0].get_xticklabels()
                    if t.get_text() and t.get_visible()), key=lambda b: b.x0)
    assert len(boxes) >= 2 and all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:]))


def test_figures_are_deterministic():
    one = _line(["2013", "2019", "2021"], [58.0, 57.0, 55.0]).png()
    two = _line(["2013", "2019", "2021"], [58.0, 57.0, 55.0]).png()
    assert one == two and Image.open(io.BytesIO(one)).size[0] > 0


def test_period_positions():
    assert periods.position("2024") == 2024.0
    assert periods.position("2021T2") == pytest.approx(2021 + 120 / 365)
    assert periods.step("2021T1") == pytest.approx(1 / 3)


# -- one value, one story -------------------------------------------------------------------

def test_overview_never_calls_shown_values_missing(project):
    for ed in ("2026", "2022"):
        ds = Dataset(project, ed)
        for chapter in model.CHAPTERS:
            table = views.indicator_overview(ds, chapter, "x")
            for row in table.rows:
                ind = next(i for i in ds.catalogue.chapter(chapter) if i.title == row[0])
                if row[2] == formatting.MISSING:
                    assert not ds.observations(ind.id)["value"].notna().any(), (ed, ind.id)


def test_method_note_states_the_rules(project):
    note = views.method_note(Dataset(project, "2026"))
    for words in ("ikke angitt", "utgangspunkt", "framskrivinger", "ratens eget år",
                  "Alna, Grorud og Stovner", "brudd", "usannsynlig"):
        assert words in note


def test_key_figures_never_call_shown_values_missing(project):
    ds = Dataset(project, "2026")  # bed occupancy is published per HF only
    row = views.key_figures(ds, ["beleggsprosent_somatikk"], "k").rows[0]
    assert row[2] == "ikke landstall; tall per helseforetaksområder"
