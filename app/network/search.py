"""Directory search: one interface over PostgreSQL's full-text search and SQLite's FTS5.

Each member's ``search_document`` is a line of terms written here (``refresh_document``): every word of its entry,
lower-cased and folded (diacritics removed, ł→l), plus its Polish (Stempel), Lithuanian and English (Snowball)
stems, folded too. A query word matches when any of its own folded forms and stems is in the document, so
"spawanie" finds "spawania", "suvirinimas" finds "suvirinimo" and "ciecie" finds "cięcie". The databases only
match whole terms (or prefixes); all the language work happens in Python, the same on both backends.

Both indexes are made by the cluster-network migration: PostgreSQL a GIN index on
``to_tsvector('simple', search_document)``; SQLite the FTS5 table ``fts_members`` kept in step by triggers.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import Select, String, cast, column, exists, func, literal_column, select, table
from sqlalchemy.orm import selectinload

from app.accounts.models import Country
from app.catalogue.models import Specialisation
from app.core.i18n import COUNTRY_LABELS
from app.core.text import fold
from app.extensions import db
from app.network.models import Capability, Company, MemberKind, company_specialisations
from app.network.regions import region_name
from app.network.vocabulary import MATERIAL_LABELS, MEMBER_KIND_LABELS, PROCESS_LABELS

#: Languages of the stemmers; texts kept per language are stemmed by their own, other texts by all three.
STEMMED = ("pl", "lt", "en")
#: Query words shorter than this match whole terms only (a prefix of one to three letters matches too much).
PREFIX_FROM = 4
#: Stems shorter than this are left out of queries (Stempel makes two-letter stems of words it does not know).
QUERY_STEM_FROM = 3
#: A longer query is cut here: a search box, not a document.
MAX_QUERY_WORDS = 12
MAX_TERM = 64

# Letters Unicode does not decompose into a base letter and a mark.
# Letters and digits only: what both the FTS5 tokenizer and PostgreSQL's parser read as one word.
_WORD = re.compile(r"[^\W_]+")



def words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").casefold()) if len(w) <= MAX_TERM]


def folded_term(word: str) -> str:
    """The word folded, letters and digits only ("½" folds to "1⁄2": its slash is no letter)."""
    return "".join(_WORD.findall(fold(word)))


# --- stemmers (loaded once per process, when first needed) -------------------------------------------------------

@cache
def _polish():
    # Stempel's small table (~0.5 s, ~40 MB); read through a plain stream: its own loader draws a tqdm bar.
    from pystempel import Stemmer
    from pystempel.streams import DataInputStream

    with resources.as_file(resources.files("pystempel.data.original") / "stemmer_20000.tbl.gz") as path, \
            gzip.open(path, "rb") as stream:
        return Stemmer.from_stream(DataInputStream(stream))


@cache
def _snowball(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer({"lt": "lithuanian", "en": "english"}[language])


def stem(word: str, language: str) -> str:
    """The word's stem in ``language`` ("" when the stemmer has none)."""
    if language == "pl":
        return _polish()(word) or ""
    return _snowball(language).stemWord(word)


def word_terms(word: str, languages: Iterable[str] = STEMMED, shortest_stem: int = 1) -> set[str]:
    """The folded word and the folded stems of it (and of its folded spelling: "grezimas" typed without
    diacritics stems like "gręžimas") in each of ``languages``."""
    folded = folded_term(word)
    terms = {folded} if folded else set()
    for language in languages:
        for spelling in {word, folded}:
            for term in _WORD.findall(fold(stem(spelling, language))):
                if len(term) >= shortest_stem:
                    terms.add(term)
    return terms


def text_terms(text: str | None, languages: Iterable[str] = STEMMED) -> set[str]:
    languages = tuple(languages)
    return {term for word in words(text) for term in word_terms(word, languages)}


def texts_terms(texts: dict | None) -> set[str]:
    """A per-language text ({pl, lt, en}): each stemmed in its own language (another code: by all)."""
    terms: set[str] = set()
    for language, text in (texts or {}).items():
        if isinstance(text, str):
            terms |= text_terms(text, (language,) if language in STEMMED else STEMMED)
    return terms


# --- the document ------------------------------------------------------------------------------------------------

_LABELS: dict[str, dict[str, str]] = {}


def _labels(language: str) -> dict[str, str]:
    """The vocabulary's labels (processes, materials, kinds, countries) in ``language``: a member whose capability
    is MIG/MAG welding is found by "spawanie" and "suvirinimas" whatever its own texts say. Kept once made (the
    catalogues do not change while the process runs); outside an app there are no catalogues to ask."""
    if language in _LABELS:
        return _LABELS[language]
    with force_locale(language):
        labels = {f"{prefix}:{key}": str(label) for prefix, vocabulary in (
            ("process", PROCESS_LABELS), ("material", MATERIAL_LABELS), ("kind", MEMBER_KIND_LABELS),
            ("country", COUNTRY_LABELS)) for key, label in vocabulary.items()}
    if has_app_context():
        _LABELS[language] = labels
    return labels


def _label_terms(*keys: str) -> set[str]:
    terms: set[str] = set()
    for language in STEMMED:
        labels = _labels(language)
        for key in keys:
            terms |= text_terms(labels.get(key), (language,))
    return terms


