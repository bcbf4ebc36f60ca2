"""The public directory page: published, active members only, found by words and filters given in the address;
bad filters explained on their fields; cards marked up as a schema.org ItemList of Organizations; pages."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Country
from app.network import routes
from app.network.models import MemberKind, Process
from tests.network.search_world import LASER, WELDING, add_member


@pytest.fixture
def world(db):
    add_member("Kuźnia Sejny", city="Sejny", region="PL-20", kind=MemberKind.CRAFTSPERSON, languages=["pl", "lt"],
               description={"pl": "Kowalstwo artystyczne: bramy, balustrady, okucia."},
               capabilities=[{"process": Process.BLACKSMITHING, "materials": ["steel"]}],
               products=[{"name": {"pl": "Balustrady kute", "lt": "Kaltiniai turėklai", "en": "Wrought railings"}}])
    add_member("UAB Alytaus lazeriai", Country.LT, city="Alytus", region="LT-AL", languages=["lt", "en"],
               description={"lt": "Lakštų pjovimas lazeriu."}, capabilities=[LASER, WELDING],
               specialisations=("laser",))
    add_member("Waiting Firm", description={"pl": "Kowalstwo"}, published=False)


def names(client, query: str = "") -> set[str]:
    html = client.get(f"/directory/?{query}").get_data(as_text=True)
    return {n for n in ("Kuźnia Sejny", "UAB Alytaus lazeriai", "Waiting Firm") if n in html}


def test_everyone_sees_the_published_members(client, world):
    response = client.get("/directory/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert names(client) == {"Kuźnia Sejny", "UAB Alytaus lazeriai"}
    assert "Wrought railings" in html or "Balustrady kute" in html  # product names on the card
    assert "Blacksmithing" in html and "Laser cutting" in html  # top capabilities
    assert "Craftsperson or small producer" in html and "podlaskie" in html and "Alytaus apskritis" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("q=kowalstwo", {"Kuźnia Sejny"}),
    ("q=kalvyste", {"Kuźnia Sejny"}),  # the capability's Lithuanian label, typed without diacritics
    ("q=turekl", {"Kuźnia Sejny"}),  # a prefix of a product's Lithuanian name
    ("country=LT", {"UAB Alytaus lazeriai"}),
    ("region=PL-20", {"Kuźnia Sejny"}),
    ("kind=craftsperson", {"Kuźnia Sejny"}),
    ("kind=firm", {"UAB Alytaus lazeriai"}),
    ("capability=laser_cutting", {"UAB Alytaus lazeriai"}),
    ("material=steel&thickness=21", {"UAB Alytaus lazeriai"}),
    ("thickness=30", set()),
    ("specialisation=laser", {"UAB Alytaus lazeriai"}),
    ("language=pl", {"Kuźnia Sejny"}),
    ("language=en&country=PL", set()),
    ("q=pjovimas&country=LT&capability=laser_cutting", {"UAB Alytaus lazeriai"}),
    ("q=nieistniejacy", set()),
])
def test_words_and_filters(client, world, query, expected):
    assert names(client, query) == expected


@pytest.mark.parametrize(("query", "message"), [
    ("thickness=abc", "Not a valid float value"),
    ("thickness=nan", "Enter a thickness in millimetres"),
    ("thickness=-3", "between 0 and 1000 mm"),
    ("thickness=1e400", "between 0 and 1000 mm"),
    ("country=PL&region=LT-AL", "not in the chosen country"),
    ("kind=robot", "Not a valid choice"),
    ("capability=%00", "Not a valid choice"),
])
def test_bad_filters_are_explained_and_the_list_stays_unfiltered(client, world, query, message):
    response = client.get(f"/directory/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert message in html
        assert names(client, query) == {"Kuźnia Sejny", "UAB Alytaus lazeriai"}


def test_messages_are_in_the_visitors_language(client, world):
    html = client.get("/directory/?thickness=-3", headers={"Accept-Language": "lt"}).get_data(as_text=True)
    assert "Klasterio tinklo katalogas" in html and "0 iki 1000 mm" in html
    html = client.get("/directory/?country=PL&region=LT-AL", headers={"Accept-Language": "pl"}) \
        .get_data(as_text=True)
    assert "nie leży w wybranym kraju" in html


def test_the_list_is_a_schema_org_item_list_of_organizations(client, world):
    html = client.get("/directory/?country=PL").get_data(as_text=True)
    assert 'itemtype="https://schema.org/ItemList"' in html
    card = html[html.index('itemtype="https://schema.org/Organization"'):]
    assert '<span itemprop="name">Kuźnia Sejny</span>' in card
    assert '<span itemprop="addressLocality">Sejny</span>' in card
    assert '<span itemprop="addressRegion">podlaskie</span>' in card
    assert '<meta itemprop="addressCountry" content="PL">' in card
    assert re.search(r'itemprop="url" href="/directory/\d+"', card)  # microdata resolves it against the page
    assert '<meta itemprop="position" content="1">' in html
    assert "<script>" not in html  # microdata, nothing inline for the CSP to refuse


def test_pages(client, db, monkeypatch):
    monkeypatch.setattr(routes, "DIRECTORY_PAGE", 2)
    for n in range(5):
        add_member(f"Member {n}")
    first = client.get("/directory/?country=PL").get_data(as_text=True)
    assert "Member 0" in first and "Member 1" in first and "Member 2" not in first
    assert "page=2" in first and "country=PL" in first
    third = client.get("/directory/?country=PL&page=3").get_data(as_text=True)
    assert "Member 4" in third and "Member 0" not in third
    assert '<meta itemprop="position" content="5">' in third
    assert "Member 0" in client.get("/directory/?country=PL&page=0").get_data(as_text=True)
    for page in ("-4", "x", "99999999999999999999999"):  # app.core.urls.check_arguments
        assert client.get(f"/directory/?page={page}").status_code == 404


def test_the_old_address_still_leads_here(client, db):
    response = client.get("/companies/?q=spawanie&country=PL")
    assert response.status_code == 301 and "/directory/?" in response.headers["Location"]


def test_a_page_of_cards_runs_the_same_queries_for_few_or_many_members(client, world):
    from tests.querycount import count_queries

    few = count_queries(client, "/directory/?q=steel")
    for n in range(8):
        add_member(f"Steel {n}", capabilities=[LASER, WELDING], products=[{"name": {"en": "Steel"}}])
    assert count_queries(client, "/directory/?q=steel") == few
