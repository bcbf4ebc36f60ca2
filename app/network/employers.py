"""Employers are members: matching the employers people wrote as free text to members of the directory.

A person's employer is a member (``User.employer_id``) or, when it is not in the directory, its name as written
(``User.company_name``, "other"). One firm spelled three ways ("Metal-Tech Sp. z o.o.", "METALTECH sp.z o.o.",
"Metal Tech") is one name key; for each key nobody matched yet, coordinators get members ranked by how alike the
keys are (and any member whose registration number the text contains). Confirming links everyone with that key and
records the spelling (``CompanyAlias``), so the next person writing it is linked at once (``resolve_employer``,
registered in ``app.core.employers`` for the domains that cannot import the network).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import func, select

from app.accounts.models import Country, User
from app.core.audit import record_event
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.text import fold
from app.extensions import db
from app.network.models import Company, CompanyAlias
from app.network.policies import can_manage_directory

#: Letters NFKD does not split into a base letter and a mark.
#: Legal forms (as folded word sequences) that say nothing about which firm it is: Polish spółka z o.o., S.A.,
#: spółka cywilna, jawna, komandytowa, P.P.H.U. and its kin; Lithuanian UAB, AB, MB, IĮ, ŽŪB, VšĮ.
_LEGAL_FORMS = [
    "spolka z ograniczona odpowiedzialnoscia", "spolka akcyjna", "spolka cywilna", "spolka jawna",
    "spolka komandytowa", "sp z o o", "sp z oo", "spzoo", "sp zoo", "sp k", "spk", "sp j", "spj", "s a", "sa", "s c",
    "sc", "p p h u", "pphu", "p h u", "phu", "p p u h", "ppuh", "f h u", "fhu", "p w", "pw", "zpu",
    "uzdaroji akcine bendrove", "akcine bendrove", "mazoji bendrija", "individuali imone", "uab", "ab", "mb",
    "ii", "zub", "vsi",
    # the words around a registration number written with the name
    "nip", "regon", "krs", "imones kodas", "kodas",
]
_LEGAL_RE = re.compile(r"(?:^| )(?:" + "|".join(re.escape(f) for f in sorted(_LEGAL_FORMS, key=len, reverse=True))
                       + r")(?= |$)")
#: A registration number in a text: 9 (Lithuanian company code) or 10 (Polish NIP) digits, maybe split by
#: spaces or hyphens, maybe after "PL"/"LT".
_NUMBER_RE = re.compile(r"(?<!\d)\d(?:[ -]?\d){8,9}(?!\d)")
#: How alike two keys must be (rapidfuzz WRatio, 0–100) to be suggested.
MIN_SCORE = 70
SUGGESTIONS = 3
DISMISSED = "network.employer_dismissed"


def plain_words(text: str | None) -> str:
    """Folded (app.core.text.fold), punctuation as spaces, spaces squeezed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def name_key(text: str | None) -> str:
    """The key under which spellings of one firm's name are the same: folded, legal forms removed, no spaces."""
    words = plain_words(_NUMBER_RE.sub(" ", text or ""))
    previous = None
    while previous != words:  # "UAB ... MB" or a legal form written twice
        previous, words = words, _LEGAL_RE.sub(" ", words).strip()
    return words.replace(" ", "")


def registration_numbers(text: str | None) -> set[str]:
    """Compact 9- and 10-digit numbers found in ``text`` (a NIP or a company code someone wrote with the name)."""
    return {re.sub(r"[ -]", "", m) for m in _NUMBER_RE.findall(text or "")}


# -- linking at once ----------------------------------------------------------------------------------------------
def resolve_employer(text: str) -> int | None:
    """The member a typed employer means: its registration number in the text, its name's key, or a spelling a
    coordinator confirmed. None when no member (or more than one) fits."""
    numbers = registration_numbers(text)
    if numbers:
        ids = set(db.session.scalars(select(Company.id).where(Company.registration_number.in_(sorted(numbers)))))
        if len(ids) == 1:
            return ids.pop()
    key = name_key(text)
    if not key:
        return None
    alias = db.session.scalar(select(CompanyAlias.company_id).where(CompanyAlias.name_key == key))
    if alias is not None:
        return alias
    ids = {company_id for company_id, name in db.session.execute(select(Company.id, Company.name))
           if name_key(name) == key}
    return ids.pop() if len(ids) == 1 else None


def member_names(company_ids) -> dict[int, str]:
    return dict(db.session.execute(select(Company.id, Company.name).where(Company.id.in_(sorted(company_ids)))).all())


# -- suggestions --------------------------------------------------------------------------------------------------
@dataclass
class Suggestion:
    company_id: int
    name: str
    country: Country
    score: int
    #: The text contains the member's registration number.
    by_number: bool = False