def document_terms(company: Company) -> set[str]:
    """Every term the member is found by: its entry's words in every form, and the labels of what it does."""
    plain = [company.name, company.city, company.district, region_name(company.region)]
    # (A member not yet flushed may still lack the kind its column defaults to.)
    keys = [f"kind:{(company.kind or MemberKind.FIRM).value}", f"country:{company.country}"]
    terms = texts_terms(company.description)
    for capability in company.capabilities:
        keys.append(f"process:{capability.process.value}")
        keys += [f"material:{code}" for code in capability.materials or []]
        terms |= texts_terms(capability.note)
    for machine in company.machines:
        plain += [machine.machine_type, machine.make_model]
        if machine.process:
            keys.append(f"process:{machine.process.value}")
    plain += [c.standard for c in company.certifications]
    for product in company.products:
        terms |= texts_terms(product.name) | texts_terms(product.description)
    for spec in company.specialisations:
        terms |= texts_terms(spec.title)
    for text in plain:
        terms |= text_terms(text)
    return terms | _label_terms(*keys)


def refresh_document(company: Company) -> None:
    """Rewrite the member's search document from its current (public) entry; call it after changing the entry."""
    company.search_document = " ".join(sorted(document_terms(company)))


def reindex_all() -> int:
    """Rewrite every member's document (after an upgrade of the stemmers or of this module); flushes."""
    count = 0
    for company in db.session.scalars(select(Company).options(
            selectinload(Company.capabilities), selectinload(Company.machines),
            selectinload(Company.certifications), selectinload(Company.products),
            selectinload(Company.specialisations))):
        refresh_document(company)
        count += 1
    db.session.flush()
    return count


# --- queries -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryWord:
    """One word of a query: found when the document has any of ``terms``, or a term starting with ``prefix``."""

    terms: frozenset[str]
    prefix: str | None


def parse_query(text: str | None) -> list[QueryWord]:
    """The query's words, each with its alternatives. Only letters and digits survive (quotes, stars, colons and
    operators typed by the visitor are separators), so nothing typed reaches FTS5's or tsquery's syntax."""
    parsed = []
    for word in words(text)[:MAX_QUERY_WORDS]:
        folded = folded_term(word)
        if folded:
            parsed.append(QueryWord(frozenset(word_terms(word, STEMMED, QUERY_STEM_FROM) | {folded}),
                                    folded if len(folded) >= PREFIX_FROM else None))
    return parsed


def fts5_expression(query: list[QueryWord]) -> str:
    """``("spawanie"* OR "spawac") AND (...)``: every term quoted (they are letters and digits only anyway)."""
    return " AND ".join("(" + " OR ".join(
        [f'"{t}"' for t in sorted(w.terms)] + ([f'"{w.prefix}"*'] if w.prefix else [])) + ")" for w in query)


def tsquery_expression(query: list[QueryWord]) -> str:
    """``('spawanie':* | 'spawac') & (...)`` for ``to_tsquery('simple', ...)``."""
    return " & ".join("(" + " | ".join(
        [f"'{t}'" for t in sorted(w.terms)] + ([f"'{w.prefix}':*"] if w.prefix else [])) + ")" for w in query)


_fts_members = table("fts_members", column("rowid"))


def _matches(query: list[QueryWord]):
    """(id, rank) of the members matching every word, best first by ascending rank, on the session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        # The same expression as the index fts_companies_document, so PostgreSQL uses it.
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), Company.search_document)
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery_expression(query))
        return select(Company.id.label("id"), (-func.ts_rank(vector, tsquery)).label("rank")) \
            .where(vector.op("@@")(tsquery)).subquery()
    fts = literal_column("fts_members")
    return select(_fts_members.c.rowid.label("id"), func.bm25(fts).label("rank")) \
        .select_from(_fts_members).where(fts.op("MATCH")(fts5_expression(query))).subquery()


@dataclass(frozen=True)
class DirectorySearch:
    """What a visitor asks the directory: words and filters (all optional, all combined)."""

    text: str = ""
    country: Country | None = None
    region: str | None = None
    kind: MemberKind | None = None
    process: str | None = None
    material: str | None = None
    #: The member can work at least this thick (mm) — with the process and material asked for, if any.
    min_thickness_mm: float | None = None
    specialisation: str | None = None
    language: str | None = None


def _json_list_has(column_, code: str):
    # Lists of fixed codes (materials, languages) stored as JSON: '"steel"' with its quotes cannot match inside
    # '"stainless_steel"'. The same test on both databases; the codes were checked against their vocabularies.
    return cast(column_, String).like(f'%"{code}"%')


def directory_query(search: DirectorySearch) -> Select:
    """The published, active members matching ``search``: best matches first when there are words, else by
    country and name."""
    query = select(Company).where(Company.is_active.is_(True), Company.is_published.is_(True))
    if search.country:
        query = query.where(Company.country == search.country)
    if search.region:
        query = query.where(Company.region == search.region)
    if search.kind:
        query = query.where(Company.kind == search.kind)
    if search.language:
        query = query.where(_json_list_has(Company.languages, search.language))
    if search.specialisation:
        query = query.where(exists().where(
            company_specialisations.c.company_id == Company.id,
            company_specialisations.c.specialisation_id == Specialisation.id,
            Specialisation.code == search.specialisation))
    # One capability must satisfy process, material and thickness together ("laser cutting of steel up to 20 mm").
    capability = []
    if search.process:
        capability.append(Capability.process == search.process)
    if search.material:
        capability.append(_json_list_has(Capability.materials, search.material))
    if search.min_thickness_mm is not None:
        capability.append(Capability.max_thickness_mm >= search.min_thickness_mm)
    if capability:
        query = query.where(exists().where(Capability.company_id == Company.id, *capability))
    parsed = parse_query(search.text)
    if parsed:
        matches = _matches(parsed)
        query = query.join(matches, matches.c.id == Company.id).order_by(matches.c.rank, Company.name, Company.id)
    else:
        query = query.order_by(Company.country, Company.name, Company.id)
    return query


def search_members(search: DirectorySearch) -> list[Company]:
    """The whole list (tests, the CLI); pages use ``directory_query`` with pagination."""
    return list(db.session.scalars(directory_query(search)))

