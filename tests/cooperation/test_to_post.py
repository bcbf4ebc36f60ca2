"""A completed cooperation turned into a draft bulletin post: coordinators only, delivered or closed orders only,
what was done between which members (country to country) and the rating when both sides rated — never the price
or the thread."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts.models import Country
from app.bulletin.models import Post, PostStatus, Visibility
from app.cooperation.models import RequestMessage, RequestStatus
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.extensions import db as _db
from app.network.models import Process
from tests.cooperation.world import member, seeded_request
from tests.factories.accounts import create_user

OPENED = datetime(2026, 10, 5, 8, tzinfo=UTC)


def test_a_coordinator_turns_a_closed_order_into_a_draft(client, login, db):
    lt, _lt_contact = member(Country.LT)
    pl, _pl_contact = member(Country.PL)
    request = seeded_request(lt, opened=OPENED, process=Process.WELDING_TIG, status=RequestStatus.CLOSED,
                             offers=[(pl, 2, "4321.99", "PLN", True)], ratings=[(lt, 5), (pl, 4)])
    _db.session.add(RequestMessage(request_id=request.id, company_id=pl.id, body="Tajna cena hurtowa"))
    _db.session.commit()
    coordinator = create_user(Role.COORDINATOR, language="pl")
    login(coordinator)
    page = client.get(f"/cooperation/{request.id}").text
    assert 'id="to-post"' in page
    response = client.post_form(f"/cooperation/{request.id}/post")
    post = _db.session.query(Post).one()
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/bulletin/{post.id}/edit")
    assert post.status == PostStatus.DRAFT and post.visibility == Visibility.MEMBERS
    assert post.author_id == coordinator.id and post.source_language == "pl"
    assert set(post.title) == set(post.body) == {"pl", "lt", "en"}
    assert post.title["en"] == "Completed cooperation: TIG welding"
    english = post.body["en"]
    assert f"{pl.name} (Poland) carried out an order of {lt.name} (Lithuania)" in english
    assert "A cooperation across the border." in english and "4.5 of 5" in english
    assert "Spawanie TIG" in post.title["pl"] or "TIG" in post.title["pl"]
    everything = " ".join([*post.title.values(), *post.body.values()])
    assert "4321" not in everything and "Tajna" not in everything  # no price, no thread
    assert _db.session.query(AuditEntry).filter_by(action="cooperation.turned_into_post").count() == 1
    assert client.get(f"/bulletin/{post.id}/edit").status_code == 200


def test_no_rating_unless_both_sides_rated(client, login, db):
    lt, _ = member(Country.LT)
    lt2, _ = member(Country.LT)
    request = seeded_request(lt, opened=OPENED, status=RequestStatus.DELIVERED,
                             offers=[(lt2, 2, None, "EUR", True)], ratings=[(lt, 2)])
    login(create_user(Role.COORDINATOR))
    assert client.post_form(f"/cooperation/{request.id}/post").status_code == 303
    body = _db.session.query(Post).one().body["en"]
    assert "of 5" not in body and "across the border" not in body


def test_refused_to_others_and_on_an_unfinished_order(client, login, db):
    lt, lt_contact = member(Country.LT)
    pl, pl_contact = member(Country.PL)
    done = seeded_request(lt, opened=OPENED, status=RequestStatus.CLOSED, offers=[(pl, 2, "10", "EUR", True)])
    running = seeded_request(lt, opened=OPENED, status=RequestStatus.IN_PROGRESS, offers=[(pl, 2, "10", "EUR", True)])
    still_open = seeded_request(lt, opened=OPENED)
    for person in (lt_contact, pl_contact):  # the parties themselves do not write bulletin drafts
        login(person)
        assert 'id="to-post"' not in client.get(f"/cooperation/{done.id}").text
        assert client.post_form(f"/cooperation/{done.id}/post").status_code == 403
    login(create_user(Role.COORDINATOR))
    for unfinished in (running, still_open):
        assert 'id="to-post"' not in client.get(f"/cooperation/{unfinished.id}").text
        response = client.post_form(f"/cooperation/{unfinished.id}/post", follow_redirects=True)
        assert "Only a delivered or closed order can be turned into a post." in response.text
    assert client.post_form("/cooperation/999999/post").status_code == 404
    assert client.post(f"/cooperation/{done.id}/post").status_code in (302, 303, 400)  # no CSRF token: nothing
    assert _db.session.query(Post).count() == 0