@dataclass
class UnmatchedName:
    """One firm as people wrote it (all spellings with one key), not linked to any member yet."""

    key: str
    spellings: dict[str, int] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The most common spelling (the shortest of equals)."""
        return min(self.spellings, key=lambda s: (-self.spellings[s], len(s), s))

    @property
    def people(self) -> int:
        return sum(self.spellings.values())


def _unmatched_spellings() -> dict[str, dict[str, int]]:
    """key → {spelling: people} for every free-text employer of a person not linked to a member."""
    by_key: dict[str, dict[str, int]] = defaultdict(dict)
    for name, count in db.session.execute(
            select(User.company_name, func.count()).where(User.employer_id.is_(None), User.company_name.is_not(None),
                                                          User.erased_at.is_(None)).group_by(User.company_name)):
        key = name_key(name)
        if key or registration_numbers(name):
            by_key[key or name][name] = by_key[key or name].get(name, 0) + count
    return by_key


def _key_id(key: str) -> str:
    """The audit entry's object id for a name key (keys may be longer than the column)."""
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def dismissed_keys() -> set[str]:
    """Hashes (``_key_id``) of the name keys a coordinator dismissed."""
    return set(db.session.scalars(select(AuditEntry.object_id).where(AuditEntry.action == DISMISSED).distinct()))


def unmatched_names(include_dismissed: bool = False) -> list[UnmatchedName]:
    """Every unmatched employer name with up to three candidate members, most people first. Three queries."""
    skip = set() if include_dismissed else dismissed_keys()
    companies = list(db.session.execute(select(Company.id, Company.name, Company.country,
                                               Company.registration_number).where(Company.is_active.is_(True))))
    aliases = dict(db.session.execute(select(CompanyAlias.name_key, CompanyAlias.company_id)).all())
    by_id = {c.id: c for c in companies}
    by_number = {c.registration_number: c for c in companies if c.registration_number}
    choices = {c.id: name_key(c.name) for c in companies}
    found = []
    for key, spellings in _unmatched_spellings().items():
        if _key_id(key) in skip:
            continue
        item = UnmatchedName(key, spellings)
        suggested: dict[int, Suggestion] = {}
        for number in set().union(*(registration_numbers(s) for s in spellings)):
            if (c := by_number.get(number)) is not None:
                suggested[c.id] = Suggestion(c.id, c.name, c.country, 100, by_number=True)
        if (alias := aliases.get(key)) in by_id:
            suggested.setdefault(alias, Suggestion(alias, by_id[alias].name, by_id[alias].country, 100))
        for _choice, score, company_id in process.extract(key, choices, scorer=fuzz.WRatio, limit=SUGGESTIONS,
                                                          score_cutoff=MIN_SCORE):
            c = by_id[company_id]
            suggested.setdefault(c.id, Suggestion(c.id, c.name, c.country, round(score)))
        item.suggestions = sorted(suggested.values(), key=lambda s: (-s.score, s.name))[:SUGGESTIONS]
        found.append(item)
    return sorted(found, key=lambda n: (-n.people, n.name.casefold()))


# -- coordinators' decisions ------------------------------------------------------------------------------------
COORDINATORS_ONLY = _l("Only coordinators match employers to members.")


def confirm_employer(actor: User, key: str, company: Company) -> int:
    """Link everyone whose free-text employer has ``key`` to ``company``, remember the spelling; returns how many
    people were linked."""
    if not can_manage_directory(actor):
        raise DomainError(COORDINATORS_ONLY)
    spellings = _unmatched_spellings().get(key)
    if not spellings:
        raise DomainError(_l("Nobody has this employer name any more: the list has changed, please look again."))
    people = list(db.session.scalars(select(User).where(User.employer_id.is_(None),
                                                        User.company_name.in_(sorted(spellings)))))
    for person in people:
        record_event("network.employer_linked", actor=actor, obj=person,
                     before={"company_name": person.company_name}, after={"employer_id": company.id})
        person.employer_id, person.company_name = company.id, None
    name = UnmatchedName(key, spellings).name
    if key and key != name_key(company.name):
        alias = db.session.scalar(select(CompanyAlias).where(CompanyAlias.name_key == key))
        alias = alias or CompanyAlias(name_key=key)
        alias.company_id, alias.name, alias.confirmed_by_id = company.id, name[:200], actor.id
        db.session.add(alias)
    db.session.flush()
    record_event("network.employer_confirmed", actor=actor, obj=company,
                 after={"name": name, "spellings": sorted(spellings), "people": len(people)})
    return len(people)


def dismiss_employer(actor: User, key: str) -> None:
    """No member fits this name (a firm outside the cluster): stop suggesting; the people keep it as "other"."""
    if not can_manage_directory(actor):
        raise DomainError(COORDINATORS_ONLY)
    if key not in _unmatched_spellings():
        raise DomainError(_l("Nobody has this employer name any more: the list has changed, please look again."))
    record_event(DISMISSED, actor=actor, object_type="employer_name", object_id=_key_id(key), after={"key": key})
