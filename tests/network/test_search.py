"""Directory search: Polish and Lithuanian words found in any of their forms, with or without diacritics, on
SQLite (FTS5) and PostgreSQL (tsvector) alike; typed operators are never syntax."""

from __future__ import annotations

import pytest

from app.accounts.models import Country
from app.network.models import MemberKind, Process
from app.network.search import (
    DirectorySearch,
    fold,
    fts5_expression,
    parse_query,
    search_members,
    tsquery_expression,
)
from tests.network.search_world import LASER, WELDING, add_member


def names(**criteria) -> list[str]:
    return [c.name for c in search_members(DirectorySearch(**criteria))]


@pytest.fixture
def members(db):
    add_member("Spawalnia Kowalski", description={"pl": "Usługi spawania konstrukcji stalowych."})
    add_member("UAB Plienas", Country.LT, city="Alytus", region="LT-AL",
               description={"lt": "Plieninių konstrukcijų suvirinimo paslaugos."})
    add_member("Laser Łomża", city="Łomża", region="PL-20", description={"pl": "Precyzyjne cięcie blach laserem."},
               capabilities=[LASER])
    add_member("Gręžimo dirbtuvės", Country.LT, city="Kaunas", kind=MemberKind.CRAFTSPERSON,
               description={"lt": "Metalo gręžimas ir tekinimas."})
    add_member("Metal-Tech", description={"en": "General engineering."}, capabilities=[WELDING],
               certifications=["EN ISO 3834-2"], machines=["Fronius TPS 500i"],
               products=[{"name": {"pl": "Bramy przesuwne", "lt": "Stumdomi vartai", "en": "Sliding gates"}}])
    add_member("Hidden Spawanie", description={"pl": "spawanie"}, published=False)
    add_member("Closed Spawanie", description={"pl": "spawanie"}, active=False)


def test_folding_removes_diacritics_and_the_polish_l():
    assert fold("Gręžimas ŁOMŻA Šiauliai") == "grezimas lomza siauliai"


@pytest.mark.parametrize(("query", "found"), [
    ("spawanie", "Spawalnia Kowalski"),       # the text says "spawania"
    ("suvirinimas", "UAB Plienas"),           # the text says "suvirinimo"
    ("ciecie", "Laser Łomża"),                # plain ASCII for "cięcie"
    ("grezimas", "Gręžimo dirbtuvės"),        # "gręžimas" without diacritics
    ("LOMZA", "Laser Łomża"),
    ("sliding gates", "Metal-Tech"),          # a product's name
    ("vartai", "Metal-Tech"),                 # ... in Lithuanian
    ("3834", "Metal-Tech"),                   # a certification
    ("fronius", "Metal-Tech"),                # a machine
    ("alytaus", "UAB Plienas"),               # the region's name
    ("konstr", None),                         # a prefix of four letters or more: both
])
def test_words_are_found_in_any_form(members, query, found):
    result = names(text=query)
    if found:
        assert found in result
    else:
        assert {"Spawalnia Kowalski", "UAB Plienas"} <= set(result)


def test_capability_labels_are_searchable_in_every_language(members):
    # Metal-Tech's texts never say "welding": its MIG/MAG capability does, in pl, lt and en.
    for word in ("spawanie", "suvirinimas", "welding", "laserowe", "pjovimas"):
        assert ("Metal-Tech" in names(text=word)) == (word in ("spawanie", "suvirinimas", "welding")), word
    assert "Laser Łomża" in names(text="pjovimas lazeriu")


def test_a_word_in_no_entry_finds_nothing(members):
    assert names(text="xylofonista") == []
    assert names(text="spawanie xylofonista") == []  # words are ANDed


def test_only_published_active_members_are_found(members):
    found = names(text="spawanie")
    assert "Hidden Spawanie" not in found and "Closed Spawanie" not in found


def test_filters_combine_with_text(members):
    assert names(text="konstr", country=Country.LT) == ["UAB Plienas"]
    assert names(text="spawanie", process=Process.WELDING_MIG_MAG.value) == ["Metal-Tech"]
    assert names(kind=MemberKind.CRAFTSPERSON) == ["Gręžimo dirbtuvės"]
    assert names(region="PL-20") == ["Laser Łomża"]
    assert names(material="stainless_steel") == ["Metal-Tech"]
    assert names(material="steel", min_thickness_mm=22) == ["Laser Łomża"]
    assert names(process=Process.WELDING_MIG_MAG.value, min_thickness_mm=22) == []  # one capability, all limits


@pytest.mark.parametrize("query", ['"', "*", ":", "&|!()", 'spaw"anie', "a:* & !b", "NEAR(a b)", "'; DROP", "-",
                                   "^spawanie", "{x}", "ą" * 300, "OR AND NOT", "½ ² ﬁ", "\u0301", "x" * 101])
def test_operators_typed_are_never_syntax(members, query):
    names(text=query)  # never raises


def test_queries_are_made_of_quoted_letters_and_digits_only():
    parsed = parse_query('spaw"anie* OR x:1 & (')
    assert fts5_expression(parsed).count('"') % 2 == 0
    for word in parsed:
        assert all(term.isalnum() for term in word.terms)
    assert "'spaw':*" in tsquery_expression(parse_query("spaw"))
    assert parse_query("ab")[0].prefix is None  # short words match whole terms only
