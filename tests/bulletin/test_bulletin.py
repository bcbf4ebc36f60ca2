"""The bulletin: members propose, coordinators publish or reject (the proposer is told), members-only posts stay
away from anonymous visitors and the feed, the Atom feed parses, the issue PDF keeps Polish and Lithuanian
letters, subscribers hear of an issue once, and the public front page shows the latest posts."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest
from sqlalchemy import select

from app.bulletin import services
from app.bulletin.models import Post, PostStatus, Visibility
from app.bulletin.policies import can_edit, can_propose, can_publish, can_read
from app.core.errors import DomainError
from app.core.models import AuditEntry
from app.core.permissions import Role
from app.notifications.models import Delivery, Notification
from app.notifications.services import set_delivery
from tests.factories import create_user
from tests.workoff import work_off


def _form(**overrides):
    data = {"source_language": "lt", "title_lt": "Žinios iš Alytaus", "body_lt": "Šiandien **suvirinimas**.",
            "title_pl": "Wieści z Alytusa", "body_pl": "Dziś **spawanie** – żółć.", "title_en": "", "body_en": "",
            "visibility": "public"}
    return {**data, **overrides}


@pytest.fixture
def people(db):
    return create_user(Role.COORDINATOR, language="pl"), create_user(Role.MENTOR), create_user(Role.TRAINEE)


def test_policies_say_who_proposes_publishes_and_reads(people):
    coordinator, mentor, trainee = people
    assert can_propose(mentor) and can_propose(coordinator) and not can_propose(trainee)
    assert can_publish(coordinator) and not can_publish(mentor)
    post = Post(author_id=mentor.id, status=PostStatus.PROPOSED, visibility=Visibility.PUBLIC, title={}, body={})
    assert can_edit(mentor, post) and can_edit(coordinator, post) and not can_edit(trainee, post)
    assert can_read(mentor, post) and not can_read(trainee, post)
    post.status = PostStatus.PUBLISHED
    assert not can_edit(mentor, post)  # once published, only coordinators change it


def test_a_member_proposes_and_the_coordinator_publishes(client, login, db, people):
    coordinator, mentor, _trainee = people
    login(mentor)
    # Asking to publish directly is refused: the post stays a proposal and the coordinators are told.
    response = client.post_form("/bulletin/new", _form(publish="Publish"))
    assert response.status_code == 422 and db.session.scalar(select(Post.id)) is None
    assert client.post_form("/bulletin/new", _form(submit="Propose")).status_code == 303
    post = db.session.scalar(select(Post))
    assert post.status == PostStatus.PROPOSED and post.published_at is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id,
                                                        Notification.kind == "bulletin.proposed"))
    client.post_form("/logout")
    assert client.get(f"/bulletin/{post.id}").status_code in (302, 303)  # not public before it is published
    login(coordinator)
    assert client.post_form(f"/bulletin/{post.id}/publish").status_code == 303
    db.session.expire_all()
    assert post.status == PostStatus.PUBLISHED and post.published_at is not None
    assert db.session.scalar(select(Notification).where(Notification.user_id == mentor.id,
                                                        Notification.kind == "bulletin.approved"))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulletin.publish"))
    client.post_form("/logout")
    page = client.get(f"/bulletin/{post.id}").get_data(as_text=True)
    assert "Wieści z Alytusa" in page or "Žinios iš Alytaus" in page


def test_a_rejection_needs_a_reason_and_tells_the_proposer(client, login, db, people):
    coordinator, mentor, _trainee = people
    post = services.write_post(mentor, title={"pl": "Oferta"}, body={"pl": "Tekst"}, source_language="pl",
                               visibility=Visibility.PUBLIC, publish=False)
    db.session.commit()
    login(coordinator)
    client.post_form(f"/bulletin/{post.id}/reject", {"reason": ""})
    db.session.expire_all()
    assert post.status == PostStatus.PROPOSED
    client.post_form(f"/bulletin/{post.id}/reject", {"reason": "To reklama."})
    db.session.expire_all()
    assert post.status == PostStatus.REJECTED and post.rejection_reason == "To reklama."
    told = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id,
                                                        Notification.kind == "bulletin.rejected"))
    assert told.params["reason"] == "To reklama."


def test_a_member_cannot_edit_or_delete_someone_elses_post(client, login, db, people):
    _coordinator, mentor, _trainee = people
    other = create_user(Role.MENTOR)
    post = services.write_post(other, title={"pl": "Moje"}, body={"pl": "Tekst"}, source_language="pl",
                               visibility=Visibility.PUBLIC, publish=False)
    db.session.commit()
    login(mentor)
    assert client.get(f"/bulletin/{post.id}/edit").status_code == 403
    assert client.post_form(f"/bulletin/{post.id}/edit", _form()).status_code == 403
    assert client.post_form(f"/bulletin/{post.id}/delete").status_code == 403
    assert client.post_form(f"/bulletin/{post.id}/publish").status_code == 403
    with pytest.raises(DomainError):
        services.publish_post(mentor, post)
    db.session.rollback()
    db.session.expire_all()
    assert post.status == PostStatus.PROPOSED and post.deleted_at is None


def test_a_deleted_post_disappears_but_keeps_its_row(client, login, db, people):
    coordinator, _mentor, _trainee = people
    post = services.write_post(coordinator, title={"pl": "Usuń mnie"}, body={"pl": "x"}, source_language="pl",
                               visibility=Visibility.PUBLIC, publish=True)
    db.session.commit()
    login(coordinator)
    assert client.post_form(f"/bulletin/{post.id}/delete").status_code == 303
    db.session.expire_all()
    assert post.deleted_at is not None
    assert "Usuń mnie" not in client.get("/bulletin/").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulletin.delete"))


def _published(author, title_pl, visibility):
    return services.write_post(author, title={"pl": title_pl, "lt": title_pl + " (LT)"}, body={"pl": "Treść ąęłż"},
                               source_language="pl", visibility=visibility, publish=True)


def test_members_only_posts_are_hidden_from_visitors_and_the_feed(client, login, db, people):
    coordinator, mentor, _trainee = people
    _published(coordinator, "Publiczny wpis", Visibility.PUBLIC)
    secret = _published(coordinator, "Tylko dla członków", Visibility.MEMBERS)
    db.session.commit()
    listing = client.get("/bulletin/").get_data(as_text=True)
    assert "Publiczny wpis" in listing and "Tylko dla członków" not in listing
    assert client.get(f"/bulletin/{secret.id}").status_code in (302, 303)
    assert "Tylko dla członków" not in client.get("/").get_data(as_text=True)
    feed = feedparser.parse(client.get("/bulletin/feed.atom?lang=pl").get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == ["Publiczny wpis"]
    assert "Treść ąęłż" in feed.entries[0].content[0].value
    lt = feedparser.parse(client.get("/bulletin/feed.atom?lang=lt").get_data())
    assert not lt.bozo and lt.entries[0].title == "Publiczny wpis (LT)"
    login(mentor)
    assert "Tylko dla członków" in client.get("/bulletin/").get_data(as_text=True)
    assert client.get(f"/bulletin/{secret.id}").status_code == 200
    assert "Tylko dla członków" not in client.get("/bulletin/feed.atom").get_data(as_text=True)


def test_subscribers_hear_of_an_issue_once(db, people):
    coordinator, mentor, trainee = people
    set_delivery(mentor, "bulletin", Delivery.DAILY)
    set_delivery(trainee, "bulletin", Delivery.IMMEDIATELY)
    db.session.commit()
    issue = services.publish_issue(coordinator, number=3, title={"pl": "Trzeci"}, period_start=date(2020, 1, 1),
                                   period_end=date(2030, 1, 1))
    db.session.commit()
    assert "done" in work_off("bulletin.issue_published")
    services.tell_subscribers({"issue": issue.id})  # a repeated delivery tells nobody twice
    db.session.commit()
    told = list(db.session.scalars(select(Notification.user_id).where(Notification.kind == "bulletin.issue")))
    assert sorted(told) == sorted([mentor.id, trainee.id])  # the coordinator did not subscribe
    with pytest.raises(DomainError):
        services.publish_issue(coordinator, number=3, title={"pl": "Znowu"}, period_start=date(2020, 1, 1),
                               period_end=date(2030, 1, 1))


def test_the_front_page_shows_latest_posts_specialisations_and_funding(client, login, db, people):
    coordinator, mentor, _trainee = people
    _published(coordinator, "Najnowsza wiadomość", Visibility.PUBLIC)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Najnowsza wiadomość" in page and "/bulletin/" in page and "/directory/" in page
    assert "Interreg" in page
    login(mentor)
    assert "Najnowsza wiadomość" not in client.get("/").get_data(as_text=True)  # logged-in: their own home


def test_a_rejected_post_edited_by_its_author_goes_back_to_the_coordinators(client, login, db, people):
    coordinator, mentor, trainee = people
    post = services.write_post(mentor, title={"pl": "Pierwsza wersja"}, body={"pl": "Tekst"}, source_language="pl",
                               visibility=Visibility.MEMBERS, publish=False)
    services.reject_post(coordinator, post, "Za krótko.")
    db.session.commit()
    login(mentor)
    response = client.post_form(f"/bulletin/{post.id}/edit", _form(source_language="pl", submit="Propose"))
    assert response.status_code == 303
    db.session.expire_all()
    assert post.status == PostStatus.PROPOSED and post.rejection_reason is None
    assert post.title["pl"] == "Wieści z Alytusa" and post.visibility == Visibility.PUBLIC
    # A post needs its title and text in the language it says it is written in; nothing is saved otherwise.
    response = client.post_form(f"/bulletin/{post.id}/edit", _form(source_language="en", submit="Propose"))
    assert response.status_code == 422
    db.session.expire_all()
    assert post.source_language == "pl"
    login(trainee)
    assert client.get("/bulletin/new").status_code == 403
    assert client.post_form("/bulletin/new", _form(submit="Propose")).status_code == 403
