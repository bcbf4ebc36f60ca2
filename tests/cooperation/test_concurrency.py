"""Exactly one offer is accepted when the requester's two sessions accept two offers at the same moment."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.accounts.models import Country
from app.core.errors import DomainError
from app.extensions import db
from tests.conftest import make_test_app
from tests.dbutil import fresh_database, upgrade_to_head


def setup(app):
    from app.cooperation import services
    from app.cooperation.models import Currency
    from app.network.models import Process
    from tests.cooperation.world import member

    with app.app_context():
        lt, lt_contact = member(Country.LT)
        (pl1, c1), (pl2, c2) = member(Country.PL), member(Country.PL)
        request = services.create_request(lt_contact, lt, title="Parts", description="",
                                          process=Process.LASER_CUTTING)
        offers = [services.make_offer(c, request, m, price=None, currency=Currency.EUR, lead_time_days=None,
                                      note="").id for m, c in ((pl1, c1), (pl2, c2))]
        db.session.commit()
        return lt_contact.id, offers


@pytest.mark.parametrize("attempt", range(2))
def test_two_acceptances_at_once(backend, tmp_path, attempt):
    from app.accounts.models import User
    from app.cooperation import services
    from app.cooperation.models import OfferStatus, RequestOffer

    with fresh_database(backend, tmp_path) as url:
        app = make_test_app(url, tmp_path / "media")
        upgrade_to_head(app)
        requester, offers = setup(app)
        barrier, results = threading.Barrier(2), []

        def accept(offer_id):
            with app.app_context():
                user, offer = db.session.get(User, requester), db.session.get(RequestOffer, offer_id)
                barrier.wait()
                try:
                    services.accept_offer(user, offer)
                    db.session.commit()
                    results.append("accepted")
                except DomainError:
                    db.session.rollback()
                    results.append("refused")
                except OperationalError:  # SQLite: one writer, the other is told the database is locked
                    db.session.rollback()
                    results.append("locked")

        threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with app.app_context():
            accepted = db.session.scalar(select(func.count()).select_from(RequestOffer).where(
                RequestOffer.status == OfferStatus.ACCEPTED))
            db.engine.dispose()
        assert accepted == 1
        if backend == "postgresql":
            assert sorted(results) == ["accepted", "refused"]
