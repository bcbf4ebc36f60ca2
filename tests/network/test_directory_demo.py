"""The demo directory: at least a dozen published members per country, firms and craftspeople, each found by
words of its trade; placements' demo reuses the firms; ``flask network reindex`` rewrites every document."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from stdnum.pl import nip

from app.accounts.models import Country
from app.network.demo import DEMO_MEMBERS, seed_demo_network
from app.network.models import Company, MemberKind
from app.network.search import DirectorySearch, search_members
from app.placements.demo import FIRMS


def names(text: str, **criteria) -> set[str]:
    return {c.name for c in search_members(DirectorySearch(text=text, **criteria))}


def test_the_demo_directory(app, db):
    seed_demo_network()
    db.session.commit()
    members = list(db.session.scalars(select(Company).where(Company.name.in_([m.name for m in DEMO_MEMBERS]))))
    assert len(members) == len(DEMO_MEMBERS)
    published = Counter((m.country, m.kind) for m in members if m.is_published and m.is_active)
    for country in (Country.PL, Country.LT):
        assert published[country, MemberKind.FIRM] + published[country, MemberKind.CRAFTSPERSON] >= 12
        assert published[country, MemberKind.CRAFTSPERSON] >= 3
    assert set(FIRMS) <= {m.name for m in members}  # the placements' demo finds its firms
    for member in members:
        assert member.region and member.languages and member.capabilities and 1 <= len(member.products) <= 3
        assert member.search_document
        if member.country == Country.PL and member.registration_number:
            assert nip.is_valid(member.registration_number), member.name
    assert len({m.contact_visibility for m in members}) == 3
    # Found by their trades, in either language, with or without diacritics.
    assert "Kalvystės dirbtuvė „Žiežirba“ Antanas Jurgaitis" in names("kowal", country=Country.LT)
    assert "Pracownia Rzeźby Ludowej Stanisław Bućko" in names("drozyba")
    assert "Metal-Tech Suwałki Sp. z o.o." in names("suvirinimas", country=Country.PL)
    assert "UAB Alytaus lazeriai" in names("cięcie laserowe")
    assert names("3834") >= {"Metal-Tech Suwałki Sp. z o.o.", "UAB Suvirinimo technologijos"}
    # A second run adds nothing.
    count = db.session.scalar(select(func.count()).select_from(Company))
    seed_demo_network()
    assert db.session.scalar(select(func.count()).select_from(Company)) == count


def test_reindex_rewrites_every_document(app, db):
    seed_demo_network()
    db.session.commit()
    db.session.execute(Company.__table__.update().values(search_document=""))
    db.session.commit()
    assert names("spawanie") == set()
    result = app.test_cli_runner().invoke(args=["network", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"{len(DEMO_MEMBERS)}" in result.output
    db.session.expire_all()
    assert "Metal-Tech Suwałki Sp. z o.o." in names("spawanie")
