"""Demo bulletin (``flask seed-demo``): a public post in Polish and Lithuanian, a members-only post, and issue 1."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.bulletin.models import BulletinIssue, Post, PostStatus, Visibility
from app.core.db import utcnow
from app.core.demo import demo_seeder
from app.extensions import db


@demo_seeder(order=80)
def seed_demo_bulletin() -> None:
    if db.session.scalar(select(Post.id).limit(1)) is not None:
        return
    author = find_user_by_email("koordynator@example.com")
    if author is None:
        return
    now = utcnow()
    issue = BulletinIssue(number=1, title={"pl": "Biuletyn klastra", "lt": "Klasterio biuletenis"},
                          period_start=(now - timedelta(days=30)).date(), period_end=now.date(), published_at=now)
    db.session.add(issue)
    db.session.add_all([
        Post(title={"pl": "Nowy kurs spawania MAG", "lt": "Naujas MAG suvirinimo kursas"},
             body={"pl": "Zapisy na **kurs spawania** w Suwałkach są otwarte.",
                   "lt": "Registracija į **suvirinimo kursą** Alytuje atidaryta."},
             source_language="pl", visibility=Visibility.PUBLIC, status=PostStatus.PUBLISHED, author=author,
             published_at=now - timedelta(days=2), issue=issue),
        Post(title={"pl": "Spotkanie członków klastra"}, body={"pl": "Tylko dla członków: spotkanie w marcu."},
             source_language="pl", visibility=Visibility.MEMBERS, status=PostStatus.PUBLISHED, author=author,
             published_at=now - timedelta(days=1), issue=issue),
    ])
    db.session.flush()
