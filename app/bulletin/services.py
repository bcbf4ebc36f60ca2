"""Writing, proposing, deciding and deleting posts; publishing issues and telling the subscribers (flush only)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from app.accounts.models import User
from app.bulletin.models import BulletinIssue, Post, PostStatus, Visibility
from app.bulletin.policies import can_edit, can_propose, can_publish
from app.core.audit import record_event
from app.core.db import utcnow
from app.core.errors import DomainError
from app.core.permissions import Role
from app.core.translated import clean_texts
from app.core.urls import path_for
from app.extensions import db
from app.jobs.outbox import enqueue, handler
from app.notifications.models import Delivery, NotificationPreference
from app.notifications.services import notify


def coordinators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.COORDINATOR, User.is_active.is_(True))))


def _check_texts(title: dict, body: dict, source_language: str) -> tuple[dict, dict]:
    title, body = clean_texts(title), clean_texts(body)
    if not title.get(source_language) or not body.get(source_language):
        raise DomainError(_l("Write the title and the text at least in the post's language."), "source_language")
    return title, body


def write_post(actor: User, *, title: dict, body: dict, source_language: str, visibility: Visibility,
               publish: bool) -> Post:
    """A coordinator's post is a draft or published at once; anyone else's is a proposal for the coordinators."""
    if not can_propose(actor):
        raise DomainError(_l("You cannot write bulletin posts."))
    if publish and not can_publish(actor):
        raise DomainError(_l("Only coordinators publish posts; yours will be proposed to them."))
    title, body = _check_texts(title, body, source_language)
    post = Post(title=title, body=body, source_language=source_language, visibility=visibility, author=actor,
                status=PostStatus.DRAFT if can_publish(actor) else PostStatus.PROPOSED)
    db.session.add(post)
    db.session.flush()
    if publish:
        _publish(actor, post)
    elif post.status == PostStatus.PROPOSED:
        notify(coordinators(), "bulletin.proposed", {"title": title, "author": actor.full_name},
               link=path_for("bulletin.post", post_id=post.id))
    return post


def draft_post(actor: User, *, title: dict, body: dict, source_language: str,
               visibility: Visibility = Visibility.MEMBERS) -> Post:
    """A coordinator's draft written for them from elsewhere (a completed cooperation): saved, never published
    here; they read it, edit it and publish it like any draft."""
    if not can_publish(actor):
        raise DomainError(_l("Only coordinators prepare drafts of posts."))
    title, body = _check_texts(title, body, source_language)
    post = Post(title=title, body=body, source_language=source_language, visibility=visibility, author=actor,
                status=PostStatus.DRAFT)
    db.session.add(post)
    db.session.flush()
    return post


def edit_post(actor: User, post: Post, *, title: dict, body: dict, source_language: str,
              visibility: Visibility) -> Post:
    """Coordinators edit any post; authors their own unpublished ones (a rejected one goes back to the queue)."""
    if not can_edit(actor, post):
        raise DomainError(_l("You cannot edit this post."))
    post.title, post.body = _check_texts(title, body, source_language)
    post.source_language, post.visibility = source_language, visibility
    if post.status == PostStatus.REJECTED and not can_publish(actor):
        post.status, post.rejection_reason = PostStatus.PROPOSED, None
        notify(coordinators(), "bulletin.proposed", {"title": post.title, "author": actor.full_name},
               link=path_for("bulletin.post", post_id=post.id))
    db.session.flush()
    return post


def _publish(actor: User, post: Post) -> None:
    post.status, post.published_at, post.rejection_reason = PostStatus.PUBLISHED, utcnow(), None
    db.session.flush()
    record_event("bulletin.publish", actor=actor, obj=post, after={"title": post.title})


def publish_post(actor: User, post: Post) -> None:
    """Coordinators publish a draft or approve a proposal (the proposer is told)."""
    if not can_publish(actor):
        raise DomainError(_l("Only coordinators publish posts."))
    if post.deleted_at is not None or post.status == PostStatus.PUBLISHED:
        raise DomainError(_l("This post cannot be published."))
    was_proposed = post.status in (PostStatus.PROPOSED, PostStatus.REJECTED)
    _publish(actor, post)
    if was_proposed and post.author_id != actor.id:
        notify([post.author], "bulletin.approved", {"title": post.title},
               link=path_for("bulletin.post", post_id=post.id))


def reject_post(actor: User, post: Post, reason: str) -> None:
    """Coordinators reject a proposal with a reason, which the proposer reads."""
    if not can_publish(actor):
        raise DomainError(_l("Only coordinators decide proposals."))
    if post.status != PostStatus.PROPOSED or post.deleted_at is not None:
        raise DomainError(_l("Only a proposed post can be rejected."))
    if not reason.strip():
        raise DomainError(_l("Say why the post is rejected."), "reason")
    post.status, post.rejection_reason = PostStatus.REJECTED, reason.strip()
    db.session.flush()
    record_event("bulletin.reject", actor=actor, obj=post, after={"reason": post.rejection_reason})
    notify([post.author], "bulletin.rejected", {"title": post.title, "reason": post.rejection_reason},
           link=path_for("bulletin.post", post_id=post.id))


def delete_post(actor: User, post: Post) -> None:
    """Soft delete: the post disappears from every list and feed, its row and audit trail stay."""
    if not can_edit(actor, post):
        raise DomainError(_l("You cannot delete this post."))
    post.deleted_at = utcnow()
    db.session.flush()
    record_event("bulletin.delete", actor=actor, obj=post, before={"title": post.title, "status": post.status.value})


#: Posts per page of the bulletin's list; the feed holds the latest ``FEED_SIZE``.
POSTS_PER_PAGE = 20
FEED_SIZE = 30


def visible_posts_query(user, *, public_only: bool = False):
    """Published, not deleted posts the user may read, newest first (a query)."""
    query = select(Post).where(Post.status == PostStatus.PUBLISHED, Post.deleted_at.is_(None))
    if public_only or not getattr(user, "is_authenticated", False):
        query = query.where(Post.visibility == Visibility.PUBLIC)
    return query.order_by(Post.published_at.desc(), Post.id.desc())


def visible_posts(user, *, limit: int | None = None, public_only: bool = False) -> list[Post]:
    """Published, not deleted posts the user may read, newest first."""
    query = visible_posts_query(user, public_only=public_only)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def waiting_posts(user) -> list[Post]:
    """Coordinators: every proposal and draft; others: their own unpublished posts."""
    query = select(Post).where(Post.deleted_at.is_(None), Post.status != PostStatus.PUBLISHED)
    if not can_publish(user):
        query = query.where(Post.author_id == user.id)
    return list(db.session.scalars(query.order_by(Post.created_at.desc())))


# -- issues ---------------------------------------------------------------------------------------------------------
def publish_issue(actor: User, *, number: int, title: dict, period_start: date, period_end: date) -> BulletinIssue:
    """A coordinator gathers the posts published in the period (not yet in an issue) into a new numbered issue;
    the subscribers are told once, after the commit."""
    if not can_publish(actor):
        raise DomainError(_l("Only coordinators publish issues."))
    if period_end < period_start:
        raise DomainError(_l("The period ends before it starts."), "period_end")
    if db.session.scalar(select(BulletinIssue.id).where(BulletinIssue.number == number)):
        raise DomainError(_l("An issue with this number already exists."), "number")
    title = clean_texts(title)
    if not title:
        raise DomainError(_l("Give the issue a title."), "title_en")
    issue = BulletinIssue(number=number, title=title, period_start=period_start, period_end=period_end,
                          published_at=utcnow())
    db.session.add(issue)
    db.session.flush()
    posts = db.session.scalars(select(Post).where(
        Post.status == PostStatus.PUBLISHED, Post.deleted_at.is_(None), Post.issue_id.is_(None)))
    for post in posts:
        if period_start <= post.published_at.date() <= period_end:
            post.issue_id = issue.id
    db.session.flush()
    record_event("bulletin.issue_publish", actor=actor, obj=issue, after={"number": number})
    enqueue("bulletin.issue_published", {"issue": issue.id}, key=f"bulletin.issue:{issue.id}")
    from app.bulletin.issue_files import ask_for_public_copies

    ask_for_public_copies(issue)  # visitors' copies are ready before anyone asks
    return issue


def subscribers() -> list[User]:
    """People who asked for the bulletin: the category is off unless a person chose a delivery for it."""
    return list(db.session.scalars(select(User).join(NotificationPreference, and_(
        NotificationPreference.user_id == User.id, NotificationPreference.category == "bulletin",
        NotificationPreference.delivery != Delivery.OFF)).where(User.is_active.is_(True), User.erased_at.is_(None))))


@handler("bulletin.issue_published")
def tell_subscribers(payload: dict) -> None:
    """The issue's notice for each subscriber (mailed at once or in their daily summary, as they chose); the key
    makes a repeated delivery of this message tell nobody twice."""
    issue = db.session.get(BulletinIssue, payload["issue"])
    if issue is None:
        return
    notify(subscribers(), "bulletin.issue", {"number": issue.number, "title": issue.title},
           link=path_for("bulletin.issue", issue_id=issue.id), key=f"bulletin.issue:{issue.id}")
