"""Rankings regrouped from city records: editions, first places, disputed attributions."""

from __future__ import annotations

from cities import rankings
from pelican.settings import DEFAULT_CONFIG
from portal.index import CityPage
from portal.model import City, Coordinates, Ranking

SURVEY = "100 Cities Survey on e-Government"
RUTGERS = "Rutgers University-Newark and SKKU"
TOP = "Top e-governance city"


def city(slug: str, name: str, *ranks: Ranking) -> CityPage:
    record = City(
        path=f"cities/{slug}.md",
        slug=slug,
        name=name,
        country="KR",
        region="Asia",
        coordinates=Coordinates(37.5, 127.0),
        rankings=tuple(ranks),
    )
    metadata = {
        "title": name,
        "slug": slug,
        "record": record,
        "url": f"cities/{slug}/",
        "save_as": f"cities/{slug}/index.html",
    }
    return CityPage("", metadata=metadata, settings=dict(DEFAULT_CONFIG))


def seoul_like() -> CityPage:
    return city(
        "seoul",
        "Seoul",
        *(Ranking(year, 1, SURVEY, RUTGERS, "smg-2010") for year in (2003, 2005, 2007, 2009)),
        *(Ranking(y, 1, TOP, "UNDESA and ASPA", "kh-2009") for y in (2003, 2005, 2007)),
    )


def test_two_sources_naming_different_bodies_make_one_note_over_the_shared_years():
    notes = rankings.disagreements([seoul_like()])
    assert len(notes) == 1
    note = notes[0]
    assert note.number == 1
    assert note.rank == 1
    assert note.years == (2003, 2005, 2007)  # 2009 is reported by one source only
    assert {(a.ranked_by, a.source) for a in note.attributions} == {
        (RUTGERS, "smg-2010"),
        ("UNDESA and ASPA", "kh-2009"),
    }


def test_one_article_naming_two_bodies_is_not_a_disagreement_between_sources():
    page = city(
        "x",
        "X",
        Ranking(2005, 3, "Survey A", "Body A", "same-article"),
        Ranking(2005, 3, "Survey B", "Body B", "same-article"),
    )
    assert rankings.disagreements([page]) == []


def test_different_ranks_in_one_year_are_different_surveys_not_a_dispute():
    page = city(
        "x",
        "X",
        Ranking(2005, 3, "Survey A", "Body A", "one"),
        Ranking(2005, 7, "Survey B", "Body B", "two"),
    )
    assert rankings.disagreements([page]) == []


def test_notes_are_numbered_across_cities():
    other = city(
        "berlin",
        "Berlin",
        Ranking(2011, 4, "S", "Body A", "a1"),
        Ranking(2011, 4, "S", "Body B", "a2"),
    )
    notes = rankings.disagreements([seoul_like(), other])
    assert [(n.number, n.city.record.slug) for n in notes] == [(1, "seoul"), (2, "berlin")]


def test_overview_groups_ranks_into_editions_newest_first_with_note_markers():
    other = city("busan", "Busan", Ranking(2009, 2, SURVEY, RUTGERS, "smg-2010"))
    overview = rankings.overview([seoul_like(), other])
    assert [(s.survey, s.ranked_by) for s in overview.series] == [
        (SURVEY, RUTGERS),  # newest edition 2009 comes first
        ("Top e-governance city", "UNDESA and ASPA"),
    ]
    assert overview.edition_count == 7
    editions = overview.series[0].editions
    assert [e.year for e in editions] == [2009, 2007, 2005, 2003]
    latest = editions[0]
    assert [(e.rank, e.city.record.name) for e in latest.entries] == [(1, "Seoul"), (2, "Busan")]
    assert latest.sources == ("smg-2010",)
    assert all(entry.notes == () for entry in latest.entries)  # 2009 is not disputed
    assert editions[1].entries[0].notes == (1,)


def test_first_places_list_every_year_a_city_came_first():
    overview = rankings.overview([seoul_like()])
    places = overview.series[0].first_places
    assert len(places) == 1
    assert places[0].city.record.slug == "seoul"
    assert places[0].years == (2003, 2005, 2007, 2009)
    assert places[0].notes == (1,)


def test_chart_series_one_line_per_survey_and_ranks_grouped_for_the_text():
    series = rankings.chart_series(seoul_like().record.rankings)
    assert [s.label for s in series] == [
        f"{SURVEY} ({RUTGERS})",
        "Top e-governance city (UNDESA and ASPA)",
    ]
    assert series[0].points == [(2003, 1), (2005, 1), (2007, 1), (2009, 1)]
    assert series[0].by_rank == [(1, [2003, 2005, 2007, 2009])]
    mixed = rankings.ChartSeries("S", [(2001, 4), (2003, 2), (2005, 4)])
    assert mixed.by_rank == [(4, [2001, 2005]), (2, [2003])]
